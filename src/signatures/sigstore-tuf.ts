/**
 * Refreshing the public-good Sigstore trusted root through TUF (The Update Framework), when
 * the operator allows it (PORTCULLIS_SIGSTORE_TUF_URL). Sigstore publishes `trusted_root.json`
 * as a TUF target: a new Rekor shard or Fulcio intermediate reaches clients that way, and the
 * root shipped in the package only knows the ones of its day.
 *
 * The TUF client is @sigstore/tuf (tuf-js underneath), the one sigstore-js and npm use: it
 * starts from a TUF root it already trusts (its embedded seed for the public-good mirror, or
 * `tufRootPath`), then walks root rotations, timestamp, snapshot and targets, checking each
 * one's signatures, thresholds, versions and expiry, and the target's length and hashes.
 * Written by hand, that chain is where a gate's trust anchors would be lost.
 *
 * Anything that goes wrong (mirror unreachable, expired or badly signed metadata, a target
 * that does not match its hashes, a root that does not parse) keeps the root in use (the
 * shipped one, or the last verified one, also across restarts through the cache) and logs a
 * warning: a check never waits on the mirror, and a refresh never stops the App.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { initTUF } from '@sigstore/tuf';
import { errorMessage } from '../errors.js';
import { type Settings, settings } from '../settings.js';
import { parseTrustedRoot, publicGoodTrustedRoot, useRefreshedTrustedRoot } from './trusted-root.js';

export const TUF_URL_VARIABLE = 'PORTCULLIS_SIGSTORE_TUF_URL';
const TRUSTED_ROOT_TARGET = 'trusted_root.json';
/** Sigstore's timestamp metadata lives for days and its trusted root changes a few times a year: daily is fresh enough. */
export const REFRESH_INTERVAL_MS = 24 * 60 * 60 * 1000;

export interface TufMirror {
  /** The TUF repository's base URL (metadata there, targets under `targets/`). */
  url: string;
  /** The folder for TUF metadata and the last verified trusted_root.json. */
  cacheDir: string;
  /** The TUF root.json trust starts from; unset: @sigstore/tuf's embedded one for the public-good mirror (no other has one). */
  tufRootPath?: string;
  /** Per request; @sigstore/tuf retries twice. */
  timeoutMs?: number;
}

/** Only what a refresh says: a warning carries the reason, never a secret (the URL has no credentials, settings.ts). */
export interface RefreshLog {
  info(message: string): void;
  warn(message: string): void;
}

/** trusted_root.json through TUF, its metadata chain verified; throws why not. */
export async function fetchTrustedRoot(mirror: TufMirror): Promise<{ root: TrustedRoot; text: string }> {
  const client = await initTUF({
    mirrorURL: mirror.url,
    cachePath: join(mirror.cacheDir, 'tuf'),
    rootPath: mirror.tufRootPath,
    timeout: mirror.timeoutMs,
  });
  const text = await client.getTarget(TRUSTED_ROOT_TARGET);
  return { root: parseTrustedRoot(text), text };
}

/** The verified copy kept between runs: the cache folder is the operator's, as trusted as the package. */
function cachedRootPath(mirror: TufMirror): string {
  return join(mirror.cacheDir, TRUSTED_ROOT_TARGET);
}

