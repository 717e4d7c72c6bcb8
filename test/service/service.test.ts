/**
 * The service as `npm start` runs it (`node dist/main.js`) with the embedded job store in a
 * temporary PORTCULLIS_DATA_DIR (or Redis) and the GitHub simulator hanging every GET, so a
 * job stays running: roles refused without Redis, the health and metrics routes, a job's log
 * lines, and the drain on SIGTERM that leaves the job in the store for the next start.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRICS } from '../../src/metrics.js';
import { SqliteWorkQueue } from '../../src/queue/sqlite-queue.js';
import { freePort } from '../support/free-port.js';
import { type Fault, type GitHubSimulator, startGitHubSimulator } from '../support/github-simulator.js';
import { type RedisServer, startRedis } from '../support/redis.js';
import {
  type AppProcess,
  exitWithin,
  logLines,
  sendWebhook,
  startApp,
  stopAll,
  waitForOutput,
} from './app-process.js';

const SECRET = 'a-webhook-secret-of-32-characters';

let dir: string;
let keyPath: string;
let privateKey: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-service-'));
  keyPath = join(dir, 'app.pem');
  privateKey = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  writeFileSync(keyPath, privateKey);
});
afterAll(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The simulator holding acme/web (installation 4242) with a pull request changing its
 * Dockerfile, and every GET hanging: a job gets its token, then waits until its signal
 * (shutdown) ends it. Returns the pull request's `opened` payload.
 */
async function hangingGitHub(): Promise<{
  github: GitHubSimulator;
  hang: Fault;
  payload: Record<string, unknown>;
}> {
  const github = await startGitHubSimulator({ appId: 1, appKey: privateKey });
  github.installation(4242, 'acme');
  github.repository('acme/web', { installation: 4242 });
  const base = github.commit('acme/web', { 'README.md': '# web\n' }, { branch: 'main' });
  const head = github.change('acme/web', base, { Dockerfile: 'FROM node:latest\n' }, { branch: 'feature' });
  const pr = github.openPullRequest('acme/web', { head, headRef: 'feature', user: 'alice' });
  const hang = github.fail({ method: 'GET', hang: true });
  return { github, hang, payload: github.payloads.pullRequest('acme/web', pr.number, 'opened') };
}

const credentials = () => ({
  APP_ID: '1',
  PRIVATE_KEY_PATH: keyPath,
  WEBHOOK_SECRET: SECRET,
  HOST: '127.0.0.1',
});

describe('roles', () => {
  it.each(['web', 'worker'])('refuses PORTCULLIS_ROLE=%s without REDIS_URL, saying why', async (role) => {
    const app = startApp(dir, { ...credentials(), PORT: String(await freePort()), PORTCULLIS_ROLE: role });
    expect(await exitWithin(app, 30_000)).toBe(2);
    expect(app.output()).toContain(`portcullis: PORTCULLIS_ROLE=${role} needs REDIS_URL`);
    expect(app.output().trim().split('\n')).toHaveLength(1);
  });

  it('refuses a role it does not know', async () => {
    const app = startApp(dir, { ...credentials(), PORT: String(await freePort()), PORTCULLIS_ROLE: 'both' });
    expect(await exitWithin(app, 30_000)).toBe(2);
    expect(app.output()).toMatch(/PORTCULLIS_ROLE must be web, worker or all/);
  });
});

describe('a start that fails', () => {
  it('exits 2 on a port in use: the queue it opened is closed, nothing holds the process', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const dataDir = join(dir, 'data-port-in-use');
    try {
      const app = startApp(dir, { ...credentials(), PORT: String(port), PORTCULLIS_DATA_DIR: dataDir });
      expect(await exitWithin(app, 30_000)).toBe(2);
      expect(app.output()).toContain(
        `portcullis: listen EADDRINUSE: address already in use 127.0.0.1:${port}`,
      );
    } finally {
      taken.close();
    }
  });
});

