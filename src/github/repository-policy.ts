/**
 * The policy set the App judges a pull request by, read at the pull request's base commit
 * (never its head: a pull request cannot weaken the gate that judges it), with `extends:`
 * fetched from the other repository through the same API and cached by commit.
 *
 * `extends:` is read with the installation's token, which can read every repository the
 * App is installed on, private ones included. So only the base commit's `extends:` is
 * fetched; a pull request's own `extends:` (loaded for the policy report) is fetched only
 * when it names exactly what the base names, else a fork could read any of them.
 */
import { LRUCache } from 'lru-cache';
import { CONFIG_PATH, ConfigError, type PortcullisConfig } from '../config/configuration.js';
import { PolicyCompileError } from '../policy/compile.js';
import { loadPolicySet, type PolicyFiles, type PolicySet, policyEngineFor } from '../policy/policy-set.js';
import type { PolicyEvaluator } from '../policy/sandbox.js';
import type { LocatedProblem } from '../report/check-run.js';
import type { Octokit } from './pull-request-files.js';
import { githubSnapshot } from './snapshot.js';

export async function basePolicy(
  octokit: Octokit,
  repository: { owner: string; repo: string },
  baseSha: string,
): Promise<{ set: PolicySet; engine: PolicyEvaluator }> {
  const set = await loadPolicySet(githubSnapshot(octokit, repository.owner, repository.repo, baseSha), {
    loadExtends: (target) => extendsFromGitHub(octokit, target),
  });
  try {
    return { set, engine: await policyEngineFor(set) };
  } catch (error) {
    throw error instanceof PolicyCompileError ? locateCompileError(error, set.config) : error;
  }
}

type ExtendsTarget = NonNullable<PortcullisConfig['extends']>;

/**
 * The `loadExtends` for a pull request's head configuration: the base's `extends:` target
 * only. Anything else is refused with a ConfigError that says so, shown on the policy check.
 */
export function headExtendsLoader(
  octokit: Octokit,
  base: ExtendsTarget | null,
): (target: ExtendsTarget) => Promise<PolicyFiles> {
  return async (target) => {
    if (base && sameTarget(base, target)) return extendsFromGitHub(octokit, target);
    const named = `${target.repository}@${target.ref}/${normalPath(target.path)}`;
    throw extendsError(
      `the head's extends (${named}) is a change and is not loaded: ${base ? `the base commit extends ${base.repository}@${base.ref}/${normalPath(base.path)}` : 'the base commit extends nothing'}, and a pull request cannot make the App read another repository with its installation token. It takes effect once merged.`,
    );
  };
}

function sameTarget(a: ExtendsTarget, b: ExtendsTarget): boolean {
  // GitHub's owner and repository names are case-insensitive; refs and paths are not.
  return (
    a.repository.toLowerCase() === b.repository.toLowerCase() &&
    a.ref === b.ref &&
    normalPath(a.path) === normalPath(b.path)
  );
}

function normalPath(path: string): string {
  return path.replace(/^\.\/+/, '').replace(/\/+$/, '');
}

