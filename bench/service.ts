/**
 * `npm run bench:service`: the App as it is deployed (`node dist/main.js`, one or more
 * processes), judging pull requests from webhook to concluded check run against the loopback
 * GitHub simulator (test/support/github-simulator.ts), static checks only
 * (PORTCULLIS_OFFLINE=1). Every cell starts fresh processes, a fresh simulator and, for Redis,
 * a fresh redis-server, so that peak RSS belongs to the cell.
 *
 *   npm run bench:service                      the full matrix (about 10 minutes on 2 cores)
 *   npm run bench:service -- --quick           a smoke run: 1 and 10 pull requests per queue
 *   npm run bench:service -- --queues embedded,redis-2 --loads 1x20,10x5,50x2,200x1
 *
 * Queues: `embedded` (one process, role all, SQLite), `redis-1` (a web process and one worker
 * process on redis-server), `redis-2` (a web process and two workers). Loads are `CxR`: C pull
 * requests sent at once, R rounds; a round starts once the previous one is done (every check
 * concluded, every review posted, GitHub quiet for a moment). Pull request k of a cell goes to
 * installation k mod 10 (mod 20 from 200 pull requests at once), one repository each, so C at
 * once fall on min(C, 10) installations and a lone pull request never queues behind the
 * previous round's writes on its installation.
 *
 * Each pull request changes the base's Dockerfile by one line (an `apt-get install`): two
 * new warnings on that line, two already on the base. Figures:
 * - concluded: the webhook sent (just before the request) to the simulator receiving the
 *   request that completes the `Portcullis` check run (a create with status completed, or
 *   the completing update), both on this process's clock;
 * - webhook: the time to the App's HTTP answer, as the simulator's sender saw it;
 * - jobs/s: pull requests over the time from a round's first webhook to its last conclusion;
 * - requests per check: what the simulator answered, split into reads (GET, GraphQL queries),
 *   writes (everything else) and installation tokens;
 * - peak RSS: VmHWM of each App process at the end of the cell.
 * Correctness, checked on the simulator's state after every round: each pull request's head
 * has exactly one `Portcullis` check run, completed, and exactly one review; nothing else was
 * created, and the simulator saw no invalid request. The benchmark fails loudly otherwise.
 *
 * The simulator is imported from test/support: bench/tsconfig.json compiles what bench/
 * imports into bench/dist/, and the operations fixture it reads (relative to its own file)
 * is copied beside it before the import.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { JobTimingSummary } from '#portcullis/github/run-job.js';
import { toolPath } from '#portcullis/tools.js';
import { freePort } from '../test/support/free-port.js';
import type { GitHubSimulator, RecordedRequest } from '../test/support/github-simulator.js';

/** The repository root: bench/dist/bench/service.js is three folders down. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const APP_ID = 4711;
const SECRET = 'a-webhook-secret-of-32-characters';
const CHECK_NAME = 'Portcullis';
const BASE_DOCKERFILE =
  'FROM node:20-bookworm-slim\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n';
/** GitHub quiet this long after the last review: the jobs are done. */
const QUIET_MS = 1_000;

type QueueName = 'embedded' | 'redis-1' | 'redis-2';
const QUEUES: Record<QueueName, { label: string; workers: number }> = {
  embedded: { label: 'embedded (1 process, role all)', workers: 0 },
  'redis-1': { label: 'Redis, web + 1 worker', workers: 1 },
  'redis-2': { label: 'Redis, web + 2 workers', workers: 2 },
};

interface Load {
  atOnce: number;
  rounds: number;
}

