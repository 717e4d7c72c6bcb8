/** Kubernetes manifests: the images of every workload's containers. */
import type { ReferenceExtractor } from '../extractor.js';
import { extractKubernetes, looksLikeKubernetes } from './extract.js';

export const kubernetesExtractor: ReferenceExtractor = {
  kind: 'kubernetes',
  // Every YAML or JSON file could be a manifest (kubectl reads both): `claims` keeps those
  // that parse as one, or that name apiVersion and kind but do not parse.
  patterns: ['*.yaml', '*.yml', '*.json'],
  claims: (path, content) => looksLikeKubernetes(path, content),
  extract: extractKubernetes,
};
