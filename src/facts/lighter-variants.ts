/**
 * Lighter variants of a base image: the tags of the same version that the image's registry
 * also has (`3.12` → `3.12-slim`, `3.12-alpine`; `21-jdk` → `21-jre`) and their compressed
 * sizes for the same platform, for PC-IMG-012 to recommend.
 *
 * Which suffixes to try, and what each one changes (libc, package manager, shell), is not
 * code: it is `data.portcullis.image_variants` of the policy data (policies/data.json,
 * extended or overridden by a repository's data files), read here at gather time so that
 * the facts and the rule judging them agree on one table. Only the tags that data names are
 * looked up: one tag list, then at most MAX_VARIANTS images, each time-limited; a registry
 * that does not answer gives no variants, never an error.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { mergeData, plainDataProblem } from '../config/plain-data.js';
import { type ImageReference, parseImageReference } from '../image/reference.js';
import type { DockerfileFacts, LighterVariant } from '../input/policy-input.js';
import type { ResolvedImage } from '../registry/client.js';
import { checkJson, type JsonSchema } from '../schema/parse-json.js';
import { BUILTIN_POLICY_DIR } from '../tools.js';

/** What one entry of `image_variants.variants` says about the tags it names. */
export interface VariantKind {
  /** Appended to the tag (`-slim`), or written instead of `replaces`. */
  suffix: string;
  /** A tag segment the variant stands in for: `-jre` replaces `-jdk`. */
  replaces?: string;
  /** `glibc`, `musl`, or `same` as the base. */
  libc: string;
  /** `apt`, `apk`, `dnf`, `none`, or `same` as the base. */
  package_manager: string;
  has_shell: boolean;
  /** A short note shown with the recommendation. */
  caveat?: string;
}

/**
 * An entry of `image_variants.single_binary`: an image from another repository for a final
 * stage that only runs one binary built in an earlier stage (`gcr.io/distroless/static-debian12`).
 */
export interface SingleBinaryImage {
  /** The reference written into the FROM line: a registry mirror may stand in for gcr.io. */
  image: string;
  /** Which binaries it runs: `static` (CGO_ENABLED=0, a musl target, -static) or `glibc` (dynamic). */
  for: 'static' | 'glibc';
  libc: string;
  package_manager: string;
  has_shell: boolean;
  caveat?: string;
}

/** `data.portcullis.image_variants`, checked. */
export interface VariantCatalog {
  /** What a tag none of the variants names is assumed to be (official images: Debian, glibc, apt). */
  base: { libc: string; package_manager: string; has_shell: boolean };
  /** By name; in the data's order, which is the order candidates are tried in. */
  variants: [string, VariantKind][];
  /** By name: images from other repositories for a final stage that runs one binary. */
  single_binary: [string, SingleBinaryImage][];
}

const SUFFIX = { type: 'string', pattern: '^[-._][A-Za-z0-9][A-Za-z0-9._-]{0,40}$' };
const WORD = { type: 'string', pattern: '^[a-z0-9_-]{1,20}$' };
const VARIANT_KIND: JsonSchema<VariantKind> = {
  type: 'object',
  required: ['suffix', 'libc', 'package_manager', 'has_shell'],
  properties: {
    suffix: SUFFIX,
    replaces: SUFFIX,
    libc: WORD,
    package_manager: WORD,
    has_shell: { type: 'boolean' },
    caveat: { type: 'string', maxLength: 200 },
  },
};
const SINGLE_BINARY: JsonSchema<SingleBinaryImage> = {
  type: 'object',
  required: ['image', 'for', 'libc', 'package_manager', 'has_shell'],
  properties: {
    image: { type: 'string', maxLength: 255 },
    for: { type: 'string', enum: ['static', 'glibc'] },
    libc: WORD,
    package_manager: WORD,
    has_shell: { type: 'boolean' },
    caveat: { type: 'string', maxLength: 200 },
  },
};
const BASE: JsonSchema<VariantCatalog['base']> = {
  type: 'object',
  required: ['libc', 'package_manager', 'has_shell'],
  properties: { libc: WORD, package_manager: WORD, has_shell: { type: 'boolean' } },
};

/** Candidate tags tried per image at most: with the tag list, at most 1 + 3 × this requests. */
export const MAX_VARIANTS = 4;
/** The look-up of one image's variants gives up after this long (each request has its own limit too). */
const VARIANTS_DEADLINE_MS = 20_000;
const TAG_TTL_MS = 5 * 60_000;

