/** What the App does for each event: plain functions of an Octokit and the payload's facts. */
import { ConfigError } from '../config/configuration.js';
import { markNewFindings } from '../core/baseline.js';
import { type Judgement, judgementFails, judgeTargets, type TargetFile } from '../core/judge.js';
import { type ChangedFile, judgePullRequest, READ_CONCURRENCY } from '../core/pull-request.js';
import { errorMessage } from '../errors.js';
import { buildSettingsFrom } from '../facts/image-facts.js';
import { appRegistryOptions } from '../facts/registry-facts.js';
import { runLimited } from '../facts/run-limited.js';
import { shellCheckOptions } from '../facts/shellcheck.js';
import { phase } from '../metrics.js';
import type { RuleMetadata } from '../policy/compile.js';
import type { PolicySet } from '../policy/policy-set.js';
import { parseWaivers, waiverChanges } from '../policy/waivers.js';
import { type CheckRunReport, checkRunReport, errorReport } from '../report/check-run.js';
import { markdownCode, markdownText } from '../report/markdown.js';
import { waiverChangesSection } from '../report/waiver-report.js';
import { appImageFacts, contextChangedDockerfiles } from './build-approval.js';
import { appendToSummary, type CheckRunJob, runCheck } from './check-run.js';
import { interruptsJob } from './github-client.js';
import { checkPolicyChange, type PolicyChangeContext } from './policy-check.js';
import {
  githubPullRequestFiles,
  LIST_FILES_LIMIT,
  type Octokit,
  type PullRequestRef,
  rememberingHeadFiles,
} from './pull-request-files.js';
import { basePolicy, locatedProblems } from './repository-policy.js';
import { publishReview, type ReviewInput, type ReviewOptions } from './review.js';
import { githubSnapshot } from './snapshot.js';

/** What a check judged, for a caller that reports it elsewhere too (the GitHub Action: its exit status, SARIF). */
export interface PullRequestVerdict {
  judgement: Judgement;
  /** The base policies' rule metadata. */
  rules: Readonly<Record<string, RuleMetadata>>;
  /** The judged files at the head. */
  files: TargetFile[];
}

