/**
 * The App's check of a pull request (src/github/handlers.ts `checkPullRequest`), step by
 * step with the same functions, on a local git repository instead of the GitHub API:
 * policies from the base commit; the changed Dockerfiles built at head and base and
 * scanned; the changed targets judged with registry look-ups and signatures; new findings
 * marked against the base; the summary's note on waivers the pull request adds; the review
 * `publishReview` would post; and the `Portcullis policy` check when the policies change.
 *
 * Only the transport differs: files come from git instead of `repos.getContent`, build
 * contexts from `git archive` instead of GitHub's tarballs, the patches from the `diff`
 * package (three lines of context, as GitHub serves them) instead of `pulls.listFiles`.
 * The demo's own code is its own committer: no fork, so no build approval to ask for.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { structuredPatch } from 'diff';
import { builderFromEnv } from '../build/index.js';
import { ConfigError } from '../config/configuration.js';
import { markNewFindings } from '../core/baseline.js';
import { gitCommitTree, policyImpact } from '../core/impact.js';
import {
  type Judgement,
  type JudgeOptions,
  judgementFails,
  judgeTargets,
  type TargetFile,
} from '../core/judge.js';
import { changedFilesBetween, readFileAtCommit } from '../core/local-repository.js';
import { judgePullRequest } from '../core/pull-request.js';
import { buildSettingsFrom, gatherImageFacts, needsBuild } from '../facts/image-facts.js';
import { appRegistryOptions } from '../facts/registry-facts.js';
import { archive } from '../git.js';
import { changesPolicy } from '../github/policy-check.js';
import type { PullRequestFile } from '../github/pull-request-files.js';
import { locatedProblems } from '../github/repository-policy.js';
import { firstReview } from '../github/review.js';
import { examinePolicySet, readPolicyTests } from '../policy/opa-tools.js';
import { loadPolicySet, type PolicySet, policyEngineFor } from '../policy/policy-set.js';
import type { PolicyEvaluator } from '../policy/sandbox.js';
import { parseWaivers, waiverChanges } from '../policy/waivers.js';
import { type CheckRunReport, checkRunReport } from '../report/check-run.js';
import { type PolicyChangeOutcome, policyCheckReport } from '../report/policy-report.js';
import { waiverChangesSection } from '../report/waiver-report.js';
import { gitCommitSnapshot } from '../repository/snapshot.js';
import { scannerFromEnv } from '../scan/osv-scanner.js';
import { settings } from '../settings.js';
import { isDockerfilePath } from '../targets/detect.js';

const run = promisify(execFile);

export interface LocalPullRequest {
  repo: string;
  base: string;
  head: string;
}

export interface PullRequestOutcome {
  policy: { set: PolicySet; engine: PolicyEvaluator };
  judgement: Judgement;
  /** The `Portcullis` check run. */
  report: CheckRunReport;
  /** The review's fields as `pulls.createReview` takes them; null when no finding is on a changed line. */
  review: ReturnType<typeof firstReview>;
  /** The `Portcullis policy` check run, when the pull request changes the policies. */
  policyReport: CheckRunReport | null;
}

export async function checkLocalPullRequest(
  pr: LocalPullRequest,
  options: { progress: (title: string) => void; signal: AbortSignal },
): Promise<PullRequestOutcome> {
  const { repo, base, head } = pr;
  const set = await loadPolicySet(gitCommitSnapshot(repo, base));
  const policy = { set, engine: await policyEngineFor(set) };
  const changed = await changedFilesWithPatches(pr);
  const changedPaths = changed.map((f) => f.path);
  const build = settings().build ? imageFacts(pr, changedPaths, set, options) : null;
  // A Dockerfile whose build context changed is judged (and built) as though it changed.
  const contextChanged = build
    ? (await gitCommitTree(repo, head)).paths.filter(
        (path) => !changedPaths.includes(path) && isDockerfilePath(path) && needsBuild(path, changedPaths),
      )
    : [];
  const judged = [...changed, ...contextChanged.map((path) => ({ path, status: 'modified' as const }))];
  const headFiles = new Map<string, TargetFile['content']>();
  const judgement = await judgePullRequest(
    {
      changedFiles: async () => judged,
      readHeadFile: async (path) => {
        const content = await readFileAtCommit(repo, head, path);
        headFiles.set(path, content);
        return content;
      },
    },
    async () => policy.engine,
    { ...appRegistryOptions(), policySet: set, ...(build ? { images: build.images } : {}) },
  ).finally(() => build?.cleanup());
  await markAgainstBase(pr, judged, judgement, headFiles, policy);

  const report = checkRunReport(judgement);
  report.summary += await headWaiverChanges(pr, changedPaths, set);
  const remediations = new Map(Object.values(policy.engine.rules).map((rule) => [rule.id, rule.remediation]));
  const configured = set.config.review;
  const review = firstReview(
    { findings: judgement.findings, files: changed, headFiles, remediation: (id) => remediations.get(id) },
    {
      event:
        configured.event === 'request_changes' && judgementFails(judgement) ? 'REQUEST_CHANGES' : 'COMMENT',
      maxComments: configured.max_comments,
    },
  );
  const policyReport = changesPolicy(changed, set.config) ? await policyChangeReport(pr, policy) : null;
  return { policy, judgement, report, review, policyReport };
}

