/**
 * Every git command Portcullis runs, in one place and run one way: no shell, revisions
 * after `--end-of-options` and paths after `--` (so a ref or a file named `-x` is never an
 * option), literal pathspecs (so `*` in a file name is no glob), and a fixed environment.
 *
 * The environment keeps only what git needs to find itself, the user's configuration and
 * language: never the App's secrets (a repository's hooks or filters, if git ever ran one,
 * would see them), never the system configuration, never a pager or a password prompt, and
 * no GIT_DIR or GIT_WORK_TREE inherited from a hook that would point git elsewhere.
 */

import { childProcess } from './child-process.js';
import { settings } from './settings.js';

/** Output a git command may write before it is stopped: larger than any listing we read. */
const MAX_OUTPUT = 256 << 20;

function gitEnvironment(): NodeJS.ProcessEnv {
  const s = settings();
  // The variables passed through; everything else is dropped.
  const passed: Record<string, string | undefined> = {
    PATH: s.path,
    HOME: s.home,
    XDG_CONFIG_HOME: s.xdgConfigHome,
    TMPDIR: s.tmpDir,
    LANG: s.lang,
    LANGUAGE: s.language,
    LC_ALL: s.lcAll,
    LC_MESSAGES: s.lcMessages,
    LC_CTYPE: s.lcCtype,
  };
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(passed)) if (value !== undefined) env[name] = value;
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', PAGER: 'cat' };
}

