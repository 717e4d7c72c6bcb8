/**
 * Verifies the Notary Project (Notation) signatures of an image digest against a trust
 * policy's `notation:` entry, as `notation verify` would with the equivalent trustpolicy.json.
 *
 * Signatures are OCI referrers of the image with artifact type
 * `application/vnd.cncf.notary.signature`, found through the referrers API or its
 * `sha256-<hex>` tag fallback (both `RegistryClient.referrers`); each holds one envelope blob,
 * JWS or COSE (notation-envelope.ts). The checks and their order are Notation's
 * (trust-store-trust-policy.md, "Signature verification details"), each enforced, logged or
 * skipped as the policy's level says:
 *
 * - integrity: the envelope and its critical headers are valid, the signature verifies with
 *   the leaf certificate's key, the chain is a chain (each certificate issued by the next, the
 *   leaf no CA and without a non-code-signing extended key usage, as notation-core-go checks;
 *   its key-usage bits are not read, Node does not expose them), and every certificate was
 *   valid at the signing time;
 * - authenticity: the chain leads to a CA in the trust store, and the leaf's subject is a
 *   trusted identity;
 * - authenticTimestamp: without a signing authority's authentic signing time, the
 *   certificates must be valid now (an RFC 3161 timestamp countersignature is not verified
 *   here, so it is not taken as proof of an earlier signing time);
 * - expiry: the signature's own `io.cncf.notary.expiry` has not passed;
 * - revocation: not checked (no network: OCSP and CRLs would be fetched); docs/signatures.md.
 *
 * Last, the payload's target artifact must be the image's digest: the artifact's `subject` is
 * not signed, the payload is.
 */
import { constants, type KeyObject, verify, type X509Certificate } from 'node:crypto';
import { errorMessage } from '../errors.js';
import type { SignatureErrorCode, SignatureFacts } from '../input/signatures.js';
import type { FetchedManifest, RepositoryName } from '../registry/client.js';
import { checkJson, type JsonSchema } from '../schema/parse-json.js';
import {
  COSE_MEDIA_TYPE,
  EnvelopeError,
  JWS_MEDIA_TYPE,
  type NotaryEnvelope,
  readEnvelope,
} from './notation-envelope.js';
import { identityMatches, type NotationCheck, type NotationPolicy } from './notation-policy.js';
import type { SignatureSource } from './verify.js';

export const NOTATION_ARTIFACT_TYPE = 'application/vnd.cncf.notary.signature';
/**
 * Extended key usages a signing certificate must not have (notation-core-go's
 * validateCodeSigningExtendedKeyUsage): server and client auth, e-mail protection, time
 * stamping, OCSP signing. A leaf without the extension is accepted, as Notation accepts it.
 */
const EXCLUDED_EKUS = new Set([
  '1.3.6.1.5.5.7.3.1',
  '1.3.6.1.5.5.7.3.2',
  '1.3.6.1.5.5.7.3.4',
  '1.3.6.1.5.5.7.3.8',
  '1.3.6.1.5.5.7.3.9',
]);
/** A registry holding thousands of signatures for one digest is abuse, not signing. */
const MAX_SIGNATURES = 50;

/**
 * Every Notation signature of `digest`, each judged against `policy`. Empty when there is
 * none (and at level `skip`, which looks for none); a single `lookup_failed` entry when the
 * registry could not be asked. Never throws for what a registry sends.
 */
export async function verifyNotationSignatures(
  source: SignatureSource,
  name: RepositoryName,
  digest: string,
  policy: NotationPolicy,
  now: Date = new Date(),
): Promise<SignatureFacts[]> {
  if (policy.level === 'skip') return [];
  const repository = { registry: name.registry, repository: name.repository };
  try {
    const referrers = await source.referrers(repository, digest);
    // The tag fallback's index may leave artifactType out; the manifest says what it is.
    const candidates = referrers
      .filter((entry) => entry.artifactType === undefined || entry.artifactType === NOTATION_ARTIFACT_TYPE)
      .slice(0, MAX_SIGNATURES);
    const found = await Promise.all(
      candidates.map(async (entry): Promise<SignatureFacts | null> => {
        const artifact: FetchedManifest = await source.manifest({ ...repository, digest: entry.digest });
        const manifest = artifact.manifest;
        if (manifest.kind !== 'manifest') return null;
        if ((manifest.artifactType ?? manifest.config.mediaType) !== NOTATION_ARTIFACT_TYPE) return null;
        // signature-specification.md: exactly one layer, the envelope.
        const [layer, ...more] = manifest.layers;
        if (!layer || more.length > 0) {
          return notationFailure(
            null,
            'malformed',
            'the signature manifest must hold exactly one envelope layer',
          );
        }
        if (layer.mediaType !== JWS_MEDIA_TYPE && layer.mediaType !== COSE_MEDIA_TYPE) {
          return notationFailure(
            null,
            'unsupported',
            `its envelope type ${layer.mediaType} is neither JWS nor COSE`,
          );
        }
        const bytes = await source.blob(repository, layer.digest);
        return verifyNotationEnvelope(layer.mediaType, bytes, digest, policy, now);
      }),
    );
    return found.filter((facts): facts is SignatureFacts => facts !== null);
  } catch (error) {
    return [
      notationFailure(
        null,
        'lookup_failed',
        `its Notation signatures could not be looked up: ${errorMessage(error)}`,
      ),
    ];
  }
}

