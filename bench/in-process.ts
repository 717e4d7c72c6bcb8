/**
 * `npm run bench:in-process` (also the second table of `npm run bench`): Dockerfiles per
 * second through Portcullis' parser and WebAssembly `PolicyEngine` called in process, on
 * one thread, against OPA itself evaluating the same input documents with the same policy
 * files as a local server. This is no path a user runs (the CLI and the App add process
 * start, file reading and workers): `bench/run.ts` times those whole processes. This one
 * isolates the engine.
 *
 *   npm run bench:in-process                 readable table (progress on stderr)
 *   npm run -s bench:in-process -- --json    machine-readable summary on stdout
 *   npm run bench:in-process -- --count 200 --runs 3 --no-peer --policies path/to/policies
 *
 * Every series does one warm-up pass over the first files of the corpus, then up to
 * --runs timed passes over the whole corpus; it stops early once it has used --budget
 * seconds (after at least three passes, or two when one pass takes over half the budget),
 * so that a slow policy pack still finishes in about two minutes. The summary says how
 * many runs each figure is the median of. BENCHMARKS.md explains what is measured.
 *
 * Everything stays on the machine: the OPA server listens on 127.0.0.1 only and is
 * stopped at the end, also when the benchmark fails or is interrupted.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import type { PolicyInput } from '#portcullis/input/policy-input.js';
import { loadPolicyDirectory, type PolicyBundle } from '#portcullis/policy/bundle.js';
import type { CompiledPolicy } from '#portcullis/policy/compile.js';
import { PolicyEngine } from '#portcullis/policy/evaluate.js';
import type { Finding } from '#portcullis/policy/findings.js';
import { resetSettings } from '#portcullis/settings.js';
import { dockerfileInput } from '#portcullis/targets/dockerfile/index.js';
import { BUILTIN_POLICY_DIR, toolPath } from '#portcullis/tools.js';
import { freePort } from '../test/support/free-port.js';
import { type CorpusFile, DEFAULT_CORPUS_SIZE, DEFAULT_SEED, generateCorpus } from './corpus.js';
import { median, rates } from './measure.js';

const run = promisify(execFile);

/** Files in a warm-up pass: enough for the JIT and wasm tier-up, cheap with a slow policy. */
const WARMUP_FILES = 100;
/** Timed runs a series always does, whatever the budget (two when one pass takes over half of it). */
const MIN_RUNS = 3;
/** Compiles timed for the cold and the warm figure. */
const COMPILE_RUNS = 3;

interface Options {
  count: number;
  runs: number;
  warmup: number;
  seed: number;
  /** Soft limit in seconds per series; see the file comment. */
  budget: number;
  json: boolean;
  peer: boolean;
  /** Requests in flight for the secondary, concurrent OPA measurement. */
  concurrency: number;
  /** The policy folder: the built-in pack unless --policies says otherwise. */
  policies: string;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      count: { type: 'string' },
      runs: { type: 'string' },
      warmup: { type: 'string' },
      seed: { type: 'string' },
      budget: { type: 'string' },
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
    budget: int(values.budget, 30, 1, 3600, 'budget'),
    concurrency: int(values.concurrency, 4, 1, 64, 'concurrency'),
    peer: !values['no-peer'],
    policies: values.policies ?? BUILTIN_POLICY_DIR,
  };
}

// ── Measuring ────────────────────────────────────────────────────────────────────

/** Throughput samples of one measurement, in Dockerfiles per second. */
interface Series {
  runs: number;
  median: number;
  min: number;
  max: number;
  /** Median time per Dockerfile, in milliseconds. */
  ms_per_file: number;
}

interface PassResult {
  /** Findings (or results) of the pass: must be the same in every pass over the same files. */
  results: number;
  /** Seconds spent in named steps inside the pass, e.g. `evaluate`. */
  parts?: Record<string, number>;
}

interface Measured {
  /** Wall-clock throughput of whole passes. */
  wall: Series;
  /** Throughput counting only the time of one named step. */
  parts: Record<string, Series>;
}

function series(files: number, seconds: readonly number[]): Series {
  const { medianSeconds, ...r } = rates(files, seconds);
  return { ...r, ms_per_file: (medianSeconds * 1000) / files };
}

