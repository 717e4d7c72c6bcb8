/**
 * Verifies the cosign signatures of an image digest against the signers a trust policy
 * accepts, in both formats cosign writes:
 *
 * - **Sigstore bundle** (`cosign sign --new-bundle-format`): an OCI artifact whose `subject`
 *   is the image, found through the referrers API or its `sha256-<hex>` tag fallback (both in
 *   `RegistryClient.referrers`). Its layer is a bundle holding a DSSE envelope around an
 *   in-toto statement whose subject is the image digest.
 * - **Simple signing** (the format cosign has always written): the manifest tagged
 *   `sha256-<hex>.sig`, one layer per signature, each layer a JSON payload naming the digest
 *   (`critical.image.docker-manifest-digest`) with its signature in the
 *   `dev.cosignproject.cosign/signature` annotation.
 *
 * The cryptography is `@sigstore/verify`'s for both: a simple-signing layer is handed to it
 * as a message-signature bundle over the payload (which is exactly what it is). What is ours:
 * finding the artifacts, choosing which trusted key to try (the hint in a bundle is not
 * authenticated, so every key is tried), reading the payloads and comparing the digest they
 * name with the image's, and matching keyless identities with the policy's globs.
 *
 * Keys are trust anchors of their own: for a key, the signature and the key are checked, and
 * transparency-log entries and timestamps are neither required nor checked (as
 * `cosign verify --insecure-ignore-tlog`), unless the policy sets `require_tlog`: then a Rekor
 * entry must be there, and its signed entry timestamp, inclusion proof (RFC 6962, against a
 * checkpoint signed by the log) and body must verify against the trusted root's logs. Keyless certificates need the operator's Sigstore
 * trusted root, and then everything it lists is required: a chain to one of its certificate
 * authorities, a timestamp, an SCT when it lists CT logs, a log entry when it lists logs.
 */
import { createHash } from 'node:crypto';
import { bundleFromJSON, toMessageSignatureBundle } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import {
  type SignedEntity,
  type Signer,
  type TrustMaterial,
  toSignedEntity,
  toTrustMaterial,
  VerificationError,
  Verifier,
} from '@sigstore/verify';
import { errorMessage } from '../errors.js';
import type { SignatureErrorCode, SignatureFacts, SignatureFormat } from '../input/signatures.js';
import type { FetchedManifest, ManifestName, RepositoryName } from '../registry/client.js';
import { RegistryError } from '../registry/errors.js';
import type { Descriptor } from '../registry/manifest.js';
import { checkJson, type JsonSchema, parseJson } from '../schema/parse-json.js';
import { type KeylessIdentity, subjectMatches, type TrustedKey } from './trust-policy.js';

/** What verification needs of a registry: RegistryClient fits. */
export interface SignatureSource {
  manifest(name: ManifestName): Promise<FetchedManifest>;
  blob(name: RepositoryName, digest: string): Promise<Buffer>;
  referrers(name: RepositoryName, digest: string, options?: { artifactType?: string }): Promise<Descriptor[]>;
}

/** Who may sign: a trust policy's keys and identities, and the trust roots for identities. */
export interface Signers {
  keys: TrustedKey[];
  keyless: KeylessIdentity[];
  trustedRoot: TrustedRoot | null;
  /** A key signature counts only with a transparency-log entry that verifies (`require_tlog`). */
  requireTlog?: boolean;
}

const BUNDLE_MEDIA_TYPE_PREFIX = 'application/vnd.dev.sigstore.bundle';
const EMPTY_CONFIG_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
const PREDICATE_ANNOTATION = 'dev.sigstore.bundle.predicateType';
const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** An image signature made by `cosign sign`, rather than another attestation on the same image. */
const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
/** A registry holding thousands of signatures for one digest is abuse, not signing. */
const MAX_SIGNATURES = 50;

/**
 * Every cosign signature of `digest` in the image's repository, each judged against
 * `signers`. Empty when the image is unsigned; a single `lookup_failed` entry when the
 * registry could not be asked. Never throws for what a registry sends.
 */
