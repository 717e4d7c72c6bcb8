/**
 * Crash safety of the real App process (`node dist/main.js`) against the loopback GitHub:
 * `kill -9` with pull requests in flight, at a step the simulator holds it on (a request that
 * never answers, so the kill lands there every time, never by timing), then a restart on the
 * same store, and GitHub's state afterwards: one `Portcullis` run per head, completed; one
 * review where findings warrant one; no comment or annotation twice; and a job whose process
 * died under it on every attempt concluded as failed, saying why.
 *
 * The embedded store (SQLite in PORTCULLIS_DATA_DIR) takes back, on open, the jobs of the
 * process that died; on Redis, a second worker takes a dead worker's jobs once their lock
 * expires (PORTCULLIS_REDIS_LOCK_SECONDS).
 */
import { join } from 'node:path';
import type { Fault } from '../support/github-simulator.js';
import { type RedisServer, startRedis } from '../support/redis.js';
import { describeWithTools } from '../support/required-tools.js';
import { exitWithin, stopAll, waitForOutput } from './app-process.js';
import {
  annotationKeys,
  announce,
  expectSettled,
  type Harness,
  killHard,
  MANY_FINDINGS,
  ONE_FINDING,
  type OpenedPull,
  openPulls,
  reviewsOf,
  runsOf,
  simulatedGitHub,
  startSimulatedApp,
  waitUntilConcluded,
  waitUntilIdle,
} from './simulated-app.js';

let harness: Harness;
beforeAll(async () => {
  harness = await simulatedGitHub('crash');
});
afterAll(async () => {
  await stopAll();
  await harness?.close();
});
afterEach(() => harness.github.heal());

/** Holds every request of `operation`: none is answered until the fault is removed. */
function holdAt(operation: string): Fault {
  return harness.github.fail({ operation, hang: true });
}

/** Resolves once `count` requests are held: the kill lands at that step, never by timing. */
async function held(fault: Fault, count: number, what: string): Promise<void> {
  await harness.github.waitFor(() => fault.hits >= count, 90_000, `${count} jobs held at ${what}`);
}

