/**
 * What a worker does with a job (src/queue): the work its kind names, with the
 * installation's Octokit the worker made (github-client.ts), and, when the queue gives up
 * on it, the conclusion of whatever check run it left unfinished.
 */
import { errorMessage } from '../errors.js';
import { githubCall, type JobTiming, overlap, timeJob } from '../metrics.js';
import { externalId, type Job } from '../queue/job.js';
import { type JobControl, RetryLater } from '../queue/work-queue.js';
import { CHECK_RUN_NAME, type CheckRunReport } from '../report/check-run.js';
import { markdownFence } from '../report/markdown.js';
import { applyFixesOnRequest } from './apply-fixes.js';
import { type CheckRunJob, completion, findCheckRuns } from './check-run.js';
import { checkPullRequest, recheckCommit } from './handlers.js';
import type { Octokit } from './pull-request-files.js';

/**
 * Runs `job`; throws for the queue to retry (or `RetryLater` to delay it). Logs where its
 * time went (jobTimingSummary) when it ends either way.
 */
export async function runJob(job: Job, octokit: Octokit, control: JobControl): Promise<void> {
  const dequeued = Date.now();
  // Every request of the job's client, its write spacing and retries included: GitHub's time, not ours.
  octokit.hook.wrap('request', async (request, options) => {
    const started = performance.now();
    try {
      return await request(options);
    } finally {
      githubCall(started, !isRead(options.method, options.url, options.query));
    }
  });
  await timeJob(async (timing) => {
    const started = performance.now();
    try {
      await runJobKind(job, octokit, control);
    } finally {
      const summary = jobTimingSummary(timing, started, performance.now(), dequeued - job.enqueuedAt);
      // One line, its figures as JSON (the job log's type takes a message only).
      octokit.log.info(`Job timing ${JSON.stringify(summary)}`);
    }
  });
}

/** GET, and GraphQL queries: what GitHub answers without changing anything. */
function isRead(method: string, url: string, query: unknown): boolean {
  if (method === 'GET' || method === 'HEAD') return true;
  return url === '/graphql' && typeof query === 'string' && !/^\s*mutation\b/.test(query);
}

export interface JobTimingSummary {
  /** From the webhook's job being queued to a worker taking it. */
  queueMs: number;
  /** The job's run, GitHub included. */
  totalMs: number;
  /** Waiting on GitHub: reads, writes (with the throttle's spacing), and either (overlaps counted once). */
  githubReadMs: number;
  githubWriteMs: number;
  githubMs: number;
  /** totalMs less githubMs: what this process spent, by phase (src/metrics.ts `phase`), the rest as `other`. */
  inProcessMs: number;
  phases: Record<string, number>;
}

export function jobTimingSummary(
  timing: JobTiming,
  started: number,
  ended: number,
  queueMs: number,
): JobTimingSummary {
  const round = (ms: number) => Math.round(ms * 10) / 10;
  const githubMs = overlap(timing.calls, started, ended);
  const inProcessMs = ended - started - githubMs;
  const phases: Record<string, number> = {};
  let named = 0;
  for (const [name, { ms, githubMs: waited }] of Object.entries(timing.phases)) {
    phases[name] = round(ms - waited);
    named += ms - waited;
  }
  phases.other = round(inProcessMs - named);
  return {
    queueMs: Math.max(0, queueMs),
    totalMs: round(ended - started),
    githubReadMs: round(overlap(timing.calls, started, ended, (write) => !write)),
    githubWriteMs: round(overlap(timing.calls, started, ended, (write) => write)),
    githubMs: round(githubMs),
    inProcessMs: round(inProcessMs),
    phases,
  };
}

async function runJobKind(job: Job, octokit: Octokit, control: JobControl): Promise<void> {
  const runs = checkRunJob(job, control);
  const repo = { owner: job.owner, repo: job.repo };
  switch (job.kind) {
    case 'check': {
      const [pullNumber] = job.pullNumbers;
      if (pullNumber === undefined) throw new Error(`job ${job.id}: a check needs a pull request number`);
      await checkPullRequest(
        octokit,
        {
          ...repo,
          pullNumber,
          headSha: job.headSha,
          ...(job.baseSha ? { baseSha: job.baseSha } : {}),
          ...(job.buildApproval ? { buildApproval: job.buildApproval } : {}),
        },
        runs,
      );
      return;
    }
    case 'recheck': {
      // The job keeps one base commit; with several pull requests each is looked up.
      const pulls = job.pullNumbers.map((number) => ({
        number,
        ...(job.baseSha && job.pullNumbers.length === 1 ? { baseSha: job.baseSha } : {}),
      }));
      await recheckCommit(octokit, repo, job.headSha, pulls, runs);
      return;
    }
    case 'apply-fixes':
      await applyFixesOnRequest(
        octokit,
        {
          ...repo,
          headSha: job.headSha,
          pullNumbers: job.pullNumbers,
          requestedBy: job.requestedBy ?? '',
        },
        runs,
      );
      return;
    case 'conclude':
      await concludeLater(job, octokit);
      return;
    default: {
      const kind: never = job.kind;
      throw new Error(`job ${(job as Job).id}: unknown kind ${String(kind)}`);
    }
  }
}

