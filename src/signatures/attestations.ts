/**
 * In-toto attestations of an image (`cosign attest`), verified against the signers of the
 * trust policy that covers it, in both forms cosign writes:
 *
 * - **DSSE in the `.att` tag** (cosign's classic form, still its default): the manifest tagged
 *   `sha256-<hex>.att`, one layer (`application/vnd.dsse.envelope.v1+json`) per attestation,
 *   each a DSSE envelope around an in-toto statement. Keyless ones carry their certificate in
 *   a layer annotation (not read yet, as for `.sig`).
 * - **Sigstore bundles** (`cosign attest --new-bundle-format`): OCI referrers of the image,
 *   annotated `dev.sigstore.bundle.predicateType`, holding a bundle around the envelope.
 *
 * The cryptography is `@sigstore/verify`'s for both (a DSSE layer is handed to it as a
 * bundle with the envelope and no verification material but the key, which is what it is),
 * through the same signer check as image signatures (`verifySigner`: keys, keyless
 * identities, `require_tlog`). What is ours: finding the artifacts, reading the statement
 * once its signer is verified, and drawing the facts rules need from SLSA provenance.
 * SBOM predicates (SPDX, CycloneDX) are returned whole, for the scanner.
 */
import { bundleFromJSON, envelopeFromJSON, toDSSEBundle } from '@sigstore/bundle';
import { type SignedEntity, toSignedEntity } from '@sigstore/verify';
import { errorMessage } from '../errors.js';
import type { AttestationFacts, AttestationFormat, AttestationMaterial } from '../input/attestations.js';
import type { FetchedManifest, RepositoryName } from '../registry/client.js';
import { RegistryError } from '../registry/errors.js';
import { checkJson, type JsonSchema, parseJson } from '../schema/parse-json.js';
import { readStatementBundle, type SignatureSource, type Signers, verifySigner } from './verify.js';

export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const SLSA_PROVENANCE_V02 = 'https://slsa.dev/provenance/v0.2';
/** SPDX documents as cosign names them (`--type spdxjson`), with or without a version suffix. */
const SPDX_PREFIX = 'https://spdx.dev/Document';
/** CycloneDX BOMs (`--type cyclonedx`). */
const CYCLONEDX_PREFIX = 'https://cyclonedx.org/bom';
const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
const BUNDLE_MEDIA_TYPE_PREFIX = 'application/vnd.dev.sigstore.bundle';
const EMPTY_CONFIG_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
const PREDICATE_ANNOTATION = 'dev.sigstore.bundle.predicateType';
const DSSE_LAYER_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** A registry holding thousands of attestations for one digest is abuse, not attesting. */
const MAX_ATTESTATIONS = 50;

export type SbomFormat = 'spdx' | 'cyclonedx';

/** A verified SBOM attestation's document, for a scanner to read instead of the image. */
export interface AttestedSbom {
  format: SbomFormat;
  /** The predicate, serialised as the SBOM file it is. */
  document: string;
}

export interface ImageAttestations {
  attestations: AttestationFacts[];
  /** The documents of the verified SBOM attestations. */
  sboms: AttestedSbom[];
}

/** The SBOM format of a predicate type, or null for any other predicate. */
export function sbomFormat(predicateType: string | null): SbomFormat | null {
  if (predicateType === null) return null;
  if (predicateType.startsWith(SPDX_PREFIX)) return 'spdx';
  if (predicateType.startsWith(CYCLONEDX_PREFIX)) return 'cyclonedx';
  return null;
}

/**
 * Every attestation of `digest` in the image's repository, each judged against `signers`.
 * Empty when there is none; a single `lookup_failed` entry when the registry could not be
 * asked. Never throws for what a registry sends.
 */
export async function verifyImageAttestations(
  source: SignatureSource,
  name: RepositoryName,
  digest: string,
  signers: Signers,
): Promise<ImageAttestations> {
  const repository = { registry: name.registry, repository: name.repository };
  let found: Attested[];
  try {
    const [bundles, layers] = await Promise.all([
      bundleAttestations(source, repository, digest, signers),
      dsseAttestations(source, repository, digest, signers),
    ]);
    found = [...bundles, ...layers];
  } catch (error) {
    const failure = failed(
      null,
      null,
      'lookup_failed',
      `its attestations could not be looked up: ${errorMessage(error)}`,
    );
    return { attestations: [failure], sboms: [] };
  }
  return {
    attestations: found.map((entry) => entry.facts),
    sboms: found.flatMap((entry) => (entry.sbom ? [entry.sbom] : [])),
  };
}

interface Attested {
  facts: AttestationFacts;
  sbom: AttestedSbom | null;
}

