/**
 * The workflow token's Octokit, for the App's own code path (src/github/handlers.ts), and
 * a record of the check runs that code writes with it.
 *
 * GitHub gives a `pull_request` workflow from a fork a read-only GITHUB_TOKEN: creating a
 * check run is refused with 403 "Resource not accessible by integration". The App's path
 * would then end in an error and the report would be lost. Instead, from the first refused
 * create on, this Octokit keeps the check-run writes to itself (each answered as GitHub
 * would, with a local run id) and the action shows those runs through the runner: workflow
 * command annotations and the job summary. Everything else — which runs, in what order,
 * with which report — stays the App's code, unchanged, so the fallback shows the same
 * report the check run would have.
 */
import { ProbotOctokit } from 'probot';
import type { Octokit } from '../github/pull-request-files.js';
import type { CheckRunAnnotation, CheckRunConclusion } from '../report/check-run.js';

/** A check run as the App's writes left it. */
export interface RecordedCheckRun {
  id: number;
  name: string;
  status: string;
  conclusion?: CheckRunConclusion;
  title: string;
  summary: string;
  annotations: CheckRunAnnotation[];
  /** Kept here because GitHub refused it: the runner shows it. */
  refused: boolean;
}

export interface ActionOctokit {
  octokit: Octokit;
  /** Every check run written, in the order they were created. */
  runs(): RecordedCheckRun[];
}

interface Log {
  warn(message: string): void;
  error(message: string): void;
}

const CREATE = 'POST /repos/{owner}/{repo}/check-runs';
const UPDATE = 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}';

export function actionOctokit(token: string, baseUrl: string, log: Log): ActionOctokit {
  const octokit = new ProbotOctokit({
    auth: { token },
    baseUrl,
    log: {
      debug: () => {},
      info: () => {},
      warn: (m: string) => log.warn(m),
      error: (m: string) => log.error(m),
    },
  }) as Octokit;
  const runs = new Map<number, RecordedCheckRun>();
  let readOnly = false;
  let localIds = 0;

  const record = (id: number, fields: Record<string, unknown>, refused: boolean) => {
    const output = (fields.output ?? {}) as {
      title?: string;
      summary?: string;
      annotations?: CheckRunAnnotation[];
    };
    const run = runs.get(id) ?? {
      id,
      name: String(fields.name ?? ''),
      status: 'queued',
      title: '',
      summary: '',
      annotations: [],
      refused,
    };
    if (typeof fields.status === 'string') run.status = fields.status;
    if (typeof fields.conclusion === 'string') {
      run.conclusion = fields.conclusion as CheckRunConclusion;
      run.status = 'completed';
    }
    if (output.title !== undefined) run.title = output.title;
    if (output.summary !== undefined) run.summary = output.summary;
    // As on GitHub: every update's annotations add to the run's.
    run.annotations.push(...(output.annotations ?? []));
    runs.set(id, run);
  };
  const answer = (id: number, url: string) => ({ status: 201, url, headers: {}, data: { id } });

  octokit.hook.wrap('request', async (request, options) => {
    const route = `${options.method} ${options.url}`;
    const fields = options as unknown as Record<string, unknown>;
    if (route === UPDATE && runs.get(Number(fields.check_run_id))?.refused) {
      record(Number(fields.check_run_id), fields, true);
      return answer(Number(fields.check_run_id), options.url) as never;
    }
    if (route === CREATE && readOnly) {
      const id = --localIds;
      record(id, fields, true);
      return answer(id, options.url) as never;
    }
    try {
      const response = await request(options);
      if (route === CREATE) record((response.data as { id: number }).id, fields, false);
      if (route === UPDATE) record(Number(fields.check_run_id), fields, false);
      return response;
    } catch (error) {
      if (route !== CREATE || !tokenMayNotWrite(error)) throw error;
      log.warn(
        'The token may not write check runs (a read-only GITHUB_TOKEN, as a fork’s pull request gets): the report goes to annotations and the job summary instead.',
      );
      readOnly = true;
      const id = --localIds;
      record(id, fields, true);
      return answer(id, options.url) as never;
    }
  });
  return { octokit, runs: () => [...runs.values()] };
}

/** A 403 that is not a rate limit: GitHub refuses the token this write. */
function tokenMayNotWrite(error: unknown): boolean {
  const { status, response } = (error ?? {}) as {
    status?: number;
    response?: { headers?: Record<string, string | number | undefined> };
  };
  const headers = response?.headers ?? {};
  return (
    status === 403 && headers['retry-after'] === undefined && String(headers['x-ratelimit-remaining']) !== '0'
  );
}
