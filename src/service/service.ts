/**
 * The running service, by role (`PORTCULLIS_ROLE`): `web` answers webhooks and queues jobs,
 * `worker` runs them, `all` does both in one process. Every role serves /healthz, /readyz and
 * /metrics on `PORT`. Start-up: the queue opens (its back-end takes back jobs whose process
 * died), the server answers (readiness waits for the policies), the built-in policies
 * compile, then the worker starts. Shutdown drains: not ready, no new connection, running
 * jobs get the deadline, the rest go back to the queue.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger, Probot } from 'probot';
import { builtinPolicyEngine, judgeTargets, type TargetFile } from '../core/judge.js';
import { errorMessage } from '../errors.js';
import type { AppSettings } from '../github/app-settings.js';
import { installationOctokit } from '../github/github-client.js';
import { appProbot, startAppServer } from '../github/webhook-intake.js';
import { createPortcullis } from '../index.js';
import { defaultPolicySandbox } from '../policy/sandbox.js';
import { openWorkQueue } from '../queue/queue-from-settings.js';
import type { WorkQueue } from '../queue/work-queue.js';
import { type Settings, settings } from '../settings.js';
import { startTrustedRootRefresh } from '../signatures/sigstore-tuf.js';
import { healthRoutes, type ServiceState } from './health-routes.js';
import { startJobWorker } from './job-worker.js';
import { installPrometheusMetrics } from './metrics-registry.js';

export interface Service {
  readonly state: ServiceState;
  readonly log: Logger;
  /** Drains and releases everything; resolves when the process may exit. */
  shutdown(): Promise<void>;
}

const WARM_UP: TargetFile = {
  path: 'Dockerfile',
  content: new TextEncoder().encode('FROM alpine:3.20\nRUN apk add curl\nCMD ["sh"]\n'),
};

/** Why the settings cannot run this role, or undefined. */
export function roleProblem(from: Settings): string | undefined {
  if (from.role === 'all' || from.redisUrl) return undefined;
  return `PORTCULLIS_ROLE=${from.role} needs REDIS_URL: web and worker processes apart share their jobs through Redis. The embedded store (the default, under PORTCULLIS_DATA_DIR) serves one process of role all.`;
}

export async function startService(credentials: AppSettings, from: Settings = settings()): Promise<Service> {
  const problem = roleProblem(from);
  if (problem) throw new Error(problem);
  // A process that runs jobs keeps one policy thread however quiet it gets: a cold one costs
  // the next pull request a thread start and a policy load.
  defaultPolicySandbox({ idleWorkers: from.role === 'web' ? 0 : 1 });
  const registry = installPrometheusMetrics();
  const probot = appProbot(credentials, from);
  const log = await probotLog(probot);
  const queue = await openWorkQueue(from, {
    onError: (error) => log.error({ err: error }, `The job queue: ${errorMessage(error)}`),
  });
  const state: ServiceState = { queue, registry, policiesCompiled: false, draining: false };
  // Only processes that run checks verify signatures; the refresh runs in the background.
  const trustedRoots = from.role === 'web' ? null : startTrustedRootRefresh(log, from);
  let server: Server | undefined;
  try {
    log.info(await queueSummary(queue, from));
    const routes = healthRoutes(state);
    server =
      from.role === 'worker'
        ? await listen(routes, from, log)
        : await startAppServer(credentials, createPortcullis({ queue }), from, { probot, routes });
    // Before any job runs: a broken installation fails now, not in every pull request. One
    // Dockerfile judged warms the sandbox thread, which the first pull request paid for
    // (about a second on 2 busy cores; bench:service).
    await judgeTargets([WARM_UP], await builtinPolicyEngine());
    state.policiesCompiled = true;
    if (from.role !== 'web')
      startJobWorker({
        queue,
        octokitFor: (installationId, signal) => installationOctokit(probot, installationId, signal),
        log,
        concurrency: from.workerConcurrency,
      });
  } catch (error) {
    trustedRoots?.stop();
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await queue.close();
    throw error;
  }
  const open = server;
  return {
    state,
    log,
    async shutdown() {
      state.draining = true;
      trustedRoots?.stop();
      log.info(
        `Shutting down: no new webhooks or jobs; running jobs have ${from.shutdownTimeoutSeconds} s, then go back to the queue`,
      );
      const closed = new Promise((resolve) => open.close(resolve));
      open.closeIdleConnections();
      await queue.stop(from.shutdownTimeoutSeconds * 1000);
      open.closeAllConnections();
      await closed;
      await queue.close();
      log.info('Stopped');
    },
  };
}

/** Probot's logger exists once Probot has initialised (asynchronously, on first use). */
async function probotLog(probot: Probot): Promise<Logger> {
  // `auth()` without an installation initialises and returns the App's client: no request.
  await probot.auth();
  return probot.log;
}

/** One line at start: what the queue holds (jobs of a process that died are run again). */
async function queueSummary(queue: WorkQueue, from: Settings): Promise<string> {
  const { waiting, delayed, running, byKind } = await queue.counts();
  const kinds = Object.entries(byKind)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${count} ${kind}`);
  return `Job queue (${queue.backend}): ${waiting} waiting, ${delayed} delayed, ${running} running${
    kinds.length > 0 ? ` (${kinds.join(', ')})` : ''
  }; role ${from.role}${from.role === 'web' ? '' : `, ${from.workerConcurrency} jobs at once`}`;
}

/** A worker-only process's server: the health and metrics routes, nothing else. */
async function listen(
  routes: (req: IncomingMessage, res: ServerResponse) => boolean,
  from: Settings,
  log: Logger,
): Promise<Server> {
  const server = createServer((req, res) => {
    try {
      if (routes(req, res)) return;
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `a worker serves /healthz, /readyz and /metrics only` }));
    } catch (error) {
      log.error({ err: error }, `The health server failed: ${errorMessage(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(from.port, from.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  log.info(
    `Listening on http://${from.host}:${typeof address === 'object' && address ? address.port : from.port}`,
  );
  return server;
}
