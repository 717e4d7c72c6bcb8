/**
 * The queue between the webhook and the work, one interface with two back-ends chosen by
 * configuration (see queue-from-settings.ts): an embedded durable store (SQLite, the default:
 * one process, nothing else to run) and BullMQ on Redis (`REDIS_URL`: web and worker
 * processes apart, N workers). The App's code path is the same on both.
 *
 * The contract, which test/queue/contract.test.ts runs against both back-ends:
 * - `enqueue` drops a request whose delivery id was seen before ('duplicate'), and replaces
 *   a *waiting* job with the same coalesce key that has never started ('replaced'; the new
 *   job is placed last). A running job is never replaced, nor one waiting for a retry: it may
 *   have created a check run, so it runs and finds out itself that its head is stale.
 * - A job is leased while it runs; the lease is renewed while the handler works. A job whose
 *   process died (its lease expired, or on start-up of the embedded store) is run again.
 * - Two jobs with the same head lock key never run at once, in any number of workers.
 * - A handler that throws is retried with backoff up to `maxAttempts`; then `onExhausted`
 *   runs (the App completes the job's check run as failed) and the job is dropped.
 *   A handler that throws `RetryLater` is run again after its delay without using an attempt
 *   (GitHub's rate limits delay jobs rather than fail them).
 * - `stop` takes no new job, aborts nothing before its deadline, then aborts the running
 *   handlers' signals and returns their jobs to the queue as they were (the attempt not counted).
 */
import type { Job, JobKind, JobRequest } from './job.js';

export type EnqueueResult = 'queued' | 'replaced' | 'duplicate';

/** What a handler may do besides its work. */
export interface JobControl {
  /** Aborted when the job times out or the process stops: builds, scans and GitHub calls end. */
  signal: AbortSignal;
  /** Records the check run the job created, durably, before anything else is posted to it. */
  recordCheckRun(checkRunId: number): Promise<void>;
}

export type JobHandler = (job: Job, control: JobControl) => Promise<void>;

/** Thrown by a handler to run the job again later without counting an attempt. */
export class RetryLater extends Error {
  constructor(
    readonly delayMs: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'RetryLater';
  }
}

export interface WorkerOptions {
  handler: JobHandler;
  /** Jobs run at once by this process. */
  concurrency: number;
  /** A job's last attempt failed (or stalled): conclude what it started. Never throws into the queue. */
  onExhausted(job: Job, error: unknown): Promise<void>;
  /** Every job's end, for metrics and logs. */
  onSettled?(job: Job, outcome: JobOutcome, durationMs: number): void;
}

export type JobOutcome = 'completed' | 'retrying' | 'delayed' | 'exhausted' | 'returned';

export interface QueueCounts {
  waiting: number;
  delayed: number;
  running: number;
}

export interface WorkQueue {
  /** 'embedded' or 'redis', for logs, metrics and /readyz. */
  readonly backend: 'embedded' | 'redis';
  enqueue(request: JobRequest): Promise<EnqueueResult>;
  /** Starts taking jobs in this process (the worker role). */
  work(options: WorkerOptions): void;
  /** Stops taking jobs; running ones get until `deadlineMs` to finish, then go back to the queue. */
  stop(deadlineMs: number): Promise<void>;
  /** Resolves when nothing is waiting, delayed or running (tests, benchmarks). */
  idle(): Promise<void>;
  /** The whole queue's jobs (all processes); `byKind` counts the waiting and delayed ones. */
  counts(): Promise<QueueCounts & { byKind: Record<JobKind, number> }>;
  /** Whether the store answers (for /readyz). */
  ready(): Promise<boolean>;
  /** Releases the store (after `stop`). */
  close(): Promise<void>;
}
