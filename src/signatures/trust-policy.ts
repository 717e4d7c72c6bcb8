/**
 * Trust policies: which signers an image must be signed by, chosen by the image's name, and
 * what else it must carry (provenance, an SBOM, a transparency-log entry).
 *
 * Read from the operator's YAML file named by PORTCULLIS_TRUST_POLICY and from `trust:` in
 * the repository's `.github/portcullis.yml` (base commit), in the same shape; where both
 * exist, `mergeTrustPolicies` puts the operator's first (docs/signatures.md).
 *
 * ```yaml
 * policies:
 *   - images: ["ghcr.io/acme/**"]
 *     keys: ["keys/cosign.pub"]          # a path (relative to this file) or the PEM itself
 *     keyless:
 *       - issuer: https://token.actions.githubusercontent.com
 *         subject: https://github.com/acme/*\/.github/workflows/release.yml@refs/tags/*
 *     require_tlog: true                 # key signatures need a verified Rekor entry too
 * provenance:                            # for every policy that does not set its own
 *   builders: ["https://github.com/actions/runner/github-hosted"]
 *   source_repositories: ["https://github.com/acme/*"]
 * require_sbom: true
 * unmatched: info                        # info | warn | deny | ignore
 * ```
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import picomatch from 'picomatch';
import { parse as parseYaml } from 'yaml';
import { formatKeyPath, plainDataProblem } from '../config/plain-data.js';
import { errorMessage } from '../errors.js';
import type { ImageReference } from '../image/reference.js';
import { MAX_KEY_BYTES, readOperatorFile } from '../operator-file.js';
import { type Settings, settings } from '../settings.js';
import { type NotationPolicy, notationPolicyFromDocument } from './notation-policy.js';
import { defaultTrustedRoot, loadTrustedRoot } from './trusted-root.js';

export const TRUST_POLICY_VARIABLE = 'PORTCULLIS_TRUST_POLICY';
export const TRUSTED_ROOT_VARIABLE = 'PORTCULLIS_SIGSTORE_TRUSTED_ROOT';

/** How an image that no trust policy covers is reported; `ignore` says nothing. */
export type UnmatchedLevel = 'info' | 'warn' | 'deny' | 'ignore';
const UNMATCHED_LEVELS: readonly UnmatchedLevel[] = ['info', 'warn', 'deny', 'ignore'];

/** A cosign public key the policy accepts. */
export interface TrustedKey {
  /** `sha256:<hex>` of the key's DER SubjectPublicKeyInfo: how facts and messages name the key. */
  fingerprint: string;
  key: KeyObject;
}

/** A keyless (Fulcio certificate) signer: the OIDC issuer exactly, the subject as a glob. */
export interface KeylessIdentity {
  issuer: string;
  /** Matched against the certificate's subject alternative name (an e-mail or URI); `*` stops at `/`, `**` does not. */
  subject: string;
}

/** Which SLSA provenance an image must carry: globs over the builder id and the source repository. */
export interface ProvenanceRequirement {
  builders: string[];
  /** Empty: any source repository. */
  source_repositories: string[];
}

export interface TrustPolicy {
  /** Globs over the normalised `registry/repository`, e.g. `ghcr.io/acme/**`. */
  images: string[];
  /** A signature by any one of these keys or identities satisfies the policy. */
  keys: TrustedKey[];
  keyless: KeylessIdentity[];
  /** Notary Project signers (a trust store of CAs and trusted identities) and Notation's verification level; null: none. */
  notation: NotationPolicy | null;
  /**
   * Key-signed signatures and attestations count only with a Rekor entry whose signed entry
   * timestamp and inclusion proof verify against the trusted root's logs (keyless ones need
   * it whenever the root lists logs).
   */
  requireTlog: boolean;
  /** A verified SLSA provenance attestation from one of these builders is required (PC-SIG-003); null: not required. */
  provenance: ProvenanceRequirement | null;
  /** A verified SPDX or CycloneDX attestation is required (PC-SIG-004). */
  requireSbom: boolean;
}

export interface TrustPolicySet {
  /** In file order; the first policy with a matching pattern is the image's. */
  policies: TrustPolicy[];
  unmatched: UnmatchedLevel;
  /** Sigstore trust roots for keyless signers and transparency-log proofs: the operator's, else the shipped public-good one (null only in tests). */
  trustedRoot: TrustedRoot | null;
}

/** The policy that covers an image, and the pattern that chose it. */
export interface MatchedTrustPolicy {
  policy: TrustPolicy;
  pattern: string;
}

/** A trust policy that cannot be read: a configuration error, reported as such (never "no policy"). */
export class TrustPolicyError extends Error {
  override readonly name = 'TrustPolicyError';
}

