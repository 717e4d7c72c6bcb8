/**
 * GitHub's faults, injected by the loopback simulator, against the real App process
 * (`node dist/main.js`, embedded store): failed and refused writes, rate limits, a call that
 * never answers, a reset connection, odd but validly signed payloads, redeliveries and a
 * quick second push. Each test has installations of its own (GitHub's throttle and rate
 * limits are per installation) and ends with every check run concluded, every request valid
 * against GitHub's description, and the one App process still up.
 */
import { join } from 'node:path';
import { stopAll, waitForOutput } from './app-process.js';
import {
  announce,
  expectSettled,
  type Harness,
  ONE_FINDING,
  openPulls,
  type RunningApp,
  reviewsOf,
  runsOf,
  simulatedGitHub,
  startSimulatedApp,
  waitUntilConcluded,
  waitUntilIdle,
} from './simulated-app.js';

let harness: Harness;
let running: RunningApp;
let nextInstallation = 1000;
/** Installations (and their accounts) of their own for each test. */
const pullsFor = (prefix: string, count = 1, files: Record<string, string> = ONE_FINDING) => {
  const pulls = openPulls(harness.github, prefix, count, files, nextInstallation);
  nextInstallation += count;
  return pulls;
};

beforeAll(async () => {
  harness = await simulatedGitHub('faults');
  running = await startSimulatedApp(harness, {
    PORTCULLIS_DATA_DIR: join(harness.dir, 'data'),
    PORTCULLIS_WORKER_CONCURRENCY: '4',
    // A hung call ends after this, and is tried again.
    PORTCULLIS_GITHUB_TIMEOUT_SECONDS: '2',
    PORTCULLIS_JOB_ATTEMPTS: '2',
  });
});
afterAll(async () => {
  await stopAll();
  await harness?.close();
});
afterEach(async () => {
  harness.github.heal();
  // Whatever a test did, the process is still up and nothing is left in progress.
  expect(running.app.child.exitCode).toBeNull();
  expect(running.app.child.signalCode).toBeNull();
  await waitUntilIdle(running);
  expect([...harness.github.state.checkRuns.values()].filter((run) => run.status !== 'completed')).toEqual(
    [],
  );
  expect(harness.github.takeProblems()).toEqual([]);
});