export class TrustedRootRefresher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<boolean> | undefined;

  constructor(
    readonly mirror: TufMirror,
    private readonly log: RefreshLog,
    private readonly intervalMs = REFRESH_INTERVAL_MS,
  ) {}

  /** Puts the cached root (if any) in use, then refreshes now and every interval, in the background. */
  start(): void {
    this.useCached();
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    // The refresh serves the App; it must not keep a process alive that is otherwise done.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One refresh (one at a time); true when the fetched root is now in use. Never throws. */
  refresh(): Promise<boolean> {
    this.running ??= this.refreshOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async refreshOnce(): Promise<boolean> {
    try {
      const { root, text } = await fetchTrustedRoot(this.mirror);
      useRefreshedTrustedRoot(root);
      this.keep(text);
      this.log.info(`The Sigstore trusted root was refreshed through TUF from ${this.mirror.url}`);
      return true;
    } catch (error) {
      this.log.warn(
        `The Sigstore trusted root could not be refreshed through TUF from ${this.mirror.url} (${TUF_URL_VARIABLE}); the last good one stays in use: ${reasons(error)}`,
      );
      return false;
    }
  }

  private useCached(): void {
    let text: string;
    try {
      text = readFileSync(cachedRootPath(this.mirror), 'utf8');
    } catch {
      return; // Never refreshed yet: the shipped root stays.
    }
    let cached: TrustedRoot;
    try {
      cached = parseTrustedRoot(text);
    } catch (error) {
      this.log.warn(
        `The cached Sigstore trusted root ${cachedRootPath(this.mirror)} is ignored: ${errorMessage(error)}`,
      );
      return;
    }
    // After an upgrade the package may ship a later root than the one cached by the old version.
    if (newestStart(cached) < newestStart(publicGoodTrustedRoot())) {
      this.log.info(
        `The cached Sigstore trusted root ${cachedRootPath(this.mirror)} is older than the shipped one, which stays in use until a refresh`,
      );
      return;
    }
    useRefreshedTrustedRoot(cached);
  }

  /** Written aside and renamed, so that a crash or a second process never leaves half a root. */
  private keep(text: string): void {
    try {
      mkdirSync(this.mirror.cacheDir, { recursive: true });
      const temporary = `${cachedRootPath(this.mirror)}.${process.pid}.tmp`;
      writeFileSync(temporary, text);
      renameSync(temporary, cachedRootPath(this.mirror));
    } catch (error) {
      this.log.warn(`The refreshed Sigstore trusted root could not be cached: ${errorMessage(error)}`);
    }
  }
}

/**
 * The App's refresher, started; null when refreshing is off: no mirror configured, or the
 * operator's own root (PORTCULLIS_SIGSTORE_TRUSTED_ROOT), which always wins.
 */
export function startTrustedRootRefresh(
  log: RefreshLog,
  from: Settings = settings(),
): TrustedRootRefresher | null {
  if (!from.sigstoreTufUrl) return null;
  if (from.sigstoreTrustedRoot) {
    log.info(
      `${TUF_URL_VARIABLE} is not used: the operator's Sigstore trusted root (PORTCULLIS_SIGSTORE_TRUSTED_ROOT) wins`,
    );
    return null;
  }
  const cache = from.cacheDir ?? join(from.home ?? homedir(), '.cache', 'portcullis');
  const refresher = new TrustedRootRefresher(
    { url: from.sigstoreTufUrl, cacheDir: join(cache, 'sigstore-tuf') },
    log,
  );
  refresher.start();
  return refresher;
}

/**
 * When the newest log key or authority a root lists became valid: Sigstore adds a shard or an
 * intermediate with a new start and ends old ones rather than remove them, so of two roots,
 * the later one has the later newest start.
 */
function newestStart(root: TrustedRoot): number {
  const ranges = [
    ...root.tlogs.map((log) => log.publicKey?.validFor),
    ...root.ctlogs.map((log) => log.publicKey?.validFor),
    ...root.certificateAuthorities.map((authority) => authority.validFor),
    ...root.timestampAuthorities.map((authority) => authority.validFor),
  ];
  return Math.max(0, ...ranges.map((range) => range?.start?.getTime() ?? 0));
}

/** @sigstore/tuf wraps tuf-js's error (the one that says which check failed) as its `cause`. */
function reasons(error: unknown): string {
  const parts: string[] = [];
  for (
    let at: unknown = error;
    at !== undefined && parts.length < 4;
    at = (at as { cause?: unknown }).cause
  ) {
    parts.push(errorMessage(at));
    if (!(at instanceof Error)) break;
  }
  return parts.join(': ');
}