/** Judges a pull request on its check run; returns the verdict the run shows, or undefined when it shows none (an error, a superseded head). */
export async function checkPullRequest(
  octokit: Octokit,
  pr: PullRequestRef,
  job: CheckRunJob,
  reviewOptions: ReviewOptions = {},
): Promise<PullRequestVerdict | undefined> {
  const target = { owner: pr.owner, repo: pr.repo, headSha: pr.headSha };
  let verdict: PullRequestVerdict | undefined;
  let review: ReviewInput | undefined;
  let policyChange: PolicyChangeContext | undefined;
  const { id, report } = await runCheck(octokit, target, job, async (progress, signal) => {
    const baseSha =
      pr.baseSha ??
      (await octokit.rest.pulls.get({ owner: pr.owner, repo: pr.repo, pull_number: pr.pullNumber })).data.base
        .sha;
    let policy: Awaited<ReturnType<typeof basePolicy>>;
    try {
      policy = await phase('policy', () => basePolicy(octokit, pr, baseSha));
    } catch (error) {
      policyChange = { base: { error } };
      const located = locatedProblems(error);
      if (located.length === 0 && !(error instanceof ConfigError)) throw error;
      return errorReport(
        `The Portcullis configuration or policies at the base commit ${baseSha.slice(0, 7)} have problems: fix them on the base branch.`,
        errorMessage(error),
        located,
      );
    }
    const files = rememberingHeadFiles(githubPullRequestFiles(octokit, pr));
    const changed = await files.changedFiles();
    policyChange = { changed, base: policy };
    // Builds and scans of the changed Dockerfiles: only with PORTCULLIS_BUILD=1.
    const build = await appImageFacts(
      octokit,
      { ...pr, baseSha },
      changed.map((f) => f.path),
      { progress, signal, settings: buildSettingsFrom(policy.set.config.build) },
    );
    // A Dockerfile whose build context changed is judged (and built) as though it changed.
    const contextChanged = await contextChangedDockerfiles(
      octokit,
      pr,
      changed.map((f) => f.path),
    );
    const judged = [...changed, ...contextChanged.map((path) => ({ path, status: 'modified' as const }))];
    const judgement = await judgePullRequest(
      { ...files, changedFiles: async () => judged },
      async () => policy.engine,
      {
        ...appRegistryOptions(),
        ...shellCheckOptions((note) => octokit.log.warn(note)),
        policySet: policy.set,
        images: build.images,
      },
    ).finally(build.cleanup);
    await phase('base', () =>
      markAgainstBase(octokit, { ...pr, baseSha }, judged, judgement, files.headFiles, policy),
    );
    const rules = policy.engine.rules;
    const remediations = new Map(Object.values(rules).map((rule) => [rule.id, rule.remediation]));
    review = {
      findings: judgement.findings,
      files: changed,
      headFiles: files.headFiles,
      remediation: (ruleId) => remediations.get(ruleId),
    };
    // The base commit's `review:` settings, unless the caller set them.
    const configured = policy.set.config.review;
    reviewOptions = {
      event:
        configured.event === 'request_changes' && judgementFails(judgement) ? 'REQUEST_CHANGES' : 'COMMENT',
      maxComments: configured.max_comments,
      ...reviewOptions,
    };
    const report = await phase('report', () => checkRunReport(judgement));
    report.summary += await headWaiverChanges(octokit, pr, changed, policy.set);
    for (const note of build.notes) report.summary += `\n\n> ${markdownText(note)}`;
    if (changed.length >= LIST_FILES_LIMIT) {
      report.summary += `\n\n> GitHub lists at most ${LIST_FILES_LIMIT} changed files of a pull request: files beyond that were not checked.`;
    }
    // Judged on a head that is no longer the pull request's: no verdict, no review, for a
    // commit nobody merges; the newer head's job judges and reviews that one.
    const current = await currentHead(octokit, pr);
    if (current !== pr.headSha) {
      review = undefined;
      return supersededReport(pr.headSha, current);
    }
    verdict = {
      judgement,
      rules,
      files: [...files.headFiles].map(([path, content]) => ({ path, content })),
    };
    return report;
  });
  // The review comes right after the check run (little time for the head to move since it
  // was read), and its failure leaves the check's verdict alone.
  if (review) await postReview(octokit, pr, target, { id, report }, review, reviewOptions);
  // A second check run when the pull request changes the policies; it never throws.
  await checkPolicyChange(octokit, pr, policyChange, job);
  return verdict;
}

async function postReview(
  octokit: Octokit,
  pr: PullRequestRef,
  target: { owner: string; repo: string; headSha: string },
  { id, report }: { id: number; report: CheckRunReport },
  review: ReviewInput,
  reviewOptions: ReviewOptions,
): Promise<void> {
  try {
    await publishReview(octokit, pr, review, reviewOptions);
  } catch (error) {
    if (interruptsJob(error)) throw error;
    octokit.log.warn(`Portcullis could not post its review on #${pr.pullNumber}: ${errorMessage(error)}`);
    await appendToSummary(
      octokit,
      target,
      id,
      report,
      `> **The review comments could not be posted:** ${markdownText(errorMessage(error).slice(0, 1000))}. The findings above are complete; the next push or re-run tries again.`,
    ).catch(() => {});
  }
}

async function currentHead(octokit: Octokit, pr: PullRequestRef): Promise<string> {
  const { data } = await octokit.rest.pulls.get({
    owner: pr.owner,
    repo: pr.repo,
    pull_number: pr.pullNumber,
  });
  return data.head.sha;
}

function supersededReport(judged: string, current: string): CheckRunReport {
  const short = (sha: string) => markdownCode(sha.slice(0, 7));
  return {
    conclusion: 'neutral',
    title: 'Superseded by a newer commit',
    summary: `A newer commit, ${short(current)}, was pushed while ${short(judged)} was being checked, and is being checked instead: its check run has the verdict. No review was posted for ${short(judged)}.`,
    annotations: [],
  };
}