describe('role all on the embedded store', () => {
  let github: GitHubSimulator;
  let hang: Fault;
  let payload: Record<string, unknown>;
  let dataDir: string;
  let port: number;
  const env = () => ({
    ...credentials(),
    ...github.appEnv(),
    PORT: String(port),
    PORTCULLIS_DATA_DIR: dataDir,
    PORTCULLIS_SHUTDOWN_TIMEOUT_SECONDS: '2',
    // Debug: Probot logs every GitHub request; none may show a secret either.
    LOG_LEVEL: 'debug',
  });

  beforeAll(async () => {
    ({ github, hang, payload } = await hangingGitHub());
    dataDir = join(dir, 'data');
    port = await freePort();
  });
  afterAll(() => github.stop());

  let first: AppProcess;
  it('serves /healthz and /readyz, and answers a webhook by queueing its job', async () => {
    first = startApp(dir, env());
    await waitForOutput(first, 'Listening on');
    expect(first.output()).toMatch(/Job queue \(embedded\): 0 waiting, 0 delayed, 0 running; role all/);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    await waitForOutput(first, /"msg":"Job queue/);
    let ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    // Until the policies compiled the answer is 503 with the reason; then 200.
    for (let i = 0; ready.status !== 200 && i < 200; i++) {
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ reason: expect.stringMatching(/policies/) });
      await new Promise((resolve) => setTimeout(resolve, 100));
      ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    }
    expect(await ready.json()).toEqual({ status: 'ready', queue: 'embedded' });

    const answer = await sendWebhook(port, SECRET, 'pull_request', 'delivery-drain-1', payload);
    expect(answer.status).toBe(200);
    // The job runs: it got its installation's token and now waits on GitHub.
    await github.waitFor(() => hang.hits > 0, 45_000, 'a GET of the job');
    expect(github.requests((r) => r.operationId === 'apps/create-installation-access-token')).toHaveLength(1);
  });

  it('exposes every metric of src/metrics.ts, the webhook counted and the job running', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    for (const spec of Object.values(METRICS)) expect(text).toContain(`# HELP ${spec.name} `);
    expect(text).toContain('portcullis_webhooks_total{event="pull_request.opened",result="queued"} 1');
    expect(text).toContain('portcullis_jobs_running{kind="check"} 1');
    expect(text).toContain('portcullis_policy_evaluation_seconds_count');
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('logs the job’s fields on every line of the job', () => {
    const lines = logLines(first).filter((line) => 'jobId' in line);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines)
      expect(line).toMatchObject({
        deliveryId: 'delivery-drain-1',
        repository: 'acme/web',
        pullRequests: [payload.number],
        jobKind: 'check',
        attempt: 1,
        jobId: expect.any(String),
      });
    // GitHub's own request lines (Probot's, at debug) are the job's too.
    expect(lines.some((line) => String(line.msg).startsWith('GitHub request'))).toBe(true);
  });

  it('drains on SIGTERM: not taking work, the running job returned to the store, exit 0', async () => {
    first.child.kill('SIGTERM');
    // The deadline is 2 s; what the job's abort and the store's close take comes on top.
    expect(await exitWithin(first, 20_000)).toBe(0);
    expect(first.output()).toContain('Shutting down: no new webhooks or jobs; running jobs have 2 s');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    const store = new SqliteWorkQueue({ dataDir });
    try {
      expect(await store.counts()).toMatchObject({ waiting: 1, running: 0, byKind: { check: 1 } });
    } finally {
      await store.close();
    }
  });

  it('runs the returned job on the next start, its attempt not counted', async () => {
    const seen = hang.hits;
    // A long deadline: the second signal below must not wait for it.
    const second = startApp(dir, { ...env(), PORTCULLIS_SHUTDOWN_TIMEOUT_SECONDS: '60' });
    await waitForOutput(second, /Job queue \(embedded\): 1 waiting, 0 delayed, 0 running \(1 check\)/);
    await github.waitFor(() => hang.hits > seen, 45_000, 'the job to run again');
    await waitForOutput(second, /"jobId"/);
    const started = logLines(second).find((line) => String(line.msg).startsWith('Job started'));
    expect(started).toMatchObject({ deliveryId: 'delivery-drain-1', attempt: 1 });

    // A second signal does not wait for the drain.
    second.child.kill('SIGTERM');
    await waitForOutput(second, 'Shutting down');
    second.child.kill('SIGTERM');
    expect(await exitWithin(second, 20_000)).toBe(1);
    expect(second.output()).toContain('SIGTERM again: exiting at once');

    // Neither run logged a secret: the App's key, the installation token, the webhook secret.
    const keyBody = privateKey.split('\n').slice(1, -2).join('');
    for (const app of [first, second]) {
      const output = app.output().replace(/\\n/g, '');
      expect(output).not.toMatch(/ghs_[A-Za-z0-9_-]{16,}/);
      expect(output).not.toContain(SECRET);
      expect(output).not.toContain(keyBody.slice(0, 64));
    }
    github.assertNoProblems();
  });
});

describe('web and worker apart on Redis', () => {
  let redis: RedisServer;
  let github: GitHubSimulator;
  let hang: Fault;
  let payload: Record<string, unknown>;
  beforeAll(async () => {
    redis = await startRedis();
    ({ github, hang, payload } = await hangingGitHub());
  }, 60_000);
  afterAll(async () => {
    await stopAll();
    await github.stop();
    await redis.stop();
  });

  it('the web process queues, the worker process runs; each serves the health routes', async () => {
    const [webPort, workerPort] = [await freePort(), await freePort()];
    const common = {
      ...credentials(),
      ...github.appEnv(),
      REDIS_URL: redis.url,
      PORTCULLIS_SHUTDOWN_TIMEOUT_SECONDS: '1',
    };
    const worker = startApp(dir, { ...common, PORTCULLIS_ROLE: 'worker', PORT: String(workerPort) });
    const web = startApp(dir, { ...common, PORTCULLIS_ROLE: 'web', PORT: String(webPort) });
    await waitForOutput(worker, 'Listening on');
    await waitForOutput(web, 'Listening on');
    expect(worker.output()).toMatch(/Job queue \(redis\): .*; role worker, 16 jobs at once/);
    expect(web.output()).toMatch(/Job queue \(redis\): .*; role web"/);

    for (const port of [webPort, workerPort]) {
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      let ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      for (let i = 0; ready.status !== 200 && i < 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      }
      expect(await ready.json()).toEqual({ status: 'ready', queue: 'redis' });
    }
    // A worker takes no webhook.
    expect((await sendWebhook(workerPort, SECRET, 'pull_request', 'delivery-apart-0', payload)).status).toBe(
      404,
    );

    expect((await sendWebhook(webPort, SECRET, 'pull_request', 'delivery-apart-1', payload)).status).toBe(
      200,
    );
    await github.waitFor(() => hang.hits > 0, 45_000, 'a GET of the job');
    await waitForOutput(worker, /"deliveryId":"delivery-apart-1"/);
    expect(web.output()).not.toContain('"jobId"');
    const webMetrics = await (await fetch(`http://127.0.0.1:${webPort}/metrics`)).text();
    expect(webMetrics).toContain('portcullis_webhooks_total{event="pull_request.opened",result="queued"} 1');
    const workerMetrics = await (await fetch(`http://127.0.0.1:${workerPort}/metrics`)).text();
    expect(workerMetrics).toContain('portcullis_jobs_running{kind="check"} 1');

    web.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect(await exitWithin(web, 20_000)).toBe(0);
    expect(await exitWithin(worker, 20_000)).toBe(0);
  });
});
