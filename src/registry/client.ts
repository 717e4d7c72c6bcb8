/**
 * A small client for the Docker Registry v2 / OCI distribution API, on Node's own fetch:
 * resolve an image reference to its digest, platform manifest, config and layers; read
 * manifests, blobs, tags and referrers. It only reads; it never pulls layers.
 *
 * Written here rather than taken from npm: `docker-registry-client` (Joyent) was built for
 * the v1 API and has not had a release in years; `@snyk/docker-registry-v2-client` is kept up
 * but is Snyk's own, on `needle`, with credentials passed as positional arguments and neither
 * OCI referrers nor digest verification; the popular `dockerode`/`docker-modem` talk to a
 * Docker daemon, which a pull-request gate does not have. What we need (auth, retries,
 * redirects without leaking tokens, digest checks) is a few hundred lines on fetch.
 *
 * Conventions kept from the distribution spec and Docker's own client:
 * - `docker.io` is served by `registry-1.docker.io`.
 * - HTTPS always, except for registries the user lists in `insecureRegistries`. Not even
 *   `localhost` or 127.0.0.1 is plain HTTP implicitly (Docker makes that exception): an
 *   explicit list is one place to read what may travel in the clear.
 * - A reference with both a tag and a digest is fetched by digest; the tag is ignored.
 */
import { createHash } from 'node:crypto';
import type { ImageReference } from '../image/reference.js';
import { checkJson, type JsonSchema } from '../schema/parse-json.js';
import { type Settings, settings } from '../settings.js';
import { RegistryAuthenticator } from './auth.js';
import {
  REGISTRY_AUTH_VARIABLE,
  type RegistryCredentials,
  registryCredentialKey,
  registryCredentialsFromEnv,
} from './credentials.js';
import { RegistryError, redactError } from './errors.js';
import { type HttpResponse, MAX_RETRY_AFTER_MS, retryAfterMs, send, type TransportOptions } from './http.js';
import { type ImageConfig, parseImageConfig } from './image-config.js';
import {
  type Descriptor,
  formatPlatform,
  IMAGE_CONFIG_TYPES,
  indexPlatforms,
  isDigest,
  MANIFEST_ACCEPT,
  type Manifest,
  MEDIA_TYPE,
  parseManifest,
  parsePlatform,
  selectPlatform,
} from './manifest.js';

export interface RegistryClientOptions {
  /** Keyed by registry host; see `registryCredentialsFromEnv`. */
  credentials?: RegistryCredentials;
  /** Hosts (`host[:port]`) spoken to over plain HTTP. Nothing is insecure unless listed. */
  insecureRegistries?: string[];
  /** Per attempt, headers and body together. Default 30 s. */
  timeoutMs?: number;
  /** Attempts after the first, on network errors, timeouts, 429 and 5xx. Default 3. */
  retries?: number;
  /** Defaults to the global fetch; tests inject one to watch or fake the wire. */
  fetch?: typeof fetch;
  userAgent?: string;
}

/**
 * The registry client as the operator configures it through the environment: credentials
 * from PORTCULLIS_REGISTRY_AUTH or Docker's config.json, plain-HTTP hosts from
 * PORTCULLIS_INSECURE_REGISTRIES (comma-separated `host[:port]`) and `insecure` (a
 * command's --insecure-registry). Every caller (the App, check, scan, verify) gets the same
 * time limits: a pull request check waits for these, so a slow registry fails soon and says so.
 */
export function registryClientFromEnv(
  from: Settings = settings(),
  insecure: readonly string[] = [],
): RegistryClient {
  return new RegistryClient({
    credentials: registryCredentialsFromEnv(from),
    insecureRegistries: [...from.insecureRegistries, ...insecure].map((host) => host.trim()).filter(Boolean),
    timeoutMs: 10_000,
    retries: 2,
  });
}

/** Registry and repository: an `ImageReference` will do. */
export interface RepositoryName {
  registry: string;
  repository: string;
}

/** A manifest (or index) by tag or digest: an `ImageReference` will do. */
export interface ManifestName extends RepositoryName {
  tag?: string | null;
  digest?: string | null;
}

export interface FetchedManifest {
  /** Digest of the bytes as served: what `name@digest` pins. */
  digest: string;
  mediaType: string;
  manifest: Manifest;
  bytes: Buffer;
}

