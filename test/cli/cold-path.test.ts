/**
 * What a cold `portcullis check FILE` loads: each module it need not load is time a pre-commit
 * hook waits for on every commit (issue #17). Run as users run it, bin/portcullis.js in its own
 * process, with test/support/loaded-modules.mjs reporting what was loaded.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface Loaded {
  builtins: string[];
  commonjs: string[];
}

async function loadedBy(...args: string[]): Promise<{ stdout: string; loaded: Loaded }> {
  const result = await run(
    process.execPath,
    ['--import', './test/support/loaded-modules.mjs', 'bin/portcullis.js', ...args],
    // ShellCheck (on PATH after set-up) with an empty cache: its facts' cache key reads our version.
    { env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1' } },
  ).catch((error: { stdout: string; stderr: string }) => error);
  const line = /^LOADED (.*)$/m.exec(result.stderr)?.[1];
  if (!line) throw new Error(`no LOADED line in: ${result.stderr}`);
  return { stdout: result.stdout, loaded: JSON.parse(line) as Loaded };
}

/** The file's folder, and the home folder of the command, so its caches start empty. */
let dir: string;

describe('a cold portcullis check of one file', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-cold-'));
    await writeFile(join(dir, 'Dockerfile'), 'FROM alpine:3.19\nRUN apk add --no-cache curl\nUSER app\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('judges the file without loading ajv (its schemas are precompiled) or re2js, caches empty or not', async () => {
    for (const caches of ['empty', 'filled by the run before']) {
      const { stdout, loaded } = await loadedBy('check', '--offline', join(dir, 'Dockerfile'));
      expect(stdout).toContain('PC-DF-003');
      expect({ caches, ajv: loaded.commonjs.filter((file) => /node_modules\/ajv\//.test(file)) }).toEqual({
        caches,
        ajv: [],
      });
      // re2js is loaded by the first regex.replace, regex.split or regex.find_n: none here.
      expect(loaded.commonjs.filter((file) => /node_modules\/re2js\//.test(file))).toEqual([]);
    }
  });
});
