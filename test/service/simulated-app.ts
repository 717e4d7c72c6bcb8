/**
 * The real App process (`node dist/main.js`) against the loopback GitHub simulator, for the
 * crash and fault tests: an App key the simulator checks JWTs against, pull requests spread
 * over installations of their own (GitHub's write throttle is per installation, so they
 * proceed in parallel, as in production), and the end state every test must reach, read
 * from the simulated GitHub rather than from what the App says.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port.js';
import { type GitHubSimulator, type SimCheckRun, startGitHubSimulator } from '../support/github-simulator.js';
import { type AppProcess, startApp, waitForOutput } from './app-process.js';

export const SECRET = 'a-webhook-secret-of-32-characters';
export const APP_ID = 4711;
export const CHECK = 'Portcullis';

/** One unpinned base image: one deny (PC-DF-001) on line 1, so a review with one comment. */
export const ONE_FINDING = { Dockerfile: 'FROM node\nUSER 1000\nHEALTHCHECK NONE\n' };

/** 30 unpinned stages: over 90 findings, so the check run's annotations take two batches. */
export const MANY_FINDINGS = {
  Dockerfile: `${Array.from({ length: 30 }, (_, i) => `FROM node AS stage${i}`).join('\n')}\n`,
};

export interface Harness {
  dir: string;
  github: GitHubSimulator;
  /** Variables every App of the harness gets. */
  baseEnv: Record<string, string>;
  close(): Promise<void>;
}

