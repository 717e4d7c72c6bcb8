/**
 * The queue the settings ask for: BullMQ on Redis when `REDIS_URL` is set, else the embedded
 * SQLite store in `PORTCULLIS_DATA_DIR`. Each back-end is imported only when chosen, so the
 * CLI (which never queues) loads neither better-sqlite3 nor bullmq/ioredis.
 */
import { type Settings, settings } from '../settings.js';
import type { WorkQueue } from './work-queue.js';

export interface OpenOptions {
  /** Redis connection and BullMQ errors that are not a job's: the queue carries on; log them. */
  onError?: (error: unknown) => void;
}

export async function openWorkQueue(
  from: Settings = settings(),
  options: OpenOptions = {},
): Promise<WorkQueue> {
  if (from.redisUrl) {
    const { RedisWorkQueue } = await import('./redis-queue.js');
    return new RedisWorkQueue({
      url: from.redisUrl,
      maxAttempts: from.jobAttempts,
      lockDurationMs: from.redisLockSeconds * 1000,
      stalledIntervalMs: from.redisLockSeconds * 1000,
      onError: options.onError,
    });
  }
  const { SqliteWorkQueue } = await import('./sqlite-queue.js');
  return new SqliteWorkQueue({ dataDir: from.dataDir, maxAttempts: from.jobAttempts });
}