describe('the embedded store: kill -9, restart on the same data dir', () => {
  it('20 pull requests in flight, killed after the check runs were created: each concludes once, reviewed once', async () => {
    const dataDir = join(harness.dir, 'after-create');
    const env = { PORTCULLIS_DATA_DIR: dataDir, PORTCULLIS_WORKER_CONCURRENCY: '4' };
    const pulls = openPulls(harness.github, 'created', 20, ONE_FINDING, 100);
    // The first request after the (already completed) check run is created: the review's look
    // at the comments already there.
    const hold = holdAt('pulls/list-review-comments');
    const first = await startSimulatedApp(harness, env);
    await announce(harness.github, pulls);
    await held(hold, 4, 'the review');
    await killHard(first.app);
    // Four runs exist, concluded in one request; no review yet; sixteen never started.
    const created = pulls.filter((pr) => runsOf(harness.github, pr).length > 0);
    expect(created).toHaveLength(4);
    for (const pr of created) expect(runsOf(harness.github, pr)[0]?.status).toBe('completed');
    expect(pulls.filter((pr) => reviewsOf(harness.github, pr).length > 0)).toEqual([]);
    const before = new Map(created.map((pr) => [pr.repo, annotationKeys(runsOf(harness.github, pr)[0])]));

    hold.remove();
    const second = await startSimulatedApp(harness, env);
    await waitForOutput(second.app, /Job queue \(embedded\): 20 waiting/);
    await waitUntilConcluded(harness, pulls, second.app);
    await waitUntilIdle(second);
    expectSettled(harness, pulls, { review: 'one' });
    // The run judged again was updated, its annotations not sent twice.
    for (const pr of created)
      expect(annotationKeys(runsOf(harness.github, pr)[0])).toEqual(before.get(pr.repo));
    expect(second.app.child.exitCode).toBeNull();
    await killHard(second.app);
  });

  it('killed between annotation batches: the run keeps each annotation once and concludes', async () => {
    const dataDir = join(harness.dir, 'between-batches');
    const env = { PORTCULLIS_DATA_DIR: dataDir, PORTCULLIS_WORKER_CONCURRENCY: '2' };
    const pulls = openPulls(harness.github, 'batches', 3, MANY_FINDINGS, 200);
    // The run is created with the first 50 annotations; the next batch is an update.
    const hold = holdAt('checks/update');
    const first = await startSimulatedApp(harness, env);
    await announce(harness.github, pulls);
    await held(hold, 2, 'the second annotation batch');
    await killHard(first.app);
    const killed = pulls.filter((pr) => runsOf(harness.github, pr).length > 0);
    expect(killed).toHaveLength(2);
    for (const pr of killed) expect(runsOf(harness.github, pr)[0]?.annotations).toHaveLength(50);

    hold.remove();
    const second = await startSimulatedApp(harness, env);
    await waitUntilConcluded(harness, pulls, second.app);
    await waitUntilIdle(second);
    expectSettled(harness, pulls, { review: 'one' });
    // The pull request never killed is the reference: the same 92 annotations, each once.
    const [reference] = pulls.filter((pr) => !killed.includes(pr)).map((pr) => runsOf(harness.github, pr)[0]);
    const expected = annotationKeys(reference);
    expect(expected.length).toBeGreaterThan(50);
    for (const pr of killed) expect(annotationKeys(runsOf(harness.github, pr)[0])).toEqual(expected);
    await killHard(second.app);
  });

  it('killed before the review: one review per head after the restart', async () => {
    const dataDir = join(harness.dir, 'before-review');
    const env = { PORTCULLIS_DATA_DIR: dataDir, PORTCULLIS_WORKER_CONCURRENCY: '3' };
    const pulls = openPulls(harness.github, 'review', 5, ONE_FINDING, 300);
    // The last read before the review is posted: whether this head has one already.
    const hold = holdAt('pulls/list-reviews');
    const first = await startSimulatedApp(harness, env);
    await announce(harness.github, pulls);
    await held(hold, 3, 'the review');
    await killHard(first.app);
    expect(pulls.filter((pr) => reviewsOf(harness.github, pr).length > 0)).toEqual([]);

    hold.remove();
    const second = await startSimulatedApp(harness, env);
    await waitUntilConcluded(harness, pulls, second.app);
    await waitUntilIdle(second);
    expectSettled(harness, pulls, { review: 'one' });
    await killHard(second.app);
  });

  it('killed during a build at every attempt: the in-progress run concludes as failed, saying why', async () => {
    // A real build step: PORTCULLIS_BUILD=1 and a trusted author, so the check shows an
    // in-progress run ("Building 1 of 1 images…") and then downloads the head's tarball for
    // buildah; the simulator holds that download, so the kill lands inside the build step
    // (buildah itself never starts, which keeps the test fast and independent of images).
    const dataDir = join(harness.dir, 'during-build');
    const env = {
      PORTCULLIS_DATA_DIR: dataDir,
      PORTCULLIS_BUILD: '1',
      PORTCULLIS_BUILD_DIR: join(harness.dir, 'builds'),
      PORTCULLIS_JOB_ATTEMPTS: '2',
    };
    const pulls = openPulls(harness.github, 'build', 2, ONE_FINDING, 400);
    for (const pr of pulls) harness.github.collaborator(pr.repo, 'alice', 'write');
    const hold = holdAt('repos/download-tarball-archive');

    const first = await startSimulatedApp(harness, env);
    await announce(harness.github, pulls);
    await held(hold, 2, 'the build');
    for (const pr of pulls)
      expect(runsOf(harness.github, pr).map((run) => [run.status, run.output.title])).toEqual([
        ['in_progress', 'Building 1 of 1 images…'],
      ]);
    await killHard(first.app);

    // The second attempt finds its run (no second one) and dies at the same step.
    const second = await startSimulatedApp(harness, env);
    await held(hold, 4, 'the build, again');
    await killHard(second.app);
    for (const pr of pulls) expect(runsOf(harness.github, pr)).toHaveLength(1);

    // No attempt left: the third start concludes the runs instead of building again.
    hold.remove();
    const third = await startSimulatedApp(harness, env);
    await waitUntilConcluded(harness, pulls, third.app, { reviewed: false });
    await waitUntilIdle(third);
    expectSettled(harness, pulls, { review: 'none' });
    for (const pr of pulls) {
      const [run] = runsOf(harness.github, pr);
      expect(run).toMatchObject({ conclusion: 'failure', output: { title: 'Portcullis could not finish' } });
      expect(run?.output.summary).toContain('after 2 attempts');
      expect(run?.output.summary).toContain(
        "The job's process stopped while it ran (killed or crashed), 2 times",
      );
      expect(run?.output.summary).toContain('Re-run');
    }
    expect(harness.github.requests((r) => r.operationId === 'repos/download-tarball-archive')).toHaveLength(
      4,
    );
    await killHard(third.app);
  });
});

