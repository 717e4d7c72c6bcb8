/**
 * `portcullis scan` on an archive made here and on an image pushed to a real registry on
 * 127.0.0.1, against a fixture OSV database: offline, nothing downloaded.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { writeDockerArchive } from '../../src/scan/archive.js';
import {
  ALPINE_BASE_PACKAGES,
  ALPINE_VULNERABILITIES,
  alpineRootfs,
  apkInstalled,
  imageToolsMissing,
  writeOsvDatabase,
} from '../support/images.js';
import { makeTar, pushImage, sha256, startRegistry, type TestRegistry } from '../support/registry.js';

const missing = imageToolsMissing();
const describeWithTools = missing ? describe.skip : describe;
if (missing) console.warn(`skipping scan CLI tests: ${missing}`);

let dir: string;
let db: string;
let archive: string;
let registry: TestRegistry;

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), color: false });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const APP_LAYER = {
  'lib/apk/db/installed': apkInstalled([...ALPINE_BASE_PACKAGES, { name: 'zlib', version: '1.3-r2' }]),
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-scan-cli-'));
  db = writeOsvDatabase(join(dir, 'osv'), ALPINE_VULNERABILITIES);
  const tars = [makeTar(alpineRootfs(ALPINE_BASE_PACKAGES)), makeTar(APP_LAYER)];
  archive = join(dir, 'app.tar');
  writeDockerArchive(archive, {
    config: Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: { User: '1000', Env: ['PATH=/bin'] },
        rootfs: { type: 'layers', diff_ids: tars.map((t) => sha256(t)) },
        history: [
          { created_by: '/bin/sh -c #(nop) ADD file:base in / ' },
          { created_by: '/bin/sh -c #(nop) ADD file:app in / ' },
          { created_by: '/bin/sh -c #(nop) USER 1000', empty_layer: true },
        ],
      }),
    ),
    layers: tars.map((t) => ({ digest: sha256(t), data: t })),
  });
  writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nADD base.tar /\nADD app.tar /\nUSER 1000\n');
  if (!missing) registry = await startRegistry();
});
afterAll(async () => {
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describeWithTools('portcullis scan', () => {
  it('scans an archive and points each vulnerability at its Dockerfile line (exit 1: a fixable critical)', async () => {
    const { code, stdout, stderr } = await cli(
      'scan',
      archive,
      '--db',
      db,
      '--dockerfile',
      join(dir, 'Dockerfile'),
    );
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout.split('\n')).toEqual([
      `${archive}: 7,168 bytes in 2 layers; 4 packages`,
      '',
      'CRITICAL  ALPINE-CVE-2024-0001  libcrypto3 3.1.4-r1  3.1.4-r5  line 2 (ADD)',
      'HIGH      ALPINE-CVE-2024-0003  zlib 1.3-r2          1.3.1-r0  line 3 (ADD)',
      'MEDIUM    ALPINE-CVE-2024-0002  busybox 1.36.1-r15   (no fix)  line 2 (ADD)',
      '',
      '3 vulnerabilities: 1 critical, 1 high, 1 medium (osv-scanner 2.5.0)',
    ]);
  });

  it('prints JSON with the normalised facts', async () => {
    const { code, stdout } = await cli('scan', archive, '--db', db, '--format', 'json');
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.image).toMatchObject({
      format: 'docker-archive',
      layer_count: 2,
      user: '1000',
      packages: 4,
    });
    expect(report.vulnerabilities).toContainEqual({
      id: 'ALPINE-CVE-2024-0003',
      aliases: ['CVE-2024-0003'],
      summary: 'zlib test vulnerability ALPINE-CVE-2024-0003',
      package: { name: 'zlib', version: '1.3-r2', ecosystem: 'Alpine:v3.19', source_package: 'zlib' },
      severity: 'HIGH',
      cvss_score: 7.5,
      fixed_version: '1.3.1-r0',
      layer: {
        history_index: 1,
        created_by: '/bin/sh -c #(nop) ADD file:app in / ',
        keyword: null,
        line: null,
        end_line: null,
        in_base_image: false,
      },
    });
  });

  it('pulls an image from a plain-HTTP registry named with --insecure-registry', async () => {
    await pushImage(registry, 'acme/app', '1.0', {
      format: 'oci',
      layers: [alpineRootfs(ALPINE_BASE_PACKAGES), APP_LAYER],
      config: { User: '' },
    });
    const reference = `${registry.host}/acme/app:1.0`;
    const { code, stdout, stderr } = await cli(
      'scan',
      reference,
      '--db',
      db,
      '--insecure-registry',
      registry.host,
    );
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout).toMatch(
      new RegExp(`^${reference.replace(/[.]/g, '\\.')}: [\\d,]+ bytes in 2 layers, runs as root; 4 packages`),
    );
    expect(stdout).toContain('HIGH      ALPINE-CVE-2024-0003  zlib 1.3-r2');
  });

  it('exits 0 without fixable critical or high vulnerabilities, and 2 on what it cannot scan', async () => {
    const clean = writeOsvDatabase(join(dir, 'clean'), [
      ALPINE_VULNERABILITIES[1] as (typeof ALPINE_VULNERABILITIES)[number],
    ]);
    expect((await cli('scan', archive, '--db', clean)).code).toBe(0);
    const noDb = await cli('scan', archive, '--db', join(dir, 'missing'));
    expect(noDb).toMatchObject({ code: 2, stderr: expect.stringMatching(/does not exist/) });
    const noAlpine = writeOsvDatabase(join(dir, 'debian'), [
      { id: 'DSA-1', ecosystem: 'Debian:12', package: 'bash' },
    ]);
    expect(await cli('scan', archive, '--db', noAlpine)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/has no data for Alpine/),
    });
    expect((await cli('scan', '--db', db)).code).toBe(2);
    expect((await cli('scan', 'Not A Reference!', '--db', db)).stderr).toMatch(
      /neither a file nor an image reference/,
    );
  });
});
