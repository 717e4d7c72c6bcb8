/**
 * `portcullis scan docker-archive:…` (and oci-archive, and `--dockerfile`) on hostile files:
 * traversal names, links out of the extraction, headers that claim gigabytes, cut archives,
 * devices and FIFOs. A broken archive is a clear error (exit 2); nothing is written or read
 * outside; the image's Env values never appear.
 */

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALPINE_BASE_PACKAGES, alpineRootfs, makeTar } from '../support/images.js';
import type { SoloCase, Workspace } from './model.js';
import { terminalProblems } from './model.js';
import { exitIn } from './repository.js';
import type { ProcessRun } from './runner.js';
import { paxRecord, type RawEntry, rawTar } from './tar.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** Where a traversal would land: checked after each run. Short, so names fit a ustar header. */
export const ESCAPE_ROOT = `/tmp/pchx-${process.pid}`;
const GIB8 = 8 * 1024 ** 3;

interface ImageParts {
  layers?: Buffer[];
  config?: Record<string, unknown>;
  manifest?: unknown;
  extra?: RawEntry[];
}

/** A docker-archive written by hand, so that any part of it can be hostile. */
function dockerArchive(parts: ImageParts = {}): Buffer {
  const layers = parts.layers ?? [makeTar(alpineRootfs(ALPINE_BASE_PACKAGES))];
  const config = Buffer.from(
    JSON.stringify(
      parts.config ?? {
        architecture: 'amd64',
        os: 'linux',
        config: { User: '1000', Env: ['PATH=/bin'] },
        rootfs: { type: 'layers', diff_ids: layers.map((l) => `sha256:${sha(l)}`) },
        history: [{ created_by: '/bin/sh -c #(nop) ADD file:base in / ' }],
      },
    ),
  );
  const layerNames = layers.map((l) => `${sha(l)}/layer.tar`);
  const manifest = parts.manifest ?? [{ Config: `${sha(config)}.json`, RepoTags: [], Layers: layerNames }];
  return rawTar([
    ...(parts.extra ?? []),
    { name: 'manifest.json', data: JSON.stringify(manifest) },
    { name: `${sha(config)}.json`, data: config },
    ...layers.map((l, i) => ({ name: layerNames[i] as string, data: l })),
  ]);
}

const up = '../'.repeat(12);
const marker = (id: string) => `${ESCAPE_ROOT}/${id}`;

interface ArchiveSpec {
  id: string;
  why: string;
  /** Writes the subject into `dir` and returns the IMAGE argument. */
  subject(dir: string, ws: Workspace): string;
  extraArgs?: (dir: string) => string[];
  format?: 'json' | 'text';
  expect: (run: ProcessRun) => string[];
  secrets?: string[];
}

const file = (name: string, bytes: Buffer | string) => (dir: string) => {
  writeFileSync(join(dir, name), bytes);
  return `docker-archive:${join(dir, name)}`;
};
const broken = exitIn([2]);
const anyVerdict = exitIn([0, 1, 2]);
const valid = () => dockerArchive();