export async function verifyImageSignatures(
  source: SignatureSource,
  name: RepositoryName,
  digest: string,
  signers: Signers,
): Promise<SignatureFacts[]> {
  const repository = { registry: name.registry, repository: name.repository };
  try {
    const [bundles, simple] = await Promise.all([
      bundleSignatures(source, repository, digest, signers),
      simpleSignatures(source, repository, digest, signers),
    ]);
    return [...bundles, ...simple];
  } catch (error) {
    return [failed(null, 'lookup_failed', `its signatures could not be looked up: ${errorMessage(error)}`)];
  }
}

async function bundleSignatures(
  source: SignatureSource,
  name: RepositoryName,
  digest: string,
  signers: Signers,
): Promise<SignatureFacts[]> {
  const referrers = await source.referrers(name, digest);
  // The tag fallback's index (as go-containerregistry, and so cosign, writes it) gives a
  // bundle the artifactType of its empty config; the manifest itself says what it is.
  const candidates = referrers
    .filter(
      ({ artifactType }) =>
        artifactType === undefined ||
        artifactType === EMPTY_CONFIG_MEDIA_TYPE ||
        artifactType.startsWith(BUNDLE_MEDIA_TYPE_PREFIX),
    )
    .slice(0, MAX_SIGNATURES);
  const results = await Promise.all(
    candidates.map(async (entry): Promise<SignatureFacts[]> => {
      const artifact = await source.manifest({ ...name, digest: entry.digest });
      const manifest = artifact.manifest;
      if (manifest.kind !== 'manifest') return [];
      const layers = manifest.layers.filter((layer) => layer.mediaType.startsWith(BUNDLE_MEDIA_TYPE_PREFIX));
      const isBundle = (manifest.artifactType ?? manifest.config.mediaType).startsWith(
        BUNDLE_MEDIA_TYPE_PREFIX,
      );
      if (!isBundle && layers.length === 0) return []; // an SBOM or another artifact
      // `cosign attest` bundles (provenance, SBOMs) say so; they are no signatures of the image.
      const predicate = manifest.annotations?.[PREDICATE_ANNOTATION];
      if (predicate !== undefined && predicate !== COSIGN_SIGN_PREDICATE) return [];
      // The artifact's `subject` is not signed: the digest in the signed statement is what counts.
      return Promise.all(
        layers.map(async (layer) => {
          const bytes = await source.blob(name, layer.digest);
          return verifyBundle(bytes, digest, signers);
        }),
      );
    }),
  );
  return results.flat();
}

async function simpleSignatures(
  source: SignatureSource,
  name: RepositoryName,
  digest: string,
  signers: Signers,
): Promise<SignatureFacts[]> {
  let artifact: FetchedManifest;
  try {
    artifact = await source.manifest({ ...name, tag: `${digest.replace(':', '-')}.sig`, digest: null });
  } catch (error) {
    if (error instanceof RegistryError && error.code === 'not_found') return [];
    throw error;
  }
  if (artifact.manifest.kind !== 'manifest') {
    return [failed('simplesigning', 'malformed', 'the .sig tag names an index, not a signature manifest')];
  }
  const layers = artifact.manifest.layers
    .filter((layer) => layer.mediaType === SIMPLE_SIGNING_MEDIA_TYPE)
    .slice(0, MAX_SIGNATURES);
  return Promise.all(
    layers.map(async (layer) => {
      const payload = await source.blob(name, layer.digest);
      return verifySimpleSigning(payload, layer.annotations ?? {}, digest, signers);
    }),
  );
}

/** Only the outline: bundleFromJSON then checks the bundle against the Sigstore spec, field by field. */
const SIGSTORE_BUNDLE: JsonSchema<Record<string, unknown>> = {
  type: 'object',
  required: ['mediaType'],
  properties: { mediaType: { type: 'string' } },
};

/** A Sigstore bundle holding a DSSE envelope around an in-toto statement, read but not yet verified. */
export interface StatementBundle {
  entity: SignedEntity;
  /** The statement's bytes: believe nothing in them before the signer is verified. */
  payload: Buffer;
  keyless: boolean;
}

