/**
 * Image archives: a `docker-archive` (`docker save`, `buildah push … docker-archive:`,
 * `manifest.json` at the top) or an `oci-archive` (an OCI image layout in a tar:
 * `oci-layout`, `index.json`, `blobs/`). Read for the facts the scan reports beside the
 * vulnerabilities (config, history, layers and their sizes), and converted to a
 * docker-archive where a scanner reads only that (osv-scanner 2.5 does).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { type ImageConfig, parseImageConfig } from '../registry/image-config.js';
import { parseManifest } from '../registry/manifest.js';
import { checkJson, type JsonSchema } from '../schema/parse-json.js';
import { listTar, readTarEntry, type TarEntry, TarWriter } from './tar.js';

export interface ArchiveLayer {
  /** Digest of the layer as stored (compressed or not), when the archive names it. */
  digest: string | null;
  /** Bytes of the layer as stored in the archive. */
  size: number;
}

export interface ArchiveImage {
  format: 'docker-archive' | 'oci-archive';
  /** `sha256:` of the config blob: the image id. */
  id: string;
  config: ImageConfig;
  layers: ArchiveLayer[];
  /** Sum of the layer sizes as stored in the archive. */
  size: number;
}

export class ImageArchiveError extends Error {}

export function readImageArchive(path: string): ArchiveImage {
  const entries = listEntries(path);
  const byName = new Map(entries.map((e) => [e.name, e]));
  if (byName.has('manifest.json')) return readDockerArchive(path, byName);
  if (byName.has('index.json')) return readOciArchive(path, byName);
  throw new ImageArchiveError(
    `${path} is neither a docker-archive (no manifest.json) nor an oci-archive (no index.json)`,
  );
}

/**
 * `path` itself when it is a docker-archive; otherwise a docker-archive written to
 * `workDir` from the OCI layout's first image, blobs copied as they are.
 */
export function ensureDockerArchive(path: string, workDir: string): string {
  const entries = listEntries(path);
  const byName = new Map(entries.map((e) => [e.name, e]));
  if (byName.has('manifest.json')) return path;
  const { manifest } = ociImageManifest(path, byName);
  const target = join(workDir, 'image.docker-archive.tar');
  const writer = new TarWriter(target);
  try {
    const configName = `${hex(manifest.config.digest)}.json`;
    const config = blobEntry(path, byName, manifest.config.digest);
    writer.copy(configName, path, config.offset, config.size);
    const layerNames: string[] = [];
    for (const layer of manifest.layers) {
      const entry = blobEntry(path, byName, layer.digest);
      const name = `${hex(layer.digest)}.tar`;
      writer.copy(name, path, entry.offset, entry.size);
      layerNames.push(name);
    }
    writer.add(
      'manifest.json',
      Buffer.from(JSON.stringify([{ Config: configName, RepoTags: [], Layers: layerNames }])),
    );
  } finally {
    writer.close();
  }
  return target;
}

/** Writes a docker-archive of one image from its config and (possibly compressed) layer blobs. */
export function writeDockerArchive(
  target: string,
  image: { config: Buffer; layers: { digest: string; data: Buffer }[]; repoTag?: string },
): void {
  const writer = new TarWriter(target);
  try {
    const configName = `${createHash('sha256').update(image.config).digest('hex')}.json`;
    writer.add(configName, image.config);
    const layerNames = image.layers.map((layer) => {
      const name = `${hex(layer.digest)}.tar`;
      writer.add(name, layer.data);
      return name;
    });
    writer.add(
      'manifest.json',
      Buffer.from(
        JSON.stringify([
          { Config: configName, RepoTags: image.repoTag ? [image.repoTag] : [], Layers: layerNames },
        ]),
      ),
    );
  } finally {
    writer.close();
  }
}

/** Where each layer's blob (compressed or not) is stored in the archive, in the image's layer order. */
export function layerBlobs(path: string): TarEntry[] {
  const entries = listEntries(path);
  const byName = new Map(entries.map((e) => [e.name, e]));
  if (byName.has('manifest.json')) {
    const checked = checkJson(
      readTarEntry(path, entryOf(path, byName, 'manifest.json')),
      DOCKER_ARCHIVE_MANIFEST,
    );
    if ('problem' in checked) {
      throw new ImageArchiveError(`${path}: manifest.json does not describe an image (${checked.problem})`);
    }
    return checked.value[0].Layers.map((name) => resolveEntry(path, byName, name));
  }
  const { manifest } = ociImageManifest(path, byName);
  return manifest.layers.map((layer) => blobEntry(path, byName, layer.digest));
}

