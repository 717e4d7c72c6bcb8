/**
 * `npm run bench`: Dockerfiles per second through Portcullis' pipeline (parse with
 * `dockerfileInput`, evaluate with the WebAssembly `PolicyEngine`), against OPA itself
 * evaluating the same input documents with the same policies as a local server.
 *
 *   npm run bench                 readable table
 *   npm run bench -- --json       machine-readable summary
 *   npm run bench -- --count 200 --runs 3 --no-peer --policies path/to/policies
 *
 * Everything stays on the machine: the OPA server listens on 127.0.0.1 only and is
 * stopped at the end, also when the benchmark fails.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import { loadPolicyDirectory, type PolicyBundle } from '../policy/bundle.js';
import type { CompiledPolicy } from '../policy/compile.js';
import { PolicyEngine } from '../policy/evaluate.js';
import type { PolicyInput } from '../policy/input.js';
import { dockerfileInput } from '../targets/dockerfile/index.js';
import { BUILTIN_POLICY_DIR, toolPath } from '../tools.js';
import { type CorpusFile, DEFAULT_CORPUS_SIZE, DEFAULT_SEED, generateCorpus } from './corpus.js';

const run = promisify(execFile);

interface Options {
  count: number;
  runs: number;
  warmup: number;
  seed: number;
  json: boolean;
  peer: boolean;
  /** Requests in flight for the secondary, concurrent OPA measurement. */
  concurrency: number;
  /** The policy folder: the built-in pack unless --policies says otherwise. */
  policies: string;
}

/** Throughput samples of one measurement, in Dockerfiles per second. */
interface Series {
  runs: number;
  median: number;
  min: number;
  max: number;
  /** Median time per Dockerfile, in milliseconds. */
  ms_per_file: number;
}

interface Counts {
  deny: number;
  warn: number;
  info: number;
}