interface Options {
  quick: boolean;
  queues: QueueName[];
  loads: Load[];
  /** PORTCULLIS_WORKER_CONCURRENCY for every worker (default: the App's own default). */
  concurrency: string | undefined;
  out: string;
  /** Seconds a round may take before the benchmark gives up on it. */
  roundTimeout: number;
  /** Prints every round's GitHub requests against the time since its first webhook (where time goes). */
  trace: boolean;
  /** Leaves each cell's folder (App logs, --cpu-prof files) and says where. */
  keep: boolean;
  /** Node's options for the App processes, e.g. `--cpu-prof` (profiles land in the cell's folder). */
  nodeArgs: string[];
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      queues: { type: 'string' },
      loads: { type: 'string' },
      concurrency: { type: 'string' },
      out: { type: 'string' },
      'round-timeout': { type: 'string' },
      trace: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'node-args': { type: 'string' },
    },
  });
  const quick = values.quick ?? false;
  const queues = (values.queues ?? 'embedded,redis-1,redis-2').split(',').map((q) => {
    if (!(q in QUEUES)) throw new Error(`--queues: ${q} is none of ${Object.keys(QUEUES).join(', ')}`);
    return q as QueueName;
  });
  const loads = (values.loads ?? (quick ? '1x3,10x1' : '1x20,10x5,50x2,200x1')).split(',').map((text) => {
    const match = /^(\d+)x(\d+)$/.exec(text);
    if (!match) throw new Error(`--loads: "${text}" is not CxR (pull requests at once x rounds)`);
    return { atOnce: Number(match[1]), rounds: Number(match[2]) };
  });
  return {
    quick,
    queues,
    loads,
    concurrency: values.concurrency,
    out: resolve(values.out ?? join(ROOT, 'bench/results', quick ? 'service-quick.md' : 'service.md')),
    roundTimeout: Number(values['round-timeout'] ?? 300),
    trace: values.trace ?? false,
    keep: values.keep ?? false,
    nodeArgs: values['node-args']?.split(' ').filter(Boolean) ?? [],
  };
}

// ---------------------------------------------------------------------------------------------
// Processes.

interface AppProcess {
  name: string;
  child: ChildProcess;
  port: number;
  log: string;
}

const children = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Kills what this benchmark started, by process id, when it ends early. */
function killChildren(): void {
  for (const child of children) child.kill('SIGKILL');
}

async function startRedis(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = track(
    spawn(
      toolPath('redis-server'),
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  let output = '';
  await new Promise<void>((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolvePromise();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, child };
}

/** `node dist/main.js` with its output in a file (this process does no work for its logs). */
async function startApp(
  name: string,
  dir: string,
  env: Record<string, string>,
  nodeArgs: string[],
): Promise<AppProcess> {
  const port = await freePort();
  const log = join(dir, `${name}.log`);
  const fd = openSync(log, 'w');
  const child = track(
    spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist/main.js')], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_FORMAT: 'json',
        HOST: '127.0.0.1',
        PORT: String(port),
        ...env,
      },
      stdio: ['ignore', fd, fd],
    }),
  );
  closeSync(fd);
  return { name, child, port, log };
}

/** Resolves once /readyz answers 200 (queue open, policies compiled). */
async function ready(app: AppProcess, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (app.child.exitCode !== null || app.child.signalCode !== null || Date.now() > deadline) {
      throw new Error(`${app.name} did not become ready:\n${readFileSync(app.log, 'utf8').slice(-3000)}`);
    }
    const status = await fetch(`http://127.0.0.1:${app.port}/readyz`).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) return;
    await sleep(100);
  }
}

/** The process's peak resident set (VmHWM), in MB. */
function peakRssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolvePromise) => child.once('exit', resolvePromise));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolvePromise) => setTimeout(resolvePromise, ms));
}

// ---------------------------------------------------------------------------------------------
// One cell: a queue set-up under one load.

interface Sample {
  repo: string;
  number: number;
  head: string;
  sentAt: number;
  webhookMs: number;
  status: number;
  concludedAt?: number;
}

