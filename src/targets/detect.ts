/** Which changed paths are container targets, and which extractor reads them. */
import picomatch from 'picomatch';
import { DOCKERFILE_EXCLUDED, DOCKERFILE_PATTERNS } from './dockerfile/index.js';

export type TargetKind = 'dockerfile';

/**
 * Patterns without a slash match the file name in any folder (`Dockerfile` matches
 * `services/web/Dockerfile`); patterns with one match the whole path. Case-insensitive,
 * because `api.dockerfile` and `Dockerfile.Dev` are as common as the canonical spelling.
 */
export function targetMatcher(
  extraDockerfileGlobs: readonly string[] = [],
): (path: string) => TargetKind | null {
  const patterns = [...DOCKERFILE_PATTERNS, ...extraDockerfileGlobs];
  const byName = picomatch(
    patterns.filter((p) => !p.includes('/')),
    { nocase: true, dot: true },
  );
  const byPath = picomatch(
    patterns.filter((p) => p.includes('/')),
    { nocase: true, dot: true },
  );
  const excluded = picomatch(DOCKERFILE_EXCLUDED, { nocase: true, dot: true });
  return (path) => {
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (excluded(name)) return null;
    return byName(name) || byPath(path) ? 'dockerfile' : null;
  };
}
