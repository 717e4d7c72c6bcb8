/** GitHub Actions workflows: job containers, service containers and `docker://` steps. */
import type { ReferenceExtractor } from '../extractor.js';
import { extractWorkflow } from './extract.js';

export const workflowExtractor: ReferenceExtractor = {
  kind: 'workflow',
  // GitHub reads workflows from this folder of the repository's root only.
  patterns: ['.github/workflows/*.yml', '.github/workflows/*.yaml'],
  extract: extractWorkflow,
};