/** A counter or gauge of /metrics, summed over the series whose labels include `labels`. */
async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${running.port}/metrics`)).text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => wanted.every((label) => line.includes(label)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** The requests of one installation for an operation, by status (0: no answer). */
function statuses(installation: number, operation: string): (number | string)[] {
  return harness.github
    .requests((r) => r.installation === installation && r.operationId === operation)
    .map((r) => r.fault ?? r.status);
}

describe('failed writes', () => {
  it('a 500 on creating the check run, then success: one run, concluded, reviewed', async () => {
    const pulls = pullsFor('create500');
    const [pr] = pulls;
    harness.github.fail({
      operation: 'checks/create',
      installation: pr?.installation,
      status: 500,
      times: 1,
    });
    await announce(harness.github, pulls);
    await waitUntilConcluded(harness, pulls, running.app);
    await waitUntilIdle(running);
    expectSettled(harness, pulls, { review: 'one' });
    expect(runsOf(harness.github, pulls[0] as (typeof pulls)[0])[0]?.conclusion).toBe('failure');
    expect(statuses(pr?.installation ?? 0, 'checks/create')).toEqual(['status 500', 201]);
  });

  it('creating the run refused on every attempt: when attempts run out, a failed run says why', async () => {
    // 403 (the App lacks checks:write) is not retried inside a request; each attempt tries
    // its report and then a report of the refusal: four refusals over two attempts. The
    // exhausted job's own run is the first create that gets through.
    const pulls = pullsFor('createRefused');
    const installation = pulls[0]?.installation ?? 0;
    harness.github.fail({ operation: 'checks/create', installation, status: 403, times: 4 });
    await announce(harness.github, pulls);
    await waitUntilConcluded(harness, pulls, running.app, { reviewed: false });
    await waitUntilIdle(running);
    expectSettled(harness, pulls, { review: 'none' });
    const [run] = runsOf(harness.github, pulls[0] as (typeof pulls)[0]);
    expect(run).toMatchObject({ conclusion: 'failure', output: { title: 'Portcullis could not finish' } });
    expect(run?.output.summary).toContain('after 2 attempts');
    expect(statuses(installation, 'checks/create')).toEqual([...Array(4).fill('status 403'), 201]);
  });

  it('when even the failed run cannot be created, the conclusion is kept in the store and made later', async () => {
    // Four refusals over two attempts, and a fifth when the exhausted job reports itself:
    // a `conclude` job is queued and creates the failed run on its next try (5 s later).
    const pulls = pullsFor('concludeLater');
    const installation = pulls[0]?.installation ?? 0;
    harness.github.fail({ operation: 'checks/create', installation, status: 403, times: 5 });
    await announce(harness.github, pulls);
    await waitUntilConcluded(harness, pulls, running.app, { reviewed: false });
    await waitUntilIdle(running);
    expectSettled(harness, pulls, { review: 'none' });
    const [run] = runsOf(harness.github, pulls[0] as (typeof pulls)[0]);
    expect(run).toMatchObject({ conclusion: 'failure', output: { title: 'Portcullis could not finish' } });
    expect(run?.output.summary).toContain('after 2 attempts');
    expect(statuses(installation, 'checks/create')).toEqual([...Array(5).fill('status 403'), 201]);
  });

  it('a failed completion is retried until it lands', async () => {
    // A secondary rate limit after the run is created sends the job back (no attempt used);
    // its rerun finds the run and completes it with an update, which fails twice first.
    const pulls = pullsFor('patch');
    const installation = pulls[0]?.installation ?? 0;
    harness.github.fail({
      operation: 'pulls/list-review-comments',
      installation,
      rateLimit: 'secondary',
      retryAfter: 1,
      times: 1,
    });
    harness.github.fail({ operation: 'checks/update', installation, status: 502, times: 2 });
    await announce(harness.github, pulls);
    await waitUntilConcluded(harness, pulls, running.app);
    await waitUntilIdle(running);
    expectSettled(harness, pulls, { review: 'one' });
    expect(statuses(installation, 'checks/create')).toEqual([201]);
    expect(statuses(installation, 'checks/update')).toEqual(['status 502', 'status 502', 200]);
    const [run] = runsOf(harness.github, pulls[0] as (typeof pulls)[0]);
    expect(run?.conclusion).toBe('failure');
    // The rerun sent no annotation the first attempt had sent.
    expect(new Set(run?.annotations.map((a) => a.title)).size).toBe(run?.annotations.length);
  });
});

describe('rate limits delay jobs, never fail them', () => {
  it.each([
    ['secondary', 'checks/create'],
    ['primary', 'pulls/list-files'],
  ] as const)(
    'a %s rate limit (on %s): the job is delayed, the check concludes, the wait is counted',
    async (kind, operation) => {
      const pulls = pullsFor(`rate${kind}`);
      const installation = pulls[0]?.installation ?? 0;
      const waits = await metric('portcullis_github_rate_limit_waits_total', { kind });
      const delayed = await metric('portcullis_jobs_total', { outcome: 'delayed' });
      const failed = await metric('portcullis_jobs_total', { outcome: 'retrying' });
      harness.github.fail({ operation, installation, rateLimit: kind, retryAfter: 1, times: 1 });
      await announce(harness.github, pulls);
      await waitUntilConcluded(harness, pulls, running.app);
      await waitUntilIdle(running);
      expectSettled(harness, pulls, { review: 'one' });
      expect(statuses(installation, operation)[0]).toBe(`${kind} rate limit`);
      expect(await metric('portcullis_github_rate_limit_waits_total', { kind })).toBe(waits + 1);
      expect(await metric('portcullis_jobs_total', { outcome: 'delayed' })).toBe(delayed + 1);
      expect(await metric('portcullis_jobs_total', { outcome: 'retrying' })).toBe(failed);
    },
  );
});

describe('calls that go wrong on the way', () => {
  it('a hung call ends by PORTCULLIS_GITHUB_TIMEOUT_SECONDS and the job still concludes', async () => {
    const pulls = pullsFor('hung');
    const installation = pulls[0]?.installation ?? 0;
    harness.github.fail({ operation: 'pulls/list-files', installation, hang: true, times: 1 });
    await announce(harness.github, pulls);
    await waitUntilConcluded(harness, pulls, running.app);
    await waitUntilIdle(running);
    expectSettled(harness, pulls, { review: 'one' });
    const calls = harness.github.requests(
      (r) => r.installation === installation && r.operationId === 'pulls/list-files',
    );
    expect(calls.map((r) => r.fault ?? r.status)).toEqual(['hang', 200]);
    // Abandoned after the 2 s timeout, then tried again after plugin-retry's wait.
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(2000);
  });

  it('a connection reset on creating the run: retried, one run', async () => {
    const pulls = pullsFor('reset');
    const installation = pulls[0]?.installation ?? 0;
    harness.github.fail({ operation: 'checks/create', installation, reset: true, times: 1 });
    await announce(harness.github, pulls);
    await waitUntilConcluded(harness, pulls, running.app);
    await waitUntilIdle(running);
    expectSettled(harness, pulls, { review: 'one' });
    expect(statuses(installation, 'checks/create')).toEqual(['reset', 201]);
  });

  it('a 422 on the review leaves the check’s verdict alone and says so on the run', async () => {
    const pulls = pullsFor('review422');
    const installation = pulls[0]?.installation ?? 0;
    harness.github.fail({ operation: 'pulls/create-review', installation, status: 422 });
    await announce(harness.github, pulls);
    const pr = pulls[0] as (typeof pulls)[0];
    await harness.github.waitFor(
      () => runsOf(harness.github, pr)[0]?.output.summary?.includes('could not be posted'),
      60_000,
      'the note on the run',
    );
    await waitUntilIdle(running);
    expectSettled(harness, pulls, { review: 'none' });
    expect(runsOf(harness.github, pr)[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(statuses(installation, 'pulls/create-review')).toEqual(['status 422']);
  });
});

describe('deliveries', () => {
  it('payloads with pull_requests null or no installation: answered, logged, dropped; the next pull request is checked', async () => {
    const [pr] = pullsFor('odd');
    if (!pr) throw new Error('no pull request');
    const dropped = await metric('portcullis_webhooks_total', { result: 'dropped' });
    const suite = harness.github.payloads.checkSuite(pr.repo, pr.head, 'rerequested') as Record<
      string,
      { pull_requests?: unknown }
    >;
    (suite.check_suite as { pull_requests: unknown }).pull_requests = null;
    const opened = harness.github.payloads.pullRequest(pr.repo, pr.number, 'opened') as Record<
      string,
      unknown
    >;
    delete opened.installation;
    for (const [event, payload] of [
      ['check_suite', suite],
      ['pull_request', opened],
    ] as const) {
      const answer = await harness.github.send(event, payload);
      expect([200, 202]).toContain(answer.status);
    }
    expect(await metric('portcullis_webhooks_total', { result: 'dropped' })).toBe(dropped + 2);
    // The metric is read over HTTP; the log line comes through the process's stdout and may
    // still be on its way (seen on a loaded machine).
    await waitForOutput(running.app, '(check_suite.rerequested): check_suite.pull_requests', 10_000);
    await waitForOutput(running.app, '(pull_request.opened): installation.id', 10_000);
    expect(runsOf(harness.github, pr)).toEqual([]);

    await announce(harness.github, [pr]);
    await waitUntilConcluded(harness, [pr], running.app);
    await waitUntilIdle(running);
    expectSettled(harness, [pr], { review: 'one' });
  });

  it('the same delivery three times at once: one check run, one review', async () => {
    const [pr] = pullsFor('thrice');
    if (!pr) throw new Error('no pull request');
    const payload = harness.github.payloads.pullRequest(pr.repo, pr.number, 'opened');
    const answers = await Promise.all(
      [1, 2, 3].map(() => harness.github.send('pull_request', payload, { deliveryId: 'thrice-delivery' })),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await waitUntilConcluded(harness, [pr], running.app);
    await waitUntilIdle(running);
    expectSettled(harness, [pr], { review: 'one' });
    expect(await metric('portcullis_webhooks_total', { result: 'duplicate' })).toBeGreaterThanOrEqual(2);
  });

  it('two quick pushes: the older head gets no verdict and no review; the newer head’s review is the only one', async () => {
    const [pr] = pullsFor('pushes');
    if (!pr) throw new Error('no pull request');
    const { github } = harness;
    const older = github.change(pr.repo, pr.head, {
      Dockerfile: 'FROM python\nUSER 1000\nHEALTHCHECK NONE\n',
    });
    const newer = github.change(pr.repo, older, { Dockerfile: 'FROM ruby\nUSER 1000\nHEALTHCHECK NONE\n' });
    // Both pushes land before the App reads the pull request, as when GitHub's deliveries trail.
    github.push(pr.repo, pr.number, older);
    const first = github.payloads.pullRequest(pr.repo, pr.number, 'synchronize', { before: pr.head });
    github.push(pr.repo, pr.number, newer);
    const second = github.payloads.pullRequest(pr.repo, pr.number, 'synchronize', { before: older });
    expect((await github.send('pull_request', first)).status).toBe(200);
    expect((await github.send('pull_request', second)).status).toBe(200);
    const latest = { ...pr, head: newer };
    await waitUntilConcluded(harness, [latest], running.app);
    await waitUntilIdle(running);
    expectSettled(harness, [latest], { review: 'one' });
    expect(runsOf(github, latest)[0]?.conclusion).toBe('failure');
    // The older head's job was replaced before it ran, or ran and concluded as superseded.
    const olderRuns = github.checkRuns(pr.repo, older);
    expect(olderRuns.length).toBeLessThanOrEqual(1);
    for (const run of olderRuns)
      expect(run).toMatchObject({
        status: 'completed',
        conclusion: 'neutral',
        output: { title: 'Superseded by a newer commit' },
      });
    expect(github.reviews(pr.repo, pr.number).map((r) => r.commitId)).toEqual([newer]);
    expect(reviewsOf(github, latest)).toHaveLength(1);
  });
});
