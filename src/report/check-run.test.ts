import { finding } from '../../test/support/findings.js';
import type { Judgement } from '../core/judge.js';
import type { Finding } from '../policy/findings.js';
import { checkRunReport, chunkAnnotations, errorReport, SUMMARY_LIMIT } from './check-run.js';
import { markdownCode, markdownText } from './markdown.js';

const judgementOf = (findings: Finding[], paths = ['Dockerfile']): Judgement => ({
  targets: paths.map((path) => ({
    path,
    kind: 'dockerfile',
    findings: findings.filter((f) => f.path === path),
  })),
  findings,
  errors: [],
  failOn: ['deny'],
  policySource: 'the built-in pack',
});

describe('checkRunReport', () => {
  it('fails on a deny finding and maps severities to annotation levels', () => {
    const report = checkRunReport(
      judgementOf([
        finding(),
        finding({ severity: 'warn', rule_id: 'PC-DF-003', line: 2 }),
        finding({ severity: 'info', rule_id: 'PC-DF-017', line: 3 }),
      ]),
    );
    expect(report.conclusion).toBe('failure');
    expect(report.title).toBe('1 deny, 1 warn, 1 info in 1 container file');
    expect(report.annotations.map((a) => a.annotation_level)).toEqual(['failure', 'warning', 'notice']);
  });

  it('succeeds with warnings only', () => {
    expect(checkRunReport(judgementOf([finding({ severity: 'warn' })])).conclusion).toBe('success');
  });

  it('says so when no container file changed', () => {
    const report = checkRunReport({
      targets: [],
      findings: [],
      errors: [],
      failOn: ['deny'],
      policySource: 'the built-in pack',
    });
    expect(report).toMatchObject({ conclusion: 'success', title: 'No container files changed' });
  });

  it('keeps the summary under GitHub’s limit with a visible truncation notice', () => {
    const paths = Array.from({ length: 400 }, (_, i) => `services/service-${i}/Dockerfile`);
    const findings = paths.flatMap((path) =>
      Array.from({ length: 5 }, (_, line) => finding({ path, line: line + 1, message: 'x'.repeat(100) })),
    );
    const report = checkRunReport(judgementOf(findings, paths));
    expect(report.summary.length).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(report.summary).toContain('Summary truncated');
    expect(report.annotations).toHaveLength(2000);
    expect(chunkAnnotations(report.annotations).every((c) => c.length <= 50)).toBe(true);
  });

  it('escapes user-controlled text in the summary', () => {
    const report = checkRunReport(
      judgementOf(
        [finding({ path: 'x`y/Dockerfile', message: '<img src=x> @octocat | **bold** [link](http://e.x)' })],
        ['x`y/Dockerfile'],
      ),
    );
    expect(report.summary).not.toContain('<img');
    expect(report.summary).not.toContain('@octocat');
    expect(report.summary).not.toContain('**bold**');
    expect(report.summary).not.toContain('[link](');
    // In the <summary> HTML, where a markdown code span is not rendered (issue #10).
    expect(report.summary).toContain('<code>x`y/Dockerfile</code>');
  });
});

describe('markdown escaping', () => {
  it('neutralises HTML, mentions, tables and emphasis', () => {
    expect(markdownText('a|b <b>c</b> @team _x_')).toBe('a\\|b &lt;b&gt;c&lt;/b&gt; @\u200bteam \\_x\\_');
  });

  it('makes code spans that cannot be closed early', () => {
    expect(markdownCode('a``b')).toBe('```a``b```');
  });
});

describe('hostile text in the check run (issue #10, defect 7)', () => {
  const HOSTILE_PATHS = [
    'a<img src=x onerror=alert(1)>/Dockerfile',
    '</summary><script>alert(1)</script>/Dockerfile',
  ];

  it('escapes paths in the <summary> HTML of each file’s section', () => {
    const report = checkRunReport(
      judgementOf(
        HOSTILE_PATHS.map((path) => finding({ path })),
        HOSTILE_PATHS,
      ),
    );
    expect(report.summary).not.toContain('<img');
    expect(report.summary).not.toContain('<script');
    // One <summary> element per file: the path cannot close ours and open its own.
    expect(report.summary.match(/<summary>/g)).toHaveLength(2);
    expect(report.summary.match(/<\/summary>/g)).toHaveLength(2);
    expect(report.summary).toContain('<code>a&lt;img src=x onerror=alert(1)&gt;/Dockerfile</code>');
    // Annotations must name the real file for GitHub to place them.
    expect(report.annotations.map((a) => a.path)).toEqual(HOSTILE_PATHS);
  });

  it('keeps a path with line breaks on the <summary> line, so the HTML block cannot end early', () => {
    const path = 'a\n\n<img src=x>\r\r![p](http://e.x/p.png)/Dockerfile';
    const report = checkRunReport(judgementOf([finding({ path })], [path]));
    const line = report.summary.split('\n').find((l) => l.startsWith('<details'));
    expect(line).toMatch(/<\/summary>$/);
    expect(report.summary).not.toContain('<img');
    expect(report.summary).not.toContain('\r');
  });

  it('treats a lone carriage return as a line break in a table cell', () => {
    const report = checkRunReport(judgementOf([finding({ message: 'x|y\rz' })]));
    const row = report.summary.split('\n').find((l) => l.includes('x\\|y'));
    expect(row).toBe('| 1 | ❌ deny | PC-DF-001 | x\\|y z |');
    expect(report.summary).not.toContain('\r');
  });

  it('neutralises mentions, team mentions, images, autolinks and HTML comments in messages', () => {
    const message =
      '@octocat @acme/security ![p](http://e.x/p.png) https://e.x/a www.e.x <!-- portcullis:finding:0123456789abcdef -->';
    const report = checkRunReport(judgementOf([finding({ message })]));
    expect(report.summary).not.toMatch(/@octocat|@acme\/security/);
    expect(report.summary).not.toContain('![');
    expect(report.summary).not.toContain('https://');
    expect(report.summary).not.toContain('www.e');
    expect(report.summary).not.toContain('<!--');
  });

  it('fences an error so that its own backticks cannot close the block', () => {
    const report = errorReport('Boom.', 'line 1\n```\n<img src=x> @octocat\n````');
    expect(report.summary).toContain('`````text\nline 1\n```\n<img src=x> @octocat\n````\n`````');
  });

  it('strips control characters from annotation titles, messages and details', () => {
    const report = checkRunReport(
      judgementOf([
        finding({
          title: 'T\u001b[31m',
          message: 'm\u0007\u001b]8;;http://e.x\u0007link\u001b]8;;\u0007',
          fix: { line: 1, end_line: 1, replacement: 'FROM a\u0000b', description: 'd\u009b' },
        }),
      ]),
    );
    const [annotation] = report.annotations;
    expect(annotation?.title).toBe('PC-DF-001: T');
    expect(annotation?.message).toBe('mlink');
    expect(annotation?.raw_details).toBe('Suggested fix (d), lines 1-1:\nFROM ab');
  });
});
