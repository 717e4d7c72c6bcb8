/**
 * Registry facts: what each referenced image's registry says about it now (digest, user,
 * size, age), gathered before policy evaluation so that policies stay pure. Each image is
 * looked up once per run however many files name it, a few at a time, and a failed
 * look-up becomes a fact (`error`) for the policies to judge, never an exception.
 */

import { LRUCache } from 'lru-cache';
import { errorMessage } from '../errors.js';
import type { ImageReference } from '../image/reference.js';
import type { PolicyInput, RegistryFacts } from '../input/policy-input.js';
import { type ResolvedImage, registryClientFromEnv } from '../registry/client.js';
import { type Settings, settings } from '../settings.js';
import { binaryLinking, lighterVariants, singleBinaryVariants, variantCatalog } from './lighter-variants.js';
import { runLimited } from './run-limited.js';
import { type FactsBySite, imageSites, setFactsAt } from './sites.js';

/** What gathering needs of a registry client (RegistryClient fits; tests may pass a fake at this seam). */
export interface ImageResolver {
  resolve(reference: ImageReference, options?: { platform?: string }): Promise<ResolvedImage>;
  /** Optional: lets a `latest` reference learn which version tags name the same image. */
  tags?(name: { registry: string; repository: string }): Promise<string[]>;
  manifest?(name: { registry: string; repository: string; tag?: string | null }): Promise<{ digest: string }>;
}

const LOOKUP_CONCURRENCY = 4;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The registry facts of every reference and Dockerfile base image of the inputs, by site.
 * Sites that name the same image (and platform) share one facts object: it was looked up once.
 */
export async function gatherRegistryFacts(
  inputs: readonly PolicyInput[],
  resolver: ImageResolver,
  now: Date = new Date(),
  options: { policyData?: Record<string, unknown> } = {},
): Promise<FactsBySite<RegistryFacts>> {
  const sites = imageSites(inputs);
  const lookups = new Map<string, () => Promise<RegistryFacts>>();
  for (const { image, platform } of sites) {
    const key = lookupKey(image, platform);
    if (!lookups.has(key)) lookups.set(key, () => cachedLookUp(resolver, image, platform, now));
  }
  const results = await runLimited([...lookups.entries()], LOOKUP_CONCURRENCY);
  await addLighterVariants(inputs, resolver, results, options.policyData);
  const found: FactsBySite<RegistryFacts> = new Map();
  for (const site of sites) {
    const facts = results.get(lookupKey(site.image, site.platform));
    if (facts) setFactsAt(found, site, facts);
  }
  return found;
}

/**
 * Look-ups are cached per resolver (the App keeps one for the process): what a tag points
 * at for a few minutes, since tags move; anything named by digest for as long as it stays
 * among the most recent entries, since it cannot change. Failures are not cached.
 */
const TAG_TTL_MS = 5 * 60_000;
const caches = new WeakMap<ImageResolver, LRUCache<string, RegistryFacts>>();

async function cachedLookUp(
  resolver: ImageResolver,
  image: ImageReference,
  platform: string | null,
  now: Date,
): Promise<RegistryFacts> {
  let cache = caches.get(resolver);
  if (!cache) {
    cache = new LRUCache({ max: 2000 });
    caches.set(resolver, cache);
  }
  const key = lookupKey(image, platform);
  const hit = cache.get(key);
  if (hit) {
    // Each run gets its own copy, with today's age; the entry stays as it was looked up.
    const facts = structuredClone(hit);
    const createdMs = facts.created ? Date.parse(facts.created) : Number.NaN;
    if (Number.isFinite(createdMs))
      facts.age_days = Math.max(0, Math.floor((now.getTime() - createdMs) / DAY_MS));
    return facts;
  }
  const facts = await lookUp(resolver, image, platform, now);
  if (!facts.error) cache.set(key, structuredClone(facts), { ttl: image.digest ? 0 : TAG_TTL_MS });
  return facts;
}

/**
 * Lighter variants (src/facts/lighter-variants.ts) of the images that ship: a Dockerfile's
 * final-stage base and a manifest's references, when tagged with a version. A builder
 * stage's base does not ship, so its weight is nobody's concern here.
 */
async function addLighterVariants(
  inputs: readonly PolicyInput[],
  resolver: ImageResolver,
  results: Map<string, RegistryFacts>,
  policyData: Record<string, unknown> | undefined,
): Promise<void> {
  type Shipped = { image: ImageReference; platform: string | null; linking: 'static' | 'glibc' | null };
  const shipped = new Map<string, Shipped>();
  for (const input of inputs) {
    // A final stage that only runs a binary from a builder stage may also be offered an image
    // of another repository (distroless), looked up only with the Dockerfile's evidence.
    const linking = 'dockerfile' in input ? binaryLinking(input.dockerfile) : null;
    const named =
      'dockerfile' in input
        ? input.dockerfile.stages.filter((stage) => stage.final).map((stage) => stage.base)
        : input.references;
    for (const { image, platform } of named) {
      if (!image?.tag || image.tag === 'latest') continue;
      const key = lookupKey(image, platform);
      shipped.set(key, { image, platform, linking: linking ?? shipped.get(key)?.linking ?? null });
    }
  }
  if (shipped.size === 0) return;
  const catalog = await variantCatalog(policyData).catch(() => null);
  if (!catalog) return;
  const tasks: [string, () => Promise<void>][] = [];
  for (const [key, { image, platform, linking }] of shipped) {
    const facts = results.get(key);
    const tag = image.tag;
    if (!facts || facts.error || facts.size === null || !tag) continue;
    const size = facts.size;
    tasks.push([
      key,
      async () => {
        const found = await lighterVariants(resolver, { image: { ...image, tag }, platform, size }, catalog);
        const others = linking
          ? await singleBinaryVariants(resolver, { platform, size }, catalog, linking)
          : [];
        if (found || others.length > 0)
          facts.lighter_variants = [...(found ?? []), ...others].sort(
            (a, b) => a.compressed_size - b.compressed_size,
          );
      },
    ]);
  }
  await runLimited(tasks, LOOKUP_CONCURRENCY);
}

