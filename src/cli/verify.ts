/**
 * `portcullis verify IMAGE`: are the image's cosign and Notation signatures valid, for the
 * digest the reference resolves to now, by a signer the trust policy (or `--key`) accepts, and
 * do its attestations meet the policy's provenance and SBOM requirements? Lists every
 * signature and attestation found. Exit 0 when the trust policy is satisfied, 1 when not
 * (with the reason), 2 on a usage or configuration error.
 */
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { errorMessage } from '../errors.js';
import { policySigners } from '../facts/signature-facts.js';
import { type ImageReference, parseImageReference } from '../image/reference.js';
import type { AttestationFacts } from '../input/attestations.js';
import type { SignatureFacts, TrustPolicySigner } from '../input/signatures.js';
import { MAX_KEY_BYTES, readOperatorFile } from '../operator-file.js';
import { registryClientFromEnv } from '../registry/client.js';
import { plainLine } from '../report/plain-text.js';
import { settings } from '../settings.js';
import { provenanceProblem, sbomProblem, verifyImageAttestations } from '../signatures/attestations.js';
import { verifyNotationSignatures } from '../signatures/notation.js';
import {
  loadKey,
  matchTrustPolicy,
  TRUST_POLICY_VARIABLE,
  type TrustPolicy,
  trustPolicyFromEnv,
} from '../signatures/trust-policy.js';
import { verifyImageSignatures } from '../signatures/verify.js';
import { type CliCommand, EXIT, formatOption, parseOptions, UsageError } from './command.js';
import { COMMAND_TABLE } from './command-table.js';

/** What `verify` found, as `--format json` prints it. */
export interface VerifyReport {
  image: string;
  /** The digest the reference resolves to; null when the registry could not say. */
  digest: string | null;
  verified: boolean;
  /** Why not, in one line; null when verified. */
  reason: string | null;
  /** The images pattern of the trust policy used, or `--key` when keys were given. */
  policy: string | null;
  signers: TrustPolicySigner[];
  signatures: SignatureFacts[];
  /** Every in-toto attestation found (`kind: attestation`), each verified against the same signers. */
  attestations: (AttestationFacts & { kind: 'attestation' })[];
  /** What the policy asks beyond a signature: the SLSA provenance (PC-SIG-003) and an SBOM (PC-SIG-004). */
  requirements: { provenance: { builders: string[]; source_repositories: string[] } | null; sbom: boolean };
}

export const verifyCommand: CliCommand = {
  name: 'verify',
  async run(args, io) {
    const { values, positionals } = parseOptions(args, COMMAND_TABLE.verify.options);
    const format = formatOption(values.format, ['text', 'json']);
    if (positionals.length !== 1) throw new UsageError('verify takes exactly one IMAGE');
    const text = positionals[0] as string;
    const parsed = parseImageReference(text);
    if (!parsed.ok) throw new UsageError(parsed.error);
    const image = parsed.reference;

    const chosen = choosePolicy(values.key ?? [], image);
    const client = registryClientFromEnv(settings(), values['insecure-registry']);

    const report: VerifyReport = {
      image: image.normalized,
      digest: null,
      verified: false,
      reason: null,
      policy: chosen?.pattern ?? null,
      signers: chosen ? policySigners(chosen.policy) : [],
      signatures: [],
      attestations: [],
      requirements: {
        provenance: chosen?.policy.provenance ?? null,
        sbom: chosen?.policy.requireSbom ?? false,
      },
    };
    if (!chosen) {
      report.reason = `no trust policy in ${TRUST_POLICY_VARIABLE} covers ${image.name}`;
    } else {
      try {
        report.digest = (await client.manifest(image)).digest;
      } catch (error) {
        report.reason = `the image could not be looked up: ${errorMessage(error)}`;
      }
    }
    if (chosen && report.digest) {
      const signers = { ...chosen.policy, trustedRoot: chosen.trustedRoot };
      const [signatures, attested] = await Promise.all([
        verifyImageSignatures(client, image, report.digest, signers),
        verifyImageAttestations(client, image, report.digest, signers),
      ]);
      // The JSON names every entry's kind: cosign, notation or attestation.
      report.signatures = signatures.map((signature) => ({ kind: 'cosign', ...signature }));
      report.attestations = attested.attestations.map((a) => ({ kind: 'attestation' as const, ...a }));
      const notation = chosen.policy.notation;
      if (notation) {
        report.signatures.push(...(await verifyNotationSignatures(client, image, report.digest, notation)));
      }
      // Notation's `skip` level: images in the policy's scope need no signature at all.
      const signed = report.signatures.some((signature) => signature.verified) || notation?.level === 'skip';
      const problems = [
        signed ? null : notVerifiedReason(report.signatures),
        provenanceProblem(report.requirements.provenance, report.attestations),
        sbomProblem(report.requirements.sbom, report.attestations),
      ].filter((problem) => problem !== null);
      report.verified = problems.length === 0;
      if (!report.verified) report.reason = problems.join('; ');
    }
    io.stdout(format === 'json' ? JSON.stringify(report, null, 2) : textVerdict(report));
    return report.verified ? EXIT.ok : EXIT.deny;
  },
};

