/**
 * Which paths may be container targets, judged by the path alone (before reading):
 * Dockerfiles and every file an image-reference extractor may read. Which extractor
 * reads a file is decided once its content is known (`extractorFor` in references.ts),
 * since a `*.yaml` is a Kubernetes manifest only when it says `apiVersion` and `kind`.
 */
import { mayHoldReferences } from './references.js';

export type { ReferenceFileKind as TargetKind } from './references.js';

export function isTargetPath(path: string): boolean {
  return mayHoldReferences(path);
}
