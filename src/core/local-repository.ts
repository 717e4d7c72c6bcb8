/** Target files from a local checkout or from commits of a local git repository. */
import { lstatSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { PortcullisConfig } from '../config/configuration.js';
import { UsageError } from '../errors.js';
import { catFileBlob, diffNameStatus, lsFiles, lsTree } from '../git.js';
import { isWithin, OutsideRepositoryError, realPathInside } from '../repository/path.js';
import { MAX_TARGET_BYTES, oversizedReason } from '../repository/source-file.js';
import { isTargetPath, targetSelector } from '../targets/detect.js';
import type { TargetFile } from './judge.js';
import type { ChangedFile, PullRequestFiles } from './pull-request.js';

/**
 * The container files of a working tree: every tracked or untracked-but-not-ignored file
 * that a target pattern matches, or the given PATHs (files or folders). A file named
 * explicitly is judged as a Dockerfile when its name matches no pattern.
 */
export async function workingTreeTargets(
  repo: string,
  paths: readonly string[] = [],
  targets?: PortcullisConfig['targets'],
): Promise<TargetFile[]> {
  return Promise.all((await workingTreeEntries(repo, paths, targets)).map((read) => read()));
}

/**
 * As workingTreeTargets, each file read only when the consumer takes it (the pipeline,
 * a few at a time): a large repository's files are never all in memory at once. The paths
 * are chosen before the first is read, so a bad PATH fails before any work.
 */
export async function workingTreeStream(
  repo: string,
  paths: readonly string[] = [],
  targets?: PortcullisConfig['targets'],
): Promise<AsyncIterable<TargetFile>> {
  const entries = await workingTreeEntries(repo, paths, targets);
  return (async function* () {
    for (const read of entries) yield await read();
  })();
}

/** The chosen files in path order, each with the function that reads it. */
async function workingTreeEntries(
  repo: string,
  paths: readonly string[],
  targets: PortcullisConfig['targets'] | undefined,
): Promise<(() => Promise<TargetFile>)[]> {
  const select = targetSelector(targets);
  const selected = await selectRepositoryPaths(repo, paths, select);
  return [...selected]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, { named }]) => async () => {
      // Named explicitly: judged even when ignored, and as a Dockerfile when no pattern claims it.
      const kind = select(path)?.kind ?? (named && !isTargetPath(path) ? 'dockerfile' : undefined);
      return {
        path,
        ...(kind ? { kind } : {}),
        content: await readWorkingFile(repo, path),
        repository: (other: string) => readWorkingFileIfAny(repo, other),
      };
    });
}

/**
 * The repository-relative paths a command reads: every file (tracked, or untracked and not
 * ignored) that `select` takes, or those under the given folders, or the given files, which
 * are marked `named` (the caller decides what a named file no pattern claims becomes).
 */
export async function selectRepositoryPaths(
  repo: string,
  paths: readonly string[],
  select: (path: string) => unknown,
): Promise<Map<string, { named: boolean }>> {
  // Listed only when a folder is to be walked: `git ls-files` is a child process, and
  // `check FILE` (a pre-commit hook's, an editor's) needs none.
  let listed: Promise<string[]> | undefined;
  const all = () => {
    listed ??= listFiles(repo);
    return listed;
  };
  const selected = new Map<string, { named: boolean }>();
  const add = (path: string) => {
    if (!selected.has(path) && select(path)) selected.set(path, { named: false });
  };
  if (paths.length === 0) (await all()).forEach(add);
  for (const given of paths) {
    const full = isAbsolute(given) ? given : resolve(given);
    const path = relative(repo, full).split(sep).join('/');
    if (!isWithin(repo, full)) throw new UsageError(`${given} is outside the repository ${repo}`);
    const info = await stat(full).catch(() => null);
    if (!info) throw new UsageError(`${given}: no such file or directory`);
    if (info.isDirectory()) {
      const prefix = path === '' ? '' : `${path}/`;
      (await all()).filter((file) => file.startsWith(prefix)).forEach(add);
    } else {
      selected.set(path, { named: true });
    }
  }
  return selected;
}

