/**
 * /healthz, /readyz and /metrics on a real HTTP server over the real embedded job store:
 * readiness follows the policies, the drain and the store; the queue gauges are read from
 * the store at each scrape. (The routes inside the running App: service.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useMetrics } from '../../src/metrics.js';
import type { JobRequest } from '../../src/queue/job.js';
import { SqliteWorkQueue } from '../../src/queue/sqlite-queue.js';
import { healthRoutes, type ServiceState } from '../../src/service/health-routes.js';
import { installPrometheusMetrics } from '../../src/service/metrics-registry.js';

let dir: string;
let server: Server;
let base: string;
let state: ServiceState;

const request: JobRequest = {
  kind: 'check',
  installationId: 1,
  owner: 'acme',
  repo: 'web',
  pullNumbers: [7],
  headSha: 'a'.repeat(40),
  deliveryId: 'delivery-1',
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-health-'));
  state = {
    queue: new SqliteWorkQueue({ dataDir: dir }),
    registry: installPrometheusMetrics(),
    policiesCompiled: true,
    draining: false,
  };
  const routes = healthRoutes(state);
  server = createServer((req, res) => {
    if (!routes(req, res)) res.writeHead(404).end('not a health route');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await state.queue.close();
  useMetrics();
  rmSync(dir, { recursive: true, force: true });
});

async function get(
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: string; type: string }> {
  const response = await fetch(`${base}${path}`, init);
  return {
    status: response.status,
    body: await response.text(),
    type: response.headers.get('content-type') ?? '',
  };
}

describe('/healthz', () => {
  it('answers 200 while the process runs, draining or not', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, body: '{"status":"ok"}' });
    state.draining = true;
    expect((await get('/healthz')).status).toBe(200);
  });
});

describe('/readyz', () => {
  it('is ready with the store answering and the policies compiled', async () => {
    const answer = await get('/readyz?verbose');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ status: 'ready', queue: 'embedded' });
  });

  it.each([
    [
      'the policies are not compiled',
      (s: ServiceState) => (s.policiesCompiled = false),
      /policies are not compiled/,
    ],
    ['the process is draining', (s: ServiceState) => (s.draining = true), /shutting down/],
  ])('answers 503 with the reason when %s', async (_, change, reason) => {
    change(state);
    const answer = await get('/readyz');
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toEqual({ status: 'not ready', reason: expect.stringMatching(reason) });
  });

  it('answers 503 when the store does not answer', async () => {
    await state.queue.close();
    const answer = await get('/readyz');
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body).reason).toBe('the embedded queue store does not answer');
  });
});

describe('/metrics', () => {
  it('reads the queued jobs from the store at each scrape', async () => {
    expect((await get('/metrics')).body).toContain('portcullis_jobs_queued{kind="check"} 0');
    expect(await state.queue.enqueue(request)).toBe('queued');
    const answer = await get('/metrics');
    expect(answer.status).toBe(200);
    expect(answer.type).toContain('text/plain');
    expect(answer.body).toContain('portcullis_jobs_queued{kind="check"} 1');
    expect(answer.body).toContain('portcullis_jobs_queued{kind="apply-fixes"} 0');
  });
});

it('answers GET only: other methods go on to the App', async () => {
  for (const path of ['/healthz', '/readyz', '/metrics'])
    expect(await get(path, { method: 'POST', body: '{}' })).toMatchObject({ status: 404 });
  expect((await get('/metricsx')).status).toBe(404);
});
