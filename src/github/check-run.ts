/**
 * Publishing a CheckRunReport on the check run of a job, with few writes, and always with
 * a conclusion, even when judging or publishing fails part-way:
 *
 * - A report is published as its run is created, already `completed` with its first 50
 *   annotations, in one request. Only slow work that reports progress (builds, scans) first
 *   shows an `in_progress` run, which the progress updates. (A timer would make the number
 *   of writes depend on the machine's load; static checks take well under a second.)
 *   Further annotation batches follow the conclusion, so a crash between batches leaves a
 *   concluded run, never one in progress.
 * - The run carries the job's `external_id`: a retry or a restart of the job finds it
 *   (`checks.listForRef` by name and head) and updates it instead of creating a second.
 * - The check's time limit (PORTCULLIS_CHECK_TIMEOUT_MINUTES) and the job's signal stop the
 *   work: on the limit the run is concluded as failed; on a stop (shutdown) the job goes
 *   back to the queue and its rerun updates the same run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../errors.js';
import {
  CHECK_RUN_NAME,
  type CheckRunAnnotation,
  type CheckRunReport,
  chunkAnnotations,
  errorReport,
  SUMMARY_LIMIT,
} from '../report/check-run.js';
import { settings } from '../settings.js';
import { interruptsJob } from './github-client.js';
import type { Octokit } from './pull-request-files.js';

export interface CheckRunTarget {
  owner: string;
  repo: string;
  headSha: string;
  /** The check run's name; `Portcullis` unless given. */
  name?: string;
}

/** What publishing a check run needs of the job doing it (see run-job.ts). */
export interface CheckRunJob {
  /** The runs' `external_id` (externalId(job)): how a retry finds the runs its job created. */
  externalId: string;
  /** Whether an earlier attempt may have created runs: only then are they looked up. */
  mayHaveRuns: boolean;
  /** Aborted when the job is stopped (shutdown) or timed out by its worker. */
  signal: AbortSignal;
  /** Records a created run durably before anything else is posted to it. */
  recordCheckRun(id: number): Promise<void>;
}

/** Waits before the retries of a failed completion (5xx, no answer). */
const COMPLETION_RETRY_MS = [1000, 3000];

/** Shows a long step on the in-progress check run (`Building 1 of 3 images…`); never throws. */
export type CheckProgress = (title: string, summary: string) => Promise<void>;

/**
 * Runs `produce` and publishes its report on the check run. An exception from `produce`
 * or from publishing becomes a completed check run that explains the failure; only a
 * rate limit or a stop of the job (see `interruptsJob`) is thrown, for the queue. `produce`
 * gets the check's signal and may report progress.
 */
export async function runCheck(
  octokit: Octokit,
  target: CheckRunTarget,
  job: CheckRunJob,
  produce: (progress: CheckProgress, signal: AbortSignal) => Promise<CheckRunReport>,
): Promise<{ id: number; report: CheckRunReport }> {
  const run = checkRunWriter(octokit, target, job);
  await run.find();
  const limitMs = checkTimeoutMs();
  const signal = AbortSignal.any([job.signal, AbortSignal.timeout(limitMs)]);
  let done = false;
  const progress: CheckProgress = async (title, summary) => {
    if (done) return;
    try {
      await run.show(title, summary);
    } catch (error) {
      octokit.log.warn(`Portcullis could not show progress on a check run: ${errorMessage(error)}`);
    }
  };
  let report: CheckRunReport;
  try {
    report = await untilAborted(produce(progress, signal), signal);
  } catch (error) {
    if (timedOut(signal)) {
      report = errorReport(
        'The check took too long and was stopped.',
        `The check took longer than ${Math.round(limitMs / 1000)} s (PORTCULLIS_CHECK_TIMEOUT_MINUTES).`,
      );
    } else if (job.signal.aborted || interruptsJob(error)) {
      throw error;
    } else {
      report = errorReport('An error stopped the check.', errorMessage(error));
    }
  } finally {
    done = true;
  }
  try {
    await run.publish(report);
  } catch (error) {
    // A refusal (a rejected annotation, a 422) still ends the run, briefly; anything else
    // (no answer, a rate limit, a failed create) is the queue's to retry.
    if (interruptsJob(error) || !refused(error)) throw error;
    report = errorReport('GitHub refused part of the report.', errorMessage(error));
    await run.publish(report);
  }
  return { id: run.id() as number, report };
}

/**
 * Adds a note to the summary of a completed check run (e.g. that the review could not be
 * posted). The annotations already sent stay: GitHub keeps them across updates.
 */
