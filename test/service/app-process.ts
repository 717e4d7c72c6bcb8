/**
 * The App as `npm start` runs it (`node dist/main.js`, built by `npm run build`), for the
 * service tests: started with only the variables a test gives, its output captured, and
 * stopped (SIGKILL) by `stopAll` if a test leaves it running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/tools.js';

const MAIN = join(PROJECT_ROOT, 'dist', 'main.js');
const started = new Set<AppProcess>();

export interface AppProcess {
  child: ChildProcess;
  output(): string;
  /** The exit code (null when killed by a signal). */
  exit: Promise<number | null>;
}

/** `node dist/main.js` in `cwd` (no .env there) with only these variables. */
export function startApp(cwd: string, env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const app: AppProcess = {
    child,
    output: () => output,
    exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  started.add(app);
  void app.exit.then(() => started.delete(app));
  return app;
}

/** Resolves once the output contains `text`; throws with the output when the process ends first. */
export async function waitForOutput(app: AppProcess, text: string | RegExp, ms = 45_000): Promise<void> {
  const deadline = Date.now() + ms;
  const seen = () => (typeof text === 'string' ? app.output().includes(text) : text.test(app.output()));
  while (!seen()) {
    if (Date.now() > deadline || app.child.exitCode !== null || app.child.signalCode !== null)
      throw new Error(`the App did not log ${String(text)}:\n${app.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The exit code, or the process is killed after `ms` (and null returned). */
export async function exitWithin(app: AppProcess, ms: number): Promise<number | null> {
  const timer = setTimeout(() => app.child.kill('SIGKILL'), ms);
  try {
    return await app.exit;
  } finally {
    clearTimeout(timer);
  }
}

export async function stopAll(): Promise<void> {
  await Promise.all(
    [...started].map((app) => {
      app.child.kill('SIGKILL');
      return app.exit;
    }),
  );
}

/** The JSON log lines of the output (Probot's pino, LOG_FORMAT=json). */
export function logLines(app: AppProcess): Record<string, unknown>[] {
  return app
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Sends a webhook delivery signed as GitHub signs it. */
export async function sendWebhook(
  port: number,
  secret: string,
  event: string,
  delivery: string,
  payload: unknown,
): Promise<Response> {
  const body = JSON.stringify(payload);
  return fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': delivery,
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
    body,
  });
}
