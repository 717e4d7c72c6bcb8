/** Compose files: the image of every service. */
import type { ReferenceExtractor } from '../extractor.js';
import { extractCompose } from './extract.js';

export const composeExtractor: ReferenceExtractor = {
  kind: 'compose',
  // The names `docker compose` looks for, and the override files people keep beside them.
  patterns: [
    'compose.yaml',
    'compose.yml',
    'compose.*.yaml',
    'compose.*.yml',
    'docker-compose*.yaml',
    'docker-compose*.yml',
  ],
  extract: extractCompose,
};