/** A git command that failed: the message is git's own first line on stderr. */
export class GitError extends Error {
  override name = 'GitError';
  constructor(
    message: string,
    /** git's exit status, or null when it did not exit (not found, killed, too much output). */
    readonly exitCode: number | null,
    /** Everything git wrote to stderr. */
    readonly stderr: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Runs `git -C repo args…`, feeding `input` on stdin; its stdout, or a GitError. */
function git(repo: string, args: readonly string[], input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = childProcess().execFile(
      'git',
      ['-C', repo, ...args],
      { encoding: 'buffer', maxBuffer: MAX_OUTPUT, env: gitEnvironment() },
      (error, stdout, stderrBytes) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        const stderr = stderrBytes.toString('utf8');
        const code = typeof error.code === 'number' ? error.code : null;
        const first = (stderr.trim() || error.message).split('\n')[0] ?? '';
        reject(new GitError(first, code, stderr, { cause: error }));
      },
    );
    // git may exit before reading all of its input (a failure): its status tells, not EPIPE.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}

const lines = (out: Buffer) => out.toString('utf8').split('\0').filter(Boolean);

/**
 * The full commit id `ref` names in `repo`, or null when it names no commit (a typo, or a
 * branch a shallow clone has not fetched). Any other failure (no repository, a broken
 * object store) is a GitError with git's message.
 */
export async function commitOf(repo: string, ref: string): Promise<string | null> {
  try {
    const out = await git(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
    return out.toString('utf8').trim();
  } catch (error) {
    // rev-parse --verify --quiet exits 1, silently, for a name that is no commit.
    if (error instanceof GitError && error.exitCode === 1 && !error.stderr.trim()) return null;
    throw error;
  }
}

/** The top folder of the working tree that contains `dir`. */
export async function topLevel(dir: string): Promise<string> {
  return (await git(dir, ['rev-parse', '--show-toplevel'])).toString('utf8').trim();
}

/** The best common ancestor of two commits, or null when their histories are unrelated. */
export async function mergeBase(repo: string, a: string, b: string): Promise<string | null> {
  try {
    return (await git(repo, ['merge-base', '--end-of-options', a, b])).toString('utf8').trim();
  } catch (error) {
    // merge-base exits 1, silently, when there is none.
    if (error instanceof GitError && error.exitCode === 1 && !error.stderr.trim()) return null;
    throw error;
  }
}

/**
 * Repository-relative paths of the working tree: tracked files (`tracked`) and untracked
 * files that are not ignored, without duplicates (a conflicted file is listed per stage).
 */
export async function lsFiles(repo: string, { tracked }: { tracked: boolean }): Promise<string[]> {
  const args = ['ls-files', '--others', '--exclude-standard', '-z', ...(tracked ? ['--cached'] : [])];
  return [...new Set(lines(await git(repo, args)))];
}

/** One changed file: git's status letter (A, M, D, T, U…) and its repository-relative path. */
export interface DiffEntry {
  status: string;
  path: string;
}

/**
 * Files changed from `base` to `head` as a pull request shows them (`base...head`: since
 * their merge base), or, without `head`, from `base` to the working tree. Renames are an
 * addition and a removal.
 */
export async function diffNameStatus(repo: string, base: string, head?: string): Promise<DiffEntry[]> {
  const range = head === undefined ? base : `${base}...${head}`;
  const fields = lines(
    await git(repo, ['diff', '--name-status', '-z', '--no-renames', '--end-of-options', range, '--']),
  );
  const entries: DiffEntry[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    entries.push({ status: fields[i] as string, path: fields[i + 1] as string });
  }
  return entries;
}

/** An entry of a commit's tree. */
export interface TreeEntry {
  /** Octal mode: 100644 and 100755 are files, 120000 a symbolic link, 160000 a submodule. */
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  object: string;
  /** Bytes of a blob; null for trees and submodules, and for a blob git cannot read. */
  size: number | null;
  /** Repository-relative, from the top of the tree whatever folder `repo` names. */
  path: string;
}

/**
 * The entries of `commit`'s tree: the one at `path` (or those below it, with `recursive`),
 * or the whole tree without `path`. A path the commit does not hold gives no entry; an
 * unknown commit is a GitError.
 */
export async function lsTree(
  repo: string,
  commit: string,
  { path, recursive = false }: { path?: string; recursive?: boolean } = {},
): Promise<TreeEntry[]> {
  const args = ['--literal-pathspecs', 'ls-tree', '-l', '-z', '--full-tree', ...(recursive ? ['-r'] : [])];
  args.push('--end-of-options', commit, ...(path ? ['--', path] : []));
  const entries: TreeEntry[] = [];
  for (const record of lines(await git(repo, args))) {
    // <mode> SP <type> SP <object> SP+ <size> TAB <path>; the size is `-` for a tree and
    // `BAD` for a blob git cannot read, which must fail when it is read, not vanish.
    const match = /^(\d+) (blob|tree|commit) ([0-9a-f]+) +(\S+)\t(.*)$/s.exec(record);
    if (!match) continue;
    const [, mode, type, object, size, name] = match as unknown as [
      string,
      string,
      TreeEntry['type'],
      string,
      string,
      string,
    ];
    entries.push({ mode, type, object, size: /^\d+$/.test(size) ? Number(size) : null, path: name });
  }
  return entries;
}

/** A blob's bytes by object id. */
export async function catFileBlob(repo: string, object: string): Promise<Buffer> {
  return git(repo, ['cat-file', 'blob', object]);
}

/** Blob contents by object id, through one `git cat-file --batch` however many there are. */
export async function catFileBatch(
  repo: string,
  objects: readonly string[],
): Promise<Map<string, Uint8Array>> {
  const unique = [...new Set(objects)];
  const blobs = new Map<string, Uint8Array>();
  if (unique.length === 0) return blobs;
  const out = await git(repo, ['cat-file', '--batch'], `${unique.join('\n')}\n`);
  let offset = 0;
  while (offset < out.length) {
    const newline = out.indexOf(10, offset);
    if (newline < 0) break;
    // <object> SP <type> SP <size> LF <contents> LF, or "<object> missing" LF
    const [object, type, size] = out.subarray(offset, newline).toString('utf8').split(' ');
    offset = newline + 1;
    if (type === undefined || size === undefined) continue;
    const length = Number(size);
    if (type === 'blob') blobs.set(object as string, new Uint8Array(out.subarray(offset, offset + length)));
    offset += length + 1;
  }
  return blobs;
}

/** Writes `commit`'s files as a tar archive to `file` (no `.git`, no untracked files). */
export async function archive(repo: string, commit: string, file: string): Promise<void> {
  await git(repo, ['archive', '--format=tar', '-o', file, '--end-of-options', commit]);
}

/** Makes `repo` a repository on branch `main`; an existing one is left as it is. */
export async function initRepository(repo: string): Promise<void> {
  await git(repo, ['init', '--quiet', '--initial-branch=main']);
}

/** Removes every tracked file from the index and the working tree. */
export async function removeTracked(repo: string): Promise<void> {
  await git(repo, ['rm', '-r', '--quiet', '--ignore-unmatch', '--', '.']);
}

/** Commits every file of the working tree as `author`; the new commit's id. */
export async function commitAll(
  repo: string,
  message: string,
  author: { name: string; email: string },
): Promise<string> {
  await git(repo, ['add', '--all']);
  const identity = ['-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`];
  await git(repo, [...identity, 'commit', '--quiet', '-m', message]);
  return (await git(repo, ['rev-parse', 'HEAD'])).toString('utf8').trim();
}
