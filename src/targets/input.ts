/** The policy input document of a target file, whatever its format. */
import { POLICY_INPUT_VERSION, type PolicyInput, type ReferenceFileKind } from '../input/policy-input.js';
import { dockerfileInput } from './dockerfile/index.js';
import { toReferenceFacts } from './reference-facts.js';
import { extractorFor, REFERENCE_EXTRACTORS } from './references.js';

/**
 * `kind` forces a format (a file named on the command line); otherwise the extractor
 * that claims the file decides, and null means the file is not a target after all.
 * Throws ReferenceExtractError on malformed files.
 */
export function policyInputFor(path: string, content: string, kind?: ReferenceFileKind): PolicyInput | null {
  const extractor = kind ? REFERENCE_EXTRACTORS.find((e) => e.kind === kind) : extractorFor(path, content);
  if (!extractor) return null;
  if (extractor.kind === 'dockerfile') return dockerfileInput(path, content);
  const lines = content.split(/\r?\n/);
  return {
    input_version: POLICY_INPUT_VERSION,
    target: { kind: extractor.kind, path },
    references: extractor.extract(path, content).map((site) => toReferenceFacts(site, lines)),
  };
}