function listEntries(path: string): TarEntry[] {
  try {
    return listTar(path);
  } catch (error) {
    throw new ImageArchiveError(`${path} is not an image archive: ${(error as Error).message}`);
  }
}

/**
 * `docker save`'s manifest.json: one entry per image, the first one is read.
 * Exported for scripts/generate-validators.mjs, which precompiles it.
 */
export const DOCKER_ARCHIVE_MANIFEST: JsonSchema<[{ Config: string; Layers: string[] }]> = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    required: ['Config', 'Layers'],
    properties: { Config: { type: 'string' }, Layers: { type: 'array', items: { type: 'string' } } },
  },
};

function readDockerArchive(path: string, byName: Map<string, TarEntry>): ArchiveImage {
  const checked = checkJson(
    readTarEntry(path, entryOf(path, byName, 'manifest.json')),
    DOCKER_ARCHIVE_MANIFEST,
  );
  if ('problem' in checked) {
    throw new ImageArchiveError(`${path}: manifest.json does not describe an image (${checked.problem})`);
  }
  const [first] = checked.value;
  const configBytes = readTarEntry(path, resolveEntry(path, byName, first.Config));
  const layers = first.Layers.map((name) => {
    const entry = resolveEntry(path, byName, name);
    const digest = /^(?:blobs\/sha256\/)?([0-9a-f]{64})(?:\.tar|\/layer\.tar)?$/.exec(entry.name)?.[1];
    return { digest: digest ? `sha256:${digest}` : null, size: entry.size };
  });
  return image(path, 'docker-archive', configBytes, layers);
}

function readOciArchive(path: string, byName: Map<string, TarEntry>): ArchiveImage {
  const { manifest } = ociImageManifest(path, byName);
  const configBytes = readTarEntry(path, blobEntry(path, byName, manifest.config.digest));
  const layers = manifest.layers.map((l) => ({ digest: l.digest, size: l.size }));
  return image(path, 'oci-archive', configBytes, layers);
}

function image(
  path: string,
  format: ArchiveImage['format'],
  configBytes: Buffer,
  layers: ArchiveLayer[],
): ArchiveImage {
  const config = parseImageConfig(configBytes);
  if ('error' in config) throw new ImageArchiveError(`${path}: ${config.error}`);
  return {
    format,
    id: `sha256:${createHash('sha256').update(configBytes).digest('hex')}`,
    config,
    layers,
    size: layers.reduce((total, layer) => total + layer.size, 0),
  };
}

/** The image manifest of an OCI layout: the first image (linux/amd64 preferred) of index.json, one index deep. */
function ociImageManifest(path: string, byName: Map<string, TarEntry>) {
  let index = parseManifest(readTarEntry(path, entryOf(path, byName, 'index.json')), null);
  for (let depth = 0; depth < 3; depth++) {
    if ('error' in index) throw new ImageArchiveError(`${path}: ${index.error}`);
    if (index.kind === 'manifest') return { manifest: index };
    const entries = index.manifests.filter((m) => m.platform?.os !== 'unknown');
    const chosen =
      entries.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ?? entries[0];
    if (!chosen) throw new ImageArchiveError(`${path}: index.json lists no image`);
    index = parseManifest(readTarEntry(path, blobEntry(path, byName, chosen.digest)), chosen.mediaType);
  }
  throw new ImageArchiveError(`${path}: indexes nested too deep`);
}

function blobEntry(path: string, byName: Map<string, TarEntry>, digest: string): TarEntry {
  const [algorithm, value] = digest.split(':');
  return resolveEntry(path, byName, `blobs/${algorithm}/${value}`);
}

/** The entry `name`, following symlinks (buildah's docker-archive links `<id>/layer.tar` to `<diff>.tar`). */
function resolveEntry(path: string, byName: Map<string, TarEntry>, name: string): TarEntry {
  let entry = entryOf(path, byName, name);
  for (let hops = 0; entry.type === '2' && hops < 8; hops++) {
    const base = entry.name.split('/').slice(0, -1);
    const parts = entry.linkName.startsWith('/') ? [] : base;
    for (const part of entry.linkName.split('/')) {
      if (part === '..') parts.pop();
      else if (part !== '.' && part !== '') parts.push(part);
    }
    entry = entryOf(path, byName, parts.join('/'));
  }
  return entry;
}

function entryOf(path: string, byName: Map<string, TarEntry>, name: string): TarEntry {
  const entry = byName.get(name.replace(/^\.?\//, ''));
  if (!entry) throw new ImageArchiveError(`${path}: ${name} is missing from the archive`);
  return entry;
}

function hex(digest: string): string {
  return digest.split(':')[1] ?? digest;
}
