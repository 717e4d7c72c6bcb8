/**
 * Image references in every file format that names images: one extractor per format, each
 * in its own folder with the same interface (the way Renovate keeps one folder per package
 * manager), and the list that decides which extractor reads a file.
 */
import picomatch from 'picomatch';
import type { ImageReference } from '../image/reference.js';
import type { ReferenceFileKind } from '../input/policy-input.js';
import { composeExtractor } from './compose/index.js';
import { dockerfileReferenceExtractor } from './dockerfile/references.js';
import { helmValuesExtractor } from './helm/index.js';
import { kubernetesExtractor } from './kubernetes/index.js';
import { kustomizeExtractor } from './kustomize/index.js';
import { workflowExtractor } from './workflow/index.js';

export { ReferenceExtractError, type SiteOptions, toSite } from './reference-site.js';

/** Why a site has no image: a value only known where the file is used, or one that is not a reference. */
export interface ReferenceProblem {
  kind: 'unresolvable' | 'invalid';
  message: string;
}

/** Where a reference was found, before its value is judged. */
export interface SiteLocation {
  /** Repository-relative path with `/` separators. */
  path: string;
  /** 1-based line of the value (for a reference composed of several keys, the repository's). */
  line: number;
  kind: ReferenceFileKind;
  /** Where in the file, e.g. `spec.template.spec.containers[0].image`, `FROM`, `COPY --from`, `images[0]`. */
  field: string;
  /** The platform the file asks for (`FROM --platform=…`, Compose's `platform:`), when it says. */
  platform?: string;
}

/** One image reference as a file writes it, with the parsed image when it can be known. */
export interface ImageReferenceSite extends SiteLocation {
  /** The value as written (YAML-unquoted); for composed references (Helm, Kustomize) the composed text. */
  raw: string;
  /** The parsed reference; null exactly when `problem` is set. */
  image: ImageReference | null;
  problem: ReferenceProblem | null;
}

export interface ReferenceExtractor {
  kind: ReferenceFileKind;
  /** File globs, case-insensitive; without a slash they match the file name in any folder. */
  patterns: readonly string[];
  /** Content sniffing for patterns that are too broad (every `*.yaml` is not Kubernetes). */
  claims?(path: string, content: string): boolean;
  /** Throws `ReferenceExtractError` (with a line when known) on malformed input. */
  extract(path: string, content: string): ImageReferenceSite[];
}

/**
 * In the order they are asked: the formats with precise names first, so that a
 * `compose.yaml` or a `values.yaml` that happens to have `apiVersion` and `kind` is not
 * read as a Kubernetes manifest, and Dockerfiles last.
 */
export const REFERENCE_EXTRACTORS: readonly ReferenceExtractor[] = [
  workflowExtractor,
  composeExtractor,
  kustomizeExtractor,
  helmValuesExtractor,
  kubernetesExtractor,
  dockerfileReferenceExtractor,
];

/** Same rule as the Dockerfile targets: a pattern without a slash matches the file name in any folder. */
function patternMatcher(patterns: readonly string[]): (path: string) => boolean {
  const options = { nocase: true, dot: true };
  const byName = picomatch(
    patterns.filter((p) => !p.includes('/')),
    options,
  );
  const byPath = picomatch(
    patterns.filter((p) => p.includes('/')),
    options,
  );
  return (path) => byName(path.slice(path.lastIndexOf('/') + 1)) || byPath(path);
}

const MATCHERS = REFERENCE_EXTRACTORS.map((extractor) => ({
  extractor,
  matches: patternMatcher(extractor.patterns),
}));

/** Whether any extractor might read the file, judged by its path alone (before reading it). */
export function mayHoldReferences(path: string): boolean {
  return MATCHERS.some(({ matches }) => matches(path));
}

/** The first extractor whose patterns match the path and that claims the content, or null. */
export function extractorFor(path: string, content: string): ReferenceExtractor | null {
  for (const { extractor, matches } of MATCHERS) {
    if (matches(path) && (extractor.claims?.(path, content) ?? true)) return extractor;
  }
  return null;
}