/**
 * The trust policies the operator configured: the YAML file PORTCULLIS_TRUST_POLICY names,
 * with the Sigstore trusted root PORTCULLIS_SIGSTORE_TRUSTED_ROOT names. Null when the
 * variable is unset, so that nothing changes for users without a trust policy.
 */
/** An operator's trust policy is a page of YAML: the cap only stops a wrong path (a device, a disk image) from being read. */
const MAX_TRUST_POLICY_BYTES = 1 << 20;

export function trustPolicyFromEnv(from: Settings = settings()): TrustPolicySet | null {
  const path = from.trustPolicy;
  if (!path) return null;
  const trustedRoot = trustedRootFromEnv(from);
  let document: unknown;
  try {
    document = parseYaml(readOperatorFile(path, MAX_TRUST_POLICY_BYTES).toString('utf8'));
  } catch (error) {
    throw new TrustPolicyError(
      `The trust policy ${path} (${TRUST_POLICY_VARIABLE}) cannot be read: ${errorMessage(error)}`,
    );
  }
  return trustPolicyFromDocument(document, { baseDir: dirname(resolve(path)), source: path, trustedRoot });
}

/** The trusted root PORTCULLIS_SIGSTORE_TRUSTED_ROOT names, else the public-good one (shipped or refreshed through TUF). */
export function trustedRootFromEnv(from: Settings = settings()): TrustedRoot {
  const path = from.sigstoreTrustedRoot;
  if (!path) return defaultTrustedRoot();
  try {
    return loadTrustedRoot(path);
  } catch (error) {
    throw new TrustPolicyError(
      `The Sigstore trusted root ${path} (${TRUSTED_ROOT_VARIABLE}) cannot be read: ${errorMessage(error)}`,
    );
  }
}

/**
 * Validates a parsed trust-policy document and loads its keys. Key paths are relative to
 * `baseDir`; `source` names the document in error messages.
 */
export function trustPolicyFromDocument(
  document: unknown,
  options: { baseDir: string; source: string; trustedRoot?: TrustedRoot | null },
): TrustPolicySet {
  const fail = (where: string, why: string): never => {
    throw new TrustPolicyError(`The trust policy ${options.source} is invalid: ${where}: ${why}`);
  };
  if (!isRecord(document)) return fail('the document', 'expected a mapping with `policies:`');
  const unsafe = plainDataProblem(document);
  if (unsafe) return fail(formatKeyPath(unsafe.path), unsafe.message);
  const unmatched = document.unmatched ?? 'info';
  if (!UNMATCHED_LEVELS.includes(unmatched as UnmatchedLevel)) {
    fail('unmatched', `expected one of ${UNMATCHED_LEVELS.join(', ')}, not ${JSON.stringify(unmatched)}`);
  }
  if (!Array.isArray(document.policies)) return fail('policies', 'expected a list');
  const defaults = {
    requireTlog: flag(document.require_tlog, 'require_tlog', fail) ?? false,
    requireSbom: flag(document.require_sbom, 'require_sbom', fail) ?? false,
    provenance: provenanceRequirement(document.provenance, 'provenance', fail) ?? null,
  };
  const policies = document.policies.map((entry: unknown, index: number): TrustPolicy => {
    const where = `policies[${index}]`;
    if (!isRecord(entry)) return fail(where, 'expected a mapping with `images:` and `keys:` or `keyless:`');
    const images = stringList(entry.images, `${where}.images`, fail);
    if (images.length === 0) fail(`${where}.images`, 'name at least one image pattern');
    const keys = stringList(entry.keys ?? [], `${where}.keys`, fail).map((value, k) =>
      loadKey(value, options.baseDir, (why) => fail(`${where}.keys[${k}]`, why)),
    );
    const keylessList = entry.keyless ?? [];
    if (!Array.isArray(keylessList)) fail(`${where}.keyless`, 'expected a list of {issuer, subject}');
    const keyless = (keylessList as unknown[]).map((identity, k): KeylessIdentity => {
      const at = `${where}.keyless[${k}]`;
      if (
        !isRecord(identity) ||
        typeof identity.issuer !== 'string' ||
        typeof identity.subject !== 'string'
      ) {
        return fail(at, 'expected {issuer, subject}, both strings');
      }
      if (!identity.issuer || !identity.subject) fail(at, 'issuer and subject must not be empty');
      return { issuer: identity.issuer, subject: identity.subject };
    });
    const notation = notationPolicyFromDocument(entry.notation, `${where}.notation`, options.baseDir, fail);
    if (keys.length === 0 && keyless.length === 0 && !notation) {
      fail(
        where,
        'name the signers: `keys:` (cosign public keys), `keyless:` ({issuer, subject}) or `notation:` ({trust_store, identities})',
      );
    }
    return {
      images,
      keys,
      keyless,
      notation,
      requireTlog: flag(entry.require_tlog, `${where}.require_tlog`, fail) ?? defaults.requireTlog,
      requireSbom: flag(entry.require_sbom, `${where}.require_sbom`, fail) ?? defaults.requireSbom,
      provenance: provenanceRequirement(entry.provenance, `${where}.provenance`, fail) ?? defaults.provenance,
    };
  });
  return { policies, unmatched: unmatched as UnmatchedLevel, trustedRoot: options.trustedRoot ?? null };
}