describe('SIGTERM with jobs in flight', () => {
  it('exits 0 after the deadline: a job that finishes in time is done, a held one goes back and concludes after the restart', async () => {
    const dataDir = join(harness.dir, 'sigterm');
    const env = {
      PORTCULLIS_DATA_DIR: dataDir,
      PORTCULLIS_WORKER_CONCURRENCY: '2',
      PORTCULLIS_SHUTDOWN_TIMEOUT_SECONDS: '5',
    };
    const pulls = openPulls(harness.github, 'term', 4, ONE_FINDING, 500);
    // One job held for good, one slowed by a second: both running when the signal comes.
    const hang = harness.github.fail({ operation: 'pulls/list-review-comments', hang: true, times: 1 });
    const slow = harness.github.fail({ operation: 'pulls/list-review-comments', delayMs: 1000, times: 1 });
    const first = await startSimulatedApp(harness, env);
    await announce(harness.github, pulls);
    await held(hang, 1, 'the review');
    await held(slow, 1, 'the slowed review');
    first.app.child.kill('SIGTERM');
    expect(await exitWithin(first.app, 30_000)).toBe(0);
    // The slowed job finished within the deadline; the held one and those waiting did not run.
    const reviewed = pulls.filter((pr) => reviewsOf(harness.github, pr).length > 0);
    expect(reviewed).toHaveLength(1);
    expect(first.app.output()).toContain('Job returned to the queue by the shutdown');

    const second = await startSimulatedApp(harness, env);
    await waitForOutput(second.app, /Job queue \(embedded\): 3 waiting/);
    await waitUntilConcluded(harness, pulls, second.app);
    await waitUntilIdle(second);
    expectSettled(harness, pulls, { review: 'one' });
    second.app.child.kill('SIGTERM');
    expect(await exitWithin(second.app, 30_000)).toBe(0);
  });
});

describeWithTools(['redis-server'], 'Redis: a web process and two workers', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await stopAll();
    await redis?.stop();
  });

  it('kill -9 of a worker mid-job: the other worker takes the job once its lock expires, and the check concludes', async () => {
    const common = {
      REDIS_URL: redis.url,
      // A dead worker's jobs are taken back within about twice this.
      PORTCULLIS_REDIS_LOCK_SECONDS: '2',
      PORTCULLIS_SHUTDOWN_TIMEOUT_SECONDS: '2',
    };
    const pulls: OpenedPull[] = openPulls(harness.github, 'redis', 3, ONE_FINDING, 600);
    const web = await startSimulatedApp(harness, { ...common, PORTCULLIS_ROLE: 'web' });
    const doomed = await startSimulatedApp(
      harness,
      { ...common, PORTCULLIS_ROLE: 'worker' },
      { webhooks: false },
    );
    // Only the first worker's two jobs are held; the survivor's requests go through.
    const hold = harness.github.fail({ operation: 'pulls/list-reviews', hang: true, times: 2 });
    await announce(harness.github, pulls);
    await held(hold, 2, 'the review');
    const survivor = await startSimulatedApp(
      harness,
      { ...common, PORTCULLIS_ROLE: 'worker' },
      { webhooks: false },
    );
    await waitForOutput(survivor.app, /"msg":"Job queue \(redis\)/);
    await killHard(doomed.app);

    await waitUntilConcluded(harness, pulls, survivor.app, { timeoutMs: 60_000 });
    await waitUntilIdle(survivor);
    expectSettled(harness, pulls, { review: 'one' });
    // The two jobs held in the dead worker ran again in the survivor, their stall counted; the
    // third too when the kill caught it before its end (it is not held, so that is a race).
    const rerun = survivor.app.output().match(/"msg":"Job started \(attempt 2\)"/g) ?? [];
    expect(rerun.length).toBeGreaterThanOrEqual(2);
    expect(rerun.length).toBeLessThanOrEqual(3);
    for (const running of [web, survivor]) {
      running.app.child.kill('SIGTERM');
      expect(await exitWithin(running.app, 30_000)).toBe(0);
    }
  });
});
