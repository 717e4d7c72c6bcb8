/**
 * Real images without Docker Hub, for the demo (`npm start` without credentials), the tests
 * and the benchmarks: hand-made root filesystems whose package database
 * (Alpine's `lib/apk/db/installed`, Debian's `var/lib/dpkg/status`) lists packages at
 * versions that a fixture OSV database, also made here, marks vulnerable. The rootfs goes
 * into a build context as a tar file (`ADD rootfs.tar /` in a test Dockerfile) or is pushed
 * to a registry as layers (src/demo/registry.ts, test/support/registry.ts).
 *
 * The OSV database is written in the public export layout (`<Ecosystem>/all.zip` of OSV JSON
 * records), the folder an operator configures with PORTCULLIS_OSV_DB.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

export interface FixturePackage {
  name: string;
  version: string;
  /** Alpine `o:` / Debian `Source:`; the package's own name when absent. */
  source?: string;
}

/** The text of an apk database listing `packages`. */
export function apkInstalled(packages: readonly FixturePackage[]): string {
  return packages
    .map((p) =>
      [
        'C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=',
        `P:${p.name}`,
        `V:${p.version}`,
        'A:x86_64',
        'S:1000',
        'I:4000',
        `T:${p.name} for tests`,
        'U:https://example.invalid/',
        'L:MIT',
        `o:${p.source ?? p.name}`,
        'm:Portcullis Tests <tests@example.invalid>',
        't:1700000000',
        'c:0000000000000000000000000000000000000000',
        '',
      ].join('\n'),
    )
    .join('\n')
    .concat('\n');
}

/** An Alpine root filesystem (os-release, alpine-release and the apk database) as files. */
export function alpineRootfs(
  packages: readonly FixturePackage[],
  release = '3.19.1',
): Record<string, string> {
  const [major, minor] = release.split('.');
  return {
    'etc/os-release': [
      'NAME="Alpine Linux"',
      'ID=alpine',
      `VERSION_ID=${release}`,
      `PRETTY_NAME="Alpine Linux v${major}.${minor}"`,
      '',
    ].join('\n'),
    'etc/alpine-release': `${release}\n`,
    'lib/apk/db/installed': apkInstalled(packages),
  };
}

/** A tar of `files`, as `ADD rootfs.tar /` wants it. */
export function rootfsTar(files: Record<string, string>): Buffer {
  return makeTar(files);
}

export interface FixtureVulnerability {
  id: string;
  aliases?: string[];
  /** `Alpine:v3.19`, `Debian:12` … */
  ecosystem: string;
  /** The affected (source) package name. */
  package: string;
  introduced?: string;
  /** The first fixed version; none means no fix exists. */
  fixed?: string;
  /** A CVSS v3 vector, e.g. `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H` (9.8, critical). */
  cvss?: string;
  summary?: string;
}

/** CVSS v3.1 vectors by the severity they score as. */
export const CVSS = {
  critical: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', // 9.8
  high: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', // 7.5
  medium: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N', // 5.4
  low: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', // 3.1
} as const;

/** An OSV record (schema 1.6) with one ECOSYSTEM range. */
export function osvRecord(v: FixtureVulnerability): Record<string, unknown> {
  const events: Record<string, string>[] = [{ introduced: v.introduced ?? '0' }];
  if (v.fixed) events.push({ fixed: v.fixed });
  return {
    schema_version: '1.6.0',
    id: v.id,
    modified: '2024-05-01T00:00:00Z',
    published: '2024-04-01T00:00:00Z',
    aliases: v.aliases ?? [],
    summary: v.summary ?? `${v.package} test vulnerability ${v.id}`,
    ...(v.cvss ? { severity: [{ type: 'CVSS_V3', score: v.cvss }] } : {}),
    affected: [
      {
        package: { ecosystem: v.ecosystem, name: v.package },
        ranges: [{ type: 'ECOSYSTEM', events }],
      },
    ],
  };
}

/**
 * Writes the OSV export layout under `dir`: one `<Ecosystem>/all.zip` per base ecosystem
 * (`Alpine:v3.19` goes to `Alpine/`), each holding `<id>.json` per record.
 */
export function writeOsvDatabase(dir: string, vulnerabilities: readonly FixtureVulnerability[]): string {
  const byEcosystem = new Map<string, { name: string; data: Buffer }[]>();
  for (const v of vulnerabilities) {
    const base = v.ecosystem.split(':')[0] ?? v.ecosystem;
    const entries = byEcosystem.get(base) ?? [];
    entries.push({ name: `${v.id}.json`, data: Buffer.from(JSON.stringify(osvRecord(v))) });
    byEcosystem.set(base, entries);
  }
  for (const [ecosystem, entries] of byEcosystem) {
    mkdirSync(join(dir, ecosystem), { recursive: true });
    writeFileSync(join(dir, ecosystem, 'all.zip'), storedZip(entries));
  }
  return dir;
}

/** A zip archive of uncompressed ("stored") entries: all an OSV export reader needs. */
export function storedZip(entries: readonly { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt32LE(0x00210000, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** The packages and vulnerabilities most tests share: an Alpine 3.19 image with three known issues. */
export const ALPINE_BASE_PACKAGES: FixturePackage[] = [
  { name: 'musl', version: '1.2.4-r2' },
  { name: 'busybox', version: '1.36.1-r15' },
  { name: 'libcrypto3', version: '3.1.4-r1', source: 'openssl' },
];

export const ALPINE_VULNERABILITIES: FixtureVulnerability[] = [
  {
    id: 'ALPINE-CVE-2024-0001',
    aliases: ['CVE-2024-0001'],
    ecosystem: 'Alpine:v3.19',
    package: 'openssl',
    fixed: '3.1.4-r5',
    cvss: CVSS.critical,
  },
  {
    id: 'ALPINE-CVE-2024-0002',
    aliases: ['CVE-2024-0002'],
    ecosystem: 'Alpine:v3.19',
    package: 'busybox',
    cvss: CVSS.medium,
  },
  {
    id: 'ALPINE-CVE-2024-0003',
    aliases: ['CVE-2024-0003'],
    ecosystem: 'Alpine:v3.19',
    package: 'zlib',
    fixed: '1.3.1-r0',
    cvss: CVSS.high,
  },
  {
    id: 'ALPINE-CVE-2024-0004',
    aliases: ['CVE-2024-0004'],
    ecosystem: 'Alpine:v3.19',
    package: 'musl',
    fixed: '1.2.4-r1',
    cvss: CVSS.high,
  },
];

/** A ustar archive of regular files, enough for a layer. */
export function makeTar(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, contents] of Object.entries(files)) {
    const data = Buffer.from(contents);
    const header = Buffer.alloc(512);
    header.write(name, 0, 100);
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write(`${(1714564800).toString(8).padStart(11, '0')}\0`, 136);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    let checksum = 0;
    for (const byte of header) checksum += byte;
    header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
