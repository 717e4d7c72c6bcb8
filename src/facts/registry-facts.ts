/**
 * Registry facts: what each referenced image's registry says about it now (digest, user,
 * size, age), gathered before policy evaluation so that policies stay pure. Each image is
 * looked up once per run however many files name it, a few at a time, and a failed
 * look-up becomes a fact (`error`) for the policies to judge, never an exception.
 */
import { errorMessage } from '../core/errors.js';
import type { ImageReference } from '../image/reference.js';
import type { PolicyInput, RegistryFacts } from '../policy/input.js';
import { RegistryClient, type ResolvedImage } from '../registry/client.js';
import { registryCredentialsFromEnv } from '../registry/credentials.js';
import { type TrustPolicySet, trustPolicyFromEnv } from '../signatures/trust-policy.js';
import { gatherSignatureFacts } from './signature-facts.js';

/** What gathering needs of a registry client (RegistryClient fits; tests may pass a fake at this seam). */
export interface ImageResolver {
  resolve(reference: ImageReference, options?: { platform?: string }): Promise<ResolvedImage>;
}

const LOOKUP_CONCURRENCY = 4;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Fills `registry_facts` on every reference and Dockerfile base image of the inputs, in place. */
export async function gatherRegistryFacts(
  inputs: readonly PolicyInput[],
  resolver: ImageResolver,
  now: Date = new Date(),
  trust: TrustPolicySet | null = trustPolicyFromEnv(),
): Promise<void> {
  const wanted: { image: ImageReference; platform: string | null; assign: (facts: RegistryFacts) => void }[] =
    [];
  for (const input of inputs) {
    for (const reference of input.references) {
      if (reference.image) {
        wanted.push({
          image: reference.image,
          platform: reference.platform,
          assign: (f) => (reference.registry_facts = f),
        });
      }
    }
    for (const stage of input.target.kind === 'dockerfile' && 'dockerfile' in input
      ? input.dockerfile.stages
      : []) {
      const { base } = stage;
      if (base.image) {
        wanted.push({ image: base.image, platform: base.platform, assign: (f) => (base.registry_facts = f) });
      }
    }
  }

  const lookups = new Map<string, () => Promise<RegistryFacts>>();
  for (const { image, platform } of wanted) {
    const key = lookupKey(image, platform);
    if (!lookups.has(key)) lookups.set(key, () => lookUp(resolver, image, platform, now));
  }
  const results = await runLimited([...lookups.entries()], LOOKUP_CONCURRENCY);
  for (const { image, platform, assign } of wanted) {
    const facts = results.get(lookupKey(image, platform));
    if (facts) assign(facts);
  }
  // Signatures of the digests just resolved, only when a trust policy is configured.
  await gatherSignatureFacts(
    wanted.flatMap(({ image, platform }) => {
      const facts = results.get(lookupKey(image, platform));
      return facts ? [{ image, facts }] : [];
    }),
    resolver,
    trust,
  );
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
      created,
      age_days: Number.isFinite(createdMs)
        ? Math.max(0, Math.floor((now.getTime() - createdMs) / DAY_MS))
        : null,
      size: resolved.size,
      layer_count: resolved.layers.length,
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

export async function runLimited<T>(
  tasks: [string, () => Promise<T>][],
  limit: number,
): Promise<Map<string, T>> {
  const results = new Map<string, T>();
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const [key, task] = tasks[next++] as [string, () => Promise<T>];
      results.set(key, await task());
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/**
 * The registry client as the operator configures it through the environment:
 * credentials from PORTCULLIS_REGISTRY_AUTH or Docker's config.json, plain-HTTP hosts
 * from PORTCULLIS_INSECURE_REGISTRIES (comma-separated `host[:port]`).
 */
export function registryResolverFromEnv(env: NodeJS.ProcessEnv = process.env): ImageResolver {
  return new RegistryClient({
    credentials: registryCredentialsFromEnv(env),
    insecureRegistries: (env.PORTCULLIS_INSECURE_REGISTRIES ?? '')
      .split(',')
      .map((host) => host.trim())
      .filter(Boolean),
    // A pull request check waits for these: fail a slow registry soon and say so.
    timeoutMs: 10_000,
    retries: 2,
  });
}

let appResolver: ImageResolver | undefined;
/**
 * Registry look-ups for the App: one client per process (its tokens are cached), off
 * when PORTCULLIS_OFFLINE is set.
 */
export function appRegistryOptions(env: NodeJS.ProcessEnv = process.env): { registry?: ImageResolver } {
  if (env.PORTCULLIS_OFFLINE) return {};
  appResolver ??= registryResolverFromEnv(env);
  return { registry: appResolver };
}
