/**
 * `npm run bench`: Portcullis timed as users run it, whole processes, against the peers on
 * the same files, interleaved round by round. Then the in-process engine benchmark
 * (bench/in-process.ts) as a second table.
 *
 *   npm run bench                        full run (about 15 minutes on 2 cores)
 *   npm run bench -- --quick             a few rounds on 100 files: a smoke test, not figures
 *   npm run -s bench -- --json           the summary as JSON on stdout
 *   npm run bench -- --sizes 100,1000 --size-rounds 5,3 --rounds 9 --no-in-process --no-scan
 *
 * Peers (bash scripts/setup-bench.sh, or npm run bench:peers, installs them into tools/):
 * Hadolint, Conftest with bench/conftest-pack (Portcullis's built-in Dockerfile rules
 * restated on Conftest's own Dockerfile input), osv-scanner for the scan row. A peer that
 * is not installed is reported as missing; the rows still run for the others.
 *
 * Rows:
 * - cold single file: `portcullis check --offline --format json Dockerfile` in a folder with
 *   one Dockerfile of the corpus (the median one by lines), against `hadolint Dockerfile`
 *   and `conftest test Dockerfile`;
 * - whole repository of N files (the first N of the seeded corpus, bench/corpus.ts):
 *   `portcullis check --offline --format json` in the folder (it finds the files itself),
 *   against hadolint and conftest given every file on the command line;
 * - scan: `portcullis scan docker-archive:…` against `osv-scanner scan image --archive
 *   --offline` on the same archive and fixture OSV database (the tests' fixtures).
 *
 * Every tool runs once untimed before a row (page cache, Portcullis's compiled-policy disk
 * cache in a temporary PORTCULLIS_CACHE_DIR), then each round runs every tool once, in an
 * order that rotates from round to round, so that load on the machine falls on all alike.
 * Wall time is taken around the child process (spawn to exit); peak RSS is GNU time's
 * maximum resident set size when /usr/bin/time exists. Output goes to files, not pipes,
 * so this process does no work while a tool runs. Findings are counted from each tool's
 * JSON output and must be the same in every round.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeDockerArchive } from '#portcullis/scan/archive.js';
import {
  ALPINE_BASE_PACKAGES,
  ALPINE_VULNERABILITIES,
  alpineRootfs,
  apkInstalled,
  rootfsTar,
  writeOsvDatabase,
} from '../test/support/fixture-images.js';
import { type CorpusFile, DEFAULT_SEED, generateCorpus } from './corpus.js';
import type { Summary as InProcessSummary } from './in-process.js';
import { median } from './measure.js';

/** The repository root: bench/dist/bench/run.js is three folders down. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const TOOLS = join(ROOT, 'tools/bin');
const GNU_TIME = '/usr/bin/time';

interface Options {
  quick: boolean;
  json: boolean;
  /** Rounds of the cold single-file row and of the scan row. */
  rounds: number;
  /** Repository sizes, with the rounds each gets. */
  sizes: { files: number; rounds: number }[];
  inProcess: boolean;
  scan: boolean;
  /** A lone pull request through the App and the loopback GitHub (bench/service.ts): where its job's time goes. */
  service: boolean;
  out: string;
}