/** The changed files with the patches `pulls.listFiles` would give (none for binary files). */
async function changedFilesWithPatches({ repo, base, head }: LocalPullRequest): Promise<PullRequestFile[]> {
  const text = async (commit: string, path: string) => {
    const content = await readFileAtCommit(repo, commit, path);
    return content instanceof Uint8Array && !content.includes(0)
      ? Buffer.from(content).toString('utf8')
      : null;
  };
  return Promise.all(
    (await changedFilesBetween(repo, base, head)).map(async (file) => {
      const before = file.status === 'added' ? '' : await text(base, file.path);
      const after = file.status === 'removed' ? '' : await text(head, file.path);
      if (before === null || after === null) return file;
      const { hunks } = structuredPatch(file.path, file.path, before, after, '', '', { context: 3 });
      const patch = hunks
        .map((h) =>
          [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines].join('\n'),
        )
        .join('\n');
      return { ...file, ...(patch ? { patch } : {}) };
    }),
  );
}

/** As `appImageFacts`, with the commits unpacked by `git archive` as build contexts. */
function imageFacts(
  { repo, base, head }: LocalPullRequest,
  changedPaths: readonly string[],
  set: PolicySet,
  options: { progress: (title: string) => void; signal: AbortSignal },
): { images: NonNullable<JudgeOptions['images']>; cleanup: () => void } {
  const work = mkdtempSync(join(tmpdir(), 'portcullis-pr-'));
  const trees = new Map<string, Promise<string | null>>();
  const tree = (commit: string) => () => {
    let unpacked = trees.get(commit);
    if (!unpacked) {
      unpacked = unpack(repo, commit, join(work, commit));
      trees.set(commit, unpacked);
    }
    return unpacked;
  };
  const images: NonNullable<JudgeOptions['images']> = async (inputs) => {
    if (!inputs.some((i) => i.target.kind === 'dockerfile' && needsBuild(i.target.path, changedPaths)))
      return new Map();
    const cacheRoot = settings().cacheDir;
    return gatherImageFacts(inputs, {
      builder: builderFromEnv(),
      scanner: scannerFromEnv(),
      head: tree(head),
      base: tree(base),
      changedPaths,
      progress: (title) => options.progress(title),
      settings: buildSettingsFrom(set.config.build),
      signal: options.signal,
      cacheDir: cacheRoot ? join(cacheRoot, 'images') : null,
    });
  };
  return { images, cleanup: () => rmSync(work, { recursive: true, force: true }) };
}

async function unpack(repo: string, commit: string, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const file = `${dir}.tar`;
  await archive(repo, commit, file);
  await run('tar', ['-x', '--no-same-owner', '-C', dir, '-f', file]);
  rmSync(file, { force: true });
  return dir;
}

/** As the App's `markAgainstBase`: the base versions of the modified targets, judged alike. */
async function markAgainstBase(
  { repo, base }: LocalPullRequest,
  judged: readonly { path: string; status: string }[],
  judgement: Judgement,
  headFiles: ReadonlyMap<string, TargetFile['content']>,
  policy: { set: PolicySet; engine: PolicyEvaluator },
): Promise<void> {
  const paths = new Set(judgement.targets.map((t) => t.path));
  const existing = judged.filter((f) => f.status === 'modified' && paths.has(f.path));
  const baseFiles = new Map<string, TargetFile['content']>();
  for (const file of existing) baseFiles.set(file.path, await readFileAtCommit(repo, base, file.path));
  const atBase = await judgeTargets(
    [...baseFiles].map(([path, content]) => ({ path, content })),
    existing.length > 0 ? policy.engine : null,
    { ...appRegistryOptions(), policySet: policy.set },
  );
  markNewFindings(judgement, headFiles, atBase, baseFiles);
}

/** As the App's `headWaiverChanges`: waivers the pull request adds or extends. */
async function headWaiverChanges(
  { repo, head }: LocalPullRequest,
  changedPaths: readonly string[],
  set: PolicySet,
): Promise<string> {
  const file = set.config.waivers;
  if (!changedPaths.includes(file)) return '';
  try {
    const text = await gitCommitSnapshot(repo, head).readFile(file);
    return waiverChangesSection(waiverChanges(set.waivers, parseWaivers(text, file)), file);
  } catch {
    return '';
  }
}

/** As the App's `policyChangeReport`: the head policies examined, and their impact on every target. */
async function policyChangeReport(
  { repo, head }: LocalPullRequest,
  base: { set: PolicySet; engine: PolicyEvaluator },
): Promise<CheckRunReport> {
  const snapshot = gitCommitSnapshot(repo, head);
  let headSet: PolicySet;
  try {
    headSet = await loadPolicySet(snapshot);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return policyCheckReport({
      configError: { message: error.message, located: locatedProblems(error) },
      baseSource: base.set.source,
      notes: [],
    });
  }
  const examination = await examinePolicySet(headSet, await readPolicyTests(snapshot, headSet));
  const impact: PolicyChangeOutcome['impact'] = examination.engine
    ? await policyImpact(await gitCommitTree(repo, head), base, { set: headSet, engine: examination.engine })
    : { notComputed: 'the head policies do not compile.' };
  return policyCheckReport({
    examination,
    impact,
    baseSource: base.set.source,
    headSource: headSet.source,
    notes: [],
  });
}