/** Reads a Sigstore bundle (JSON bytes) that should sign an in-toto statement; a problem says why not. */
export function readStatementBundle(
  bytes: Uint8Array,
): StatementBundle | { code: SignatureErrorCode; message: string } {
  try {
    const bundle = bundleFromJSON(parseJson(bytes, SIGSTORE_BUNDLE, 'the Sigstore bundle'));
    if (bundle.content.$case !== 'dsseEnvelope') {
      return {
        code: 'unsupported',
        message: 'the bundle holds a message signature, not a signed statement about the image',
      };
    }
    const envelope = bundle.content.dsseEnvelope;
    if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
      return {
        code: 'malformed',
        message: `the bundle's payload is ${envelope.payloadType}, not an in-toto statement`,
      };
    }
    const entity = toSignedEntity(bundle);
    return { entity, payload: envelope.payload, keyless: entity.key.$case === 'certificate' };
  } catch (error) {
    return { code: 'malformed', message: `the bundle cannot be read: ${errorMessage(error)}` };
  }
}

/** A Sigstore bundle (JSON bytes) for `digest`. */
export function verifyBundle(bytes: Uint8Array, digest: string, signers: Signers): SignatureFacts {
  const read = readStatementBundle(bytes);
  if ('code' in read) return failed('bundle', read.code, read.message);
  return judge('bundle', read.entity, statementDigest(read.payload), digest, signers, read.keyless);
}

/** One layer of a `.sig` manifest: its payload bytes and annotations. */
export function verifySimpleSigning(
  payload: Uint8Array,
  annotations: Record<string, string>,
  digest: string,
  signers: Signers,
): SignatureFacts {
  const signature = annotations[SIGNATURE_ANNOTATION];
  if (!signature)
    return failed(
      'simplesigning',
      'malformed',
      `the signature layer has no ${SIGNATURE_ANNOTATION} annotation`,
    );
  if (annotations[CERTIFICATE_ANNOTATION]) {
    // Keyless signatures in this format carry their Rekor entry in another annotation, in
    // a shape of its own; not read yet (docs/signatures.md).
    return failed(
      'simplesigning',
      'unsupported',
      'keyless signatures in the .sig format are not verified yet: sign with --new-bundle-format, or with a key',
    );
  }
  const bytes = Buffer.from(payload);
  const claimed = simpleSigningDigest(bytes);
  const bundle = toMessageSignatureBundle({
    digest: createHash('sha256').update(bytes).digest(),
    signature: Buffer.from(signature, 'base64'),
    keyHint: '',
  });
  return judge('simplesigning', toSignedEntity(bundle, bytes), claimed, digest, signers, false);
}

/**
 * The signature's verdict: its signer first (nothing in an unverified payload can be
 * believed), then the digest its payload names.
 */
function judge(
  format: SignatureFormat,
  entity: SignedEntity,
  claimed: string | { error: string },
  digest: string,
  signers: Signers,
  keyless: boolean,
): SignatureFacts {
  const signer = verifySigner(format === 'bundle' ? 'bundle' : 'payload', entity, signers, keyless);
  if ('code' in signer) {
    return { ...failed(format, signer.code, signer.message), signer: signer.claimed, issuer: signer.issuer };
  }
  const base = { format, signer: signer.signer, issuer: signer.issuer };
  if (typeof claimed !== 'string') {
    const message = `the signed payload is not a cosign image signature: ${claimed.error}`;
    return { ...base, verified: false, digest: null, error: { code: 'malformed', message } };
  }
  if (claimed !== digest) {
    return {
      ...base,
      verified: false,
      digest: claimed,
      error: {
        code: 'digest_mismatch',
        message: `the signature is for ${claimed}, not for this image (${digest})`,
      },
    };
  }
  return { ...base, verified: true, digest: claimed, error: null };
}

export interface SignerFound {
  signer: string;
  issuer: string | null;
}
export interface SignerRejected {
  code: SignatureErrorCode;
  message: string;
  claimed: string | null;
  issuer: string | null;
}

/**
 * Who made a signed entity, if the trust policy accepts them: a key it names, or a keyless
 * identity whose certificate chains to the trusted root. `what` names the signed thing in
 * messages (`bundle`, `payload`).
 */
export function verifySigner(
  what: string,
  entity: SignedEntity,
  signers: Signers,
  keyless: boolean,
): SignerFound | SignerRejected {
  return keyless ? keylessSigner(what, entity, signers) : keySigner(what, entity, signers);
}

const KEY_OPTIONS = { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 };

