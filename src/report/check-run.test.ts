import type { Judgement } from '../core/judge.js';
import type { Finding } from '../policy/findings.js';
import { checkRunReport, chunkAnnotations, SUMMARY_LIMIT } from './check-run.js';
import { markdownCode, markdownText } from './markdown.js';

const finding = (overrides: Partial<Finding> = {}): Finding => ({
  rule_id: 'PC-DF-001',
  severity: 'deny',
  path: 'Dockerfile',
  line: 1,
  end_line: 1,
  message: 'Base image has no tag',
  title: 'Base image uses latest or no tag',
  ...overrides,
});

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
    expect(report.summary).toContain('``x`y/Dockerfile``');
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
