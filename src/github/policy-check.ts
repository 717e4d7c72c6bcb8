/**
 * The `Portcullis policy` check run, on pull requests that change the configuration, the
 * policy folder or the waivers file: `opa check` and `opa test` on the head commit's
 * policies as annotations, and the impact of the change on every container file of the
 * repository in the summary.
 *
 * The head policies are loaded for this report only. They never judge the pull request's
 * container files: the `Portcullis` check does that with the base policies, so a pull
 * request cannot weaken the gate that judges it.
 *
 * A fork's head tests (and those of an author without write access) do run, and no
 * differently from anyone's: every `opa check`, `opa build` and `opa test` on head Rego is
 * the restricted run of src/policy/opa-process.ts (the gate's capabilities, so no
 * `http.send`, `opa.runtime` or other built-in that reaches out; an empty environment; a
 * temporary folder; time, memory and output limits), and what a test prints is cleaned
 * and capped (opa-tools.ts) before the report escapes it. Nothing about that run depends
 * on who wrote the tests, so there is nothing more a maintainer's approval would unlock.
 *
 * The head commit is listed with one recursive `git.getTree` call; the policy files and
 * the targets are read as blobs, each once, a few at a time.
 */
import { CONFIG_PATH, ConfigError, DEFAULT_CONFIG, type PortcullisConfig } from '../config/configuration.js';
import { type CommitTree, policyImpact } from '../core/impact.js';
import type { TargetFile } from '../core/judge.js';
import type { ChangedFile } from '../core/pull-request.js';
import { errorMessage } from '../errors.js';
import { appRegistryOptions } from '../facts/registry-facts.js';
import { examinePolicySet, readPolicyTests } from '../policy/opa-tools.js';
import { loadPolicySet, type PolicySet } from '../policy/policy-set.js';
import type { PolicyEvaluator } from '../policy/sandbox.js';
import type { CheckRunReport } from '../report/check-run.js';
import { POLICY_CHECK_NAME, type PolicyChangeOutcome, policyCheckReport } from '../report/policy-report.js';
import type { RepositorySnapshot } from '../repository/snapshot.js';
import { readableTreeEntry } from '../repository/source-file.js';
import { type CheckRunJob, runCheck } from './check-run.js';
import { interruptsJob } from './github-client.js';
import type { Octokit, PullRequestRef } from './pull-request-files.js';
import { headExtendsLoader, locatedProblems } from './repository-policy.js';

/** What the main check already knows, so that nothing is fetched twice. */
export interface PolicyChangeContext {
  /** The pull request's changed files; listed here when the main check stopped before it listed them. */
  changed?: readonly ChangedFile[];
  /** The base commit's policies, or why they could not be loaded. */
  base: { set: PolicySet; engine: PolicyEvaluator } | { error: unknown };
}

/** Blobs read at once: polite to the API, and most of the time is GitHub's anyway. */
const BLOB_CONCURRENCY = 8;

/**
 * Creates the `Portcullis policy` check run when the pull request changes the policies.
 * Throws only what interrupts the job (see `interruptsJob`): the main check's verdict
 * stands whatever happens here.
 */
export async function checkPolicyChange(
  octokit: Octokit,
  pr: PullRequestRef,
  context: PolicyChangeContext | undefined,
  job: CheckRunJob,
): Promise<void> {
  if (!context) return;
  try {
    const changed = context.changed ?? (await listChangedFiles(octokit, pr));
    const config = 'set' in context.base ? context.base.set.config : DEFAULT_CONFIG;
    if (!changesPolicy(changed, config)) return;
    await runCheck(
      octokit,
      { owner: pr.owner, repo: pr.repo, headSha: pr.headSha, name: POLICY_CHECK_NAME },
      job,
      () => policyChangeReport(octokit, pr, context),
    );
  } catch (error) {
    if (interruptsJob(error)) throw error;
    octokit.log.warn(
      `Portcullis could not check the policy change of #${pr.pullNumber}: ${errorMessage(error)}`,
    );
  }
}

/** Whether any changed file is the configuration, in the policy folder, or the waivers file (of the base). */
export function changesPolicy(changed: readonly ChangedFile[], config: PortcullisConfig): boolean {
  const folder = `${config.policies.path.replace(/\/+$/, '')}/`;
  return changed.some(
    (f) => f.path === CONFIG_PATH || f.path === config.waivers || f.path.startsWith(folder),
  );
}