/** Fewer rounds for bigger repositories: a round of 5,000 files takes minutes (documented in BENCHMARKS.md). */
const DEFAULT_ROUNDS: Record<number, number> = { 100: 9, 1000: 5, 5000: 3 };

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      sizes: { type: 'string' },
      'size-rounds': { type: 'string' },
      'no-in-process': { type: 'boolean', default: false },
      'no-scan': { type: 'boolean', default: false },
      'no-service': { type: 'boolean', default: false },
      out: { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick ?? false;
  const positive = (text: string, name: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error(`${name} must be a positive integer`);
    return n;
  };
  const sizes = (values.sizes ?? (quick ? '100' : '100,1000,5000'))
    .split(',')
    .map((s) => positive(s.trim(), '--sizes'));
  // --size-rounds 5 (every size) or 5,3,1 (one per size, in the order of --sizes).
  const sizeRounds = values['size-rounds']?.split(',').map((s) => positive(s.trim(), '--size-rounds'));
  return {
    quick,
    json: values.json ?? false,
    rounds: values.rounds ? positive(values.rounds, '--rounds') : quick ? 3 : 15,
    sizes: sizes.map((files, i) => ({
      files,
      rounds:
        sizeRounds?.[sizeRounds.length === 1 ? 0 : i] ??
        (quick ? 2 : (DEFAULT_ROUNDS[files] ?? (files <= 1000 ? 5 : 3))),
    })),
    inProcess: !values['no-in-process'],
    scan: !values['no-scan'],
    service: !values['no-service'],
    out: resolve(values.out ?? join(ROOT, 'bench/results', quick ? 'quick.md' : 'latest.md')),
  };
}

// ── Running one whole process ────────────────────────────────────────────────────

interface Sample {
  ms: number;
  /** Peak resident set size in KiB, when GNU time is there to tell. */
  rssKiB: number | null;
  code: number;
  stdout: string;
  stderr: string;
}

const hasGnuTime = existsSync(GNU_TIME);

/** Runs a command to completion with its output in files, timing spawn to exit. */
function runTimed(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  work: string,
) {
  const out = join(work, 'stdout');
  const err = join(work, 'stderr');
  const rss = join(work, 'rss');
  const stdout = openSync(out, 'w');
  const stderr = openSync(err, 'w');
  const [file, argv] = hasGnuTime
    ? [GNU_TIME, ['-f', '%M', '-o', rss, command, ...args]]
    : [command, [...args]];
  return new Promise<Sample>((resolvePromise, reject) => {
    const start = performance.now();
    const child = spawn(file, argv, { cwd, env, stdio: ['ignore', stdout, stderr] });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const ms = performance.now() - start;
      closeSync(stdout);
      closeSync(stderr);
      const kib = hasGnuTime
        ? Number.parseInt(readFileSync(rss, 'utf8').trim().split('\n').pop() ?? '', 10)
        : NaN;
      resolvePromise({
        ms,
        rssKiB: Number.isFinite(kib) ? kib : null,
        code: code ?? (signal ? 128 : 1),
        stdout: readFileSync(out, 'utf8'),
        stderr: readFileSync(err, 'utf8'),
      });
    });
  });
}

/** One tool in one row: how to run it and how to count what it found. */
interface Contender {
  tool: string;
  command: string;
  args: string[];
  cwd: string;
  /** Exit codes that mean "ran and reported", e.g. 1 for "found something". */
  okCodes: number[];
  /** Findings in the tool's output: a total and, where the tool names them, counts per rule. */
  count: (stdout: string) => { total: number; byRule: Record<string, number>; note?: string };
  /** Variables over the row's, fresh for every run (e.g. a new, empty cache folder). */
  env?: () => NodeJS.ProcessEnv;
}

interface Measured {
  tool: string;
  missing?: string;
  runs: number;
  median_ms: number;
  min_ms: number;
  max_ms: number;
  /** Median of the peak RSS samples, MiB. */
  peak_rss_mib: number | null;
  findings: number;
  by_rule: Record<string, number>;
  note?: string;
}

interface Row {
  name: string;
  files: number;
  rounds: number;
  results: Measured[];
}