export async function appendToSummary(
  octokit: Octokit,
  target: CheckRunTarget,
  id: number,
  report: CheckRunReport,
  note: string,
): Promise<void> {
  const summary = `${report.summary.slice(0, SUMMARY_LIMIT - note.length - 2)}\n\n${note}`;
  await octokit.rest.checks.update({
    owner: target.owner,
    repo: target.repo,
    check_run_id: id,
    ...completion({ ...report, summary }, []),
  });
}

/** A check that runs longer than this is ended as failed rather than left in progress. */
export function checkTimeoutMs(): number {
  return settings().checkTimeoutMinutes * 60_000;
}

/**
 * The runs of `name` on `headSha` that carry `externalId`, newest first (GitHub lists at
 * most the 1,000 newest check runs of a commit).
 */
export async function findCheckRuns(
  octokit: Octokit,
  target: CheckRunTarget,
  externalId: string,
): Promise<{ id: number; status: string; annotations: number }[]> {
  const runs = await octokit.paginate(octokit.rest.checks.listForRef, {
    owner: target.owner,
    repo: target.repo,
    ref: target.headSha,
    ...(target.name ? { check_name: target.name } : {}),
    filter: 'all',
    per_page: 100,
  });
  return runs
    .filter((run) => run.external_id === externalId)
    .sort((a, b) => b.id - a.id)
    .map((run) => ({ id: run.id, status: run.status, annotations: run.output?.annotations_count ?? 0 }));
}

/** The fields that conclude a run with `report` and the given annotations. */
export function completion(report: CheckRunReport, annotations: readonly CheckRunAnnotation[]) {
  return {
    status: 'completed' as const,
    conclusion: report.conclusion,
    completed_at: new Date().toISOString(),
    output: {
      title: report.title,
      summary: report.summary,
      ...(annotations.length > 0 ? { annotations: [...annotations] } : {}),
    },
    ...(report.actions?.length ? { actions: report.actions } : {}),
  };
}

/** The job's run of `target.name`: found, created when first needed, updated after. */
function checkRunWriter(octokit: Octokit, target: CheckRunTarget, job: CheckRunJob) {
  const name = target.name ?? CHECK_RUN_NAME;
  const { owner, repo } = target;
  let id: number | undefined;
  /** Annotations an earlier attempt of the job already sent to the run it created. */
  let sent = 0;
  let creating: Promise<number> | undefined;

  const create = async (fields: Record<string, unknown>) => {
    const { data } = await octokit.rest.checks.create({
      owner,
      repo,
      name,
      head_sha: target.headSha,
      external_id: job.externalId,
      ...fields,
    });
    id = data.id;
    await job.recordCheckRun(data.id);
    return data.id;
  };
  const update = (fields: Record<string, unknown>) =>
    octokit.rest.checks.update({ owner, repo, check_run_id: id as number, ...fields });

  return {
    id: () => id,
    async find() {
      if (!job.mayHaveRuns) return;
      const [found] = await findCheckRuns(octokit, { ...target, name }, job.externalId);
      id = found?.id;
      sent = found?.annotations ?? 0;
    },
    /** Shows the run in progress with `title`: created so on first use. */
    async show(title: string, summary: string) {
      if (id === undefined) {
        creating ??= create({
          status: 'in_progress',
          started_at: new Date().toISOString(),
          output: { title, summary },
        });
        await creating;
        return;
      }
      await update({ output: { title, summary } });
    },
    /** Concludes the run with the first batch of annotations, then sends the other batches. */
    async publish(report: CheckRunReport) {
      // GitHub adds every update's annotations to the run's and cannot remove one: an earlier
      // attempt killed after it published (same head, same base policies, so the same report
      // in the same order) sent the first `sent`; only the rest go now, none twice.
      const [first = [], ...rest] = chunkAnnotations(report.annotations.slice(sent));
      await creating?.catch(() => undefined);
      if (id === undefined) await create(completion(report, first));
      else await withRetries(() => update(completion(report, first)));
      // Every update must repeat title and summary; annotations accumulate across updates.
      for (const annotations of rest) {
        await update({ output: { title: report.title, summary: report.summary, annotations } });
      }
    },
  };
}

/** A completion that failed for want of an answer is tried again a few times, then thrown. */
async function withRetries<T>(write: () => Promise<T>): Promise<T> {
  for (const wait of COMPLETION_RETRY_MS) {
    try {
      return await write();
    } catch (error) {
      if (interruptsJob(error) || refused(error)) throw error;
      await sleep(wait);
    }
  }
  return write();
}

/** GitHub answered and said no (4xx other than a rate limit): trying again will not help. */
function refused(error: unknown): boolean {
  const status = (error as { status?: number } | null)?.status ?? 0;
  return status >= 400 && status < 500 && status !== 429;
}

function timedOut(signal: AbortSignal): boolean {
  return signal.aborted && (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError';
}

/** `work`, or the signal's reason once it is aborted (work that ignores the signal is left behind). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}
