/** Kustomizations: the images their `images:` overrides produce. */
import type { ReferenceExtractor } from '../extractor.js';
import { extractKustomize } from './extract.js';

export const kustomizeExtractor: ReferenceExtractor = {
  kind: 'kustomize',
  // The three names `kustomize build` accepts for a kustomization.
  patterns: ['kustomization.yaml', 'kustomization.yml', 'Kustomization'],
  extract: extractKustomize,
};
