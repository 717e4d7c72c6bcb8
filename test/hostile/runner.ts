/**
 * Runs the real command line (`node bin/portcullis.js`, i.e. dist/) the way CI and users
 * do, under limits, and records what the suite asserts on every process: exit code or
 * signal, time, peak memory, output.
 *
 * Memory: each process runs under `prlimit --data` (RLIMIT_DATA, 1 GiB), a hard cap on
 * private writable memory that a runaway Buffer or string cannot get past; the address-space
 * limit (`--as`) is unusable because V8 and WebAssembly reserve tens of GiB of PROT_NONE
 * address space that is never committed. Peak RSS is measured by GNU time (`%M`, the
 * largest of the process and its waited-for children such as opa and osv-scanner).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'portcullis.js');

/**
 * Per process: wall-clock limit, hard memory cap, and the peak RSS we accept. A group's one
 * run may spend the policy's 5 s time limit on several pathological files (60,000 ENV lines,
 * 5,000 stages, 100,000 continuations each stop at it, PC-SANDBOX-001), so the bound is wide.
 */
export const LIMITS = { timeMs: 45_000, dataBytes: 1024 ** 3, peakRssKiB: 768 * 1024 } as const;

/**
 * Secrets the processes could see in their environment. None may ever appear in an output:
 * the App's key and webhook secret, a token, registry credentials.
 */
export const CANARIES = {
  PRIVATE_KEY: 'canary-7f3e-private-key-d41d8cd98f00',
  WEBHOOK_SECRET: 'canary-7f3e-webhook-secret-b5e0a7c1',
  GITHUB_TOKEN: 'ghp_canary7f3eXq9v2Lk8Zt4Rw1Yp6Mn0Bc3Dh5',
  PORTCULLIS_REGISTRY_AUTH: JSON.stringify({
    'registry.canary.example': { username: 'canary-user', password: 'canary-7f3e-registry-password-91c2' },
  }),
} as const;
export const CANARY_VALUES = [
  CANARIES.PRIVATE_KEY,
  CANARIES.WEBHOOK_SECRET,
  CANARIES.GITHUB_TOKEN,
  'canary-7f3e-registry-password-91c2',
];

export interface ProcessRun {
  args: string[];
  cwd: string;
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  ms: number;
  /** Peak resident set size in KiB (GNU time), or null when it could not be read. */
  peakRssKiB: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  /** Extra environment (on top of the canaries and a minimal PATH/HOME). */
  env?: Record<string, string>;
  /** Folder for GNU time's report and the shared policy cache. */
  work: string;
}

let sequence = 0;

export function runPortcullis(args: string[], options: RunOptions): Promise<ProcessRun> {
  const timeFile = join(options.work, `time-${process.pid}-${sequence++}.txt`);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: join(options.work, 'home'),
    NO_COLOR: '1',
    // Compiled policy bundles are cached by content: shared, so that each run does not recompile.
    PORTCULLIS_CACHE_DIR: join(options.work, 'cache'),
    ...CANARIES,
    ...options.env,
  };
  const argv = [
    '-o',
    timeFile,
    '-f',
    '%M',
    'prlimit',
    `--data=${LIMITS.dataBytes}`,
    '--',
    process.execPath,
    BIN,
    ...args,
  ];
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn('/usr/bin/time', argv, {
      cwd: options.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // GNU time is the direct child; the process group holds node and its helpers.
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, LIMITS.timeMs);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      let stderr = Buffer.concat(err).toString('utf8');
      // GNU time reports a signal or a non-zero status on stderr itself: read it back out.
      let childSignal: string | null = signal;
      const killed = /^Command terminated by signal (\d+)\n?/m.exec(stderr);
      if (killed) childSignal = `signal ${killed[1]}`;
      stderr = stderr.replace(/^Command (exited with non-zero status \d+|terminated by signal \d+)\n?/gm, '');
      let peak: number | null = null;
      if (existsSync(timeFile)) {
        const text = readFileSync(timeFile, 'utf8');
        const m = /(\d+)\s*$/.exec(text.trim());
        if (m) peak = Number(m[1]);
        if (/terminated by signal (\d+)/.exec(text)) childSignal = `signal ${/signal (\d+)/.exec(text)?.[1]}`;
      }
      done({
        args,
        cwd: options.cwd,
        code: childSignal ? null : code,
        signal: childSignal,
        timedOut,
        ms,
        peakRssKiB: peak,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr,
      });
    });
  });
}

/**
 * The command in this process, through the same entry as bin/portcullis.js (dist/cli/main.js),
 * with `--repo cwd` for check and fix. Also a check the CLI process cannot give: no key
 * was added to Object.prototype (the hostile inputs here are the `__proto__` family).
 */
export async function runInProcess(
  args: string[],
  cwd: string,
): Promise<ProcessRun & { polluted: string[] }> {
  const { runCli } = (await import(join(ROOT, 'dist', 'cli', 'main.js'))) as {
    runCli(
      argv: string[],
      io: { stdout(t: string): void; stderr(t: string): void; color: boolean },
    ): Promise<number>;
  };
  const before = new Set(Object.getOwnPropertyNames(Object.prototype));
  const out: string[] = [];
  const err: string[] = [];
  const started = performance.now();
  let code: number | null;
  try {
    // Only the commands that judge a repository take --repo; the others name absolute paths.
    const repo = args[0] === 'check' || args[0] === 'fix' ? ['--repo', cwd] : [];
    code = await runCli([...args, ...repo], {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      color: false,
    });
  } catch (error) {
    code = null;
    err.push(String((error as Error).stack ?? error));
  }
  const polluted = Object.getOwnPropertyNames(Object.prototype).filter((name) => !before.has(name));
  return {
    args,
    cwd,
    code,
    signal: null,
    timedOut: false,
    ms: performance.now() - started,
    peakRssKiB: null,
    // As bin/portcullis.js writes them: each piece of output on its own line.
    stdout: out.map((t) => `${t}\n`).join(''),
    stderr: err.map((t) => `${t}\n`).join(''),
    polluted,
  };
}

/** Runs `jobs` with at most `limit` at a time (the machine has two cores), keeping their order. */
export async function pooled<T>(jobs: (() => Promise<T>)[], limit = 2): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await (jobs[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

/**
 * A digest of every entry under `dir` (names, types, link targets, modes, sizes, contents),
 * never following symbolic links: any change outside the repository shows.
 */
export function treeDigest(dir: string): string {
  const hash = createHash('sha256');
  const walk = (path: string) => {
    const info = lstatSync(path);
    hash.update(`${path}\0${info.mode}\0${info.size}\0`);
    if (info.isSymbolicLink()) hash.update(readlinkSync(path));
    else if (info.isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name));
    else if (info.isFile()) hash.update(readFileSync(path));
  };
  walk(dir);
  return hash.digest('hex');
}

/** Every regular file under `dir` (not following links), for the canary check on written files. */
export function filesUnder(dir: string): string[] {
  const files: string[] = [];
  const walk = (path: string) => {
    const info = lstatSync(path);
    if (info.isDirectory()) {
      for (const name of readdirSync(path)) if (name !== '.git') walk(join(path, name));
    } else if (info.isFile() && statSync(path).size < 8 * 1024 * 1024) files.push(path);
  };
  walk(dir);
  return files;
}
