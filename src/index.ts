/**
 * The Probot app: which event becomes which job. Each webhook is answered once its job is
 * in the queue (src/queue); a worker, in this process or another, does the work
 * (src/github/run-job.ts). A payload missing what a job needs is logged and dropped, never
 * thrown: one odd delivery must not cost the others.
 */
import type { ApplicationFunction, Context, Probot } from 'probot';
import { errorMessage } from './errors.js';
import { approvalLabel, buildsEnabled, lapseBuildApproval } from './github/build-approval.js';
import { withRequestLimits } from './github/github-client.js';
import type { Octokit } from './github/pull-request-files.js';
import { metrics } from './metrics.js';
import type { JobKind, JobRequest } from './queue/job.js';
import type { WorkQueue } from './queue/work-queue.js';
import { APPLY_FIXES_ACTION, CHECK_RUN_NAME } from './report/check-run.js';

export interface PortcullisOptions {
  /** Where the jobs go: the embedded store or Redis (src/service composes it). */
  queue: Pick<WorkQueue, 'enqueue'>;
}

/** What became of a delivery, as `portcullis_webhooks_total` counts it. */
export type WebhookResult = 'queued' | 'replaced' | 'duplicate' | 'ignored' | 'dropped';

const PULL_REQUEST_EVENTS: Parameters<Probot['on']>[0] = [
  'pull_request.opened',
  'pull_request.synchronize',
  'pull_request.reopened',
  'pull_request.ready_for_review',
];

/** Thrown while reading a payload: what it lacks. */
class MissingField extends Error {}

/** A job to queue, or why the delivery leads to none. */
type Intake = JobRequest | { ignored: string };

export function createPortcullis({ queue }: PortcullisOptions): ApplicationFunction {
  return (app: Probot) => {
    /** Reads the job from the payload and queues it; counts and logs what became of the delivery. */
    const intake = <E extends Parameters<Probot['on']>[0]>(
      events: E,
      read: (context: Context, common: Common) => Promise<Intake> | Intake,
    ) => {
      app.on(events, async (context) => {
        const event = `${context.name}.${String((context.payload as { action?: unknown }).action)}`;
        const count = (result: WebhookResult) => metrics().count('webhooks', { event, result });
        let job: Intake;
        try {
          job = await read(context as Context, commonFields(context as Context));
        } catch (error) {
          // A payload without a field it always has (GitHub's, a test's, a forger's with the
          // secret): nothing to do, and nothing to crash over.
          const missing =
            error instanceof MissingField ? error.message : `unreadable (${errorMessage(error)})`;
          context.log.warn(
            { deliveryId: context.id, event, missing },
            `Dropped webhook delivery ${context.id} (${event}): ${missing}`,
          );
          count('dropped');
          return;
        }
        if ('ignored' in job) {
          context.log.debug({ deliveryId: context.id, event }, `Ignored ${event}: ${job.ignored}`);
          count('ignored');
          return;
        }
        const result = await queue.enqueue(job);
        count(result);
        context.log.info(
          {
            deliveryId: context.id,
            event,
            repository: `${job.owner}/${job.repo}`,
            pullRequests: job.pullNumbers,
          },
          `Webhook ${event} ${result === 'duplicate' ? 'seen before: dropped' : `${result} a ${job.kind} job`}`,
        );
      });
    };

    intake(PULL_REQUEST_EVENTS, async (context, common) => {
      const pr = pullRequestOf(context.payload);
      if ((context.payload as { action?: unknown }).action === 'synchronize') {
        // The approval was for the previous head, so the label goes. Not awaited: GitHub's
        // answer would hold up the webhook's, and nothing waits for it. A label left behind,
        // or removed after the job starts, approves nothing by itself: an approval is the
        // labelled event's head SHA, and the job builds only if that is still the head
        // (buildApproval in build-approval.ts). Not in the job either: a job waits in the
        // queue, and a maintainer who labels the new head meanwhile would lose that approval.
        const labels = (pr.labels ?? []).flatMap((label) => (label?.name ? [label.name] : []));
        lapseBuildApproval(
          withRequestLimits(context.octokit as Octokit),
          { owner: common.owner, repo: common.repo, pullNumber: pr.number, headSha: pr.headSha },
          labels,
        ).catch((error: unknown) =>
          context.log.warn(
            { deliveryId: context.id },
            `Could not remove the build approval label from #${pr.number}: ${errorMessage(error)}`,
          ),
        );
      }
      return job('check', common, [pr.number], pr.headSha, pr.baseSha);
    });

    // A maintainer's approval of an untrusted head: check again, now building it.
    intake('pull_request.labeled', (context, common) => {
      const payload = context.payload as { label?: { name?: string }; sender?: { login?: string } };
      if (!buildsEnabled()) return { ignored: 'builds are off' };
      if (payload.label?.name !== approvalLabel()) return { ignored: 'not the build approval label' };
      const pr = pullRequestOf(context.payload);
      // The event's head is the commit the label was applied to: only that one is built on it.
      const by = need(payload.sender?.login, 'sender.login');
      return {
        ...job('check', common, [pr.number], pr.headSha, pr.baseSha),
        buildApproval: { headSha: pr.headSha, by },
      };
    });

    intake('check_run.rerequested', (context, common) => {
      const run = checkRunOf(context.payload);
      if (run.name !== CHECK_RUN_NAME) return { ignored: `a re-run of ${run.name}` };
      return job('recheck', common, run.pulls.numbers, run.headSha, run.pulls.baseSha);
    });

    intake('check_run.requested_action', (context, common) => {
      const payload = context.payload as {
        requested_action?: { identifier?: string };
        sender?: { login?: string };
      };
      const run = checkRunOf(context.payload);
      if (
        run.name !== CHECK_RUN_NAME ||
        payload.requested_action?.identifier !== APPLY_FIXES_ACTION.identifier
      )
        return { ignored: 'not the Apply fixes button' };
      return {
        ...job('apply-fixes', common, run.pulls.numbers, run.headSha),
        requestedBy: need(payload.sender?.login, 'sender.login'),
      };
    });

    intake('check_suite.rerequested', (context, common) => {
      const suite = (context.payload as { check_suite?: unknown }).check_suite as
        | { head_sha?: unknown; pull_requests?: unknown }
        | undefined;
      const headSha = sha(need(suite, 'check_suite').head_sha, 'check_suite.head_sha');
      const pulls = pullsOf(suite?.pull_requests, 'check_suite.pull_requests');
      return job('recheck', common, pulls.numbers, headSha, pulls.baseSha);
    });
  };
}