/** Waivers the pull request adds or extends, called out in the summary (they apply only once merged). */
async function headWaiverChanges(
  octokit: Octokit,
  pr: PullRequestRef,
  changed: ChangedFile[],
  set: PolicySet,
): Promise<string> {
  const file = set.config.waivers;
  if (!changed.some((f) => f.path === file && f.status !== 'removed')) return '';
  try {
    const text = await githubSnapshot(octokit, pr.owner, pr.repo, pr.headSha).readFile(file);
    return waiverChangesSection(waiverChanges(set.waivers, parseWaivers(text, file)), file);
  } catch {
    // A broken waivers file at the head is the Portcullis policy check's to report.
    return '';
  }
}

/**
 * Judges the base versions of the changed targets with the same policies, to tell the
 * findings the pull request brings in from those that were already there. Best effort:
 * without it the report simply does not say which are new.
 */
async function markAgainstBase(
  octokit: Octokit,
  pr: PullRequestRef & { baseSha: string },
  changed: ChangedFile[],
  judgement: Judgement,
  headFiles: ReadonlyMap<string, TargetFile['content']>,
  policy: Awaited<ReturnType<typeof basePolicy>>,
): Promise<void> {
  try {
    const atBase = githubPullRequestFiles(octokit, { ...pr, headSha: pr.baseSha });
    const judged = new Set(judgement.targets.map((t) => t.path));
    const existing = changed.filter((f) => f.status === 'modified' && judged.has(f.path));
    // Read READ_CONCURRENCY at a time, as the head's: each is a request to GitHub.
    const read = await runLimited(
      existing.map((file): [string, () => Promise<TargetFile['content']>] => [
        file.path,
        () => atBase.readHeadFile(file.path),
      ]),
      READ_CONCURRENCY,
    );
    const baseFiles = new Map(
      existing.map((file) => [file.path, read.get(file.path) as TargetFile['content']]),
    );
    const base = await judgeTargets(
      // The base's .dockerignore too, or a COPY of an ignored file would be marked new.
      [...baseFiles].map(([path, content]) => ({ path, content, repository: atBase.readHeadFileIfAny })),
      existing.length > 0 ? policy.engine : null,
      // ShellCheck here too, or every ShellCheck finding would be marked new.
      { ...appRegistryOptions(), ...shellCheckOptions(() => undefined), policySet: policy.set },
    );
    markNewFindings(judgement, headFiles, base, baseFiles);
  } catch (error) {
    if (interruptsJob(error)) throw error;
    octokit.log.warn(`Portcullis could not judge the base of #${pr.pullNumber}: ${errorMessage(error)}`);
  }
}

/**
 * A re-run of a check for `headSha`: find its open pull request (GitHub leaves the
 * payload's list empty for pull requests from forks) and check it again.
 */
export async function recheckCommit(
  octokit: Octokit,
  repo: { owner: string; repo: string },
  headSha: string,
  pulls: { number: number; baseSha?: string }[],
  job: CheckRunJob,
): Promise<void> {
  let pull = pulls[0];
  if (!pull) {
    const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
      ...repo,
      commit_sha: headSha,
    });
    const open = data.find((pr) => pr.state === 'open' && pr.head.sha === headSha);
    pull = open ? { number: open.number, baseSha: open.base.sha } : undefined;
  }
  if (!pull) {
    await runCheck(octokit, { ...repo, headSha }, job, async () => ({
      ...errorReport('No open pull request has this commit as its head.', `commit ${headSha}`),
      conclusion: 'neutral',
      title: 'No pull request to check',
    }));
    return;
  }
  await checkPullRequest(
    octokit,
    { ...repo, pullNumber: pull.number, headSha, ...(pull.baseSha ? { baseSha: pull.baseSha } : {}) },
    job,
  );
}

/** The payload's pull requests, or, when it lists none (a fork's), the open ones whose head is `headSha`. */
export async function pullRequestsWithHead(
  octokit: Octokit,
  repo: { owner: string; repo: string },
  headSha: string,
  pullNumbers: number[],
): Promise<number[]> {
  if (pullNumbers.length > 0) return pullNumbers;
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    ...repo,
    commit_sha: headSha,
  });
  return data.filter((pr) => pr.state === 'open' && pr.head.sha === headSha).map((pr) => pr.number);
}
