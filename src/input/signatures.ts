/**
 * What the policy input says about an image's signatures (`registry_facts.signatures`) and
 * the trust policy that covers it (`registry_facts.trust_policy`). Both are present only
 * when a trust policy is configured; docs/policy-input.md and docs/signatures.md describe them.
 */

/**
 * The two cosign formats (a Sigstore bundle as an OCI referrer, or the `sha256-<hex>.sig` tag)
 * and the two Notation envelopes (JWS, COSE).
 */
export type SignatureFormat = 'bundle' | 'simplesigning' | 'jws' | 'cose';

/** Who made a signature: cosign, or the Notary Project's Notation. */
export type SignatureKind = 'cosign' | 'notation';

/** Notation's verification levels (trust-store-trust-policy.md). */
export type NotationLevel = 'strict' | 'permissive' | 'audit' | 'skip';

/**
 * Why a signature does not count, as a value rules can branch on:
 * - `wrong_signer`: it verifies with no key or identity the trust policy names;
 * - `tampered`: it does not verify with the very key or certificate it names (the payload or
 *   the signature was changed after signing);
 * - `digest_mismatch`: it is valid, but for another image (the payload names another digest);
 * - `untrusted_certificate`: the certificate does not chain to the operator's trusted root,
 *   or has no valid timestamp, SCT or transparency-log entry;
 * - `expired`: a Notation signing certificate (with no verified timestamp proving an earlier
 *   signature) or the signature's own expiry has passed;
 * - `malformed`: the artifact, bundle or payload cannot be read as a cosign signature;
 * - `unsupported`: a kind of signature Portcullis cannot verify (e.g. keyless without a trusted root);
 * - `lookup_failed`: the registry could not be asked for signatures (then it is the only entry);
 * - `tlog_unverified`: the trust policy sets `require_tlog`, and the signature has no
 *   transparency-log entry whose signed entry timestamp and inclusion proof verify against the
 *   trusted root's logs.
 */
export type SignatureErrorCode =
  | 'wrong_signer'
  | 'tampered'
  | 'digest_mismatch'
  | 'untrusted_certificate'
  | 'expired'
  | 'malformed'
  | 'unsupported'
  | 'lookup_failed'
  | 'tlog_unverified';

export interface SignatureFacts {
  /** `notation` for a Notary Project signature; absent for cosign's (the input's older shape, kept). */
  kind?: SignatureKind;
  /** True when the signature is valid, for this digest, by a signer the trust policy names. */
  verified: boolean;
  /** Null only for a `lookup_failed` entry, where no signature was read. */
  format: SignatureFormat | null;
  /**
   * The key (`sha256:<hex>` of its DER SubjectPublicKeyInfo) or the certificate's subject
   * (e-mail or URI) that made the signature. When `verified` is false this is only what the
   * signature claims, or null when it names no signer that could be identified.
   */
  signer: string | null;
  /** The OIDC issuer in a keyless certificate; null for keys. For Notation, the signing certificate's issuer DN. */
  issuer: string | null;
  /** The image digest the signed payload names; null when the payload could not be read. */
  digest: string | null;
  error: { code: SignatureErrorCode; message: string } | null;
  /** Notation only: the trust policy's verification level. */
  level?: NotationLevel;
  /** Notation only: checks that failed and were only logged at that level (`expiry: the signature expired on …`). */
  logged?: string[];
}

/** A signer a trust policy accepts: a key, or a keyless identity. */
export interface TrustPolicySigner {
  /** `notation` for a policy's Notation signers (then `subject` lists the trusted identities and `issuer` the trust store's CAs); cosign otherwise. */
  kind?: SignatureKind;
  /** Notation only: the verification level. */
  level?: NotationLevel;
  /** `sha256:<hex>` fingerprint of a public key; null for a keyless identity. */
  key: string | null;
  /** OIDC issuer of a keyless identity; null for a key. */
  issuer: string | null;
  /** Subject glob of a keyless identity; null for a key. */
  subject: string | null;
}

export interface TrustPolicyFacts {
  /** Whether one of the configured trust policies covers the image. */
  matched: boolean;
  /** The `images` pattern that matched; null when none did. */
  pattern: string | null;
  /** The signers the matching policy accepts (any one suffices); empty when none matched. */
  signers: TrustPolicySigner[];
  /** How the configuration asks images without a policy to be reported: `info`, `warn`, `deny` or `ignore`. */
  unmatched: 'info' | 'warn' | 'deny' | 'ignore';
  /**
   * The SLSA provenance the policy requires (PC-SIG-003): a verified attestation from one of
   * `builders` (globs over the builder id), built from one of `source_repositories` (globs; empty:
   * any); null when not required or no policy matched.
   */
  provenance?: { builders: string[]; source_repositories: string[] } | null;
  /** Whether the policy requires a verified SPDX or CycloneDX attestation (PC-SIG-004). */
  require_sbom?: boolean;
  /** Whether key signatures count only with a verified transparency-log entry (`tlog_unverified` otherwise). */
  require_tlog?: boolean;
}