const SPECS: ArchiveSpec[] = [
  {
    id: 'control',
    why: 'a valid docker-archive (control)',
    subject: file('ok.tar', valid()),
    expect: exitIn([0, 1]),
  },
  {
    id: 'layer-traversal',
    why: 'a layer entry ../../…',
    subject: file(
      'a.tar',
      dockerArchive({ layers: [rawTar([{ name: `${up}${marker('trav').slice(1)}`, data: 'x' }])] }),
    ),
    expect: anyVerdict,
  },
  {
    id: 'layer-absolute',
    why: 'a layer entry with an absolute name',
    subject: file('a.tar', dockerArchive({ layers: [rawTar([{ name: marker('abs'), data: 'x' }])] })),
    expect: anyVerdict,
  },
  {
    id: 'layer-symlink-then-write',
    why: 'a layer symlink to the sentinel, then a file through it',
    subject: (dir, ws) =>
      file(
        'a.tar',
        dockerArchive({
          layers: [
            rawTar([
              { name: 'escape', type: '2', linkName: ws.sentinel },
              { name: 'escape/pwned', data: 'x' },
            ]),
          ],
        }),
      )(dir),
    expect: anyVerdict,
  },
  {
    id: 'layer-hardlink-passwd',
    why: 'a layer hard link to /etc/passwd',
    subject: file(
      'a.tar',
      dockerArchive({ layers: [rawTar([{ name: 'etc/passwd', type: '1', linkName: '/etc/passwd' }])] }),
    ),
    expect: anyVerdict,
    secrets: ['root:x:0:0'],
  },
  {
    id: 'layer-symlink-apk-db',
    why: 'the apk database is a symlink to /etc/passwd',
    subject: file(
      'a.tar',
      dockerArchive({
        layers: [rawTar([{ name: 'lib/apk/db/installed', type: '2', linkName: '/etc/passwd' }])],
      }),
    ),
    expect: anyVerdict,
    secrets: ['root:x:0:0'],
  },
  {
    id: 'manifest-layer-traversal',
    why: 'manifest.json names ../../etc/passwd as a layer',
    subject: file(
      'a.tar',
      dockerArchive({
        manifest: [{ Config: 'c.json', RepoTags: [], Layers: ['../../../../../../etc/passwd'] }],
        extra: [{ name: 'c.json', data: '{"rootfs":{"diff_ids":[]}}' }],
      }),
    ),
    expect: broken,
    secrets: ['root:x:0:0'],
  },
  {
    id: 'manifest-config-outside',
    why: 'manifest.json names a config outside by absolute path',
    subject: (dir, ws) =>
      file(
        'a.tar',
        dockerArchive({ manifest: [{ Config: join(ws.sentinel, 'data.json'), RepoTags: [], Layers: [] }] }),
      )(dir),
    expect: broken,
  },
  {
    id: 'manifest-proto',
    why: 'manifest.json with __proto__',
    subject: file(
      'a.tar',
      dockerArchive({ manifest: JSON.parse('[{"__proto__": {"Config": "x.json"}, "Layers": []}]') }),
    ),
    expect: broken,
  },
  {
    id: 'manifest-not-json',
    why: 'manifest.json that is not JSON',
    subject: file('a.tar', rawTar([{ name: 'manifest.json', data: '[{"Config": ' }])),
    expect: broken,
  },
  {
    id: 'header-claims-8gib',
    why: 'manifest.json whose header claims 8 GiB',
    subject: file('a.tar', rawTar([{ name: 'manifest.json', data: '[]', claimedSize: GIB8 - 1 }])),
    expect: broken,
  },
  {
    id: 'header-base256-huge',
    why: 'a base-256 size of 2^62',
    subject: file(
      'a.tar',
      rawTar([{ name: 'manifest.json', data: '[]', claimedSize: 2 ** 62, base256: true }]),
    ),
    expect: broken,
  },
  {
    id: 'pax-claims-8gib',
    why: 'a PAX header whose size claims 8 GiB',
    subject: file(
      'a.tar',
      rawTar([{ name: 'pax', type: 'x', data: paxRecord('path', 'manifest.json'), claimedSize: GIB8 - 1 }]),
    ),
    expect: broken,
  },
  {
    id: 'pax-record-lies',
    why: 'a PAX record whose length lies',
    subject: file(
      'a.tar',
      Buffer.concat([
        rawTar([{ name: 'pax', type: 'x', data: paxRecord('path', '../../x', 99_999_999_999) }], false),
        valid(),
      ]),
    ),
    expect: anyVerdict,
  },
  {
    id: 'gnu-longname-512mib',
    why: 'a GNU long name claiming 512 MiB',
    subject: file(
      'a.tar',
      rawTar([{ name: '././@LongLink', type: 'L', data: 'x', claimedSize: 512 * 1024 ** 2 }]),
    ),
    expect: broken,
  },
  {
    id: 'truncated-header',
    why: 'an archive cut inside a header',
    subject: file('a.tar', valid().subarray(0, 700)),
    expect: broken,
  },
  {
    id: 'truncated-layer',
    why: 'an archive cut inside a layer',
    subject: file(
      'a.tar',
      (() => {
        const v = valid();
        return v.subarray(0, Math.floor(v.length * 0.8));
      })(),
    ),
    expect: broken,
  },
  { id: 'empty', why: 'an empty file', subject: file('a.tar', ''), expect: broken },
  { id: 'zeros', why: '10 KiB of zeros', subject: file('a.tar', Buffer.alloc(10_240)), expect: broken },
  {
    id: 'random',
    why: '64 KiB of random bytes',
    subject: file('a.tar', Buffer.from(Array.from({ length: 65_536 }, (_, i) => (i * 2654435761) >>> 24))),
    expect: broken,
  },
  {
    id: 'bad-checksum',
    why: 'a header with a wrong checksum',
    subject: file(
      'a.tar',
      (() => {
        const t = valid();
        t[0] = (t[0] as number) ^ 1;
        return t;
      })(),
    ),
    expect: broken,
  },
  {
    id: 'many-entries',
    why: '20 000 entries in a layer',
    subject: file(
      'a.tar',
      dockerArchive({
        layers: [rawTar(Array.from({ length: 20_000 }, (_, i) => ({ name: `f/${i}`, data: '' })))],
      }),
    ),
    expect: anyVerdict,
  },
  {
    id: 'deep-path',
    why: 'a 150-level deep path in a layer',
    subject: file('a.tar', dockerArchive({ layers: [rawTar([{ name: `${'d/'.repeat(75)}f`, data: 'x' }])] })),
    expect: anyVerdict,
  },
  {
    id: 'env-secret-values',
    why: 'secrets in the image Env: names may show, values never',
    subject: file(
      'a.tar',
      (() => {
        const layer = makeTar(alpineRootfs(ALPINE_BASE_PACKAGES));
        return dockerArchive({
          layers: [layer],
          config: {
            architecture: 'amd64',
            os: 'linux',
            config: {
              User: '1000',
              Env: [
                'PATH=/bin',
                'API_TOKEN=ghp_ArchiveEnvHostile82Zq8Lm3Xv7Rt2W',
                'DB_PASSWORD=hunter2-Archive-83',
              ],
            },
            rootfs: { type: 'layers', diff_ids: [`sha256:${sha(layer)}`] },
            history: [{ created_by: '/bin/sh -c #(nop) ENV API_TOKEN=ghp_ArchiveEnvHostile82Zq8Lm3Xv7Rt2W' }],
          },
        });
      })(),
    ),
    expect: exitIn([0, 1]),
    secrets: ['ghp_ArchiveEnvHostile82Zq8Lm3Xv7Rt2W', 'hunter2-Archive-83'],
  },
  {
    id: 'history-escapes',
    why: 'escape sequences and workflow commands in the image history and user (text output)',
    format: 'text',
    subject: file(
      'a.tar',
      (() => {
        const layer = makeTar(alpineRootfs(ALPINE_BASE_PACKAGES));
        return dockerArchive({
          layers: [layer],
          config: {
            architecture: 'amd64\u001b[2J',
            os: 'linux\n::error::forged',
            config: { User: '\u001b]0;owned\u0007root', Env: ['\u001b[31mSECRET_KEY=x'] },
            rootfs: { type: 'layers', diff_ids: [`sha256:${sha(layer)}`] },
            history: [{ created_by: '\u001b[2J\n::error::forged' }],
          },
        });
      })(),
    ),
    expect: (run) => [...anyVerdict(run), ...terminalProblems(`${run.stdout}\n${run.stderr}`)],
  },
  {
    id: 'oci-blob-traversal',
    why: 'an oci-archive whose index names sha256:../../etc/passwd',
    subject: (dir) => {
      writeFileSync(
        join(dir, 'o.tar'),
        rawTar([
          { name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' },
          {
            name: 'index.json',
            data: JSON.stringify({
              schemaVersion: 2,
              manifests: [
                {
                  mediaType: 'application/vnd.oci.image.manifest.v1+json',
                  digest: 'sha256:../../../../../../etc/passwd',
                  size: 10,
                },
              ],
            }),
          },
        ]),
      );
      return `oci-archive:${join(dir, 'o.tar')}`;
    },
    expect: broken,
    secrets: ['root:x:0:0'],
  },
  {
    id: 'dev-zero',
    why: 'docker-archive:/dev/zero',
    subject: () => 'docker-archive:/dev/zero',
    expect: broken,
  },
  { id: 'plain-dev-zero', why: 'the plain path /dev/zero', subject: () => '/dev/zero', expect: broken },
  {
    id: 'directory',
    why: 'a folder as the archive',
    subject: (dir) => `docker-archive:${dir}`,
    expect: broken,
  },
  {
    id: 'fifo',
    why: 'a FIFO as the archive (must not block)',
    subject: (dir) => {
      execFileSync('mkfifo', [join(dir, 'f.tar')]);
      return `docker-archive:${join(dir, 'f.tar')}`;
    },
    expect: broken,
  },
  {
    id: 'symlink-dev-zero',
    why: 'a symlink to /dev/zero as the archive',
    subject: (dir) => {
      symlinkSync('/dev/zero', join(dir, 'z.tar'));
      return `docker-archive:${join(dir, 'z.tar')}`;
    },
    expect: broken,
  },
  {
    id: 'dockerfile-dev-zero',
    why: '--dockerfile /dev/zero',
    subject: file('ok.tar', valid()),
    extraArgs: () => ['--dockerfile', '/dev/zero'],
    expect: broken,
  },
  {
    id: 'dockerfile-fifo',
    why: '--dockerfile naming a FIFO',
    subject: file('ok.tar', valid()),
    extraArgs: (dir) => {
      execFileSync('mkfifo', [join(dir, 'Dockerfile.fifo')]);
      return ['--dockerfile', join(dir, 'Dockerfile.fifo')];
    },
    expect: broken,
  },
  {
    id: 'dockerfile-binary',
    why: '--dockerfile naming a binary file (a regular file: any clean verdict)',
    subject: file('ok.tar', valid()),
    extraArgs: (dir) => {
      writeFileSync(join(dir, 'bin.Dockerfile'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0xff]));
      return ['--dockerfile', join(dir, 'bin.Dockerfile')];
    },
    expect: anyVerdict,
  },
];

export function archiveCases(): SoloCase[] {
  return SPECS.map((spec) => ({
    id: `archive-${spec.id}`,
    category: 'archive',
    why: spec.why,
    ...(spec.secrets ? { secrets: spec.secrets } : {}),
    prepare: (ws, dir) => {
      mkdirSync(dir, { recursive: true });
      const subject = spec.subject(dir, ws);
      return {
        cwd: dir,
        args: [
          'scan',
          subject,
          '--offline-db',
          ws.osvDatabase,
          '--format',
          spec.format ?? 'json',
          ...(spec.extraArgs?.(dir) ?? []),
        ],
        expect: spec.expect,
        after: () => {
          const problems: string[] = [];
          for (const name of ['trav', 'abs'])
            if (existsSync(marker(name))) problems.push(`a layer entry was written outside: ${marker(name)}`);
          if (existsSync(join(ws.sentinel, 'pwned')))
            problems.push('a file was written through a layer symlink');
          return problems;
        },
      };
    },
  }));
}