async function measure(
  label: string,
  corpus: readonly CorpusFile[],
  options: Pick<Options, 'runs' | 'warmup' | 'budget'>,
  pass: (files: readonly CorpusFile[]) => PassResult | Promise<PassResult>,
  progress: (message: string) => void,
  maxRuns = options.runs,
): Promise<Measured> {
  const warm = corpus.slice(0, WARMUP_FILES);
  for (let i = 0; i < options.warmup; i++) await pass(warm);
  let expected: number | undefined;
  const wall: number[] = [];
  const parts = new Map<string, number[]>();
  const started = performance.now();
  let minRuns = MIN_RUNS;
  while (wall.length < maxRuns) {
    const start = performance.now();
    const result = await pass(corpus);
    const seconds = (performance.now() - start) / 1000;
    expected ??= result.results;
    if (result.results !== expected) {
      throw new Error(`${label}: ${result.results} results in one pass, ${expected} in another`);
    }
    wall.push(seconds);
    if (wall.length === 1 && seconds > options.budget / 2) minRuns = MIN_RUNS - 1;
    for (const [name, value] of Object.entries(result.parts ?? {})) {
      parts.set(name, [...(parts.get(name) ?? []), value]);
    }
    const used = (performance.now() - started) / 1000;
    if (wall.length >= Math.min(minRuns, maxRuns) && used + seconds > options.budget) break;
  }
  const measured: Measured = {
    wall: series(corpus.length, wall),
    parts: Object.fromEntries([...parts].map(([name, values]) => [name, series(corpus.length, values)])),
  };
  progress(`${label}: median ${measured.wall.median.toFixed(0)} Dockerfiles/s over ${wall.length} runs`);
  return measured;
}

interface Counts {
  deny: number;
  warn: number;
  info: number;
}

const RESULT_SETS = ['deny', 'warn', 'info'] as const;

