/**
 * The embedded job store: one SQLite file (`jobs.sqlite` in `PORTCULLIS_DATA_DIR`) through
 * better-sqlite3, for one process that takes webhooks and runs their jobs. Nothing else to
 * run, and jobs survive a restart.
 *
 * - One process per folder: the connection holds SQLite's exclusive lock from open to close
 *   (`locking_mode=EXCLUSIVE`), which the operating system drops when the process dies, so a
 *   second process fails at once with a message, and a `kill -9` leaves no stale lock file.
 * - Because no other process can hold a job, a job found `running` on open was running when
 *   its process died: it is made runnable again with that attempt counted. This replaces
 *   the lease a shared store needs (the Redis back-end has one).
 * - WAL with `synchronous=NORMAL`: a commit is durable across a process crash (the case
 *   here); a power cut may lose the last commits, which GitHub's redelivery covers.
 * - Every state change is one transaction; the worker is woken in-process by `enqueue`, by
 *   a job's end, and by a timer at the next delayed job's time.
 */

import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { settings } from '../settings.js';
import { backoffMs, exhaust, ProcessDiedUnderJob, runAttempt, settled } from './attempts.js';
import { coalesceKey, headLockKey, JOB_KINDS, type Job, type JobKind, type JobRequest } from './job.js';
import type { EnqueueResult, JobOutcome, QueueCounts, WorkerOptions, WorkQueue } from './work-queue.js';

export interface SqliteQueueOptions {
  /** The folder holding `jobs.sqlite`, created when missing. Default: `PORTCULLIS_DATA_DIR`. */
  dataDir?: string;
  /** Attempts per job, crashes included. Default: `PORTCULLIS_JOB_ATTEMPTS`. */
  maxAttempts?: number;
  /** The wait after a job's first failure, doubled after each further one. Default 2 s. */
  backoffMs?: number;
  /** How long a delivery id is remembered to drop redeliveries. Default 24 h (GitHub redelivers within 3 days on request only). */
  deliveryMemoryMs?: number;
  /** How long open waits for another process to release the store before failing. Default 2 s. */
  lockWaitMs?: number;
}

export const STORE_FILE = 'jobs.sqlite';
const SCHEMA_VERSION = 1;
const PRUNE_EVERY_MS = 10 * 60_000;

/** Set when a store cannot be opened: another process has it, or it is from a newer version. */
export class JobStoreUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobStoreUnavailable';
  }
}

type StoredJob = Omit<Job, 'attempt'>;

interface Running {
  job: Job;
  controller: AbortController;
  /** Put back as waiting by `stop`: the handler's own ending no longer decides anything. */
  returned: boolean;
  done: Promise<void>;
}

export class SqliteWorkQueue implements WorkQueue {
  readonly backend = 'embedded' as const;
  readonly path: string;
  private readonly db: Database.Database;
  private readonly maxAttempts: number;
  private readonly backoffBaseMs: number;
  private readonly deliveryMemoryMs: number;
  private worker: WorkerOptions | undefined;
  private stopping = false;
  private closed = false;
  private readonly running = new Map<string, Running>();
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Number.POSITIVE_INFINITY;
  private pumpQueued = false;
  private idleWaiters: (() => void)[] = [];
  private lastPrune = 0;
  private readonly sql;

