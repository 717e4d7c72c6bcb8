/**
 * The policy set a CLI command judges by: the repository's configuration, policies and
 * waivers from its working tree, or from a commit with `--policy-ref` (as the App reads
 * them from the pull request's base, so a branch cannot weaken its own gate).
 */
import { gitCommitSnapshot, workingTreeSnapshot } from '../core/snapshot.js';
import { loadPolicySet, type PolicySet, policyEngineFor } from '../policy/policy-set.js';
import type { PolicyEvaluator } from '../policy/sandbox.js';

export async function cliPolicySet(repo: string, policyRef: string | undefined): Promise<PolicySet> {
  return loadPolicySet(policyRef ? gitCommitSnapshot(repo, policyRef) : workingTreeSnapshot(repo));
}

export async function cliPolicy(
  repo: string,
  policyRef: string | undefined,
): Promise<{ set: PolicySet; engine: PolicyEvaluator }> {
  const set = await cliPolicySet(repo, policyRef);
  return { set, engine: await policyEngineFor(set) };
}
