/**
 * Manifests and indexes of the Docker v2 (schema 2) and OCI image formats, validated at the
 * boundary so the rest of the client can trust their shape. Both formats share one JSON
 * structure (OCI grew out of Docker schema 2); only the media types differ.
 */
import { DIGEST_HEX_LENGTHS } from '../image/reference.js';
import { checkJson, type JsonSchema } from '../schema/parse-json.js';

export const MEDIA_TYPE = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
} as const;

/**
 * What we accept for a manifest. Registries pick the representation from this list, so
 * schema 1 is left out: asked for it, Docker Hub would convert a schema 2 image down and
 * answer with a different digest.
 */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPE.ociIndex,
  MEDIA_TYPE.dockerManifestList,
  MEDIA_TYPE.ociManifest,
  MEDIA_TYPE.dockerManifest,
].join(', ');

const INDEX_TYPES = new Set<string>([MEDIA_TYPE.ociIndex, MEDIA_TYPE.dockerManifestList]);
const MANIFEST_TYPES = new Set<string>([MEDIA_TYPE.ociManifest, MEDIA_TYPE.dockerManifest]);
export const IMAGE_CONFIG_TYPES = new Set<string>([MEDIA_TYPE.dockerConfig, MEDIA_TYPE.ociConfig]);

/** A pointer to content: what it is, its digest and its size in bytes. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  /** Index entries: the platform the manifest is for. */
  platform?: Platform;
  /** OCI artifacts (signatures, SBOMs): what the artifact is. */
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface ImageManifest {
  kind: 'manifest';
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  /** OCI 1.1: the manifest this one refers to (a signature's image). */
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  kind: 'index';
  mediaType: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export type Manifest = ImageManifest | ImageIndex;

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export function isDigest(text: string): boolean {
  if (!DIGEST.test(text)) return false;
  const [algorithm, hex = ''] = text.split(':');
  const length = algorithm ? DIGEST_HEX_LENGTHS.get(algorithm) : undefined;
  return length === undefined || (hex.length === length && /^[0-9a-f]+$/.test(hex));
}

const STRING = { type: 'string' };
const STRING_MAP = { type: 'object', additionalProperties: STRING };
const DESCRIPTOR = {
  type: 'object',
  required: ['mediaType', 'digest', 'size'],
  properties: {
    mediaType: STRING,
    digest: { type: 'string', pattern: DIGEST.source },
    size: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    platform: {
      type: 'object',
      required: ['os', 'architecture'],
      properties: { os: STRING, architecture: STRING, variant: STRING },
    },
    artifactType: STRING,
    annotations: STRING_MAP,
  },
};

/** Both shapes in one: which fields a kind needs is decided by its media type, below. */
interface ManifestDocument {
  schemaVersion?: unknown;
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
}
/** Exported for scripts/generate-validators.mjs, which precompiles it. */
export const MANIFEST_DOCUMENT: JsonSchema<ManifestDocument> = {
  type: 'object',
  properties: {
    mediaType: STRING,
    config: DESCRIPTOR,
    layers: { type: 'array', items: DESCRIPTOR },
    manifests: { type: 'array', items: DESCRIPTOR },
    subject: DESCRIPTOR,
    artifactType: STRING,
    annotations: STRING_MAP,
  },
};

/**
 * Parses a manifest or index. The `mediaType` field wins over the Content-Type header (the
 * digest covers the body, not the header); OCI lets both be absent, and then the shape says.
 */
export function parseManifest(bytes: Uint8Array, contentType: string | null): Manifest | { error: string } {
  const checked = checkJson(bytes, MANIFEST_DOCUMENT);
  if ('problem' in checked) return { error: manifestProblem(checked.problem) };
  const json = checked.value;
  const header = contentType?.split(';')[0]?.trim() || null;
  const mediaType =
    json.mediaType ??
    (header && header !== 'application/json' && header !== 'application/octet-stream'
      ? header
      : Array.isArray(json.manifests)
        ? MEDIA_TYPE.ociIndex
        : MEDIA_TYPE.ociManifest);
  if (mediaType.startsWith('application/vnd.docker.distribution.manifest.v1')) {
    return {
      error:
        'it is a Docker schema 1 manifest, which is deprecated: push the image again with a current tool',
    };
  }
  if (json.schemaVersion !== 2)
    return { error: `schemaVersion is ${JSON.stringify(json.schemaVersion)}, not 2` };
  const invalid = [
    ['subject', json.subject] as const,
    ['config', json.config] as const,
    ...(json.manifests ?? json.layers ?? []).map(
      (entry, index) => [`${json.manifests ? 'manifests' : 'layers'}[${index}]`, entry] as const,
    ),
  ].find(([, descriptor]) => descriptor && !isDigest(descriptor.digest));
  if (invalid) return { error: `${invalid[0]}: the descriptor has no valid digest` };
  const common = {
    mediaType,
    ...(json.subject ? { subject: descriptor(json.subject) } : {}),
    ...(json.artifactType !== undefined ? { artifactType: json.artifactType } : {}),
    ...(json.annotations ? { annotations: json.annotations } : {}),
  };

  if (INDEX_TYPES.has(mediaType)) {
    if (!json.manifests) return { error: 'an index needs a "manifests" array' };
    return { kind: 'index', ...common, manifests: json.manifests.map(descriptor) };
  }
  if (MANIFEST_TYPES.has(mediaType)) {
    if (!json.config) return { error: 'config: a descriptor must be an object' };
    if (!json.layers) return { error: 'a manifest needs a "layers" array' };
    return {
      kind: 'manifest',
      ...common,
      config: descriptor(json.config),
      layers: json.layers.map(descriptor),
    };
  }
  return { error: `its media type ${mediaType} is neither an image manifest nor an index` };
}

/**
 * The schema's complaint in the words of a descriptor: `layers[0]: the descriptor has no
 * valid size` rather than `/layers/0/size must be >= 0`.
 */
function manifestProblem(problem: string): string {
  if (problem.startsWith('the document must be object')) return 'it is not a JSON object';
  const match = /^\/(config|subject|layers\/\d+|manifests\/\d+)(?:\/(mediaType|digest|size)\b)?/.exec(
    problem,
  );
  if (!match?.[1]) return problem;
  const where = match[1].replace(/\/(\d+)$/, '[$1]');
  const field = match[2] ?? /required property '(mediaType|digest|size)'/.exec(problem)?.[1];
  if (field === 'mediaType') return `${where}: the descriptor has no mediaType`;
  if (field) return `${where}: the descriptor has no valid ${field}`;
  if (problem === `${match[0]} must be object`) return `${where}: a descriptor must be an object`;
  return `${where}: ${problem}`;
}

/** The descriptor as the client uses it: the fields it knows, no empty variant. */
function descriptor(value: Descriptor): Descriptor {
  const { mediaType, digest, size, platform, artifactType, annotations } = value;
  return {
    mediaType,
    digest,
    size,
    ...(platform
      ? {
          platform: {
            os: platform.os,
            architecture: platform.architecture,
            ...(platform.variant ? { variant: platform.variant } : {}),
          },
        }
      : {}),
    ...(artifactType !== undefined ? { artifactType } : {}),
    ...(annotations ? { annotations } : {}),
  };
}

/** `os/arch[/variant]`, the form Docker's `--platform` takes. */
export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

export function parsePlatform(text: string): Platform | null {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => !/^[a-z0-9._-]+$/.test(part))) return null;
  const [os = '', architecture = '', variant] = parts;
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/**
 * The index entry for `wanted`, the way containerd's platform matcher picks it: same os and
 * architecture; the variant must match when one is asked for, where `arm64` without a variant
 * means `v8`. Attestation manifests (`unknown/unknown`) are never images.
 */
export function selectPlatform(index: ImageIndex, wanted: Platform): Descriptor | null {
  const normalise = (platform: Platform): string | undefined =>
    platform.variant ?? (platform.architecture === 'arm64' ? 'v8' : undefined);
  const candidates = index.manifests.filter(
    (entry) =>
      entry.platform !== undefined &&
      entry.platform.os === wanted.os &&
      entry.platform.architecture === wanted.architecture &&
      MANIFEST_TYPES.has(entry.mediaType),
  );
  if (wanted.variant === undefined && wanted.architecture !== 'arm64') return candidates[0] ?? null;
  const variant = normalise(wanted);
  return candidates.find((entry) => entry.platform && normalise(entry.platform) === variant) ?? null;
}

/** The platforms an index offers, in its order, without attestation entries. */
export function indexPlatforms(index: ImageIndex): string[] {
  const platforms = index.manifests
    .map((entry) => entry.platform)
    .filter((platform): platform is Platform => platform !== undefined && platform.os !== 'unknown')
    .map(formatPlatform);
  return [...new Set(platforms)];
}