/** What every job takes from any payload. */
interface Common {
  installationId: number;
  owner: string;
  repo: string;
  deliveryId: string;
}

function commonFields(context: Context): Common {
  const payload = context.payload as {
    installation?: { id?: unknown };
    repository?: { name?: unknown; owner?: { login?: unknown } };
  };
  const installationId = payload.installation?.id;
  if (typeof installationId !== 'number') throw new MissingField('installation.id');
  return {
    installationId,
    owner: text(payload.repository?.owner?.login, 'repository.owner.login'),
    repo: text(payload.repository?.name, 'repository.name'),
    deliveryId: text(context.id, 'the delivery id'),
  };
}

function job(
  kind: JobKind,
  common: Common,
  pullNumbers: number[],
  headSha: string,
  baseSha?: string,
): JobRequest {
  return { kind, ...common, pullNumbers, headSha, ...(baseSha ? { baseSha } : {}) };
}

function pullRequestOf(payload: unknown) {
  const pr = (payload as { pull_request?: unknown }).pull_request as
    | {
        number?: unknown;
        head?: { sha?: unknown };
        base?: { sha?: unknown };
        labels?: ({ name?: string } | null)[];
      }
    | undefined;
  need(pr, 'pull_request');
  return {
    number: pullNumber(pr?.number, 'pull_request.number'),
    headSha: sha(pr?.head?.sha, 'pull_request.head.sha'),
    baseSha: sha(pr?.base?.sha, 'pull_request.base.sha'),
    labels: Array.isArray(pr?.labels) ? pr.labels : [],
  };
}

function checkRunOf(payload: unknown) {
  const run = (payload as { check_run?: unknown }).check_run as
    | { name?: unknown; head_sha?: unknown; pull_requests?: unknown }
    | undefined;
  need(run, 'check_run');
  return {
    name: text(run?.name, 'check_run.name'),
    headSha: sha(run?.head_sha, 'check_run.head_sha'),
    pulls: pullsOf(run?.pull_requests, 'check_run.pull_requests'),
  };
}

/** A payload's `pull_requests` (empty for a fork's); the base commit only when there is one. */
function pullsOf(value: unknown, where: string): { numbers: number[]; baseSha?: string } {
  if (!Array.isArray(value)) throw new MissingField(where);
  const pulls = value.map((pr: { number?: unknown; base?: { sha?: unknown } } | null, i) => ({
    number: pullNumber(pr?.number, `${where}[${i}].number`),
    baseSha: typeof pr?.base?.sha === 'string' ? pr.base.sha : undefined,
  }));
  const only = pulls.length === 1 ? pulls[0]?.baseSha : undefined;
  return { numbers: pulls.map((pr) => pr.number), ...(only ? { baseSha: only } : {}) };
}

function need<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new MissingField(what);
  return value;
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new MissingField(what);
  return value;
}

function sha(value: unknown, what: string): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(value)) throw new MissingField(what);
  return value;
}

function pullNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new MissingField(what);
  return value;
}
