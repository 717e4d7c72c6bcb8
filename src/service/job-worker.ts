/**
 * The worker role: takes jobs from the queue and runs them with the installation's Octokit,
 * made here from the job's installation id (a job is data; nothing of the webhook is kept).
 * Every log line of a job, ours and the GitHub code's (`octokit.log`), comes from one pino
 * child carrying the delivery, repository, pull requests, job id, kind and attempt.
 */
import type { Logger } from 'probot';
import { errorMessage } from '../errors.js';
import type { Octokit } from '../github/pull-request-files.js';
import { concludeExhaustedJob, runJob } from '../github/run-job.js';
import { metrics } from '../metrics.js';
import type { Job, JobKind, JobRequest } from '../queue/job.js';
import type { JobOutcome, WorkQueue } from '../queue/work-queue.js';

export interface JobWorkerOptions {
  queue: WorkQueue;
  /** The installation's client for one attempt (github-client.ts), its calls ending with `signal`. */
  octokitFor(installationId: number, signal?: AbortSignal): Promise<Octokit>;
  log: Logger;
  concurrency: number;
}

/** Starts taking jobs in this process. */
export function startJobWorker({ queue, octokitFor, log, concurrency }: JobWorkerOptions): void {
  const running = new Map<JobKind, number>();
  const setRunning = (kind: JobKind, delta: number) => {
    const now = (running.get(kind) ?? 0) + delta;
    running.set(kind, now);
    metrics().set('jobsRunning', now, { kind });
  };
  // The client of one attempt, its log lines carrying the job's fields.
  const client = async (job: Job, jobLog: Logger, signal?: AbortSignal) => {
    const octokit = await octokitFor(job.installationId, signal);
    // Probot makes a new client per `auth` call, so this log is the job's alone.
    octokit.log = jobLog.child({ name: 'github' });
    return octokit;
  };
  queue.work({
    concurrency,
    handler: async (job, control) => {
      const jobLog = logOf(log, job);
      setRunning(job.kind, 1);
      try {
        jobLog.info(`Job started (attempt ${job.attempt})`);
        await runJob(job, await client(job, jobLog, control.signal), control);
      } finally {
        setRunning(job.kind, -1);
      }
    },
    onExhausted: async (job, error) => {
      const jobLog = logOf(log, job);
      if (job.kind === 'conclude') {
        jobLog.error({ err: error }, `Gave up concluding a failed job's check run: ${errorMessage(error)}`);
        return;
      }
      jobLog.error({ err: error }, `Job failed on its last attempt: ${errorMessage(error)}`);
      try {
        await concludeExhaustedJob(job, await client(job, jobLog), error);
      } catch (failure) {
        // GitHub cannot be told now: the conclusion is owed, kept in the store and tried again.
        jobLog.warn(
          { err: failure },
          `Could not conclude the failed job's check run, queued to try again: ${errorMessage(failure)}`,
        );
        await queue
          .enqueue(concludeRequest(job, error))
          .catch((lost: unknown) =>
            jobLog.error({ err: lost }, `Could not queue the conclusion: ${errorMessage(lost)}`),
          );
      }
    },
    onSettled: (job, outcome, durationMs) => {
      metrics().count('jobsSettled', { kind: job.kind, outcome });
      if (outcome === 'returned') {
        // Given back by a shutdown: the queue reports no duration for it, and it will run again.
        logOf(log, job).info('Job returned to the queue by the shutdown');
        return;
      }
      metrics().observe('jobDuration', durationMs / 1000, { kind: job.kind });
      if (CONCLUDED.has(outcome))
        metrics().observe('webhookToConclusion', Math.max(0, Date.now() - job.enqueuedAt) / 1000, {
          kind: job.kind,
        });
      logOf(log, job)[outcome === 'completed' ? 'info' : 'warn'](
        `Job ${outcome} after ${Math.round(durationMs)} ms`,
      );
    },
  });
}

/** The `conclude` job owed for `job`, which ran out of attempts with `error`. */
export function concludeRequest(job: Job, error: unknown): JobRequest {
  const { id, attempt, enqueuedAt, checkRunId, concludes, ...request } = job;
  return {
    ...request,
    kind: 'conclude',
    deliveryId: `${job.deliveryId}:conclude:${id}`,
    concludes: {
      jobId: id,
      kind: job.kind,
      attempts: attempt,
      error: errorMessage(error).slice(0, 10_000),
      ...(checkRunId === undefined ? {} : { checkRunId }),
    },
  };
}

/** Outcomes after which the job's check run holds its conclusion (judged, or failed with why). */
const CONCLUDED: ReadonlySet<JobOutcome> = new Set(['completed', 'exhausted']);

/** A job's log: every line carries what an operator searches by. */
export function logOf(log: Logger, job: Job): Logger {
  return log.child({
    deliveryId: job.deliveryId,
    repository: `${job.owner}/${job.repo}`,
    pullRequests: job.pullNumbers,
    headSha: job.headSha,
    jobId: job.id,
    jobKind: job.kind,
    attempt: job.attempt,
  });
}