/**
 * A working-tree file's bytes, read only when it is a regular file inside the repository:
 * a symbolic link (or a linked folder) that leads out of it makes the target unjudgeable.
 */
export async function readWorkingFile(repo: string, path: string): Promise<TargetFile['content']> {
  try {
    const full = (await realPathInside(repo, path)) ?? join(repo, path);
    const info = await stat(full);
    // A FIFO or a device would block or never end.
    if (!info.isFile()) return { unavailable: 'not a regular file' };
    // Reading a huge file only to skip it would waste memory: say so from its size.
    if (info.size > MAX_TARGET_BYTES) {
      return { unavailable: oversizedReason(info.size) };
    }
    return await readFile(full);
  } catch (error) {
    if (error instanceof OutsideRepositoryError) return { unavailable: error.message };
    return { unavailable: `unreadable: ${(error as Error).message}` };
  }
}

/** As readWorkingFile, for a file that may well not exist (a `.dockerignore`): null when it does not. */
export async function readWorkingFileIfAny(
  repo: string,
  path: string,
): Promise<TargetFile['content'] | null> {
  // Most asked-for files (a Dockerfile's .dockerignore) are absent: a stat that does not
  // throw says so, where a failed realpath cost ~0.2 ms of the main thread per file.
  if (!lstatSync(join(repo, path), { throwIfNoEntry: false })) return null;
  try {
    if ((await realPathInside(repo, path)) === null) return null;
  } catch (error) {
    return { unavailable: (error as Error).message };
  }
  return readWorkingFile(repo, path);
}

/** Repository-relative paths: git's view when it is a repository, else a walk of the folder. */
export async function listFiles(repo: string): Promise<string[]> {
  try {
    return await lsFiles(repo, { tracked: true });
  } catch {
    const entries = await readdir(repo, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => relative(repo, join(e.parentPath, e.name)).split(sep).join('/'))
      .filter((p) => !/(^|\/)(\.git|node_modules)\//.test(p));
  }
}

/** Files changed between two commits, as a pull request from `base` to `head` shows them. */
export async function changedFilesBetween(repo: string, base: string, head: string): Promise<ChangedFile[]> {
  return (await diffNameStatus(repo, base, head)).map(({ status: code, path }) => {
    const status = code === 'A' ? 'added' : code === 'D' ? 'removed' : code === 'M' ? 'modified' : 'changed';
    return { path, status };
  });
}

/** A file's bytes at a commit, with the same size limit as the working tree. */
export async function readFileAtCommit(
  repo: string,
  commit: string,
  path: string,
): Promise<TargetFile['content']> {
  try {
    const [entry] = await lsTree(repo, commit, { path });
    if (!entry) return { unavailable: `unreadable at ${commit}: ${path} does not exist there` };
    // A link's blob is the path it names: a link is no file to judge, as in the App.
    if (entry.mode === '120000') return { unavailable: 'not a regular file (a symlink entry)' };
    if (entry.type !== 'blob') return { unavailable: 'not a regular file' };
    const size = entry.size ?? 0;
    if (size > MAX_TARGET_BYTES) {
      return { unavailable: oversizedReason(size) };
    }
    return new Uint8Array(await catFileBlob(repo, entry.object));
  } catch (error) {
    return { unavailable: `unreadable at ${commit}: ${(error as Error).message}` };
  }
}

/** A pull request from `base` to `head` in a local repository, for the demo and the CLI. */
export function localPullRequestFiles(repo: string, base: string, head: string): PullRequestFiles {
  return {
    changedFiles: () => changedFilesBetween(repo, base, head),
    readHeadFile: (path) => readFileAtCommit(repo, head, path),
    async readHeadFileIfAny(path) {
      const [entry] = await lsTree(repo, head, { path }).catch(() => [undefined]);
      return entry ? readFileAtCommit(repo, head, path) : null;
    },
  };
}