function lookupKey(image: ImageReference, platform: string | null): string {
  return `${image.normalized} ${platform ?? ''}`;
}

async function lookUp(
  resolver: ImageResolver,
  image: ImageReference,
  platform: string | null,
  now: Date,
): Promise<RegistryFacts> {
  try {
    // A platform written with build variables ($BUILDPLATFORM) is not known here: use the default.
    const known = platform && !platform.includes('$') ? { platform } : {};
    const resolved = await resolver.resolve(image, known);
    const created = resolved.config.created;
    const createdMs = created ? Date.parse(created) : Number.NaN;
    return {
      digest: resolved.digest,
      platform_digest: resolved.manifestDigest,
      media_type: resolved.mediaType,
      platforms: resolved.platforms,
      // The image config leaves User unset for root; policies see that as "".
      user: resolved.config.user ?? '',
      exposed_ports: resolved.config.exposedPorts,
      // Names only: values may be secrets, and policies have no business holding them.
      env_names: resolved.config.env.map((entry) => entry.split('=')[0] ?? entry),
      labels: resolved.config.labels,
      base_image: baseImageOf({ ...resolved.config.labels, ...resolved.annotations }),
      created,
      age_days: Number.isFinite(createdMs)
        ? Math.max(0, Math.floor((now.getTime() - createdMs) / DAY_MS))
        : null,
      size: resolved.size,
      layer_count: resolved.layers.length,
      ...(image.digest === null && (image.tag === null || image.tag === 'latest')
        ? { tags_for_digest: await versionTagsFor(resolver, image, resolved.digest) }
        : {}),
      error: null,
    };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return {
      digest: null,
      platform_digest: null,
      media_type: null,
      platforms: [],
      user: null,
      created: null,
      age_days: null,
      size: null,
      layer_count: null,
      error: { code: typeof code === 'string' ? code : 'error', message: errorMessage(error) },
    };
  }
}

function baseImageOf(annotations: Record<string, string>): RegistryFacts['base_image'] {
  const name = annotations['org.opencontainers.image.base.name'] ?? null;
  const digest = annotations['org.opencontainers.image.base.digest'] ?? null;
  return name === null && digest === null ? null : { name, digest };
}

/** Version-like tags, newest first, that a `latest` image is compared with (each costs a request). */
const VERSION_TAG = /^v?\d+(\.\d+){0,3}([-+._][0-9A-Za-z.-]+)?$/;
const TAGS_COMPARED = 12;

/**
 * The version tags that point at the same digest as `latest` does now, most specific first
 * (`1.25.3`, `1.25`, `1`): what the "name an explicit tag" fix writes. Best effort: a
 * registry that will not list tags just gets no fix.
 */
async function versionTagsFor(
  resolver: ImageResolver,
  image: ImageReference,
  digest: string,
): Promise<string[]> {
  if (!resolver.tags || !resolver.manifest) return [];
  try {
    const candidates = (await resolver.tags(image))
      .filter((tag) => VERSION_TAG.test(tag))
      .sort(compareVersionsDescending)
      .slice(0, TAGS_COMPARED);
    const same: string[] = [];
    for (const tag of candidates) {
      const { digest: tagged } = await resolver.manifest({
        registry: image.registry,
        repository: image.repository,
        tag,
      });
      if (tagged === digest) same.push(tag);
    }
    return same.sort(
      (a, b) => b.split(/[.-]/).length - a.split(/[.-]/).length || compareVersionsDescending(a, b),
    );
  } catch {
    return [];
  }
}

function compareVersionsDescending(a: string, b: string): number {
  const parts = (tag: string) =>
    tag
      .replace(/^v/, '')
      .split(/[.+_-]/)
      .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const [x, y] = [pa[i], pb[i]];
    if (x === y) continue;
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    if (typeof x === 'number' && typeof y === 'number') return y - x;
    return typeof x === 'number' ? -1 : typeof y === 'number' ? 1 : String(y).localeCompare(String(x));
  }
  return 0;
}

/** The registry client as the operator configures it (see registryClientFromEnv). */
export function registryResolverFromEnv(from: Settings = settings()): ImageResolver {
  return registryClientFromEnv(from);
}

let appResolver: ImageResolver | undefined;
/**
 * Registry look-ups for the App: one client per process (its tokens are cached), off
 * when PORTCULLIS_OFFLINE is set.
 */
export function appRegistryOptions(from: Settings = settings()): { registry?: ImageResolver } {
  if (from.offline) return {};
  appResolver ??= registryResolverFromEnv(from);
  return { registry: appResolver };
}
