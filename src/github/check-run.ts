/**
 * Publishing a CheckRunReport: create the `Portcullis` check run in progress, send the
 * annotations 50 per request, and always finish with a conclusion, even when judging
 * or publishing fails part-way.
 */
import { errorMessage } from '../errors.js';
import {
  CHECK_RUN_NAME,
  type CheckRunReport,
  chunkAnnotations,
  errorReport,
  SUMMARY_LIMIT,
} from '../report/check-run.js';
import { settings } from '../settings.js';
import type { Octokit } from './pull-request-files.js';

export interface CheckRunTarget {
  owner: string;
  repo: string;
  headSha: string;
  /** The check run's name; `Portcullis` unless given. */
  name?: string;
}

export async function startCheckRun(octokit: Octokit, target: CheckRunTarget): Promise<number> {
  const { data } = await octokit.rest.checks.create({
    owner: target.owner,
    repo: target.repo,
    name: target.name ?? CHECK_RUN_NAME,
    head_sha: target.headSha,
    status: 'in_progress',
    started_at: new Date().toISOString(),
  });
  return data.id;
}

/** Shows a long step on the in-progress check run (`Building 1 of 3 images…`); never throws. */
export type CheckProgress = (title: string, summary: string) => Promise<void>;

/**
 * Runs `produce` and publishes its report on the check run. An exception from `produce`
 * or from publishing becomes a completed check run that explains the failure. `produce`
 * may report progress, which updates the run's title and summary while it is in progress.
 */
export async function runCheck(
  octokit: Octokit,
  target: CheckRunTarget,
  produce: (progress: CheckProgress) => Promise<CheckRunReport>,
): Promise<{ id: number; report: CheckRunReport }> {
  const checkRunId = await startCheckRun(octokit, target);
  let done = false;
  const progress: CheckProgress = async (title, summary) => {
    if (done) return;
    try {
      await octokit.rest.checks.update({
        owner: target.owner,
        repo: target.repo,
        check_run_id: checkRunId,
        output: { title, summary },
      });
    } catch (error) {
      octokit.log.warn(
        `Portcullis could not show progress on check run ${checkRunId}: ${errorMessage(error)}`,
      );
    }
  };
  let report: CheckRunReport;
  try {
    report = await withTimeout(produce(progress), checkTimeoutMs()).finally(() => {
      done = true;
    });
  } catch (error) {
    report = errorReport('An error stopped the check.', errorMessage(error));
  }
  try {
    await publish(octokit, target, checkRunId, report);
  } catch (error) {
    // Publishing failed (a rejected annotation, an API error): still end the run, briefly.
    report = errorReport('GitHub refused part of the report.', errorMessage(error));
    await complete(octokit, target, checkRunId, report, []);
  }
  return { id: checkRunId, report };
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
  await complete(octokit, target, id, { ...report, summary }, []);
}

/** A check that runs longer than this is ended as failed rather than left in progress. */
export function checkTimeoutMs(): number {
  return settings().checkTimeoutMinutes * 60_000;
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`The check took longer than ${Math.round(ms / 1000)} s and was stopped.`)),
      ms,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function publish(
  octokit: Octokit,
  target: CheckRunTarget,
  id: number,
  report: CheckRunReport,
): Promise<void> {
  const chunks = chunkAnnotations(report.annotations);
  const last = chunks.pop() ?? [];
  // Every update must repeat title and summary; annotations accumulate across updates.
  for (const annotations of chunks) {
    await octokit.rest.checks.update({
      owner: target.owner,
      repo: target.repo,
      check_run_id: id,
      output: { title: report.title, summary: report.summary, annotations },
    });
  }
  await complete(octokit, target, id, report, last);
}

async function complete(
  octokit: Octokit,
  target: CheckRunTarget,
  id: number,
  report: CheckRunReport,
  annotations: CheckRunReport['annotations'],
): Promise<void> {
  await octokit.rest.checks.update({
    owner: target.owner,
    repo: target.repo,
    check_run_id: id,
    status: 'completed',
    conclusion: report.conclusion,
    completed_at: new Date().toISOString(),
    output: {
      title: report.title,
      summary: report.summary,
      ...(annotations.length > 0 ? { annotations } : {}),
    },
    ...(report.actions?.length ? { actions: report.actions } : {}),
  });
}
