/**
 * Results kept on disk by content (a compiled policy by the hash of its sources, a build
 * and scan by the hash of its context): one folder per kind, bounded in bytes, the least
 * recently used entries removed first.
 *
 * An entry is one file: a JSON header line (its key, its value, the length and SHA-256 of
 * its binary payload), then the payload. It is written to a temporary file and renamed, so
 * a reader sees a whole entry or none, also with several processes sharing the folder. What
 * is read is never trusted: an entry that does not parse, names another key, fails the
 * value's schema or whose payload does not match its hash is deleted and counts as a miss,
 * so the caller computes the result again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkJson, type JsonSchema, schemaProblem } from '../schema/parse-json.js';

/** The default bound of one cache folder. */
export const DEFAULT_CACHE_MAX_BYTES = 512 * 1024 * 1024;

/** A temporary file this old was left by a writer that died: removed at the next eviction. */
const STALE_TEMPORARY_MS = 10 * 60_000;
/** How long a process trusts its own count of a folder's bytes before it looks again. */
const RESCAN_MS = 60_000;
const ENTRY = '.entry';
/** Entries up to this size are read on the calling thread (readSmallEntry). */
const SYNC_READ_BYTES = 256 * 1024;
/** A used entry's time is brought up to date when it is older than this. */
const TOUCH_AFTER_MS = 60 * 60_000;

interface Header {
  key: string;
  value: unknown;
  payload: { bytes: number; sha256: string };
}
/** An entry's first line (exported for scripts/generate-validators.mjs, which precompiles it). */
export const CACHE_ENTRY_HEADER: JsonSchema<Header> = {
  type: 'object',
  required: ['key', 'value', 'payload'],
  properties: {
    key: { type: 'string' },
    payload: {
      type: 'object',
      required: ['bytes', 'sha256'],
      properties: { bytes: { type: 'integer', minimum: 0 }, sha256: { type: 'string' } },
    },
  },
};

export interface DiskCacheOptions<T> {
  /** The folder this cache owns: anything in it that is not an entry is removed. */
  dir: string;
  /** What a value must be to be used. */
  schema: JsonSchema<T>;
  /** The folder's bound: after a write, the least recently used entries go until it holds. */
  maxBytes?: number;
}

export class DiskCache<T> {
  readonly #dir: string;
  readonly #schema: JsonSchema<T>;
  readonly #maxBytes: number;
  /**
   * The folder's bytes as of the last look plus what this process wrote since, and when it
   * looked: a write looks at the folder (a stat of every entry) only when that count passes
   * the bound or has grown old. Looking after every write made 1,000 writes a million stats
   * (13 s of a 1,000-file check). Other processes' writes are seen at the next look.
   */
  #estimate: { bytes: number; at: number } | null = null;

  constructor({ dir, schema, maxBytes = DEFAULT_CACHE_MAX_BYTES }: DiskCacheOptions<T>) {
    this.#dir = dir;
    this.#schema = schema;
    this.#maxBytes = maxBytes;
  }

  /** The entry stored under `key`, or null when there is none or it cannot be trusted. */
  async get(key: string): Promise<{ value: T; payload: Buffer } | null> {
    const file = this.#file(key);
    let read = readSmallEntry(file);
    if (read === 'large')
      read = await readFile(file).then(
        (bytes) => ({ bytes, usedMs: 0 }),
        () => null,
      );
    if (!read) return null;
    const entry = decode(read.bytes, key, this.#schema);
    if (!entry) {
      await unlink(file).catch(() => undefined);
      return null;
    }
    // The modification time is the last use (access times are often not kept: noatime), to
    // the hour: a file's entries, read again and again by pre-commit runs, are not written each time.
    if (Date.now() - read.usedMs > TOUCH_AFTER_MS) {
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined);
    }
    return entry;
  }

