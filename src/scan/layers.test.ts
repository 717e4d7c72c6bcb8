/**
 * Layer analysis of a real image, built once with buildah from a Dockerfile whose RUN
 * steps write, delete and overwrite files (a shell from the host, FROM scratch), checked
 * against sums worked out by hand from the files the steps write; and of archives with
 * gzip-compressed layers, whiteouts of folders and opaque folders, assembled here.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeTar, writeContext } from '../../test/support/images.js';
import { describeWithTools } from '../../test/support/required-tools.js';
import { writeShellRootfs } from '../../test/support/shell-rootfs.js';
import { BuildahBuilder } from '../build/buildah.js';
import { writeDockerArchive } from './archive.js';
import { analyseLayers } from './layers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-layers-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bytes of the regular files under `folder`. */
function bytesUnder(folder: string): number {
  let total = 0;
  for (const name of readdirSync(folder, { recursive: true }) as string[]) {
    const info = statSync(join(folder, name));
    if (info.isFile()) total += info.size;
  }
  return total;
}

describeWithTools(['buildah'], 'analyseLayers on a buildah image', () => {
  const DOCKERFILE = [
    'FROM scratch',
    'COPY rootfs/ /',
    'RUN head -c 50000000 /dev/urandom > /big && head -c 3000 /dev/urandom > /keep',
    'COPY gcc /usr/bin/gcc',
    'RUN rm /big && head -c 4000 /dev/urandom > /keep',
  ].join('\n');
  let archive: string;
  let rootfsBytes: number;

  beforeAll(async () => {
    const context = join(dir, 'context');
    writeShellRootfs(join(context, 'rootfs'));
    writeContext(context, { Dockerfile: DOCKERFILE, gcc: Buffer.alloc(2000, 1) });
    chmodSync(join(context, 'gcc'), 0o755);
    rootfsBytes = bytesUnder(join(context, 'rootfs'));
    archive = join(dir, 'image.tar');
    const outcome = await new BuildahBuilder({ workRoot: join(dir, 'work') }).build({
      contextDir: context,
      dockerfile: 'Dockerfile',
      buildArgs: {},
      target: null,
      platform: null,
      outputArchive: archive,
    });
    if (!outcome.ok) throw new Error(`${outcome.message}\n${outcome.logExcerpt}`);
  }, 120_000);

  it('gives the RUN that writes a file a later RUN deletes its bytes, and the layer that deletes them', async () => {
    const analysis = await analyseLayers(archive, dir);
    expect(analysis.layers.map((l) => [l.wasted_bytes, l.removed_by])).toEqual([
      [0, null],
      // /big (deleted) and the first /keep (overwritten), both by layer 3.
      [50_003_000, 3],
      [0, null],
      [0, null],
    ]);
    expect(analysis.layers[1]?.files_bytes).toBe(50_003_000);
    expect(analysis.wasted_bytes).toBe(50_003_000);
  });

  it("scores efficiency as dive does: each path's smallest size over the sum of its sizes", async () => {
    const analysis = await analyseLayers(archive, dir);
    // /big counts 50 MB then 0 (its whiteout); /keep 3000 then 4000; the rest once.
    const once = rootfsBytes + 2000;
    expect(analysis.efficiency).toBeCloseTo((once + 0 + 3000) / (once + 50_000_000 + 3000 + 4000), 6);
  });

  it('finds the compiler COPY put in /usr/bin', async () => {
    const analysis = await analyseLayers(archive, dir);
    expect(analysis.build_tools).toEqual([
      { path: 'usr/bin/gcc', tool: 'gcc', kind: 'compiler', bytes: 2000, layer_index: 2 },
    ]);
  });
});

describe('analyseLayers on assembled archives', () => {
  it('reads gzip layers, charges a deleted folder to the layers that filled it, and honours opaque folders', async () => {
    const layers = [
      makeTar({
        'opt/cache/a': 'a'.repeat(1000),
        'opt/cache/b': 'b'.repeat(500),
        'srv/old': 'o'.repeat(700),
      }),
      makeTar({ 'opt/cache/c': 'c'.repeat(300), 'var/lib/apt/lists/x_Packages': 'p'.repeat(2_000) }),
      makeTar({ 'opt/.wh.cache': '', 'srv/.wh..wh..opq': '', 'srv/new': 'n'.repeat(10) }),
    ];
    const archive = join(dir, 'assembled.tar');
    writeDockerArchive(archive, {
      config: Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          rootfs: { type: 'layers', diff_ids: [] },
          config: {},
        }),
      ),
      layers: layers.map((data, i) => ({
        digest: `sha256:${String(i).repeat(64)}`,
        data: i === 1 ? gzipSync(data) : data,
      })),
    });
    const analysis = await analyseLayers(archive, dir);
    expect(analysis.layers.map((l) => [l.files_bytes, l.wasted_bytes, l.removed_by])).toEqual([
      [2200, 2200, 2],
      [2300, 300, 2],
      [10, 0, null],
    ]);
    expect(analysis.build_tools).toEqual([
      { path: 'var/lib/apt/lists', tool: 'apt lists', kind: 'package-cache', bytes: 2000, layer_index: 1 },
    ]);
    // dive: a whiteout of a folder counts what it hid (1800) at the folder's own path, seen once;
    // the opaque marker is no path (dive skips it): no path is seen twice, so the score is 1.
    const sizes = 1000 + 500 + 700 + 300 + 2000 + 1800 + 10;
    expect(analysis.efficiency).toBeCloseTo(sizes / sizes, 6);
  });

  it.each([
    ['gzip', true],
    ['plain', false],
  ])('refuses a layer that is not a tar (%s)', async (_, compressed) => {
    const junk = Buffer.from('not a tar at all, but long enough to be read as a header'.repeat(20));
    const archive = join(dir, 'broken.tar');
    writeDockerArchive(archive, {
      config: Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          rootfs: { type: 'layers', diff_ids: [] },
          config: {},
        }),
      ),
      layers: [
        {
          digest: `sha256:${'a'.repeat(64)}`,
          data: compressed ? gzipSync(junk) : junk,
        },
      ],
    });
    await expect(analyseLayers(archive, dir)).rejects.toThrow(/layer 0 could not be read: .*not a tar/);
  });
});
