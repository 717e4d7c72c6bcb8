/** An extracted ImageReferenceSite as the policy input shows it (before registry facts). */
import type { ReferenceFacts } from '../input/policy-input.js';
import type { ImageReferenceSite } from './extractor.js';

/** `lines` are the file's lines, to give each reference the text of its own line. */
export function toReferenceFacts(site: ImageReferenceSite, lines: readonly string[]): ReferenceFacts {
  return {
    line: site.line,
    field: site.field,
    raw: site.raw,
    source: lines[site.line - 1] ?? '',
    platform: site.platform ?? null,
    image: site.image,
    problem: site.problem,
    registry_facts: null,
  };
}
