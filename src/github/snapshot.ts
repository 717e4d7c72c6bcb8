/**
 * A repository at one commit through the GitHub contents API: what the App reads the
 * configuration, policies and waivers from (at the pull request's base commit).
 */
import type { RepositorySnapshot } from '../repository/snapshot.js';
import type { Octokit } from './pull-request-files.js';

/** A policy folder is a handful of files; past these limits something is wrong. */
const MAX_FILES = 500;
const MAX_DEPTH = 8;

export function githubSnapshot(
  octokit: Octokit,
  owner: string,
  repo: string,
  ref: string,
): RepositorySnapshot {
  const at = { owner, repo, ref };
  const label = `${owner}/${repo}@${/^[0-9a-f]{40}$/.test(ref) ? ref.slice(0, 7) : ref}`;
  return {
    label,

    async readFile(path) {
      try {
        const { data } = await octokit.rest.repos.getContent({ ...at, path });
        // GitHub answers a link to a file of the repository with that file; a link out of it
        // (or to a folder) as a `symlink` entry, which is no file and no absence either.
        if (!Array.isArray(data) && data.type === 'symlink') {
          throw new Error(
            `${path} at ${label} is a symbolic link (to ${data.target}): Portcullis reads configuration and policies only from files inside the repository`,
          );
        }
        if (Array.isArray(data) || data.type !== 'file') return null;
        return Buffer.from(data.content, 'base64').toString('utf8');
      } catch (error) {
        if ((error as { status?: number }).status === 404) return null;
        throw error;
      }
    },

    async listFiles(folder) {
      const files: string[] = [];
      const walk = async (path: string, depth: number): Promise<void> => {
        let entries: { type: string; path: string }[];
        try {
          const { data } = await octokit.rest.repos.getContent({ ...at, path });
          entries = Array.isArray(data) ? data : [];
        } catch (error) {
          if ((error as { status?: number }).status === 404) return;
          throw error;
        }
        for (const entry of entries) {
          if (files.length >= MAX_FILES)
            throw new Error(`${path} holds more than ${MAX_FILES} files: is it really the policy folder?`);
          if (entry.type === 'file') files.push(entry.path);
          else if (entry.type === 'dir' && depth < MAX_DEPTH) await walk(entry.path, depth + 1);
        }
      };
      await walk(folder.replace(/\/+$/, ''), 0);
      return files.sort();
    },
  };
}