let builtinData: Promise<Record<string, unknown>> | undefined;
/** The built-in pack's data.json, read once. */
function builtinPolicyData(): Promise<Record<string, unknown>> {
  builtinData ??= readFile(join(BUILTIN_POLICY_DIR, 'data.json'), 'utf8').then(
    (text) => JSON.parse(text) as Record<string, unknown>,
  );
  return builtinData;
}

/**
 * The variant catalog the policies will see: the built-in data with the repository's data
 * files (`repositoryData`, as the policy set merged them) over it. An entry set to anything
 * but a valid variant (`alpine: null`) is left out; no catalog at all means no look-ups.
 */
export async function variantCatalog(
  repositoryData: Record<string, unknown> = {},
): Promise<VariantCatalog | null> {
  if (plainDataProblem(repositoryData)) return null;
  const data = mergeData(await builtinPolicyData(), repositoryData);
  const table = pick(pick(data, 'portcullis'), 'image_variants');
  const base = checkJson(JSON.stringify(pick(table, 'base') ?? null), BASE);
  const entries = pick(table, 'variants');
  if (!('value' in base) || !isMapping(entries)) return null;
  const variants: [string, VariantKind][] = [];
  for (const [name, entry] of Object.entries(entries)) {
    const kind = checkJson(JSON.stringify(entry ?? null), VARIANT_KIND);
    if ('value' in kind) variants.push([name, kind.value]);
  }
  const single_binary: [string, SingleBinaryImage][] = [];
  const images = pick(table, 'single_binary');
  for (const [name, entry] of Object.entries(isMapping(images) ? images : {})) {
    const image = checkJson(JSON.stringify(entry ?? null), SINGLE_BINARY);
    // Only a reference with a tag: the fix writes it, and a digest pin gets the tag's digest.
    const parsed = 'value' in image ? parseImageReference(image.value.image) : null;
    if (parsed?.ok && parsed.reference.tag && !parsed.reference.digest && 'value' in image)
      single_binary.push([name, image.value]);
  }
  return { base: base.value, variants, single_binary };
}

