/**
 * The policy set a CLI command judges by: the repository's configuration, policies and
 * waivers from its working tree, or from a commit with `--policy-ref` (as the App reads
 * them from the pull request's base, so a branch cannot weaken its own gate).
 */
import { resolve } from 'node:path';
import { loadPolicySet, type PolicySet, policyEngineFor } from '../policy/policy-set.js';
import type { PolicyEvaluator } from '../policy/sandbox.js';
import { gitCommitSnapshot, localCommit, workingTreeSnapshot } from '../repository/snapshot.js';

export async function cliPolicySet(repo: string, policyRef: string | undefined): Promise<PolicySet> {
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
  repo: string,
  policyRef: string | undefined,
): Promise<{ set: PolicySet; engine: PolicyEvaluator }> {
  const set = await cliPolicySet(repo, policyRef);
  return { set, engine: await policyEngineFor(set) };
}
