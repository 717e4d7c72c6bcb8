/**
 * The one way Portcullis starts OPA. Every OPA process may be reading Rego a repository
 * wrote (a fork's pull request included), so every one runs restricted the same way:
 *
 * - the gate's capabilities (`--capabilities`, for the commands that take it): only the
 *   built-ins the WebAssembly engine can run, so never `http.send`, `net.lookup_ip_addr`,
 *   `opa.runtime`, `io.jwt.decode_verify`…; a policy calling one fails to compile with
 *   OPA's own message naming it. Tests get the same file plus TEST_BUILTINS;
 * - an empty environment: `opa.runtime().env` (if it were reachable) and any built-in that
 *   reads the environment see nothing of the App's secrets;
 * - a fresh temporary working folder, removed afterwards;
 * - a wall-clock limit, after which the whole process group is killed;
 * - a memory limit the kernel enforces: RLIMIT_DATA (`ulimit -d`, set by /bin/sh before it
 *   execs OPA). Go maps its heap as private writable memory, which RLIMIT_DATA counts, so
 *   OPA fails its allocation at the limit instead of taking the host's memory. (RLIMIT_AS
 *   does not fit Go: the runtime reserves most of a gigabyte of address space at start.)
 *   GOMEMLIMIT, a soft limit, makes Go collect harder before it gets there;
 * - output capped: a test that prints without end is stopped, not buffered.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childProcess } from '../child-process.js';
import { toolPath } from '../tools.js';
import { wasmBuiltins } from './builtins.js';
import { type OpaCapabilities, parseOpaCapabilities } from './opa-output.js';

export interface OpaLimits {
  /** Wall-clock limit of the whole process. */
  timeoutMs: number;
  /** The process' data segment (RLIMIT_DATA), where Go keeps its heap. */
  memoryBytes: number;
  /** stdout and stderr together; past this the process is stopped. */
  outputBytes: number;
}

export const DEFAULT_OPA_LIMITS: Readonly<OpaLimits> = {
  // `opa test` stops each test after 5 s (`--timeout`); this bounds a whole run of many.
  timeoutMs: 2 * 60_000,
  // The built-in pack builds and tests in under 80 MiB; 512 MiB is ample for real policy
  // sets, and keeps a hostile test's process well inside what the App host can spare.
  memoryBytes: 512 << 20,
  outputBytes: 32 << 20,
};

/** Per-test limit of `opa test`, passed explicitly so that it cannot drift with OPA's default. */
export const OPA_TEST_TIMEOUT = '5s';

/** The commands that check built-in calls against `--capabilities`. */
const CAPABILITY_COMMANDS = new Set(['check', 'test', 'build', 'eval']);

/**
 * Non-deterministic built-ins the gate allows: they read the clock or a random number, never
 * the host or the network. Every other non-deterministic built-in (`http.send`, `opa.runtime`,
 * `net.lookup_ip_addr`, `uuid.rfc4122`, `io.jwt.*` with key fetching…) stays out even if the
 * WebAssembly SDK one day implements it.
 */
const ALLOWED_NONDETERMINISTIC = new Set(['time.now_ns', 'rand.intn']);

/**
 * What `opa test` allows beyond the gate: `print`, which writes to the test's own output
 * (shown cleaned and capped, opa-tools.ts), and `json.patch`, a pure function the built-in
 * pack's test helpers derive inputs with. Neither reads the host, the clock or the network.
 */
const TEST_BUILTINS = new Set(['print', 'internal.print', 'json.patch']);

/** `gate`: what policies may call. `tests`: that, plus TEST_BUILTINS, for `opa check`/`opa test` of a workspace with tests. */
export type CapabilityProfile = 'gate' | 'tests';

export interface OpaResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** OPA stopped by one of its limits, or not started at all. */
export class OpaProcessError extends Error {
  constructor(
    message: string,
    readonly limit: 'time' | 'memory' | 'output' | null,
  ) {
    super(message);
    this.name = 'OpaProcessError';
  }
}

/**
 * Runs `opa ARGS` restricted as described above, in `cwd` (a temporary folder the caller
 * owns) or else in a fresh temporary folder. Resolves with the exit code and output
 * whatever the code; rejects only when OPA could not run or hit a limit.
 */
export async function runOpa(
  args: readonly string[],
  options: { cwd?: string; limits?: Partial<OpaLimits>; capabilities?: CapabilityProfile } = {},
): Promise<OpaResult> {
  const limits = { ...DEFAULT_OPA_LIMITS, ...options.limits };
  const own = await mkdtemp(join(tmpdir(), 'portcullis-opa-run-'));
  try {
    const [command, ...rest] = args;
    const full = [...args];
    if (command !== undefined && CAPABILITY_COMMANDS.has(command)) {
      const file = join(own, 'capabilities.json');
      await writeFile(file, await opaCapabilities(options.capabilities ?? 'gate'));
      full.splice(1, 0, '--capabilities', file);
    }
    if (command === 'test' && !rest.includes('--timeout')) full.splice(1, 0, '--timeout', OPA_TEST_TIMEOUT);
    return await spawnRestricted(full, options.cwd ?? own, limits);
  } finally {
    await rm(own, { recursive: true, force: true });
  }
}

