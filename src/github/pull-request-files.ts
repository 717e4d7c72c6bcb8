/** The pull request's files over the GitHub REST API (PullRequestFiles for the App). */
import type { ProbotOctokit } from 'probot';
import type { TargetFile } from '../core/judge.js';
import type { ChangedFile, PullRequestFiles } from '../core/pull-request.js';
import { MAX_TARGET_BYTES, oversizedReason } from '../repository/source-file.js';

export type Octokit = InstanceType<typeof ProbotOctokit>;

export interface PullRequestRef {
  owner: string;
  repo: string;
  pullNumber: number;
  headSha: string;
  /** The base commit, whose configuration and policies judge the pull request; looked up when absent. */
  baseSha?: string;
  /**
   * A maintainer's build approval, as the `labeled` event reported it: the head commit
   * the label was applied to, and who applied it. Only that commit is built on it.
   */
  buildApproval?: { headSha: string; by: string };
}

/** GitHub's list-files endpoint stops at 3,000 files, whatever the page size. */
export const LIST_FILES_LIMIT = 3000;

export interface PullRequestFile extends ChangedFile {
  /** The file's unified diff; GitHub leaves it out for binary files and very large diffs. */
  patch?: string;
}

export interface GitHubPullRequestFiles extends PullRequestFiles {
  changedFiles(): Promise<PullRequestFile[]>;
}

export function githubPullRequestFiles(octokit: Octokit, pr: PullRequestRef): GitHubPullRequestFiles {
  const { owner, repo } = pr;
  /** The file at the head commit, null when GitHub has none there. */
  const readAtHead = async (path: string): Promise<TargetFile['content'] | null> => {
    try {
      const { data } = await octokit.rest.repos.getContent({ owner, repo, path, ref: pr.headSha });
      if (Array.isArray(data) || data.type !== 'file')
        return { unavailable: `not a regular file (${describe(data)})` };
      if (data.size > MAX_TARGET_BYTES) {
        return {
          unavailable: oversizedReason(data.size),
        };
      }
      return new Uint8Array(Buffer.from(data.content, 'base64'));
    } catch (error) {
      if ((error as { status?: number }).status === 404) return null;
      throw error;
    }
  };
  return {
    async changedFiles(): Promise<PullRequestFile[]> {
      const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
        owner,
        repo,
        pull_number: pr.pullNumber,
        per_page: 100,
      });
      return files.map((f) => ({
        path: f.filename,
        status: f.status as ChangedFile['status'],
        ...(f.patch ? { patch: f.patch } : {}),
      }));
    },

    async readHeadFile(path: string): Promise<TargetFile['content']> {
      return (await readAtHead(path)) ?? { unavailable: `not found at ${pr.headSha.slice(0, 7)}` };
    },

    readHeadFileIfAny: readAtHead,
  };
}

/**
 * `files`, remembering what `readHeadFile` returned by path: the review fingerprints the
 * offending lines' text, and applying fixes edits it, without reading the files twice.
 */
export function rememberingHeadFiles<F extends PullRequestFiles>(
  files: F,
): F & { headFiles: Map<string, TargetFile['content']> } {
  const headFiles = new Map<string, TargetFile['content']>();
  return {
    ...files,
    headFiles,
    async readHeadFile(path: string) {
      const content = await files.readHeadFile(path);
      headFiles.set(path, content);
      return content;
    },
  };
}

function describe(data: unknown): string {
  return Array.isArray(data) ? 'a directory' : `a ${(data as { type?: string }).type ?? 'special'} entry`;
}