export interface ImageLayer {
  digest: string;
  /** Compressed size in bytes, as the manifest declares it. */
  size: number;
  mediaType: string;
}

export interface ResolvedImage {
  reference: ImageReference;
  /** What the reference points at: the index digest for a multi-platform image, else the manifest's. */
  digest: string;
  /** Media type of that index or manifest. */
  mediaType: string;
  /** The platform's own image manifest: picked from the index, or `digest` itself. */
  manifestDigest: string;
  /** Platform of the image resolved, from its config, e.g. `linux/arm64/v8`. */
  platform: string;
  /** Platforms the index offers (attestations left out); the single platform otherwise. */
  platforms: string[];
  configDigest: string;
  config: ImageConfig;
  layers: ImageLayer[];
  /** Sum of the compressed layer sizes: what a pull downloads at most. */
  size: number;
  /** The platform manifest's annotations, e.g. `org.opencontainers.image.base.name`. */
  annotations: Record<string, string>;
}

export const DEFAULT_PLATFORM = 'linux/amd64';
/** The distribution registry refuses manifests over 4 MiB; so do we. */
const MANIFEST_LIMIT = 4 * 1024 * 1024;
/** Configs, signatures and attestations: small blobs. Layers are never fetched. */
const BLOB_LIMIT = 64 * 1024 * 1024;
const TAG_LIST_LIMIT = 16 * 1024 * 1024;
const MAX_PAGES = 1000;
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

export class RegistryClient {
  readonly #transport: TransportOptions;
  readonly #insecure: Set<string>;
  readonly #auth: RegistryAuthenticator;

