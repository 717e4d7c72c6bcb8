/**
 * `npm start` without App credentials, as a newcomer runs it: `node dist/main.js` with
 * no APP_ID or key. The demo builds, scans, looks up and verifies for real (a loopback
 * docker-registry, buildah, osv-scanner, cosign), so the output is asserted on what
 * only that pipeline can produce; and whatever it started must be gone once it exits,
 * also when it is stopped with Ctrl-C half-way.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describeWithTools } from './support/required-tools.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'main.js');

function startDemo(path = process.env.PATH): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: path };
  for (const name of ['APP_ID', 'PRIVATE_KEY', 'PRIVATE_KEY_PATH', 'WEBHOOK_SECRET', 'PORTCULLIS_CACHE_DIR'])
    delete env[name];
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

/** What the demo said it started: its registry's port and its folder. */
function started(output: string): { port: number; work: string } {
  const port = Number(/docker-registry on 127\.0\.0\.1:(\d+)/.exec(output)?.[1]);
  const work = /everything under (\S+)\)/.exec(output)?.[1] ?? '';
  expect(port).toBeGreaterThan(0);
  expect(work).toMatch(/portcullis-demo-/);
  return { port, work };
}

/** Processes whose command line mentions `text` (the registry's is `docker-registry serve <work>/registry/config.yml`). */
function processesMentioning(text: string): string[] {
  return readdirSync('/proc').flatMap((pid) => {
    if (!/^\d+$/.test(pid)) return [];
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      return command.includes(text) ? [`${pid}: ${command}`] : [];
    } catch {
      return [];
    }
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function expectNothingLeft(output: string): Promise<void> {
  const { port, work } = started(output);
  expect(processesMentioning(work)).toEqual([]);
  expect(await listening(port)).toBe(false);
  expect(existsSync(work)).toBe(false);
}

describeWithTools(['docker-registry', 'buildah', 'osv-scanner'], 'npm start without credentials', () => {
  let output = '';
  let code: number | null = null;

  beforeAll(async () => {
    const demo = startDemo();
    code = await demo.exited;
    output = demo.output();
  }, 180_000);

  it('exits 0 and leaves no registry, process or folder behind', async () => {
    expect(code).toBe(0);
    await expectNothingLeft(output);
  });

  it('builds the changed Dockerfile and reports the vulnerability on the line that brought it', () => {
    expect(output).toContain('Building 1 of 2 images…');
    expect(output).toContain('Building 2 of 2 images…');
    expect(output).toMatch(
      /services\/api\/Dockerfile:7 \[failure\] PC-BLD-001: .*\n {4}CVE-2024-0003 \(ALPINE-CVE-2024-0003\), high, CVSS 7\.5, in zlib 1\.3-r2 .* comes in with the layer of line 7 \(ADD\)/,
    );
    // The size against the merge base.
    expect(output).toMatch(
      /PC-BLD-005: .*\n {4}Built image: [\d.]+ MB in 3 layers \(\+[\d.]+ MB, 1 layers, against the merge base\)/,
    );
  });

  it('suggests the -slim sibling of the reports image with both sizes from the registry (PC-IMG-012)', () => {
    expect(output).toMatch(/ {2}example\/python:3\.12-slim \(sha256:[0-9a-f]{12}…\), unsigned/);
    expect(output).toMatch(
      /── services\/reports\/Dockerfile:2 ──\n<!-- portcullis:finding:[0-9a-f]{16} -->\nℹ️ info \*\*PC-IMG-012\*\*.*\n\n127\.0\.0\.1:\d+\/example\/python:3\.12 is [\d.]+ MB; 127\.0\.0\.1:\d+\/example\/python:3\.12-slim is \d+ kB, \d+% smaller(?:(?!\n── )[\s\S])*?```suggestion\nFROM 127\.0\.0\.1:\d+\/example\/python:3\.12-slim\n```/,
    );
  });

  it('charts the built image by layer and finds the sample data the next COPY overwrites (PC-BLD-013)', () => {
    // The chart in the check run's summary: the reports image's layers, the waste on line 5.
    expect(output).toMatch(
      /\*\*Image size by layer:\*\* [\d.]+ MB in 5 layers · efficiency [\d.]+% · 42\.2 kB wasted/,
    );
    expect(output).toMatch(/\| 2 \| 5 \| COPY \| [\d.]+ kB \| [▏▎▍▌▋▊▉█]+ ⚠️ 42\.2 kB wasted \|/);
    expect(output).toMatch(
      /services\/reports\/Dockerfile:5 \[warning\] PC-BLD-013: .*\n {4}COPY at line 5 adds .*\(42194 bytes\) is deleted or overwritten at line 8 and still ships/,
    );
  });

  it('looks the references up and tells a verified signature from an unsigned image', () => {
    expect(output).toMatch(
      /deploy\/worker\.yaml:17 127\.0\.0\.1:\d+\/acme\/worker:1\.4\.2\n {4}digest sha256:[0-9a-f]{12}….*; signature VERIFIED \(bundle, key sha256:/,
    );
    expect(output).toMatch(
      /deploy\/worker\.yaml:19 127\.0\.0\.1:\d+\/acme\/log-shipper:2\.0\n {4}digest sha256:.*; signature NOT VERIFIED: unsigned/,
    );
    expect(output).toMatch(/deploy\/worker\.yaml:19 \[failure\] PC-SIG-001: .*\n .*: it is unsigned \(/);
    expect(output).not.toMatch(/deploy\/worker\.yaml:17 \[failure\] PC-SIG-001/);
  });

  it('prints the check run, and the review with suggestions on the changed lines', () => {
    expect(output).toContain('━━ Check run "Portcullis": FAILURE ━━');
    expect(output).toMatch(/━━ Review \(COMMENT\), \d+ comments ━━/);
    // The digest the registry gave, as a one-click suggestion on the manifest's line.
    expect(output).toMatch(
      /── deploy\/worker\.yaml:17 ──\n<!-- portcullis:finding:[0-9a-f]{16} -->\n⚠️ warn \*\*PC-IMG-002\*\*(?:(?!\n── )[\s\S])*?```suggestion\n {10}image: 127\.0\.0\.1:\d+\/acme\/worker:1\.4\.2@sha256:[0-9a-f]{64}\n```/,
    );
    expect(output).toMatch(
      /── services\/api\/Dockerfile:7 ──\n(?:(?!\n── )[\s\S])*?```suggestion\nCOPY oncall-tools\/ \/\n```/,
    );
  });

  it('prints the Portcullis policy check with the impact of the waiver the pull request adds', () => {
    expect(output).toContain('━━ Check run "Portcullis policy": SUCCESS ━━');
    expect(output).toMatch(/\| 🔁 changed \| PC-DF-007 \| 8 \| ❌ deny → 🏳️ waived \(deny\) \|/);
    // …while the Portcullis check, judged by the base, still fails on it and calls the waiver out.
    expect(output).toMatch(/services\/api\/Dockerfile:8 \[failure\] PC-DF-007/);
    expect(output).toMatch(/\| added \| PC-DF-007 \| path services\/api\/\\\*\\\* \|/);
  });
});

describeWithTools(['docker-registry', 'buildah', 'osv-scanner'], 'npm start stopped with Ctrl-C', () => {
  it('stops its registry and builds and removes its folder, exiting 130', async () => {
    const demo = startDemo();
    const deadline = Date.now() + 120_000;
    while (!/Building 1 of 2 images…|Check run "Portcullis"/.test(demo.output()) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(130);
    expect(demo.output()).toContain('SIGINT: stopping the demo and cleaning up');
    // buildah's storage is under the demo's folder too: no build is left running either.
    await expectNothingLeft(demo.output());
  }, 180_000);
});

describe('npm start on a machine without docker-registry and buildah', () => {
  let bin: string;
  beforeAll(() => {
    // A PATH with only node, git and tar: what a fresh machine before `npm run setup` has.
    bin = mkdtempSync(join(tmpdir(), 'portcullis-demo-path-'));
    for (const tool of ['git', 'tar']) {
      const found = (process.env.PATH ?? '')
        .split(delimiter)
        .map((dir) => join(dir, tool))
        .find((path) => existsSync(path));
      if (found) symlinkSync(found, join(bin, tool));
    }
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  it('says which parts it skips and why, and still judges the pull request', async () => {
    const demo = startDemo(bin);
    expect(await demo.exited).toBe(0);
    const output = demo.output();
    expect(output).toContain('Skipped: No registry (docker-registry is not installed;');
    expect(output).toContain('Skipped: No builds or scans: buildah is not installed');
    expect(output).toContain('━━ Check run "Portcullis": FAILURE ━━');
    expect(output).toMatch(/services\/api\/Dockerfile:8 \[failure\] PC-DF-007/);
    expect(output).toMatch(/━━ Review \(COMMENT\), \d+ comments ━━/);
    expect(output).toContain('━━ Check run "Portcullis policy": SUCCESS ━━');
    const work = /everything under (\S+)\)/.exec(output)?.[1] ?? '';
    expect(work).toMatch(/portcullis-demo-/);
    expect(existsSync(work)).toBe(false);
  }, 120_000);
});
