/**
 * Which lines of a changed file a pull request review comment may target, read from the
 * unified diff (`patch`) that `pulls.listFiles` returns for each file.
 *
 * GitHub accepts a review comment on the RIGHT side (the head) only on a line inside one
 * of the diff's hunks, added or context, and a multi-line comment only when its first
 * and last lines lie in the same hunk. So a file's diff is kept as its hunks' ranges of
 * head lines, plus the lines the pull request added, which is what "changed" means here.
 */
import { parsePatch as parseUnifiedDiff, type StructuredPatchHunk } from 'diff';

/** The head-side lines one hunk shows: `start`..`end`, 1-based and inclusive. */
export interface HunkRange {
  start: number;
  end: number;
}

export interface FileDiff {
  /** Hunks in file order; empty for a file without a patch (binary, too large, pure rename). */
  hunks: HunkRange[];
  /** Head-side lines the pull request added or changed (`+` lines). */
  added: ReadonlySet<number>;
}

/**
 * Parses a unified diff's hunks. `patch` is absent when GitHub shows no diff: binary
 * files, files whose diff is too large, renames without changes.
 */
export function parsePatch(patch: string | null | undefined): FileDiff {
  const hunks: HunkRange[] = [];
  const added = new Set<number>();
  if (!patch) return { hunks, added };
  // A patch of a CRLF file ends its lines with CR LF; jsdiff reads LF only.
  const text = patch.replace(/\r$/gm, '');
  for (const hunk of hunksOf(text)) {
    // A hunk with no head-side lines (a deletion) offers no line to comment on.
    if (hunk.newLines > 0) hunks.push({ start: hunk.newStart, end: hunk.newStart + hunk.newLines - 1 });
    let next = hunk.newStart;
    for (const line of hunk.lines) {
      if (line.startsWith('+')) added.add(next++);
      // A removed line and `\ No newline at end of file` take no head-side line; anything else
      // is context (an empty context line may have lost its single space).
      else if (!line.startsWith('-') && !line.startsWith('\\')) next++;
    }
  }
  return { hunks, added };
}

/**
 * jsdiff refuses a hunk whose line counts do not match its header. GitHub's patches come
 * from git and match; one that does not gives no line to comment on: no review comment
 * rather than one on a line that may be wrong (the check run still annotates the finding).
 */
function hunksOf(text: string): StructuredPatchHunk[] {
  try {
    return parseUnifiedDiff(text).flatMap((file) => file.hunks);
  } catch {
    return [];
  }
}

/** The hunk that shows every line of `start`..`end`, if one does. */
export function hunkContaining(diff: FileDiff, start: number, end: number): HunkRange | undefined {
  return diff.hunks.find((h) => h.start <= start && end <= h.end);
}

/** Whether a review comment may target `line` (an added or context line inside a hunk). */
export function isCommentable(diff: FileDiff, line: number): boolean {
  return hunkContaining(diff, line, line) !== undefined;
}

/** The added lines among `start`..`end`, in order. */
export function addedLinesIn(diff: FileDiff, start: number, end: number): number[] {
  const lines: number[] = [];
  for (let line = start; line <= end; line++) if (diff.added.has(line)) lines.push(line);
  return lines;
}
