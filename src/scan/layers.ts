/**
 * What each layer of an image archive adds, and what later layers throw away: the bytes a
 * layer ships that a later layer deletes (an OCI whiteout `.wh.name`, or an opaque folder
 * `.wh..wh..opq`) or overwrites (a file at the same path), the image's efficiency score as
 * dive defines it, and the build tools and package caches left in the final filesystem.
 *
 * Layers are read a tar header at a time at their offsets in the archive (the data is never
 * read); a compressed layer is first inflated to a file beside the archive, so a layer is
 * never held in memory. Only file names and sizes are kept, one tree node per path.
 */
import { closeSync, createReadStream, createWriteStream, openSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { layerBlobs } from './archive.js';
import { listTar, type TarEntry } from './tar.js';

export interface LayerWaste {
  /** Bytes of regular files the layer adds. */
  files_bytes: number;
  /** Bytes of those files a later layer deletes or overwrites: they ship but are never seen. */
  wasted_bytes: number;
  /** The later layer that deletes or overwrites most of them; null when none does. */
  removed_by: number | null;
}

export interface BuildToolFile {
  /** Path in the final filesystem, without a leading slash. */
  path: string;
  /** `gcc`, `make`, `git`, `apt cache` … */
  tool: string;
  kind: 'compiler' | 'build' | 'vcs' | 'package-cache';
  /** Bytes (for a cache: of every file under it). */
  bytes: number;
  /** The layer that added it (for a cache: the one that added most of its bytes). */
  layer_index: number;
}

export interface LayerAnalysis {
  layers: LayerWaste[];
  /** dive's score: the sum over paths of their smallest size over the sum of all their sizes. */
  efficiency: number;
  /** Sum of the layers' `wasted_bytes`. */
  wasted_bytes: number;
  build_tools: BuildToolFile[];
}

export class LayerAnalysisError extends Error {}

/**
 * Programs that build rather than run, as they are installed by distribution packages and
 * official images. A path is checked in each of the folders (merged-/usr or not).
 */
const TOOL_FOLDERS = ['usr/bin', 'bin', 'usr/local/bin'];
const TOOLS: { name: string; tool: string; kind: BuildToolFile['kind'] }[] = [
  { name: 'gcc', tool: 'gcc', kind: 'compiler' },
  { name: 'cc', tool: 'cc', kind: 'compiler' },
  { name: 'g++', tool: 'g++', kind: 'compiler' },
  { name: 'c++', tool: 'c++', kind: 'compiler' },
  { name: 'clang', tool: 'clang', kind: 'compiler' },
  { name: 'rustc', tool: 'rustc', kind: 'compiler' },
  { name: 'javac', tool: 'javac', kind: 'compiler' },
  { name: 'make', tool: 'make', kind: 'build' },
  { name: 'cmake', tool: 'cmake', kind: 'build' },
  { name: 'cargo', tool: 'cargo', kind: 'build' },
  { name: 'mvn', tool: 'mvn', kind: 'build' },
  { name: 'gradle', tool: 'gradle', kind: 'build' },
  { name: 'git', tool: 'git', kind: 'vcs' },
];
const TOOL_PATHS: { path: string; tool: string; kind: BuildToolFile['kind'] }[] = [
  ...TOOLS.flatMap((t) => TOOL_FOLDERS.map((folder) => ({ ...t, path: `${folder}/${t.name}` }))),
  { path: 'usr/local/go/bin/go', tool: 'go', kind: 'compiler' },
];
/** Package managers' download caches: reported when they hold any bytes in the final image. */
const CACHE_FOLDERS: { path: string; tool: string }[] = [
  { path: 'var/cache/apt/archives', tool: 'apt cache' },
  { path: 'var/lib/apt/lists', tool: 'apt lists' },
  { path: 'var/cache/apk', tool: 'apk cache' },
  { path: 'var/cache/dnf', tool: 'dnf cache' },
  { path: 'var/cache/yum', tool: 'yum cache' },
  { path: 'root/.cache/pip', tool: 'pip cache' },
  { path: 'root/.npm/_cacache', tool: 'npm cache' },
  { path: 'usr/local/share/.cache/yarn', tool: 'yarn cache' },
  { path: 'root/.cache/go-build', tool: 'go build cache' },
];

interface Node {
  /** Set for a folder. */
  children: Map<string, Node> | null;
  size: number;
  layer: number;
}

interface LayerEntry {
  entry: TarEntry;
  /** The path it adds, or the path a whiteout deletes, or the folder an opaque marker empties. */
  path: string;
  kind: 'file' | 'folder' | 'whiteout' | 'opaque';
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/** Reads every layer of the docker-archive or oci-archive at `archive`; `workDir` holds inflated layers one at a time. */
export async function analyseLayers(archive: string, workDir: string): Promise<LayerAnalysis> {
  const blobs = layerBlobs(archive);
  const root: Node = { children: new Map(), size: 0, layer: -1 };
  const layers: (LayerWaste & { removedBy: Map<number, number> })[] = [];
  // dive's bookkeeping: per path, the sum of its sizes over the layers it appears in and the smallest.
  const efficiency = new Map<string, { cumulative: number; minimum: number }>();

  for (const [index, blob] of blobs.entries()) {
    const entries = await withLayerTar(archive, blob, workDir, index, (file, range) => listTar(file, range));
    const layer = { files_bytes: 0, wasted_bytes: 0, removed_by: null, removedBy: new Map<number, number>() };
    layers.push(layer);
    const remove = (node: Node) =>
      visit(node, (n) => {
        if (n.children || n.layer < 0 || n.layer >= index || n.size === 0) return;
        const owner = layers[n.layer] as (typeof layers)[number];
        owner.wasted_bytes += n.size;
        owner.removedBy.set(index, (owner.removedBy.get(index) ?? 0) + n.size);
      });

    const parsed = entries.flatMap((entry): LayerEntry[] => {
      const path = normalise(entry.name);
      if (path === null) return [];
      const slash = path.lastIndexOf('/');
      const base = path.slice(slash + 1);
      const folder = slash < 0 ? '' : path.slice(0, slash);
      if (base === OPAQUE) return [{ entry, path: folder, kind: 'opaque' }];
      if (base.startsWith(WHITEOUT)) {
        const target = (folder ? `${folder}/` : '') + base.slice(WHITEOUT.length);
        return [{ entry, path: target, kind: 'whiteout' }];
      }
      return [{ entry, path, kind: entry.type === '5' ? 'folder' : 'file' }];
    });

    // dive visits the leaves of the layer's own tree: a path no other path of the layer lies under.
    const parents = new Set<string>();
    for (const { path, kind } of parsed) {
      const parts = path.split('/');
      for (let i = 1; i < (kind === 'opaque' ? parts.length + 1 : parts.length); i++) {
        parents.add(parts.slice(0, i).join('/'));
      }
    }
    for (const { entry, path, kind } of parsed) {
      if (kind === 'opaque' || parents.has(path)) continue;
      let size = 0;
      if (kind === 'whiteout') {
        const before = find(root, path);
        if (before?.children)
          visit(before, (n) => {
            size += n.size;
          });
      } else size = entry.size;
      const data = efficiency.get(path);
      if (data) {
        data.cumulative += size;
        data.minimum = Math.min(data.minimum, size);
      } else efficiency.set(path, { cumulative: size, minimum: size });
    }

    // Whiteouts hide what lower layers put there; this layer's own entries are added after.
    for (const { path, kind } of parsed) {
      if (kind === 'whiteout') {
        const node = detach(root, path);
        if (node) remove(node);
      } else if (kind === 'opaque') {
        const node = find(root, path);
        if (node?.children) {
          for (const child of node.children.values()) remove(child);
          node.children.clear();
        }
      }
    }
    for (const { entry, path, kind } of parsed) {
      if (kind === 'whiteout' || kind === 'opaque') continue;
      const parts = path.split('/');
      let parent = root;
      for (const part of parts.slice(0, -1)) {
        let next = parent.children?.get(part);
        if (!next?.children) {
          if (next) remove(next);
          next = { children: new Map(), size: 0, layer: index };
          parent.children?.set(part, next);
        }
        parent = next;
      }
      const name = parts[parts.length - 1] as string;
      const existing = parent.children?.get(name);
      if (kind === 'folder') {
        if (existing?.children) continue;
        if (existing) remove(existing);
        parent.children?.set(name, { children: new Map(), size: 0, layer: index });
        continue;
      }
      if (existing) remove(existing);
      const size = isRegular(entry) ? entry.size : 0;
      layer.files_bytes += size;
      parent.children?.set(name, { children: null, size, layer: index });
    }
  }

  let minimum = 0;
  let discovered = 0;
  for (const data of efficiency.values()) {
    minimum += data.minimum;
    discovered += data.cumulative;
  }
  const out = layers.map(({ removedBy, ...layer }) => {
    let most: [number, number] | null = null;
    for (const pair of removedBy) if (!most || pair[1] > most[1]) most = pair;
    return { ...layer, removed_by: most ? most[0] : null };
  });
  return {
    layers: out,
    efficiency: discovered === 0 ? 1 : minimum / discovered,
    wasted_bytes: out.reduce((sum, layer) => sum + layer.wasted_bytes, 0),
    build_tools: buildTools(root),
  };
}

function buildTools(root: Node): BuildToolFile[] {
  const found: BuildToolFile[] = [];
  for (const { path, tool, kind } of TOOL_PATHS) {
    const node = find(root, path);
    if (node && !node.children) found.push({ path, tool, kind, bytes: node.size, layer_index: node.layer });
  }
  for (const { path, tool } of CACHE_FOLDERS) {
    const node = find(root, path);
    if (!node?.children) continue;
    const byLayer = new Map<number, number>();
    let bytes = 0;
    visit(node, (n) => {
      if (n.children || n.size === 0) return;
      bytes += n.size;
      byLayer.set(n.layer, (byLayer.get(n.layer) ?? 0) + n.size);
    });
    if (bytes === 0) continue;
    const [layer] = [...byLayer].reduce((a, b) => (b[1] > a[1] ? b : a));
    found.push({ path, tool, kind: 'package-cache', bytes, layer_index: layer });
  }
  return found;
}

/** A tar path as a key: no `./` or `/` in front, no `/` behind, no `.`/`..` (those are refused: null). */
function normalise(name: string): string | null {
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.includes('..')) return null;
  return parts.join('/');
}

function isRegular(entry: TarEntry): boolean {
  return entry.type === '0' || entry.type === '\0' || entry.type === '7';
}

function find(root: Node, path: string): Node | undefined {
  let node: Node | undefined = root;
  for (const part of path.split('/')) node = node?.children?.get(part);
  return node;
}

function detach(root: Node, path: string): Node | undefined {
  const parts = path.split('/');
  const parent = find(root, parts.slice(0, -1).join('/')) ?? (parts.length === 1 ? root : undefined);
  const name = parts[parts.length - 1] as string;
  const node = parent?.children?.get(name);
  if (node) parent?.children?.delete(name);
  return node;
}

/** Every node of the subtree, iteratively: a deep tree must not exhaust the stack. */
function visit(node: Node, each: (node: Node) => void): void {
  const stack = [node];
  for (let current = stack.pop(); current; current = stack.pop()) {
    each(current);
    if (current.children) stack.push(...current.children.values());
  }
}

const GZIP = [0x1f, 0x8b];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];

