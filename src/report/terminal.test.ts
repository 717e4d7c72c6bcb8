import { finding } from '../../test/support/findings.js';
import type { Judgement } from '../core/judge.js';
import type { Finding } from '../policy/findings.js';
import { jsonReport, jsonReportLines, textReport } from './terminal.js';

const judgementOf = (findings: Finding[], skipped?: string): Judgement => {
  const paths = [...new Set(findings.map((f) => f.path))];
  return {
    targets: paths.map((path) => ({
      path,
      kind: 'dockerfile',
      findings: findings.filter((f) => f.path === path),
      ...(skipped ? { skipped } : {}),
    })),
    findings,
    errors: [],
    failOn: ['deny'],
    policySource: 'the built-in pack',
  };
};

/** Lines the GitHub Actions runner would take for workflow commands (it trims leading whitespace). */
const commandLines = (text: string) => text.split(/\r\n|\r|\n/).filter((l) => /^\s*::/.test(l));

describe('textReport with hostile input (issue #10, defect 7)', () => {
  const hostile = judgementOf([
    finding({
      path: 'a\u001b[31m/\n::error::pwned/Dockerfile',
      message:
        'first line\n  ::error file=x::second\r::warning::third ##[error]legacy \u001b]8;;http://e.x\u0007link\u001b]8;;\u0007',
      fix: { line: 1, end_line: 1, replacement: 'x', description: 'd\u009b31m\n::error::d' },
    }),
    finding({
      path: 'b/Dockerfile',
      waived: { reason: 'r\u001b[2J\n::error::r', owner: null, expires: null, source: '\u0007s' },
    }),
  ]);

  it('strips escape sequences and control characters, also from paths', () => {
    const text = textReport(hostile, false);
    expect([...text].filter((c) => c !== '\n' && /\p{Cc}/u.test(c))).toEqual([]);
    expect(text).toContain('a/ ::error::pwned/Dockerfile');
    expect(text).toContain('link');
  });

  it('never lets a path or message start a workflow command line', () => {
    expect(commandLines(textReport(hostile, false))).toEqual([]);
    expect(textReport(hostile, false)).not.toContain('##[');
  });

  it('keeps its own colours and drops the input’s', () => {
    const text = textReport(hostile, true);
    expect(text).not.toContain('\u001b[31m/');
    expect(text).not.toContain('\u001b[2J');
    expect(text).not.toContain('\u001b]8');
    expect(text).toContain('\u001b[31;1mDENY');
  });

  it('keeps the lines of a multi-line message', () => {
    const text = textReport(hostile, false);
    expect(text).toContain('first line\n');
  });
});

describe('jsonReport with hostile input (issue #10, defect 7)', () => {
  it('carries no legacy workflow command and no escape sequence into a CI log', () => {
    const json = JSON.stringify(
      jsonReport(judgementOf([finding({ message: 'a ##[error]b \u001b[31m\u009b' })]), [
        { path: 'x', message: '##[add-mask]y' },
      ]),
    );
    expect(json).not.toContain('##[');
    expect(json).not.toContain('\\u001b');
    expect(json).not.toContain('\u009b');
  });
});

describe('jsonReportLines', () => {
  it('joined by newlines, is the JSON report as JSON.stringify indents it', () => {
    const judgements = [
      judgementOf([
        finding({ fix: { line: 1, end_line: 2, replacement: 'a\n  b\n', description: 'd' } }),
        finding({ path: 'b/Dockerfile', message: 'line\nbreak "quoted"' }),
      ]),
      judgementOf([]),
    ];
    const errors = [{ path: 'c/Dockerfile', message: 'unreadable\n  here' }];
    for (const judgement of judgements) {
      for (const extra of [[], errors]) {
        expect([...jsonReportLines(judgement, extra)].join('\n')).toBe(
          JSON.stringify(jsonReport(judgement, extra), null, 2),
        );
      }
    }
  });

  it('hands a large report over in pieces of many findings each, not one per finding', () => {
    const many = judgementOf(
      Array.from({ length: 3000 }, (_, i) => finding({ path: `d${i % 7}/Dockerfile`, line: i + 1 })),
    );
    const pieces = [...jsonReportLines(many)];
    expect(pieces.join('\n')).toBe(JSON.stringify(jsonReport(many), null, 2));
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.length).toBeLessThan(3000 / 50);
  });
});
