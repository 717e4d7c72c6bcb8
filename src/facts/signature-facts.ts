/**
 * Signature facts: for each looked-up image, the trust policy that covers it
 * (`registry_facts.trust_policy`), its cosign and Notation signatures and its attestations,
 * verified against that policy's signers (`registry_facts.signatures`, `registry_facts.attestations`). Gathered right after the registry facts, from the
 * digests they resolved, and only when a trust policy is configured: without one, the input
 * has neither field and nothing changes.
 *
 * The verified SBOM attestations found on the way are handed to the reference scans
 * (`sboms`), which scan them instead of pulling the image.
 */
import type { AttestationFacts } from '../input/attestations.js';
import type { RegistryFacts } from '../input/policy-input.js';
import type { SignatureFacts, TrustPolicyFacts, TrustPolicySigner } from '../input/signatures.js';
import { verifyImageAttestations } from '../signatures/attestations.js';
import { distinguishedName, verifyNotationSignatures } from '../signatures/notation.js';
import { matchTrustPolicy, type TrustPolicy, type TrustPolicySet } from '../signatures/trust-policy.js';
import { type SignatureSource, verifyImageSignatures } from '../signatures/verify.js';
import type { ImageSbom } from './reference-scans.js';
import { runLimited } from './run-limited.js';
import { type FactsBySite, type ImageSite, setFactsAt } from './sites.js';

const VERIFY_CONCURRENCY = 4;

/** What signature facts add to an image's `registry_facts`. */
export type ImageSignatureFacts = Required<
  Pick<RegistryFacts, 'trust_policy' | 'signatures' | 'attestations'>
>;

/**
 * `trust_policy` and `signatures` for each looked-up image, by site. An image whose digest
 * could not be resolved gets `signatures: null` (its registry error says why). Called only
 * with a trust policy: without one the input has neither field.
 */
export async function gatherSignatureFacts(
  images: readonly (ImageSite & { facts: RegistryFacts })[],
  registry: unknown,
  trust: TrustPolicySet,
  /** Filled with each image's verified SBOM attestations, by `<image name>@<digest>`. */
  sboms?: Map<string, readonly ImageSbom[]>,
): Promise<FactsBySite<ImageSignatureFacts>> {
  const found: FactsBySite<ImageSignatureFacts> = new Map();
  const source = isSignatureSource(registry) ? registry : null;
  const verifications = new Map<string, () => Promise<Verified>>();
  // Sites that share a look-up share its signature facts, as they share the registry facts.
  const byLookUp = new Map<RegistryFacts, { facts: ImageSignatureFacts; key: string | null }>();
  for (const site of images) {
    const { image, facts } = site;
    let entry = byLookUp.get(facts);
    if (!entry) {
      const match = matchTrustPolicy(trust, image);
      entry = {
        facts: { trust_policy: trustPolicyFacts(trust, match), signatures: null, attestations: null },
        key: null,
      };
      byLookUp.set(facts, entry);
      if (match && facts.digest !== null) {
        const digest = facts.digest;
        entry.key = `${image.name}@${digest}`;
        if (!verifications.has(entry.key)) {
          const signers = { ...match.policy, trustedRoot: trust.trustedRoot };
          const notation = match.policy.notation;
          verifications.set(entry.key, async (): Promise<Verified> => {
            if (!source) {
              const message = 'the registry client in use cannot list signatures';
              return { signatures: [unavailable(message)], attestations: [], sboms: [] };
            }
            const [cosign, notary, attested] = await Promise.all([
              verifyImageSignatures(source, image, digest, signers),
              notation ? verifyNotationSignatures(source, image, digest, notation) : [],
              verifyImageAttestations(source, image, digest, signers),
            ]);
            return {
              signatures: [...cosign, ...notary],
              attestations: attested.attestations,
              sboms: attested.sboms,
            };
          });
        }
      }
    }
    setFactsAt(found, site, entry.facts);
  }
  const results = await runLimited([...verifications.entries()], VERIFY_CONCURRENCY);
  for (const [key, verified] of results) if (verified.sboms.length > 0) sboms?.set(key, verified.sboms);
  for (const { facts, key } of byLookUp.values()) {
    const verified = key === null ? undefined : results.get(key);
    if (verified) {
      facts.signatures = verified.signatures;
      facts.attestations = verified.attestations;
    }
  }
  return found;
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
    provenance: match?.policy.provenance ?? null,
    require_sbom: match?.policy.requireSbom ?? false,
    require_tlog: match?.policy.requireTlog ?? false,
  };
}

interface Verified {
  signatures: SignatureFacts[];
  attestations: AttestationFacts[];
  sboms: ImageSbom[];
}

export function policySigners(policy: TrustPolicy): TrustPolicySigner[] {
  return [
    ...policy.keys.map((key) => ({ key: key.fingerprint, issuer: null, subject: null })),
    ...policy.keyless.map(({ issuer, subject }) => ({ key: null, issuer, subject })),
    ...(policy.notation
      ? [
          {
            kind: 'notation' as const,
            key: null,
            issuer: policy.notation.trustStore.map((ca) => distinguishedName(ca.subject)).join('; ') || null,
            subject: policy.notation.identities.map((identity) => identity.text).join('; ') || null,
            level: policy.notation.level,
          },
        ]
      : []),
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