async function bundleAttestations(
  source: SignatureSource,
  name: RepositoryName,
  digest: string,
  signers: Signers,
): Promise<Attested[]> {
  const referrers = await source.referrers(name, digest);
  const candidates = referrers
    .filter(
      ({ artifactType, annotations }) =>
        (artifactType === undefined ||
          artifactType === EMPTY_CONFIG_MEDIA_TYPE ||
          artifactType.startsWith(BUNDLE_MEDIA_TYPE_PREFIX)) &&
        annotations?.[PREDICATE_ANNOTATION] !== COSIGN_SIGN_PREDICATE,
    )
    .slice(0, MAX_ATTESTATIONS);
  const results = await Promise.all(
    candidates.map(async (entry): Promise<Attested[]> => {
      const manifest = (await source.manifest({ ...name, digest: entry.digest })).manifest;
      if (manifest.kind !== 'manifest') return [];
      // Image signatures are verify.ts's; an artifact that says nothing of a predicate is not an attestation.
      const predicate = manifest.annotations?.[PREDICATE_ANNOTATION];
      if (predicate === undefined || predicate === COSIGN_SIGN_PREDICATE) return [];
      const layers = manifest.layers.filter((layer) => layer.mediaType.startsWith(BUNDLE_MEDIA_TYPE_PREFIX));
      return Promise.all(
        layers.map(async (layer) => {
          const read = readStatementBundle(await source.blob(name, layer.digest));
          if ('code' in read)
            return { facts: failed('bundle', predicate, read.code, read.message), sbom: null };
          return judge('bundle', read.entity, read.payload, read.keyless, digest, signers);
        }),
      );
    }),
  );
  return results.flat();
}

async function dsseAttestations(
  source: SignatureSource,
  name: RepositoryName,
  digest: string,
  signers: Signers,
): Promise<Attested[]> {
  let artifact: FetchedManifest;
  try {
    artifact = await source.manifest({ ...name, tag: `${digest.replace(':', '-')}.att`, digest: null });
  } catch (error) {
    if (error instanceof RegistryError && error.code === 'not_found') return [];
    throw error;
  }
  if (artifact.manifest.kind !== 'manifest') {
    return [
      {
        facts: failed('dsse', null, 'malformed', 'the .att tag names an index, not an attestation manifest'),
        sbom: null,
      },
    ];
  }
  const layers = artifact.manifest.layers
    .filter((layer) => layer.mediaType === DSSE_LAYER_MEDIA_TYPE)
    .slice(0, MAX_ATTESTATIONS);
  const results = await Promise.all(
    layers.map(async (layer): Promise<Attested[]> => {
      const claimed = layer.annotations?.predicateType ?? null;
      if (layer.annotations?.[CERTIFICATE_ANNOTATION]) {
        const message =
          'keyless attestations in the .att format are not verified yet: attest with --new-bundle-format, or with a key';
        return [{ facts: failed('dsse', claimed, 'unsupported', message), sbom: null }];
      }
      const entities = dsseEntities(await source.blob(name, layer.digest));
      if ('code' in entities)
        return [{ facts: failed('dsse', claimed, entities.code, entities.message), sbom: null }];
      return entities.map(({ entity, payload }) => judge('dsse', entity, payload, false, digest, signers));
    }),
  );
  return results.flat();
}

/** Only the outline: envelopeFromJSON then reads the envelope by the DSSE spec. */
const ENVELOPE: JsonSchema<{ signatures: unknown[] }> = {
  type: 'object',
  required: ['payloadType', 'payload', 'signatures'],
  properties: { payloadType: { type: 'string' }, payload: { type: 'string' }, signatures: { type: 'array' } },
};

/** A DSSE envelope (JSON bytes), one signed entity per signature it holds. */
export function dsseEntities(
  bytes: Uint8Array,
): { entity: SignedEntity; payload: Buffer }[] | { code: 'malformed'; message: string } {
  try {
    const envelope = envelopeFromJSON(parseJson(bytes, ENVELOPE, 'the DSSE envelope'));
    if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
      return {
        code: 'malformed',
        message: `the envelope's payload is ${envelope.payloadType}, not an in-toto statement`,
      };
    }
    if (envelope.signatures.length === 0)
      return { code: 'malformed', message: 'the envelope holds no signature' };
    return envelope.signatures.slice(0, MAX_ATTESTATIONS).map((signature) => {
      const bundle = toDSSEBundle({
        artifact: envelope.payload,
        artifactType: envelope.payloadType,
        signature: signature.sig,
        keyHint: signature.keyid,
      });
      return { entity: toSignedEntity(bundleFromJSON(bundleJSON(bundle))), payload: envelope.payload };
    });
  } catch (error) {
    return { code: 'malformed', message: `the DSSE envelope cannot be read: ${errorMessage(error)}` };
  }
}