/** How long a `conclude` job keeps trying: past this the commit is stale and the log says so. */
const CONCLUDE_FOR_MS = 24 * 3600_000;

/**
 * A failed job's conclusion that GitHub refused when the job gave up (an outage, a revoked
 * token): tried again with growing delays, without using attempts, for up to a day.
 */
async function concludeLater(job: Job, octokit: Octokit): Promise<void> {
  const owed = job.concludes;
  if (!owed) throw new Error(`job ${job.id}: a conclude job needs the job it concludes`);
  const failed: Job = {
    ...job,
    id: owed.jobId,
    kind: owed.kind,
    attempt: owed.attempts,
    ...(owed.checkRunId === undefined ? {} : { checkRunId: owed.checkRunId }),
  };
  try {
    await concludeExhaustedJob(failed, octokit, new Error(owed.error));
  } catch (error) {
    const age = Date.now() - job.enqueuedAt;
    if (age > CONCLUDE_FOR_MS) throw error;
    // Half the time waited so far, between 5 s and 10 minutes: quick after a blip, calm in an outage.
    const delay = Math.min(600_000, Math.max(5_000, age / 2));
    throw new RetryLater(delay, `GitHub refused the failed job's conclusion: ${errorMessage(error)}`);
  }
}

/** What check-run publishing needs of a job and its control. */
export function checkRunJob(job: Job, control: JobControl): CheckRunJob {
  return {
    externalId: externalId(job),
    // A first attempt that recorded no run has created none: nothing to look up.
    mayHaveRuns: job.attempt > 1 || job.checkRunId !== undefined,
    signal: control.signal,
    recordCheckRun: (id) => control.recordCheckRun(id),
  };
}

/**
 * The job's last attempt failed: every check run it started and did not conclude is
 * completed as `failure`, saying why and what to do. GitHub shows its own **Re-run**
 * button on a check run an App created, which sends `check_run.rerequested` (a `recheck`
 * job), so no action of ours is added. When the job never managed to create its run, a
 * concluded one is created, so the pull request shows the failure instead of nothing.
 * Throws when GitHub cannot be told (the queue logs it; the store keeps the run's id).
 */
export async function concludeExhaustedJob(job: Job, octokit: Octokit, error: unknown): Promise<void> {
  const repo = { owner: job.owner, repo: job.repo };
  const found = await findCheckRuns(octokit, { ...repo, headSha: job.headSha }, externalId(job));
  const open = found.filter((run) => run.status !== 'completed').map((run) => run.id);
  if (job.checkRunId !== undefined && !found.some((run) => run.id === job.checkRunId)) {
    open.push(job.checkRunId);
  }
  const report = exhaustedReport(job, error);
  for (const id of open) {
    await octokit.rest.checks.update({ ...repo, check_run_id: id, ...completion(report, []) });
  }
  if (found.length === 0 && job.checkRunId === undefined && job.kind !== 'apply-fixes') {
    await octokit.rest.checks.create({
      ...repo,
      name: CHECK_RUN_NAME,
      head_sha: job.headSha,
      external_id: externalId(job),
      ...completion(report, []),
    });
  }
}

function exhaustedReport(job: Job, error: unknown): CheckRunReport {
  const attempts = job.attempt === 1 ? '1 attempt' : `${job.attempt} attempts`;
  return {
    conclusion: 'failure',
    title: 'Portcullis could not finish',
    summary: [
      `**Portcullis could not finish checking this commit** after ${attempts}. Nothing was judged, so the check fails rather than letting changes through unchecked.`,
      '',
      markdownFence(errorMessage(error).slice(0, 10_000)),
      '',
      'Use **Re-run** on this check run to try again (or push a new commit).',
    ].join('\n'),
    annotations: [],
  };
}
