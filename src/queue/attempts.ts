/**
 * How one attempt of a job ends, the same on both back-ends: what the handler's promise
 * means for the job (done, run again later without using an attempt, failed), the backoff
 * between failed attempts, and the error a job gets when its process died under it once
 * too often.
 */
import type { Job } from './job.js';
import { type JobControl, type JobHandler, RetryLater, type WorkerOptions } from './work-queue.js';

export type AttemptEnd =
  | { end: 'completed' }
  | { end: 'delayed'; delayMs: number }
  | { end: 'failed'; error: unknown };

/** Runs the handler once; never throws. */
export async function runAttempt(handler: JobHandler, job: Job, control: JobControl): Promise<AttemptEnd> {
  try {
    await handler(job, control);
    return { end: 'completed' };
  } catch (error) {
    // By name as well: a handler bundled apart (dist/ beside src/ in tests) has its own class.
    if (error instanceof RetryLater || (error instanceof Error && error.name === 'RetryLater')) {
      const delayMs = Number((error as RetryLater).delayMs);
      return { end: 'delayed', delayMs: Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0 };
    }
    return { end: 'failed', error };
  }
}

/** The longest wait between two attempts, whatever the attempt count. */
const MAX_BACKOFF_MS = 10 * 60_000;

/** Exponential: `baseMs` after the first failure, doubled after each further one. */
export function backoffMs(failedAttempt: number, baseMs: number): number {
  return Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, failedAttempt - 1));
}

/**
 * A job whose every attempt ended with its process (an out-of-memory kill, a crash the job
 * causes) must end too, through `onExhausted`, rather than take every restart down with it.
 */
export class ProcessDiedUnderJob extends Error {
  constructor(attempts: number) {
    super(
      `The job's process stopped while it ran (killed or crashed), ${attempts} time${attempts === 1 ? '' : 's'}: no attempt is left.`,
    );
    this.name = 'ProcessDiedUnderJob';
  }
}

/** `onExhausted` must not throw into the queue; if it does anyway, the job is still dropped. */
export async function exhaust(worker: WorkerOptions, job: Job, error: unknown): Promise<void> {
  try {
    await worker.onExhausted(job, error);
  } catch {
    // The App's onExhausted records and retries its own GitHub writes; nothing to add here.
  }
}

/** `onSettled` is for metrics and logs: its failure must not change the job's fate. */
export function settled(
  worker: WorkerOptions,
  job: Job,
  outcome: Parameters<NonNullable<WorkerOptions['onSettled']>>[1],
  durationMs: number,
): void {
  try {
    worker.onSettled?.(job, outcome, durationMs);
  } catch {
    // ignored on purpose, see above
  }
}
