/**
 * `npm run bench:build`: what building and scanning costs a pull request that touches one
 * Dockerfile, and how our scan of an archive compares with osv-scanner run directly.
 *
 *   npm run bench:build                    readable table (progress on stderr)
 *   npm run -s bench:build -- --json       machine-readable summary on stdout
 *   npm run bench:build -- --runs 5
 *
 * The fixture is the tests' approach, made here: a scratch Dockerfile that `ADD`s two
 * hand-made Alpine 3.19 root filesystems (the head's app layer installs zlib 1.3-r2, the
 * base's does not), and an OSV database in the public export layout with four Alpine
 * advisories. Nothing is pulled or downloaded.
 *
 * 1. Build+scan, as the App does it (`gatherImageFacts`: the Dockerfile at the head and at
 *    the merge base, each built with the configured builder and scanned with osv-scanner,
 *    then compared). *Cold*: an empty cache folder each run, so both images are built and
 *    scanned. *Warm*: the cache filled by a first run, as on a re-run of the check or a
 *    second pull request with the same content.
 * 2. Scan of one archive (the head image, built once): `OsvScanner.scan` plus reading the
 *    archive and joining its history (what `portcullis scan docker-archive:…` does), against
 *    `osv-scanner scan image --archive --offline` on the same archive and database, run
 *    from this script the same way (child process, JSON report to a file).
 *
 * Figures are medians of --runs runs (default 5; cold build+scan 3).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { builderFromEnv } from '#portcullis/build/index.js';
import { mergeFacts } from '#portcullis/core/facts.js';
import { gatherImageFacts } from '#portcullis/facts/image-facts.js';
import type { PolicyInput } from '#portcullis/input/policy-input.js';
import { readImageArchive } from '#portcullis/scan/archive.js';
import { describeImage } from '#portcullis/scan/describe.js';
import { OsvScanner } from '#portcullis/scan/osv-scanner.js';
import { loadSettings } from '#portcullis/settings.js';
import { dockerfileInput } from '#portcullis/targets/dockerfile/index.js';
import { toolPath } from '#portcullis/tools.js';
import {
  ALPINE_VULNERABILITIES,
  alpineRootfs,
  apkInstalled,
  type FixturePackage,
  rootfsTar,
  writeOsvDatabase,
} from '../test/support/fixture-images.js';
import { median } from './measure.js';

const DOCKERFILE = 'FROM scratch\nADD base.tar /\nADD app.tar /\nUSER 1000\nHEALTHCHECK NONE\n';

interface Series {
  name: string;
  ms: number[];
}

/** A build context `root/app/`: the Dockerfile, an Alpine base layer and an app layer. */
function writeContext(root: string, withZlib: boolean): string {
  const app = join(root, 'app');
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'Dockerfile'), DOCKERFILE);
  const base: FixturePackage[] = [
    { name: 'musl', version: withZlib ? '1.2.4-r2' : '1.2.4-r0' },
    { name: 'busybox', version: '1.36.1-r15' },
    { name: 'libcrypto3', version: '3.1.4-r1', source: 'openssl' },
  ];
  writeFileSync(join(app, 'base.tar'), rootfsTar(alpineRootfs(base)));
  const appLayer: Record<string, string> = withZlib
    ? { 'lib/apk/db/installed': apkInstalled([...base, { name: 'zlib', version: '1.3-r2' }]) }
    : { 'etc/motd': 'hello\n' };
  writeFileSync(join(app, 'app.tar'), rootfsTar(appLayer));
  return root;
}

