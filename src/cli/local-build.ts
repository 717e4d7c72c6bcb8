/**
 * `portcullis check --build`: the App's build-and-scan, on a local repository. The
 * Dockerfiles changed between a base commit and the working tree (or whose build context
 * changed) are built as they are in the working tree and as they were at the base, both
 * images scanned, and the same image facts the App gathers (`input.image`) go into the
 * judgement, so the PC-BLD rules report.
 *
 * The base: `--base REF` names it; what is compared is the merge base of REF and `HEAD`
 * (as a pull request from HEAD into REF would be). Without `--base`, the merge base of
 * `HEAD` and its upstream branch (`@{upstream}`), or `HEAD~1` when the branch has no
 * upstream. The working tree is the head: uncommitted and untracked (not ignored) files
 * count as changes.
 *
 * The working tree is built in place (the build context is the Dockerfile's folder); the
 * base is unpacked with `git archive` into a temporary folder, only when a build needs it.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { ImageBuilder } from '../build/builder.js';
import { builderFromEnv } from '../build/index.js';
import type { JudgeOptions } from '../core/judge.js';
import { localCommit } from '../core/snapshot.js';
import { type BuildSettings, gatherImageFacts, needsBuild } from '../facts/image-facts.js';
import { OsvScanner } from '../scan/osv-scanner.js';
import type { ImageScanner } from '../scan/scanner.js';
import { UsageError } from './command.js';

const run = promisify(execFile);

async function git(repo: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-C', repo, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

async function tryGit(repo: string, args: string[]): Promise<string | null> {
  try {
    return (await git(repo, args)).trim();
  } catch {
    return null;
  }
}

/**
 * The commit the working tree is compared with: the merge base of `base` (or, without it,
 * of HEAD's upstream) and HEAD; `HEAD~1` when there is no upstream.
 */
export async function localBuildBase(repo: string, base?: string): Promise<string> {
  if (base) {
    const commit = await localCommit(repo, base);
    if (!commit) {
      throw new Error(
        `--base ${base}: no such commit in ${repo}, so no merge base with HEAD; fetch it or name another ref`,
      );
    }
    const sha = await tryGit(repo, ['merge-base', commit, 'HEAD']);
    if (!sha) throw new UsageError(`--base ${base}: no merge base with HEAD (unrelated histories)`);
    return sha;
  }
  const upstream = await tryGit(repo, ['merge-base', '@{upstream}', 'HEAD']);
  if (upstream) return upstream;
  const parent = await tryGit(repo, ['rev-parse', '--verify', '--quiet', 'HEAD~1^{commit}']);
  if (parent) return parent;
  throw new UsageError('check --build: HEAD has no upstream and no parent commit; pass --base REF');
}

/** Paths changed between `base` and the working tree: tracked changes and untracked (not ignored) files. */
export async function changedSinceBase(repo: string, base: string): Promise<string[]> {
  const diff = await git(repo, ['diff', '--name-only', '-z', '--no-renames', base]);
  const untracked = await git(repo, ['ls-files', '--others', '--exclude-standard', '-z']);
  return [...new Set([...diff.split('\0'), ...untracked.split('\0')].filter(Boolean))].sort();
}

export interface LocalBuildOptions {
  base?: string;
  /** The OSV database folder; PORTCULLIS_OSV_DB when absent. */
  database?: string;
  builder?: ImageBuilder;
  scanner?: ImageScanner;
  /** Told as each long step starts (`Building 1 of 2 images…`, `Scanning…`). */
  progress?: (title: string, summary: string) => unknown;
  /** Build args, target and platform per Dockerfile (the configuration's `build:`). */
  settings?: (path: string) => BuildSettings;
}

/** The `images` option of the judgement for `check --build`; call `cleanup` when done. */
export async function localImageFacts(
  repoDir: string,
  options: LocalBuildOptions = {},
): Promise<{ images: NonNullable<JudgeOptions['images']>; base: string; cleanup: () => void }> {
  const repo = resolve(repoDir);
  const root = (await git(repo, ['rev-parse', '--show-toplevel'])).trim();
  const base = await localBuildBase(root, options.base);
  const changedPaths = await changedSinceBase(root, base);
  const work = mkdtempSync(join(tmpdir(), 'portcullis-local-build-'));
  let baseTree: Promise<string | null> | null = null;
  const images: NonNullable<JudgeOptions['images']> = async (inputs) => {
    if (!inputs.some((i) => i.target.kind === 'dockerfile' && needsBuild(i.target.path, changedPaths)))
      return;
    const database = options.database ?? process.env.PORTCULLIS_OSV_DB ?? null;
    await gatherImageFacts(inputs, {
      builder: options.builder ?? builderFromEnv(),
      scanner:
        options.scanner ??
        new OsvScanner({ database, download: process.env.PORTCULLIS_OSV_DOWNLOAD === '1' }),
      head: async () => root,
      base: () => {
        baseTree ??= unpackCommit(root, base, join(work, 'base')).catch(() => null);
        return baseTree;
      },
      changedPaths,
      ...(options.progress ? { progress: options.progress } : {}),
      ...(options.settings ? { settings: options.settings } : {}),
      cacheDir: process.env.PORTCULLIS_CACHE_DIR ? join(process.env.PORTCULLIS_CACHE_DIR, 'images') : null,
    });
  };
  return { images, base, cleanup: () => rmSync(work, { recursive: true, force: true }) };
}

/** The files of `commit` in `dir` (`git archive | tar -x`): no `.git`. */
async function unpackCommit(repo: string, commit: string, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const archive = join(dir, '..', 'base.tar');
  await git(repo, ['archive', '--format=tar', '-o', archive, commit]);
  await run('tar', ['-x', '--no-same-owner', '-C', dir, '-f', archive]);
  rmSync(archive, { force: true });
  return dir;
}
