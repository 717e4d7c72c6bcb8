/**
 * Which repository judges the PATHs a command names. `portcullis check /tmp/x/Dockerfile`
 * works as Hadolint's `hadolint /tmp/x/Dockerfile` does: the file is judged with the
 * configuration of the git working tree it is in, or with the default configuration when
 * it is in none. `--repo DIR` names the repository instead, and every PATH must be in it.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { isWithin } from '../repository/path.js';
import { UsageError } from './command.js';

export interface FileLocation {
  /** The folder the paths are relative to: the repository, or (in none) the folder the PATHs are in. */
  root: string;
  /** Whether `root` is a repository whose configuration, policies and waivers judge; else the defaults do. */
  repository: boolean;
  /** The PATHs to read (as given: absolute, or relative to the current folder); none for every file of `root`. */
  paths: string[];
  /**
   * A root-relative path as the user names it from the current folder (absolute when
   * outside it); null when the two are the same (the root is the current folder).
   */
  shown: ((path: string) => string) | null;
}

/** The git working tree `folder` is in (a `.git` folder, or the `.git` file of a worktree or submodule). */
export function workingTreeOf(folder: string): string | null {
  for (let dir = folder; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

/** The folder a PATH is judged from: itself when it is a folder, else the folder it is in. */
function folderOf(path: string): string {
  const info = statSync(path, { throwIfNoEntry: false });
  return info?.isDirectory() ? path : dirname(path);
}

/** The deepest folder that holds every one of `folders`. */
function commonFolder(folders: readonly string[]): string {
  let common = folders[0] as string;
  for (const folder of folders) while (!isWithin(common, folder)) common = dirname(common);
  return common;
}

/**
 * Where `fix --write` may change files: only in the repository of the current folder (or
 * `--repo`). Reading anywhere is harmless; writing is not: a PATH that leads out (`../x`, an
 * absolute path, a symlinked folder a repository ships) must not become a write to a file
 * the repository does not hold, whoever passes the names (a hook, a script, a user).
 */
export function assertWritable(repo: string | undefined, where: FileLocation): void {
  if (repo !== undefined) return;
  const home = workingTreeOf(resolve('.'));
  if (where.repository && where.root === home) return;
  throw new UsageError(
    home
      ? `fix --write changes files only in the repository of the current folder (${home}): a PATH is outside it`
      : 'fix --write changes files only in a git repository: run it in one, or name it with --repo',
  );
}

/**
 * Synchronous, and a few `stat`s at most: it runs before the policy sandbox starts, on the
 * way of every pre-commit hook call.
 */
export function locateFiles(repo: string | undefined, paths: readonly string[]): FileLocation {
  if (repo !== undefined) return { root: repo, repository: true, paths: [...paths], shown: null };
  const cwd = resolve('.');
  const named = paths.length > 0 ? paths.map((path) => resolve(path)) : [cwd];
  const folders = named.map(folderOf);
  const trees = [...new Set(folders.map(workingTreeOf))];
  if (trees.length > 1) {
    const [first, second] = trees.map((tree) => tree ?? 'no repository');
    throw new UsageError(
      `the PATHs are in different repositories (${first} and ${second}): run portcullis once for each`,
    );
  }
  const tree = trees[0] ?? null;
  const root = tree ?? commonFolder(folders);
  const shown =
    root === cwd
      ? null
      : (path: string) => {
          const full = join(root, path);
          return isWithin(cwd, full) ? relative(cwd, full).split(sep).join('/') || '.' : full;
        };
  // Every file of the current folder's repository is `check` with no PATH, as before.
  const rest = paths.length === 0 && root !== cwd ? [cwd] : [...paths];
  return { root, repository: tree !== null, paths: rest, shown };
}
