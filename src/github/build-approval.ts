/**
 * Building a pull request's images from the App: who may be built, and the repository at
 * the head and the merge base as build contexts. Only with PORTCULLIS_BUILD=1.
 *
 * Untrusted code (a pull request from a fork, or by an author without write access) is
 * not built until a maintainer applies the approval label (PORTCULLIS_BUILD_APPROVAL_LABEL,
 * default `portcullis/build-approved`). The approval is the `labeled` event itself: it
 * names the head commit the label was applied to and who applied it (who must have write
 * access), and only that commit is built, in the check that event starts. A label merely
 * present on the pull request approves nothing: a push that lands just before the
 * maintainer labels would otherwise be built on an approval given to the commit before
 * it. A push also removes the label (`lapseBuildApproval`, on `synchronize`), so the
 * pull request shows that new code needs a new look.
 *
 * The build contexts come from GitHub's tarball of each commit, downloaded with the App's
 * installation token and unpacked into a temporary folder: the build sees files only,
 * never the token, and there is no `.git`.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageBuilder } from '../build/builder.js';
import { builderFromEnv } from '../build/index.js';
import type { JudgeOptions } from '../core/judge.js';
import { type BuildSettings, gatherImageFacts, needsBuild, type SourceTree } from '../facts/image-facts.js';
import type { ImageFacts } from '../input/policy-input.js';
import { scannerFromEnv } from '../scan/osv-scanner.js';
import type { ImageScanner } from '../scan/scanner.js';
import { type Settings, settings } from '../settings.js';
import { isDockerfilePath } from '../targets/detect.js';
import type { Octokit, PullRequestRef } from './pull-request-files.js';

const WRITERS = new Set(['admin', 'maintain', 'write']);
/** A repository tarball larger than this is not unpacked. */
const TARBALL_LIMIT = 512 * 1024 * 1024;

export function buildsEnabled(from: Settings = settings()): boolean {
  return from.build;
}

export function approvalLabel(from: Settings = settings()): string {
  return from.buildApprovalLabel;
}

/**
 * Dockerfiles the pull request does not change but whose build context it does: their
 * images change too, so they are judged and built as well. One tree listing of the head,
 * and only when builds are on.
 */
export async function contextChangedDockerfiles(
  octokit: Octokit,
  pr: PullRequestRef,
  changedPaths: readonly string[],
): Promise<string[]> {
  if (!buildsEnabled()) return [];
  let data: { tree: { type?: string; path?: string }[] };
  try {
    ({ data } = await octokit.rest.git.getTree({
      owner: pr.owner,
      repo: pr.repo,
      tree_sha: pr.headSha,
      recursive: 'true',
    }));
  } catch (error) {
    // Best effort: the changed Dockerfiles are still built; only context-only changes are missed.
    octokit.log.warn(
      `Portcullis could not list ${pr.owner}/${pr.repo}@${pr.headSha.slice(0, 7)}: ${(error as Error).message}`,
    );
    return [];
  }
  const changed = new Set(changedPaths);
  return data.tree
    .flatMap((entry) => (entry.type === 'blob' && entry.path ? [entry.path] : []))
    .filter((path) => !changed.has(path) && isDockerfilePath(path) && needsBuild(path, changedPaths));
}

/**
 * Whether the head of `pr` may be built: trusted code, or the commit a writer's label event
 * approved. `note` tells the check run why a label on the pull request did not count.
 */
export async function buildApproval(
  octokit: Octokit,
  pr: PullRequestRef,
): Promise<{ approval: ImageFacts['approval']; note?: string }> {
  const label = approvalLabel();
  const { owner, repo } = pr;
  const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: pr.pullNumber });
  const fork = data.head.repo?.full_name !== data.base.repo.full_name;
  const author = data.user?.login ?? null;
  let reason: string | null = fork ? 'fork' : null;
  if (!reason && (!author || !(await hasWriteAccess(octokit, owner, repo, author)))) {
    reason = 'author_without_write_access';
  }
  if (!reason) return { approval: { required: false, approved: true, label, reason: null } };
  const refused = (note?: string) => ({
    approval: { required: true, approved: false, label, reason },
    ...(note ? { note } : {}),
  });
  const labelled = data.labels.some((l) => l.name === label);
  const given = pr.buildApproval;
  const short = (sha: string) => sha.slice(0, 7);
  if (!given) {
    return refused(
      labelled
        ? `The label "${label}" is on the pull request, but an approval counts only in the check its labelling starts, for the commit it was applied to: to build ${short(pr.headSha)}, remove the label and apply it again.`
        : undefined,
    );
  }
  // The label event names the commit the maintainer approved; the head may have moved since.
  if (given.headSha !== pr.headSha || data.head.sha !== pr.headSha) {
    return refused(
      `The build approval was given to ${short(given.headSha)}, and the head is now ${short(data.head.sha)}: that commit is not built on it. A maintainer reviews it and applies the label again.`,
    );
  }
  // Triage rights are enough to label, and not enough to approve running code.
  if (!labelled || !(await hasWriteAccess(octokit, owner, repo, given.by))) return refused();
  return { approval: { required: true, approved: true, label, reason } };
}

