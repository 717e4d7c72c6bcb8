/**
 * One pull request judged from webhook to concluded check run by the real App process
 * (`node dist/main.js`, embedded store) against the loopback GitHub simulator, at debug log
 * level: what /metrics then says of the job, and that the whole captured log holds neither
 * the App's private key, nor an installation token, nor the webhook secret.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port.js';
import { type GitHubSimulator, startGitHubSimulator } from '../support/github-simulator.js';
import { type AppProcess, exitWithin, logLines, startApp, stopAll, waitForOutput } from './app-process.js';

const SECRET = 'a-webhook-secret-of-32-characters';

let dir: string;
let privateKey: string;
let github: GitHubSimulator;
let app: AppProcess;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-full-run-'));
  privateKey = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  writeFileSync(join(dir, 'app.pem'), privateKey);
  github = await startGitHubSimulator({ appId: 1, appKey: privateKey });
  port = await freePort();
  app = startApp(dir, {
    APP_ID: '1',
    PRIVATE_KEY_PATH: join(dir, 'app.pem'),
    WEBHOOK_SECRET: SECRET,
    HOST: '127.0.0.1',
    PORT: String(port),
    PORTCULLIS_DATA_DIR: join(dir, 'data'),
    PORTCULLIS_OFFLINE: '1',
    LOG_LEVEL: 'debug',
    ...github.appEnv(),
  });
  github.setWebhook(`http://127.0.0.1:${port}/api/github/webhooks`, SECRET);
  await waitForOutput(app, 'Listening on');
}, 60_000);

afterAll(async () => {
  await stopAll();
  await github?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('judges a pull request, counts it in /metrics, and logs no secret', async () => {
  github.installation(4242, 'acme');
  github.repository('acme/web', { installation: 4242 });
  const base = github.commit('acme/web', { 'README.md': '# web\n' }, { branch: 'main' });
  const head = github.change('acme/web', base, { Dockerfile: 'FROM node:latest\n' }, { branch: 'feature' });
  const pr = github.openPullRequest('acme/web', { head, headRef: 'feature', user: 'alice' });
  const delivery = await github.send(
    'pull_request',
    github.payloads.pullRequest('acme/web', pr.number, 'opened'),
  );
  expect(delivery.status).toBe(200);
  const run = await github.waitFor(
    () => github.checkRuns('acme/web', head).find((r) => r.status === 'completed'),
    60_000,
  );
  expect(run.conclusion).toBe('failure');
  await waitForOutput(app, /"msg":"Job completed after/);

  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  expect(text).toContain('portcullis_webhooks_total{event="pull_request.opened",result="queued"} 1');
  expect(text).toContain('portcullis_jobs_total{kind="check",outcome="completed"} 1');
  expect(text).toContain('portcullis_job_duration_seconds_count{kind="check"} 1');
  expect(text).toContain('portcullis_webhook_to_conclusion_seconds_count{kind="check"} 1');
  expect(text).toContain('portcullis_jobs_running{kind="check"} 0');
  expect(text).toMatch(/^portcullis_github_requests_total\{method="POST",status="201"\} \d+/m);
  expect(text).toMatch(/^portcullis_policy_evaluation_seconds_count [1-9]/m);

  // Every line of the job, GitHub's request lines included, names it.
  const jobLines = logLines(app).filter((line) => line.jobId !== undefined);
  expect(jobLines.some((line) => String(line.msg).startsWith('GitHub request'))).toBe(true);
  for (const line of jobLines)
    expect(line).toMatchObject({
      deliveryId: delivery.deliveryId,
      repository: 'acme/web',
      pullRequests: [pr.number],
    });

  app.child.kill('SIGTERM');
  expect(await exitWithin(app, 20_000)).toBe(0);
  const output = app.output();
  expect(output).not.toMatch(/ghs_[A-Za-z0-9_-]{16,}/);
  expect(output).not.toContain(SECRET);
  const keyLines = privateKey.split('\n').filter((line) => line.length > 0 && !line.startsWith('-----'));
  for (const line of keyLines) expect(output).not.toContain(line);
  github.assertNoProblems();
});
