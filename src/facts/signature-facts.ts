/**
 * Signature facts: for each looked-up image, the trust policy that covers it
 * (`registry_facts.trust_policy`) and its cosign signatures, verified against that policy's
 * signers (`registry_facts.signatures`). Gathered right after the registry facts, from the
 * digests they resolved, and only when a trust policy is configured: without one, the input
 * has neither field and nothing changes.
 */
import type { ImageReference } from '../image/reference.js';
import type { RegistryFacts } from '../policy/input.js';
import {
  matchTrustPolicy,
  type TrustPolicy,
  type TrustPolicySet,
  trustPolicyFromEnv,
} from '../signatures/trust-policy.js';
import type { SignatureFacts, TrustPolicyFacts, TrustPolicySigner } from '../signatures/types.js';
import { type SignatureSource, verifyImageSignatures } from '../signatures/verify.js';
import { runLimited } from './registry-facts.js';

const VERIFY_CONCURRENCY = 4;

/**
 * Adds `trust_policy` and `signatures` to the registry facts of each image, in place. An
 * image whose digest could not be resolved keeps `signatures: null` (its registry error
 * says why). `trust` defaults to PORTCULLIS_TRUST_POLICY; a policy file that cannot be read
 * throws TrustPolicyError, since judging as though there were no policy would let unsigned
 * images in.
 */
export async function gatherSignatureFacts(
  images: readonly { image: ImageReference; facts: RegistryFacts }[],
  registry: unknown,
  trust: TrustPolicySet | null = trustPolicyFromEnv(),
): Promise<void> {
  if (!trust) return;
  const source = isSignatureSource(registry) ? registry : null;
  const verifications = new Map<string, () => Promise<SignatureFacts[]>>();
  const pending: { facts: RegistryFacts; key: string }[] = [];
  for (const { image, facts } of images) {
    if (facts.trust_policy !== undefined) continue; // shared by references to the same image
    const match = matchTrustPolicy(trust, image);
    facts.trust_policy = trustPolicyFacts(trust, match);
    facts.signatures = null;
    if (!match || facts.digest === null) continue;
    const digest = facts.digest;
    const key = `${image.name}@${digest}`;
    pending.push({ facts, key });
    if (verifications.has(key)) continue;
    const signers = { ...match.policy, trustedRoot: trust.trustedRoot };
    verifications.set(key, async () =>
      source
        ? verifyImageSignatures(source, image, digest, signers)
        : [unavailable('the registry client in use cannot list signatures')],
    );
  }
  const results = await runLimited([...verifications.entries()], VERIFY_CONCURRENCY);
  for (const { facts, key } of pending) facts.signatures = results.get(key) ?? null;
}

function trustPolicyFacts(
  trust: TrustPolicySet,
  match: { policy: TrustPolicy; pattern: string } | null,
): TrustPolicyFacts {
  return {
    matched: match !== null,
    pattern: match?.pattern ?? null,
    signers: match ? policySigners(match.policy) : [],
    unmatched: trust.unmatched,
  };
}

export function policySigners(policy: TrustPolicy): TrustPolicySigner[] {
  return [
    ...policy.keys.map((key) => ({ key: key.fingerprint, issuer: null, subject: null })),
    ...policy.keyless.map(({ issuer, subject }) => ({ key: null, issuer, subject })),
  ];
}

function unavailable(message: string): SignatureFacts {
  return {
    verified: false,
    format: null,
    signer: null,
    issuer: null,
    digest: null,
    error: { code: 'lookup_failed', message },
  };
}

function isSignatureSource(value: unknown): value is SignatureSource {
  const candidate = value as Partial<SignatureSource> | null;
  return (
    typeof candidate?.manifest === 'function' &&
    typeof candidate.blob === 'function' &&
    typeof candidate.referrers === 'function'
  );
}
