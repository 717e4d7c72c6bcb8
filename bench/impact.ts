/**
 * `npm run bench:impact`: how long the policy impact report takes on a repository of 500
 * container files, the way `portcullis policy impact` computes it (the App does the same
 * work, reading the files as blobs through the API instead of from git).
 *
 *   npm run bench:impact                       readable table (progress on stderr)
 *   npm run bench:impact -- --json             machine-readable summary on stdout
 *   npm run bench:impact -- --count 1000 --runs 7
 *
 * A git repository is made in a temporary folder from the benchmark's deterministic corpus
 * (src/bench/corpus.ts): the base commit holds the Dockerfiles, and each scenario's head
 * commit changes the policies: "rule + configuration" adds a repository rule and changes
 * the configuration (a built-in rule off, another re-levelled, a private registry
 * trusted), so the two sides have different engines; "configuration only" re-levels rules,
 * so both sides share one engine and each target is evaluated once. The first run is cold
 * (an empty compile cache: both policy sets go through `opa build`); the others are warm,
 * as on a server that has judged with these policies before.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import { type CommitTree, gitCommitTree, type PolicyImpact, policyImpact } from '#portcullis/core/impact.js';
import { loadPolicySet, policyEngineFor } from '#portcullis/policy/policy-set.js';
import { gitCommitSnapshot } from '#portcullis/repository/snapshot.js';
import { resetSettings } from '#portcullis/settings.js';
import { DEFAULT_SEED, generateCorpus } from './corpus.js';

const run = promisify(execFile);

/** The "rule + configuration" head: a repository rule, rules re-levelled, a registry trusted. */
const HEAD_FILES: Record<string, string> = {
  '.github/portcullis.yml': [
    'rules:',
    '  PC-DF-001: off',
    '  PC-DF-003: deny',
    'trusted_registries: [docker.io, gcr.io, ghcr.io, quay.io, registry.acme.example]',
    '',
  ].join('\n'),
  '.github/portcullis/policies/no_curl.rego': [
    '# METADATA',
    '# title: No curl in RUN',
    '# custom:',
    '#   id: ACME-001',
    '#   severity: warn',
    'package portcullis.rules.acme_no_curl',
    '',
    'import rego.v1',
    '',
    'import data.portcullis.lib.dockerfile',
    '',
    'warn contains {"msg": "curl in RUN: use ADD --checksum", "line": c.instruction.line} if {',
    '\tsome c in dockerfile.commands',
    '\tc.command.argv[0] == "curl"',
    '}',
    '',
  ].join('\n'),
};

interface Timing {
  total: number;
  policies: number;
  list: number;
  read: number;
  judge: number;
}

