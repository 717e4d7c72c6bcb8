/**
 * PC-INPUT-001, the finding Portcullis itself makes about a container file it could not
 * judge (too large, binary, not UTF-8, not a regular file, malformed, built to exhaust the
 * parser). Fail closed: silence about such a file would let whatever it holds through.
 * It is a finding like any other, so `rules:` can lower or turn it off and waivers apply.
 */
import type { ReferenceFileKind } from '../input/policy-input.js';
import type { RuleMetadata } from '../policy/compile.js';
import type { Finding } from '../policy/findings.js';
import { extractorFor, mayHoldReferences } from '../targets/references.js';

export const INPUT_RULES = {
  unjudged: {
    id: 'PC-INPUT-001',
    title: 'Container file could not be judged',
    severity: 'deny',
    description:
      'Portcullis could not read or parse this container file, so no policy judged it: it is over the 1 MiB limit, binary (a NUL byte), not valid UTF-8, not a regular file (a symlink in the pull request), malformed (YAML or JSON that does not parse, a Dockerfile the parser refuses), or built to exhaust the parser (variable expansion past 64 KiB). The finding is at deny level so that what such a file holds cannot pass the check unseen; the message says why.',
    remediation:
      'Make the file readable: split it below 1 MiB, save it as UTF-8 text, fix the syntax the message names. A file that only looks like a container file (a large JSON or YAML data file) can be left out with `targets.ignore` in `.github/portcullis.yml`; `rules: {PC-INPUT-001: warn}` lowers the rule for the whole repository.',
    package: 'input',
    file: 'src/core/unjudged.ts',
  },
} as const satisfies Record<string, RuleMetadata>;

/** The finding about a file that could not be judged; `reason` is the note the report shows (`skipped: …`). */
export function unjudgedFinding(path: string, reason: string): Finding {
  const rule = INPUT_RULES.unjudged;
  return {
    rule_id: rule.id,
    severity: rule.severity,
    path,
    line: 1,
    end_line: 1,
    title: rule.title,
    message: `Portcullis could not judge this file: ${reason.replace(/^skipped: /, '')}`,
  };
}

/**
 * JSON files that package managers write, often past the size limit, and that no deployment
 * reads as a manifest: when they cannot be read at all they are noted, not denied.
 */
const NEVER_MANIFESTS = /(^|\/)(package-lock|npm-shrinkwrap)\.json$/i;

/**
 * Whether an unreadable file is a container file, so that failing to judge it fails the
 * check. A name that only some extractor's broad pattern matches (`*.yaml`, `*.json`) is
 * one when its text, read leniently, looks like a manifest; without any text (over the size
 * limit, not a regular file) it is one unless its name says otherwise: fail closed.
 */
export function isContainerFile(
  path: string,
  kind: ReferenceFileKind | undefined,
  text: string | null,
): boolean {
  if (kind) return true;
  if (text === null) return mayHoldReferences(path) && !NEVER_MANIFESTS.test(path);
  return extractorFor(path, text) !== null;
}