/** On a push to the pull request: the approval was for the previous head, so the label goes. */
export async function lapseBuildApproval(
  octokit: Octokit,
  pr: PullRequestRef,
  labels: string[],
): Promise<void> {
  const label = approvalLabel();
  if (!buildsEnabled() || !labels.includes(label)) return;
  try {
    await octokit.rest.issues.removeLabel({
      owner: pr.owner,
      repo: pr.repo,
      issue_number: pr.pullNumber,
      name: label,
    });
  } catch (error) {
    // Already gone (404) is what we wanted; anything else leaves the label, which approves
    // nothing by itself (see `buildApproval`).
    if ((error as { status?: number }).status !== 404) throw error;
  }
}

async function hasWriteAccess(
  octokit: Octokit,
  owner: string,
  repo: string,
  username: string,
): Promise<boolean> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username });
    return WRITERS.has(data.permission) || WRITERS.has(data.role_name);
  } catch (error) {
    if ((error as { status?: number }).status === 404) return false;
    throw error;
  }
}

export interface AppImageFactsOptions {
  builder?: ImageBuilder;
  scanner?: ImageScanner;
  /** Shows long steps on the in-progress check run. */
  progress?: (title: string, summary: string) => unknown;
  /** Build args, target and platform per Dockerfile: the base commit's `build:` configuration. */
  settings?: (path: string) => BuildSettings;
  /** The check's signal: builds and scans stop when it is aborted. */
  signal?: AbortSignal;
}

/**
 * The `images` option of the judgement for a pull request, or nothing when builds are off.
 * The caller must call `cleanup` when the judgement is done.
 */
export async function appImageFacts(
  octokit: Octokit,
  pr: PullRequestRef,
  changedPaths: readonly string[],
  options: AppImageFactsOptions = {},
): Promise<{ images?: JudgeOptions['images']; cleanup: () => void; notes: string[] }> {
  const notes: string[] = [];
  if (!buildsEnabled()) return { cleanup: () => {}, notes };
  const work = mkdtempSync(join(tmpdir(), 'portcullis-pr-'));
  const trees = new Map<string, Promise<string | null>>();
  const tree =
    (ref: () => Promise<string | null>, name: string): SourceTree =>
    () => {
      if (!trees.has(name)) {
        trees.set(
          name,
          ref().then((sha) => (sha ? downloadTree(octokit, pr, sha, join(work, name)) : null)),
        );
      }
      return trees.get(name) as Promise<string | null>;
    };
  const images: JudgeOptions['images'] = async (inputs) => {
    // Nothing to build: no question of trust to ask GitHub about.
    if (!inputs.some((i) => i.target.kind === 'dockerfile' && needsBuild(i.target.path, changedPaths)))
      return new Map();
    const { approval, note } = await buildApproval(octokit, pr);
    if (note) notes.push(note);
    const cacheRoot = settings().cacheDir;
    return gatherImageFacts(inputs, {
      builder: options.builder ?? builderFromEnv(),
      scanner: options.scanner ?? scannerFromEnv(),
      head: tree(async () => pr.headSha, 'head'),
      base: tree(() => mergeBase(octokit, pr), 'base'),
      changedPaths,
      approval,
      ...(options.progress ? { progress: options.progress } : {}),
      ...(options.settings ? { settings: options.settings } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      cacheDir: cacheRoot ? join(cacheRoot, 'images') : null,
    });
  };
  return { images, cleanup: () => rmSync(work, { recursive: true, force: true }), notes };
}

/** Where the pull request's branch left its base: what the head is compared with. */
async function mergeBase(octokit: Octokit, pr: PullRequestRef): Promise<string | null> {
  if (!pr.baseSha) return null;
  const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
    owner: pr.owner,
    repo: pr.repo,
    basehead: `${pr.baseSha}...${pr.headSha}`,
    per_page: 1,
  });
  return data.merge_base_commit.sha;
}

async function downloadTree(octokit: Octokit, pr: PullRequestRef, sha: string, dir: string): Promise<string> {
  const { data } = await octokit.rest.repos.downloadTarballArchive({
    owner: pr.owner,
    repo: pr.repo,
    ref: sha,
  });
  const bytes = Buffer.from(data as ArrayBuffer);
  if (bytes.length > TARBALL_LIMIT)
    throw new Error(`the repository tarball at ${sha.slice(0, 7)} is over 512 MiB`);
  mkdirSync(dir, { recursive: true });
  // GitHub's tarballs hold one top folder, `<owner>-<repo>-<sha>/`. GNU tar refuses
  // members with `..` and strips leading `/`; ownership and modes stay ours.
  await new Promise<void>((resolve, reject) => {
    const child = execFile(
      'tar',
      ['-xz', '--strip-components=1', '--no-same-owner', '--no-same-permissions', '-C', dir, '-f', '-'],
      (error) => (error ? reject(error) : resolve()),
    );
    child.stdin?.end(bytes);
  });
  return dir;
}
