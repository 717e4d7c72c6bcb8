/**
 * What an operator's probes and Prometheus read: `/healthz` (the process answers), `/readyz`
 * (it can take work: the queue store answers, the policies compiled, not draining) and
 * `/metrics`. GET only, and no signature: these are answered before the webhook intake.
 * Every role serves them, a worker-only process too.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { errorMessage } from '../errors.js';
import type { WorkQueue } from '../queue/work-queue.js';
import { scrape } from './metrics-registry.js';

/** A store that does not answer within this long is not ready (Redis unreachable hangs, not fails). */
const READY_TIMEOUT_MS = 2_000;

export interface ServiceState {
  queue: WorkQueue;
  registry: Registry;
  /** Set once the built-in policies compiled (before any job may run). */
  policiesCompiled: boolean;
  /** Set on SIGTERM: a load balancer stops sending work here. */
  draining: boolean;
}

/** Answers the health and metrics routes; false for any other request (it goes on to the App). */
export function healthRoutes(state: ServiceState) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET') return false;
    const path = (req.url ?? '/').split('?')[0]?.replace(/\/+$/, '');
    if (path === '/healthz') {
      send(res, 200, 'application/json', JSON.stringify({ status: 'ok' }));
      return true;
    }
    if (path === '/readyz') {
      readiness(state).then(
        (reason) =>
          reason === undefined
            ? send(
                res,
                200,
                'application/json',
                JSON.stringify({ status: 'ready', queue: state.queue.backend }),
              )
            : send(res, 503, 'application/json', JSON.stringify({ status: 'not ready', reason })),
        (error: unknown) =>
          send(
            res,
            503,
            'application/json',
            JSON.stringify({ status: 'not ready', reason: errorMessage(error) }),
          ),
      );
      return true;
    }
    if (path === '/metrics') {
      scrape(state.registry, state.queue).then(
        (text) => send(res, 200, state.registry.contentType, text),
        (error: unknown) => send(res, 500, 'text/plain', `metrics unavailable: ${errorMessage(error)}\n`),
      );
      return true;
    }
    return false;
  };
}

/** Why the process cannot take work now, or undefined when it can. */
async function readiness(state: ServiceState): Promise<string | undefined> {
  if (state.draining) return 'shutting down: running jobs are finishing';
  if (!state.policiesCompiled) return 'the built-in policies are not compiled yet';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), READY_TIMEOUT_MS);
  });
  try {
    const answer = await Promise.race([state.queue.ready(), timeout]);
    if (answer === 'timeout')
      return `the ${state.queue.backend} queue store did not answer within ${READY_TIMEOUT_MS / 1000} s`;
    if (!answer) return `the ${state.queue.backend} queue store does not answer`;
    return state.draining ? 'shutting down: running jobs are finishing' : undefined;
  } finally {
    clearTimeout(timer);
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}
