/**
 * The real osv-scanner (tools/bin, from `npm run setup`) on image archives made here:
 * an Alpine root filesystem whose apk database lists packages the fixture OSV database
 * marks vulnerable, in two layers, written as a docker-archive and as an oci-archive.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  ALPINE_BASE_PACKAGES,
  ALPINE_VULNERABILITIES,
  alpineRootfs,
  apkInstalled,
  writeOsvDatabase,
} from '../../test/support/images.js';
import { makeTar, sha256 } from '../../test/support/registry.js';
import { describeWithTools } from '../../test/support/required-tools.js';
import { readImageArchive, writeDockerArchive } from './archive.js';
import { OsvScanner } from './osv-scanner.js';
import { ScanError } from './scanner.js';
import { TarWriter } from './tar.js';

let dir: string;
let db: string;

/** Layer 0: the base rootfs; layer 1: the apk database again, now with zlib. */
function layers() {
  const base = makeTar(alpineRootfs(ALPINE_BASE_PACKAGES));
  const app = makeTar({
    'lib/apk/db/installed': apkInstalled([...ALPINE_BASE_PACKAGES, { name: 'zlib', version: '1.3-r2' }]),
  });
  return [base, app];
}

function config(diffIds: string[]) {
  return Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { User: '', Env: ['PATH=/bin', 'API_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789AB'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: [
        { created_by: '/bin/sh -c #(nop) ADD file:aaa in / ' },
        {
          created_by: '/bin/sh -c #(nop) ENV API_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789AB',
          empty_layer: true,
        },
        { created_by: '/bin/sh -c #(nop) ADD file:bbb in / ' },
      ],
    }),
  );
}

function dockerArchive(path: string, compress = false): void {
  const tars = layers();
  writeDockerArchive(path, {
    config: config(tars.map((t) => sha256(t))),
    layers: tars.map((t) => {
      const data = compress ? gzipSync(t) : t;
      return { digest: sha256(data), data };
    }),
  });
}

function ociArchive(path: string): void {
  const tars = layers();
  const blobs = new Map<string, Buffer>();
  const add = (data: Buffer) => {
    const digest = sha256(data);
    blobs.set(digest, data);
    return { digest, size: data.length };
  };
  const configBlob = add(config(tars.map((t) => sha256(t))));
  const layerBlobs = tars.map((t) => add(gzipSync(t)));
  const manifest = add(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob },
        layers: layerBlobs.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l })),
      }),
    ),
  );
  const writer = new TarWriter(path);
  writer.add('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
  writer.add(
    'index.json',
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest }],
      }),
    ),
  );
  for (const [digest, data] of blobs) writer.add(`blobs/sha256/${digest.slice(7)}`, data);
  writer.close();
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-osv-test-'));
  db = writeOsvDatabase(join(dir, 'osv'), ALPINE_VULNERABILITIES);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeWithTools(['buildah', 'osv-scanner'], 'OsvScanner', () => {
  it('finds the vulnerable packages of a docker-archive offline, each with the history entry of its layer', async () => {
    const archive = join(dir, 'docker.tar');
    dockerArchive(archive);
    const result = await new OsvScanner({ database: db }).scan(archive);
    expect(result.scanner).toMatchObject({ name: 'osv-scanner', version: '2.5.0' });
    expect(result.package_count).toBe(4);
    expect(
      result.vulnerabilities.map((v) => [
        v.id,
        v.package.name,
        v.package.source_package,
        v.severity,
        v.fixed_version,
        v.history_index,
      ]),
    ).toEqual([
      ['ALPINE-CVE-2024-0002', 'busybox', 'busybox', 'MEDIUM', null, 0],
      ['ALPINE-CVE-2024-0001', 'libcrypto3', 'openssl', 'CRITICAL', '3.1.4-r5', 0],
      ['ALPINE-CVE-2024-0003', 'zlib', 'zlib', 'HIGH', '1.3.1-r0', 2],
    ]);
    const openssl = result.vulnerabilities.find((v) => v.package.name === 'libcrypto3');
    expect(openssl).toMatchObject({
      aliases: ['CVE-2024-0001'],
      cvss_score: 9.8,
      package: { version: '3.1.4-r1', ecosystem: 'Alpine:v3.19' },
    });
  });

  it('reads an oci-archive (converted for osv-scanner, which reads only docker-archives) and gzipped layers', async () => {
    const archive = join(dir, 'oci.tar');
    ociArchive(archive);
    const image = readImageArchive(archive);
    expect(image.format).toBe('oci-archive');
    expect(image.layers).toHaveLength(2);
    const result = await new OsvScanner({ database: db }).scan(archive);
    expect(result.vulnerabilities.map((v) => v.id)).toEqual([
      'ALPINE-CVE-2024-0002',
      'ALPINE-CVE-2024-0001',
      'ALPINE-CVE-2024-0003',
    ]);
    const compressed = join(dir, 'docker-gz.tar');
    dockerArchive(compressed, true);
    expect((await new OsvScanner({ database: db }).scan(compressed)).vulnerabilities).toHaveLength(3);
  });

  it('fails, rather than reporting nothing, when the database lacks an ecosystem the image uses', async () => {
    const archive = join(dir, 'docker.tar');
    dockerArchive(archive);
    const empty = writeOsvDatabase(join(dir, 'debian-only'), [
      { id: 'DSA-0000-1', ecosystem: 'Debian:12', package: 'openssl', fixed: '3.0.0' },
    ]);
    const scan = new OsvScanner({ database: empty }).scan(archive);
    await expect(scan).rejects.toThrow(ScanError);
    await expect(scan).rejects.toThrow(/has no data for Alpine .*add Alpine\/all\.zip/);
  });

  it('needs a configured database folder', async () => {
    await expect(new OsvScanner({ database: null }).scan(join(dir, 'docker.tar'))).rejects.toThrow(
      /set PORTCULLIS_OSV_DB/,
    );
    await expect(
      new OsvScanner({ database: join(dir, 'nowhere') }).scan(join(dir, 'docker.tar')),
    ).rejects.toThrow(/does not exist/);
  });

  it('reports no vulnerabilities for an image without a package database, and refuses what is not an image', async () => {
    const archive = join(dir, 'static.tar');
    const tar = makeTar({ 'app/server': 'binary' });
    writeDockerArchive(archive, {
      config: config([sha256(tar)]),
      layers: [{ digest: sha256(tar), data: tar }],
    });
    expect(await new OsvScanner({ database: db }).scan(archive)).toMatchObject({
      package_count: 0,
      vulnerabilities: [],
    });
    const junk = join(dir, 'junk.tar');
    writeFileSync(junk, 'not a tar at all'.repeat(100));
    await expect(new OsvScanner({ database: db }).scan(junk)).rejects.toThrow(/not an image archive/);
  });

  it('changes its database fingerprint when the database changes', () => {
    const scanner = new OsvScanner({ database: db });
    const before = scanner.databaseFingerprint();
    writeOsvDatabase(db, [...ALPINE_VULNERABILITIES, { id: 'X-1', ecosystem: 'Debian:12', package: 'bash' }]);
    expect(scanner.databaseFingerprint()).not.toBe(before);
  });
});