async function policyChangeReport(
  octokit: Octokit,
  pr: PullRequestRef,
  context: PolicyChangeContext,
): Promise<CheckRunReport> {
  const tree = await githubCommitTree(octokit, pr, pr.headSha);
  const notes = tree.truncated
    ? [
        'GitHub listed only part of the head commit (the tree is too large): policy files and targets beyond that were not read.',
      ]
    : [];
  const baseSource = 'set' in context.base ? context.base.set.source : undefined;
  let head: PolicySet;
  try {
    head = await loadPolicySet(tree.snapshot, {
      // Only what the base extends is fetched (see repository-policy.ts).
      loadExtends: headExtendsLoader(octokit, 'set' in context.base ? context.base.set.config.extends : null),
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return policyCheckReport({
      configError: { message: error.message, located: locatedProblems(error) },
      ...(baseSource ? { baseSource } : {}),
      notes,
    });
  }
  const examination = await examinePolicySet(head, await readPolicyTests(tree.snapshot, head));
  let impact: PolicyChangeOutcome['impact'];
  if ('error' in context.base) {
    impact = { notComputed: `the base policies do not load (${errorMessage(context.base.error)})` };
  } else if (!examination.engine) {
    impact = { notComputed: 'the head policies do not compile.' };
  } else {
    // The App's registry client: a change of `trust:` is judged on the images' signatures.
    impact = await policyImpact(
      tree,
      context.base,
      { set: head, engine: examination.engine },
      appRegistryOptions(),
    );
  }
  return policyCheckReport({
    examination,
    impact,
    ...(baseSource ? { baseSource } : {}),
    headSource: head.source,
    notes,
  });
}

async function listChangedFiles(octokit: Octokit, pr: PullRequestRef): Promise<ChangedFile[]> {
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
    owner: pr.owner,
    repo: pr.repo,
    pull_number: pr.pullNumber,
    per_page: 100,
  });
  return files.map((f) => ({ path: f.filename, status: f.status as ChangedFile['status'] }));
}

/** A commit as one recursive tree listing, with its files read as blobs on demand (each once). */
export async function githubCommitTree(
  octokit: Octokit,
  repository: { owner: string; repo: string },
  commit: string,
): Promise<CommitTree & { snapshot: RepositorySnapshot; truncated: boolean }> {
  const { owner, repo } = repository;
  const { data } = await octokit.rest.git.getTree({ owner, repo, tree_sha: commit, recursive: 'true' });
  const entries = new Map<string, { sha: string; size: number }>();
  for (const entry of data.tree) {
    // Symbolic links (120000) and submodules (type commit) are not files to read.
    if (entry.type !== 'blob' || entry.mode === '120000' || !entry.path || !entry.sha) continue;
    entries.set(entry.path, { sha: entry.sha, size: entry.size ?? 0 });
  }
  const blobs = new Map<string, Promise<Uint8Array>>();
  const blob = (sha: string) => {
    let bytes = blobs.get(sha);
    if (!bytes) {
      bytes = octokit.rest.git
        .getBlob({ owner, repo, file_sha: sha })
        .then(
          ({ data }) =>
            new Uint8Array(Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8')),
        );
      bytes.catch(() => blobs.delete(sha));
      blobs.set(sha, bytes);
    }
    return bytes;
  };
  const short = commit.slice(0, 7);
  const readTarget = async (path: string): Promise<TargetFile> => {
    const readable = readableTreeEntry(entries.get(path), short);
    if ('unavailable' in readable) return { path, content: readable };
    return { path, content: await blob(readable.sha) };
  };
  return {
    paths: [...entries.keys()],
    truncated: data.truncated,
    async read(paths) {
      const files: TargetFile[] = [];
      for (let i = 0; i < paths.length; i += BLOB_CONCURRENCY) {
        files.push(...(await Promise.all(paths.slice(i, i + BLOB_CONCURRENCY).map(readTarget))));
      }
      return files;
    },
    snapshot: {
      label: `${owner}/${repo}@${short}`,
      async readFile(path) {
        const entry = entries.get(path);
        return entry ? Buffer.from(await blob(entry.sha)).toString('utf8') : null;
      },
      async listFiles(folder) {
        const prefix = `${folder.replace(/\/+$/, '')}/`;
        return [...entries.keys()].filter((p) => p.startsWith(prefix)).sort();
      },
    },
  };
}
