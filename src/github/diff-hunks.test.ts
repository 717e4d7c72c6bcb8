import { addedLinesIn, hunkContaining, isCommentable, parsePatch } from './diff-hunks.js';

// Patches as `git diff` printed them (GitHub's `patch` field is the same text from the first `@@`).

/** Two hunks: a change on line 2, then a change plus an addition at 20-21 and a deletion. */
const TWO_HUNKS = [
  '@@ -1,5 +1,5 @@',
  ' line 1',
  '-line 2',
  '+changed 2',
  ' line 3',
  ' line 4',
  ' line 5',
  '@@ -17,12 +17,12 @@ line 16',
  ' line 17',
  ' line 18',
  ' line 19',
  '-line 20',
  '+changed 20',
  '+added 20b',
  ' line 21',
  ' line 22',
  ' line 23',
  ' line 24',
  '-line 25',
  ' line 26',
  ' line 27',
  ' line 28',
].join('\n');

const NO_NEWLINE_AT_END = [
  '@@ -1,2 +1,3 @@',
  '-FROM alpine:3.19',
  '-RUN echo hi',
  '\\ No newline at end of file',
  '+FROM alpine:3.20',
  '+RUN echo hi',
  '+USER 1000',
  '\\ No newline at end of file',
].join('\n');

/** `git mv old.Dockerfile new.Dockerfile` plus a one-line change: the patch is against the old file. */
const RENAMED = ['@@ -1,2 +1,2 @@', ' FROM a', '-RUN x', '+RUN y'].join('\n');

describe('parsePatch', () => {
  it('reads every hunk: head-side ranges and the added lines', () => {
    const diff = parsePatch(TWO_HUNKS);
    expect(diff.hunks).toEqual([
      { start: 1, end: 5 },
      { start: 17, end: 28 },
    ]);
    expect([...diff.added]).toEqual([2, 20, 21]);
  });

  it('lets comments target added and context lines inside hunks only', () => {
    const diff = parsePatch(TWO_HUNKS);
    for (const line of [1, 2, 5, 17, 20, 21, 28]) expect(isCommentable(diff, line)).toBe(true);
    for (const line of [0, 6, 16, 29, 100]) expect(isCommentable(diff, line)).toBe(false);
  });

  it('keeps a multi-line range to one hunk', () => {
    const diff = parsePatch(TWO_HUNKS);
    expect(hunkContaining(diff, 20, 21)).toEqual({ start: 17, end: 28 });
    expect(hunkContaining(diff, 4, 18)).toBeUndefined();
    expect(addedLinesIn(diff, 1, 25)).toEqual([2, 20, 21]);
  });

  it('ignores the no-newline-at-end markers', () => {
    const diff = parsePatch(NO_NEWLINE_AT_END);
    expect(diff.hunks).toEqual([{ start: 1, end: 3 }]);
    expect([...diff.added]).toEqual([1, 2, 3]);
  });

  it('reads a renamed file on its new side', () => {
    const diff = parsePatch(RENAMED);
    expect(diff.hunks).toEqual([{ start: 1, end: 2 }]);
    expect([...diff.added]).toEqual([2]);
  });

  it('reads a new file, a one-line hunk without counts and a deletion-only hunk', () => {
    expect(parsePatch('@@ -0,0 +1,2 @@\n+FROM x\n+RUN y')).toEqual({
      hunks: [{ start: 1, end: 2 }],
      added: new Set([1, 2]),
    });
    expect(parsePatch('@@ -2 +2 @@ a\n-b\n+B')).toEqual({
      hunks: [{ start: 2, end: 2 }],
      added: new Set([2]),
    });
    expect(parsePatch('@@ -1,3 +0,0 @@\n-a\n-b\n-c')).toEqual({ hunks: [], added: new Set() });
  });

  it('reads CRLF patches and empty context lines whose space was stripped', () => {
    const diff = parsePatch('@@ -1,3 +1,3 @@\r\n a\r\n\r\n-b\r\n+B\r\n');
    expect(diff.hunks).toEqual([{ start: 1, end: 3 }]);
    expect([...diff.added]).toEqual([3]);
  });

  it('has nothing to comment on for files without a patch (binary, too large, pure rename)', () => {
    for (const patch of [undefined, null, '']) {
      const diff = parsePatch(patch);
      expect(diff.hunks).toEqual([]);
      expect(isCommentable(diff, 1)).toBe(false);
    }
  });
});
