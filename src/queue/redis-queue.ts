/**
 * The scale-out queue: BullMQ on Redis (`REDIS_URL`), for web and worker processes apart and
 * any number of workers. BullMQ holds the jobs, their locks and stalled-job detection; the
 * contract's other clauses are a few keys of our own beside its queue:
 *
 * - `…:seen:<delivery id>` (`SET NX EX`): a redelivery is dropped for `deliveryMemoryMs`.
 * - `…:latest:<coalesce key>`, swapped with `SET … GET` after the new job is added: each
 *   enqueue learns the one job it supersedes, and removes it if it is still waiting and has
 *   never started (BullMQ refuses to remove a locked, i.e. running, job, atomically).
 *   BullMQ's own `deduplication` does not fit: with `replace` it only replaces a *delayed*
 *   job and drops the newer job when the older one is waiting, which would lose a newer head.
 * - `…:head:<head lock key>` (`SET NX PX`, renewed while the job runs, expiring with a dead
 *   worker): a job whose head is locked goes back to delayed for `headRetryMs`, no attempt used.
 *
 * Attempts are ours, not BullMQ's: attempt = failures (`attemptsMade`) + stalls
 * (`stalledCounter`) + 1, checked when the job starts, so a job whose worker died under it
 * on its last attempt ends through `onExhausted` in the next worker that takes it, with the
 * job's lock held, rather than in a `failed` event that a second crash would lose. BullMQ
 * only schedules retries (exponential backoff) and never fails a job itself.
 */
