/**
 * Image facts: each Dockerfile the pull request changes (or whose build context it
 * changes) built at the head and at the merge base, both images scanned, and the two
 * compared, before policy evaluation (policies/build/ judge `input.image`).
 *
 * Untrusted code is not built: when the caller says the head needs approval and does not
 * have it, the facts say so (`status: awaiting_approval`) and nothing runs. Builds are cached
 * by content: the key is a hash of the build context's files, the Dockerfile, the build
 * settings, the builder and the vulnerability database, so the merge base is built once
 * however many pull requests share it, and a re-run of the check builds nothing new.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import picomatch from 'picomatch';
import type { ImageBuilder } from '../build/builder.js';
import { DiskCache } from '../cache/disk-cache.js';
import type { PortcullisConfig } from '../config/configuration.js';
import { errorMessage } from '../errors.js';
import type {
  BuiltImageFacts,
  DockerfileFacts,
  DockerfileInput,
  ImageFacts,
  PolicyInput,
} from '../input/policy-input.js';
import { decodeSourceText, MAX_TARGET_BYTES } from '../repository/source-file.js';
import { readImageArchive } from '../scan/archive.js';
import { compareImages } from '../scan/compare.js';
import { describeImage, notBuilt } from '../scan/describe.js';
import { analyseLayers } from '../scan/layers.js';
import { type ImageScanner, ScanError } from '../scan/scanner.js';
import { type JsonSchema, parseJson } from '../schema/parse-json.js';
import { parseDockerfile } from '../targets/dockerfile/parse.js';
import { PROJECT_ROOT } from '../tools.js';

/** How a Dockerfile is built: from the operator's configuration, never from the pull request. */
export interface BuildSettings {
  buildArgs: Record<string, string>;
  target: string | null;
  platform: string | null;
}

export const DEFAULT_BUILD_SETTINGS: BuildSettings = { buildArgs: {}, target: null, platform: null };

/**
 * The configuration's `build:` entries as a settings lookup: the first entry whose glob
 * matches the Dockerfile's path (by file name when the glob has no slash).
 */
export function buildSettingsFrom(entries: PortcullisConfig['build']): (path: string) => BuildSettings {
  const matchers = entries.map((entry) => ({
    entry,
    matches: picomatch(entry.dockerfile, { dot: true, basename: !entry.dockerfile.includes('/') }),
  }));
  return (path) => {
    const found = matchers.find(({ matches }) => matches(path))?.entry;
    if (!found) return DEFAULT_BUILD_SETTINGS;
    return { buildArgs: found.args ?? {}, target: found.target ?? null, platform: found.platform ?? null };
  };
}

/** The repository at a commit, as a folder (materialised on first use by the caller). */
export type SourceTree = () => Promise<string | null>;

export interface ImageFactsOptions {
  builder: ImageBuilder;
  scanner: ImageScanner;
  /** The repository at the pull request's head. */
  head: SourceTree;
  /** The repository at the merge base; null when there is none (a local check of a working tree). */
  base: SourceTree | null;
  /** Paths the pull request changes: a Dockerfile is built when it, or a file in its context, changed. */
  changedPaths: readonly string[];
  /** Whether the head may be built; absent means it may (the caller's own code). */
  approval?: ImageFacts['approval'];
  settings?: (path: string) => BuildSettings;
  /** Where built-and-scanned facts are kept by content key; none keeps nothing. */
  cacheDir?: string | null;
  /** Told as each long step starts (`Building 1 of 3 images…`, `Scanning…`); its failures are ignored. */
  progress?: (title: string, summary: string) => unknown;
  /** Stops builds and scans (the App's check timed out or its process is stopping). */
  signal?: AbortSignal;
}

async function report(options: ImageFactsOptions, title: string, summary: string): Promise<void> {
  try {
    await options.progress?.(title, summary);
  } catch {
    // Progress is cosmetic: a failed update never stops a build.
  }
}

const NO_APPROVAL_NEEDED: ImageFacts['approval'] = {
  required: false,
  approved: true,
  label: null,
  reason: null,
};

/** The build context of a Dockerfile: its folder (as `docker build -f dir/Dockerfile dir` would). */
export function buildContextOf(path: string): string {
  const dir = posix.dirname(path);
  return dir === '.' ? '' : dir;
}