/** `unmatched` levels from the most lenient to the strictest. */
const STRICTNESS: readonly UnmatchedLevel[] = ['ignore', 'info', 'warn', 'deny'];

/**
 * The operator's trust policy over the repository's: the operator's policies come first, so
 * an image any of the operator's `images` patterns matches is judged by the operator's policy
 * alone (first match wins), whatever the repository says about it; the repository's policies
 * judge the images the operator's patterns do not cover. Of the two `unmatched` levels the
 * stricter holds, and the operator's trusted root (or the shipped one) serves both.
 */
export function mergeTrustPolicies(operator: TrustPolicySet, repository: TrustPolicySet): TrustPolicySet {
  const unmatched =
    STRICTNESS.indexOf(operator.unmatched) >= STRICTNESS.indexOf(repository.unmatched)
      ? operator.unmatched
      : repository.unmatched;
  return {
    policies: [...operator.policies, ...repository.policies],
    unmatched,
    trustedRoot: operator.trustedRoot ?? repository.trustedRoot,
  };
}

/**
 * The first policy one of whose patterns matches the image's `registry/repository`.
 * Registry hosts are case-insensitive, so the match is too.
 */
export function matchTrustPolicy(set: TrustPolicySet, image: ImageReference): MatchedTrustPolicy | null {
  for (const policy of set.policies) {
    const pattern = policy.images.find((glob) => imageMatcher(glob)(image.name));
    if (pattern !== undefined) return { policy, pattern };
  }
  return null;
}

/** Whether a certificate subject matches a keyless identity's subject glob. */
export function subjectMatches(pattern: string, subject: string): boolean {
  return picomatch(pattern, { dot: true, nobrace: true, noextglob: true })(subject);
}

const matchers = new Map<string, (name: string) => boolean>();
function imageMatcher(glob: string): (name: string) => boolean {
  let matcher = matchers.get(glob);
  if (!matcher) {
    matcher = picomatch(glob, { dot: true, nocase: true });
    matchers.set(glob, matcher);
  }
  return matcher;
}

/** A PEM public key, given inline or as a path to a file (cosign.pub). */
export function loadKey(value: string, baseDir: string, fail: (why: string) => never): TrustedKey {
  let pem = value;
  if (!value.includes('-----BEGIN')) {
    const path = isAbsolute(value) ? value : resolve(baseDir, value);
    try {
      pem = readOperatorFile(path, MAX_KEY_BYTES).toString('utf8');
    } catch (error) {
      return fail(`cannot read the key file ${path}: ${errorMessage(error)}`);
    }
  }
  try {
    return trustedKey(createPublicKey(pem));
  } catch (error) {
    return fail(`not a PEM public key (as cosign.pub is): ${errorMessage(error)}`);
  }
}

export function trustedKey(key: KeyObject): TrustedKey {
  return { fingerprint: keyFingerprint(key), key };
}

/** `sha256:<hex>` of the DER SubjectPublicKeyInfo. */
export function keyFingerprint(key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}

function stringList(value: unknown, where: string, fail: (where: string, why: string) => never): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.trim() !== '')) {
    return fail(where, 'expected a list of non-empty strings');
  }
  return value;
}

function flag(
  value: unknown,
  where: string,
  fail: (where: string, why: string) => never,
): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') return fail(where, 'expected true or false');
  return value;
}

function provenanceRequirement(
  value: unknown,
  where: string,
  fail: (where: string, why: string) => never,
): ProvenanceRequirement | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) return fail(where, 'expected {builders: [...], source_repositories: [...]}');
  const builders = stringList(value.builders, `${where}.builders`, fail);
  if (builders.length === 0) fail(`${where}.builders`, 'name at least one builder id (a glob)');
  const sources = stringList(value.source_repositories ?? [], `${where}.source_repositories`, fail);
  return { builders, source_repositories: sources };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