  constructor(options: RegistryClientOptions = {}) {
    this.#transport = {
      fetch: options.fetch ?? globalThis.fetch,
      timeoutMs: options.timeoutMs ?? 30_000,
      retries: Math.max(0, options.retries ?? 3),
      userAgent: options.userAgent ?? 'portcullis',
    };
    this.#insecure = new Set((options.insecureRegistries ?? []).map(registryCredentialKey));
    this.#auth = new RegistryAuthenticator(options.credentials ?? {}, this.#transport, (host) =>
      this.#insecure.has(registryCredentialKey(host)),
    );
  }

  /**
   * Resolves a reference to its digest, and the image for `platform` (default linux/amd64)
   * to its manifest, config and layers. A single-platform image is returned whatever its
   * platform (as `docker pull` does); `platform` tells which one it is.
   */
  resolve(reference: ImageReference, options: { platform?: string } = {}): Promise<ResolvedImage> {
    return this.#guard(async () => {
      const platformText = options.platform ?? DEFAULT_PLATFORM;
      const wanted = parsePlatform(platformText);
      if (!wanted) {
        throw new RegistryError(
          'invalid_request',
          `"${platformText}" is not a platform: expected os/arch[/variant]`,
        );
      }
      const top = await this.manifest(reference);
      let image = top;
      let platforms: string[] | null = null;
      if (top.manifest.kind === 'index') {
        platforms = indexPlatforms(top.manifest);
        const entry = selectPlatform(top.manifest, wanted);
        if (!entry) {
          throw new RegistryError(
            'no_matching_platform',
            `${reference.normalized} has no ${platformText} image; it offers ${platforms.join(', ') || 'no platform'}`,
            { registry: reference.registry },
          );
        }
        image = await this.manifest({ ...reference, digest: entry.digest });
      }
      const manifest = image.manifest;
      if (manifest.kind !== 'manifest') {
        throw invalidManifest(
          reference,
          `${image.digest} is an index inside an index, which images do not use`,
        );
      }
      if (!IMAGE_CONFIG_TYPES.has(manifest.config.mediaType)) {
        throw invalidManifest(
          reference,
          `it is not a container image (its config is ${manifest.config.mediaType})`,
        );
      }
      const config = parseImageConfig(await this.blob(reference, manifest.config.digest));
      if ('error' in config) throw invalidManifest(reference, config.error);
      const platform = formatPlatform({
        os: config.os,
        architecture: config.architecture,
        ...(config.variant ? { variant: config.variant } : {}),
      });
      const layers = manifest.layers.map(({ digest, size, mediaType }) => ({ digest, size, mediaType }));
      return {
        reference,
        digest: top.digest,
        mediaType: top.mediaType,
        manifestDigest: image.digest,
        platform,
        platforms: platforms ?? [platform],
        configDigest: manifest.config.digest,
        config,
        layers,
        size: layers.reduce((total, layer) => total + layer.size, 0),
        annotations: manifest.annotations ?? {},
      };
    });
  }

  /** The manifest or index a tag or digest names, verified against its digest. */
  manifest(name: ManifestName): Promise<FetchedManifest> {
    return this.#guard(async () => {
      checkRepository(name);
      const reference = name.digest ?? name.tag ?? 'latest';
      if (name.digest ? !isDigest(name.digest) : !TAG.test(reference)) {
        throw new RegistryError('invalid_request', `"${reference}" is neither a tag nor a digest`);
      }
      const what = `${name.repository}${name.digest ? `@${name.digest}` : `:${reference}`}`;
      const response = await this.#get(name, `manifests/${reference}`, MANIFEST_ACCEPT, MANIFEST_LIMIT);
      this.#expectOk(response, name, what);
      const bytes = response.body;
      let digest: string;
      if (name.digest) {
        digest = verifyDigest(bytes, name.digest, name.registry, what);
      } else {
        // By tag, the registry announces the digest; check it rather than trust it.
        const announced = response.headers.get('docker-content-digest');
        digest =
          announced && isDigest(announced)
            ? verifyDigest(bytes, announced, name.registry, what)
            : `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      }
      const manifest = parseManifest(bytes, response.headers.get('content-type'));
      if ('error' in manifest) throw invalidManifest(name, manifest.error, what);
      return { digest, mediaType: manifest.mediaType, manifest, bytes };
    });
  }

  /**
   * A blob's bytes (a config, a signature), verified against `digest`. Layers only with a
   * larger `maxBytes` (the scanner's image pull): the blob is held in memory whole.
   */
  blob(name: RepositoryName, digest: string, options: { maxBytes?: number } = {}): Promise<Buffer> {
    return this.#guard(async () => {
      checkRepository(name);
      if (!isDigest(digest)) throw new RegistryError('invalid_request', `"${digest}" is not a digest`);
      const what = `${name.repository}@${digest} (blob)`;
      const response = await this.#get(name, `blobs/${digest}`, undefined, options.maxBytes ?? BLOB_LIMIT);
      this.#expectOk(response, name, what);
      verifyDigest(response.body, digest, name.registry, what);
      return response.body;
    });
  }

  /** Every tag of a repository, following `Link: <…>; rel="next"` pages, in the registry's order. */
  tags(name: RepositoryName): Promise<string[]> {
    return this.#guard(async () => {
      checkRepository(name);
      const tags: string[] = [];
      let path: string | null = 'tags/list';
      for (let page = 0; path !== null; page++) {
        if (page >= MAX_PAGES) {
          throw new RegistryError(
            'server_error',
            `Registry ${name.registry} sent more than ${MAX_PAGES} tag pages`,
            name,
          );
        }
        const response = await this.#get(name, path, 'application/json', TAG_LIST_LIMIT);
        this.#expectOk(response, name, `${name.repository} (tags)`);
        const list = checkJson(response.body, TAG_LIST);
        if ('problem' in list) {
          throw new RegistryError(
            'server_error',
            `Registry ${name.registry} sent an unreadable tag list: ${list.problem}`,
            name,
          );
        }
        tags.push(...(list.value.tags ?? []));
        path = this.#nextPage(name, response);
      }
      return tags;
    });
  }

  /**
   * Manifests that refer to `digest` through their `subject` (signatures, SBOMs,
   * attestations): the OCI 1.1 referrers API, or, where the registry does not have it (404),
   * the index tagged `sha256-<hex>` that pushers maintain instead (the tag-schema fallback).
   */
  referrers(
    name: RepositoryName,
    digest: string,
    options: { artifactType?: string } = {},
  ): Promise<Descriptor[]> {
    return this.#guard(async () => {
      checkRepository(name);
      if (!isDigest(digest)) throw new RegistryError('invalid_request', `"${digest}" is not a digest`);
      const what = `${name.repository}@${digest} (referrers)`;
      const filter = options.artifactType ? `?artifactType=${encodeURIComponent(options.artifactType)}` : '';
      let path: string | null = `referrers/${digest}${filter}`;
      const found: Descriptor[] = [];
      for (let page = 0; path !== null; page++) {
        if (page >= MAX_PAGES) {
          throw new RegistryError(
            'server_error',
            `Registry ${name.registry} sent more than ${MAX_PAGES} referrer pages`,
            name,
          );
        }
        const response = await this.#get(name, path, MEDIA_TYPE.ociIndex, MANIFEST_LIMIT);
        if (response.status === 404 && page === 0) {
          found.push(...(await this.#referrersByTag(name, digest)));
          break;
        }
        this.#expectOk(response, name, what);
        const index = parseManifest(response.body, MEDIA_TYPE.ociIndex);
        if ('error' in index || index.kind !== 'index') {
          throw invalidManifest(
            name,
            'error' in index ? index.error : 'the referrers answer is not an index',
            what,
          );
        }
        found.push(...index.manifests);
        path = this.#nextPage(name, response);
      }
      // Filtering again is harmless where the registry filtered, and needed where it did not.
      return options.artifactType
        ? found.filter((entry) => entry.artifactType === options.artifactType)
        : found;
    });
  }

  async #referrersByTag(name: RepositoryName, digest: string): Promise<Descriptor[]> {
    try {
      const fallback = await this.manifest({ ...name, tag: digest.replace(':', '-'), digest: null });
      return fallback.manifest.kind === 'index' ? fallback.manifest.manifests : [];
    } catch (error) {
      if (error instanceof RegistryError && error.code === 'not_found') return [];
      throw error;
    }
  }

  /** A GET under `/v2/<repository>/`, with authentication and one retry after a challenge. */
  async #get(
    name: RepositoryName,
    path: string,
    accept: string | undefined,
    maxBytes: number,
  ): Promise<HttpResponse> {
    const scope = `repository:${name.repository}:pull`;
    const url = new URL(`/v2/${name.repository}/${path}`, this.#baseUrl(name.registry));
    const request = (authorization: string | undefined) =>
      send(
        {
          url,
          headers: { ...(accept ? { accept } : {}), ...(authorization ? { authorization } : {}) },
          maxBytes,
          peer: `registry ${name.registry}`,
          registry: name.registry,
        },
        this.#transport,
      );
    const sent = await this.#auth.authorization(name.registry, scope);
    const response = await request(sent);
    if (response.status !== 401) return response;
    const retry = await this.#auth.retryAuthorization(name.registry, scope, response, sent);
    return retry ? request(retry) : response;
  }

  #baseUrl(registry: string): string {
    const host = registry === 'docker.io' ? 'registry-1.docker.io' : registry;
    return `${this.#insecure.has(registryCredentialKey(registry)) ? 'http' : 'https'}://${host}`;
  }

  /** The path of the `rel="next"` page, which must stay on the registry's own origin. */
  #nextPage(name: RepositoryName, response: HttpResponse): string | null {
    const link = response.headers.get('link');
    const target = link?.match(/<([^>]+)>\s*;\s*rel="?next"?/i)?.[1];
    if (!target) return null;
    const base = this.#baseUrl(name.registry);
    const next = new URL(target, base);
    const prefix = `/v2/${name.repository}/`;
    if (next.origin !== new URL(base).origin || !next.pathname.startsWith(prefix)) {
      throw new RegistryError(
        'server_error',
        `Registry ${name.registry} sent a next-page link outside the repository`,
        name,
      );
    }
    return `${next.pathname.slice(prefix.length)}${next.search}`;
  }

  #expectOk(response: HttpResponse, name: RepositoryName, what: string): void {
    if (response.status >= 200 && response.status < 300) return;
    throw this.#statusError(response, name, what);
  }

  #statusError(response: HttpResponse, name: RepositoryName, what: string): RegistryError {
    const { registry } = name;
    const { status } = response;
    const details = { registry, status };
    const hasCredentials = this.#auth.credential(registry) !== undefined;
    const fix = `(${REGISTRY_AUTH_VARIABLE})`;
    const reason = registryErrorText(response.body);
    const answered = `Registry ${registry} answered ${status}${reason ? ` (${reason})` : ''} for ${what}`;
    if (status === 401) {
      const hub =
        registry === 'docker.io' ? ' (Docker Hub also answers 401 for repositories that do not exist)' : '';
      return new RegistryError(
        'unauthorized',
        hasCredentials
          ? `${answered}: the credentials for ${registry} were rejected; check them ${fix}${hub}`
          : `${answered}: add credentials for ${registry} ${fix}${hub}`,
        details,
      );
    }
    if (status === 403) {
      return new RegistryError(
        'denied',
        hasCredentials
          ? `${answered}: the credentials for ${registry} do not grant pull access to ${name.repository}`
          : `${answered}: ${name.repository} is not public; add credentials for ${registry} ${fix}`,
        details,
      );
    }
    if (status === 404) {
      return new RegistryError('not_found', `${answered}: check the repository name, tag or digest`, details);
    }
    if (status === 429) {
      const after = retryAfterMs(response.headers.get('retry-after'));
      const wait =
        after !== null && after > MAX_RETRY_AFTER_MS ? `; it asks to wait ${Math.ceil(after / 1000)} s` : '';
      const more = hasCredentials ? '' : `, or add credentials for ${registry} for a higher limit ${fix}`;
      return new RegistryError(
        'rate_limited',
        `${answered} after ${attempts(response)}: too many requests${wait}; try again later${more}`,
        details,
      );
    }
    if (status >= 500) {
      return new RegistryError(
        'server_error',
        `${answered} after ${attempts(response)}: the registry is failing; try again later`,
        details,
      );
    }
    return new RegistryError('server_error', answered, details);
  }

  /** Every error leaves through here, without any credential in its text. */
  async #guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw redactError(error, this.#auth.secrets);
    }
  }
}

