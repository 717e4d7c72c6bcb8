/**
 * A repository at one commit, or a working tree, as far as configuration and policies
 * need it. The App reads the pull request's base commit through the GitHub API; the CLI
 * reads a working tree or a local commit: the same loaders serve all three.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { catFileBlob, commitOf, lsTree } from '../git.js';
import { realPathInside } from './path.js';

export interface RepositorySnapshot {
  /** Where the files come from, for messages and the report footer: `acme/web@1a2b3c4`, `working tree`. */
  label: string;
  /** A file's text, or null when it does not exist. */
  readFile(path: string): Promise<string | null>;
  /** Every file below `folder` (recursively), repository-relative with `/`. */
  listFiles(folder: string): Promise<string[]>;
}

/**
 * The working tree: every file it names (configuration, policies, waivers, keys) resolves
 * inside the repository, through no symbolic link that leaves it.
 */
export function workingTreeSnapshot(repo: string): RepositorySnapshot {
  return {
    label: 'working tree',
    async readFile(path) {
      const real = await realPathInside(repo, path);
      if (real === null) return null;
      // A FIFO would block and a device never end: configuration is a regular file.
      const info = await stat(real);
      if (!info.isFile()) throw new Error(`${path} is not a regular file`);
      return readFile(real, 'utf8');
    },
    async listFiles(folder) {
      if ((await realPathInside(repo, folder)) === null) return [];
      const entries = await readdir(join(repo, folder), { recursive: true, withFileTypes: true }).catch(
        () => [],
      );
      // A link is listed when it names a file, so that readFile refuses it if it leads outside.
      const listed = await Promise.all(
        entries.map(async (e) => {
          const full = join(e.parentPath, e.name);
          const file = e.isFile() || (e.isSymbolicLink() && (await stat(full).catch(() => null))?.isFile());
          return file ? relative(repo, full).split(sep).join('/') : null;
        }),
      );
      return listed.filter((path) => path !== null).sort();
    },
  };
}

/**
 * A commit of a local repository; `commit` must exist (see resolveLocalCommit). A missing
 * path is null, as in the working tree; any other git failure is an error, never a silent
 * fallback to the defaults.
 */
export function gitCommitSnapshot(repo: string, commit: string): RepositorySnapshot {
  const failed = (error: unknown) =>
    new Error(`git could not read ${commit} in ${repo}: ${(error as Error).message}`, { cause: error });
  return {
    label: `${commit.length > 12 ? commit.slice(0, 7) : commit}`,
    async readFile(path) {
      // ls-tree tells a missing path (no entry) from a git failure (an error), and a link's mode.
      const [entry] = await lsTree(repo, commit, { path }).catch((error) => {
        throw failed(error);
      });
      if (entry?.type !== 'blob') return null;
      // A link's blob is the path it names, which git would check out as a link: not read.
      if (entry.mode === '120000') throw new Error(`${path} is a symbolic link at ${commit}; not read`);
      return (
        await catFileBlob(repo, entry.object).catch((error) => {
          throw failed(error);
        })
      ).toString('utf8');
    },
    async listFiles(folder) {
      const entries = await lsTree(repo, commit, { path: folder, recursive: true }).catch((error) => {
        throw failed(error);
      });
      return entries.map((entry) => entry.path).sort();
    },
  };
}

/**
 * The commit `ref` names in `repo`, or null when it names none (a typo, or a branch a
 * shallow clone has not fetched). Any other git failure is an error with git's message.
 */
export async function localCommit(repo: string, ref: string): Promise<string | null> {
  return commitOf(repo, ref).catch((error) => {
    throw new Error(`${ref}: git failed in ${resolve(repo)}: ${(error as Error).message}`, { cause: error });
  });
}
