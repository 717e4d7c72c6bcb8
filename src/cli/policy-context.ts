/**
 * The policy set a CLI command judges by: the repository's configuration, policies and
 * waivers from its working tree, or from a commit with `--policy-ref` (as the App reads
 * them from the pull request's base, so a branch cannot weaken its own gate); for files
 * in no repository, the defaults.
 */
import { resolve } from 'node:path';
import { compilePolicy } from '../policy/compile.js';
import { loadPolicySet, type PolicySet, policyEngineFor } from '../policy/policy-set.js';
import { LocalFirstPolicyEngine, type PolicyEvaluator } from '../policy/sandbox.js';
import {
  gitCommitSnapshot,
  localCommit,
  type RepositorySnapshot,
  workingTreeSnapshot,
} from '../repository/snapshot.js';
import { UsageError } from './command.js';
import type { FileLocation } from './locate.js';

/** Files in no repository: nothing configured, so the built-in pack with its defaults. */
const NO_REPOSITORY: RepositorySnapshot = {
  label: 'no repository',
  readFile: async () => null,
  listFiles: async () => [],
};

export async function cliPolicySet(
  where: Pick<FileLocation, 'root' | 'repository'>,
  policyRef: string | undefined,
): Promise<PolicySet> {
  const repo = where.root;
  if (!where.repository) {
    if (policyRef !== undefined)
      throw new UsageError(`--policy-ref ${policyRef}: ${resolve(repo)} is in no git repository`);
    return loadPolicySet(NO_REPOSITORY);
  }
  if (policyRef === undefined) return loadPolicySet(workingTreeSnapshot(repo));
  // An unknown ref must not read as "no configuration there": that would judge by the defaults.
  if (!(await localCommit(repo, policyRef))) {
    throw new Error(
      `--policy-ref ${policyRef}: no such commit in ${resolve(repo)}; fetch it or name another ref`,
    );
  }
  return loadPolicySet(gitCommitSnapshot(repo, policyRef));
}

export async function cliPolicy(
  where: Pick<FileLocation, 'root' | 'repository'>,
  policyRef: string | undefined,
): Promise<{ set: PolicySet; engine: PolicyEvaluator }> {
  const set = await cliPolicySet(where, policyRef);
  // The built-in pack judges a few small files here, without starting a worker thread (a
  // cold one-file check is a pre-commit hook's); a repository's own policies run in the sandbox.
  const compiled = await compilePolicy(set.bundle);
  const engine = LocalFirstPolicyEngine.suits(compiled, set.data)
    ? await LocalFirstPolicyEngine.load(compiled, set.data)
    : await policyEngineFor(set);
  return { set, engine };
}