  constructor(options: SqliteQueueOptions = {}) {
    const dir = resolve(options.dataDir ?? settings().dataDir);
    this.maxAttempts = options.maxAttempts ?? settings().jobAttempts;
    this.backoffBaseMs = options.backoffMs ?? 2000;
    this.deliveryMemoryMs = options.deliveryMemoryMs ?? 24 * 3600_000;
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, STORE_FILE);
    this.db = new Database(this.path, { timeout: options.lockWaitMs ?? 2000 });
    try {
      // Before WAL is entered, so that no shared-memory index is made and the lock covers all.
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      // The first write takes the exclusive lock, held from here until close.
      this.db.exec('BEGIN IMMEDIATE; COMMIT');
    } catch (error) {
      this.db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY')
        throw new JobStoreUnavailable(
          `The job store ${this.path} is in use by another Portcullis process: one process per PORTCULLIS_DATA_DIR. Stop that process, give this one its own folder, or set REDIS_URL to run several processes on one queue.`,
        );
      throw error;
    }
    this.migrate();
    this.sql = this.statements();
    this.recoverAbandoned();
    this.prune(Date.now());
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      this.db.close();
      throw new JobStoreUnavailable(
        `The job store ${this.path} was written by a newer Portcullis (schema ${version}, this one knows ${SCHEMA_VERSION}): run that version, or move the folder aside.`,
      );
    }
    if (version === SCHEMA_VERSION) return;
    this.db.exec(`
      BEGIN;
      CREATE TABLE jobs (
        -- Insertion order: a replacing job is placed last.
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        -- The job as JSON, without the attempt count (the column below).
        record TEXT NOT NULL,
        -- 'waiting' (delayed while run_at is in the future) or 'running'.
        status TEXT NOT NULL CHECK (status IN ('waiting', 'running')),
        run_at INTEGER NOT NULL,
        -- Attempts counted so far: one per claim, given back by RetryLater and by stop.
        attempts INTEGER NOT NULL DEFAULT 0,
        -- 1 once claimed: such a job may have posted to GitHub, so it is never replaced.
        started INTEGER NOT NULL DEFAULT 0,
        coalesce_key TEXT NOT NULL,
        head_key TEXT NOT NULL
      );
      CREATE INDEX jobs_runnable ON jobs (status, seq);
      CREATE INDEX jobs_head ON jobs (head_key, status);
      -- At most one replaceable job per coalesce key.
      CREATE UNIQUE INDEX jobs_replaceable ON jobs (coalesce_key) WHERE status = 'waiting' AND started = 0;
      CREATE TABLE deliveries (id TEXT PRIMARY KEY, seen_at INTEGER NOT NULL);
      CREATE INDEX deliveries_seen ON deliveries (seen_at);
      PRAGMA user_version = ${SCHEMA_VERSION};
      COMMIT;
    `);
  }

  private statements() {
    const db = this.db;
    return {
      seeDelivery: db.prepare('INSERT OR IGNORE INTO deliveries (id, seen_at) VALUES (?, ?)'),
      pruneDeliveries: db.prepare('DELETE FROM deliveries WHERE seen_at < ?'),
      replaceable: db.prepare<[string], { id: string }>(
        "SELECT id FROM jobs WHERE coalesce_key = ? AND status = 'waiting' AND started = 0",
      ),
      remove: db.prepare('DELETE FROM jobs WHERE id = ?'),
      insert: db.prepare(
        "INSERT INTO jobs (id, kind, record, status, run_at, coalesce_key, head_key) VALUES (?, ?, ?, 'waiting', ?, ?, ?)",
      ),
      nextRunnable: db.prepare<[number], { id: string; record: string; attempts: number }>(`
        SELECT id, record, attempts FROM jobs AS j
        WHERE status = 'waiting' AND run_at <= ?
          AND NOT EXISTS (SELECT 1 FROM jobs AS r WHERE r.head_key = j.head_key AND r.status = 'running')
        ORDER BY seq LIMIT 1`),
      claim: db.prepare(
        "UPDATE jobs SET status = 'running', attempts = attempts + 1, started = 1 WHERE id = ?",
      ),
      // `uncount` is 1 when the attempt is given back (RetryLater, stop), 0 when it counts.
      requeue: db.prepare(
        "UPDATE jobs SET status = 'waiting', run_at = ?, attempts = attempts - ? WHERE id = ? AND status = 'running'",
      ),
      recoverAbandoned: db.prepare("UPDATE jobs SET status = 'waiting' WHERE status = 'running'"),
      nextWake: db.prepare<[number], { at: number | null }>(
        "SELECT MIN(run_at) AS at FROM jobs WHERE status = 'waiting' AND run_at > ?",
      ),
      updateRecord: db.prepare('UPDATE jobs SET record = ? WHERE id = ?'),
      count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM jobs'),
      counts: db.prepare<
        [{ now: number }],
        { kind: JobKind; waiting: number; delayed: number; running: number }
      >(`
        SELECT kind,
          SUM(status = 'waiting' AND run_at <= @now) AS waiting,
          SUM(status = 'waiting' AND run_at > @now) AS delayed,
          SUM(status = 'running') AS running
        FROM jobs GROUP BY kind`),
    };
  }

  /** On open, any `running` job belonged to a process that died; its attempt stays counted. */
  private recoverAbandoned(): void {
    this.sql.recoverAbandoned.run();
  }

  private prune(now: number): void {
    this.lastPrune = now;
    this.sql.pruneDeliveries.run(now - this.deliveryMemoryMs);
  }

  async enqueue(request: JobRequest): Promise<EnqueueResult> {
    this.assertOpen();
    const now = Date.now();
    if (now - this.lastPrune > PRUNE_EVERY_MS) this.prune(now);
    const job: StoredJob = { ...request, id: randomUUID(), enqueuedAt: now };
    const key = coalesceKey(request);
    const result = this.db
      .transaction((): EnqueueResult => {
        if (this.sql.seeDelivery.run(request.deliveryId, now).changes === 0) return 'duplicate';
        const older = this.sql.replaceable.get(key);
        if (older) this.sql.remove.run(older.id);
        this.sql.insert.run(job.id, job.kind, JSON.stringify(job), now, key, headLockKey(request));
        return older ? 'replaced' : 'queued';
      })
      .immediate();
    if (result !== 'duplicate') this.wake();
    return result;
  }

  work(options: WorkerOptions): void {
    this.assertOpen();
    if (this.worker) throw new Error('This queue already has a worker');
    this.worker = options;
    this.wake();
  }

  /** Pumps on the next tick: several enqueues in one tick claim once. */
  private wake(): void {
    if (this.pumpQueued || !this.worker) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  private pump(): void {
    const worker = this.worker;
    if (!worker || this.stopping || this.closed) return;
    const now = Date.now();
    while (this.running.size < worker.concurrency) {
      const claimed = this.db
        .transaction(() => {
          const row = this.sql.nextRunnable.get(now);
          if (row) this.sql.claim.run(row.id);
          return row;
        })
        .immediate();
      if (!claimed) break;
      const job: Job = { ...(JSON.parse(claimed.record) as StoredJob), attempt: claimed.attempts + 1 };
      this.start(worker, job);
    }
    this.scheduleWake(now);
  }

  /** A timer at the next delayed job's time; unref'd, so it never keeps a process alive alone. */
  private scheduleWake(now: number): void {
    const at = this.sql.nextWake.get(now)?.at ?? Number.POSITIVE_INFINITY;
    if (at >= this.wakeAt && this.wakeTimer) return;
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeAt = at;
    if (at === Number.POSITIVE_INFINITY) return;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = undefined;
        this.wakeAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, at - now),
    );
    this.wakeTimer.unref();
  }

  private start(worker: WorkerOptions, job: Job): void {
    const controller = new AbortController();
    const entry: Running = { job, controller, returned: false, done: Promise.resolve() };
    this.running.set(job.id, entry);
    entry.done = this.run(worker, entry)
      .catch(() => {
        // A store error (disk full) leaves the row `running`: the next open runs it again.
      })
      .finally(() => {
        this.running.delete(job.id);
        this.wake();
        this.checkIdle();
      });
  }

  private async run(worker: WorkerOptions, entry: Running): Promise<void> {
    const { job } = entry;
    const startedAt = performance.now();
    const elapsed = () => performance.now() - startedAt;
    if (job.attempt > this.maxAttempts) {
      // Every counted attempt ended with its process: conclude instead of running it again,
      // telling onExhausted the attempts that ran (this one does not run).
      await exhaust(worker, { ...job, attempt: job.attempt - 1 }, new ProcessDiedUnderJob(this.maxAttempts));
      this.whileOpen(() => this.sql.remove.run(job.id));
      settled(worker, job, 'exhausted', elapsed());
      return;
    }
    const ended = await runAttempt(worker.handler, job, {
      signal: entry.controller.signal,
      recordCheckRun: async (checkRunId) => {
        job.checkRunId = checkRunId;
        this.assertOpen();
        const { attempt: _, ...stored } = job;
        this.sql.updateRecord.run(JSON.stringify(stored), job.id);
      },
    });
    if (entry.returned) return; // `stop` has put it back already
    let outcome: JobOutcome;
    if (ended.end === 'completed') {
      this.whileOpen(() => this.sql.remove.run(job.id));
      outcome = 'completed';
    } else if (ended.end === 'delayed') {
      this.whileOpen(() => this.sql.requeue.run(Date.now() + ended.delayMs, 1, job.id));
      outcome = 'delayed';
    } else if (job.attempt >= this.maxAttempts) {
      await exhaust(worker, job, ended.error);
      this.whileOpen(() => this.sql.remove.run(job.id));
      outcome = 'exhausted';
    } else {
      this.whileOpen(() =>
        this.sql.requeue.run(Date.now() + backoffMs(job.attempt, this.backoffBaseMs), 0, job.id),
      );
      outcome = 'retrying';
    }
    settled(worker, job, outcome, elapsed());
  }

  async stop(deadlineMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    if (this.running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), Math.max(0, deadlineMs));
    });
    const finished = Promise.all([...this.running.values()].map((entry) => entry.done));
    const first = await Promise.race([finished, deadline]);
    clearTimeout(timer);
    if (first !== 'deadline' || this.closed) return;
    const now = Date.now();
    for (const entry of this.running.values()) {
      if (entry.returned) continue;
      entry.returned = true;
      this.sql.requeue.run(now, 1, entry.job.id);
      this.worker && settled(this.worker, entry.job, 'returned', 0);
      entry.controller.abort(new Error('The process is stopping: the job goes back to the queue.'));
    }
  }

  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.checkIdle();
    });
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0) return;
    if (!this.closed && this.sql.count.get()?.n !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  async counts(): Promise<QueueCounts & { byKind: Record<JobKind, number> }> {
    this.assertOpen();
    const total: QueueCounts = { waiting: 0, delayed: 0, running: 0 };
    const byKind = Object.fromEntries(JOB_KINDS.map((kind) => [kind, 0])) as Record<JobKind, number>;
    for (const row of this.sql.counts.all({ now: Date.now() })) {
      total.waiting += row.waiting;
      total.delayed += row.delayed;
      total.running += row.running;
      if (row.kind in byKind) byKind[row.kind] += row.waiting + row.delayed;
    }
    return { ...total, byKind };
  }

  async ready(): Promise<boolean> {
    if (this.closed) return false;
    try {
      this.sql.count.get();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (!this.stopping) await this.stop(0);
    this.closed = true;
    this.db.close();
    this.checkIdle();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`The job store ${this.path} is closed`);
  }

  /** A handler that outlives `close` (it ignored its signal) has nothing left to write to. */
  private whileOpen(write: () => void): void {
    if (!this.closed) write();
  }
}
