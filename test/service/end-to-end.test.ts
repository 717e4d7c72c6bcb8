/**
 * The App as `npm start` runs it (`node dist/main.js`), pointed at the loopback GitHub
 * simulator through Probot's GitHub Enterprise settings, judging one pull request from webhook
 * to concluded check run: what GitHub's own state holds at the end, not what the App says.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port.js';
import { type GitHubSimulator, startGitHubSimulator } from '../support/github-simulator.js';
import { type AppProcess, startApp, stopAll, waitForOutput } from './app-process.js';

const APP_ID = 31337;
const INSTALLATION = 4242;
const REPO = 'acme/web';
const SECRET = 'a-webhook-secret-of-32-characters';

let dir: string;
let github: GitHubSimulator;
let app: AppProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-e2e-'));
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  writeFileSync(join(dir, 'app.pem'), privateKey);
  github = await startGitHubSimulator({ appId: APP_ID, appKey: privateKey });
  github.installation(INSTALLATION, 'acme');
  github.repository(REPO, { installation: INSTALLATION });
  const port = await freePort();
  app = startApp(dir, {
    APP_ID: String(APP_ID),
    PRIVATE_KEY_PATH: join(dir, 'app.pem'),
    WEBHOOK_SECRET: SECRET,
    ...github.appEnv(),
    // Registry look-ups would leave the machine; the static policies are what is judged here.
    PORTCULLIS_OFFLINE: '1',
    PORTCULLIS_DATA_DIR: join(dir, 'data'),
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  await waitForOutput(app, /Listening on/);
  github.setWebhook(`http://127.0.0.1:${port}/api/github/webhooks`, SECRET);
});

afterAll(async () => {
  await stopAll();
  await github?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('judges a pull request from its webhook to a failed check run with annotations on GitHub', async () => {
  const base = github.commit(REPO, { 'README.md': '# web\n' }, { branch: 'main' });
  const head = github.change(
    REPO,
    base,
    { 'services/web/Dockerfile': 'FROM node\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n' },
    { branch: 'feature/docker' },
  );
  const pr = github.openPullRequest(REPO, { head, headRef: 'feature/docker', user: 'alice' });

  const delivery = await github.send('pull_request', github.payloads.pullRequest(REPO, pr.number, 'opened'));
  expect(delivery.status).toBeLessThan(300);

  const run = await github.waitFor(
    () => github.checkRuns(REPO, head).find((r) => r.name === 'Portcullis' && r.status === 'completed'),
    60_000,
    `the Portcullis check run on ${head.slice(0, 7)} to complete\n${app.output().slice(-2000)}`,
  );
  expect(run.conclusion).toBe('failure');
  // An unpinned base image (no tag) is a deny of the default policies, on the FROM line.
  expect(run.annotations).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        path: 'services/web/Dockerfile',
        start_line: 1,
        annotation_level: 'failure',
        title: expect.stringMatching(/^PC-DF-001/),
      }),
    ]),
  );
  expect(github.checkRuns(REPO).filter((r) => r.status !== 'completed')).toEqual([]);
  // The App's review follows the check run: wait until its requests are done before judging them.
  await github.waitFor(() => github.reviews(REPO, pr.number).length > 0, 30_000, 'the review');
  expect(github.comments(REPO, pr.number).map((c) => [c.path, c.line])).toEqual(
    expect.arrayContaining([['services/web/Dockerfile', 1]]),
  );
  expect(github.problems()).toEqual([]);
  // Every request after the token came with the installation's token.
  expect(
    github.requests((r) => r.operationId !== 'apps/create-installation-access-token' && r.status === 401),
  ).toEqual([]);
});