/** toDSSEBundle's bundle back through the validating reader, so both forms meet the same checks. */
function bundleJSON(bundle: ReturnType<typeof toDSSEBundle>): unknown {
  const envelope = bundle.content.dsseEnvelope;
  const key = bundle.verificationMaterial.content;
  return {
    mediaType: bundle.mediaType,
    verificationMaterial: {
      publicKey: { hint: key.$case === 'publicKey' ? key.publicKey.hint : '' },
      tlogEntries: [],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    dsseEnvelope: {
      payloadType: envelope.payloadType,
      payload: envelope.payload.toString('base64'),
      signatures: envelope.signatures.map((s) => ({ keyid: s.keyid, sig: s.sig.toString('base64') })),
    },
  };
}

/** The outline of an in-toto statement; the predicate is read field by field below. */
const STATEMENT: JsonSchema<{
  predicateType?: unknown;
  subject?: { digest?: { sha256?: unknown } }[];
  predicate?: unknown;
}> = {
  type: 'object',
  properties: {
    subject: {
      type: 'array',
      items: { type: 'object', properties: { digest: { type: 'object' } } },
    },
  },
};

/** The verdict on one attestation: its signer first (nothing unverified is believed), then its subject. */
function judge(
  format: AttestationFormat,
  entity: SignedEntity,
  payload: Buffer,
  keyless: boolean,
  digest: string,
  signers: Signers,
): Attested {
  const checked = checkJson(payload, STATEMENT);
  const statement = 'problem' in checked ? null : checked.value;
  const predicateType = typeof statement?.predicateType === 'string' ? statement.predicateType : null;
  const signer = verifySigner(format === 'bundle' ? 'bundle' : 'envelope', entity, signers, keyless);
  if ('code' in signer) {
    return {
      facts: {
        ...failed(format, predicateType, signer.code, signer.message),
        signer: signer.claimed,
        issuer: signer.issuer,
      },
      sbom: null,
    };
  }
  const base = {
    ...failed(format, predicateType, 'malformed', ''),
    signer: signer.signer,
    issuer: signer.issuer,
  };
  if (!statement || predicateType === null) {
    const why = 'problem' in checked ? checked.problem : 'it has no predicateType';
    return {
      facts: {
        ...base,
        reason: { code: 'malformed', message: `the signed statement cannot be read: ${why}` },
      },
      sbom: null,
    };
  }
  const subjects = (statement.subject ?? [])
    .map((s) => s.digest?.sha256)
    .filter((v) => typeof v === 'string');
  if (!subjects.some((hex) => `sha256:${hex}` === digest)) {
    const named =
      subjects.length > 0 ? subjects.map((hex) => `sha256:${hex}`).join(', ') : 'no sha256 digest';
    const message = `the attestation is about ${named}, not this image (${digest})`;
    return { facts: { ...base, reason: { code: 'digest_mismatch', message } }, sbom: null };
  }
  const facts: AttestationFacts = {
    ...base,
    verified: true,
    reason: null,
    ...provenanceFacts(predicateType, statement.predicate),
  };
  const format_ = sbomFormat(predicateType);
  const sbom =
    format_ && isRecord(statement.predicate)
      ? { format: format_, document: JSON.stringify(statement.predicate) }
      : null;
  return { facts, sbom };
}

type ProvenanceFacts = Pick<
  AttestationFacts,
  'builder_id' | 'source_repository' | 'source_ref' | 'build_type' | 'materials'
>;

const NO_PROVENANCE: ProvenanceFacts = {
  builder_id: null,
  source_repository: null,
  source_ref: null,
  build_type: null,
  materials: [],
};

/**
 * What rules need of SLSA provenance. v1: `runDetails.builder.id`, `buildDefinition.buildType`,
 * `resolvedDependencies`; the source is the GitHub workflow's `externalParameters.workflow`
 * (GitHub's and the SLSA generator's build types) or else the first `git+` dependency.
 * v0.2: `builder.id`, `buildType`, `materials`, `invocation.configSource`.
 */
export function provenanceFacts(predicateType: string, predicate: unknown): ProvenanceFacts {
  if (!isRecord(predicate)) return NO_PROVENANCE;
  if (predicateType === SLSA_PROVENANCE_V1) {
    const definition = record(predicate.buildDefinition);
    const workflow = record(record(definition.externalParameters).workflow);
    const materials = materialList(definition.resolvedDependencies);
    const git = gitSource(materials);
    return {
      builder_id: text(record(record(predicate.runDetails).builder).id),
      build_type: text(definition.buildType),
      source_repository: text(workflow.repository) ?? git.repository,
      source_ref: text(workflow.ref) ?? git.ref,
      materials,
    };
  }
  if (predicateType === SLSA_PROVENANCE_V02) {
    const config = record(record(predicate.invocation).configSource);
    const materials = materialList(predicate.materials);
    const source = gitSource([{ uri: text(config.uri), digest: {} }, ...materials]);
    return {
      builder_id: text(record(predicate.builder).id),
      build_type: text(predicate.buildType),
      source_repository: source.repository,
      source_ref: source.ref,
      materials,
    };
  }
  return NO_PROVENANCE;
}

/** The repository and ref of the first `git+<url>@<ref>` material. */
function gitSource(materials: readonly AttestationMaterial[]): {
  repository: string | null;
  ref: string | null;
} {
  for (const { uri } of materials) {
    if (!uri?.startsWith('git+')) continue;
    const url = uri.slice('git+'.length);
    // `@` after the host part separates the ref; one in `user@host` comes before the path.
    const at = url.lastIndexOf('@');
    const slash = url.indexOf('/', url.indexOf('//') + 2);
    if (at > slash && slash !== -1) return { repository: url.slice(0, at), ref: url.slice(at + 1) || null };
    return { repository: url, ref: null };
  }
  return { repository: null, ref: null };
}

const MAX_MATERIALS = 200;

function materialList(value: unknown): AttestationMaterial[] {
  if (!Array.isArray(value)) return [];
  return value.slice(0, MAX_MATERIALS).flatMap((item): AttestationMaterial[] => {
    if (!isRecord(item)) return [];
    const digest: Record<string, string> = {};
    for (const [algorithm, hex] of Object.entries(record(item.digest))) {
      // Plain data only: a key such as __proto__ must not reach the policy input as a setter.
      if (typeof hex === 'string' && /^[A-Za-z0-9_-]{1,32}$/.test(algorithm) && algorithm !== '__proto__') {
        digest[algorithm] = hex;
      }
    }
    return [{ uri: text(item.uri), digest }];
  });
}

function failed(
  format: AttestationFormat | null,
  predicateType: string | null,
  code: string,
  message: string,
): AttestationFacts {
  return {
    predicate_type: predicateType,
    format,
    verified: false,
    signer: null,
    issuer: null,
    reason: { code, message },
    ...NO_PROVENANCE,
  };
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SLSA_TYPES = [SLSA_PROVENANCE_V1, SLSA_PROVENANCE_V02];

/**
 * Whether a pattern of `trust.provenance` matches: `*` is any run of characters, `/`
 * included, and `?` one character, as OPA's `glob.match(pattern, [], value)` reads them in
 * PC-SIG-003 (`portcullis verify` judges without the policy engine).
 */
export function provenancePatternMatches(pattern: string, value: string): boolean {
  const source = [...pattern]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(value);
}

/** Why the attestations do not meet the policy's provenance requirement (PC-SIG-003's test), or null. */
export function provenanceProblem(
  required: { builders: string[]; source_repositories: string[] } | null,
  attestations: readonly AttestationFacts[],
): string | null {
  if (!required) return null;
  const provenance = attestations.filter(
    (a) => a.predicate_type !== null && SLSA_TYPES.includes(a.predicate_type),
  );
  const matches = (patterns: readonly string[], value: string | null) =>
    value !== null && patterns.some((pattern) => provenancePatternMatches(pattern, value));
  const problems = provenance.map((a) => {
    if (!a.verified) return `an attestation that does not count (${a.reason?.code}: ${a.reason?.message})`;
    if (!matches(required.builders, a.builder_id))
      return `one built by ${a.builder_id}, not a trusted builder`;
    if (
      required.source_repositories.length > 0 &&
      !matches(required.source_repositories, a.source_repository)
    ) {
      return `one built from ${a.source_repository}, not a trusted source repository (${required.source_repositories.join(', ')})`;
    }
    return null;
  });
  if (problems.includes(null)) return null;
  return `no SLSA provenance from a trusted builder (${required.builders.join(', ')}): ${
    problems.length === 0 ? 'it has no provenance attestation' : [...new Set(problems)].sort().join('; ')
  }`;
}

/** Why the attestations hold no verified SBOM when one is required (PC-SIG-004's test), or null. */
export function sbomProblem(required: boolean, attestations: readonly AttestationFacts[]): string | null {
  if (!required) return null;
  const sboms = attestations.filter((a) => sbomFormat(a.predicate_type) !== null);
  if (sboms.some((a) => a.verified)) return null;
  const why = sboms.map((a) => `${a.reason?.code}: ${a.reason?.message}`);
  return `no SBOM attestation (SPDX or CycloneDX) from an accepted signer: ${why.length > 0 ? why.join('; ') : 'it has none'}`;
}
