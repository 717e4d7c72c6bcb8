/**
 * Issue 14's "done when" for wasted space, end to end on a real build: a Dockerfile whose
 * RUN writes a 50 MB archive that a later RUN deletes, changed in a temporary git
 * repository, built with buildah at the working tree and at the base (one build of each,
 * cached for the CLI run), scanned, judged by the built-in policies: PC-BLD-013 on the first
 * RUN's line with the byte count, and the per-layer chart in the check run summary and in
 * `portcullis check --build` text.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { localImageFacts } from '../../src/cli/local-build.js';
import { builtinPolicyEngine, type Judgement, judgeTargets } from '../../src/core/judge.js';
import { checkRunReport } from '../../src/report/check-run.js';
import { resetSettings } from '../../src/settings.js';
import { cli } from '../support/cli.js';
import { ALPINE_VULNERABILITIES, writeContext, writeOsvDatabase } from '../support/images.js';
import { describeWithTools } from '../support/required-tools.js';
import { writeShellRootfs } from '../support/shell-rootfs.js';

const run = promisify(execFile);

const BASE = 'FROM scratch\nCOPY rootfs/ /\nUSER 1000\nHEALTHCHECK NONE\n';
const HEAD = [
  'FROM scratch',
  'COPY rootfs/ /',
  'RUN head -c 50000000 /dev/urandom > /archive.tgz',
  'RUN rm /archive.tgz',
  'USER 1000',
  'HEALTHCHECK NONE',
].join('\n');

let dir: string;
let repo: string;
let db: string;
let judgement: Judgement;
const saved = { ...process.env };

describeWithTools(['buildah', 'osv-scanner'], 'wasted space in a built image', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-wasted-space-'));
    repo = join(dir, 'repo');
    db = writeOsvDatabase(join(dir, 'osv'), ALPINE_VULNERABILITIES);
    process.env.PORTCULLIS_BUILD_DIR = join(dir, 'builds');
    // Shared by the judgement below and the CLI run: the images are built once.
    process.env.PORTCULLIS_CACHE_DIR = join(dir, 'cache');
    delete process.env.PORTCULLIS_DOCKER_HOST;
    delete process.env.DOCKER_HOST;
    resetSettings();
    const git = (...args: string[]) => run('git', ['-C', repo, ...args]);
    await run('git', ['init', '--quiet', '-b', 'main', repo]);
    await git('config', 'user.email', 'tests@example.invalid');
    await git('config', 'user.name', 'Tests');
    writeShellRootfs(join(repo, 'app/rootfs'));
    writeContext(repo, { 'app/Dockerfile': BASE, 'README.md': '# app\n' });
    await git('add', '.');
    await git('commit', '--quiet', '-m', 'base');
    writeFileSync(join(repo, 'app/Dockerfile'), HEAD);

    const build = await localImageFacts(repo, { base: 'main', database: db });
    try {
      const engine = await builtinPolicyEngine();
      judgement = await judgeTargets(
        [{ path: 'app/Dockerfile', content: new TextEncoder().encode(HEAD) }],
        engine,
        { images: build.images },
      );
    } finally {
      build.cleanup();
    }
  }, 180_000);

  afterAll(() => {
    process.env = saved;
    resetSettings();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the RUN that writes the archive, on its line, with the bytes a later RUN deletes', () => {
    const wasted = judgement.findings.filter((f) => f.rule_id === 'PC-BLD-013');
    expect(wasted).toEqual([
      expect.objectContaining({
        path: 'app/Dockerfile',
        line: 3,
        message: expect.stringMatching(
          /^RUN at line 3 adds 50 MB; 50 MB of it \(50000000 bytes\) is deleted or overwritten at line 4 and still ships: delete it in the same RUN/,
        ),
      }),
    ]);
    const efficiency = judgement.findings.find((f) => f.rule_id === 'PC-BLD-014');
    expect(efficiency?.message).toMatch(
      /efficiency is \d+(\.\d)?% \(dive's score\), below 95%.*\(most from line 3\)/,
    );
  });

  it('charts the layers, head beside base, in the check run summary, with the line that grew the image', () => {
    const { summary } = checkRunReport(judgement);
    expect(summary).toMatch(
      /\*\*Image size by layer:\*\* 5\d\.\d MB in 3 layers \\\(base \d+\.\d MB, \\\+50\.0 MB\\\)/,
    );
    expect(summary).toContain('| # | Line | Step | Head | | Base | |');
    expect(summary).toMatch(/\| 1 \| 3 \| RUN \| 50\.0 MB \| █{16} ⚠️ 50\.0 MB wasted \| {2}\| {2}\|/);
    // Line 4's layer (the deletion) is a few kilobytes: not named.
    expect(summary).toContain('Grew the image: line 3 (RUN) +50.0 MB.');
  });

  it('shows the same chart in `check --build` text, from the cached builds', async () => {
    const { stdout, stderr } = await cli(
      'check',
      '--repo',
      repo,
      '--offline',
      '--build',
      '--base',
      'main',
      '--offline-db',
      db,
    );
    expect(stderr).not.toMatch(/Scanning/);
    expect(stdout).toMatch(
      /3 {2}WARN {4}PC-BLD-013 {2}RUN at line 3 adds 50 MB; 50 MB of it \(50000000 bytes\)/,
    );
    expect(stdout).toMatch(/image: 5\d\.\d MB in 3 layers \(base \d+\.\d MB, \+50\.0 MB\)/);
    expect(stdout).toMatch(/ {4}1 {2}\s+3 {2}RUN {8}\s+50\.0 MB █{16}/);
    expect(stdout).toMatch(/grew the image: line 3 \(RUN\) \+50\.0 MB\n/);
  }, 60_000);
});
