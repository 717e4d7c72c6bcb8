/**
 * What a cold `portcullis check FILE` loads: each module it need not load is time a pre-commit
 * hook waits for on every commit (issue #17). Run as users run it, bin/portcullis.js in its own
 * process, with test/support/loaded-modules.mjs reporting what was loaded.
 */
import { isAscii } from 'node:buffer';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
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
    // A file whose findings' fixes and messages once called regex.replace, regex.split and
    // regex.find_n: indentation, a variable in FROM, single quotes, a shell-form CMD.
    await writeFile(
      join(dir, 'Dockerfile'),
      [
        'ARG PYTHON_VERSION=3.12',
        `FROM python:\${PYTHON_VERSION}-slim`,
        'MAINTAINER someone@example.com',
        "  RUN echo '$HOME' $PATH | tee /tmp/out",
        'ADD app.py /app/',
        `ENV API_TOKEN=\${UNSET}`,
        'CMD python /app/app.py',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('judges the file without loading ajv (its schemas are precompiled), re2js or the SDK YAML, caches empty or not', async () => {
    for (const caches of ['empty', 'filled by the run before']) {
      const { stdout, loaded } = await loadedBy('check', '--offline', join(dir, 'Dockerfile'));
      for (const rule of ['PC-DF-003', 'PC-DF-004', 'PC-DF-011', 'PC-DF-012', 'PC-DF-051'])
        expect({ caches, rule, found: stdout.includes(rule) }).toEqual({ caches, rule, found: true });
      expect({ caches, ajv: loaded.commonjs.filter((file) => /node_modules\/ajv\//.test(file)) }).toEqual({
        caches,
        ajv: [],
      });
      // re2js is loaded by the first regex.replace, regex.split or regex.find_n: the pack does
      // these natively (policies/lib/dockerfile.rego), but for camel-case ENV names.
      expect(loaded.commonjs.filter((file) => /node_modules\/re2js\//.test(file))).toEqual([]);
      // Nor the SDK's YAML library, which only its yaml.* built-ins use (src/policy/builtins.ts).
      expect(loaded.commonjs.filter((file) => /opa-wasm\/node_modules\/yaml\/dist\//.test(file))).toEqual([]);
      // Nor, once ShellCheck's findings are cached, the modules that start processes and
      // threads (src/child-process.ts, src/policy/sandbox.ts): it starts neither.
      if (caches !== 'empty')
        expect(loaded.builtins.filter((name) => ['child_process', 'worker_threads'].includes(name))).toEqual(
          [],
        );
    }
  });

  it("loads the CLI from the build's code cache; a Node that rejects it writes its own and prints the same", async () => {
    const home = await mkdtemp(join(tmpdir(), 'portcullis-cold-home-'));
    try {
      const check = async (...nodeFlags: string[]) =>
        (
          await run(
            process.execPath,
            [
              ...nodeFlags,
              join(process.cwd(), 'bin', 'portcullis.js'),
              'check',
              '--offline',
              '--format',
              'json',
              'Dockerfile',
            ],
            {
              cwd: dir,
              env: { PATH: process.env.PATH, HOME: home },
            },
          ).catch((error: { stdout: string }) => error)
        ).stdout.replace(/"duration_ms": \d+/g, '');
      const codeCaches = () => readdir(join(home, '.cache', 'portcullis', 'code-cache')).catch(() => []);

      const shipped = await check();
      expect(shipped).toContain('PC-DF-051');
      expect(await codeCaches()).toEqual([]);

      // --no-opt is one of the V8 flags a code cache is made for: the build's is rejected.
      expect(await check('--no-opt')).toBe(shipped);
      const [written] = await codeCaches();
      expect(written).toMatch(/^cli-[0-9a-f]{16}-v\d+.*\.cache$/);
      const before = await stat(join(home, '.cache', 'portcullis', 'code-cache', written as string));
      expect(await check('--no-opt')).toBe(shipped);
      const after = await stat(join(home, '.cache', 'portcullis', 'code-cache', written as string));
      expect(after.mtimeMs).toBe(before.mtimeMs);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('ships the bundle ASCII, which the bin reads as Latin-1 (1 ms, against 5 ms for UTF-8)', async () => {
    expect(isAscii(await readFile(join(process.cwd(), 'dist', 'bundle', 'cli.cjs')))).toBe(true);
  });
});