/** Whether the pull request changes the Dockerfile at `path` or a file in its build context. */
export function needsBuild(path: string, changedPaths: readonly string[]): boolean {
  const context = buildContextOf(path);
  return changedPaths.some(
    (changed) => changed === path || context === '' || changed.startsWith(`${context}/`),
  );
}

/** `image` facts by target path, for every Dockerfile input that needs a build. One build at a time. */
export async function gatherImageFacts(
  inputs: readonly PolicyInput[],
  options: ImageFactsOptions,
): Promise<Map<string, ImageFacts>> {
  const found = new Map<string, ImageFacts>();
  const approval = options.approval ?? NO_APPROVAL_NEEDED;
  const dockerfiles = inputs.filter(
    (input): input is DockerfileInput =>
      input.target.kind === 'dockerfile' &&
      'dockerfile' in input &&
      needsBuild(input.target.path, options.changedPaths),
  );
  for (const [index, input] of dockerfiles.entries()) {
    if (approval.required && !approval.approved) {
      found.set(input.target.path, {
        ...notBuilt(
          `not built: ${approval.reason === 'fork' ? 'the pull request comes from a fork' : 'its author has no write access to the repository'}, and a maintainer has not approved a build of this commit (label ${approval.label ?? 'none configured'})`,
        ),
        status: 'awaiting_approval',
        approval,
        builder: null,
        scanner: null,
        base: null,
        delta: null,
      });
      continue;
    }
    await report(
      options,
      `Building ${index + 1} of ${dockerfiles.length} images…`,
      `Building \`${input.target.path}\`${options.base ? ' at the head and at the merge base' : ''}.`,
    );
    found.set(input.target.path, await imageFactsFor(input, options, approval));
  }
  return found;
}

async function imageFactsFor(
  input: DockerfileInput,
  options: ImageFactsOptions,
  approval: ImageFacts['approval'],
): Promise<ImageFacts> {
  const path = input.target.path;
  const settings = options.settings?.(path) ?? DEFAULT_BUILD_SETTINGS;
  const pullImages = imagesToPull(input);
  const headRoot = await options.head();
  const head = headRoot
    ? await buildAndScan(headRoot, path, input, settings, pullImages, options)
    : { facts: notBuilt('the head commit could not be read'), timedOut: false };
  let base: BuiltImageFacts | null = null;
  if (head.facts.built && options.base) {
    const baseRoot = await options.base();
    const baseText = baseRoot && readIfFile(join(baseRoot, path));
    const baseDockerfile = baseText ? parseOrNull(baseText) : null;
    if (baseRoot && baseDockerfile) {
      const baseInput: DockerfileInput = { ...input, dockerfile: baseDockerfile };
      base = (await buildAndScan(baseRoot, path, baseInput, settings, imagesToPull(baseInput), options))
        .facts;
    }
  }
  const compared = compareImages(head.facts, base);
  return {
    ...compared.head,
    status: head.facts.built ? 'built' : head.timedOut ? 'timed_out' : 'failed',
    approval,
    builder: options.builder.name,
    scanner: head.facts.built
      ? {
          name: options.scanner.name,
          version: await options.scanner.version(),
          database: options.scanner.databaseFingerprint(),
        }
      : null,
    base: compared.base,
    delta: compared.delta,
  };
}