interface Cell {
  queue: QueueName;
  load: Load;
  installations: number;
  samples: Sample[];
  /** Sum over rounds of first webhook to last conclusion, in ms. */
  busyMs: number;
  /** The slowest round's first webhook to its last conclusion, in ms. */
  worstRoundMs: number;
  reads: number;
  writes: number;
  tokens: number;
  rss: { name: string; mb: number }[];
  /** The shortest time between two writes of one installation (the throttle asks ≥ 1 s). */
  minWriteGapMs: number;
  /** The most installations that wrote within one second: installations proceed in parallel. */
  parallelInstallations: number;
  /**
   * Each `check` job's own account of its time (the `Job timing` log line of
   * src/github/run-job.ts), but the first of each repository (its caches cold).
   */
  timings: JobTimingSummary[];
}

async function runCell(
  queue: QueueName,
  load: Load,
  key: string,
  options: Options,
  startSimulator: (options: { appId: number; appKey: string }) => Promise<GitHubSimulator>,
): Promise<Cell> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-service-'));
  const github = await startSimulator({ appId: APP_ID, appKey: key });
  const apps: AppProcess[] = [];
  let redis: ChildProcess | undefined;
  const timings: JobTimingSummary[] = [];
  try {
    writeFileSync(join(dir, 'app.pem'), key);
    const common: Record<string, string> = {
      APP_ID: String(APP_ID),
      PRIVATE_KEY_PATH: join(dir, 'app.pem'),
      WEBHOOK_SECRET: SECRET,
      ...github.appEnv(),
      PORTCULLIS_OFFLINE: '1',
      PORTCULLIS_CACHE_DIR: join(dir, 'cache'),
      ...(options.concurrency ? { PORTCULLIS_WORKER_CONCURRENCY: options.concurrency } : {}),
      // LOG_LEVEL=debug npm run bench:service -- --keep: each GitHub request in the App's log.
      ...(process.env.LOG_LEVEL ? { LOG_LEVEL: process.env.LOG_LEVEL } : {}),
    };
    const { workers } = QUEUES[queue];
    if (workers === 0) {
      apps.push(
        await startApp('app', dir, { ...common, PORTCULLIS_DATA_DIR: join(dir, 'data') }, options.nodeArgs),
      );
    } else {
      const started = await startRedis(dir);
      redis = started.child;
      const env = { ...common, REDIS_URL: started.url };
      apps.push(await startApp('web', dir, { ...env, PORTCULLIS_ROLE: 'web' }, options.nodeArgs));
      for (let i = 1; i <= workers; i++)
        apps.push(await startApp(`worker${i}`, dir, { ...env, PORTCULLIS_ROLE: 'worker' }, options.nodeArgs));
    }
    await Promise.all(apps.map((app) => ready(app)));
    const web = apps[0] as AppProcess;
    const webhookUrl = `http://127.0.0.1:${web.port}/api/github/webhooks`;
    github.setWebhook(webhookUrl, SECRET);

    const installations = load.atOnce >= 200 ? 20 : 10;
    const repos: string[] = [];
    for (let i = 0; i < installations; i++) {
      const id = 1000 + i;
      const fullName = `org${i}/web`;
      github.installation(id, `org${i}`);
      github.repository(fullName, { installation: id });
      repos.push(fullName);
    }
    const bases = repos.map((repo) =>
      github.commit(repo, { 'README.md': '# web\n', Dockerfile: BASE_DOCKERFILE }, { branch: 'main' }),
    );

    const samples: Sample[] = [];
    let busyMs = 0;
    let worstRoundMs = 0;
    let k = 0;
    for (let round = 0; round < load.rounds; round++) {
      const batch: { sample: Sample; payload: unknown }[] = [];
      for (let j = 0; j < load.atOnce; j++, k++) {
        const i = k % installations;
        const repo = repos[i] as string;
        const branch = `change-${k}`;
        const head = github.change(
          repo,
          bases[i] as string,
          {
            Dockerfile: BASE_DOCKERFILE.replace(
              'COPY',
              `RUN apt-get update && apt-get install -y curl tool${k}\nCOPY`,
            ),
          },
          { branch },
        );
        const pr = github.openPullRequest(repo, { head, headRef: branch, user: 'alice' });
        batch.push({
          sample: { repo, number: pr.number, head, sentAt: 0, webhookMs: 0, status: 0 },
          // Built (and schema-checked) before the clock starts.
          payload: github.payloads.pullRequest(repo, pr.number, 'opened'),
        });
      }
      const from = Date.now();
      await Promise.all(
        batch.map(async ({ sample, payload }) => {
          sample.sentAt = Date.now();
          const delivery = await deliver(webhookUrl, payload);
          sample.webhookMs = delivery.ms;
          sample.status = delivery.status;
        }),
      );
      const roundSamples = batch.map((b) => b.sample);
      samples.push(...roundSamples);
      await roundDone(github, roundSamples, options.roundTimeout * 1000, apps);
      concluded(github, roundSamples);
      const roundMs = Math.max(...roundSamples.map((s) => (s.concludedAt as number) - from));
      busyMs += roundMs;
      worstRoundMs = Math.max(worstRoundMs, roundMs);
      verify(github, roundSamples, samples, apps);
      if (options.trace) trace(github, from);
    }
    // Everything the cell asked of GitHub, for requests per check.
    let reads = 0;
    let writes = 0;
    let tokens = 0;
    const writesBy = new Map<number, number[]>();
    for (const r of github.requests()) {
      if (
        !isRead(r) &&
        r.operationId !== 'apps/create-installation-access-token' &&
        r.installation !== undefined
      )
        writesBy.set(r.installation, [...(writesBy.get(r.installation) ?? []), r.at]);
      if (r.operationId === 'apps/create-installation-access-token') tokens++;
      else if (isRead(r)) reads++;
      else writes++;
    }
    const rss = apps.map((app) => ({ name: app.name, mb: peakRssMb(app.child) }));
    return {
      queue,
      load,
      installations,
      samples,
      busyMs,
      worstRoundMs,
      reads,
      writes,
      tokens,
      rss,
      ...writeSpacing(writesBy),
      timings,
    };
  } finally {
    await Promise.all(apps.map((app) => stop(app.child)));
    // Read once the processes are gone: pino has written every line.
    timings.push(...jobTimings(apps));
    if (redis) await stop(redis);
    await github.stop();
    if (options.keep) process.stderr.write(`(kept ${dir}) `);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** The `Job timing` lines of the App's logs for check jobs, but each repository's first (cold caches). */
function jobTimings(apps: AppProcess[]): JobTimingSummary[] {
  const found: { time: number; repository: string; timing: JobTimingSummary }[] = [];
  for (const app of apps) {
    let text = '';
    try {
      text = readFileSync(app.log, 'utf8');
    } catch {}
    for (const line of text.split('\n')) {
      if (!line.includes('Job timing ')) continue;
      const entry = JSON.parse(line) as { time: number; msg: string; repository: string; jobKind: string };
      if (entry.jobKind !== 'check') continue;
      const timing = JSON.parse(entry.msg.slice(entry.msg.indexOf('{'))) as JobTimingSummary;
      found.push({ time: entry.time, repository: entry.repository, timing });
    }
  }
  const seen = new Set<string>();
  return found
    .sort((a, b) => a.time - b.time)
    .filter(({ repository }) => seen.has(repository) || !seen.add(repository))
    .map((f) => f.timing);
}

/**
 * A signed `pull_request` delivery, as GitHub sends it. Not the simulator's `send`: its agent
 * keeps at most 64 connections, so a burst of 200 would be timed waiting for a socket here;
 * GitHub delivers from many hosts at once.
 */
function deliver(url: string, payload: unknown): Promise<{ status: number; ms: number }> {
  const body = Buffer.from(JSON.stringify(payload));
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: DELIVERY_AGENT,
        timeout: 30_000,
        headers: {
          'content-type': 'application/json',
          'content-length': String(body.length),
          'user-agent': 'GitHub-Hookshot/bench',
          'x-github-event': 'pull_request',
          'x-github-delivery': randomUUID(),
          'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, ms: performance.now() - started }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('the App did not answer a delivery in 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

const DELIVERY_AGENT = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

/** The per-installation write throttle, seen from GitHub's side. */
function writeSpacing(writesBy: Map<number, number[]>): {
  minWriteGapMs: number;
  parallelInstallations: number;
} {
  let minWriteGapMs = Number.POSITIVE_INFINITY;
  const all: { at: number; installation: number }[] = [];
  for (const [installation, times] of writesBy) {
    times.sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++)
      minWriteGapMs = Math.min(minWriteGapMs, (times[i] as number) - (times[i - 1] as number));
    for (const at of times) all.push({ at, installation });
  }
  all.sort((a, b) => a.at - b.at);
  let parallelInstallations = 0;
  for (let i = 0, j = 0; i < all.length; i++) {
    while ((all[j] as { at: number }).at < (all[i] as { at: number }).at - 1000) j++;
    parallelInstallations = Math.max(
      parallelInstallations,
      new Set(all.slice(j, i + 1).map((w) => w.installation)).size,
    );
  }
  return { minWriteGapMs, parallelInstallations };
}

function isRead(r: RecordedRequest): boolean {
  if (r.method === 'GET' || r.method === 'HEAD') return true;
  if (r.operationId !== 'graphql') return false;
  const query = (r.body as { query?: string } | undefined)?.query ?? '';
  return !/^\s*mutation\b/.test(query);
}

/** Waits until every pull request has a completed check run and a review, and GitHub is quiet. */
async function roundDone(
  github: GitHubSimulator,
  samples: Sample[],
  timeoutMs: number,
  apps: AppProcess[],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const heads = new Set(samples.map((s) => s.head));
  for (;;) {
    const completed = new Set<string>();
    for (const run of github.state.checkRuns.values()) {
      if (run.name === CHECK_NAME && run.status === 'completed' && heads.has(run.headSha))
        completed.add(run.headSha);
    }
    const reviewed = samples.every((s) => github.reviews(s.repo, s.number).length > 0);
    const requests = github.requests();
    const last = requests[requests.length - 1]?.at ?? 0;
    if (completed.size === heads.size && reviewed && Date.now() - last >= QUIET_MS) return;
    const dead = apps.find((app) => app.child.exitCode !== null || app.child.signalCode !== null);
    if (dead || Date.now() > deadline) {
      const missing = samples.filter((s) => !completed.has(s.head)).map((s) => `${s.repo}#${s.number}`);
      throw new Error(
        `${dead ? `${dead.name} exited` : `waited ${timeoutMs / 1000} s`}: ${missing.length} of ${samples.length} pull requests without a concluded check run (${missing.slice(0, 10).join(', ')})\n${tails(apps)}`,
      );
    }
    await sleep(100);
  }
}

/** Sets each sample's conclusion time: the first request that completed its check run. */
function concluded(github: GitHubSimulator, samples: Sample[]): void {
  const byHead = new Map(samples.map((s) => [s.head, s]));
  for (const r of github.requests()) {
    if (r.status >= 300) continue;
    const body = r.body as { status?: string; name?: string; head_sha?: string } | undefined;
    if (body?.status !== 'completed') continue;
    let head: string | undefined;
    if (r.operationId === 'checks/create' && body.name === CHECK_NAME) head = body.head_sha;
    else if (r.operationId === 'checks/update') {
      const id = Number(/\/check-runs\/(\d+)/.exec(r.path)?.[1]);
      const run = github.checkRun(id);
      if (run?.name === CHECK_NAME) head = run.headSha;
    }
    const sample = head ? byHead.get(head) : undefined;
    if (sample && (sample.concludedAt === undefined || r.at < sample.concludedAt)) sample.concludedAt = r.at;
  }
  const missing = samples.filter((s) => s.concludedAt === undefined);
  if (missing.length > 0) throw new Error(`no completing request seen for ${missing.length} pull requests`);
}

/** None lost, none duplicated, nothing invalid: else the benchmark fails. */
function verify(github: GitHubSimulator, samples: Sample[], all: Sample[], apps: AppProcess[]): void {
  const problems: string[] = [];
  for (const s of samples) {
    if (s.status !== 200) problems.push(`${s.repo}#${s.number}: the webhook was answered ${s.status}`);
    const runs = github.checkRuns(s.repo, s.head).filter((r) => r.name === CHECK_NAME);
    if (runs.length !== 1) problems.push(`${s.repo}#${s.number}: ${runs.length} Portcullis check runs`);
    for (const run of runs) {
      if (run.status !== 'completed') problems.push(`${s.repo}#${s.number}: a check run left ${run.status}`);
      if (run.conclusion !== 'success' && run.conclusion !== 'neutral' && run.conclusion !== 'failure')
        problems.push(`${s.repo}#${s.number}: concluded ${run.conclusion}`);
    }
    const reviews = github.reviews(s.repo, s.number).length;
    if (reviews !== 1) problems.push(`${s.repo}#${s.number}: ${reviews} reviews`);
  }
  // Over the whole cell so far: no run left open anywhere, and one run per pull request.
  const runs = [...github.state.checkRuns.values()];
  for (const run of runs.filter((r) => r.status !== 'completed'))
    problems.push(`check run ${run.id} on ${run.repo} left ${run.status}`);
  const created = runs.filter((r) => r.name === CHECK_NAME).length;
  if (created !== all.length)
    problems.push(`${created} Portcullis check runs for ${all.length} pull requests`);
  problems.push(...github.takeProblems().map((p) => `simulator: ${p}`));
  if (problems.length > 0) {
    throw new Error(
      `CORRECTNESS FAILED (lost, duplicated or invalid):\n  ${problems.slice(0, 30).join('\n  ')}\n${tails(apps)}`,
    );
  }
}

function trace(github: GitHubSimulator, from: number): void {
  for (const r of github.requests((r) => r.at >= from)) {
    process.stderr.write(
      `  +${String(r.at - from).padStart(5)} ms  ${String(Math.round(r.ms)).padStart(4)} ms  inst ${r.installation ?? '-'}  ${r.method} ${r.operationId ?? r.path} ${r.status}\n`,
    );
  }
}

function tails(apps: AppProcess[]): string {
  return apps
    .map((app) => {
      let text = '';
      try {
        text = readFileSync(app.log, 'utf8');
      } catch {}
      const lines = text.split('\n').filter((line) => /"level":(40|50|60)/.test(line));
      return `--- ${app.name} (warnings and errors, last 10):\n${lines.slice(-10).join('\n')}`;
    })
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// Figures.

/** The nearest-rank percentile. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

function latencies(cell: Cell): number[] {
  return cell.samples.map((s) => (s.concludedAt as number) - s.sentAt);
}

const ms = (value: number) =>
  value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;

interface Target {
  name: string;
  /** The figure and whether it meets the target, or undefined when the cell was not run. */
  judge(cells: Cell[]): { figure: string; pass: boolean } | undefined;
}

const cellOf = (cells: Cell[], atOnce: number) => cells.find((c) => c.load.atOnce === atOnce);

const TARGETS: Target[] = [
  {
    name: 'webhook answered p99 ≤ 100 ms (every load)',
    judge: (cells) => {
      if (cells.length === 0) return undefined;
      const worst = Math.max(
        ...cells.map((c) =>
          percentile(
            c.samples.map((s) => s.webhookMs),
            99,
          ),
        ),
      );
      return { figure: ms(worst), pass: worst <= 100 };
    },
  },
  {
    name: 'one pull request: concluded p50 ≤ 300 ms',
    judge: (cells) => {
      const cell = cellOf(cells, 1);
      if (!cell) return undefined;
      const p50 = percentile(latencies(cell), 50);
      return { figure: ms(p50), pass: p50 <= 300 };
    },
  },
  {
    name: 'one pull request: concluded p99 ≤ 1 s',
    judge: (cells) => {
      const cell = cellOf(cells, 1);
      if (!cell) return undefined;
      const p99 = percentile(latencies(cell), 99);
      return { figure: ms(p99), pass: p99 <= 1000 };
    },
  },
  {
    name: '10 at once over 10 installations: concluded p99 ≤ 5 s',
    judge: (cells) => {
      const cell = cellOf(cells, 10);
      if (!cell) return undefined;
      const p99 = percentile(latencies(cell), 99);
      return { figure: ms(p99), pass: p99 <= 5000 };
    },
  },
  {
    name: '200 at once over 20 installations: all concluded ≤ 60 s',
    judge: (cells) => {
      const cell = cellOf(cells, 200);
      if (!cell) return undefined;
      return { figure: ms(cell.worstRoundMs), pass: cell.worstRoundMs <= 60_000 };
    },
  },
  {
    name: 'one pull request, warm: in-process share of the job p50 < 50 ms',
    judge: (cells) => {
      const cell = cellOf(cells, 1);
      if (!cell || cell.timings.length === 0) return undefined;
      const p50 = percentile(
        cell.timings.map((t) => t.inProcessMs),
        50,
      );
      return { figure: ms(p50), pass: p50 < 50 };
    },
  },
  {
    name: 'none lost or duplicated',
    // verify() throws on the first round that loses or duplicates anything.
    judge: (cells) =>
      cells.length === 0
        ? undefined
        : {
            figure: `${cells.reduce((n, c) => n + c.samples.length, 0)} of ${cells.reduce((n, c) => n + c.samples.length, 0)}`,
            pass: true,
          },
  },
];

function report(cells: Cell[], options: Options, started: Date): string {
  const lines: string[] = [];
  const line = (text = '') => lines.push(text);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  line(
    `## \`npm run bench:service\`, ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC${options.quick ? ' (--quick: smoke test, not figures)' : ''}`,
  );
  line();
  line(
    `${cpus().length} × ${cpu}, Node ${process.version}, load average at the end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(
        ' ',
      )}; worker concurrency ${options.concurrency ?? 'the default (PORTCULLIS_WORKER_CONCURRENCY)'}. Webhook → check run concluded through the loopback GitHub simulator, static checks (PORTCULLIS_OFFLINE=1), fresh processes per cell.`,
  );
  line();
  line(
    '| Queue | PRs at once × rounds (installations) | concluded p50 | p99 | max | webhook p99 | jobs/s | requests per check: reads / writes / tokens | writes: min gap per installation, installations in 1 s | peak RSS (MB) |',
  );
  line('|---|---|--:|--:|--:|--:|--:|--:|--:|---|');
  for (const cell of cells) {
    const values = latencies(cell);
    const n = cell.samples.length;
    const per = (count: number) => (count / n).toFixed(1);
    line(
      `| ${QUEUES[cell.queue].label} | ${cell.load.atOnce} × ${cell.load.rounds} (${Math.min(cell.load.atOnce, cell.installations)}) | ${ms(percentile(values, 50))} | ${ms(percentile(values, 99))} | ${ms(Math.max(...values))} | ${ms(
        percentile(
          cell.samples.map((s) => s.webhookMs),
          99,
        ),
      )} | ${((n / cell.busyMs) * 1000).toFixed(1)} | ${per(cell.reads)} / ${per(cell.writes)} / ${per(cell.tokens)} | ${Number.isFinite(cell.minWriteGapMs) ? ms(cell.minWriteGapMs) : '–'}, ${cell.parallelInstallations} | ${cell.rss.map((r) => `${r.name} ${Math.round(r.mb)}`).join(', ')} |`,
    );
  }
  line();
  line(
    "Where a lone pull request's check job spends its time (`Job timing` in the App's log, src/github/run-job.ts; warm caches: each repository's first job left out). In process: the job's run less its waits on GitHub (reads; writes with the per-installation write spacing). Queue: from the webhook's job being queued to a worker taking it.",
  );
  line();
  const phaseNames = [...new Set(cells.flatMap((c) => c.timings.flatMap((t) => Object.keys(t.phases))))].sort(
    (a, b) => (a === 'other' ? 1 : b === 'other' ? -1 : a.localeCompare(b)),
  );
  const columns = [
    'queue',
    'in process',
    ...phaseNames.map((p) => `– ${p}`),
    'GitHub reads',
    'GitHub writes',
    'job',
  ];
  line(`| Queue | jobs | ${columns.map((c) => `${c} p50 / p95`).join(' | ')} |`);
  line(`|---|--:|${columns.map(() => '--:').join('|')}|`);
  for (const cell of cells.filter((c) => c.load.atOnce === 1 && c.timings.length > 0)) {
    const t = cell.timings;
    const pair = (values: number[]) => `${ms(percentile(values, 50))} / ${ms(percentile(values, 95))}`;
    const figures = [
      pair(t.map((x) => x.queueMs)),
      pair(t.map((x) => x.inProcessMs)),
      ...phaseNames.map((p) => pair(t.map((x) => x.phases[p] ?? 0))),
      pair(t.map((x) => x.githubReadMs)),
      pair(t.map((x) => x.githubWriteMs)),
      pair(t.map((x) => x.totalMs)),
    ];
    line(`| ${QUEUES[cell.queue].label} | ${t.length} | ${figures.join(' | ')} |`);
  }
  line();
  const queues = [...new Set(cells.map((c) => c.queue))];
  line(`| Target | ${queues.map((q) => QUEUES[q].label).join(' | ')} |`);
  line(`|---|${queues.map(() => '---').join('|')}|`);
  for (const target of TARGETS) {
    const verdicts = queues.map((q) => {
      const result = target.judge(cells.filter((c) => c.queue === q));
      return result ? `${result.pass ? 'PASS' : 'FAIL'} ${result.figure}` : 'not run';
    });
    line(`| ${target.name} | ${verdicts.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // test/support/github-openapi.ts reads its fixture relative to its own (compiled) file.
  const fixtures = join(ROOT, 'bench/dist/test/fixtures');
  mkdirSync(fixtures, { recursive: true });
  copyFileSync(
    join(ROOT, 'test/fixtures/github-openapi-operations.json'),
    join(fixtures, 'github-openapi-operations.json'),
  );
  const { startGitHubSimulator } = await import('../test/support/github-simulator.js');
  // github-openapi.ts imports nock for the unit tests; this process's webhooks go out unintercepted.
  (await import('nock')).default.restore();

  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const started = new Date();
  const cells: Cell[] = [];
  for (const queue of options.queues) {
    for (const load of options.loads) {
      process.stderr.write(`${QUEUES[queue].label}: ${load.atOnce} at once × ${load.rounds}… `);
      const cell = await runCell(queue, load, privateKey, options, startGitHubSimulator);
      const values = latencies(cell);
      process.stderr.write(
        `p50 ${ms(percentile(values, 50))}, p99 ${ms(percentile(values, 99))}, max ${ms(Math.max(...values))}\n`,
      );
      cells.push(cell);
    }
  }
  const text = report(cells, options, started);
  process.stdout.write(`\n${text}`);
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, text);
  process.stderr.write(`written to ${options.out}\n`);
  DELIVERY_AGENT.destroy();
  const failed = TARGETS.some((t) =>
    [...new Set(cells.map((c) => c.queue))].some(
      (q) => t.judge(cells.filter((c) => c.queue === q))?.pass === false,
    ),
  );
  if (failed) process.stderr.write('some targets were missed (FAIL above)\n');
}

process.on('SIGINT', () => {
  killChildren();
  process.exit(130);
});
main().catch((error: unknown) => {
  killChildren();
  process.stderr.write(`\nbench:service failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
