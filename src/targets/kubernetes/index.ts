/** Kubernetes manifests: the images of every workload's containers. */
import type { ReferenceExtractor } from '../references.js';
import { extractKubernetes, looksLikeKubernetes } from './extract.js';

export const kubernetesExtractor: ReferenceExtractor = {
  kind: 'kubernetes',
  // Every YAML file could be a manifest: `claims` keeps those that look like one.
  patterns: ['*.yaml', '*.yml'],
  claims: (path, content) => looksLikeKubernetes(path, content),
  extract: extractKubernetes,
};
