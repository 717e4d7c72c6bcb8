/**
 * `portcullis scan` on an archive made here and on an image pushed to a real registry on
 * 127.0.0.1, against a fixture OSV database: offline, nothing downloaded.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDockerArchive } from '../../src/scan/archive.js';
import { TarWriter } from '../../src/scan/tar.js';
import { cli } from '../support/cli.js';
import {
  ALPINE_BASE_PACKAGES,
  ALPINE_VULNERABILITIES,
  alpineRootfs,
  apkInstalled,
  writeOsvDatabase,
} from '../support/images.js';
import { makeTar, pushImage, sha256, startRegistry, type TestRegistry } from '../support/registry.js';
import { describeWithTools, missingTool } from '../support/required-tools.js';

const TOOLS = ['buildah', 'osv-scanner'] as const;
const missing = missingTool(TOOLS);

let dir: string;
let db: string;
let archive: string;
let ociArchive: string;
let configDigest: string;
let registry: TestRegistry;

const APP_LAYER = {
  'lib/apk/db/installed': apkInstalled([...ALPINE_BASE_PACKAGES, { name: 'zlib', version: '1.3-r2' }]),
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-scan-cli-'));
  db = writeOsvDatabase(join(dir, 'osv'), ALPINE_VULNERABILITIES);
  const tars = [makeTar(alpineRootfs(ALPINE_BASE_PACKAGES)), makeTar(APP_LAYER)];
  archive = join(dir, 'app.tar');
  const config = Buffer.from(
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
  );
  configDigest = sha256(config);
  writeDockerArchive(archive, { config, layers: tars.map((t) => ({ digest: sha256(t), data: t })) });
  // The same image as an OCI layout in a tar (uncompressed layers).
  ociArchive = join(dir, 'app.oci.tar');
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: configDigest,
        size: config.length,
      },
      layers: tars.map((t) => ({
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        digest: sha256(t),
        size: t.length,
      })),
    }),
  );
  const writer = new TarWriter(ociArchive);
  writer.add('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
  writer.add(
    'index.json',
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: sha256(manifest),
            size: manifest.length,
          },
        ],
      }),
    ),
  );
  for (const blob of [config, manifest, ...tars]) writer.add(`blobs/sha256/${sha256(blob).slice(7)}`, blob);
  writer.close();
  writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nADD base.tar /\nADD app.tar /\nUSER 1000\n');
  if (!missing) registry = await startRegistry();
});
afterAll(async () => {
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describeWithTools(TOOLS, 'portcullis scan', () => {
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

  it('prints JSON in the contract shape: image {digest, os, size, …}, packages, vulnerabilities', async () => {
    const { code, stdout, stderr } = await cli(
      'scan',
      `docker-archive:${archive}`,
      '--offline-db',
      db,
      '--format',
      'json',
      '--dockerfile',
      join(dir, 'Dockerfile'),
    );
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(Object.keys(report).slice(0, 3)).toEqual(['image', 'packages', 'vulnerabilities']);
    expect(Object.keys(report.image).slice(0, 3)).toEqual(['digest', 'os', 'size']);
    expect(report.image).toMatchObject({
      digest: configDigest,
      os: 'linux',
      size: 7168,
      format: 'docker-archive',
      layer_count: 2,
      user: '1000',
      package_count: 4,
      layers_error: null,
    });
    // The layer analysis of check --build: the app layer rewrites the base's package database,
    // so the base layer's copy of it ships unseen.
    const installedBytes = Buffer.byteLength(apkInstalled(ALPINE_BASE_PACKAGES));
    expect(report.image.wasted_bytes).toBe(installedBytes);
    expect(report.image.efficiency).toBeGreaterThan(0);
    expect(report.image.efficiency).toBeLessThan(1);
    expect(
      report.image.layers.map((l: { line: number | null; wasted_bytes: number }) => [l.line, l.wasted_bytes]),
    ).toEqual([
      [2, installedBytes],
      [3, 0],
    ]);
    expect(report.packages).toHaveLength(4);
    expect(report.packages).toContainEqual({
      name: 'libcrypto3',
      version: '3.1.4-r1',
      ecosystem: 'Alpine:v3.19',
      source_package: 'openssl',
    });
    const zlib = report.vulnerabilities.find((v: { id: string }) => v.id === 'ALPINE-CVE-2024-0003');
    expect(Object.keys(zlib).slice(0, 7)).toEqual([
      'id',
      'aliases',
      'package',
      'installed_version',
      'fixed_version',
      'severity',
      'layer',
    ]);
    expect(zlib).toEqual({
      id: 'ALPINE-CVE-2024-0003',
      aliases: ['CVE-2024-0003'],
      package: 'zlib',
      installed_version: '1.3-r2',
      fixed_version: '1.3.1-r0',
      severity: 'HIGH',
      layer: {
        history_index: 1,
        created_by: '/bin/sh -c #(nop) ADD file:app in / ',
        keyword: 'ADD',
        line: 3,
        end_line: 3,
        in_base_image: false,
      },
      ecosystem: 'Alpine:v3.19',
      source_package: 'zlib',
      summary: 'zlib test vulnerability ALPINE-CVE-2024-0003',
      cvss_score: 7.5,
      line: 3,
    });
  });

  it('reads oci-archive:PATH, and refuses a prefix that does not match the archive', async () => {
    const oci = await cli('scan', `oci-archive:${ociArchive}`, '--offline-db', db, '--format', 'json');
    expect(oci.stderr).toBe('');
    expect(oci.code).toBe(1);
    const report = JSON.parse(oci.stdout);
    expect(report.image).toMatchObject({ digest: configDigest, os: 'linux', format: 'oci-archive' });
    expect(report.vulnerabilities.map((v: { id: string }) => v.id).sort()).toEqual([
      'ALPINE-CVE-2024-0001',
      'ALPINE-CVE-2024-0002',
      'ALPINE-CVE-2024-0003',
    ]);
    expect(await cli('scan', `docker-archive:${ociArchive}`, '--offline-db', db)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/expected a docker-archive, found an oci-archive/),
    });
    expect((await cli('scan', `oci-archive:${join(dir, 'nope.tar')}`, '--offline-db', db)).stderr).toMatch(
      /is not a file/,
    );
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

  it('prints nothing from the image or its name that drives a terminal or an Actions log', async () => {
    const tars = [makeTar(alpineRootfs(ALPINE_BASE_PACKAGES))];
    const config = Buffer.from(
      JSON.stringify({
        architecture: 'amd64\u001b[2J',
        os: 'linux\n::error::forged',
        config: {
          User: '\u001b]0;owned\u0007root',
          Env: ['\u001b[31mSECRET_KEY=x', 'API_TOKEN\n::warning::x=y'],
        },
        rootfs: { type: 'layers', diff_ids: tars.map((t) => sha256(t)) },
        history: [{ created_by: '\u001b[2J\n::error::forged' }],
      }),
    );
    const hostile = join(dir, '\u001b[2J\n::error::named.tar');
    writeDockerArchive(hostile, { config, layers: tars.map((t) => ({ digest: sha256(t), data: t })) });
    const { code, stdout, stderr } = await cli('scan', hostile, '--db', db);
    expect(code).toBe(1);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is checked
    expect(`${stdout}\n${stderr}`).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(`${stdout}\n${stderr}`).not.toMatch(/^\s*::/m);
    expect(stdout).toContain('secret-looking values in Env: SECRET_KEY');
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
