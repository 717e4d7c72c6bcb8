/**
 * A repository at one commit, or a working tree, as far as configuration and policies
 * need it. The App reads the pull request's base commit through the GitHub API; the CLI
 * reads a working tree or a local commit: the same loaders serve all three.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface RepositorySnapshot {
  /** Where the files come from, for messages and the report footer: `acme/web@1a2b3c4`, `working tree`. */
  label: string;
  /** A file's text, or null when it does not exist. */
  readFile(path: string): Promise<string | null>;
  /** Every file below `folder` (recursively), repository-relative with `/`. */
  listFiles(folder: string): Promise<string[]>;
}

export function workingTreeSnapshot(repo: string): RepositorySnapshot {
  return {
    label: 'working tree',
    async readFile(path) {
      return readFile(join(repo, path), 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
        throw error;
      });
    },
    async listFiles(folder) {
      const entries = await readdir(join(repo, folder), { recursive: true, withFileTypes: true }).catch(
        () => [],
      );
      return entries
        .filter((e) => e.isFile())
        .map((e) => relative(repo, join(e.parentPath, e.name)).split(sep).join('/'))
        .sort();
    },
  };
}

export function gitCommitSnapshot(repo: string, commit: string): RepositorySnapshot {
  const git = (...args: string[]) => run('git', ['-C', repo, ...args], { maxBuffer: 64 << 20 });
  return {
    label: `${commit.length > 12 ? commit.slice(0, 7) : commit}`,
    async readFile(path) {
      try {
        return (await git('cat-file', 'blob', `${commit}:${path}`)).stdout;
      } catch {
        return null;
      }
    },
    async listFiles(folder) {
      const { stdout } = await git('ls-tree', '-r', '-z', '--name-only', commit, '--', folder).catch(() => ({
        stdout: '',
      }));
      return stdout.split('\0').filter(Boolean).sort();
    },
  };
}