import { randomUUID } from 'node:crypto';
import { type Job as BullJob, DelayedError, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { settings } from '../settings.js';
import { exhaust, ProcessDiedUnderJob, runAttempt, settled } from './attempts.js';
import { coalesceKey, headLockKey, JOB_KINDS, type Job, type JobKind, type JobRequest } from './job.js';
import type { EnqueueResult, JobOutcome, QueueCounts, WorkerOptions, WorkQueue } from './work-queue.js';

export interface RedisQueueOptions {
  /** Default: `REDIS_URL`. */
  url?: string;
  /** The BullMQ queue, and the middle of every key of ours. Default `jobs`. */
  queueName?: string;
  /** The first part of every key. Default `portcullis`. */
  prefix?: string;
  /** Attempts per job, stalls included. Default: `PORTCULLIS_JOB_ATTEMPTS`. */
  maxAttempts?: number;
  /** The wait after a job's first failure, doubled after each further one. Default 2 s. */
  backoffMs?: number;
  /** How long a delivery id is remembered to drop redeliveries. Default 24 h. */
  deliveryMemoryMs?: number;
  /**
   * A running job's lock (BullMQ's and the head lock), renewed at a third of it while the job
   * runs: a worker that dies loses its jobs after this long. Default 30 s (BullMQ's default).
   */
  lockDurationMs?: number;
  /** How often each worker looks for jobs whose lock expired. Default 30 s (BullMQ's default). */
  stalledIntervalMs?: number;
  /** How long a job waits when another job holds its head lock. Default 1 s. */
  headRetryMs?: number;
  /** Connection and BullMQ errors that are not a job's (the queue carries on; log them). */
  onError?: (error: unknown) => void;
}

type StoredJob = Omit<Job, 'attempt'>;

/** Renews (or takes, when free or already this job's) a head lock; 1 when held. */
const TAKE_HEAD = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;
const RELEASE_HEAD = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
/** Waiting and delayed jobs by name (= kind), in one round trip. */
const COUNT_BY_KIND = `
local counts = {}
local function add(id)
  local name = redis.call('HGET', ARGV[1] .. id, 'name')
  if name then counts[name] = (counts[name] or 0) + 1 end
end
for _, id in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do add(id) end
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do add(id) end
local flat = {}
for name, n in pairs(counts) do flat[#flat + 1] = name; flat[#flat + 1] = n end
return flat`;

/** A big number: BullMQ retries forever; our attempt count decides when a job ends. */
const BULLMQ_ATTEMPTS = 1_000_000;
/** After `stop`'s deadline, how long the worker may take to let go of returned jobs. */
const STOP_GRACE_MS = 2000;

interface Running {
  bull: BullJob<StoredJob>;
  token: string;
  controller: AbortController;
  returned: boolean;
}

export class RedisWorkQueue implements WorkQueue {
  readonly backend = 'redis' as const;
  private readonly url: string;
  private readonly keyBase: string;
  private readonly maxAttempts: number;
  private readonly lockDurationMs: number;
  private readonly stalledIntervalMs: number;
  private readonly headRetryMs: number;
  private readonly deliveryMemorySeconds: number;
  private readonly onError: (error: unknown) => void;
  /** Fails fast when Redis is away: a webhook is answered with an error GitHub shows, not held. */
  private readonly producer: Redis;
  private readonly queue: Queue<StoredJob, void, JobKind>;
  private consumer: Redis | undefined;
  private worker: Worker<StoredJob, void, JobKind> | undefined;
  private workerOptions: WorkerOptions | undefined;
  private readonly running = new Map<string, Running>();
  private stopped = false;
  private closed = false;

  constructor(options: RedisQueueOptions = {}) {
    const url = options.url ?? settings().redisUrl;
    if (!url) throw new Error('The Redis queue needs REDIS_URL');
    this.url = url;
    const prefix = options.prefix ?? 'portcullis';
    const queueName = options.queueName ?? 'jobs';
    this.keyBase = `${prefix}:${queueName}`;
    this.maxAttempts = options.maxAttempts ?? settings().jobAttempts;
    this.lockDurationMs = options.lockDurationMs ?? 30_000;
    this.stalledIntervalMs = options.stalledIntervalMs ?? 30_000;
    this.headRetryMs = options.headRetryMs ?? 1000;
    this.deliveryMemorySeconds = Math.ceil((options.deliveryMemoryMs ?? 24 * 3600_000) / 1000);
    this.onError = options.onError ?? (() => {});
    this.producer = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: false });
    this.producer.on('error', this.onError);
    this.queue = new Queue<StoredJob, void, JobKind>(queueName, {
      connection: this.producer,
      prefix,
      defaultJobOptions: {
        attempts: BULLMQ_ATTEMPTS,
        backoff: { type: 'exponential', delay: options.backoffMs ?? 2000 },
        removeOnComplete: true,
        removeOnFail: true,
        stackTraceLimit: 0,
      },
    });
    this.queue.on('error', this.onError);
  }

  private key(kind: 'seen' | 'latest' | 'head', id: string): string {
    return `${this.keyBase}:${kind}:${id}`;
  }

  async enqueue(request: JobRequest): Promise<EnqueueResult> {
    this.assertOpen();
    const seen = this.key('seen', request.deliveryId);
    if ((await this.producer.set(seen, '1', 'EX', this.deliveryMemorySeconds, 'NX')) !== 'OK')
      return 'duplicate';
    const job: StoredJob = { ...request, id: randomUUID(), enqueuedAt: Date.now() };
    try {
      await this.queue.add(request.kind, job, { jobId: job.id });
    } catch (error) {
      // Not queued, so not seen: GitHub's redelivery of it must get through.
      await this.producer.del(seen).catch(() => {});
      throw error;
    }
    // Added before the swap, so the job a later enqueue learns about always exists.
    const superseded = (await this.producer.call(
      'SET',
      this.key('latest', coalesceKey(request)),
      job.id,
      'EX',
      String(this.deliveryMemorySeconds),
      'GET',
    )) as string | null;
    return superseded && (await this.removeIfReplaceable(superseded)) ? 'replaced' : 'queued';
  }

  /**
   * Removes a job that is waiting or delayed and has never started (one that has may have
   * created a check run: it runs, and finds out itself that its head is stale). Between the
   * look and the removal the job can only become active, and BullMQ does not remove a job
   * whose lock is held.
   */
  private async removeIfReplaceable(id: string): Promise<boolean> {
    const older = await this.queue.getJob(id);
    if (!older || older.attemptsStarted > 0) return false;
    const state = await older.getState();
    if (state !== 'waiting' && state !== 'delayed' && state !== 'prioritized') return false;
    return (await this.queue.remove(id)) === 1;
  }

  work(options: WorkerOptions): void {
    this.assertOpen();
    if (this.worker) throw new Error('This queue already has a worker');
    // BullMQ's worker blocks on Redis and must never give up a command (its requirement).
    this.workerOptions = options;
    this.consumer = new Redis(this.url, { maxRetriesPerRequest: null });
    this.consumer.on('error', this.onError);
    this.worker = new Worker<StoredJob, void, JobKind>(
      this.queue.name,
      (bull, token, signal) => this.process(options, bull, token, signal),
      {
        connection: this.consumer,
        prefix: this.queue.opts.prefix,
        concurrency: options.concurrency,
        lockDuration: this.lockDurationMs,
        stalledInterval: this.stalledIntervalMs,
        // Stalls are attempts we count ourselves (see the header): BullMQ never fails a job for them.
        maxStalledCount: BULLMQ_ATTEMPTS,
      },
    );
    this.worker.on('error', this.onError);
  }

  private async process(
    worker: WorkerOptions,
    bull: BullJob<StoredJob>,
    token?: string,
    bullSignal?: AbortSignal,
  ): Promise<void> {
    if (!token) throw new Error('BullMQ gave a job without a lock token');
    const job: Job = { ...bull.data, attempt: bull.attemptsMade + bull.stalledCounter + 1 };
    const startedAt = performance.now();
    const elapsed = () => performance.now() - startedAt;
    if (job.attempt > this.maxAttempts) {
      // The attempts that ran, to onExhausted: this one does not run.
      await exhaust(
        worker,
        { ...job, attempt: job.attempt - 1 },
        new ProcessDiedUnderJob(bull.stalledCounter),
      );
      settled(worker, job, 'exhausted', elapsed());
      return;
    }
    const head = this.key('head', headLockKey(job));
    const holdsHead = async () =>
      (await this.consumer?.eval(TAKE_HEAD, 1, head, job.id, String(this.lockDurationMs))) === 1;
    if (!(await holdsHead())) {
      await bull.moveToDelayed(Date.now() + this.headRetryMs, token);
      throw new DelayedError();
    }
    const renew = setInterval(
      () => void holdsHead().catch(this.onError),
      Math.max(100, this.lockDurationMs / 3),
    );
    const controller = new AbortController();
    const entry: Running = { bull, token, controller, returned: false };
    this.running.set(job.id, entry);
    let outcome: JobOutcome;
    try {
      const ended = await runAttempt(worker.handler, job, {
        // BullMQ aborts its signal when the job is cancelled; ours is aborted by `stop`.
        signal: bullSignal ? AbortSignal.any([controller.signal, bullSignal]) : controller.signal,
        recordCheckRun: async (checkRunId) => {
          job.checkRunId = checkRunId;
          await bull.updateData({ ...bull.data, checkRunId });
        },
      });
      if (entry.returned) throw new DelayedError(); // `stop` has moved it back to wait already
      if (ended.end === 'completed') {
        outcome = 'completed';
      } else if (ended.end === 'delayed') {
        await bull.moveToDelayed(Date.now() + ended.delayMs, token);
        settled(worker, job, 'delayed', elapsed());
        throw new DelayedError();
      } else if (job.attempt >= this.maxAttempts) {
        await exhaust(worker, job, ended.error);
        outcome = 'exhausted';
      } else {
        // BullMQ moves the job to delayed with its exponential backoff.
        settled(worker, job, 'retrying', elapsed());
        throw ended.error;
      }
    } finally {
      clearInterval(renew);
      this.running.delete(job.id);
      await this.consumer?.eval(RELEASE_HEAD, 1, head, job.id).catch(this.onError);
    }
    settled(worker, job, outcome, elapsed());
  }

  async stop(deadlineMs: number): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const worker = this.worker;
    if (!worker) return;
    const closing = worker.close();
    if ((await Promise.race([closing.then(() => 'closed' as const), sleep(deadlineMs)])) === 'closed') return;
    const outcomes = [...this.running.values()].map(async (entry) => {
      entry.returned = true;
      try {
        // Back to wait, at the end, with no attempt counted; the lock is released with it.
        await entry.bull.moveToWait(entry.token);
      } catch (error) {
        this.onError(error);
      }
      entry.controller.abort(new Error('The process is stopping: the job goes back to the queue.'));
      return entry;
    });
    for (const entry of await Promise.all(outcomes)) {
      const job: Job = {
        ...entry.bull.data,
        attempt: entry.bull.attemptsMade + entry.bull.stalledCounter + 1,
      };
      this.workerOptions && settled(this.workerOptions, job, 'returned', 0);
    }
    await Promise.race([closing, sleep(STOP_GRACE_MS)]);
  }

  async idle(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const counts = await this.queue.getJobCounts('wait', 'prioritized', 'delayed', 'active');
      if (Object.values(counts).every((n) => n === 0)) return;
      await sleep(50);
    }
  }

  async counts(): Promise<QueueCounts & { byKind: Record<JobKind, number> }> {
    this.assertOpen();
    const counts = await this.queue.getJobCounts('wait', 'prioritized', 'delayed', 'active');
    const byKind = Object.fromEntries(JOB_KINDS.map((kind) => [kind, 0])) as Record<JobKind, number>;
    const flat = (await this.producer.eval(
      COUNT_BY_KIND,
      2,
      this.queue.keys.wait as string,
      this.queue.keys.delayed as string,
      this.queue.toKey(''),
    )) as (string | number)[];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const kind = flat[i] as JobKind;
      if (kind in byKind) byKind[kind] += Number(flat[i + 1]);
    }
    return {
      waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
      delayed: counts.delayed ?? 0,
      running: counts.active ?? 0,
      byKind,
    };
  }

  async ready(): Promise<boolean> {
    if (this.closed) return false;
    try {
      return (await Promise.race([this.producer.ping(), sleep(2000)])) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.stop(0);
    this.closed = true;
    await this.queue.close().catch(this.onError);
    for (const client of [this.producer, this.consumer]) {
      if (client) await client.quit().catch(() => client.disconnect());
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The Redis job queue is closed');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
}