/** GitHub's rules: an owner is 1–39 letters, digits or inner hyphens; a name 1–100 of `A-Za-z0-9._-`. */
const REPOSITORY = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?)\/([A-Za-z0-9._-]{1,100})$/;
/** A branch or tag name as `git check-ref-format` allows it, or a commit SHA. */
const REF_FORBIDDEN = /[\p{Cc}\s~^:?*[\\]|\.\.|\/\/|@\{|^\/|\/$|\.lock$|\.$/u;

/** The `extends:` target checked before any of it goes into an API path. */
function checkedTarget(target: ExtendsTarget): { owner: string; repo: string } {
  const match = REPOSITORY.exec(target.repository);
  const repo = match?.[2];
  if (!match || !repo || repo === '.' || repo === '..') {
    throw extendsError(
      `"${target.repository}" is not a repository name: write it as owner/name (letters, digits, "-", "_", ".")`,
      'extends.repository',
    );
  }
  if (target.ref.length > 255 || REF_FORBIDDEN.test(target.ref)) {
    throw extendsError(`"${target.ref}" is not a branch, tag or commit SHA`, 'extends.ref');
  }
  if (
    normalPath(target.path)
      .split('/')
      .some((segment) => segment === '..' || segment === '.')
  ) {
    throw extendsError(`"${target.path}" must be a folder inside ${target.repository}`, 'extends.path');
  }
  return { owner: match[1] as string, repo };
}

function extendsError(message: string, key = 'extends'): ConfigError {
  return new ConfigError([{ path: CONFIG_PATH, line: 1, key, message }]);
}

/** Fetched folders by commit: a commit's files never change. */
const extendsCache = new LRUCache<string, Promise<PolicyFiles>>({ max: 32 });

export async function extendsFromGitHub(
  octokit: Octokit,
  target: NonNullable<PortcullisConfig['extends']>,
): Promise<PolicyFiles> {
  const { owner, repo } = checkedTarget(target);
  const sha = await commitOf(octokit, owner, repo, target.ref);
  const key = `${owner.toLowerCase()}/${repo.toLowerCase()}@${sha}:${target.path}`;
  let files = extendsCache.get(key);
  if (!files) {
    files = readFolder(octokit, owner, repo, sha, target.path);
    files.catch(() => extendsCache.delete(key));
    extendsCache.set(key, files);
  }
  return files;
}

async function readFolder(
  octokit: Octokit,
  owner: string,
  repo: string,
  sha: string,
  folder: string,
): Promise<PolicyFiles> {
  const snapshot = githubSnapshot(octokit, owner, repo, sha);
  const paths = await snapshot.listFiles(folder);
  if (paths.length === 0) {
    throw new ConfigError([
      {
        path: '.github/portcullis.yml',
        line: 1,
        key: 'extends',
        message: `${owner}/${repo}@${sha.slice(0, 7)} has no files in ${folder}`,
      },
    ]);
  }
  const files: PolicyFiles = new Map();
  for (const path of paths) {
    const text = await snapshot.readFile(path);
    if (text !== null) files.set(path.slice(folder.replace(/\/+$/, '').length + 1), text);
  }
  return files;
}

/** The commit a branch, tag or SHA names, so the cache holds exactly what was fetched. */
async function commitOf(octokit: Octokit, owner: string, repo: string, ref: string): Promise<string> {
  if (/^[0-9a-f]{40}$/.test(ref)) return ref;
  for (const candidate of [`heads/${ref}`, `tags/${ref}`]) {
    try {
      const { data } = await octokit.rest.git.getRef({ owner, repo, ref: candidate });
      return data.object.sha;
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw unreadable(owner, repo, ref, error);
    }
  }
  throw new ConfigError([
    {
      path: '.github/portcullis.yml',
      line: 1,
      key: 'extends.ref',
      message: `${owner}/${repo} has no branch or tag "${ref}", or the Portcullis App is not installed on it`,
    },
  ]);
}

function unreadable(owner: string, repo: string, ref: string, error: unknown): ConfigError {
  const status = (error as { status?: number }).status;
  return new ConfigError([
    {
      path: '.github/portcullis.yml',
      line: 1,
      key: 'extends',
      message: `${owner}/${repo}@${ref} could not be read (GitHub answered ${status ?? 'with an error'}): install the Portcullis App on it, or fix extends`,
    },
  ]);
}

/** Compile errors name bundle paths; annotations need the repository's own paths. */
function locateCompileError(error: PolicyCompileError, config: PortcullisConfig): PolicyCompileError {
  const folder = config.policies.path.replace(/\/+$/, '');
  return new PolicyCompileError(
    error.problems.map((p) => ({ ...p, file: p.file.replace(/^policies\/repository\//, `${folder}/`) })),
  );
}

/** Configuration and policy problems, as annotations on the base commit's files. */
export function locatedProblems(error: unknown): LocatedProblem[] {
  if (error instanceof ConfigError) {
    return error.problems.map((p) => ({
      path: p.path,
      line: p.line,
      message: `${p.key ? `${p.key}: ` : ''}${p.message}`,
    }));
  }
  if (error instanceof PolicyCompileError) {
    return error.problems
      .filter((p) => p.file && !p.file.startsWith('policies/'))
      .map((p) => ({ path: p.file, line: p.line, message: `${p.message} (${p.code})` }));
  }
  return [];
}
