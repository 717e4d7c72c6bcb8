/**
 * The GitHub Action as the runner runs it: `node dist/action/main.js` with the event
 * payload in a file, the runner's GITHUB_* variables and the inputs as INPUT_<NAME>, talking
 * to the loopback GitHub (test/support/github-simulator.ts) with an installation token, as a
 * workflow's GITHUB_TOKEN is. On a pull request it must leave on GitHub what the App leaves
 * for the same pull request (the real App, `node dist/main.js`, judges a twin of it); with a
 * read-only token, the same report through workflow commands and the job summary; on a push,
 * the whole checked-out repository.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type AppProcess, startApp, stopAll, waitForOutput } from '../service/app-process.js';
import { freePort } from '../support/free-port.js';
import { type GitHubSimulator, type SimCheckRun, startGitHubSimulator } from '../support/github-simulator.js';
import { sarifSchemaProblems } from '../support/sarif-schema.js';

const MAIN = resolve('dist/action/main.js');
const APP_ID = 5150;
const SECRET = 'a-webhook-secret-of-32-characters';
/**
 * Offline: an unpinned base image (PC-DF-001, deny, and PC-DF-003, warn, on line 1) and an
 * ADD of a local file (PC-DF-004, warn, line 2, with a fix: a review suggestion).
 */
const DOCKERFILE = 'FROM node\nADD app.js /app/\nUSER 1000\nHEALTHCHECK NONE\n';
const TITLE = '1 deny, 2 warn, 0 info in 1 container file';

let dir: string;
let privateKey: string;
let github: GitHubSimulator;
let app: AppProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-action-'));
  ({ privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }));
  writeFileSync(join(dir, 'app.pem'), privateKey);
  github = await startGitHubSimulator({ appId: APP_ID, appKey: privateKey });
});

afterAll(async () => {
  await stopAll();
  await github?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A repository of its own installation, with a pull request adding DOCKERFILE. */
function pullRequest(account: string, installation: number) {
  const repo = `${account}/web`;
  github.installation(installation, account);
  github.repository(repo, { installation });
  const base = github.commit(repo, { 'README.md': '# web\n' }, { branch: 'main' });
  const head = github.change(repo, base, { Dockerfile: DOCKERFILE }, { branch: 'feature' });
  const pr = github.openPullRequest(repo, { head, headRef: 'feature', user: 'alice' });
  return { repo, installation, number: pr.number, base, head };
}

/** What GitHub hands a workflow as GITHUB_TOKEN: an installation token (here, of the simulator's App). */
async function workflowToken(installation: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iat: now - 30, exp: now + 300, iss: APP_ID })}`;
  const jwt = `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKey, 'base64url')}`;
  const response = await fetch(`${github.baseUrl}/app/installations/${installation}/access_tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${jwt}`, accept: 'application/vnd.github+json' },
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  output: string;
  step: string;
}

/** Runs the action's entry point as the runner would, in a step folder of its own. */
async function runStep(name: string, env: Record<string, string>, event: unknown): Promise<StepResult> {
  const step = join(dir, name);
  mkdirSync(step, { recursive: true });
  const files = {
    GITHUB_EVENT_PATH: join(step, 'event.json'),
    GITHUB_STEP_SUMMARY: join(step, 'summary.md'),
    GITHUB_OUTPUT: join(step, 'output'),
  };
  writeFileSync(files.GITHUB_EVENT_PATH, JSON.stringify(event));
  writeFileSync(files.GITHUB_STEP_SUMMARY, '');
  writeFileSync(files.GITHUB_OUTPUT, '');
  const child = spawn(process.execPath, [MAIN], {
    cwd: step,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: step,
      GITHUB_ACTIONS: 'true',
      GITHUB_API_URL: github.baseUrl,
      GITHUB_WORKSPACE: step,
      ...files,
      // The inputs as action.yml's defaults leave them, the runner passing each one.
      INPUT_CONFIG: '',
      'INPUT_FAIL-ON': '',
      INPUT_FORMAT: 'text',
      INPUT_BUILD: '',
      'INPUT_OFFLINE-DB': '',
      'INPUT_TRUST-POLICY': '',
      'INPUT_SARIF-FILE': '',
      // Registry look-ups would leave the machine; the static policies are what is judged here.
      PORTCULLIS_OFFLINE: '1',
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return {
    code,
    stdout,
    stderr,
    step,
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    output: readFileSync(files.GITHUB_OUTPUT, 'utf8'),
  };
}

/** What a check run shows, without what differs between two runs of it (ids, times, the repository's name). */
function shown(run: SimCheckRun | undefined, repo: string) {
  return {
    name: run?.name,
    status: run?.status,
    conclusion: run?.conclusion,
    title: run?.output.title,
    summary: run?.output.summary?.replaceAll(repo, 'REPO'),
    annotations: run?.annotations,
  };
}

function reviewOf(repo: string, number: number) {
  return {
    reviews: github.reviews(repo, number).map((r) => ({ state: r.state, body: r.body })),
    comments: github.comments(repo, number).map((c) => ({ path: c.path, line: c.line, body: c.body })),
  };
}

/** The real App (`node dist/main.js`) on the same simulator: what the action's pull request is compared with. */
async function startTheApp(): Promise<void> {
  const port = await freePort();
  app = startApp(dir, {
    APP_ID: String(APP_ID),
    PRIVATE_KEY_PATH: join(dir, 'app.pem'),
    WEBHOOK_SECRET: SECRET,
    ...github.appEnv(),
    PORTCULLIS_OFFLINE: '1',
    PORTCULLIS_DATA_DIR: join(dir, 'data'),
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  await waitForOutput(app, /Listening on/, 60_000);
  github.setWebhook(`http://127.0.0.1:${port}/api/github/webhooks`, SECRET);
}

