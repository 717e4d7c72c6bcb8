/** Helm chart values: the images a chart's values name, in the shapes charts commonly use. */
import type { ReferenceExtractor } from '../extractor.js';
import { extractHelmValues } from './extract.js';

export const helmValuesExtractor: ReferenceExtractor = {
  kind: 'helm',
  // `values.yaml` and the per-environment files beside it (`values-prod.yaml`). Chart
  // templates are Go templates, not YAML: no extractor reads them.
  patterns: ['values*.yaml', 'values*.yml'],
  extract: extractHelmValues,
};