function attempts(response: HttpResponse): string {
  return response.attempts === 1 ? '1 attempt' : `${response.attempts} attempts`;
}

function checkRepository(name: RepositoryName): void {
  if (!REPOSITORY.test(name.repository)) {
    throw new RegistryError('invalid_request', `"${name.repository}" is not a repository name`);
  }
}

/** Hashes `bytes` with the digest's algorithm; throws `digest_mismatch` when they differ. */
function verifyDigest(bytes: Uint8Array, digest: string, registry: string, what: string): string {
  const [algorithm = '', expected = ''] = digest.split(':');
  if (!['sha256', 'sha384', 'sha512'].includes(algorithm)) {
    throw new RegistryError(
      'invalid_request',
      `cannot verify ${what}: unsupported digest algorithm ${algorithm}`,
      {
        registry,
      },
    );
  }
  const actual = createHash(algorithm).update(bytes).digest('hex');
  if (actual !== expected) {
    throw new RegistryError(
      'digest_mismatch',
      `Registry ${registry} sent content for ${what} whose ${algorithm} is ${actual}, not ${expected}: refusing it`,
      { registry },
    );
  }
  return digest;
}

function invalidManifest(name: RepositoryName, why: string, what = name.repository): RegistryError {
  return new RegistryError(
    'invalid_manifest',
    `Registry ${name.registry} sent an unusable manifest for ${what}: ${why}`,
    {
      registry: name.registry,
    },
  );
}

/** `GET /v2/<name>/tags/list`; distribution answers `"tags": null` for a repository without tags. */
const TAG_LIST: JsonSchema<{ tags?: string[] | null }> = {
  type: 'object',
  properties: { tags: { type: ['array', 'null'], items: { type: 'string' } } },
};

/** The distribution spec's error body; only a hint, so a body of another shape (a proxy's HTML) is no reason. */
const ERROR_BODY: JsonSchema<{ errors: { code: string; message?: string }[] }> = {
  type: 'object',
  required: ['errors'],
  properties: {
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code'],
        properties: { code: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

/** `MANIFEST_UNKNOWN: manifest unknown` from the distribution error body, when there is one. */
function registryErrorText(body: Buffer): string | null {
  const checked = checkJson(body, ERROR_BODY);
  const first = 'value' in checked ? checked.value.errors[0] : undefined;
  if (!first) return null;
  const message = first.message !== undefined ? `: ${first.message}` : '';
  return `${first.code}${message}`.slice(0, 200);
}
