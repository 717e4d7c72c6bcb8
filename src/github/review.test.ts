import type { Finding } from '../policy/findings.js';
import { parsePatch } from './diff-hunks.js';
import {
  commentAnchor,
  commentBody,
  commentFingerprint,
  fingerprintFindings,
  type PlannedComment,
  planReview,
} from './review.js';

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    rule_id: 'PC-DF-004',
    severity: 'warn',
    path: 'Dockerfile',
    line: 3,
    end_line: 3,
    message: 'ADD of "." does nothing COPY would not',
    title: 'ADD used where COPY suffices',
    ...overrides,
  };
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('commentAnchor', () => {
  // Head lines 1-5 shown, line 3 added.
  const diff = parsePatch('@@ -1,4 +1,5 @@\n a\n b\n+c\n d\n e');

  it('puts a suggestion exactly on the fix’s lines when they are all in one hunk', () => {
    const fix = { line: 3, end_line: 4, replacement: 'x', description: 'd' };
    expect(commentAnchor(finding({ fix }), diff)).toEqual({ start: 3, end: 4, suggestion: true });
  });

  it('falls back to a plain comment when the fix reaches outside the diff', () => {
    const fix = { line: 3, end_line: 6, replacement: 'x', description: 'd' };
    expect(commentAnchor(finding({ fix }), diff)).toEqual({ start: 3, end: 3, suggestion: false });
  });

  it('comments only on findings that touch a line the pull request added', () => {
    expect(commentAnchor(finding({ line: 2, end_line: 2 }), diff)).toBeUndefined();
    expect(commentAnchor(finding({ line: 9, end_line: 9 }), diff)).toBeUndefined();
    expect(commentAnchor(finding({ line: 2, end_line: 7 }), diff)).toEqual({
      start: 2,
      end: 5,
      suggestion: false,
    });
  });
});

describe('fingerprintFindings', () => {
  it('is stable when lines above move, and tells identical findings apart', () => {
    const before = new Map([['Dockerfile', bytes('FROM a\nRUN sudo x\nRUN sudo x\n')]]);
    const after = new Map([['Dockerfile', bytes('FROM a\n# new comment\n\nRUN sudo x\nRUN   sudo x  \n')]]);
    const a = fingerprintFindings(
      [finding({ line: 2, end_line: 2 }), finding({ line: 3, end_line: 3 })],
      before,
    );
    const b = fingerprintFindings(
      [finding({ line: 4, end_line: 4 }), finding({ line: 5, end_line: 5 })],
      after,
    );
    expect(a[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(a[1]).toBe(`${a[0]}-2`);
    expect(b[0]).toBe(a[0]);
    expect(
      fingerprintFindings([finding({ rule_id: 'PC-DF-008', line: 2, end_line: 2 })], before)[0],
    ).not.toBe(a[0]);
  });
});

describe('commentBody', () => {
  it('fences a suggestion so the replacement cannot close it', () => {
    const fix = { line: 3, end_line: 3, replacement: 'RUN echo "````"', description: 'd' };
    const body = commentBody(finding({ fix }), 'f'.repeat(16), undefined, true);
    expect(body).toContain('`````suggestion\nRUN echo "````"\n`````');
  });

  it('deletes lines with an empty suggestion', () => {
    const fix = { line: 3, end_line: 4, replacement: '', description: 'Remove it' };
    expect(commentBody(finding({ fix }), 'f'.repeat(16), undefined, true)).toContain('```suggestion\n```');
  });
});

describe('commentBody with hostile input (issue #10, defects 7 and 11)', () => {
  it('neutralises mentions and cannot carry a second fingerprint marker', () => {
    const message =
      '@octocat @acme/security <!-- portcullis:finding:0123456789abcdef --> ![p](http://e.x/p.png)';
    const body = commentBody(finding({ message, title: '@octocat' }), 'f'.repeat(16), '@acme/all', false);
    expect(body).not.toMatch(/@(octocat|acme)/);
    expect(body.match(/<!--/g)).toHaveLength(1);
    expect(body).not.toContain('![');
    expect(commentFingerprint(body)).toBe('f'.repeat(16));
  });

  it('reads the marker only at the start of a comment', () => {
    expect(commentFingerprint(`Quoted: <!-- portcullis:finding:${'a'.repeat(16)} -->`)).toBeUndefined();
    expect(commentFingerprint(`<!-- portcullis:finding:${'a'.repeat(16)}-2 -->\nbody`)).toBe(
      `${'a'.repeat(16)}-2`,
    );
  });

  it('does not post a suggestion that carries a credential, and says why', () => {
    const secret = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const fix = { line: 3, end_line: 3, replacement: `ENV TOKEN=${secret}`, description: `Set ${secret}` };
    const body = commentBody(finding({ fix }), 'f'.repeat(16), undefined, true);
    expect(body).not.toContain(secret);
    expect(body).not.toContain('```suggestion');
    expect(body).toContain('looks like a credential');
  });

  it('anchors a fix that carries a credential as a plain comment on the finding’s lines', () => {
    const diff = parsePatch('@@ -1,4 +1,5 @@\n a\n b\n+c\n d\n e');
    const fix = { line: 3, end_line: 4, replacement: 'RUN curl https://u:p4ss@e.x/', description: 'd' };
    expect(commentAnchor(finding({ fix }), diff)).toEqual({ start: 3, end: 3, suggestion: false });
  });
});

describe('planReview', () => {
  const planned = (fingerprint: string, line: number): PlannedComment => ({
    fingerprint,
    finding: finding({ line, end_line: line }),
    start: line,
    end: line,
    body: `<!-- portcullis:finding:${fingerprint} -->\nbody`,
  });
  const posted = (id: number, fingerprint: string, line: number | null, minimized = false) => ({
    id,
    nodeId: `N${id}`,
    fingerprint,
    body: `<!-- portcullis:finding:${fingerprint} -->\nbody`,
    start: null,
    end: line,
    minimized,
  });

  it('keeps, creates, minimizes and de-duplicates', () => {
    const plan = planReview(
      [planned('a', 1), planned('b', 2), planned('c', 3)],
      new Set(['a', 'b', 'c', 'd']),
      [posted(1, 'a', 1), posted(2, 'a', 1), posted(3, 'd', 4), posted(4, 'e', 5), posted(5, 'b', 2, true)],
      20,
    );
    expect(plan.create.map((c) => c.fingerprint)).toEqual(['b', 'c']); // b's comment is minimized: post anew
    expect(plan.update).toEqual([]);
    expect(plan.minimize).toEqual([
      { nodeId: 'N2', reason: 'DUPLICATE' },
      { nodeId: 'N3', reason: 'OUTDATED' }, // still found, but no longer on a changed line
      { nodeId: 'N4', reason: 'RESOLVED' },
    ]);
  });

  it('counts the comments kept against the cap', () => {
    const plan = planReview(
      [planned('a', 1), planned('b', 2), planned('c', 3)],
      new Set(),
      [posted(1, 'a', 1)],
      2,
    );
    expect(plan.create.map((c) => c.fingerprint)).toEqual(['b']);
    expect(plan.notCommented.map((c) => c.fingerprint)).toEqual(['c']);
  });
});