function runProcess(file: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 64 * 1024 * 1024 }, (error) => {
      const code = error ? (error as { code?: unknown }).code : 0;
      if (typeof code === 'number') resolve(code);
      else reject(error);
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { json: { type: 'boolean', default: false }, runs: { type: 'string', default: '5' } },
  });
  const runs = Math.max(1, Math.min(50, Number(values.runs) || 5));
  const coldRuns = Math.min(runs, 3);
  const log = (text: string) => process.stderr.write(`${text}\n`);
  const work = mkdtempSync(join(tmpdir(), 'portcullis-bench-build-'));
  const started = performance.now();
  try {
    const database = writeOsvDatabase(join(work, 'osv'), ALPINE_VULNERABILITIES);
    const head = writeContext(join(work, 'head'), true);
    const base = writeContext(join(work, 'base'), false);
    const builder = builderFromEnv(
      loadSettings({ ...process.env, PORTCULLIS_BUILD_DIR: join(work, 'builds') }),
    );
    const scanner = new OsvScanner({ database });
    const scannerVersion = await scanner.version();

    const judge = async (cacheDir: string) => {
      const input = dockerfileInput('app/Dockerfile', DOCKERFILE);
      const t0 = performance.now();
      const images = await gatherImageFacts([input] as PolicyInput[], {
        builder,
        scanner,
        head: async () => head,
        base: async () => base,
        changedPaths: ['app/app.tar'],
        cacheDir,
      });
      const ms = performance.now() - t0;
      mergeFacts([input], { images });
      if (input.image?.status !== 'built' || input.image.scan_error)
        throw new Error(
          `the fixture did not build and scan: ${input.image?.error ?? input.image?.scan_error}`,
        );
      return ms;
    };

    const cold: Series = { name: 'build+scan, cold (head and base built and scanned)', ms: [] };
    for (let i = 0; i < coldRuns; i++) {
      log(`cold build+scan ${i + 1}/${coldRuns}`);
      cold.ms.push(await judge(join(work, `cache-cold-${i}`)));
    }
    const warmCache = join(work, 'cache-warm');
    await judge(warmCache);
    const warm: Series = { name: 'build+scan, warm (both from the cache)', ms: [] };
    for (let i = 0; i < runs; i++) {
      log(`warm build+scan ${i + 1}/${runs}`);
      warm.ms.push(await judge(warmCache));
    }

    // One archive, scanned both ways.
    const archive = join(work, 'head.tar');
    const built = await builder.build({
      contextDir: join(head, 'app'),
      dockerfile: join(head, 'app', 'Dockerfile'),
      buildArgs: {},
      target: null,
      platform: null,
      pullImages: [],
      outputArchive: archive,
    });
    if (!built.ok) throw new Error(`the head image did not build: ${built.message}`);
    const dockerfile = dockerfileInput('app/Dockerfile', DOCKERFILE).dockerfile;
    const ours: Series = { name: 'our scan of the archive (OsvScanner + archive facts)', ms: [] };
    const direct: Series = { name: '`osv-scanner scan image --archive --offline`, direct', ms: [] };
    const dbRoot = join(work, 'direct-db');
    mkdirSync(dbRoot);
    symlinkSync(database, join(dbRoot, 'osv-scalibr'), 'dir');
    symlinkSync(database, join(dbRoot, 'osv-scanner'), 'dir');
    const binary = toolPath('osv-scanner');
    const directArgs = [
      'scan',
      'image',
      '--archive',
      '--format',
      'json',
      '--output-file',
      join(work, 'direct.json'),
      '--all-packages',
      '--local-db-path',
      dbRoot,
      '--offline',
      archive,
    ];
    let found = 0;
    for (let i = 0; i < runs; i++) {
      log(`scan ${i + 1}/${runs}`);
      // Alternate, so that neither side always runs on a warmer page cache.
      let t0 = performance.now();
      const code = await runProcess(binary, directArgs);
      direct.ms.push(performance.now() - t0);
      if (code !== 0 && code !== 1) throw new Error(`osv-scanner exited ${code}`);
      t0 = performance.now();
      const image = readImageArchive(archive);
      const scan = await scanner.scan(archive);
      found = describeImage(image, scan, dockerfile).vulnerabilities.length;
      ours.ms.push(performance.now() - t0);
    }

    const series = [cold, warm, ours, direct];
    const summary = {
      date: new Date().toISOString(),
      machine: {
        cpus: availableParallelism(),
        model: cpus()[0]?.model ?? null,
        load: loadavg().map((l) => Math.round(l * 100) / 100),
        node: process.version,
      },
      builder: builder.name,
      scanner: `osv-scanner ${scannerVersion ?? '?'}`,
      vulnerabilities_found: found,
      series: series.map((s) => ({
        name: s.name,
        runs: s.ms.length,
        median_ms: Math.round(median(s.ms)),
        min_ms: Math.round(Math.min(...s.ms)),
        max_ms: Math.round(Math.max(...s.ms)),
      })),
      cold_over_warm: Math.round((median(cold.ms) / median(warm.ms)) * 10) / 10,
      ours_over_direct: Math.round((median(ours.ms) / median(direct.ms)) * 100) / 100,
      total_s: Math.round((performance.now() - started) / 100) / 10,
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return;
    }
    const rows = summary.series.map(
      (s) =>
        `| ${s.name} | ${s.median_ms.toLocaleString('en')} ms | ${s.min_ms.toLocaleString('en')} | ${s.max_ms.toLocaleString('en')} | ${s.runs} |`,
    );
    process.stdout.write(
      [
        `${summary.machine.cpus} CPUs (${summary.machine.model}), load ${summary.machine.load.join(' ')}, Node ${summary.machine.node}; ${summary.builder}, ${summary.scanner}`,
        '',
        '| series | median | min | max | runs |',
        '| --- | ---: | ---: | ---: | ---: |',
        ...rows,
        '',
        `cold ÷ warm: ${summary.cold_over_warm}×; our scan ÷ osv-scanner direct: ${summary.ours_over_direct}× (${found} vulnerabilities found); ${summary.total_s} s in all`,
        '',
      ].join('\n'),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`bench:build failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