async function measureRow(
  name: string,
  files: number,
  rounds: number,
  contenders: (Contender | { tool: string; missing: string })[],
  env: NodeJS.ProcessEnv,
  work: string,
  progress: (text: string) => void,
): Promise<Row> {
  const present = contenders.filter((c): c is Contender => !('missing' in c));
  const samples = new Map<string, Sample[]>(present.map((c) => [c.tool, []]));
  const counts = new Map<string, ReturnType<Contender['count']>>();
  const once = async (c: Contender) => {
    const sample = await runTimed(c.command, c.args, c.cwd, c.env ? { ...env, ...c.env() } : env, work);
    if (!c.okCodes.includes(sample.code))
      throw new Error(`${name}: ${c.tool} exited ${sample.code}: ${sample.stderr.trim().slice(0, 2000)}`);
    const counted = c.count(sample.stdout);
    const first = counts.get(c.tool);
    if (first && first.total !== counted.total)
      throw new Error(`${name}: ${c.tool} found ${counted.total} in one run and ${first.total} in another`);
    counts.set(c.tool, counted);
    return sample;
  };
  // Untimed: fills the page cache and Portcullis's compiled-policy cache, as on a user's second run.
  for (const c of present) await once(c);
  for (let round = 0; round < rounds; round++) {
    const order = present.map((_, i) => present[(i + round) % present.length] as Contender);
    for (const c of order) samples.get(c.tool)?.push(await once(c));
    progress(`${name}: round ${round + 1}/${rounds}`);
  }
  const results = contenders.map((c): Measured => {
    if ('missing' in c)
      return {
        tool: c.tool,
        missing: c.missing,
        runs: 0,
        median_ms: 0,
        min_ms: 0,
        max_ms: 0,
        peak_rss_mib: null,
        findings: 0,
        by_rule: {},
      };
    const s = samples.get(c.tool) ?? [];
    const ms = s.map((x) => x.ms);
    const rss = s.flatMap((x) => (x.rssKiB === null ? [] : [x.rssKiB / 1024]));
    const counted = counts.get(c.tool) ?? { total: 0, byRule: {} };
    return {
      tool: c.tool,
      runs: s.length,
      median_ms: median(ms),
      min_ms: Math.min(...ms),
      max_ms: Math.max(...ms),
      peak_rss_mib: rss.length > 0 ? median(rss) : null,
      findings: counted.total,
      by_rule: counted.byRule,
      ...(counted.note ? { note: counted.note } : {}),
    };
  });
  return { name, files, rounds, results };
}

// ── The tools ────────────────────────────────────────────────────────────────────

function tally(ids: readonly string[]): Record<string, number> {
  const byRule: Record<string, number> = {};
  for (const id of ids) byRule[id] = (byRule[id] ?? 0) + 1;
  return byRule;
}

const countPortcullis = (stdout: string) => {
  const report = JSON.parse(stdout) as { findings: { rule_id: string }[]; errors?: unknown[] };
  const errors = report.errors?.length ?? 0;
  return {
    total: report.findings.length,
    byRule: tally(report.findings.map((f) => f.rule_id)),
    ...(errors > 0 ? { note: `${errors} files not judged` } : {}),
  };
};

const countHadolint = (stdout: string) => {
  const findings = JSON.parse(stdout) as { code: string; file: string }[];
  // Hadolint 2.15 cannot parse here-documents (RUN <<EOF): such a file yields one DL1000 and nothing else.
  const unparsed = new Set(findings.filter((f) => f.code === 'DL1000').map((f) => f.file)).size;
  return {
    total: findings.length,
    byRule: tally(findings.map((f) => f.code)),
    ...(unparsed > 0 ? { note: `${unparsed} files unparsed (DL1000)` } : {}),
  };
};

const countConftest = (stdout: string) => {
  const files = JSON.parse(stdout) as { failures?: { msg: string }[]; warnings?: { msg: string }[] }[];
  const messages = files.flatMap((f) => [...(f.failures ?? []), ...(f.warnings ?? [])].map((r) => r.msg));
  return {
    total: messages.length,
    byRule: tally(messages.map((m) => /^(PC-[A-Z]+-\d+):/.exec(m)?.[1] ?? 'other')),
  };
};

interface Tool {
  name: string;
  path: string | null;
  version: string;
}