function tally(findings: readonly Finding[]): Counts {
  const counts: Counts = { deny: 0, warn: 0, info: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}

function totals(counts: readonly Counts[]): Counts & { total: number } {
  const sum = { deny: 0, warn: 0, info: 0, total: 0 };
  for (const c of counts) for (const set of RESULT_SETS) sum[set] += c[set];
  sum.total = sum.deny + sum.warn + sum.info;
  return sum;
}

// ── Compiling ────────────────────────────────────────────────────────────────────

type CompileModule = typeof import('#portcullis/policy/compile.js');

/**
 * A fresh instance of the compile module: its in-memory cache and memoised `opa version`
 * start empty, as in a new process, so that the disk cache is what a compile can hit.
 */
let instances = 0;
async function freshCompileModule(): Promise<CompileModule> {
  const url = new URL(import.meta.resolve('#portcullis/policy/compile.js'));
  url.searchParams.set('bench-instance', String(++instances));
  return (await import(url.href)) as CompileModule;
}

async function timeCompile(bundle: PolicyBundle): Promise<{ compiled: CompiledPolicy; ms: number }> {
  const module = await freshCompileModule();
  const start = performance.now();
  const compiled = await module.compilePolicy(bundle);
  return { compiled, ms: performance.now() - start };
}

// ── The peer: `opa run --server` on the same policy files ────────────────────────

/** Servers to kill and temporary folders to remove however this process ends (error, Ctrl-C). */
const running = new Set<OpaServer>();
const temporary = new Set<string>();

async function temporaryDirectory(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temporary.add(dir);
  return dir;
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
      running.delete(this);
    });
  }

  /** Starts OPA on a free loopback port with the policy files in `dir`, and waits until it answers. */
  static async start(dir: string): Promise<OpaServer> {
    const port = await freePort();
    const args = [
      'run',
      '--server',
      '--addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--log-level',
      'error',
    ];
    const child = spawn(toolPath('opa'), [...args, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    const server = new OpaServer(child, `http://127.0.0.1:${port}`);
    running.add(server);
    try {
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
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`opa run did not answer within 20 s: ${server.stderr.trim()}`);
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  /**
   * One query over keep-alive HTTP (Node's fetch): the result sets of data.portcullis.main
   * for this input, and OPA's own evaluation time for it. OPA times every query anyway;
   * `?metrics` only adds the timers to the response.
   */
  async evaluate(input: PolicyInput): Promise<{ counts: Counts; evalNs: number }> {
    const response = await fetch(`${this.url}/v1/data/portcullis/main?metrics=true`, {
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
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 3000).unref());
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      this.child.kill('SIGKILL');
      await exited;
    }
  }

  /** Last resort while this process exits: nothing can be awaited any more. */
  killNow(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

process.on('exit', () => {
  for (const server of running) server.killNow();
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130));
}

async function writeBundle(bundle: PolicyBundle, dir: string): Promise<void> {
  for (const [path, content] of bundle.files) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

/** Runs `task` on every item with at most `limit` in flight; results in item order. */
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

export interface Summary {
  date: string;
  machine: {
    cpus: number;
    model: string;
    node: string;
    opa: string;
    platform: string;
    /** 1-minute load average when the benchmark started and ended: other work on the machine skews figures. */
    load_average: { start: number; end: number };
  };
  corpus: {
    files: number;
    seed: number;
    bytes: number;
    lines: { total: number; min: number; median: number; max: number };
    stages: { total: number; max: number };
    /** Mean size of a policy input document as JSON. */
    input_json_bytes: number;
  };
  policy: { dir: string; rules: number; rego_files: number };
  settings: {
    max_runs: number;
    min_runs: number;
    warmup_passes: number;
    warmup_files: number;
    budget_s: number;
  };
  compile_ms: {
    /** `opa build` + `opa inspect` into an empty cache folder, as a new process does. */
    cold: number;
    /** A new process with the disk cache filled: `opa version` + reading the cache. */
    warm_disk_cache: number;
    /** WebAssembly compile and instantiate, data loaded: `PolicyEngine.load`. */
    engine_load: number;
    cold_runs: number[];
    warm_runs: number[];
    engine_load_runs: number[];
  };
  throughput: {
    /** `dockerfileInput` alone. */
    parse: Series;
    /** Time inside `PolicyEngine.evaluate`, summed over the parse + evaluate passes. */
    evaluate: Series;
    /** Wall clock of `engine.evaluate(dockerfileInput(…))` over the corpus. */
    parse_evaluate: Series;
    /** Wall clock of parse + JSON + HTTP POST + OPA eval + response decoding, one request at a time. */
    opa_server?: Series;
    /** OPA's `timer_rego_query_eval_ns`, summed over the same requests. */
    opa_server_eval_timer?: Series;
    /** As opa_server with several requests in flight. */
    opa_server_concurrent?: Series & { in_flight: number };
  };
  ratios?: {
    /** Portcullis parse + evaluate ÷ OPA server, one request at a time. */
    wasm_vs_opa_server: number;
    /** Portcullis evaluate only ÷ OPA's own evaluation timer. */
    wasm_evaluate_vs_opa_eval_timer: number;
    /** Portcullis parse + evaluate ÷ OPA server with several requests in flight. */
    wasm_vs_opa_server_concurrent: number;
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
  line(`Portcullis benchmark, ${s.date}`);
  line(
    `Machine: ${s.machine.cpus} CPUs (${s.machine.model}), Node ${s.machine.node}, OPA ${s.machine.opa}; ` +
      `load average ${fmt(s.machine.load_average.start, 2)} at start, ${fmt(s.machine.load_average.end, 2)} at end`,
  );
  line(
    `Corpus:  ${s.corpus.files} Dockerfiles (seed ${s.corpus.seed}), ${fmt(s.corpus.lines.total)} lines, ` +
      `${fmt(s.corpus.bytes / 1024)} KiB; lines per file ${s.corpus.lines.min}–${s.corpus.lines.max}, ` +
      `median ${s.corpus.lines.median}; ${s.corpus.stages.total} stages; input JSON ${fmt(s.corpus.input_json_bytes / 1024, 1)} KiB per file`,
  );
  line(`Policy:  ${s.policy.rules} rules, ${s.policy.rego_files} Rego files (${s.policy.dir})`);
  line(
    `Runs:    ${s.settings.warmup_passes} warm-up pass over ${s.settings.warmup_files} files, then ` +
      `up to ${s.settings.max_runs} timed passes over the corpus per series, fewer once a series has used ` +
      `${s.settings.budget_s} s (but at least ${s.settings.min_runs}, or 2 when one pass takes over half of that)`,
  );
  line();
  const rows: [string, Series | undefined][] = [
    ['Portcullis: parse only (dockerfileInput)', s.throughput.parse],
    ['Portcullis: evaluate only (PolicyEngine.evaluate)', s.throughput.evaluate],
    ['Portcullis: parse + evaluate', s.throughput.parse_evaluate],
    ['OPA server: parse + HTTP + eval, 1 in flight', s.throughput.opa_server],
    ['OPA server: its own eval timer, same requests', s.throughput.opa_server_eval_timer],
    [
      `OPA server: parse + HTTP + eval, ${s.throughput.opa_server_concurrent?.in_flight ?? '-'} in flight`,
      s.throughput.opa_server_concurrent,
    ],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const head = ['median', 'min', 'max', 'ms/file', 'runs'];
  line(`${'Dockerfiles per second'.padEnd(width)}  ${head.map((h) => h.padStart(8)).join('  ')}`);
  line('-'.repeat(width + 2 + head.length * 10 - 2));
  for (const [label, r] of rows) {
    if (!r) continue;
    const cells = [fmt(r.median), fmt(r.min), fmt(r.max), fmt(r.ms_per_file, 3), String(r.runs)];
    line(`${label.padEnd(width)}  ${cells.map((c) => c.padStart(8)).join('  ')}`);
  }
  line();
  const c = s.compile_ms;
  line(
    `Compile (median of ${c.cold_runs.length}): cold ${fmt(c.cold)} ms (empty cache: opa build + inspect), ` +
      `warm ${fmt(c.warm_disk_cache, 1)} ms (disk cache), engine load ${fmt(c.engine_load, 1)} ms (wasm instantiate)`,
  );
  if (s.ratios) {
    line();
    line(`Portcullis parse + evaluate ÷ OPA server, 1 in flight:   ${fmt(s.ratios.wasm_vs_opa_server, 2)}×`);
    line(
      `Portcullis evaluate only ÷ OPA's own eval timer:         ${fmt(s.ratios.wasm_evaluate_vs_opa_eval_timer, 2)}×`,
    );
    line(
      `Portcullis parse + evaluate ÷ OPA server, ${s.throughput.opa_server_concurrent?.in_flight} in flight:   ${fmt(s.ratios.wasm_vs_opa_server_concurrent, 2)}×`,
    );
  }
  line();
  const counts = (x: Counts & { total: number }) =>
    `${x.total} (deny ${x.deny}, warn ${x.warn}, info ${x.info})`;
  line(`Sanity:  Portcullis findings ${counts(s.sanity.wasm)}`);
  if (s.sanity.opa) {
    line(`         OPA server results  ${counts(s.sanity.opa)}`);
    line(
      s.sanity.match
        ? '         Same counts for every Dockerfile and result set.'
        : `         MISMATCH in ${s.sanity.files_differing} Dockerfiles, e.g. ${s.sanity.first_difference}`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

// ── Main ─────────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const loadStart = loadavg()[0] as number;
  const progress = (message: string) => {
    if (!options.json) process.stderr.write(`… ${message}\n`);
  };
  let server: OpaServer | undefined;
  const previousCacheDir = process.env.PORTCULLIS_CACHE_DIR;
  try {
    const corpus = generateCorpus(options.count, options.seed);
    const bundle = await loadPolicyDirectory(options.policies);

    // One-time costs. Cold: a fresh cache folder each time; warm: the last one, filled.
    const coldRuns: number[] = [];
    let compiled: CompiledPolicy | undefined;
    for (let i = 0; i < COMPILE_RUNS; i++) {
      const cacheDir = await temporaryDirectory('portcullis-bench-cache-');
      process.env.PORTCULLIS_CACHE_DIR = cacheDir;
      resetSettings();
      const cold = await timeCompile(bundle);
      coldRuns.push(cold.ms);
      compiled = cold.compiled;
    }
    const warmRuns: number[] = [];
    for (let i = 0; i < COMPILE_RUNS; i++) warmRuns.push((await timeCompile(bundle)).ms);
    if (!compiled) throw new Error('nothing compiled');
    const loadRuns: number[] = [];
    let engine: PolicyEngine | undefined;
    for (let i = 0; i < COMPILE_RUNS; i++) {
      const start = performance.now();
      engine = await PolicyEngine.load(compiled);
      loadRuns.push(performance.now() - start);
    }
    if (!engine) throw new Error('no engine');
    const wasm = engine;
    progress(`compiled ${bundle.files.size} policy files: cold ${median(coldRuns).toFixed(0)} ms`);

    // Portcullis, in process.
    const inputs = corpus.map((f) => dockerfileInput(f.path, f.content));
    const parse = await measure(
      'parse only',
      corpus,
      options,
      (files) => {
        let stages = 0;
        for (const f of files) stages += dockerfileInput(f.path, f.content).dockerfile.stages.length;
        return { results: stages };
      },
      progress,
    );
    const wasmCounts: Counts[] = [];
    const parseEvaluate = await measure(
      'parse + evaluate',
      corpus,
      options,
      (files) => {
        let results = 0;
        let evaluating = 0;
        for (const [i, f] of files.entries()) {
          const input = dockerfileInput(f.path, f.content);
          const start = performance.now();
          const findings = wasm.evaluate(input);
          evaluating += performance.now() - start;
          results += findings.length;
          wasmCounts[i] = tally(findings);
        }
        return { results, parts: { evaluate: evaluating / 1000 } };
      },
      progress,
    );

    const lineCounts = corpus.map((f) => f.lines);
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
        load_average: { start: loadStart, end: loadavg()[0] as number },
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
        input_json_bytes:
          inputs.reduce((n, i) => n + Buffer.byteLength(JSON.stringify(i)), 0) / inputs.length,
      },
      policy: {
        dir: relative(process.cwd(), options.policies) || '.',
        rules: Object.keys(compiled.rules).length,
        rego_files: [...bundle.files.keys()].filter((p) => p.endsWith('.rego')).length,
      },
      settings: {
        max_runs: options.runs,
        min_runs: Math.min(MIN_RUNS, options.runs),
        warmup_passes: options.warmup,
        warmup_files: Math.min(WARMUP_FILES, corpus.length),
        budget_s: options.budget,
      },
      compile_ms: {
        cold: median(coldRuns),
        warm_disk_cache: median(warmRuns),
        engine_load: loadRuns[0] as number,
        cold_runs: coldRuns,
        warm_runs: warmRuns,
        engine_load_runs: loadRuns,
      },
      throughput: {
        parse: parse.wall,
        evaluate: parseEvaluate.parts.evaluate as Series,
        parse_evaluate: parseEvaluate.wall,
      },
      sanity: { wasm: totals(wasmCounts) },
    };

    if (options.peer) {
      // The peer: the same policy files (the bundle, without tests) served by OPA itself.
      const policyDir = await temporaryDirectory('portcullis-bench-opa-');
      await writeBundle(bundle, policyDir);
      server = await OpaServer.start(policyDir);
      const opa = server;
      progress(`OPA server listening on ${opa.url}`);

      const sum = (c: Counts) => c.deny + c.warn + c.info;
      const opaCounts: Counts[] = [];
      const sequential = await measure(
        'OPA server, 1 in flight',
        corpus,
        options,
        async (files) => {
          let results = 0;
          let evalNs = 0;
          for (const [i, f] of files.entries()) {
            const answer = await opa.evaluate(dockerfileInput(f.path, f.content));
            results += sum(answer.counts);
            evalNs += answer.evalNs;
            opaCounts[i] = answer.counts;
          }
          return { results, parts: { eval_timer: evalNs / 1e9 } };
        },
        progress,
      );
      const concurrent = await measure(
        `OPA server, ${options.concurrency} in flight`,
        corpus,
        options,
        async (files) => {
          const answers = await mapLimit(files, options.concurrency, (f) =>
            opa.evaluate(dockerfileInput(f.path, f.content)),
          );
          return { results: answers.reduce((n, a) => n + sum(a.counts), 0) };
        },
        progress,
        Math.min(options.runs, MIN_RUNS),
      );
      await server.stop();

      let differing = 0;
      for (const [i, w] of wasmCounts.entries()) {
        const o = opaCounts[i] ?? { deny: 0, warn: 0, info: 0 };
        if (RESULT_SETS.some((set) => w[set] !== o[set])) {
          differing++;
          summary.sanity.first_difference ??= `${corpus[i]?.path}: Portcullis ${JSON.stringify(w)}, OPA ${JSON.stringify(o)}`;
        }
      }
      summary.sanity.opa = totals(opaCounts);
      summary.sanity.files_differing = differing;
      summary.sanity.match = differing === 0;

      const evalTimer = sequential.parts.eval_timer as Series;
      summary.throughput.opa_server = sequential.wall;
      summary.throughput.opa_server_eval_timer = evalTimer;
      summary.throughput.opa_server_concurrent = { ...concurrent.wall, in_flight: options.concurrency };
      summary.ratios = {
        wasm_vs_opa_server: parseEvaluate.wall.median / sequential.wall.median,
        wasm_evaluate_vs_opa_eval_timer: summary.throughput.evaluate.median / evalTimer.median,
        wasm_vs_opa_server_concurrent: parseEvaluate.wall.median / concurrent.wall.median,
      };
    }

    if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else printTable(summary);
    if (summary.sanity.match === false) process.exitCode = 1;
  } finally {
    await server?.stop();
    if (previousCacheDir === undefined) delete process.env.PORTCULLIS_CACHE_DIR;
    else process.env.PORTCULLIS_CACHE_DIR = previousCacheDir;
    resetSettings();
    for (const dir of temporary) await rm(dir, { recursive: true, force: true });
    temporary.clear();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:in-process failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
