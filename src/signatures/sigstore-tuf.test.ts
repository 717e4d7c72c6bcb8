/**
 * The trusted-root refresh against a real TUF repository on 127.0.0.1 (test/support/
 * tuf-repository.ts: ed25519-signed root, timestamp, snapshot and targets metadata), read by
 * the real client (@sigstore/tuf, tuf-js), seeded with that repository's root.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/support/free-port.js';
import { TufRepository } from '../../test/support/tuf-repository.js';
import { loadSettings } from '../settings.js';
import { startTrustedRootRefresh, TrustedRootRefresher, type TufMirror } from './sigstore-tuf.js';
import { trustedRootFromEnv } from './trust-policy.js';
import { PUBLIC_GOOD_TRUSTED_ROOT, useRefreshedTrustedRoot } from './trusted-root.js';

const shipped = JSON.parse(readFileSync(PUBLIC_GOOD_TRUSTED_ROOT, 'utf8'));
/** A root that names only one of the public-good logs, so that the one in use can be told apart. */
function rootWithLog(baseUrl: string): string {
  const tlogs = shipped.tlogs.filter((log: { baseUrl: string }) => log.baseUrl === baseUrl);
  if (tlogs.length !== 1) throw new Error(`the shipped root has no log ${baseUrl}`);
  return JSON.stringify({ ...shipped, tlogs }, null, 2);
}
const FIRST = 'https://rekor.sigstore.dev';
const SECOND = 'https://log2025-1.rekor.sigstore.dev';
const inUse = () => trustedRootFromEnv(loadSettings({})).tlogs.map((log) => log.baseUrl);
const SHIPPED_LOGS = shipped.tlogs.map((log: { baseUrl: string }) => log.baseUrl);

let repository: TufRepository;
let dir: string;
let mirror: TufMirror;
let logged: { info: string[]; warn: string[] };
const log = {
  info: (message: string) => logged.info.push(message),
  warn: (message: string) => logged.warn.push(message),
};

beforeEach(async () => {
  useRefreshedTrustedRoot(undefined);
  logged = { info: [], warn: [] };
  repository = new TufRepository();
  await repository.start();
  dir = mkdtempSync(join(tmpdir(), 'portcullis-tuf-'));
  writeFileSync(join(dir, 'tuf-root.json'), repository.rootJson);
  mirror = { url: repository.url, cacheDir: join(dir, 'cache'), tufRootPath: join(dir, 'tuf-root.json') };
});

