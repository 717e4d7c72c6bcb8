/**
 * The App (`node dist/main.js`) with PORTCULLIS_SIGSTORE_TUF_URL: it refreshes the Sigstore
 * trusted root from a TUF repository on 127.0.0.1 at start and keeps it in its cache folder;
 * with the mirror unreachable it logs a warning and serves on. The App's TUF client trusts
 * the test repository because its root.json is put where @sigstore/tuf keeps the root it
 * trusts for a mirror (the seed it would otherwise take from its embedded copy).
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PUBLIC_GOOD_TRUSTED_ROOT } from '../../src/signatures/trusted-root.js';
import { freePort } from '../support/free-port.js';
import { type GitHubSimulator, startGitHubSimulator } from '../support/github-simulator.js';
import { TufRepository } from '../support/tuf-repository.js';
import { type AppProcess, exitWithin, startApp, stopAll, waitForOutput } from './app-process.js';

let dir: string;
let keyPath: string;
let github: GitHubSimulator;
let repository: TufRepository;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-tuf-app-'));
  keyPath = join(dir, 'app.pem');
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  writeFileSync(keyPath, privateKey);
  github = await startGitHubSimulator({ appId: 1, appKey: privateKey });
  repository = new TufRepository();
  await repository.start();
});
afterAll(async () => {
  await stopAll();
  await github.stop();
  await repository.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function ready(port: number): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
  } catch {
    return 0;
  }
}

async function startWith(
  name: string,
  tufUrl: string,
): Promise<{ app: AppProcess; cache: string; port: number }> {
  const cache = join(dir, name);
  const trusted = join(cache, 'sigstore-tuf', 'tuf', encodeURIComponent(new URL(tufUrl).host));
  mkdirSync(trusted, { recursive: true });
  writeFileSync(join(trusted, 'root.json'), repository.rootJson);
  const port = await freePort();
  const app = startApp(dir, {
    APP_ID: '1',
    PRIVATE_KEY_PATH: keyPath,
    WEBHOOK_SECRET: 'a-webhook-secret-of-32-characters',
    HOST: '127.0.0.1',
    ...github.appEnv(),
    PORT: String(port),
    PORTCULLIS_DATA_DIR: join(dir, `${name}-data`),
    PORTCULLIS_CACHE_DIR: cache,
    PORTCULLIS_SIGSTORE_TUF_URL: tufUrl,
  });
  return { app, cache, port };
}

/** Once ready (its SIGTERM handler is set by then), a drain ends the process cleanly. */
async function stop(app: AppProcess, port: number): Promise<void> {
  for (let i = 0; i < 300 && (await ready(port)) !== 200; i++) await new Promise((r) => setTimeout(r, 100));
  app.child.kill('SIGTERM');
  expect(await exitWithin(app, 30_000)).toBe(0);
}

it('refreshes the trusted root through TUF at start and caches the verified one', async () => {
  const shipped = JSON.parse(readFileSync(PUBLIC_GOOD_TRUSTED_ROOT, 'utf8'));
  const published = JSON.stringify({ ...shipped, tlogs: shipped.tlogs.slice(1) });
  repository.publish({ trustedRoot: published });
  const { app, cache, port } = await startWith('refreshing', repository.url);
  await waitForOutput(app, `The Sigstore trusted root was refreshed through TUF from ${repository.url}`);
  expect(readFileSync(join(cache, 'sigstore-tuf', 'trusted_root.json'), 'utf8')).toBe(published);
  await stop(app, port);
});

it('logs a warning and serves on when the mirror is unreachable', async () => {
  const unreachable = `http://127.0.0.1:${await freePort()}`;
  const { app, cache, port } = await startWith('unreachable', unreachable);
  await waitForOutput(
    app,
    /"level":40[^\n]*could not be refreshed through TUF from http:\/\/127\.0\.0\.1:\d+/,
  );
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  expect(existsSync(join(cache, 'sigstore-tuf', 'trusted_root.json'))).toBe(false);
  await stop(app, port);
});
