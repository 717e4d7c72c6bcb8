/**
 * The simulator's git object store: blobs, trees and commits with the object ids git itself
 * computes (SHA-1 of `<type> <size>\0<body>`), so that the SHAs the App reads from a tree listing,
 * a pull request and a webhook agree the way they do on GitHub, and a test can compare them with
 * `git hash-object`. A fork shares its parent's store, as a fork network does on GitHub (a
 * fork's commits can be read through the parent's API).
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** A file as a test gives it: text, bytes, or a symbolic link to a path. */
export type FileContent = string | Uint8Array | { symlink: string };

export interface TreeEntry {
  /** Git's mode: 100644 file, 100755 executable, 120000 symlink, 40000 folder. */
  mode: string;
  name: string;
  type: 'blob' | 'tree';
  sha: string;
}

export interface CommitObject {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  /** ISO time of the commit (author and committer alike). */
  date: string;
}

/** A file of a flattened commit. */
export interface FlatFile {
  mode: string;
  sha: string;
}

const AUTHOR = 'Octo Simulator <simulator@github.test>';

function objectId(type: string, body: Buffer): string {
  return createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');
}

export class GitStore {
  readonly blobs = new Map<string, Buffer>();
  readonly trees = new Map<string, TreeEntry[]>();
  readonly commits = new Map<string, CommitObject>();
  readonly #flat = new Map<string, Map<string, FlatFile>>();

  writeBlob(content: string | Uint8Array): string {
    const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
    const sha = objectId('blob', bytes);
    this.blobs.set(sha, bytes);
    return sha;
  }