export async function simulatedGitHub(name: string): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), `portcullis-${name}-`));
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  writeFileSync(join(dir, 'app.pem'), privateKey);
  const github = await startGitHubSimulator({ appId: APP_ID, appKey: privateKey });
  return {
    dir,
    github,
    baseEnv: {
      APP_ID: String(APP_ID),
      PRIVATE_KEY_PATH: join(dir, 'app.pem'),
      WEBHOOK_SECRET: SECRET,
      HOST: '127.0.0.1',
      ...github.appEnv(),
      // Registry look-ups would leave the machine; the static policies are what is judged.
      PORTCULLIS_OFFLINE: '1',
      LOG_LEVEL: 'info',
    },
    async close() {
      await github.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RunningApp {
  app: AppProcess;
  port: number;
}

/**
 * Starts an App (web role or all) on a free port and points the simulator's webhooks at it.
 * Resolves once it listens: webhooks are taken from then on (jobs wait in the queue until
 * the worker starts, after the policies compiled).
 */
export async function startSimulatedApp(
  harness: Harness,
  env: Record<string, string>,
  options: { webhooks?: boolean } = {},
): Promise<RunningApp> {
  const port = await freePort();
  const app = startApp(harness.dir, { ...harness.baseEnv, ...env, PORT: String(port) });
  await waitForOutput(app, 'Listening on', 60_000);
  if (options.webhooks !== false)
    harness.github.setWebhook(`http://127.0.0.1:${port}/api/github/webhooks`, SECRET);
  return { app, port };
}

/** SIGKILL: no handler runs, nothing is flushed, as an out-of-memory kill or a lost node. */
export async function killHard(app: AppProcess): Promise<void> {
  app.child.kill('SIGKILL');
  expect(await app.exit).toBeNull();
  expect(app.child.signalCode).toBe('SIGKILL');
}

export interface OpenedPull {
  repo: string;
  installation: number;
  number: number;
  base: string;
  head: string;
}

/**
 * `count` pull requests, each in a repository of an installation of its own, changing the
 * given files on a README-only base. Not yet announced: see `announce`.
 */
export function openPulls(
  github: GitHubSimulator,
  prefix: string,
  count: number,
  files: Record<string, string>,
  firstInstallation: number,
): OpenedPull[] {
  return Array.from({ length: count }, (_, i) => {
    const installation = firstInstallation + i;
    const account = `${prefix}${i}`;
    const repo = `${account}/web`;
    github.installation(installation, account);
    github.repository(repo, { installation });
    const base = github.commit(repo, { 'README.md': `# ${account}\n` }, { branch: 'main' });
    const head = github.change(repo, base, files, { branch: 'feature' });
    const pr = github.openPullRequest(repo, { head, headRef: 'feature', user: 'alice' });
    return { repo, installation, number: pr.number, base, head };
  });
}

/** Sends each pull request's `opened` webhook; every one is acknowledged. */
export async function announce(github: GitHubSimulator, pulls: readonly OpenedPull[]): Promise<void> {
  const answers = await Promise.all(
    pulls.map((pr) => github.send('pull_request', github.payloads.pullRequest(pr.repo, pr.number, 'opened'))),
  );
  for (const answer of answers) expect(answer.status).toBe(200);
}

/** The App's `Portcullis` runs on the pull request's head. */
export function runsOf(github: GitHubSimulator, pr: OpenedPull, name = CHECK): SimCheckRun[] {
  return github.checkRuns(pr.repo, pr.head).filter((run) => run.name === name);
}

/** Our reviews on the head (a review of the App carries its marker). */
export function reviewsOf(github: GitHubSimulator, pr: OpenedPull) {
  return github.reviews(pr.repo, pr.number).filter((review) => review.commitId === pr.head);
}

/** Resolves when every pull request's run is completed and, when `reviewed`, its review posted. */
export function waitUntilConcluded(
  harness: Harness,
  pulls: readonly OpenedPull[],
  app: AppProcess | undefined,
  options: { reviewed?: boolean; timeoutMs?: number } = {},
): Promise<true> {
  const { github } = harness;
  const done = (pr: OpenedPull) =>
    runsOf(github, pr).some((run) => run.status === 'completed') &&
    (options.reviewed === false || reviewsOf(github, pr).length > 0);
  return github.waitFor(
    () => pulls.every(done),
    options.timeoutMs ?? 90_000,
    `${pulls.filter((pr) => !done(pr)).length} of ${pulls.length} pull requests to conclude${
      app ? `\n${app.output().slice(-3000)}` : ''
    }`,
  );
}

/**
 * Resolves when the App's queue is empty and no job runs (its /metrics): after that, nothing
 * more will be posted, so counting reviews and comments is final.
 */
export async function waitUntilIdle(running: RunningApp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  for (;;) {
    text = await (await fetch(`http://127.0.0.1:${running.port}/metrics`)).text();
    const busy = text
      .split('\n')
      .filter((line) => /^portcullis_jobs_(queued|running)\{/.test(line))
      .some((line) => !line.endsWith(' 0'));
    if (!busy) return;
    if (Date.now() > deadline)
      throw new Error(`the App did not go idle:\n${text}\n${running.app.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * What every test ends with on GitHub's side: each head has exactly one `Portcullis` run,
 * completed; nothing anywhere is left in progress; at most one review of ours per head and
 * no comment posted twice; every request the App made was valid.
 */
export function expectSettled(
  harness: Harness,
  pulls: readonly OpenedPull[],
  options: { review?: 'one' | 'none' | 'any' } = {},
): void {
  const { github } = harness;
  for (const pr of pulls) {
    const runs = runsOf(github, pr);
    expect(runs.map((run) => [pr.repo, run.status])).toEqual([[pr.repo, 'completed']]);
    const reviews = reviewsOf(github, pr).length;
    if (options.review === 'one') expect([pr.repo, reviews]).toEqual([pr.repo, 1]);
    if (options.review === 'none') expect([pr.repo, reviews]).toEqual([pr.repo, 0]);
    if (options.review === undefined || options.review === 'any') expect(reviews).toBeLessThanOrEqual(1);
    const comments = github
      .comments(pr.repo, pr.number)
      .map((c) => `${c.path}:${c.line}:${c.body.slice(0, 60)}`);
    expect(new Set(comments).size).toBe(comments.length);
  }
  const open = [...github.state.checkRuns.values()].filter((run) => run.status !== 'completed');
  expect(open.map((run) => `${run.repo}@${run.headSha.slice(0, 7)} ${run.name} ${run.status}`)).toEqual([]);
  expect(github.problems()).toEqual([]);
}

/** The annotations of a run, as text, to tell a duplicate. */
export function annotationKeys(run: SimCheckRun | undefined): string[] {
  return (run?.annotations ?? []).map((a) => `${a.path}:${a.start_line}:${a.title}`);
}