/** One envelope (its media type and bytes), for the image `digest`. */
export function verifyNotationEnvelope(
  mediaType: string,
  bytes: Buffer,
  digest: string,
  policy: NotationPolicy,
  now: Date = new Date(),
): SignatureFacts {
  const format = mediaType === COSE_MEDIA_TYPE ? 'cose' : 'jws';
  let envelope: NotaryEnvelope;
  try {
    envelope = readEnvelope(mediaType, bytes);
  } catch (error) {
    if (!(error instanceof EnvelopeError)) throw error;
    return notationFailure(
      format,
      'malformed',
      `the ${format.toUpperCase()} envelope is invalid: ${error.message}`,
    );
  }
  const leaf = envelope.certificates[0] as X509Certificate;
  const signer = distinguishedName(leaf.subject);
  const base = {
    kind: 'notation' as const,
    format: envelope.format,
    signer,
    issuer: distinguishedName(leaf.issuer),
  };
  const logged: string[] = [];
  const fail = (
    code: SignatureErrorCode,
    message: string,
    claimed: string | null = null,
  ): SignatureFacts => ({
    ...base,
    verified: false,
    digest: claimed,
    error: { code, message },
    level: policy.level,
    logged,
  });

  // Integrity: always enforced below `skip`.
  const integrity = checkIntegrity(envelope, leaf);
  if (integrity) return fail(integrity.code, integrity.message);
  const target = targetDigest(envelope.payload);
  if (typeof target !== 'string')
    return fail('malformed', `the signed payload is not a Notary payload: ${target.error}`);

  const problems: { check: NotationCheck; code: SignatureErrorCode; message: string }[] = [
    ...authenticity(envelope, policy),
    ...authenticTimestamp(envelope, now),
    ...(envelope.expiry && now > envelope.expiry
      ? [
          {
            check: 'expiry' as const,
            code: 'expired' as const,
            message: `the signature expired on ${iso(envelope.expiry)}`,
          },
        ]
      : []),
  ];
  for (const problem of problems) {
    const action = policy.actions[problem.check];
    if (action === 'enforce') return fail(problem.code, problem.message, target);
    if (action === 'log') logged.push(`${problem.check}: ${problem.message}`);
  }
  if (target !== digest) {
    return fail('digest_mismatch', `the signature is for ${target}, not for this image (${digest})`, target);
  }
  return { ...base, verified: true, digest: target, error: null, level: policy.level, logged };
}