  /** Git orders tree entries by name, a folder's name compared as if it ended in `/`. */
  writeTree(entries: TreeEntry[]): string {
    const key = (e: TreeEntry) => (e.type === 'tree' ? `${e.name}/` : e.name);
    const sorted = [...entries].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const body = Buffer.concat(
      sorted.flatMap((e) => [Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.sha, 'hex')]),
    );
    const sha = objectId('tree', body);
    this.trees.set(sha, sorted);
    return sha;
  }

  /** Trees for a flat map of paths, bottom up; returns the root tree's id. */
  writeFlatTree(files: Map<string, FlatFile>): string {
    interface Folder {
      files: TreeEntry[];
      folders: Map<string, Folder>;
    }
    const root: Folder = { files: [], folders: new Map() };
    for (const [path, file] of files) {
      const parts = path.split('/');
      const name = parts.pop() as string;
      let folder = root;
      for (const part of parts) {
        let next = folder.folders.get(part);
        if (!next) {
          next = { files: [], folders: new Map() };
          folder.folders.set(part, next);
        }
        folder = next;
      }
      folder.files.push({ mode: file.mode, name, type: 'blob', sha: file.sha });
    }
    const write = (folder: Folder): string =>
      this.writeTree([
        ...folder.files,
        ...[...folder.folders].map(([name, sub]) => ({
          mode: '40000',
          name,
          type: 'tree' as const,
          sha: write(sub),
        })),
      ]);
    return write(root);
  }

  writeCommit(tree: string, parents: string[], message: string, date = new Date()): string {
    // Second precision, as git records it, so the id does not depend on milliseconds only.
    const seconds = Math.floor(date.getTime() / 1000);
    const signature = `${AUTHOR} ${seconds} +0000`;
    const body = Buffer.from(
      [
        `tree ${tree}`,
        ...parents.map((p) => `parent ${p}`),
        `author ${signature}`,
        `committer ${signature}`,
        '',
        message.endsWith('\n') ? message : `${message}\n`,
      ].join('\n'),
    );
    const sha = objectId('commit', body);
    this.commits.set(sha, {
      sha,
      tree,
      parents,
      message,
      date: new Date(seconds * 1000).toISOString().replace('.000Z', 'Z'),
    });
    return sha;
  }

  /** Stores the files and a commit of them; content `null` is no file (for `change`). */
  commitFiles(files: Record<string, FileContent>, parents: string[], message: string): string {
    const flat = new Map<string, FlatFile>();
    for (const [path, content] of Object.entries(files))
      flat.set(normalizePath(path), this.flatFile(content));
    return this.writeCommit(this.writeFlatTree(flat), parents, message);
  }

  /** A new commit on `parent` with some files changed (`null` removes one). */
  change(parent: string, changes: Record<string, FileContent | null>, message: string): string {
    const flat = new Map(this.flatten(parent) ?? []);
    for (const [path, content] of Object.entries(changes)) {
      if (content === null) flat.delete(normalizePath(path));
      else flat.set(normalizePath(path), this.flatFile(content));
    }
    return this.writeCommit(this.writeFlatTree(flat), [parent], message);
  }

  flatFile(content: FileContent): FlatFile {
    if (typeof content === 'object' && 'symlink' in content) {
      return { mode: '120000', sha: this.writeBlob(content.symlink) };
    }
    return { mode: '100644', sha: this.writeBlob(content) };
  }

  /** The tree id of a commit or tree id, or undefined. */
  treeOf(sha: string): string | undefined {
    if (this.trees.has(sha)) return sha;
    return this.commits.get(sha)?.tree;
  }

  /** Every file of a commit (or tree) by path; cached, since objects never change. */
  flatten(sha: string): Map<string, FlatFile> | undefined {
    const tree = this.treeOf(sha);
    if (!tree) return undefined;
    let flat = this.#flat.get(tree);
    if (!flat) {
      flat = new Map();
      const walk = (id: string, prefix: string) => {
        for (const entry of this.trees.get(id) ?? []) {
          if (entry.type === 'tree') walk(entry.sha, `${prefix}${entry.name}/`);
          else flat?.set(`${prefix}${entry.name}`, { mode: entry.mode, sha: entry.sha });
        }
      };
      walk(tree, '');
      this.#flat.set(tree, flat);
    }
    return flat;
  }

  /** A tree listing as `git ls-tree [-r -t]` gives it: paths relative to the tree. */
  listTree(tree: string, recursive: boolean): (TreeEntry & { path: string; size?: number })[] {
    const out: (TreeEntry & { path: string; size?: number })[] = [];
    const walk = (id: string, prefix: string) => {
      for (const entry of this.trees.get(id) ?? []) {
        const path = `${prefix}${entry.name}`;
        out.push({
          ...entry,
          path,
          ...(entry.type === 'blob' ? { size: this.blobs.get(entry.sha)?.length ?? 0 } : {}),
        });
        if (recursive && entry.type === 'tree') walk(entry.sha, `${path}/`);
      }
    };
    walk(tree, '');
    return out;
  }

  /** Every ancestor of a commit, itself included, nearest first. */
  ancestors(sha: string): string[] {
    const seen = new Set<string>();
    const queue = [sha];
    while (queue.length > 0) {
      const next = queue.shift() as string;
      if (seen.has(next) || !this.commits.has(next)) continue;
      seen.add(next);
      queue.push(...(this.commits.get(next)?.parents ?? []));
    }
    return [...seen];
  }

  /** The nearest common ancestor of two commits (git merge-base, for the simple histories tests build). */
  mergeBase(a: string, b: string): string | undefined {
    const ofA = new Set(this.ancestors(a));
    return this.ancestors(b).find((sha) => ofA.has(sha));
  }

  /**
   * A gzipped tar of a commit, as GitHub's tarball download serves it: one top folder
   * `<owner>-<repo>-<short sha>/`. Written here (POSIX ustar: a 512-byte header per member)
   * because no tar library is among the project's dependencies and a test needs only this.
   */
  tarball(sha: string, top: string): Buffer {
    const blocks: Buffer[] = [];
    const header = (name: string, size: number, type: '0' | '2' | '5', mode: string, link = '') => {
      const h = Buffer.alloc(512);
      const put = (text: string, at: number, length: number) => h.write(text.slice(0, length), at, 'utf8');
      const octal = (n: number, length: number) => n.toString(8).padStart(length - 1, '0');
      // ustar splits long names into prefix (155) and name (100) at a slash.
      let prefix = '';
      let base = name;
      if (Buffer.byteLength(name) > 100) {
        const cut = name.lastIndexOf('/', 155);
        prefix = name.slice(0, cut);
        base = name.slice(cut + 1);
      }
      put(base, 0, 100);
      put(mode, 100, 8);
      put(octal(0, 8), 108, 8);
      put(octal(0, 8), 116, 8);
      put(octal(size, 12), 124, 12);
      put(octal(0, 12), 136, 12);
      h.fill(' ', 148, 156);
      put(type, 156, 1);
      put(link, 157, 100);
      put('ustar\u000000', 257, 8);
      put(prefix, 345, 155);
      let sum = 0;
      for (const byte of h) sum += byte;
      put(`${octal(sum, 7)}\u0000`, 148, 8);
      blocks.push(h);
    };
    header(`${top}/`, 0, '5', '0000755');
    const tree = this.treeOf(sha);
    for (const entry of tree ? this.listTree(tree, true) : []) {
      const name = `${top}/${entry.path}`;
      if (entry.type === 'tree') {
        header(`${name}/`, 0, '5', '0000755');
      } else if (entry.mode === '120000') {
        header(name, 0, '2', '0000777', this.blobs.get(entry.sha)?.toString('utf8') ?? '');
      } else {
        const bytes = this.blobs.get(entry.sha) ?? Buffer.alloc(0);
        header(name, bytes.length, '0', entry.mode === '100755' ? '0000755' : '0000644');
        blocks.push(bytes, Buffer.alloc((512 - (bytes.length % 512)) % 512));
      }
    }
    blocks.push(Buffer.alloc(1024));
    return gzipSync(Buffer.concat(blocks));
  }
}

function normalizePath(path: string): string {
  const clean = path.replace(/^\/+|\/+$/g, '');
  if (!clean || clean.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new Error(`not a path a git tree can hold: ${JSON.stringify(path)}`);
  }
  return clean;
}