const RESULT_SETS = ['deny', 'warn', 'info'] as const;

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      count: { type: 'string' },
      runs: { type: 'string' },
      warmup: { type: 'string' },
      seed: { type: 'string' },
      concurrency: { type: 'string' },
      policies: { type: 'string' },
      'no-peer': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const int = (value: string | undefined, fallback: number, min: number, max: number, name: string) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${name} must be an integer in ${min}..${max}`);
    return n;
  };
  return {
    json: values.json ?? false,
    count: int(values.count, DEFAULT_CORPUS_SIZE, 1, 100_000, 'count'),
    runs: int(values.runs, 7, 1, 100, 'runs'),
    warmup: int(values.warmup, 1, 0, 10, 'warmup'),
    seed: int(values.seed, DEFAULT_SEED, 0, 2 ** 32 - 1, 'seed'),
    concurrency: int(values.concurrency, 4, 1, 64, 'concurrency'),
    peer: !values['no-peer'],
    policies: values.policies ?? BUILTIN_POLICY_DIR,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function series(files: number, seconds: readonly number[]): Series {
  const rates = seconds.map((s) => files / s);
  return {
    runs: rates.length,
    median: median(rates),
    min: Math.min(...rates),
    max: Math.max(...rates),
    ms_per_file: (median(seconds) * 1000) / files,
  };
}

/**
 * Runs `pass` `warmup` times untimed, then `runs` times timed; each pass handles the
 * whole corpus and returns its finding count, which must not change between passes.
 */
async function measure(
  files: number,
  options: Pick<Options, 'runs' | 'warmup'>,
  pass: () => number | Promise<number>,
  progress: (message: string) => void,
  label: string,
): Promise<Series> {
  let expected: number | undefined;
  const check = (count: number) => {
    expected ??= count;
    if (count !== expected) throw new Error(`${label}: ${count} results in one pass, ${expected} in another`);
  };
  for (let i = 0; i < options.warmup; i++) check(await pass());
  const seconds: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const start = performance.now();
    check(await pass());
    seconds.push((performance.now() - start) / 1000);
  }
  const result = series(files, seconds);
  progress(`${label}: median ${result.median.toFixed(0)} Dockerfiles/s`);
  return result;
}

type CompileModule = typeof import('../policy/compile.js');

/**
 * A fresh instance of the compile module: its in-memory cache and memoised `opa version`
 * start empty, as in a new process, so the disk cache is what a second compile hits.
 */
let instances = 0;
async function freshCompileModule(): Promise<CompileModule> {
  const url = new URL('../policy/compile.js', import.meta.url);
  url.searchParams.set('bench-instance', String(++instances));
  return (await import(url.href)) as CompileModule;
}

async function timeCompile(bundle: PolicyBundle): Promise<{ compiled: CompiledPolicy; ms: number }> {
  const module = await freshCompileModule();
  const start = performance.now();
  const compiled = await module.compilePolicy(bundle);
  return { compiled, ms: performance.now() - start };
}

function countFindings(engine: PolicyEngine, input: PolicyInput): Counts {
  const counts: Counts = { deny: 0, warn: 0, info: 0 };
  for (const finding of engine.evaluate(input)) counts[finding.severity]++;
  return counts;
}

// ── The peer: `opa run --server` on the same policy files ──────────────────────────

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

class OpaServer {
  private exited = false;
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    child.on('exit', () => {
      this.exited = true;
    });
  }

  /** Starts OPA on a free loopback port with the bundle's files and waits until it answers. */
  static async start(policyDir: string): Promise<OpaServer> {
    const port = await freePort();
    const child = spawn(
      toolPath('opa'),
      [
        'run',
        '--server',
        '--addr',
        `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--log-level',
        'error',
        policyDir,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const server = new OpaServer(child, `http://127.0.0.1:${port}`);
    stopOnExit.add(server);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    const deadline = Date.now() + 20_000;
    for (let attempt = 0; attempt < 400 && Date.now() < deadline; attempt++) {
      if (server.exited) throw new Error(`opa run exited early: ${server.stderr.trim()}`);
      try {
        const response = await fetch(`${server.url}/health`);
        await response.arrayBuffer();
        if (response.ok) return server;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await server.stop();
    throw new Error(`opa run did not become ready within 20 s: ${server.stderr.trim()}`);
  }

  /** One query over keep-alive HTTP: the result sets of data.portcullis.main for this input. */
  async evaluate(input: PolicyInput, metrics = false): Promise<{ counts: Counts; evalNs: number }> {
    const response = await fetch(`${this.url}/v1/data/portcullis/main${metrics ? '?metrics=true' : ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input }),
    });
    const body = (await response.json()) as {
      result?: Partial<Record<keyof Counts, unknown[]>>;
      metrics?: Record<string, number>;
      message?: string;
    };
    if (!response.ok) throw new Error(`OPA answered ${response.status}: ${body.message ?? ''}`);
    const result = body.result ?? {};
    return {
      counts: {
        deny: result.deny?.length ?? 0,
        warn: result.warn?.length ?? 0,
        info: result.info?.length ?? 0,
      },
      evalNs: body.metrics?.timer_rego_query_eval_ns ?? 0,
    };
  }

  async stop(): Promise<void> {
    stopOnExit.delete(this);
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 3000).unref());
    if ((await Promise.race([exited, timeout])) === 'timeout') this.child.kill('SIGKILL');
  }

  /** Last resort when the process is exiting: no awaiting possible. */
  killNow(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/** Servers to kill however this process ends (error, Ctrl-C). */
const stopOnExit = new Set<OpaServer>();
process.on('exit', () => {
  for (const server of stopOnExit) server.killNow();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const server of stopOnExit) server.killNow();
    process.exit(130);
  });
}

async function writeBundle(bundle: PolicyBundle, dir: string): Promise<void> {
  for (const [path, content] of bundle.files) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

/** Runs `task` on every item with at most `limit` in flight; resolves in item order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// ── Report ───────────────────────────────────────────────────────────────────────

interface Summary {
  date: string;
  machine: { cpus: number; model: string; node: string; opa: string; platform: string };
  corpus: {
    files: number;
    seed: number;
    bytes: number;
    lines: { total: number; min: number; median: number; max: number };
    stages: { total: number; max: number };
  };
  policy: { rules: number; rego_files: number };
  runs: number;
  warmup: number;
  compile_ms: { cold: number; warm_disk_cache: number; warm_runs: number[]; engine_load: number };
  throughput: {
    parse: Series;
    evaluate: Series;
    parse_evaluate: Series;
    opa_server?: Series;
    opa_server_concurrent?: Series & { in_flight: number };
    opa_server_eval_timer?: Series;
  };
  ratios?: {
    /** Portcullis parse+evaluate ÷ OPA server parse+HTTP+evaluate, one request at a time. */
    wasm_vs_opa_server: number;
    /** Portcullis parse+evaluate ÷ OPA server with several requests in flight. */
    wasm_vs_opa_server_concurrent: number;
    /** Portcullis evaluate only ÷ OPA's own evaluation timer (no parse, no HTTP, no JSON). */
    wasm_evaluate_vs_opa_eval_timer: number;
  };
  sanity: {
    wasm: Counts & { total: number };
    opa?: Counts & { total: number };
    files_differing?: number;
    first_difference?: string;
    match?: boolean;
  };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function printTable(s: Summary): void {
  const out: string[] = [];
  const line = (text = '') => out.push(text);
  line(`Portcullis benchmark — ${s.date}`);
  line(`Machine: ${s.machine.cpus} CPUs (${s.machine.model}), Node ${s.machine.node}, OPA ${s.machine.opa}`);
  line(
    `Corpus: ${s.corpus.files} Dockerfiles (seed ${s.corpus.seed}), ${fmt(s.corpus.lines.total)} lines, ` +
      `${fmt(s.corpus.bytes / 1024)} KiB; lines/file min ${s.corpus.lines.min}, median ${s.corpus.lines.median}, max ${s.corpus.lines.max}; ` +
      `${s.corpus.stages.total} stages (max ${s.corpus.stages.max} per file)`,
  );
  line(
    `Policy: ${s.policy.rules} rules in ${s.policy.rego_files} Rego files; ${s.warmup} warm-up + ${s.runs} timed runs each`,
  );
  line();
  const rows: [string, Series | undefined][] = [
    ['Portcullis parse only (dockerfileInput)', s.throughput.parse],
    ['Portcullis evaluate only (wasm, 3 entrypoints)', s.throughput.evaluate],
    ['Portcullis parse + evaluate', s.throughput.parse_evaluate],
    ['OPA server: parse + HTTP + eval, 1 in flight', s.throughput.opa_server],
    [
      `OPA server: same, ${s.throughput.opa_server_concurrent?.in_flight ?? '-'} in flight`,
      s.throughput.opa_server_concurrent,
    ],
    ['OPA server: own eval timer only', s.throughput.opa_server_eval_timer],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  line(
    `${'Dockerfiles/s'.padEnd(width)}  ${'median'.padStart(9)}  ${'min'.padStart(9)}  ${'max'.padStart(9)}  ${'ms/file'.padStart(8)}`,
  );
  line('-'.repeat(width + 44));
  for (const [label, result] of rows) {
    if (!result) continue;
    line(
      `${label.padEnd(width)}  ${fmt(result.median).padStart(9)}  ${fmt(result.min).padStart(9)}  ${fmt(result.max).padStart(9)}  ${fmt(result.ms_per_file, 3).padStart(8)}`,
    );
  }
  line();
  line(
    `Compile: cold ${fmt(s.compile_ms.cold)} ms (opa build + inspect, empty cache); ` +
      `warm ${fmt(s.compile_ms.warm_disk_cache, 1)} ms (disk cache, median of ${s.compile_ms.warm_runs.length}); ` +
      `engine load ${fmt(s.compile_ms.engine_load, 1)} ms (wasm instantiate + data)`,
  );
  if (s.ratios) {
    line();
    line(
      `Ratio Portcullis parse+evaluate / OPA server (1 in flight):   ${fmt(s.ratios.wasm_vs_opa_server, 2)}×`,
    );
    line(
      `Ratio Portcullis parse+evaluate / OPA server (${s.throughput.opa_server_concurrent?.in_flight} in flight):   ${fmt(s.ratios.wasm_vs_opa_server_concurrent, 2)}×`,
    );
    line(
      `Ratio Portcullis evaluate / OPA eval timer:                  ${fmt(s.ratios.wasm_evaluate_vs_opa_eval_timer, 2)}×`,
    );
  }
  line();
  const c = (x: Counts & { total: number }) => `${x.total} (deny ${x.deny}, warn ${x.warn}, info ${x.info})`;
  line(`Sanity: Portcullis findings ${c(s.sanity.wasm)}`);
  if (s.sanity.opa) {
    line(`        OPA server results  ${c(s.sanity.opa)}`);
    line(
      s.sanity.match
        ? '        Same counts for every Dockerfile and result set.'
        : `        MISMATCH in ${s.sanity.files_differing} Dockerfiles, e.g. ${s.sanity.first_difference}`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

// ── Main ─────────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const progress = (message: string) => {
    if (!options.json) process.stderr.write(`… ${message}\n`);
  };
  const temporary: string[] = [];
  let server: OpaServer | undefined;
  const previousCacheDir = process.env.PORTCULLIS_CACHE_DIR;
  try {
    const corpus: CorpusFile[] = generateCorpus(options.count, options.seed);
    const lineCounts = corpus.map((f) => f.lines);

    // One-time costs: compile cold (fresh cache folder), then warm from the disk cache.
    const bundle = await loadPolicyDirectory(options.policies);
    const cacheDir = await mkdtemp(join(tmpdir(), 'portcullis-bench-cache-'));
    temporary.push(cacheDir);
    process.env.PORTCULLIS_CACHE_DIR = cacheDir;
    const cold = await timeCompile(bundle);
    progress(`compiled ${bundle.files.size} policy files cold in ${cold.ms.toFixed(0)} ms`);
    const warmRuns: number[] = [];
    for (let i = 0; i < 5; i++) warmRuns.push((await timeCompile(bundle)).ms);
    const loadStart = performance.now();
    const engine = await PolicyEngine.load(cold.compiled);
    const engineLoad = performance.now() - loadStart;

    // Portcullis, in process.
    const inputs = corpus.map((f) => dockerfileInput(f.path, f.content));
    const wasmCounts = inputs.map((input) => countFindings(engine, input));
    const parse = await measure(
      corpus.length,
      options,
      () => {
        let stages = 0;
        for (const f of corpus) stages += dockerfileInput(f.path, f.content).dockerfile.stages.length;
        return stages;
      },
      progress,
      'parse only',
    );
    const evaluate = await measure(
      corpus.length,
      options,
      () => {
        let findings = 0;
        for (const input of inputs) findings += engine.evaluate(input).length;
        return findings;
      },
      progress,
      'evaluate only',
    );
    const parseEvaluate = await measure(
      corpus.length,
      options,
      () => {
        let findings = 0;
        for (const f of corpus) findings += engine.evaluate(dockerfileInput(f.path, f.content)).length;
        return findings;
      },
      progress,
      'parse + evaluate',
    );

    const total = (counts: readonly Counts[]) => {
      const sum = { deny: 0, warn: 0, info: 0, total: 0 };
      for (const c of counts) for (const set of RESULT_SETS) sum[set] += c[set];
      sum.total = sum.deny + sum.warn + sum.info;
      return sum;
    };

    const summary: Summary = {
      date: new Date().toISOString().slice(0, 10),
      machine: {
        cpus: availableParallelism(),
        model: cpus()[0]?.model.trim() ?? 'unknown',
        node: process.versions.node,
        opa: await run(toolPath('opa'), ['version']).then(
          ({ stdout }) => /Version: (\S+)/.exec(stdout)?.[1] ?? 'unknown',
        ),
        platform: `${process.platform}/${process.arch}`,
      },
      corpus: {
        files: corpus.length,
        seed: options.seed,
        bytes: corpus.reduce((n, f) => n + Buffer.byteLength(f.content), 0),
        lines: {
          total: lineCounts.reduce((a, b) => a + b, 0),
          min: Math.min(...lineCounts),
          median: median(lineCounts),
          max: Math.max(...lineCounts),
        },
        stages: {
          total: inputs.reduce((n, i) => n + i.dockerfile.stages.length, 0),
          max: Math.max(...inputs.map((i) => i.dockerfile.stages.length)),
        },
      },
      policy: {
        rules: Object.keys(cold.compiled.rules).length,
        rego_files: [...bundle.files.keys()].filter((p) => p.endsWith('.rego')).length,
      },
      runs: options.runs,
      warmup: options.warmup,
      compile_ms: {
        cold: cold.ms,
        warm_disk_cache: median(warmRuns),
        warm_runs: warmRuns,
        engine_load: engineLoad,
      },
      throughput: { parse, evaluate, parse_evaluate: parseEvaluate },
      sanity: { wasm: total(wasmCounts) },
    };

    if (options.peer) {
      // The peer: the same policy files (the bundle, without tests) served by OPA itself.
      const policyDir = await mkdtemp(join(tmpdir(), 'portcullis-bench-opa-'));
      temporary.push(policyDir);
      await writeBundle(bundle, policyDir);
      server = await OpaServer.start(policyDir);
      const opa = server;
      progress(`OPA server ready at ${opa.url}`);

      const opaCounts: Counts[] = [];
      for (const input of inputs) opaCounts.push((await opa.evaluate(input)).counts);
      let differing = 0;
      let firstDifference: string | undefined;
      for (const [i, w] of wasmCounts.entries()) {
        const o = opaCounts[i] as Counts;
        if (RESULT_SETS.some((set) => w[set] !== o[set])) {
          differing++;
          firstDifference ??= `${corpus[i]?.path}: Portcullis ${JSON.stringify(w)}, OPA ${JSON.stringify(o)}`;
        }
      }
      summary.sanity.opa = total(opaCounts);
      summary.sanity.files_differing = differing;
      summary.sanity.match = differing === 0;
      if (firstDifference) summary.sanity.first_difference = firstDifference;

      const sumCounts = (c: Counts) => c.deny + c.warn + c.info;
      const opaServer = await measure(
        corpus.length,
        options,
        async () => {
          let results = 0;
          for (const f of corpus)
            results += sumCounts((await opa.evaluate(dockerfileInput(f.path, f.content))).counts);
          return results;
        },
        progress,
        'OPA server, 1 in flight',
      );
      const concurrent = await measure(
        corpus.length,
        options,
        async () => {
          const all = await mapLimit(corpus, options.concurrency, (f) =>
            opa.evaluate(dockerfileInput(f.path, f.content)),
          );
          return all.reduce((n, r) => n + sumCounts(r.counts), 0);
        },
        progress,
        `OPA server, ${options.concurrency} in flight`,
      );
      // OPA's own evaluation time, as it reports it: no parsing, HTTP or JSON decoding.
      const evalSeconds: number[] = [];
      for (let i = 0; i < options.runs; i++) {
        let ns = 0;
        for (const input of inputs) ns += (await opa.evaluate(input, true)).evalNs;
        evalSeconds.push(ns / 1e9);
      }
      const evalTimer = series(corpus.length, evalSeconds);
      progress(`OPA eval timer: median ${evalTimer.median.toFixed(0)} Dockerfiles/s`);

      summary.throughput.opa_server = opaServer;
      summary.throughput.opa_server_concurrent = { ...concurrent, in_flight: options.concurrency };
      summary.throughput.opa_server_eval_timer = evalTimer;
      summary.ratios = {
        wasm_vs_opa_server: parseEvaluate.median / opaServer.median,
        wasm_vs_opa_server_concurrent: parseEvaluate.median / concurrent.median,
        wasm_evaluate_vs_opa_eval_timer: evaluate.median / evalTimer.median,
      };
    }

    if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else printTable(summary);
    if (summary.sanity.match === false) process.exitCode = 1;
  } finally {
    await server?.stop();
    if (previousCacheDir === undefined) delete process.env.PORTCULLIS_CACHE_DIR;
    else process.env.PORTCULLIS_CACHE_DIR = previousCacheDir;
    for (const dir of temporary) await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