/**
 * OPA processes running at once in this process; more wait their turn. Each may take its
 * memory limit, and a worker runs many jobs at once (PORTCULLIS_WORKER_CONCURRENCY: they
 * mostly wait on GitHub), so memory is sized for these processes, not for the jobs.
 */
const MAX_RUNNING = 2;
let running = 0;
const turns: (() => void)[] = [];

async function spawnRestricted(args: string[], cwd: string, limits: OpaLimits): Promise<OpaResult> {
  if (running >= MAX_RUNNING) await new Promise<void>((resolve) => turns.push(resolve));
  else running++;
  try {
    return await spawnLimited(args, cwd, limits);
  } finally {
    // The turn passes straight to the next waiter, so `running` stays counted for it.
    const next = turns.shift();
    if (next) next();
    else running--;
  }
}

function spawnLimited(args: string[], cwd: string, limits: OpaLimits): Promise<OpaResult> {
  const opa = toolPath('opa');
  const dataKiB = Math.max(1, Math.floor(limits.memoryBytes / 1024));
  return new Promise((resolve, reject) => {
    // `exec` replaces the shell, so the limit, the group and the exit code are OPA's own.
    const child = childProcess().spawn(
      '/bin/sh',
      ['-c', `ulimit -d ${dataKiB} && exec "$0" "$@"`, opa, ...args],
      {
        cwd,
        env: { GOMEMLIMIT: `${Math.floor((limits.memoryBytes * 3) / 4 / (1 << 20))}MiB` },
        // Its own process group, so that a timeout kills everything it started.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let stopped: OpaProcessError | null = null;
    const stop = (error: OpaProcessError) => {
      stopped ??= error;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.outputBytes) {
        stop(
          new OpaProcessError(
            `OPA printed more than ${limits.outputBytes >> 20} MiB (a test printing without end?) and was stopped`,
            'output',
          ),
        );
        return;
      }
      into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    const timer = setTimeout(
      () =>
        stop(
          new OpaProcessError(
            `OPA ran past its ${Math.round(limits.timeoutMs / 1000)} s time limit and was stopped`,
            'time',
          ),
        ),
      limits.timeoutMs,
    );
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new OpaProcessError(`Could not run OPA: ${error.message}`, null));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (stopped) return reject(stopped);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const crash = goRuntimeCrash(stderr);
      if (crash) {
        return reject(
          /out of memory|cannot allocate|SIGSEGV/.test(crash)
            ? new OpaProcessError(
                `OPA needed more than its ${limits.memoryBytes >> 20} MiB memory limit and was stopped (${crash})`,
                'memory',
              )
            : new OpaProcessError(`OPA crashed: ${crash}`, null),
        );
      }
      if (code === 127 && /not found|No such file/.test(stderr)) {
        return reject(
          new OpaProcessError(
            'The OPA binary was not found: run `bash scripts/setup.sh` (or set PORTCULLIS_OPA to its path).',
            null,
          ),
        );
      }
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/**
 * The first line of a Go runtime crash, which a goroutine dump follows. Go fails in more
 * than one way when an allocation hits RLIMIT_DATA: "fatal error: runtime: cannot allocate
 * memory", "fatal error: out of memory", or a segmentation fault inside the collector.
 */
function goRuntimeCrash(stderr: string): string | null {
  if (!/^goroutine \d+ /m.test(stderr)) return null;
  return (
    /^(fatal error: .*|SIGSEGV: .*|unexpected signal.*|runtime: out of memory.*)$/m.exec(stderr)?.[1] ?? null
  );
}

/**
 * The capabilities file: OPA's own for this version (features, keywords), with only the
 * built-ins the WebAssembly engine runs (builtins.ts), less the non-deterministic ones
 * other than the clock and random numbers; for tests, plus TEST_BUILTINS.
 */
export async function opaCapabilities(profile: CapabilityProfile): Promise<string> {
  const all = await currentCapabilities();
  const wasm = wasmBuiltins();
  return JSON.stringify({
    ...all,
    builtins: all.builtins.filter(
      (b) =>
        (profile === 'tests' && TEST_BUILTINS.has(b.name)) ||
        (wasm.has(b.name) && (!b.nondeterministic || ALLOWED_NONDETERMINISTIC.has(b.name))),
    ),
  });
}

let current: Promise<OpaCapabilities> | undefined;
function currentCapabilities(): Promise<OpaCapabilities> {
  current ??= spawnRestricted(['capabilities', '--current'], tmpdir(), DEFAULT_OPA_LIMITS).then(
    ({ code, stdout, stderr }) => {
      if (code !== 0) throw new OpaProcessError(`opa capabilities failed: ${stderr.trim()}`, null);
      return parseOpaCapabilities(stdout, 'opa capabilities --current output');
    },
  );
  current.catch(() => {
    current = undefined;
  });
  return current;
}