  /**
   * Stores `value` (and a binary `payload`) under `key`, then evicts what exceeds the bound.
   * A cache that cannot be written only costs the work again: failures are swallowed.
   */
  async set(key: string, value: T, payload: Uint8Array = new Uint8Array()): Promise<void> {
    const header: Header = {
      key,
      value,
      payload: { bytes: payload.length, sha256: sha256(payload) },
    };
    const bytes = Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), payload]);
    if (bytes.length > this.#maxBytes) return;
    const temporary = join(this.#dir, `.${randomBytes(8).toString('hex')}.${process.pid}.tmp`);
    try {
      await mkdir(this.#dir, { recursive: true });
      await writeFile(temporary, bytes);
      await rename(temporary, this.#file(key));
      if (this.#estimate && Date.now() - this.#estimate.at < RESCAN_MS) {
        // An overwritten entry's old bytes still count: the next look corrects it.
        this.#estimate.bytes += bytes.length;
        if (this.#estimate.bytes <= this.#maxBytes) return;
      }
      await this.#evict();
    } catch {
      await unlink(temporary).catch(() => undefined);
    }
  }

  #file(key: string): string {
    return join(this.#dir, `${sha256(Buffer.from(key))}${ENTRY}`);
  }

  /** Removes the least recently used entries beyond the bound, and anything that is no entry. */
  async #evict(): Promise<void> {
    const names = await readdir(this.#dir);
    const entries: { path: string; size: number; used: number }[] = [];
    const now = Date.now();
    for (const name of names) {
      const path = join(this.#dir, name);
      const info = await stat(path).catch(() => null);
      if (!info) continue; // removed meanwhile by another process
      if (name.endsWith(ENTRY) && info.isFile()) {
        entries.push({ path, size: info.size, used: info.mtimeMs });
      } else if (!name.endsWith('.tmp') || now - info.mtimeMs > STALE_TEMPORARY_MS) {
        // Another format (an older release's layout) or a dead writer's leftover.
        await rm(path, { recursive: true, force: true }).catch(() => undefined);
      }
    }
    let total = entries.reduce((sum, entry) => sum + entry.size, 0);
    entries.sort((a, b) => a.used - b.used);
    for (const entry of entries) {
      if (total <= this.#maxBytes) break;
      await unlink(entry.path).catch(() => undefined);
      total -= entry.size;
    }
    this.#estimate = { bytes: total, at: Date.now() };
  }
}

/**
 * An entry of at most SYNC_READ_BYTES, read on this thread, with its last use; null when
 * there is none, 'large' when it is larger. ShellCheck's facts are an entry per Dockerfile of a few KiB,
 * in the page cache: read synchronously, some 50 µs each. Through the thread pool its four
 * operations (open, stat, read, close) queued behind the check's other I/O, and a 1,000-file
 * check with every file's facts on disk spent ~0.5 s waiting for them with its workers idle.
 * A larger entry (a compiled policy, megabytes) is read off the thread.
 */
function readSmallEntry(file: string): { bytes: Buffer; usedMs: number } | 'large' | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const { size, mtimeMs } = fstatSync(fd);
    if (size > SYNC_READ_BYTES) return 'large';
    const bytes = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const read = readSync(fd, bytes, filled, size - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    return { bytes: bytes.subarray(0, filled), usedMs: mtimeMs };
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

function decode<T>(bytes: Buffer, key: string, schema: JsonSchema<T>): { value: T; payload: Buffer } | null {
  const newline = bytes.indexOf(10);
  if (newline < 0) return null;
  const header = checkJson(bytes.subarray(0, newline), CACHE_ENTRY_HEADER);
  if ('problem' in header || header.value.key !== key) return null;
  const payload = bytes.subarray(newline + 1);
  const expected = header.value.payload;
  if (payload.length !== expected.bytes || sha256(payload) !== expected.sha256) return null;
  if (schemaProblem(header.value.value, schema) !== null) return null;
  return { value: header.value.value as T, payload };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
