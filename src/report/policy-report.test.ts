/** The policy report renders what a pull request's policies, tests and files say: all of it hostile. */

import { finding } from '../../test/support/findings.js';
import type { PolicyImpact } from '../core/impact.js';
import type { Finding } from '../policy/findings.js';
import type { PolicyExamination, PolicyTestResult } from '../policy/opa-tools.js';
import { impactTextReport, policyCheckReport, policyTestTextReport } from './policy-report.js';

const impactOf = (added: Finding[]): PolicyImpact => ({
  added,
  removed: [],
  changed: [],
  totals: { targets: 1, base: 0, head: added.length, added: added.length, removed: 0, changed: 0 },
  errors: [],
});

const examinationOf = (tests: PolicyTestResult[]): PolicyExamination => ({
  errors: [],
  warnings: [],
  tests,
  engine: null,
  isRepositoryFile: () => true,
});

const failedTest = (overrides: Partial<PolicyTestResult> = {}): PolicyTestResult => ({
  file: 'policies/acme_test.rego',
  line: 3,
  name: 'data.portcullis.rules.acme_test.test_x',
  passed: false,
  output: '',
  ...overrides,
});

describe('policyCheckReport with hostile input (issue #10, defect 7)', () => {
  it('escapes paths in the <summary> HTML of the impact sections', () => {
    const paths = [
      'a<img src=x onerror=alert(1)>/Dockerfile',
      '</summary><script>alert(1)</script>/Dockerfile',
    ];
    const report = policyCheckReport({ impact: impactOf(paths.map((path) => finding({ path }))) });
    expect(report.summary).not.toContain('<img');
    expect(report.summary).not.toContain('<script');
    expect(report.summary.match(/<summary>/g)).toHaveLength(2);
    expect(report.summary.match(/<\/summary>/g)).toHaveLength(2);
    expect(report.summary).toContain(
      '<code>&lt;/summary&gt;&lt;script&gt;alert(1)&lt;/script&gt;/Dockerfile</code>',
    );
  });

  it('keeps test names, files and errors inside their table cells', () => {
    const report = policyCheckReport({
      examination: examinationOf([
        failedTest({
          file: 'policies/a|b_test.rego',
          name: 'data.x.test_`|`',
          error: 'boom\r| injected | row |\n@octocat <img src=x>',
        }),
      ]),
    });
    const row = report.summary.split('\n').find((l) => l.includes('a\\|b_test.rego'));
    expect(row).toBeDefined();
    // Three cells: every pipe of the test's own text is escaped.
    expect(row?.replace(/\\\|/g, '').match(/\|/g)).toHaveLength(4);
    expect(report.summary).not.toContain('\r');
    expect(report.summary).not.toContain('@octocat');
    expect(report.summary).not.toContain('<img');
  });

  it('shows what a test printed as plain text in the annotation, without escape sequences', () => {
    const report = policyCheckReport({
      examination: examinationOf([
        failedTest({ output: 'a\u001b[2J\u001b]0;title\u0007b\r\n::error::pwned\n' }),
      ]),
    });
    expect(report.annotations[0]?.raw_details).toBe('ab\n::error::pwned\n');
  });

  it('fences a configuration error so that it cannot close the block', () => {
    const report = policyCheckReport({ configError: { message: 'bad\n```\n<img src=x>', located: [] } });
    expect(report.summary).toContain('````text\nbad\n```\n<img src=x>\n````');
  });
});

describe('policy command-line output with hostile input (issue #10, defect 7)', () => {
  const commandLines = (text: string) => text.split('\n').filter((l) => /^\s*::/.test(l));

  it('impactTextReport: no escape sequences, no workflow commands', () => {
    const path = 'x\u001b[31m/\n::error::pwned/Dockerfile';
    const text = impactTextReport(
      impactOf([finding({ path, message: 'm\n::warning::w ##[error]e' })]),
      false,
    );
    expect(text).not.toContain('\u001b');
    expect(commandLines(text)).toEqual([]);
    expect(text).not.toContain('##[');
  });

  it('policyTestTextReport: no escape sequences, no workflow commands', () => {
    const text = policyTestTextReport(
      [
        failedTest({
          file: '\u001b[31m::error::f',
          output: '::error::printed\n\u001b]0;t\u0007x',
          error: 'e\r::error::e',
        }),
      ],
      'policies',
      false,
    );
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\r');
    expect(commandLines(text)).toEqual([]);
  });
});