function pick(value: unknown, key: string): unknown {
  return isMapping(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Whether `tag` carries `suffix` as a whole segment: `3.12-alpine`, `3.12-alpine3.20`, `21-jdk-jammy`. */
function hasSegment(tag: string, suffix: string): boolean {
  let at = tag.indexOf(suffix);
  while (at >= 0) {
    const next = tag[at + suffix.length];
    if (next === undefined || /[-._0-9]/.test(next)) return true;
    at = tag.indexOf(suffix, at + 1);
  }
  return false;
}

/** The variant a tag already is, if the catalog names it (`3.12-alpine` is `alpine`). */
function variantOf(tag: string, catalog: VariantCatalog): VariantKind | undefined {
  return catalog.variants.find(([, kind]) => hasSegment(tag, kind.suffix))?.[1];
}

/**
 * The tags that would be `tag`'s variants, in catalog order, each once: `3.12` →
 * `3.12-slim`, `3.12-alpine`; `3.12-slim` → `3.12-alpine`; `21-jdk` → `21-jre`, `21-jdk-slim`;
 * `20-bookworm` → `20-bookworm-slim`. Which of them exist is the registry's answer.
 */
export function candidateTags(
  tag: string,
  catalog: VariantCatalog,
): { name: string; tag: string; kind: VariantKind }[] {
  const current = variantOf(tag, catalog);
  const seen = new Set<string>([tag]);
  const found: { name: string; tag: string; kind: VariantKind }[] = [];
  const add = (name: string, kind: VariantKind, candidate: string) => {
    if (seen.has(candidate) || !/^[\w][\w.-]{0,127}$/.test(candidate)) return;
    seen.add(candidate);
    found.push({ name, tag: candidate, kind });
  };
  for (const [name, kind] of catalog.variants) {
    if (kind === current || hasSegment(tag, kind.suffix)) continue;
    if (kind.replaces && hasSegment(tag, kind.replaces)) {
      add(name, kind, tag.replace(kind.replaces, kind.suffix));
      continue;
    }
    // A tag that is already another variant is swapped for this one (`-slim` → `-alpine`).
    if (current && tag.endsWith(current.suffix))
      add(name, kind, tag.slice(0, -current.suffix.length) + kind.suffix);
    add(name, kind, tag + kind.suffix);
  }
  return found;
}

/** What the look-up needs of a registry client (registry-facts' ImageResolver fits). */
export interface VariantResolver {
  resolve(reference: ImageReference, options?: { platform?: string }): Promise<ResolvedImage>;
  tags?(name: { registry: string; repository: string }): Promise<string[]>;
}

/** The base of the comparison: the image as the registry facts resolved it. */
export interface VariantBase {
  image: ImageReference & { tag: string };
  /** The platform to compare (the file's, else the registry client's default). */
  platform: string | null;
  size: number;
}

const caches = new WeakMap<VariantResolver, LRUCache<string, LighterVariant[]>>();

/**
 * The variants of `base` the registry has that are smaller than it for the same platform,
 * smallest first; null when the registry could not be asked (no tag list, a failure, the
 * deadline), so that the policies see "unknown" rather than "none".
 */
export async function lighterVariants(
  resolver: VariantResolver,
  base: VariantBase,
  catalog: VariantCatalog,
): Promise<LighterVariant[] | null> {
  if (!resolver.tags) return null;
  let cache = caches.get(resolver);
  if (!cache) {
    cache = new LRUCache({ max: 500, ttl: TAG_TTL_MS });
    caches.set(resolver, cache);
  }
  const { image, platform } = base;
  const key = `${image.name}:${image.tag} ${platform ?? ''} ${JSON.stringify(catalog)}`;
  const hit = cache.get(key);
  if (hit) return structuredClone(hit);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), VARIANTS_DEADLINE_MS);
    timer.unref();
  });
  try {
    const found = await Promise.race([lookUpVariants(resolver, base, catalog), deadline]);
    if (found) cache.set(key, structuredClone(found));
    return found;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

async function lookUpVariants(
  resolver: VariantResolver,
  { image, platform, size }: VariantBase,
  catalog: VariantCatalog,
): Promise<LighterVariant[]> {
  const candidates = candidateTags(image.tag, catalog);
  if (candidates.length === 0 || !resolver.tags) return [];
  const existing = new Set(await resolver.tags(image));
  const baseKind = variantOf(image.tag, catalog) ?? catalog.base;
  const baseLibc = baseKind.libc === 'same' ? catalog.base.libc : baseKind.libc;
  const basePackages =
    baseKind.package_manager === 'same' ? catalog.base.package_manager : baseKind.package_manager;
  const known = platform && !platform.includes('$') ? { platform } : {};
  const variants: LighterVariant[] = [];
  for (const { name, tag, kind } of candidates.filter((c) => existing.has(c.tag)).slice(0, MAX_VARIANTS)) {
    const reference: ImageReference = {
      ...image,
      tag,
      digest: null,
      normalized: `${image.name}:${tag}`,
    };
    let resolved: ResolvedImage;
    try {
      resolved = await resolver.resolve(reference, known);
    } catch {
      continue; // listed but not for this platform, or gone since: not a variant to offer
    }
    if (resolved.size >= size) continue;
    const libc = kind.libc === 'same' ? baseLibc : kind.libc;
    const packageManager = kind.package_manager === 'same' ? basePackages : kind.package_manager;
    const caveats: string[] = [];
    if (libc !== baseLibc)
      caveats.push(`${libc} libc instead of ${baseLibc}: native code built for ${baseLibc} may not load`);
    if (packageManager !== basePackages)
      caveats.push(
        packageManager === 'none' ? 'no package manager' : `${packageManager} instead of ${basePackages}`,
      );
    if (!kind.has_shell) caveats.push('no shell: RUN and shell-form commands fail');
    if (kind.caveat) caveats.push(kind.caveat);
    variants.push({
      variant: name,
      tag,
      reference: reference.normalized,
      digest: resolved.digest,
      platform_digest: resolved.manifestDigest,
      compressed_size: resolved.size,
      libc,
      same_libc: libc === baseLibc,
      package_manager: packageManager,
      has_shell: kind.has_shell,
      caveats,
    });
  }
  return variants.sort((a, b) => a.compressed_size - b.compressed_size);
}

/** Programs whose RUN in a builder stage is evidence that it makes a binary. */
const COMPILERS = new Set([
  'go',
  'cargo',
  'rustc',
  'gcc',
  'g++',
  'cc',
  'c++',
  'clang',
  'clang++',
  'make',
  'cmake',
  'zig',
]);

/**
 * How the one binary a final stage runs was linked, as far as the Dockerfile shows it: the
 * final stage has no RUN (nothing there needs the base's userland) and copies from an
 * earlier stage, and that stage's RUN lines or ENV say `CGO_ENABLED=0`, build for a
 * `*-musl` target, or link with `-static` (`static`); compile (go, cargo, gcc, make…)
 * without such a flag on a glibc base (`glibc`). Null when the final stage is not of that shape or the builder is musl
 * (an Alpine binary needs Alpine's libc, which no distroless image has). PC-IMG-012 checks
 * the exact shape (one file copied and run exec-form); this only decides what to look up.
 */
export function binaryLinking(dockerfile: DockerfileFacts): 'static' | 'glibc' | null {
  const final = dockerfile.stages.find((stage) => stage.final);
  if (!final || final.instructions.some((i) => i.keyword === 'RUN' || i.keyword === 'ONBUILD')) return null;
  const froms = final.instructions.flatMap((i) =>
    i.keyword === 'COPY' ? i.flags.filter((f) => f.name === 'from').map((f) => f.value ?? '') : [],
  );
  if (froms.length !== 1) return null;
  const from = (froms[0] as string).toLowerCase();
  const builder = dockerfile.stages.find(
    (stage) =>
      stage.index < final.index && (stage.name?.toLowerCase() === from || String(stage.index) === from),
  );
  if (!builder) return null;
  const words = builder.instructions.flatMap((i) => [
    ...(i.keyword === 'ENV' ? i.properties.map((p) => `${p.name}=${p.value ?? ''}`) : []),
    ...i.commands.flatMap((c) => [...c.assignments, ...c.argv]),
  ]);
  const isStatic = words.some(
    (word) =>
      /^CGO_ENABLED=["']?0["']?$/.test(word) ||
      /^(--target=)?[\w.-]+-linux-musl(eabi(hf)?)?$/.test(word) ||
      /(^|[\s"'=])-static($|[\s"'])/.test(word) ||
      /^RUSTFLAGS=.*target-feature=\+crt-static/.test(word),
  );
  if (isStatic) return 'static';
  // Dynamic glibc only when the builder visibly compiles (a `RUN true` is no evidence of a binary).
  const compiles = builder.instructions.some((i) =>
    i.commands.some((c) => COMPILERS.has((c.argv[0] ?? '').split('/').pop() ?? '')),
  );
  return compiles && !/alpine|musl/i.test(builder.base.resolved) ? 'glibc' : null;
}

/**
 * The images of `catalog.single_binary` for a binary linked as `linking`, each resolved in
 * its own repository for `platform`, smaller than the base (`size`): the same facts as a
 * lighter tag, with `other_repository` set. Not cached here: the registry client caches
 * manifests, and there are at most two such images.
 */
export async function singleBinaryVariants(
  resolver: VariantResolver,
  { platform, size }: { platform: string | null; size: number },
  catalog: VariantCatalog,
  linking: 'static' | 'glibc',
): Promise<LighterVariant[]> {
  const known = platform && !platform.includes('$') ? { platform } : {};
  const baseLibc = catalog.base.libc;
  const found: LighterVariant[] = [];
  for (const [name, entry] of catalog.single_binary.filter(([, e]) => e.for === linking).slice(0, 2)) {
    const parsed = parseImageReference(entry.image);
    if (!parsed.ok || !parsed.reference.tag) continue;
    let resolved: ResolvedImage;
    try {
      resolved = await resolver.resolve(parsed.reference, known);
    } catch {
      continue; // not reachable or not for this platform: nothing to offer
    }
    if (resolved.size >= size) continue;
    const caveats = [
      ...(entry.has_shell ? [] : ['no shell: RUN and shell-form commands fail']),
      ...(entry.package_manager === 'none' ? ['no package manager'] : []),
      ...(entry.caveat ? [entry.caveat] : []),
    ];
    found.push({
      variant: name,
      tag: parsed.reference.tag,
      reference: entry.image,
      other_repository: true,
      digest: resolved.digest,
      platform_digest: resolved.manifestDigest,
      compressed_size: resolved.size,
      libc: entry.libc,
      same_libc: entry.libc === baseLibc,
      package_manager: entry.package_manager,
      has_shell: entry.has_shell,
      caveats,
    });
  }
  return found;
}
