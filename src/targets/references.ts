/**
 * Image references in every file format that names images: one extractor per format, each
 * in its own folder with the interface of extractor.ts (the way Renovate keeps one folder
 * per package manager), and the list that decides which extractor reads a file.
 */
import picomatch from 'picomatch';
import { composeExtractor } from './compose/index.js';
import { dockerfileReferenceExtractor } from './dockerfile/references.js';
import type { ReferenceExtractor } from './extractor.js';
import { helmValuesExtractor } from './helm/index.js';
import { kubernetesExtractor } from './kubernetes/index.js';
import { kustomizeExtractor } from './kustomize/index.js';
import { workflowExtractor } from './workflow/index.js';

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
