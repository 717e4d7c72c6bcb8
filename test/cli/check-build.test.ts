/**
 * `portcullis check --build` on a temporary git repository: the Dockerfile changed since
 * the base commit is built with buildah as it is in the working tree and as it was at the
 * base (tiny scratch images from hand-made Alpine root filesystems), both scanned against a
 * fixture OSV database, and the PC-BLD rules report on the judgement.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { changedSinceBase, localBuildBase } from '../../src/cli/local-build.js';
import { resetSettings } from '../../src/settings.js';
import { cli } from '../support/cli.js';
import {
  ALPINE_VULNERABILITIES,
  alpineRootfs,
  type FixturePackage,
  rootfsTar,
  writeContext,
  writeOsvDatabase,
} from '../support/images.js';
import { describeWithTools } from '../support/required-tools.js';

const run = promisify(execFile);

const DOCKERFILE = 'FROM scratch\nADD base.tar /\nADD app.tar /\nUSER 1000\nHEALTHCHECK NONE\n';
const BASE_PACKAGES: FixturePackage[] = [
  { name: 'musl', version: '1.2.4-r0' },
  { name: 'busybox', version: '1.36.1-r15' },
];

let dir: string;
let repo: string;
let db: string;
const saved = { ...process.env };

async function git(...args: string[]) {
  return (await run('git', ['-C', repo, ...args])).stdout.trim();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-check-build-'));
  repo = join(dir, 'repo');
  db = writeOsvDatabase(join(dir, 'osv'), ALPINE_VULNERABILITIES);
  process.env.PORTCULLIS_BUILD_DIR = join(dir, 'builds');
  delete process.env.PORTCULLIS_CACHE_DIR;
  delete process.env.PORTCULLIS_DOCKER_HOST;
  delete process.env.DOCKER_HOST;
  resetSettings();
  await run('git', ['init', '--quiet', '-b', 'main', repo]);
  await git('config', 'user.email', 'tests@example.invalid');
  await git('config', 'user.name', 'Tests');
  writeContext(repo, {
    'app/Dockerfile': DOCKERFILE,
    'app/base.tar': rootfsTar(alpineRootfs(BASE_PACKAGES)),
    'app/app.tar': rootfsTar({ 'etc/motd': 'hello\n' }),
    'README.md': '# app\n',
  });
  await git('add', '.');
  await git('commit', '--quiet', '-m', 'base');
  await git('commit', '--quiet', '--allow-empty', '-m', 'second');
  // The change, uncommitted: the app layer now installs zlib 1.3-r2 (ALPINE-CVE-2024-0003, high, fixable).
  writeFileSync(
    join(repo, 'app/app.tar'),
    rootfsTar({
      'lib/apk/db/installed': alpineRootfs([...BASE_PACKAGES, { name: 'zlib', version: '1.3-r2' }])[
        'lib/apk/db/installed'
      ] as string,
    }),
  );
});
afterAll(() => {
  process.env = saved;
  resetSettings();
  rmSync(dir, { recursive: true, force: true });
});

describe('check --build: the base and the changes', () => {
  it('defaults to HEAD~1 without an upstream, and takes the merge base with --base', async () => {
    const first = await git('rev-parse', 'HEAD~1');
    expect(await localBuildBase(repo)).toBe(first);
    expect(await localBuildBase(repo, 'HEAD')).toBe(await git('rev-parse', 'HEAD'));
    expect(await changedSinceBase(repo, first)).toEqual(['app/app.tar']);
    await expect(localBuildBase(repo, 'no-such-branch')).rejects.toThrow(/no merge base/);
  });

  it('refuses --base without --build', async () => {
    expect(await cli('check', '--repo', repo, '--base', 'HEAD', '--offline')).toMatchObject({ code: 2 });
  });
});

describeWithTools(['buildah', 'osv-scanner'], 'portcullis check --build', () => {
  it('builds the changed Dockerfile at the working tree and the base, and PC-BLD rules report', async () => {
    const { code, stdout, stderr } = await cli(
      'check',
      '--repo',
      repo,
      '--offline',
      '--format',
      'json',
      '--build',
      '--base',
      'main',
      '--offline-db',
      db,
    );
    expect(stderr.split('\n')).toEqual([
      'portcullis: Building 1 of 1 images…',
      'portcullis: Scanning…',
      'portcullis: Scanning…',
    ]);
    const report = JSON.parse(stdout) as {
      findings: { rule_id: string; path: string; line: number; message: string }[];
    };
    const rule = (id: string) => report.findings.filter((f) => f.rule_id === id);
    expect(rule('PC-BLD-001')).toEqual([
      expect.objectContaining({
        path: 'app/Dockerfile',
        line: 3,
        message: expect.stringContaining(
          'CVE-2024-0003 (ALPINE-CVE-2024-0003), high, CVSS 7.5, in zlib 1.3-r2',
        ),
      }),
    ]);
    expect(rule('PC-BLD-005')[0]?.message).toMatch(/against the merge base\); 1 vulnerabilities introduced/);
    expect(rule('PC-BLD-011')).toEqual([]);
    expect(rule('PC-BLD-012')).toEqual([]);
    expect(code).toBe(1);
  }, 30_000);
});
