/**
 * Manifests and indexes of the Docker v2 (schema 2) and OCI image formats, validated at the
 * boundary so the rest of the client can trust their shape. Both formats share one JSON
 * structure (OCI grew out of Docker schema 2); only the media types differ.
 */
import { DIGEST_HEX_LENGTHS } from '../image/reference.js';

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

/**
 * Parses a manifest or index. The `mediaType` field wins over the Content-Type header (the
 * digest covers the body, not the header); OCI lets both be absent, and then the shape says.
 */
export function parseManifest(bytes: Uint8Array, contentType: string | null): Manifest | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return { error: 'it is not JSON' };
  }
  if (!isObject(json)) return { error: 'it is not a JSON object' };
  const header = contentType?.split(';')[0]?.trim() || null;
  const declared = typeof json.mediaType === 'string' ? json.mediaType : null;
  const mediaType =
    declared ??
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
  const subject = json.subject === undefined ? undefined : parseDescriptor(json.subject);
  if (subject && 'error' in subject) return { error: `subject: ${subject.error}` };
  const common = {
    mediaType,
    ...(subject ? { subject } : {}),
    ...(typeof json.artifactType === 'string' ? { artifactType: json.artifactType } : {}),
    ...(isStringRecord(json.annotations) ? { annotations: json.annotations } : {}),
  };

  if (INDEX_TYPES.has(mediaType)) {
    if (!Array.isArray(json.manifests)) return { error: 'an index needs a "manifests" array' };
    const manifests: Descriptor[] = [];
    for (const [index, entry] of json.manifests.entries()) {
      const descriptor = parseDescriptor(entry);
      if ('error' in descriptor) return { error: `manifests[${index}]: ${descriptor.error}` };
      manifests.push(descriptor);
    }
    return { kind: 'index', ...common, manifests };
  }
  if (MANIFEST_TYPES.has(mediaType)) {
    const config = parseDescriptor(json.config);
    if ('error' in config) return { error: `config: ${config.error}` };
    if (!Array.isArray(json.layers)) return { error: 'a manifest needs a "layers" array' };
    const layers: Descriptor[] = [];
    for (const [index, entry] of json.layers.entries()) {
      const descriptor = parseDescriptor(entry);
      if ('error' in descriptor) return { error: `layers[${index}]: ${descriptor.error}` };
      layers.push(descriptor);
    }
    return { kind: 'manifest', ...common, config, layers };
  }
  return { error: `its media type ${mediaType} is neither an image manifest nor an index` };
}

export function parseDescriptor(value: unknown): Descriptor | { error: string } {
  if (!isObject(value)) return { error: 'a descriptor must be an object' };
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string') return { error: 'the descriptor has no mediaType' };
  if (typeof digest !== 'string' || !isDigest(digest)) return { error: 'the descriptor has no valid digest' };
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    return { error: 'the descriptor has no valid size' };
  }
  const descriptor: Descriptor = { mediaType, digest, size };
  const platform = value.platform;
  if (isObject(platform) && typeof platform.os === 'string' && typeof platform.architecture === 'string') {
    descriptor.platform = {
      os: platform.os,
      architecture: platform.architecture,
      ...(typeof platform.variant === 'string' && platform.variant ? { variant: platform.variant } : {}),
    };
  }
  if (typeof value.artifactType === 'string') descriptor.artifactType = value.artifactType;
  if (isStringRecord(value.annotations)) descriptor.annotations = value.annotations;
  return descriptor;
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

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return isObject(value) && Object.values(value).every((entry) => typeof entry === 'string');
}