it('on a pull request, leaves the same check run and review on GitHub as the App, and fails the step', async () => {
  await startTheApp();
  const byApp = pullRequest('app-twin', 7001);
  const delivery = await github.send(
    'pull_request',
    github.payloads.pullRequest(byApp.repo, byApp.number, 'opened'),
  );
  expect(delivery.status).toBe(200);
  await github.waitFor(
    () => github.reviews(byApp.repo, byApp.number).length > 0,
    60_000,
    `the App's review\n${app.output().slice(-2000)}`,
  );

  const byAction = pullRequest('action-twin', 7002);
  const result = await runStep(
    'pull-request',
    {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REPOSITORY: byAction.repo,
      GITHUB_SHA: byAction.head,
      'INPUT_GITHUB-TOKEN': await workflowToken(byAction.installation),
      'INPUT_SARIF-FILE': 'portcullis.sarif',
    },
    github.payloads.pullRequest(byAction.repo, byAction.number, 'opened'),
  );
  expect(result.stderr).toBe('');
  expect(result.code).toBe(1);

  const appRuns = github.checkRuns(byApp.repo, byApp.head);
  const actionRuns = github.checkRuns(byAction.repo, byAction.head);
  expect(actionRuns).toHaveLength(1);
  expect(shown(actionRuns[0], byAction.repo)).toEqual(shown(appRuns[0], byApp.repo));
  expect(actionRuns[0]).toMatchObject({ name: 'Portcullis', status: 'completed', conclusion: 'failure' });
  expect(
    actionRuns[0]?.annotations.map((a) => [a.start_line, a.annotation_level, a.title?.slice(0, 9)]),
  ).toEqual([
    [1, 'failure', 'PC-DF-001'],
    [1, 'warning', 'PC-DF-003'],
    [2, 'warning', 'PC-DF-004'],
  ]);
  const review = reviewOf(byAction.repo, byAction.number);
  expect(review).toEqual(reviewOf(byApp.repo, byApp.number));
  expect(review.comments.find((c) => c.line === 2)?.body).toContain('```suggestion\nCOPY app.js /app/\n```');

  // The check run holds the annotations: none again in the log. The summary and SARIF follow the same verdict.
  expect(result.stdout).not.toMatch(/^::error file=/m);
  expect(result.summary).toContain(`## Portcullis: ${TITLE} (failure)`);
  const sarifPath = join(result.step, 'portcullis.sarif');
  expect(result.output).toMatch(
    new RegExp(`^sarif-file<<(ghadelimiter_[0-9a-f-]+)\\n${sarifPath}\\n\\1\\n$`),
  );
  const sarif = JSON.parse(readFileSync(sarifPath, 'utf8'));
  expect(sarifSchemaProblems(sarif)).toEqual([]);
  expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toEqual([
    'PC-DF-001',
    'PC-DF-003',
    'PC-DF-004',
  ]);
  expect(github.problems()).toEqual([]);
}, 120_000);

