/**
 * What the policy input says about an image's in-toto attestations
 * (`registry_facts.attestations`): present only when a trust policy is configured, like the
 * signatures. docs/policy-input.md and docs/signatures.md describe them.
 */

/** Where the attestation was found: a Sigstore bundle referrer, or a DSSE layer of the `sha256-<hex>.att` tag. */
export type AttestationFormat = 'bundle' | 'dsse';

/** One resolved input of a build (SLSA `resolvedDependencies`, v0.2 `materials`). */
export interface AttestationMaterial {
  /** e.g. `git+https://github.com/acme/web@refs/heads/main`; null when the material names none. */
  uri: string | null;
  /** Algorithm → hex, as the predicate writes it: `{"sha256": "…"}`, `{"gitCommit": "…"}`. */
  digest: Record<string, string>;
}

export interface AttestationFacts {
  /** The statement's `predicateType`, e.g. `https://slsa.dev/provenance/v1`; null when it could not be read. */
  predicate_type: string | null;
  format: AttestationFormat | null;
  /** True when the signature is valid, by a signer the trust policy names, and the statement's subject is this digest. */
  verified: boolean;
  /** Key fingerprint or certificate subject; when not verified, only what the signature claims. */
  signer: string | null;
  /** OIDC issuer of a keyless certificate; null for keys. */
  issuer: string | null;
  /** Why it does not count; null when verified. */
  reason: { code: string; message: string } | null;
  /** SLSA provenance: `runDetails.builder.id` (v1) or `builder.id` (v0.2); null otherwise. */
  builder_id: string | null;
  /** SLSA provenance: the repository built from (the workflow's repository, or the git material); null when it names none. */
  source_repository: string | null;
  /** SLSA provenance: the ref built (`refs/heads/main`, `refs/tags/v1`); null when it names none. */
  source_ref: string | null;
  /** SLSA provenance: `buildDefinition.buildType` (v1) or `buildType` (v0.2). */
  build_type: string | null;
  /** SLSA provenance: the build's resolved dependencies; empty for other predicates. */
  materials: AttestationMaterial[];
}
