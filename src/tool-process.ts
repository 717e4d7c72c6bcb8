/**
 * Running a builder or scanner: its own process group (so a timeout ends the whole tree
 * a build starts, RUN steps included), a clean environment (nothing of the App's reaches
 * it: no GitHub credentials, no registry credentials, no webhook secret), and the output
 * kept as a bounded tail for the log excerpt.
 */

import { childProcess } from './child-process.js';
import { settings } from './settings.js';

export interface RunOptions {
  cwd?: string;
  /** The whole environment of the child: see `cleanEnvironment`. */
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Output kept, from the end. */
  tailBytes?: number;
  signal?: AbortSignal;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The last `tailBytes` of stdout and stderr, interleaved as they came. */
  output: string;
  /** Milliseconds from start to exit. */
  durationMs: number;
}

const KILL_GRACE_MS = 3000;

export function runProcess(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  const started = Date.now();
  const tailBytes = options.tailBytes ?? 256 * 1024;
  return new Promise((resolve, reject) => {
    const child = childProcess().spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = Buffer.alloc(0);
    const keep = (chunk: Buffer) => {
      output = Buffer.concat([output, chunk]);
      if (output.length > tailBytes * 2) output = output.subarray(output.length - tailBytes);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const stop = () => {
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => stop();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // The parent exiting must not leave a build running.
    const reap = () => killGroup('SIGKILL');
    process.once('exit', reap);
    child.once('error', (error) => {
      clearTimeout(timer);
      process.off('exit', reap);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      // Anything the step left behind in the group goes with it.
      killGroup('SIGKILL');
      process.off('exit', reap);
      options.signal?.removeEventListener('abort', onAbort);
      const text = output.subarray(Math.max(0, output.length - tailBytes)).toString('utf8');
      resolve({ code, signal, timedOut, output: text, durationMs: Date.now() - started });
    });
  });
}

/**
 * The environment of a build or scan: PATH and locale from ours, `HOME` and `TMPDIR` in
 * a folder of the build's own, plus `extra`. Everything else (APP_ID, PRIVATE_KEY,
 * WEBHOOK_SECRET, GITHUB_TOKEN, PORTCULLIS_REGISTRY_AUTH, DOCKER_CONFIG, REGISTRY_AUTH_FILE,
 * proxy settings …) stays out.
 */
export function cleanEnvironment(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // What a builder or scanner may see from the App's environment: where programs are, and the locale.
  const { path, lang, lcAll, tz } = settings();
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries({ PATH: path, LANG: lang, LC_ALL: lcAll, TZ: tz }))
    if (value) env[name] = value;
  env.PATH ??= '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  env.HOME = home;
  env.TMPDIR = home;
  return { ...env, ...extra };
}