/** What the head commit of a scenario changes, on top of the base commit. */
const SCENARIOS = {
  /** New Rego and new data: two policy engines, every target evaluated by each. */
  'rule + configuration': HEAD_FILES,
  /** Overrides only: the same engine on both sides, every target evaluated once. */
  'configuration only': { '.github/portcullis.yml': 'rules:\n  PC-DF-001: off\n  PC-DF-003: deny\n' },
} as const satisfies Record<string, Record<string, string>>;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '500' },
      runs: { type: 'string', default: '3' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const count = Number(values.count);
  const runs = Number(values.runs);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(runs) || runs < 2) {
    throw new Error('--count must be a positive integer and --runs at least 2');
  }
  const progress = (message: string) => process.stderr.write(`${message}\n`);

  const work = await mkdtemp(join(tmpdir(), 'portcullis-bench-impact-'));
  const previousCache = process.env.PORTCULLIS_CACHE_DIR;
  process.env.PORTCULLIS_CACHE_DIR = join(work, 'cache');
  resetSettings();
  try {
    const repo = join(work, 'repo');
    progress(`making a repository of ${count} Dockerfiles…`);
    const { base, heads } = await makeRepository(repo, count);
    const rows: { scenario: string; run: string; ms: Timing; totals: PolicyImpact['totals'] }[] = [];
    for (const [scenario, head] of Object.entries(heads)) {
      const timings: Timing[] = [];
      let impact: PolicyImpact | undefined;
      for (let i = 0; i < runs; i++) {
        const measured = await measureOnce(repo, base, head);
        timings.push(measured.timing);
        impact = measured.impact;
        progress(`${scenario}, run ${i + 1}/${runs}: ${seconds(measured.timing.total)}`);
      }
      const totals = (impact as PolicyImpact).totals;
      // Only the very first run compiles: the cache is empty when the benchmark starts.
      if (rows.length === 0) rows.push({ scenario, run: 'cold (1 run)', ms: timings[0] as Timing, totals });
      rows.push({
        scenario,
        run: `warm (median of ${runs - 1})`,
        ms: medianTiming(timings.slice(1)),
        totals,
      });
    }
    const machine = { cpu: cpus()[0]?.model ?? 'unknown', cpus: cpus().length, node: process.version };
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ targets: count, runs, ...machine, results: rows }, null, 2)}\n`,
      );
      return;
    }
    process.stdout.write(
      [
        `Policy impact, ${count} Dockerfiles (${machine.cpu} × ${machine.cpus}, Node ${machine.node})`,
        '',
        '| head changes | run | total | policies (load + compile) | list tree | read files | judge + compare | added / removed / changed |',
        '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
        ...rows.map(
          ({ scenario, run, ms, totals }) =>
            `| ${scenario} | ${run} | ${seconds(ms.total)} | ${seconds(ms.policies)} | ${seconds(ms.list)} | ${seconds(ms.read)} | ${seconds(ms.judge)} | ${totals.added} / ${totals.removed} / ${totals.changed} |`,
        ),
        '',
      ].join('\n'),
    );
  } finally {
    if (previousCache === undefined) delete process.env.PORTCULLIS_CACHE_DIR;
    else process.env.PORTCULLIS_CACHE_DIR = previousCache;
    resetSettings();
    await rm(work, { recursive: true, force: true });
  }
}

/** The corpus as the base commit, and one head commit (a branch from the base) per scenario. */
async function makeRepository(
  repo: string,
  count: number,
): Promise<{ base: string; heads: Record<string, string> }> {
  const git = (...args: string[]) =>
    run('git', ['-C', repo, '-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', ...args], {
      maxBuffer: 64 << 20,
    });
  await mkdir(repo, { recursive: true });
  await git('init', '--quiet');
  const write = async (path: string, content: string) => {
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), content);
  };
  // Every corpus file has a folder of its own (`repo-0001/…`), so paths never collide.
  for (const file of generateCorpus(count, DEFAULT_SEED)) await write(file.path, file.content);
  await git('add', '--all');
  await git('commit', '--quiet', '-m', 'base');
  const base = (await git('rev-parse', 'HEAD')).stdout.trim();
  const heads: Record<string, string> = {};
  for (const [scenario, files] of Object.entries(SCENARIOS)) {
    await git('checkout', '--quiet', '--detach', base);
    for (const [path, content] of Object.entries(files)) await write(path, content);
    await git('add', '--all');
    await git('commit', '--quiet', '-m', scenario);
    heads[scenario] = (await git('rev-parse', 'HEAD')).stdout.trim();
  }
  return { base, heads };
}

/** One impact computation from scratch, as `portcullis policy impact` does it, timed by step. */
async function measureOnce(repo: string, base: string, head: string) {
  const started = performance.now();
  const side = async (commit: string) => {
    const set = await loadPolicySet(gitCommitSnapshot(repo, commit));
    return { set, engine: await policyEngineFor(set) };
  };
  const [before, after] = await Promise.all([side(base), side(head)]);
  const policiesDone = performance.now();
  const tree = await gitCommitTree(repo, head);
  const listed = performance.now();
  let read = 0;
  const timed: CommitTree = {
    paths: tree.paths,
    async read(paths) {
      const start = performance.now();
      const files = await tree.read(paths);
      read = performance.now() - start;
      return files;
    },
  };
  const impact = await policyImpact(timed, before, after);
  const done = performance.now();
  return {
    impact,
    timing: {
      total: done - started,
      policies: policiesDone - started,
      list: listed - policiesDone,
      read,
      judge: done - listed - read,
    },
  };
}

function medianTiming(timings: readonly Timing[]): Timing {
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  };
  const keys = ['total', 'policies', 'list', 'read', 'judge'] as const;
  return Object.fromEntries(
    keys.map((k) => [k, Math.round(median(timings.map((t) => t[k])))]),
  ) as unknown as Timing;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:impact failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