afterEach(async () => {
  useRefreshedTrustedRoot(undefined);
  await repository.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('uses the trusted root fetched through TUF, and a newer one once published', async () => {
  expect(inUse()).toEqual(SHIPPED_LOGS);
  repository.publish({ trustedRoot: rootWithLog(FIRST) });
  const refresher = new TrustedRootRefresher(mirror, log);
  await expect(refresher.refresh()).resolves.toBe(true);
  expect(inUse()).toEqual([FIRST]);
  expect(logged.warn).toEqual([]);

  repository.publish({ trustedRoot: rootWithLog(SECOND) });
  await expect(refresher.refresh()).resolves.toBe(true);
  expect(inUse()).toEqual([SECOND]);
  // The verified root is kept for the next start.
  expect(JSON.parse(readFileSync(join(mirror.cacheDir, 'trusted_root.json'), 'utf8')).tlogs).toHaveLength(1);

  // The operator's root wins over the refreshed one.
  writeFileSync(join(dir, 'operator-root.json'), rootWithLog(FIRST));
  const operator = loadSettings({ PORTCULLIS_SIGSTORE_TRUSTED_ROOT: join(dir, 'operator-root.json') });
  expect(trustedRootFromEnv(operator).tlogs.map((entry) => entry.baseUrl)).toEqual([FIRST]);
});

it('refuses a target that does not match its hashes, and keeps the previous root', async () => {
  repository.publish({ trustedRoot: rootWithLog(FIRST) });
  const refresher = new TrustedRootRefresher(mirror, log);
  await refresher.refresh();
  repository.publish({ trustedRoot: rootWithLog(SECOND), tamperTarget: true });
  await expect(refresher.refresh()).resolves.toBe(false);
  expect(inUse()).toEqual([FIRST]);
  expect(logged.warn).toEqual([
    expect.stringMatching(/could not be refreshed through TUF.*last good one.*hash/i),
  ]);
});

it('refuses an expired timestamp, and keeps the shipped root when nothing was fetched yet', async () => {
  repository.publish({ trustedRoot: rootWithLog(FIRST), timestampExpires: new Date(Date.now() - 60_000) });
  const refresher = new TrustedRootRefresher(mirror, log);
  await expect(refresher.refresh()).resolves.toBe(false);
  expect(inUse()).toEqual(SHIPPED_LOGS);
  expect(logged.warn).toEqual([expect.stringMatching(/timestamp.*expired/i)]);
});

it('refuses metadata signed by a key the seeded TUF root does not name', async () => {
  repository.publish({ trustedRoot: rootWithLog(FIRST) });
  const impostor = new TufRepository();
  writeFileSync(join(dir, 'tuf-root.json'), impostor.rootJson);
  await expect(new TrustedRootRefresher(mirror, log).refresh()).resolves.toBe(false);
  expect(inUse()).toEqual(SHIPPED_LOGS);
  expect(logged.warn).toEqual([expect.stringContaining('timestamp was signed by 0/1 keys')]);
});

it('keeps the previous root when the mirror is unreachable, and after a restart starts from the cached one', async () => {
  repository.publish({ trustedRoot: rootWithLog(SECOND) });
  await new TrustedRootRefresher(mirror, log).refresh();
  await repository.stop();
  useRefreshedTrustedRoot(undefined);

  // A new process: the cached root is in use at once, the unreachable mirror only warns.
  const restarted = new TrustedRootRefresher(
    { ...mirror, url: `http://127.0.0.1:${await freePort()}` },
    log,
    60_000,
  );
  restarted.start();
  try {
    expect(inUse()).toEqual([SECOND]);
    await expect(restarted.refresh()).resolves.toBe(false);
    expect(inUse()).toEqual([SECOND]);
    expect(logged.warn).toEqual([
      expect.stringContaining('could not be refreshed through TUF from http://127.0.0.1:'),
    ]);
  } finally {
    restarted.stop();
  }
});

it('starts from the shipped root when the cached one is older (the package was upgraded)', async () => {
  mkdirSync(mirror.cacheDir, { recursive: true });
  // Without the 2025 log, its newest key or authority is older than the shipped root's.
  writeFileSync(join(mirror.cacheDir, 'trusted_root.json'), rootWithLog(FIRST));
  const refresher = new TrustedRootRefresher(mirror, log, 60_000);
  refresher.start();
  try {
    expect(inUse()).toEqual(SHIPPED_LOGS);
    expect(logged.info).toEqual([expect.stringContaining('is older than the shipped one')]);
  } finally {
    refresher.stop();
    await refresher.refresh();
  }
});

it('ignores a cached root that does not parse, with a warning', async () => {
  mkdirSync(mirror.cacheDir, { recursive: true });
  writeFileSync(join(mirror.cacheDir, 'trusted_root.json'), '{"mediaType": "nonsense"}');
  const refresher = new TrustedRootRefresher(mirror, log, 60_000);
  refresher.start();
  try {
    expect(inUse()).toEqual(SHIPPED_LOGS);
    expect(logged.warn).toEqual([expect.stringContaining('trusted_root.json is ignored')]);
  } finally {
    refresher.stop();
    await refresher.refresh(); // the one start began: nothing published yet, so it warns too
  }
});

it('ships the trusted root of the @sigstore/tuf seed the refresh starts from (scripts/extract-sigstore-root.mjs)', () => {
  const seeds = createRequire(import.meta.url)('@sigstore/tuf/seeds.json');
  const seeded = Buffer.from(
    seeds['https://tuf-repo-cdn.sigstore.dev'].targets['trusted_root.json'],
    'base64',
  );
  expect(readFileSync(PUBLIC_GOOD_TRUSTED_ROOT).equals(seeded)).toBe(true);
});

describe('the setting', () => {
  it('is off unless PORTCULLIS_SIGSTORE_TUF_URL is set, and the operator root turns it off', () => {
    expect(startTrustedRootRefresh(log, loadSettings({}))).toBeNull();
    const operator = startTrustedRootRefresh(
      log,
      loadSettings({
        PORTCULLIS_SIGSTORE_TUF_URL: repository.url,
        PORTCULLIS_SIGSTORE_TRUSTED_ROOT: '/etc/root.json',
      }),
    );
    expect(operator).toBeNull();
    expect(logged.info).toEqual([expect.stringContaining('the operator')]);
  });

  it('refreshes from the mirror into the cache folder', async () => {
    repository.publish({ trustedRoot: rootWithLog(FIRST) });
    // Only @sigstore/tuf's public-good mirror has an embedded TUF root: another without one warns, never crashes.
    const refresher = startTrustedRootRefresh(
      log,
      loadSettings({ PORTCULLIS_SIGSTORE_TUF_URL: `${repository.url}/`, PORTCULLIS_CACHE_DIR: dir }),
    );
    try {
      expect(refresher?.mirror).toEqual({ url: repository.url, cacheDir: join(dir, 'sigstore-tuf') });
      await expect(refresher?.refresh()).resolves.toBe(false);
      expect(logged.warn).toEqual([
        expect.stringContaining(`No root.json found for mirror: ${repository.url}`),
      ]);
    } finally {
      refresher?.stop();
    }
  });

  it('refuses a URL with credentials (fetch would refuse them; the URL is logged)', () => {
    expect(() => loadSettings({ PORTCULLIS_SIGSTORE_TUF_URL: 'https://user:pass@tuf.example' })).toThrow(
      /PORTCULLIS_SIGSTORE_TUF_URL must be an http\(s\) URL without credentials/,
    );
    expect(() => loadSettings({ PORTCULLIS_SIGSTORE_TUF_URL: 'file:///etc/root' })).toThrow(/http\(s\) URL/);
  });
});
