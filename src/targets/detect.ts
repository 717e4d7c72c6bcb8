/**
 * Which paths may be container targets, judged by the path alone (before reading):
 * Dockerfiles and every file an image-reference extractor may read, plus the
 * configuration's extra Dockerfile globs, less its ignored paths. Which extractor reads a
 * file is decided once its content is known (`extractorFor` in references.ts), since a
 * `*.yaml` is a Kubernetes manifest only when it says `apiVersion` and `kind`.
 */
import picomatch from 'picomatch';
import type { PortcullisConfig } from '../config/configuration.js';
import type { ReferenceFileKind } from '../input/policy-input.js';
import { extractorFor, mayHoldReferences } from './references.js';

export type TargetKind = ReferenceFileKind;

/** A selected path; `kind` is set when the configuration forces the format. */
export type TargetSelection = { kind?: TargetKind } | null;

export function isTargetPath(path: string): boolean {
  return mayHoldReferences(path);
}

/** Whether the path names a Dockerfile (by the built-in patterns), whatever its content. */
export function isDockerfilePath(path: string): boolean {
  return extractorFor(path, '')?.kind === 'dockerfile';
}

/** Globs without a slash match the file name in any folder; with one, the whole path. Case-insensitive. */
function globMatcher(globs: readonly string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  const options = { nocase: true, dot: true };
  const byName = picomatch(
    globs.filter((g) => !g.includes('/')),
    options,
  );
  const byPath = picomatch(
    globs.filter((g) => g.includes('/')),
    options,
  );
  return (path) => byName(path.slice(path.lastIndexOf('/') + 1)) || byPath(path);
}

export function targetSelector(
  targets: PortcullisConfig['targets'] = { dockerfiles: [], ignore: [] },
): (path: string) => TargetSelection {
  const ignored = globMatcher(targets.ignore);
  const extraDockerfile = globMatcher(targets.dockerfiles);
  return (path) => {
    if (ignored(path)) return null;
    if (extraDockerfile(path)) return { kind: 'dockerfile' };
    return isTargetPath(path) ? {} : null;
  };
}
