/**
 * A PolicyBundle is a set of Rego and data files with a content hash: what gets compiled,
 * and the cache key of the compiled result. Sources are held in memory so that a bundle
 * can come from disk, from git at a given commit, or from the GitHub API alike.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface PolicyBundle {
  /** Relative path (forward slashes) → file content. Rego, data.json/data.yaml files. */
  files: ReadonlyMap<string, string>;
  /** sha256 over paths and contents: equal bundles compile to the same WebAssembly. */
  hash: string;
  /** Where the files come from, prefixed to paths in error messages (e.g. `policies`). */
  origin: string;
}

const POLICY_FILE = /(\.rego|(^|\/)data\.(json|ya?ml))$/;

export function policyBundle(files: ReadonlyMap<string, string>, origin = ''): PolicyBundle {
  const hash = createHash('sha256');
  for (const path of [...files.keys()].sort()) {
    hash.update(`${path}\0${files.get(path)}\0`);
  }
  return { files, hash: hash.digest('hex'), origin };
}

/**
 * Reads every policy file below `dir`, skipping `_test.rego` files (they are for `opa test`).
 * Synchronously: it reads the built-in pack, once per process, from the package's own folder,
 * and a hundred awaited reads cost a cold `portcullis check` 75–95 ms of waiting against ~5 ms.
 */
export function loadPolicyDirectory(dir: string): PolicyBundle {
  const files = new Map<string, string>();
  // Each folder's path below `dir`, worked out once: the pack is a hundred files in a few folders.
  const folders = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !POLICY_FILE.test(entry.name) || entry.name.endsWith('_test.rego')) continue;
    let folder = folders.get(entry.parentPath);
    if (folder === undefined) {
      folder = relative(dir, entry.parentPath).split(sep).join('/');
      folders.set(entry.parentPath, folder);
    }
    files.set(
      folder ? `${folder}/${entry.name}` : entry.name,
      readFileSync(join(entry.parentPath, entry.name), 'utf8'),
    );
  }
  return policyBundle(files, relative(process.cwd(), dir) || '.');
}
