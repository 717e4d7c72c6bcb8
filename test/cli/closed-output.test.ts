/**
 * `portcullis check | head`: the reader closes the pipe before the output is written. The
 * CLI must not crash with Node's EPIPE stack trace; it ends with the check's own status.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portcullis-closed-output-'));
  await writeFile(join(dir, 'Dockerfile'), 'FROM alpine\nRUN apk add curl\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function checkWithClosedStdout(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(process.cwd(), 'bin', 'portcullis.js'), 'check', '--offline', ...args],
      {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    // Gone before the first line: every write of the child meets a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('portcullis check with its output closed', () => {
  it.each([['text'], ['json']])('ends with the check status and no stack trace (%s)', async (format) => {
    const { code, stderr } = await checkWithClosedStdout('--format', format, 'Dockerfile');
    // alpine without a tag is denied (PC-DF-001): status 1, as with the output read.
    expect({ code, stderr }).toEqual({ code: 1, stderr: '' });
  });
});