it('with a token that may not write checks (a fork), reports through workflow commands and the job summary', async () => {
  const pr = pullRequest('fork-target', 7003);
  // GitHub's answer to a read-only GITHUB_TOKEN: 403 on every write.
  const refusedRun = github.fail({ operation: 'checks/create', status: 403 });
  const refusedReview = github.fail({ operation: 'pulls/create-review', status: 403 });
  try {
    const result = await runStep(
      'read-only',
      {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_REPOSITORY: pr.repo,
        GITHUB_SHA: pr.head,
        'INPUT_GITHUB-TOKEN': await workflowToken(pr.installation),
      },
      github.payloads.pullRequest(pr.repo, pr.number, 'opened'),
    );
    expect(result.code).toBe(1);
    expect(refusedRun.hits).toBe(1);
    expect(github.checkRuns(pr.repo, pr.head)).toEqual([]);
    // The same annotations the check run would have held, one workflow command each.
    const commands = result.stdout.split('\n').filter((line) => / file=/.test(line));
    expect(commands).toEqual([
      expect.stringMatching(
        /^::error file=Dockerfile,line=1,endLine=1,title=PC-DF-001%3A [^,:]+::Stage #0 uses "node"/,
      ),
      expect.stringMatching(/^::warning file=Dockerfile,line=1,endLine=1,title=PC-DF-003%3A [^,:]+::/),
      expect.stringMatching(
        /^::warning file=Dockerfile,line=2,endLine=2,title=PC-DF-004%3A [^,:]+::.+%0A%0ASuggested fix .*%0ACOPY app.js \/app\/$/,
      ),
    ]);
    expect(result.stdout).toMatch(/^::warning::The token may not write check runs/m);
    expect(result.summary).toContain(`## Portcullis: ${TITLE} (failure)`);
    expect(result.summary).toContain('<code>Dockerfile</code>');
    expect(result.output).toBe('');
  } finally {
    refusedRun.remove();
    refusedReview.remove();
  }
  github.takeProblems();
}, 60_000);

describe('on a push', () => {
  let workspace: string;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: workspace });

  beforeAll(() => {
    workspace = join(dir, 'workspace');
    mkdirSync(join(workspace, 'services/api'), { recursive: true });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(workspace, 'services/api/Dockerfile'), DOCKERFILE);
    writeFileSync(join(workspace, 'README.md'), '# api\n');
    git('add', '.');
    git('commit', '-q', '-m', 'first');
  });

  it('judges the whole checked-out repository: annotations, summary, SARIF, exit status', async () => {
    const head = git('rev-parse', 'HEAD').toString().trim();
    const result = await runStep(
      'push',
      {
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REPOSITORY: 'acme/api',
        GITHUB_SHA: head,
        GITHUB_WORKSPACE: workspace,
        'INPUT_SARIF-FILE': 'out.sarif',
        INPUT_FORMAT: 'json',
      },
      { before: '0'.repeat(40), after: head },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^::error file=services\/api\/Dockerfile,line=1,endLine=1,title=PC-DF-001%3A /m,
    );
    const json = result.stdout.slice(result.stdout.indexOf('{\n'));
    expect(JSON.parse(json).findings.map((f: { rule_id: string }) => f.rule_id)).toEqual([
      'PC-DF-001',
      'PC-DF-003',
      'PC-DF-004',
    ]);
    expect(result.summary).toContain(`## Portcullis: ${TITLE} (failure)`);
    expect(JSON.parse(readFileSync(join(workspace, 'out.sarif'), 'utf8')).runs[0].results).toHaveLength(3);
    expect(result.output).toContain(join(workspace, 'out.sarif'));
  }, 60_000);

  it('passes when the findings are below fail-on, fails when fail-on names their severity', async () => {
    writeFileSync(join(workspace, 'services/api/Dockerfile'), 'FROM node:20\nUSER 1000\nHEALTHCHECK NONE\n');
    const event = { before: '0'.repeat(40) };
    const env = { GITHUB_EVENT_NAME: 'push', GITHUB_WORKSPACE: workspace };
    const lenient = await runStep('push-lenient', env, event);
    expect(lenient.stdout).toMatch(/^::warning file=services\/api\/Dockerfile,line=1/m);
    expect(lenient.stdout).not.toMatch(/^::error/m);
    expect(lenient.code).toBe(0);
    const strict = await runStep('push-strict', { ...env, 'INPUT_FAIL-ON': 'deny,warn' }, event);
    expect(strict.code).toBe(1);
  }, 60_000);

  it('reads the configuration the config input names, and fails when it is missing', async () => {
    mkdirSync(join(workspace, 'ci'), { recursive: true });
    writeFileSync(join(workspace, 'ci/portcullis.yml'), 'fail_on: [deny, warn]\n');
    const env = { GITHUB_EVENT_NAME: 'push', GITHUB_WORKSPACE: workspace };
    const configured = await runStep('push-config', { ...env, INPUT_CONFIG: 'ci/portcullis.yml' }, {});
    expect(configured.summary).toContain('at deny or warn level block');
    expect(configured.code).toBe(1);
    const missing = await runStep('push-no-config', { ...env, INPUT_CONFIG: 'ci/nothing.yml' }, {});
    expect(missing.stdout).toMatch(
      /^::error::Portcullis could not finish: config: ci\/nothing.yml does not exist/m,
    );
    expect(missing.code).toBe(1);
  }, 60_000);
});