async function buildAndScan(
  root: string,
  path: string,
  input: DockerfileInput,
  settings: BuildSettings,
  pullImages: string[],
  options: ImageFactsOptions,
): Promise<{ facts: BuiltImageFacts; timedOut: boolean }> {
  const contextDir = join(root, buildContextOf(path));
  const dockerfilePath = join(root, path);
  if (!existsSync(dockerfilePath))
    return { facts: notBuilt(`${path} is not in the commit`), timedOut: false };
  const key = options.cacheDir
    ? cacheKey([
        options.builder.name,
        options.scanner.databaseFingerprint(),
        JSON.stringify(settings),
        path,
        hashTree(contextDir),
        createHash('sha256').update(readFileSync(dockerfilePath)).digest('hex'),
      ])
    : null;
  const cache = options.cacheDir
    ? new DiskCache({ dir: options.cacheDir, schema: builtImageFactsSchema() })
    : null;
  const cached = key ? await cache?.get(key) : null;
  if (cached) return { facts: cached.value, timedOut: false };

  const work = mkdtempSync(join(tmpdir(), 'portcullis-image-'));
  try {
    const archive = join(work, 'image.tar');
    const outcome = await options.builder.build({
      contextDir,
      dockerfile: dockerfilePath,
      buildArgs: settings.buildArgs,
      target: settings.target,
      platform: settings.platform,
      pullImages,
      outputArchive: archive,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!outcome.ok) {
      return {
        facts: notBuilt(outcome.message, outcome.logExcerpt),
        timedOut: outcome.reason === 'timed_out',
      };
    }
    const image = readImageArchive(archive);
    let scan: Awaited<ReturnType<ImageScanner['scan']>> | { error: string };
    await report(options, 'Scanning…', `Scanning the image of \`${path}\` for vulnerabilities.`);
    try {
      scan = await options.scanner.scan(archive, options.signal);
    } catch (error) {
      if (!(error instanceof ScanError)) throw error;
      scan = { error: error.message };
    }
    let layers: Awaited<ReturnType<typeof analyseLayers>> | { error: string };
    try {
      layers = await analyseLayers(archive, work);
    } catch (error) {
      // Sizes and vulnerabilities still count; the waste rules report that the layers could not be read.
      layers = { error: errorMessage(error) };
    }
    const facts = describeImage(image, scan, input.dockerfile, settings.target, layers);
    if (key && facts.scan_error === null) await cache?.set(key, facts);
    return { facts, timedOut: false };
  } catch (error) {
    return { facts: notBuilt(`the image could not be read: ${errorMessage(error)}`), timedOut: false };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Images the Dockerfile pulls (FROM, COPY --from, RUN --mount=from), fully qualified. */
function imagesToPull(input: DockerfileInput): string[] {
  const stageNames = new Set(input.dockerfile.stages.flatMap((s) => (s.name ? [s.name] : [])));
  const images = input.references.flatMap((ref) =>
    ref.image && !stageNames.has(ref.raw.toLowerCase()) && !/^\d+$/.test(ref.raw)
      ? [ref.image.normalized]
      : [],
  );
  return [...new Set(images)];
}

/** A regular file's text, when Portcullis could judge it at all (size, encoding: src/repository/source-file.ts). */
function readIfFile(path: string): string | null {
  try {
    const info = lstatSync(path);
    if (!info.isFile() || info.size > MAX_TARGET_BYTES) return null;
    const source = decodeSourceText(readFileSync(path));
    return source.ok ? source.text : null;
  } catch {
    return null;
  }
}

/** The base version is only compared with: one the parser refuses (PC-INPUT-001 at the head) is left out. */
function parseOrNull(text: string): DockerfileFacts | null {
  try {
    return parseDockerfile(text);
  } catch {
    return null;
  }
}

/**
 * A hash of a folder's contents: every path, file type, executable bit, file content and
 * link target, in sorted order. `.git` is left out.
 */
export function hashTree(dir: string): string {
  const hash = createHash('sha256');
  const walk = (relative: string) => {
    const full = join(dir, relative);
    for (const name of readdirSync(full).sort()) {
      if (relative === '' && name === '.git') continue;
      const path = relative ? `${relative}/${name}` : name;
      const info = lstatSync(join(dir, path));
      if (info.isSymbolicLink()) hash.update(`l ${path} ${readlinkSync(join(dir, path))}\n`);
      else if (info.isDirectory()) {
        hash.update(`d ${path}\n`);
        walk(path);
      } else if (info.isFile()) {
        hash.update(`f ${path} ${info.mode & 0o111 ? 'x' : '-'} ${info.size}\n`);
        hash.update(readFileSync(join(dir, path)));
      }
    }
  };
  walk('');
  return hash.digest('hex');
}

function cacheKey(parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

let builtImageSchema: JsonSchema<BuiltImageFacts> | undefined;

/**
 * A cached build is used only if it is what the input contract says a built image is (exported
 * for scripts/generate-validators.mjs, which precompiles it).
 */
export function builtImageFactsSchema(): JsonSchema<BuiltImageFacts> {
  if (!builtImageSchema) {
    const path = join(PROJECT_ROOT, 'docs', 'policy-input.schema.json');
    const { $defs } = parseJson(readFileSync(path), INPUT_SCHEMA_DEFS, path);
    builtImageSchema = { $defs, $ref: '#/$defs/BuiltImageFacts' };
  }
  return builtImageSchema;
}
export const INPUT_SCHEMA_DEFS: JsonSchema<{ $defs: Record<string, unknown> }> = {
  type: 'object',
  required: ['$defs'],
  properties: { $defs: { type: 'object', required: ['BuiltImageFacts'] } },
};
