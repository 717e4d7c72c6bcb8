/**
 * A job is data, never a closure (docs: DESIGN.md "Scale"): everything a worker needs to
 * do the work again in any process, after any restart. The worker makes the installation's
 * Octokit itself from `installationId`; nothing of the webhook's context is kept.
 */

/** What a job does. */
export type JobKind =
  /** Judge a pull request's head (opened, synchronize, reopened, ready, build approval). */
  | 'check'
  /** A re-run asked for on a check run or suite: judge `headSha` for its pull request(s). */
  | 'recheck'
  /** The check run's "Apply fixes" button: commit the fixes to the pull request's branch. */
  | 'apply-fixes'
  /**
   * A job ran out of attempts and GitHub could not be told then: its check run is concluded
   * (or created) as failed later, from the store, so no pull request is left without one.
   */
  | 'conclude';

export const JOB_KINDS: readonly JobKind[] = ['check', 'recheck', 'apply-fixes', 'conclude'];

/** What the webhook tells: enough to start the work; the rest is read from GitHub by the worker. */
export interface JobRequest {
  kind: JobKind;
  installationId: number;
  owner: string;
  repo: string;
  /** The pull requests the work is for (empty for a re-run whose payload lists none: a fork's). */
  pullNumbers: number[];
  headSha: string;
  /** The base commit, when the payload gives it. */
  baseSha?: string;
  /** `X-GitHub-Delivery`: a delivery seen before is acknowledged and dropped. */
  deliveryId: string;
  /** A maintainer's approval to build this exact head (the `labeled` event). */
  buildApproval?: { headSha: string; by: string };
  /** Who pressed "Apply fixes". */
  requestedBy?: string;
  /** For a `conclude` job: the job that ran out of attempts, and why. */
  concludes?: { jobId: string; kind: JobKind; checkRunId?: number; attempts: number; error: string };
}

/** A job as the queue holds it. */
export interface Job extends JobRequest {
  /** Unique per enqueued job; stable across its attempts. */
  id: string;
  /** Attempts started so far, this one included (1 on the first run). */
  attempt: number;
  /** Epoch milliseconds when the webhook was queued: webhook-to-conclusion latency starts here. */
  enqueuedAt: number;
  /** The check run this job created, recorded as soon as it exists so a retry updates it. */
  checkRunId?: number;
}

/**
 * Jobs with the same key are one piece of work: a waiting job is replaced by a newer one
 * with its key (a newer `synchronize` of the same pull request replaces the older head's
 * waiting check; a burst of re-runs runs once).
 */
export function coalesceKey(job: JobRequest): string {
  // Each failed job's conclusion is owed on its own: none replaces another.
  if (job.concludes) return `${job.kind}:${job.owner}/${job.repo}:${job.concludes.jobId}`;
  const subject =
    job.pullNumbers.length > 0
      ? `#${[...job.pullNumbers].sort((a, b) => a - b).join(',')}`
      : `@${job.headSha}`;
  return `${job.kind}:${job.owner}/${job.repo}${subject}`;
}

/** Two workers never judge the same head at once: this key is locked (with expiry) while one does. */
export function headLockKey(job: JobRequest): string {
  return `${job.owner}/${job.repo}@${job.headSha}`;
}

/** The check run's `external_id`: how a retry or a restart finds the run its job created. */
export function externalId(job: Pick<Job, 'id'>): string {
  return `portcullis-job:${job.id}`;
}