function keySigner(what: string, entity: SignedEntity, signers: Signers): SignerFound | SignerRejected {
  const hint = entity.key.$case === 'public-key' ? entity.key.hint : '';
  // The key itself is the trust anchor: log entries and timestamps are not needed to believe it.
  const bare: SignedEntity = { ...entity, tlogEntries: [], timestamps: [] };
  for (const trusted of signers.keys) {
    try {
      new Verifier(keyTrustMaterial(trusted), KEY_OPTIONS).verify(bare);
    } catch (error) {
      if (!(error instanceof VerificationError)) throw error;
      continue;
    }
    const logged = signers.requireTlog ? tlogProblem(entity, trusted, signers.trustedRoot) : null;
    if (logged)
      return { code: 'tlog_unverified', message: logged, claimed: trusted.fingerprint, issuer: null };
    return { signer: trusted.fingerprint, issuer: null };
  }
  const named = signers.keys.find((trusted) => hint !== '' && keyHints(trusted).includes(hint));
  if (named) {
    return {
      code: 'tampered',
      message: `the signature does not verify with the key it names (${named.fingerprint}): the ${what} was altered after signing`,
      claimed: named.fingerprint,
      issuer: null,
    };
  }
  return wrongKey(signers);
}

/**
 * Why the signature's transparency-log entries do not prove it was logged, or null when one
 * does: an entry must carry an inclusion proof, and its signed entry timestamp (when it has
 * one), its checkpoint signature, its Merkle path and its body must all verify against a log
 * of the trusted root (`@sigstore/verify` checks all four).
 */
function tlogProblem(entity: SignedEntity, trusted: TrustedKey, root: TrustedRoot | null): string | null {
  if (!root || root.tlogs.length === 0) {
    return 'require_tlog is set, and the trusted root lists no transparency log to check its entry against';
  }
  if (!entity.tlogEntries.some((entry) => entry.inclusionProof !== undefined)) {
    return 'require_tlog is set, and the signature carries no transparency-log entry with an inclusion proof (was it signed with --tlog-upload=false?)';
  }
  try {
    new Verifier(
      toTrustMaterial(root, () => ({ publicKey: trusted.key, validFor: () => true })),
      { tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold: 0 },
    ).verify({ ...entity, timestamps: [] });
    return null;
  } catch (error) {
    if (!(error instanceof VerificationError)) throw error;
    return `its transparency-log entry does not verify against the trusted root's logs (${error.code}): ${error.message}`;
  }
}

function wrongKey(signers: Signers): SignerRejected {
  const accepted = signers.keys.map((k) => k.fingerprint).join(', ');
  return {
    code: 'wrong_signer',
    message:
      signers.keys.length === 0
        ? 'it is signed with a key, and the trust policy accepts only keyless signers'
        : `the signature verifies with none of the keys the trust policy accepts (${accepted}): it was made with another key, or altered after signing`,
    claimed: null,
    issuer: null,
  };
}

function keylessSigner(what: string, entity: SignedEntity, signers: Signers): SignerFound | SignerRejected {
  const certificate = entity.key.$case === 'certificate' ? entity.key.certificate : null;
  const claimed = certificate?.subjectAltName ?? null;
  const reject = (code: SignatureErrorCode, message: string): SignerRejected => ({
    code,
    message,
    claimed,
    issuer: null,
  });
  if (signers.keyless.length === 0) {
    return reject(
      'wrong_signer',
      `it is signed keylessly${claimed ? ` by ${claimed}` : ''}, and the trust policy accepts only keys`,
    );
  }
  if (!signers.trustedRoot) {
    return reject(
      'unsupported',
      'it is signed keylessly, and no Sigstore trusted root is configured to verify certificates (PORTCULLIS_SIGSTORE_TRUSTED_ROOT)',
    );
  }
  const root = signers.trustedRoot;
  let signer: Signer;
  try {
    signer = new Verifier(toTrustMaterial(root), {
      // Whatever the operator's trusted root lists is required; a certificate always needs a timestamp.
      tlogThreshold: root.tlogs.length > 0 ? 1 : 0,
      ctlogThreshold: root.ctlogs.length > 0 ? 1 : 0,
      timestampThreshold: 1,
    }).verify(entity);
  } catch (error) {
    if (error instanceof VerificationError && error.code === 'SIGNATURE_ERROR') {
      return reject(
        'tampered',
        `the signature does not verify with the certificate it carries: the ${what} was altered after signing`,
      );
    }
    return reject(
      'untrusted_certificate',
      `the signing certificate cannot be trusted: ${errorMessage(error)}`,
    );
  }
  const subject = signer.identity?.subjectAlternativeName ?? '';
  const issuer = signer.identity?.extensions?.issuer ?? '';
  const match = signers.keyless.find(
    (identity) => identity.issuer === issuer && subjectMatches(identity.subject, subject),
  );
  if (!match) {
    const accepted = signers.keyless.map((identity) => `${identity.subject} (${identity.issuer})`).join(', ');
    return {
      code: 'wrong_signer',
      message: `it is signed by ${subject || 'an unnamed subject'} (${issuer || 'no issuer'}), not by an identity the trust policy accepts: ${accepted}`,
      claimed: subject || null,
      issuer: issuer || null,
    };
  }
  return { signer: subject, issuer };
}