/** Calls `read` with a file and byte range holding the layer's uncompressed tar. */
async function withLayerTar<T>(
  archive: string,
  blob: TarEntry,
  workDir: string,
  index: number,
  read: (file: string, range: { start: number; end: number }) => T,
): Promise<T> {
  const magic = Buffer.alloc(4);
  const fd = openSync(archive, 'r');
  try {
    readSync(fd, magic, 0, Math.min(4, blob.size), blob.offset);
  } finally {
    closeSync(fd);
  }
  const starts = (bytes: number[]) => bytes.every((byte, i) => magic[i] === byte);
  if (!starts(GZIP) && !starts(ZSTD)) {
    try {
      return read(archive, { start: blob.offset, end: blob.offset + blob.size });
    } catch (error) {
      throw new LayerAnalysisError(`layer ${index} could not be read: ${(error as Error).message}`);
    }
  }
  // Node 20 has no zstd; later versions do.
  const zstd = (zlib as unknown as { createZstdDecompress?: () => NodeJS.ReadWriteStream })
    .createZstdDecompress;
  if (starts(ZSTD) && !zstd)
    throw new LayerAnalysisError(`layer ${index} is zstd-compressed, which this Node cannot read`);
  const file = join(workDir, `layer-${index}.tar`);
  try {
    await pipeline(
      createReadStream(archive, { start: blob.offset, end: blob.offset + blob.size - 1 }),
      starts(GZIP) ? zlib.createGunzip() : (zstd as () => NodeJS.ReadWriteStream)(),
      createWriteStream(file),
    );
    return read(file, { start: 0, end: Number.POSITIVE_INFINITY });
  } catch (error) {
    if (error instanceof LayerAnalysisError) throw error;
    throw new LayerAnalysisError(`layer ${index} could not be read: ${(error as Error).message}`);
  } finally {
    rmSync(file, { force: true });
  }
}
