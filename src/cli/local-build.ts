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
import { type BuildSettings, gatherImageFacts, needsBuild } from '../facts/image-facts.js';
import { archive, commitOf, diffNameStatus, lsFiles, mergeBase, topLevel } from '../git.js';
import { localCommit } from '../repository/snapshot.js';
import { OsvScanner } from '../scan/osv-scanner.js';
import type { ImageScanner } from '../scan/scanner.js';
import { settings } from '../settings.js';
import { UsageError } from './command.js';

const run = promisify(execFile);

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
    const sha = await mergeBase(repo, commit, 'HEAD').catch(() => null);
    if (!sha) throw new UsageError(`--base ${base}: no merge base with HEAD (unrelated histories)`);
    return sha;
  }
  // No upstream configured is a git error: then the parent.
  const upstream = await mergeBase(repo, '@{upstream}', 'HEAD').catch(() => null);
  if (upstream) return upstream;
  const parent = await commitOf(repo, 'HEAD~1').catch(() => null);
  if (parent) return parent;
  throw new UsageError('check --build: HEAD has no upstream and no parent commit; pass --base REF');
}

/** Paths changed between `base` and the working tree: tracked changes and untracked (not ignored) files. */
export async function changedSinceBase(repo: string, base: string): Promise<string[]> {
  const diff = (await diffNameStatus(repo, base)).map((entry) => entry.path);
  const untracked = await lsFiles(repo, { tracked: false });
  return [...new Set([...diff, ...untracked])].sort();
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
  const root = await topLevel(repo);
  const base = await localBuildBase(root, options.base);
  const changedPaths = await changedSinceBase(root, base);
  const work = mkdtempSync(join(tmpdir(), 'portcullis-local-build-'));
  let baseTree: Promise<string | null> | null = null;
  const images: NonNullable<JudgeOptions['images']> = async (inputs) => {
    if (!inputs.some((i) => i.target.kind === 'dockerfile' && needsBuild(i.target.path, changedPaths)))
      return new Map();
    const { osvDb, osvDownload, cacheDir } = settings();
    const database = options.database ?? osvDb ?? null;
    return gatherImageFacts(inputs, {
      builder: options.builder ?? builderFromEnv(),
      scanner: options.scanner ?? new OsvScanner({ database, download: osvDownload }),
      head: async () => root,
      base: () => {
        baseTree ??= unpackCommit(root, base, join(work, 'base')).catch(() => null);
        return baseTree;
      },
      changedPaths,
      ...(options.progress ? { progress: options.progress } : {}),
      ...(options.settings ? { settings: options.settings } : {}),
      cacheDir: cacheDir ? join(cacheDir, 'images') : null,
    });
  };
  return { images, base, cleanup: () => rmSync(work, { recursive: true, force: true }) };
}

/** The files of `commit` in `dir` (`git archive | tar -x`): no `.git`. */
async function unpackCommit(repo: string, commit: string, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, '..', 'base.tar');
  await archive(repo, commit, file);
  await run('tar', ['-x', '--no-same-owner', '-C', dir, '-f', file]);
  rmSync(file, { force: true });
  return dir;
}
