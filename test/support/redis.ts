/**
 * A real redis-server (Debian's, installed by scripts/setup.sh) on a free loopback port with
 * its own temporary folder and no persistence, for the Redis queue's tests. Use it inside
 * `describeWithTools(['redis-server'], …)` and stop it in afterAll.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolPath } from '../../src/tools.js';
import { freePort } from './free-port.js';

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  // Another process may take the free port before redis binds it: try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOn(await freePort());
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startOn(port: number): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-redis-'));
  const server = spawn(
    toolPath('redis-server'),
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      };
      server.stdout?.on('data', onData);
      server.stderr?.on('data', onData);
      server.once('error', reject);
      server.once('exit', (code) =>
        reject(new Error(`redis-server exited (${code}) on port ${port}:\n${output}`)),
      );
    });
  } catch (error) {
    await ended(server);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await ended(server);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function ended(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.once('exit', () => resolve());
    server.kill('SIGKILL');
  });
}
