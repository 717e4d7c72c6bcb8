/**
 * Judging a pull request: which changed files are targets, read them at the head commit,
 * and run the pipeline. The App (over the GitHub API) and the demo (over a local git
 * repository) supply the same two operations.
 */
import type { PolicyEvaluator } from '../policy/sandbox.js';
import { targetSelector } from '../targets/detect.js';
import { type Judgement, type JudgeOptions, judgeTargets, type TargetFile } from './judge.js';

/** A file a pull request changes, with GitHub's word for the change. */
export interface ChangedFile {
  path: string;
  status: 'added' | 'modified' | 'removed' | 'renamed' | 'copied' | 'changed';
}

export interface PullRequestFiles {
  /** Every file the pull request changes (all pages). */
  changedFiles(): Promise<ChangedFile[]>;
  /** A file's bytes at the head commit. */
  readHeadFile(path: string): Promise<TargetFile['content']>;
  /** As readHeadFile, null when the file does not exist: other files a target's facts need (a `.dockerignore`). */
  readHeadFileIfAny?(path: string): Promise<TargetFile['content'] | null>;
}

/** Reads at most this many files at once: polite to the GitHub API, quick enough locally. */
export const READ_CONCURRENCY = 8;

/** `loadEngine` is only called when the pull request touches a target. */
export async function judgePullRequest(
  files: PullRequestFiles,
  loadEngine: () => Promise<PolicyEvaluator>,
  options: JudgeOptions = {},
): Promise<Judgement> {
  const select = targetSelector(options.policySet?.config.targets);
  const targets = (await files.changedFiles()).flatMap((f) => {
    const selection = f.status === 'removed' ? null : select(f.path);
    return selection ? [{ path: f.path, ...selection }] : [];
  });
  if (targets.length === 0) return judgeTargets([], null, options);
  const engine = await loadEngine();
  const readOther = files.readHeadFileIfAny?.bind(files);
  const repository = readOther ? { repository: (path: string) => readOther(path) } : {};
  const read: TargetFile[] = [];
  for (let i = 0; i < targets.length; i += READ_CONCURRENCY) {
    const batch = targets.slice(i, i + READ_CONCURRENCY);
    read.push(
      ...(await Promise.all(
        batch.map(async (t) => ({ ...t, content: await files.readHeadFile(t.path), ...repository })),
      )),
    );
  }
  return judgeTargets(read, engine, options);
}