/** A peer in tools/bin, with its version, or why it is missing. */
async function findTool(name: string, versionArgs: string[], pattern: RegExp, work: string): Promise<Tool> {
  const path = join(TOOLS, name);
  if (!existsSync(path)) return { name, path: null, version: 'not installed (bash scripts/setup-bench.sh)' };
  const sample = await runTimed(path, versionArgs, ROOT, process.env, work);
  let version = pattern.exec(sample.stdout + sample.stderr)?.[1] ?? 'unknown';
  if (version === 'dev') {
    // `go install` builds report "dev"; the module version is in the Go build info.
    const info = await runTimed('go', ['version', '-m', path], ROOT, process.env, work).catch(() => null);
    version = /\bmod\s+\S+\s+v(\S+)/.exec(info?.stdout ?? '')?.[1] ?? version;
  }
  return { name, path, version };
}

/** The program's path when it is on PATH. */
function findOnPath(program: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, program))) return join(dir, program);
  }
  return null;
}

/** A PATH of one folder holding Node and `programs` (links), so that nothing else is found. */
function pathWithout(dir: string, programs: readonly string[]): string {
  mkdirSync(dir, { recursive: true });
  symlinkSync(process.execPath, join(dir, 'node'));
  for (const program of programs) {
    const found = findOnPath(program);
    if (found) symlinkSync(found, join(dir, program));
  }
  return dir;
}

function writeCorpus(dir: string, files: readonly CorpusFile[]): string[] {
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  return files.map((f) => f.path);
}

/** The image of the scan tests: an Alpine root filesystem and an app layer adding zlib 1.3-r2. */
function writeScanFixture(dir: string): { archive: string; database: string; osvRoot: string } {
  const database = writeOsvDatabase(join(dir, 'osv'), ALPINE_VULNERABILITIES);
  const layers = [
    rootfsTar(alpineRootfs(ALPINE_BASE_PACKAGES)),
    rootfsTar({
      'lib/apk/db/installed': apkInstalled([...ALPINE_BASE_PACKAGES, { name: 'zlib', version: '1.3-r2' }]),
    }),
  ];
  const sha = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { User: '1000' },
      rootfs: { type: 'layers', diff_ids: layers.map(sha) },
      history: [{ created_by: 'ADD base in /' }, { created_by: 'ADD app in /' }],
    }),
  );
  const archive = join(dir, 'image.tar');
  writeDockerArchive(archive, { config, layers: layers.map((data) => ({ digest: sha(data), data })) });
  // osv-scanner run directly reads <root>/osv-scanner/<ecosystem>/all.zip (and osv-scalibr for images).
  const osvRoot = join(dir, 'osv-root');
  mkdirSync(osvRoot);
  for (const name of ['osv-scanner', 'osv-scalibr']) symlinkSync(database, join(osvRoot, name), 'dir');
  return { archive, database, osvRoot };
}

// ── Report ───────────────────────────────────────────────────────────────────────

