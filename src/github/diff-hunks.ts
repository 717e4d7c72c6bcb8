/**
 * Which lines of a changed file a pull request review comment may target, read from the
 * unified diff (`patch`) that `pulls.listFiles` returns for each file.
 *
 * GitHub accepts a review comment on the RIGHT side (the head) only on a line inside one
 * of the diff's hunks, added or context, and a multi-line comment only when its first
 * and last lines lie in the same hunk. So a file's diff is kept as its hunks' ranges of
 * head lines, plus the lines the pull request added, which is what "changed" means here.
 */

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

const HUNK_HEADER = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * Parses a unified diff's hunks. `patch` is absent when GitHub shows no diff: binary
 * files, files whose diff is too large, renames without changes.
 */
export function parsePatch(patch: string | null | undefined): FileDiff {
  const hunks: HunkRange[] = [];
  const added = new Set<number>();
  if (!patch) return { hunks, added };
  let oldLeft = 0;
  let newLeft = 0;
  let next = 0;
  for (const raw of patch.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const header = HUNK_HEADER.exec(line);
    if (header) {
      // An omitted count means 1 (`@@ -3 +3 @@`); a count of 0 is a hunk with no lines on that side.
      oldLeft = header[1] === undefined ? 1 : Number(header[1]);
      const start = Number(header[2]);
      newLeft = header[3] === undefined ? 1 : Number(header[3]);
      next = start;
      if (newLeft > 0) hunks.push({ start, end: start + newLeft - 1 });
      continue;
    }
    if (oldLeft <= 0 && newLeft <= 0) continue; // between hunks, or a trailing empty line
    // `\ No newline at end of file` describes the line before it and takes no line of its own.
    if (line.startsWith('\\')) continue;
    const marker = line[0];
    if (marker === '+') {
      added.add(next++);
      newLeft--;
    } else if (marker === '-') {
      oldLeft--;
    } else {
      // A context line; some tools strip the single space of an empty context line.
      next++;
      oldLeft--;
      newLeft--;
    }
  }
  return { hunks, added };
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
