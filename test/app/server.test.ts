/**
 * The App's server as `npm start` runs it (`node dist/main.js`, built by `npm run build`),
 * on a free loopback port: what it refuses at start, and what it refuses at the webhook
 * before reading a body (issue #10, defect 12).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/tools.js';
import { freePort } from '../support/free-port.js';

const MAIN = join(PROJECT_ROOT, 'dist', 'main.js');
const SECRET = 'a-webhook-secret-of-32-characters';
const MB = 1024 * 1024;

let dir: string;
let keyPath: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-server-'));
  keyPath = join(dir, 'app.pem');
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  writeFileSync(keyPath, privateKey);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

/** `node dist/main.js` in an empty folder (no .env, no .pem) with only these variables. */
function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [MAIN], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

async function exitWithin(started: Started, ms: number): Promise<number | null> {
  const timer = setTimeout(() => started.child.kill('SIGKILL'), ms);
  try {
    return await started.exit;
  } finally {
    clearTimeout(timer);
  }
}

function post(
  port: number,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; text: string; ms: number }> {
  const begun = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          // Declared, unless the caller streams it (`transfer-encoding: chunked`).
          ...('transfer-encoding' in headers ? {} : { 'content-length': String(body.length) }),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        // 'close', not only 'end': the server may reset the connection after its answer while
        // a refused body is still being sent, and then the answer is all there is.
        res.on('close', () => resolve({ status: res.statusCode ?? 0, text, ms: Date.now() - begun }));
      },
    );
    // Sent in pieces, as a client does, and no more once the server has answered: a refused
    // body is not read to its end, and the server may close the connection after its answer.
    let answered = false;
    req.on('response', () => {
      answered = true;
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return;
      // The server answered 413 and closed while the body was still going out; on a loaded
      // machine the reset can reach the client before the answer is parsed. Status 0: cut off.
      // The answer may still arrive (then it wins); status 0 only when it does not.
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET')
        setTimeout(() => resolve({ status: 0, text: '', ms: Date.now() - begun }), 2_000).unref();
      else reject(error);
    });
    const piece = 256 * 1024;
    const send = (at: number): void => {
      if (answered || at >= body.length) {
        req.end();
        return;
      }
      const more = req.write(body.subarray(at, at + piece));
      if (more) setImmediate(() => send(at + piece));
      else req.once('drain', () => send(at + piece));
    };
    send(0);
  });
}

/** Peak resident memory of a process, in bytes (Linux). */
function peakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0) * 1024;
}

describe('at start', () => {
  it.each([
    ['development', /WEBHOOK_SECRET is "development", a published default/],
    ['x', /WEBHOOK_SECRET has 1 characters, fewer than 16/],
    ['fifteen-chars!!', /WEBHOOK_SECRET has 15 characters, fewer than 16/],
  ])('refuses WEBHOOK_SECRET=%s with a clear message', async (secret, message) => {
    const started = start({ APP_ID: '1', PRIVATE_KEY_PATH: keyPath, WEBHOOK_SECRET: secret, PORT: '1' });
    expect(await exitWithin(started, 30_000)).toBe(2);
    expect(started.output()).toMatch(message);
    expect(started.output().trim().split('\n')).toHaveLength(1);
  });

  it.each([
    ['a missing key file', { PRIVATE_KEY_PATH: '/nonexistent' }, /PRIVATE_KEY_PATH=\/nonexistent \(ENOENT\)/],
    ['a folder as key file', { PRIVATE_KEY_PATH: '/tmp' }, /not a regular file/],
    [
      'a malformed PRIVATE_KEY',
      { PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\nnope\n-----END RSA PRIVATE KEY-----' },
      /PRIVATE_KEY does not hold an RSA private key/,
    ],
  ])('refuses %s instead of serving Probot’s setup page', async (_, env, message) => {
    const port = await freePort();
    const started = start({
      APP_ID: '1',
      WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      HOST: '127.0.0.1',
      ...env,
    });
    expect(await exitWithin(started, 30_000)).toBe(2);
    expect(started.output()).toMatch(message);
    expect(started.output().trim().split('\n')).toHaveLength(1);
    // Nothing listens: no /probot registration page.
    await expect(fetch(`http://127.0.0.1:${port}/probot`)).rejects.toThrow();
  });
});

describe('the webhook', () => {
  let port: number;
  let server: Started;
  beforeAll(async () => {
    port = await freePort();
    server = start({
      APP_ID: '1',
      PRIVATE_KEY_PATH: keyPath,
      WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    const deadline = Date.now() + 45_000;
    while (!server.output().includes('Listening on')) {
      if (Date.now() > deadline || server.child.exitCode !== null)
        throw new Error(`the App did not start: ${server.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);
  afterAll(async () => {
    server.child.kill('SIGTERM');
    await exitWithin(server, 10_000);
  });

  const marker = Buffer.from('FORGED-BODY-MARKER');
  const big = Buffer.concat([marker, Buffer.alloc(30 * MB, 0x20), marker]);
  const headers = { 'x-github-event': 'ping', 'x-github-delivery': 'forged-1' };

  it('refuses an unsigned 30 MB body at once, without buffering or logging it', async () => {
    const before = peakRss(server.child.pid as number);
    const answer = await post(port, '/api/github/webhooks', headers, big);
    // 400, or the connection cut before the client read it (status 0; twice in three full runs
    // on a loaded 2-core machine): refused either way, as a body over 25 MB below.
    expect([400, 0]).toContain(answer.status);
    if (answer.status === 400) expect(answer.text).toContain('X-Hub-Signature-256');
    expect(answer.ms).toBeLessThan(5_000);
    expect(peakRss(server.child.pid as number) - before).toBeLessThan(20 * MB);
    expect(server.output()).not.toContain('FORGED-BODY-MARKER');
  });

  it('refuses a signed body over 25 MB with 413, declared or streamed', async () => {
    const signature = `sha256=${'0'.repeat(64)}`;
    const declared = await post(
      port,
      '/api/github/webhooks',
      { ...headers, 'x-hub-signature-256': signature },
      big,
    );
    // 413, or the connection cut before the client read it (status 0): refused either way.
    expect([413, 0]).toContain(declared.status);
    const streamed = await post(
      port,
      '/api/github/webhooks',
      { ...headers, 'x-hub-signature-256': signature, 'transfer-encoding': 'chunked' },
      big,
    );
    expect([413, 0]).toContain(streamed.status);
    expect(server.output()).not.toContain('FORGED-BODY-MARKER');
  });

  it('refuses a forged signature without logging the body, and takes a signed delivery', async () => {
    const body = Buffer.from(JSON.stringify({ zen: 'FORGED-BODY-MARKER', hook_id: 1 }));
    const forged = await post(
      port,
      '/api/github/webhooks',
      { ...headers, 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      body,
    );
    expect(forged.status).toBe(401);
    expect(server.output()).not.toContain('FORGED-BODY-MARKER');

    const ping = Buffer.from(JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 }));
    const signature = `sha256=${createHmac('sha256', SECRET).update(ping).digest('hex')}`;
    const signed = await post(
      port,
      '/api/github/webhooks',
      { ...headers, 'x-github-delivery': 'signed-1', 'x-hub-signature-256': signature },
      ping,
    );
    expect(signed).toMatchObject({ status: 200, text: 'ok\n' });
  });

  it('serves no /probot setup page', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/probot`);
    expect(response.status).toBe(404);
  });
});
