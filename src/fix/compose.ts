/**
 * Composing fixes. Each rule computes its fix from the original text as a replacement of
 * whole lines, so two fixes on one line (`apt-get install curl` gets both
 * `--no-install-recommends` and `-y`) each carry a full copy of that line. Applied one
 * after the other, the second would undo the first. Instead every fix is reduced to the
 * one span of characters it really changes, and all spans are applied to the original at
 * once; a fix whose span overlaps one already accepted is skipped with the reason.
 */
import type { Fix } from '../policy/findings.js';

/** A fix, with the rule that proposed it when known (for ordering and messages). */
export type ProposedFix = Fix & { rule_id?: string };

export interface ComposedFixes<F extends ProposedFix> {
  content: string;
  /** Fixes whose change is in `content`, in the order they were considered. */
  applied: F[];
  skipped: { fix: F; reason: string }[];
}

/** Replace `start`..`end` (offsets into the original text) with `text`; start == end inserts. */
interface Edit {
  start: number;
  end: number;
  text: string;
}

/** A line of the original text: where it starts, where its content ends, where its line break ends. */
interface Line {
  start: number;
  contentEnd: number;
  end: number;
}

export function applyFixes<F extends ProposedFix>(content: string, fixes: readonly F[]): ComposedFixes<F> {
  const lines = splitLines(content);
  const accepted: { edit: Edit; fix: F }[] = [];
  const applied: F[] = [];
  const skipped: { fix: F; reason: string }[] = [];
  for (const fix of [...fixes].sort(compareFixes)) {
    const edit = fixEdit(content, lines, fix);
    if (typeof edit === 'string') {
      skipped.push({ fix, reason: edit });
      continue;
    }
    // The same change proposed twice (two findings, one remedy) is already in the result.
    if (accepted.some((a) => sameEdit(a.edit, edit))) {
      applied.push(fix);
      continue;
    }
    const clash = accepted.find((a) => overlaps(a.edit, edit) || deletesLinesOf(a.fix, fix));
    if (clash) {
      skipped.push({ fix, reason: `it changes the same text as the fix ${fixLabel(clash.fix)}` });
      continue;
    }
    accepted.push({ edit, fix });
    applied.push(fix);
  }
  return {
    content: applyEdits(
      content,
      accepted.map((a) => a.edit),
    ),
    applied,
    skipped,
  };
}

/** By line, then rule id; the rest only makes the order independent of the input's. */
function compareFixes(a: ProposedFix, b: ProposedFix): number {
  return (
    a.line - b.line ||
    (a.rule_id ?? '').localeCompare(b.rule_id ?? '') ||
    a.end_line - b.end_line ||
    a.replacement.localeCompare(b.replacement) ||
    a.description.localeCompare(b.description)
  );
}

function fixLabel(fix: ProposedFix): string {
  return `${fix.rule_id ? `${fix.rule_id} ` : ''}on line ${fix.line} (${fix.description})`;
}

/**
 * Lines as the Dockerfile parser counts them: split at `\n` or `\r\n`, and a final line
 * break ends the last line rather than starting an empty one.
 */
function splitLines(content: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < content.length) {
    const newline = content.indexOf('\n', start);
    if (newline === -1) {
      lines.push({ start, contentEnd: content.length, end: content.length });
      break;
    }
    const contentEnd = newline > start && content[newline - 1] === '\r' ? newline - 1 : newline;
    lines.push({ start, contentEnd, end: newline + 1 });
    start = newline + 1;
  }
  return lines;
}

/** The smallest edit of the original that turns the fix's lines into its replacement, or why there is none. */
function fixEdit(content: string, lines: readonly Line[], fix: Fix): Edit | string {
  const first = lines[fix.line - 1];
  const last = lines[fix.end_line - 1];
  if (!first || !last || fix.end_line < fix.line) {
    return `lines ${fix.line}-${fix.end_line} are not in the file, which has ${lines.length}`;
  }
  if (fix.replacement === '') return deletion(lines, fix.line, fix.end_line);

  const rangeLines = lines.slice(fix.line - 1, fix.end_line);
  // Compare with the line breaks normalised, then map offsets back to the original, so
  // that a CRLF file is edited like any other and keeps its CRLF.
  const before = rangeLines.map((l) => content.slice(l.start, l.contentEnd)).join('\n');
  const after = fix.replacement.replace(/\r\n/g, '\n');
  if (before === after) return 'the replacement is the same as the lines it replaces';

  let prefix = 0;
  const shorter = Math.min(before.length, after.length);
  while (prefix < shorter && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < shorter - prefix &&
    before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  ) {
    suffix++;
  }
  const eol = lineBreakOf(content, first) ?? firstLineBreak(content) ?? '\n';
  return {
    start: originalOffset(rangeLines, prefix),
    end: originalOffset(rangeLines, before.length - suffix),
    text: after.slice(prefix, after.length - suffix).replace(/\n/g, eol),
  };
}

/**
 * Deleting whole lines takes their line breaks with them; deleting the last line of a
 * file without a final newline takes the line break before it instead, so the file
 * does not gain one.
 */
function deletion(lines: readonly Line[], line: number, endLine: number): Edit {
  const first = lines[line - 1] as Line;
  const last = lines[endLine - 1] as Line;
  const previous = lines[line - 2];
  if (last.end === last.contentEnd && previous) {
    return { start: previous.contentEnd, end: last.end, text: '' };
  }
  return { start: first.start, end: last.end, text: '' };
}

/** An offset into the range's lines joined with `\n`, as an offset into the original text. */
function originalOffset(rangeLines: readonly Line[], offset: number): number {
  let remaining = offset;
  for (const line of rangeLines) {
    const length = line.contentEnd - line.start;
    if (remaining <= length) return line.start + remaining;
    remaining -= length + 1;
  }
  throw new Error(`offset ${offset} is past the end of the fix's lines`);
}

function lineBreakOf(content: string, line: Line): string | undefined {
  return line.end > line.contentEnd ? content.slice(line.contentEnd, line.end) : undefined;
}

function firstLineBreak(content: string): string | undefined {
  return /\r?\n/.exec(content)?.[0];
}

function sameEdit(a: Edit, b: Edit): boolean {
  return a.start === b.start && a.end === b.end && a.text === b.text;
}

/**
 * Two edits overlap when they share a character, or when one inserts strictly inside
 * the other's span. Insertions at the same point, or at either end of a replaced span,
 * do not: they compose (both flags after `install`).
 */
function overlaps(a: Edit, b: Edit): boolean {
  return a.start < b.end && b.start < a.end;
}

/**
 * A fix that deletes lines clashes with any other fix on those lines, even one that only
 * inserts at the very start of a deleted line, which `overlaps` alone would let through.
 */
function deletesLinesOf(a: Fix, b: Fix): boolean {
  const shared = a.line <= b.end_line && b.line <= a.end_line;
  return shared && (a.replacement === '' || b.replacement === '');
}

/** Edits apply by position; insertions at one point keep the order they were accepted in. */
function applyEdits(content: string, edits: readonly Edit[]): string {
  const ordered = edits
    .map((edit, order) => ({ edit, order }))
    .sort((a, b) => a.edit.start - b.edit.start || a.edit.end - b.edit.end || a.order - b.order);
  let out = '';
  let at = 0;
  for (const { edit } of ordered) {
    out += content.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + content.slice(at);
}
