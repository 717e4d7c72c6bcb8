/**
 * The WorkQueue contract (src/queue/work-queue.ts), one suite run against both back-ends:
 * the embedded SQLite store and BullMQ on a real redis-server. Crashes are real: a worker
 * process (crash-worker.mjs, on the built dist/) is killed with SIGKILL while it runs a job.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessDiedUnderJob } from '../../src/queue/attempts.js';
import type { Job, JobRequest } from '../../src/queue/job.js';
import { type RedisQueueOptions, RedisWorkQueue } from '../../src/queue/redis-queue.js';
import {
  JobStoreUnavailable,
  type SqliteQueueOptions,
  SqliteWorkQueue,
} from '../../src/queue/sqlite-queue.js';
import {
  type JobControl,
  type JobOutcome,
  RetryLater,
  type WorkerOptions,
  type WorkQueue,
} from '../../src/queue/work-queue.js';
import { PROJECT_ROOT } from '../../src/tools.js';
import { type RedisServer, startRedis } from '../support/redis.js';
import { describeWithTools, type RequiredTool } from '../support/required-tools.js';

interface Tuning {
  maxAttempts?: number;
  backoffMs?: number;
}

interface Backend {
  name: string;
  tools: RequiredTool[];
  start(): Promise<void>;
  finish(): Promise<void>;
  /** A new, empty store for the next test. */
  fresh(): void;
  /** A queue on the current store (embedded: close the previous one first: one process per folder). */
  open(tuning?: Tuning): WorkQueue;
  /** Constructor options of the same store for crash-worker.mjs. */
  childOptions(tuning?: Tuning): object;
  /** How two workers share one store: embedded, one process with two slots; Redis, two queues. */
  twoWorkers(tuning?: Tuning): { queues: WorkQueue[]; concurrency: number };
}

let dataRoot = '';
let dataDir = '';
const embedded: Backend = {
  name: 'embedded (SQLite)',
  tools: [],
  async start() {
    dataRoot = mkdtempSync(join(tmpdir(), 'portcullis-queue-'));
  },
  async finish() {
    rmSync(dataRoot, { recursive: true, force: true });
  },
  fresh() {
    dataDir = mkdtempSync(join(dataRoot, 'store-'));
  },
  open(tuning = {}) {
    return new SqliteWorkQueue(this.childOptions(tuning) as SqliteQueueOptions);
  },
  childOptions(tuning = {}): SqliteQueueOptions {
    return { dataDir, maxAttempts: tuning.maxAttempts ?? 3, backoffMs: tuning.backoffMs ?? 20 };
  },
  twoWorkers(tuning) {
    return { queues: [this.open(tuning)], concurrency: 2 };
  },
};

let redis: RedisServer | undefined;
let queueName = '';
let queueCount = 0;
const onRedis: Backend = {
  name: 'Redis (BullMQ)',
  tools: ['redis-server'],
  async start() {
    redis = await startRedis();
  },
  async finish() {
    await redis?.stop();
  },
  fresh() {
    queueName = `contract-${++queueCount}`;
  },
  open(tuning = {}) {
    return new RedisWorkQueue(this.childOptions(tuning) as RedisQueueOptions);
  },
  childOptions(tuning = {}): RedisQueueOptions {
    return {
      url: redis?.url,
      queueName,
      maxAttempts: tuning.maxAttempts ?? 3,
      backoffMs: tuning.backoffMs ?? 20,
      // Short, so that a killed worker's job is found stalled within seconds.
      lockDurationMs: 1500,
      stalledIntervalMs: 300,
      headRetryMs: 50,
    };
  },
  twoWorkers(tuning) {
    return { queues: [this.open(tuning), this.open(tuning)], concurrency: 1 };
  },
};