/** Trust material holding one key, whatever hint the signature gives. */
function keyTrustMaterial(trusted: TrustedKey): TrustMaterial {
  return {
    certificateAuthorities: [],
    timestampAuthorities: [],
    tlogs: [],
    ctlogs: [],
    publicKey: () => ({ publicKey: trusted.key, validFor: () => true }),
  };
}

/** What signers put in a bundle's `publicKey.hint` for a key: cosign its base64 SHA-256, others the hex. */
function keyHints(trusted: TrustedKey): string[] {
  const hex = trusted.fingerprint.slice('sha256:'.length);
  return [hex, Buffer.from(hex, 'hex').toString('base64'), trusted.fingerprint];
}

/** An in-toto statement, the fields read; the values are judged below, with reasons of their own. */
const STATEMENT: JsonSchema<{ predicateType?: unknown; subject?: { digest?: { sha256?: string } }[] }> = {
  type: 'object',
  properties: {
    subject: {
      type: 'array',
      items: {
        type: 'object',
        properties: { digest: { type: 'object', properties: { sha256: { type: 'string' } } } },
      },
    },
  },
};

/** The sha256 digest an in-toto statement names as its subject, if it is a cosign signature. */
function statementDigest(payload: Buffer): string | { error: string } {
  const checked = checkJson(payload, STATEMENT);
  if ('problem' in checked) return { error: checked.problem };
  const statement = checked.value;
  if (statement.predicateType !== COSIGN_SIGN_PREDICATE) {
    return {
      error: `its predicate is ${JSON.stringify(statement.predicateType)}, not ${COSIGN_SIGN_PREDICATE}`,
    };
  }
  const hex = (statement.subject ?? []).map((subject) => subject.digest?.sha256).find((value) => value);
  return hex !== undefined && /^[0-9a-f]{64}$/.test(hex)
    ? `sha256:${hex}`
    : { error: 'its subject has no sha256 digest' };
}

/** A simple-signing payload (containers/image's signature format as cosign writes it), the fields read. */
const SIMPLE_SIGNING: JsonSchema<{
  critical: { type?: unknown; image?: { 'docker-manifest-digest'?: string } };
}> = {
  type: 'object',
  required: ['critical'],
  properties: {
    critical: {
      type: 'object',
      properties: {
        image: { type: 'object', properties: { 'docker-manifest-digest': { type: 'string' } } },
      },
    },
  },
};

/** `critical.image.docker-manifest-digest` of a simple-signing payload. */
function simpleSigningDigest(payload: Buffer): string | { error: string } {
  const checked = checkJson(payload, SIMPLE_SIGNING);
  if ('problem' in checked) return { error: checked.problem };
  const { critical } = checked.value;
  if (critical.type !== 'cosign container image signature') {
    return { error: `its type is ${JSON.stringify(critical.type)}` };
  }
  const value = critical.image?.['docker-manifest-digest'];
  return value !== undefined && /^sha(256|384|512):[0-9a-f]+$/.test(value)
    ? value
    : { error: 'it names no manifest digest' };
}

function failed(format: SignatureFormat | null, code: SignatureErrorCode, message: string): SignatureFacts {
  return { verified: false, format, signer: null, issuer: null, digest: null, error: { code, message } };
}