/** `--key` files, or else the configured trust policy that covers the image (null when none does). */
function choosePolicy(
  keys: readonly string[],
  image: ImageReference,
): { policy: TrustPolicy; pattern: string; trustedRoot: TrustedRoot | null } | null {
  if (keys.length > 0) {
    const policy: TrustPolicy = {
      images: ['**'],
      keys: keys.map((path) => {
        const fail = (why: string): never => {
          throw new UsageError(`--key ${path}: ${why}`);
        };
        let pem: string;
        try {
          pem = readOperatorFile(path, MAX_KEY_BYTES).toString('utf8');
        } catch (error) {
          return fail(`cannot read the key file ${path}: ${errorMessage(error)}`);
        }
        // A file without a PEM header would be taken for the name of another file.
        if (!pem.includes('-----BEGIN')) return fail('not a PEM public key (as cosign.pub is)');
        return loadKey(pem, process.cwd(), fail);
      }),
      keyless: [],
      notation: null,
      requireTlog: false,
      provenance: null,
      requireSbom: false,
    };
    return { policy, pattern: '--key', trustedRoot: null };
  }
  const trust = trustPolicyFromEnv();
  if (!trust) {
    throw new UsageError(
      `name the signer: --key FILE (a cosign public key), or a trust policy file in ${TRUST_POLICY_VARIABLE}`,
    );
  }
  const match = matchTrustPolicy(trust, image);
  return match ? { ...match, trustedRoot: trust.trustedRoot } : null;
}

const REASON: Record<string, string> = {
  wrong_signer: 'wrong key or signer',
  tampered: 'tampered payload',
  digest_mismatch: 'digest mismatch',
  untrusted_certificate: 'untrusted certificate',
  expired: 'expired certificate or signature',
  malformed: 'malformed signature',
  unsupported: 'unsupported signature',
  lookup_failed: 'lookup failed',
  tlog_unverified: 'no verified transparency-log entry',
};

function notVerifiedReason(signatures: readonly SignatureFacts[]): string {
  // Docker Content Trust (Notary v1) data lives on a Notary server, not in the registry: an
  // image signed only that way looks unsigned here (docs/signatures.md).
  if (signatures.length === 0) {
    return 'unsigned: the image has no cosign or Notation signature (Docker Content Trust signatures are not read: DCT is retired)';
  }
  const reasons = [...new Set(signatures.map((s) => (s.error ? REASON[s.error.code] : null)))];
  return reasons.filter(Boolean).join(', ') || 'no signature counts';
}

const FORMAT_LABEL = {
  bundle: 'Sigstore bundle',
  simplesigning: '.sig signature',
  jws: 'Notation JWS signature',
  cose: 'Notation COSE signature',
} as const;

function textVerdict(report: VerifyReport): string {
  const target = report.digest ? `${report.image} (${report.digest})` : report.image;
  const lines: string[] = [];
  if (report.verified) {
    const good = report.signatures.filter((s) => s.verified);
    const by = good.map((s) => `${s.signer}${s.issuer ? ` (${s.issuer})` : ''}, ${label(s)}`);
    lines.push(
      `Verified: ${target} is signed by ${[...new Set(by)].join('; ') || 'nobody (Notation level skip)'}.`,
    );
  } else {
    lines.push(`Not verified: ${target}: ${report.reason}.`);
    for (const s of report.signatures) {
      if (s.error) lines.push(`  ${label(s)}: ${REASON[s.error.code] ?? s.error.code}: ${s.error.message}`);
    }
  }
  for (const a of report.attestations) lines.push(`  ${attestationLine(a)}`);
  return lines.join('\n');
}

const ATTESTATION_FORMAT = { bundle: 'Sigstore bundle', dsse: '.att DSSE envelope' } as const;

/** One attestation in a line; what came from the registry is made safe for a terminal. */
function attestationLine(a: AttestationFacts): string {
  const where = a.format ? ATTESTATION_FORMAT[a.format] : 'attestations';
  const head = `attestation ${a.predicate_type ?? '(unreadable)'} (${where})`;
  if (!a.verified) return plainLine(`${head}: not verified: ${a.reason?.code}: ${a.reason?.message}`);
  const built = a.builder_id
    ? `, built by ${a.builder_id}${a.source_repository ? ` from ${a.source_repository}${a.source_ref ? `@${a.source_ref}` : ''}` : ''}`
    : '';
  return plainLine(`${head}: verified, signed by ${a.signer}${a.issuer ? ` (${a.issuer})` : ''}${built}`);
}

function label(signature: SignatureFacts): string {
  return signature.format ? FORMAT_LABEL[signature.format] : 'signatures';
}