let deliveries = 0;
function request(overrides: Partial<JobRequest> = {}): JobRequest {
  return {
    kind: 'check',
    installationId: 7,
    owner: 'acme',
    repo: 'web',
    pullNumbers: [1],
    headSha: 'a'.repeat(40),
    baseSha: 'b'.repeat(40),
    deliveryId: `delivery-${++deliveries}-${Date.now()}`,
    ...overrides,
  };
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What a worker saw: every handler call and every settled attempt. */
function recorder(handle: (job: Job, control: JobControl) => Promise<void> = async () => {}) {
  const calls: Job[] = [];
  const outcomes: [string, JobOutcome][] = [];
  const exhausted: { job: Job; error: unknown }[] = [];
  const options = (concurrency = 1): WorkerOptions => ({
    concurrency,
    async handler(job, control) {
      calls.push({ ...job });
      await handle(job, control);
    },
    async onExhausted(job, error) {
      exhausted.push({ job: { ...job }, error });
    },
    onSettled(job, outcome) {
      outcomes.push([job.id, outcome]);
    },
  });
  return { calls, outcomes, exhausted, options };
}

/** crash-worker.mjs on the current store: resolves once it runs a job, with that job's id and attempt. */
async function crashWorker(backend: Backend, tuning?: Tuning) {
  const script = join(PROJECT_ROOT, 'test/queue/crash-worker.mjs');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      script,
      JSON.stringify({
        backend: backend === embedded ? 'embedded' : 'redis',
        options: backend.childOptions(tuning),
      }),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let output = '';
  const running = await new Promise<{ id: string; attempt: number }>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running (\S+) (\d+)/.exec(output);
      if (match) resolve({ id: match[1] as string, attempt: Number(match[2]) });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`crash worker exited (${code}) before running a job:\n${output}`)),
    );
  });
  return {
    ...running,
    /** A real crash: no handler, no finally, no goodbye to the store. */
    kill: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

const children: ChildProcess[] = [];
const opened: WorkQueue[] = [];

for (const backend of [embedded, onRedis]) {
  describeWithTools(backend.tools, `WorkQueue contract: ${backend.name}`, () => {
    const open = (tuning?: Tuning) => {
      const queue = backend.open(tuning);
      opened.push(queue);
      return queue;
    };
    /** Stops and closes a queue, so the embedded store can be opened again. */
    const close = async (queue: WorkQueue) => {
      await queue.stop(0);
      await queue.close();
    };

    beforeAll(() => backend.start());
    afterAll(async () => {
      await backend.finish();
    });
    beforeEach(() => backend.fresh());
    afterEach(async () => {
      for (const child of children.splice(0))
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const queue of opened.splice(0)) await close(queue);
    });

    it('drops a delivery it has seen, also after a restart', async () => {
      const first = request();
      let queue = open();
      expect(await queue.enqueue(first)).toBe('queued');
      expect(await queue.enqueue({ ...first, headSha: 'c'.repeat(40) })).toBe('duplicate');
      await close(queue);
      queue = open();
      expect(await queue.enqueue(first)).toBe('duplicate');
      const seen = recorder();
      queue.work(seen.options());
      await queue.idle();
      expect(seen.calls.map((job) => job.deliveryId)).toEqual([first.deliveryId]);
      expect(seen.calls[0]).toMatchObject({ ...first, attempt: 1 });
    });

    it('replaces a waiting job with the same coalesce key; the newer one is placed last', async () => {
      const queue = open();
      const older = request({ headSha: '1'.repeat(40) });
      const other = request({ pullNumbers: [2] });
      const newer = request({ headSha: '2'.repeat(40) });
      expect(await queue.enqueue(older)).toBe('queued');
      expect(await queue.enqueue(other)).toBe('queued');
      expect(await queue.enqueue(newer)).toBe('replaced');
      // A different kind or pull request is other work.
      expect(await queue.enqueue(request({ kind: 'recheck' }))).toBe('queued');
      expect(await queue.counts()).toMatchObject({
        waiting: 3,
        delayed: 0,
        running: 0,
        byKind: { check: 2, recheck: 1 },
      });
      const seen = recorder();
      queue.work(seen.options());
      await queue.idle();
      expect(seen.calls.map((job) => [job.kind, job.pullNumbers, job.headSha])).toEqual([
        ['check', [2], 'a'.repeat(40)],
        ['check', [1], '2'.repeat(40)],
        ['recheck', [1], 'a'.repeat(40)],
      ]);
    });

    it('never replaces a running job, nor one that has run before: both run', async () => {
      const queue = open();
      const release = deferred();
      const seen = recorder(async (job) => {
        if (job.headSha === '1'.repeat(40)) await release.promise;
        if (job.headSha === '3'.repeat(40) && job.attempt === 1) throw new Error('first attempt fails');
      });
      queue.work(seen.options());
      await queue.enqueue(request({ headSha: '1'.repeat(40) }));
      await until('the first job to run', () => seen.calls.length === 1);
      expect(await queue.enqueue(request({ headSha: '2'.repeat(40) }))).toBe('queued');
      expect(await queue.counts()).toMatchObject({ running: 1 });
      release.resolve();
      await queue.idle();
      expect(seen.calls.map((job) => job.headSha[0])).toEqual(['1', '2']);

      // A job waiting for its retry may already have created a check run: it is not dropped.
      await queue.enqueue(request({ pullNumbers: [5], headSha: '3'.repeat(40) }));
      await until('the first attempt to fail', () => seen.outcomes.length === 3);
      expect(await queue.enqueue(request({ pullNumbers: [5], headSha: '4'.repeat(40) }))).toBe('queued');
      await queue.idle();
      expect(
        seen.calls
          .slice(2)
          .map((job) => `${job.headSha[0]}#${job.attempt}`)
          .sort(),
      ).toEqual(['3#1', '3#2', '4#1']);
    });

    it('never runs two jobs with the same head lock key at once, across workers', async () => {
      const { queues, concurrency } = backend.twoWorkers();
      opened.push(...queues);
      let running = 0;
      let mostAtOnce = 0;
      const sameHeadRuns: string[] = [];
      const overlapOther = deferred();
      const seen = recorder(async (job) => {
        if (job.headSha !== 'f'.repeat(40)) {
          // A job on another head runs beside the locked one: the workers do run in parallel.
          overlapOther.resolve();
          return;
        }
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        sameHeadRuns.push(job.kind);
        await new Promise((resolve) => setTimeout(resolve, 150));
        running--;
      });
      // Three pieces of work on one head (different coalesce keys), one on another.
      const enqueuer = queues[0] as WorkQueue;
      await enqueuer.enqueue(request({ headSha: 'f'.repeat(40) }));
      await enqueuer.enqueue(request({ kind: 'recheck', headSha: 'f'.repeat(40) }));
      await enqueuer.enqueue(request({ kind: 'recheck', pullNumbers: [], headSha: 'f'.repeat(40) }));
      for (const queue of queues) queue.work(seen.options(concurrency));
      await until('the workers to take the first job', () => running === 1);
      await enqueuer.enqueue(request({ pullNumbers: [9], headSha: 'e'.repeat(40) }));
      await overlapOther.promise;
      await until('every job to end', async () => sameHeadRuns.length === 3 && running === 0);
      for (const queue of queues) await queue.idle();
      expect(mostAtOnce).toBe(1);
      expect(sameHeadRuns.sort()).toEqual(['check', 'recheck', 'recheck']);
      // Waiting for the head is no attempt.
      expect(seen.calls.every((job) => job.attempt === 1)).toBe(true);
    });

    it('retries a failing job with growing backoff, then calls onExhausted once and drops it', async () => {
      const queue = open({ maxAttempts: 3, backoffMs: 100 });
      const startedAt: number[] = [];
      const seen = recorder(async (job, control) => {
        startedAt.push(Date.now());
        if (job.attempt === 1) await control.recordCheckRun(77);
        throw new Error(`attempt ${job.attempt} failed`);
      });
      queue.work(seen.options());
      const { deliveryId } = request();
      await queue.enqueue(request({ deliveryId }));
      await queue.idle();
      expect(seen.calls.map((job) => job.attempt)).toEqual([1, 2, 3]);
      // The check run recorded on the first attempt is known to the later ones.
      expect(seen.calls.map((job) => job.checkRunId)).toEqual([undefined, 77, 77]);
      expect(seen.outcomes.map(([, outcome]) => outcome)).toEqual(['retrying', 'retrying', 'exhausted']);
      expect(seen.exhausted).toHaveLength(1);
      expect(seen.exhausted[0]?.job).toMatchObject({ deliveryId, attempt: 3, checkRunId: 77 });
      expect(seen.exhausted[0]?.error).toEqual(new Error('attempt 3 failed'));
      const [first = 0, second = 0, third = 0] = startedAt;
      expect(second - first).toBeGreaterThanOrEqual(95);
      expect(third - second).toBeGreaterThanOrEqual(195);
      expect(await queue.counts()).toMatchObject({ waiting: 0, delayed: 0, running: 0 });
    });

    it('runs a job again after RetryLater without using an attempt', async () => {
      const queue = open({ maxAttempts: 1 });
      let calls = 0;
      const seen = recorder(async () => {
        if (++calls < 3) throw new RetryLater(60, 'rate limited');
      });
      queue.work(seen.options());
      await queue.enqueue(request());
      await until('the job to be delayed', async () => (await queue.counts()).delayed === 1);
      await queue.idle();
      expect(seen.calls.map((job) => job.attempt)).toEqual([1, 1, 1]);
      expect(seen.outcomes.map(([, outcome]) => outcome)).toEqual(['delayed', 'delayed', 'completed']);
      expect(seen.exhausted).toEqual([]);
    });

    it('on stop, lets running jobs finish before the deadline and takes no new one', async () => {
      const queue = open();
      const seen = recorder(async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
      });
      queue.work(seen.options());
      await queue.enqueue(request());
      await until('the job to run', () => seen.calls.length === 1);
      await queue.stop(10_000);
      expect(seen.outcomes.map(([, outcome]) => outcome)).toEqual(['completed']);
      await queue.enqueue(request({ pullNumbers: [2] }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen.calls).toHaveLength(1);
      expect(await queue.counts()).toMatchObject({ waiting: 1 });
    });

    it('on stop, after the deadline, aborts the handlers and returns their jobs unchanged', async () => {
      let queue = open();
      let aborted: unknown;
      const seen = recorder(async (_job, control) => {
        await control.recordCheckRun(31);
        await new Promise<void>((resolve) => {
          control.signal.addEventListener('abort', () => {
            aborted = control.signal.reason;
            resolve();
          });
        });
        throw new Error('stopped');
      });
      queue.work(seen.options());
      await queue.enqueue(request());
      await until('the job to run', () => seen.calls.length === 1);
      await queue.stop(100);
      expect(aborted).toBeInstanceOf(Error);
      expect(seen.outcomes.map(([, outcome]) => outcome)).toEqual(['returned']);
      expect(await queue.counts()).toMatchObject({ waiting: 1, running: 0 });
      await queue.close();

      // The next process runs it as the same attempt, with the check run it had recorded.
      queue = open();
      const next = recorder();
      queue.work(next.options());
      await queue.idle();
      expect(next.calls).toEqual([
        expect.objectContaining({ id: seen.calls[0]?.id, attempt: 1, checkRunId: 31 }),
      ]);
    });

    it('keeps queued and delayed jobs across a restart', async () => {
      let queue = open({ backoffMs: 2000 });
      const failOnce = recorder(async () => {
        throw new Error('fails once');
      });
      queue.work(failOnce.options());
      await queue.enqueue(request({ pullNumbers: [1] }));
      await until('the failure', () => failOnce.outcomes.length === 1);
      await queue.stop(0);
      await queue.enqueue(request({ pullNumbers: [2] }));
      expect(await queue.counts()).toMatchObject({ waiting: 1, delayed: 1 });
      await queue.close();

      queue = open({ backoffMs: 2000 });
      expect(await queue.counts()).toMatchObject({ waiting: 1, delayed: 1, byKind: { check: 2 } });
      const seen = recorder();
      queue.work(seen.options());
      await queue.idle();
      expect(seen.calls.map((job) => `#${job.pullNumbers[0]} attempt ${job.attempt}`)).toEqual([
        '#2 attempt 1',
        '#1 attempt 2',
      ]);
    });

    it('runs a job again when its process is killed, with its check run; the attempt counts', async () => {
      const queue = open();
      await queue.enqueue(request());
      if (backend === embedded) await queue.close(); // one process per folder
      const crashed = await crashWorker(backend);
      expect(crashed.attempt).toBe(1);
      await crashed.kill();

      const restarted = backend === embedded ? open() : queue;
      const seen = recorder();
      restarted.work(seen.options());
      await restarted.idle();
      expect(seen.calls).toEqual([expect.objectContaining({ id: crashed.id, attempt: 2, checkRunId: 4242 })]);
      expect(seen.exhausted).toEqual([]);
    });

    it('ends a job that kills its process every time through onExhausted', async () => {
      const tuning = { maxAttempts: 2 };
      let queue = open(tuning);
      await queue.enqueue(request());
      if (backend === embedded) await queue.close();
      for (const attempt of [1, 2]) {
        const crashed = await crashWorker(backend, tuning);
        expect(crashed.attempt).toBe(attempt);
        await crashed.kill();
      }
      if (backend === embedded) queue = open(tuning);
      const seen = recorder();
      queue.work(seen.options());
      await queue.idle();
      expect(seen.calls).toEqual([]);
      expect(seen.exhausted).toEqual([
        // The attempts that ran: the one that ends the job does not run.
        {
          job: expect.objectContaining({ checkRunId: 4242, attempt: 2 }),
          error: expect.any(ProcessDiedUnderJob),
        },
      ]);
      expect(seen.outcomes.map(([, outcome]) => outcome)).toEqual(['exhausted']);
    });

    it('answers ready while open and counts nothing when empty', async () => {
      const queue = open();
      expect(await queue.ready()).toBe(true);
      expect(await queue.counts()).toEqual({
        waiting: 0,
        delayed: 0,
        running: 0,
        byKind: { check: 0, recheck: 0, 'apply-fixes': 0, conclude: 0 },
      });
      await queue.close();
      expect(await queue.ready()).toBe(false);
    });
  });
}

describe('embedded store', () => {
  beforeAll(() => embedded.start());
  afterAll(() => embedded.finish());
  beforeEach(() => embedded.fresh());

  it('belongs to one process: a second opening of the folder fails with what to do', async () => {
    const queue = new SqliteWorkQueue({ dataDir, lockWaitMs: 50 });
    try {
      expect(() => new SqliteWorkQueue({ dataDir, lockWaitMs: 50 })).toThrow(JobStoreUnavailable);
      expect(() => new SqliteWorkQueue({ dataDir, lockWaitMs: 50 })).toThrow(
        /in use by another Portcullis process.*REDIS_URL/,
      );
    } finally {
      await queue.close();
    }
    // Released on close.
    await new SqliteWorkQueue({ dataDir }).close();
    expect(existsSync(join(dataDir, 'jobs.sqlite'))).toBe(true);
  });
});