interface WholeProcessSummary {
  date: string;
  machine: {
    cpus: number;
    model: string;
    node: string;
    /** Whether NODE_EXTRA_CA_CERTS is set: every Node process then starts 45-55 ms later here. */
    node_extra_ca_certs: boolean;
    load_average: { start: number; end: number };
  };
  tools: Record<string, string>;
  corpus: { seed: number; cold_file: { path: string; lines: number } };
  peak_rss: string;
  rows: Row[];
  in_process?: InProcessSummary;
  seconds: number;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function markdown(s: WholeProcessSummary, options: Options): string {
  const out: string[] = [];
  const line = (text = '') => out.push(text);
  line(`## \`npm run bench\`, ${s.date}${options.quick ? ' (--quick: smoke test, not figures)' : ''}`);
  line();
  line(
    `${s.machine.cpus} CPUs (${s.machine.model}), Node ${s.machine.node}` +
      `${s.machine.node_extra_ca_certs ? ' (NODE_EXTRA_CA_CERTS set)' : ''}; load average ${fmt(s.machine.load_average.start, 2)} ` +
      `at the start, ${fmt(s.machine.load_average.end, 2)} at the end; ${fmt(s.seconds)} s in all.`,
  );
  line(
    `Tools: ${Object.entries(s.tools)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}. Peak RSS: ${s.peak_rss}.`,
  );
  line();
  line('### Whole processes, interleaved round by round');
  line();
  line(
    '| row | tool | median | min | max | files/s | peak RSS | findings | peer time ÷ Portcullis time | runs |',
  );
  line('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of s.rows) {
    const ours = row.results.find((r) => r.tool === 'portcullis');
    const isOurs = (tool: string) => tool.startsWith('portcullis');
    for (const r of row.results) {
      if (r.missing) {
        line(`| ${row.name} | ${r.tool} | ${r.missing} | | | | | | | |`);
        continue;
      }
      const ratio = ours && !isOurs(r.tool) ? `${fmt(r.median_ms / ours.median_ms, 2)}×` : '';
      const rate = row.files > 1 ? fmt(row.files / (r.median_ms / 1000)) : '';
      const findings = `${fmt(r.findings)}${r.note ? ` (${r.note})` : ''}`;
      const name = r.tool === 'portcullis' ? `**${row.name}**` : row.name;
      const tool = r.tool === 'portcullis' ? '**portcullis**' : r.tool;
      const rss = r.peak_rss_mib === null ? '–' : `${fmt(r.peak_rss_mib)} MiB`;
      line(
        `| ${name} | ${tool} | ${fmt(r.median_ms)} ms | ${fmt(r.min_ms)} | ${fmt(r.max_ms)} | ${rate} | ${rss} | ${findings} | ${ratio} | ${r.runs} |`,
      );
    }
  }
  line();
  line(
    '"Peer time ÷ Portcullis time" above 1 means Portcullis was faster. Rounds are interleaved: each round runs every tool once, in an order that rotates by one each round; fewer rounds for bigger repositories (a round of 5,000 files takes minutes). Cold single file: one Dockerfile ' +
      `(${s.corpus.cold_file.path}, ${s.corpus.cold_file.lines} lines), a new process each run, caches warm ` +
      '(one untimed run first). Repository rows: the first N files of the seeded corpus (bench/corpus.ts, seed ' +
      `${s.corpus.seed}); Portcullis finds them itself (\`check --offline --format json\` in the folder), the peers get ` +
      'every path on the command line. Conftest runs bench/conftest-pack (the built-in Dockerfile rules on ' +
      "Conftest's own parse); Hadolint runs its own rules.",
  );
  const perRule = s.rows
    .filter((r) => r.files > 1)
    .sort((a, b) => Math.abs(a.files - 1000) - Math.abs(b.files - 1000))[0];
  const ours = perRule?.results.find((r) => r.tool === 'portcullis');
  const conftest = perRule?.results.find((r) => r.tool === 'conftest' && !r.missing);
  if (perRule && ours) {
    line();
    line(`### Findings per rule, ${fmt(perRule.files)} files: Portcullis and the Conftest pack`);
    line();
    line('| rule | portcullis | conftest pack |');
    line('| --- | ---: | ---: |');
    const ids = [...new Set([...Object.keys(ours.by_rule), ...Object.keys(conftest?.by_rule ?? {})])].sort();
    for (const id of ids)
      line(`| ${id} | ${fmt(ours.by_rule[id] ?? 0)} | ${conftest ? fmt(conftest.by_rule[id] ?? 0) : '–'} |`);
    line(`| total | ${fmt(ours.findings)} | ${conftest ? fmt(conftest.findings) : '–'} |`);
    line();
    line(
      "Differences come from the input: Conftest's Dockerfile input has no shell parsing (the pack splits RUN " +
        'text with regular expressions), no here-document bodies and no line numbers.',
    );
  }
  if (s.in_process) {
    const p = s.in_process;
    line();
    line(`### In process (\`npm run bench:in-process\`), ${fmt(p.corpus.files)} Dockerfiles, one thread`);
    line();
    line(
      'No user runs this path: parse and evaluate called in a loop, no process start, no file reading, no workers.',
    );
    line();
    line('| Dockerfiles per second | median | min | max | ms per file | runs |');
    line('| --- | ---: | ---: | ---: | ---: | ---: |');
    const rows: [
      string,
      { median: number; min: number; max: number; ms_per_file: number; runs: number } | undefined,
    ][] = [
      ['Portcullis: parse only', p.throughput.parse],
      ['Portcullis: evaluate only', p.throughput.evaluate],
      ['**Portcullis: parse + evaluate**', p.throughput.parse_evaluate],
      ['**OPA server: parse + HTTP + evaluate, 1 in flight**', p.throughput.opa_server],
      ['OPA server: its own evaluation timer', p.throughput.opa_server_eval_timer],
      [
        `OPA server: parse + HTTP + evaluate, ${p.throughput.opa_server_concurrent?.in_flight ?? '-'} in flight`,
        p.throughput.opa_server_concurrent,
      ],
    ];
    for (const [label, r] of rows)
      if (r)
        line(
          `| ${label} | ${fmt(r.median)} | ${fmt(r.min)} | ${fmt(r.max)} | ${fmt(r.ms_per_file, 2)} | ${r.runs} |`,
        );
    line();
    line(
      `Compile: cold ${fmt(p.compile_ms.cold)} ms, warm ${fmt(p.compile_ms.warm_disk_cache, 1)} ms, engine load ` +
        `${fmt(p.compile_ms.engine_load, 1)} ms. ${p.policy.rules} rules in ${p.policy.rego_files} Rego files. ` +
        `Findings: Portcullis ${fmt(p.sanity.wasm.total)}` +
        (p.sanity.opa
          ? `, OPA ${fmt(p.sanity.opa.total)} (${p.sanity.match ? 'the same for every file' : 'MISMATCH'})`
          : '') +
        (p.ratios
          ? `; parse + evaluate ÷ OPA server, 1 in flight: ${fmt(p.ratios.wasm_vs_opa_server, 2)}×.`
          : '.'),
    );
  }
  return `${out.join('\n')}\n`;
}

// ── Main ─────────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const progress = (text: string) => process.stderr.write(`… ${text}\n`);
  const loadStart = loadavg()[0] as number;
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'portcullis-bench-'));
  const cleanup = () => rmSync(work, { recursive: true, force: true });
  process.once('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  try {
    const node = process.execPath;
    const cli = join(ROOT, 'bin/portcullis.js');
    if (!existsSync(join(ROOT, 'dist/cli/main.js')))
      throw new Error('dist/ is not built: npm run bench:compile');
    const pack = join(ROOT, 'bench/conftest-pack');
    const hadolint = await findTool('hadolint', ['--version'], /Linter (\S+)/, work);
    const conftest = await findTool('conftest', ['--version'], /Conftest: (\S+)/, work);
    const osv = await findTool('osv-scanner', ['--version'], /osv-scanner version: (\S+)/, work);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NO_COLOR: '1',
      // Portcullis's compiled-policy cache, filled by the untimed first run of each row.
      PORTCULLIS_CACHE_DIR: join(work, 'cache'),
    };
    const peer = (tool: Tool, contender: (path: string) => Contender) =>
      tool.path ? contender(tool.path) : { tool: tool.name, missing: tool.version };
    // Portcullis three ways when ShellCheck is installed (#13): as a user runs it twice
    // (ShellCheck's answers cached on disk by the untimed first run), without ShellCheck on
    // PATH, and with an empty cache every run (the first check of a repository).
    const shellcheck = findOnPath('shellcheck');
    const noShellCheckPath = pathWithout(join(work, 'path-without-shellcheck'), ['git', 'prlimit']);
    let freshCaches = 0;
    // The bin run as a program, as `portcullis` on PATH is: its launcher (sh) decides how Node
    // starts. Where NODE_EXTRA_CA_CERTS is set, the cold row also shows Node started on the bin
    // directly, which then parses every root certificate first (bin/portcullis.js says why).
    const extraCaCerts = Boolean(process.env.NODE_EXTRA_CA_CERTS);
    const portcullisOn = (
      cwd: string,
      args: string[],
      options: { cold?: boolean; direct?: boolean } = {},
    ): Contender[] => {
      const base = { command: cli, args, cwd, okCodes: [0, 1], count: countPortcullis };
      const direct =
        options.direct && extraCaCerts
          ? [{ ...base, tool: 'portcullis, `node bin/portcullis.js`', command: node, args: [cli, ...args] }]
          : [];
      if (!shellcheck) return [{ tool: 'portcullis', ...base }, ...direct];
      return [
        { tool: 'portcullis', ...base },
        ...direct,
        { tool: 'portcullis, no ShellCheck', ...base, env: () => ({ PATH: noShellCheckPath }) },
        ...(options.cold
          ? [
              {
                tool: 'portcullis, ShellCheck cold cache',
                ...base,
                env: () => ({ PORTCULLIS_CACHE_DIR: join(work, `fresh-cache-${freshCaches++}`) }),
              },
            ]
          : []),
      ];
    };
    const hadolintOn = (cwd: string, paths: string[]) =>
      peer(hadolint, (path) => ({
        tool: 'hadolint',
        command: path,
        args: ['--no-fail', '--format', 'json', ...paths],
        cwd,
        okCodes: [0],
        count: countHadolint,
      }));
    const conftestOn = (cwd: string, paths: string[]) =>
      peer(conftest, (path) => ({
        tool: 'conftest',
        command: path,
        // --parser: Conftest picks Dockerfile, Dockerfile.* and *.Dockerfile by name, not Containerfile.
        args: [
          'test',
          '--no-color',
          '--output',
          'json',
          '--parser',
          'dockerfile',
          '--policy',
          pack,
          ...paths,
        ],
        cwd,
        okCodes: [0, 1],
        count: countConftest,
      }));

    const corpus = generateCorpus(Math.max(1, ...options.sizes.map((s) => s.files)), DEFAULT_SEED);
    const rows: Row[] = [];

    // Cold single file: the corpus file with the median number of lines.
    const byLines = [...corpus.slice(0, 1000)].sort((a, b) => a.lines - b.lines);
    const coldFile = byLines[byLines.length >> 1] as CorpusFile;
    const coldDir = join(work, 'one');
    mkdirSync(coldDir);
    writeFileSync(join(coldDir, 'Dockerfile'), coldFile.content);
    rows.push(
      await measureRow(
        'cold single file',
        1,
        options.rounds,
        [
          ...portcullisOn(coldDir, ['check', '--offline', '--format', 'json', 'Dockerfile'], {
            direct: true,
          }),
          hadolintOn(coldDir, ['Dockerfile']),
          conftestOn(coldDir, ['Dockerfile']),
        ],
        env,
        work,
        progress,
      ),
    );

    for (const size of options.sizes) {
      const dir = join(work, `repo-${size.files}`);
      const paths = writeCorpus(dir, corpus.slice(0, size.files));
      rows.push(
        await measureRow(
          `repository, ${fmt(size.files)} files`,
          size.files,
          size.rounds,
          [
            ...portcullisOn(dir, ['check', '--offline', '--format', 'json'], { cold: size.files <= 1000 }),
            hadolintOn(dir, paths),
            conftestOn(dir, paths),
          ],
          env,
          work,
          progress,
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    }

    if (options.scan) {
      const fixture = writeScanFixture(join(work, 'scan'));
      const countPortcullisScan = (stdout: string) => {
        const report = JSON.parse(stdout) as { vulnerabilities: { id: string }[] };
        return {
          total: report.vulnerabilities.length,
          byRule: tally(report.vulnerabilities.map((v) => v.id)),
        };
      };
      const countOsv = (stdout: string) => {
        const report = JSON.parse(stdout) as {
          results?: { packages?: { vulnerabilities?: { id: string }[] }[] }[];
        };
        const ids = (report.results ?? []).flatMap((r) =>
          (r.packages ?? []).flatMap((p) => (p.vulnerabilities ?? []).map((v) => v.id)),
        );
        return { total: ids.length, byRule: tally(ids) };
      };
      rows.push(
        await measureRow(
          'scan of an image archive',
          1,
          options.rounds,
          [
            {
              tool: 'portcullis',
              command: cli,
              args: [
                'scan',
                `docker-archive:${fixture.archive}`,
                '--offline-db',
                fixture.database,
                '--format',
                'json',
              ],
              cwd: work,
              okCodes: [0, 1],
              count: countPortcullisScan,
            },
            peer(osv, (path) => ({
              tool: 'osv-scanner',
              command: path,
              args: [
                'scan',
                'image',
                '--archive',
                '--offline',
                '--local-db-path',
                fixture.osvRoot,
                '--all-packages',
                '--format',
                'json',
                fixture.archive,
              ],
              cwd: work,
              okCodes: [0, 1],
              count: countOsv,
            })),
          ],
          env,
          work,
          progress,
        ),
      );
    }

    let inProcess: InProcessSummary | undefined;
    if (options.inProcess) {
      progress('in-process engine benchmark (bench/in-process.ts)');
      const args = [join(ROOT, 'bench/dist/bench/in-process.js'), '--json'];
      if (options.quick) args.push('--count', '100', '--runs', '1', '--budget', '5');
      const sample = await runTimed(node, args, ROOT, process.env, work);
      if (sample.code !== 0 && sample.code !== 1)
        throw new Error(`bench/in-process.ts exited ${sample.code}: ${sample.stderr.trim().slice(-2000)}`);
      inProcess = JSON.parse(sample.stdout) as InProcessSummary;
    }

    const opaVersion = inProcess?.machine.opa;
    const summary: WholeProcessSummary = {
      date: new Date().toISOString().slice(0, 10),
      machine: {
        cpus: availableParallelism(),
        model: cpus()[0]?.model.trim() ?? 'unknown',
        node: process.versions.node,
        node_extra_ca_certs: extraCaCerts,
        load_average: { start: loadStart, end: loadavg()[0] as number },
      },
      tools: {
        Hadolint: hadolint.version,
        Conftest: conftest.version,
        'osv-scanner': osv.version,
        ...(opaVersion ? { OPA: opaVersion } : {}),
      },
      corpus: { seed: DEFAULT_SEED, cold_file: { path: coldFile.path, lines: coldFile.lines } },
      peak_rss: hasGnuTime
        ? "GNU time's maximum resident set size, median over the runs"
        : 'not measured (no /usr/bin/time)',
      rows,
      ...(inProcess ? { in_process: inProcess } : {}),
      seconds: (performance.now() - started) / 1000,
    };
    let text = markdown(summary, options);
    if (options.service) {
      // The App path (#17): one pull request at a time, warm caches, the job's time by phase.
      progress('the App, one pull request at a time (bench/service.ts)');
      const out = join(work, 'service.md');
      const loads = options.quick ? '1x12' : '1x30';
      const sample = await runTimed(
        node,
        [
          join(ROOT, 'bench/dist/bench/service.js'),
          '--queues',
          'embedded,redis-1',
          '--loads',
          loads,
          '--out',
          out,
        ],
        ROOT,
        process.env,
        work,
      );
      if (sample.code !== 0)
        throw new Error(`bench/service.ts exited ${sample.code}: ${sample.stderr.trim().slice(-2000)}`);
      text += `\n${readFileSync(out, 'utf8').replace(/^## /m, '### ')}`;
    }
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, text);
    progress(`written to ${relative(process.cwd(), options.out)}`);
    process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : text);
  } finally {
    cleanup();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