function checkIntegrity(
  envelope: NotaryEnvelope,
  leaf: X509Certificate,
): { code: SignatureErrorCode; message: string } | null {
  const key = leaf.publicKey;
  const expected = expectedAlgorithm(key);
  if (expected !== envelope.algorithm.name) {
    return {
      code: 'malformed',
      message: `its algorithm ${envelope.algorithm.name} does not fit the certificate's key (${expected ?? 'an unsupported key'})`,
    };
  }
  const ecdsa = envelope.algorithm.name.startsWith('ES');
  let valid: boolean;
  try {
    valid = verify(
      envelope.algorithm.hash,
      envelope.signedBytes,
      ecdsa
        ? { key, dsaEncoding: 'ieee-p1363' }
        : { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
      envelope.signature,
    );
  } catch {
    valid = false; // a signature of the wrong length or encoding is as invalid as a wrong one
  }
  if (!valid) {
    return {
      code: 'tampered',
      message: `the signature does not verify with the certificate it carries: the ${envelope.format.toUpperCase()} envelope or its payload was altered after signing`,
    };
  }
  const chain = envelope.certificates;
  for (let i = 0; i + 1 < chain.length; i++) {
    const child = chain[i] as X509Certificate;
    const parent = chain[i + 1] as X509Certificate;
    if (!parent.ca || !child.checkIssued(parent) || !child.verify(parent.publicKey)) {
      return {
        code: 'untrusted_certificate',
        message: `its certificate chain is broken: ${distinguishedName(child.subject)} is not issued by ${distinguishedName(parent.subject)}`,
      };
    }
  }
  const excluded = (leaf.keyUsage ?? []).filter((usage) => EXCLUDED_EKUS.has(usage));
  if (leaf.ca || excluded.length > 0) {
    return {
      code: 'untrusted_certificate',
      message: `its signing certificate ${distinguishedName(leaf.subject)} is not a code-signing certificate (${leaf.ca ? 'it is a CA' : `its extended key usages include ${excluded.join(', ')}`})`,
    };
  }
  const signedAt = envelope.authenticSigningTime ?? envelope.signingTime;
  if (signedAt) {
    const invalid = chain.find((certificate) => !validAt(certificate, signedAt));
    if (invalid) {
      return {
        code: 'untrusted_certificate',
        message: `its certificate ${distinguishedName(invalid.subject)} (valid ${iso(new Date(invalid.validFrom))} to ${iso(new Date(invalid.validTo))}) was not valid at the signing time ${iso(signedAt)}`,
      };
    }
  }
  return null;
}

function authenticity(
  envelope: NotaryEnvelope,
  policy: NotationPolicy,
): { check: 'authenticity'; code: SignatureErrorCode; message: string }[] {
  const chain = envelope.certificates;
  const last = chain[chain.length - 1] as X509Certificate;
  // As Notation: a certificate of the chain is one of the trust store's; or, for a chain that
  // leaves its root out, its last certificate is issued by one.
  const anchored =
    chain.some((certificate) => policy.trustStore.some((trusted) => trusted.raw.equals(certificate.raw))) ||
    policy.trustStore.some((trusted) => last.checkIssued(trusted) && last.verify(trusted.publicKey));
  if (!anchored) {
    const store = policy.trustStore.map((certificate) => distinguishedName(certificate.subject)).join('; ');
    return [
      {
        check: 'authenticity',
        code: 'untrusted_certificate',
        message: `its certificate chain (issued by ${distinguishedName(last.issuer)}) leads to no CA in the trust policy's trust store (${store}): it was signed under another CA`,
      },
    ];
  }
  const leaf = chain[0] as X509Certificate;
  if (!policy.identities.some((identity) => identityMatches(identity, leaf.subject))) {
    return [
      {
        check: 'authenticity',
        code: 'wrong_signer',
        message: `it is signed by ${distinguishedName(leaf.subject)}, not by an identity the trust policy trusts (${policy.identities.map((identity) => identity.text).join('; ')})`,
      },
    ];
  }
  return [];
}

function authenticTimestamp(
  envelope: NotaryEnvelope,
  now: Date,
): { check: 'authenticTimestamp'; code: SignatureErrorCode; message: string }[] {
  // The signing authority vouches for its signing time, checked against the chain under integrity.
  if (envelope.authenticSigningTime) return [];
  const invalid = envelope.certificates.find((certificate) => !validAt(certificate, now));
  if (!invalid) return [];
  const until = new Date(invalid.validTo);
  const what =
    now > until ? `expired on ${iso(until)}` : `is not valid until ${iso(new Date(invalid.validFrom))}`;
  return [
    {
      check: 'authenticTimestamp',
      code: now > until ? 'expired' : 'untrusted_certificate',
      message: `its certificate ${distinguishedName(invalid.subject)} ${what}, and no verified timestamp shows the signature was made while it was valid`,
    },
  ];
}

/** The algorithm Notation pairs with a key: ES by curve, PS by RSA modulus size (signature-specification.md). */
function expectedAlgorithm(key: KeyObject): string | null {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') {
    return (
      ({ prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' } as Record<string, string>)[
        details.namedCurve ?? ''
      ] ?? null
    );
  }
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    return (
      ({ 2048: 'PS256', 3072: 'PS384', 4096: 'PS512' } as Record<number, string>)[
        details.modulusLength ?? 0
      ] ?? null
    );
  }
  return null;
}

function validAt(certificate: X509Certificate, at: Date): boolean {
  return new Date(certificate.validFrom) <= at && at <= new Date(certificate.validTo);
}

/** The Notary payload, the fields read: `targetArtifact` is the descriptor of what was signed. */
const NOTARY_PAYLOAD: JsonSchema<{ targetArtifact: { digest: string; mediaType: string; size: number } }> = {
  type: 'object',
  required: ['targetArtifact'],
  properties: {
    targetArtifact: {
      type: 'object',
      required: ['digest', 'mediaType', 'size'],
      properties: { digest: { type: 'string' }, mediaType: { type: 'string' }, size: { type: 'integer' } },
    },
  },
};

function targetDigest(payload: Buffer): string | { error: string } {
  const checked = checkJson(payload, NOTARY_PAYLOAD);
  if ('problem' in checked) return { error: checked.problem };
  const { digest } = checked.value.targetArtifact;
  return /^sha(256|384|512):[0-9a-f]+$/.test(digest)
    ? digest
    : { error: `its target digest ${JSON.stringify(digest)} is not a digest` };
}

/** Node writes a subject one attribute a line; facts and messages use the familiar `C=US, O=Acme, CN=release`. */
export function distinguishedName(text: string): string {
  return text.split('\n').filter(Boolean).join(', ');
}

function iso(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

function notationFailure(
  format: 'jws' | 'cose' | null,
  code: SignatureErrorCode,
  message: string,
): SignatureFacts {
  return {
    kind: 'notation',
    verified: false,
    format,
    signer: null,
    issuer: null,
    digest: null,
    error: { code, message },
  };
}
