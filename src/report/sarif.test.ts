import type * as Sarif from 'sarif';
import { sarifSchemaProblems } from '../../test/support/sarif-schema.js';
import type { Judgement, TargetFile } from '../core/judge.js';
import type { RuleMetadata } from '../policy/compile.js';
import type { Finding } from '../policy/findings.js';
import { sarifReport } from './sarif.js';

const rule = (overrides: Partial<RuleMetadata> & Pick<RuleMetadata, 'id' | 'package'>): RuleMetadata => ({
  title: `Title of ${overrides.id}`,
  severity: 'warn',
  description: `Why ${overrides.id} matters, with \`code\`.`,
  remediation: `What to do about ${overrides.id}.`,
  file: `dockerfile/${overrides.package}.rego`,
  ...overrides,
});

/** As the engine holds them: by package. */
const RULES: Record<string, RuleMetadata> = {
  latest_tag: rule({ id: 'PC-DF-001', package: 'latest_tag', severity: 'deny' }),
  apt_install_yes: rule({ id: 'PC-DF-016', package: 'apt_install_yes', severity: 'warn' }),
  missing_healthcheck: rule({ id: 'PC-DF-017', package: 'missing_healthcheck', severity: 'info' }),
};

const DOCKERFILE = 'FROM debian\nRUN apt-get install curl\nRUN apt-get install curl\n';

const finding = (overrides: Partial<Finding> = {}): Finding => ({
  rule_id: 'PC-DF-016',
  severity: 'warn',
  path: 'services/api/Dockerfile',
  line: 2,
  end_line: 2,
  message: '"apt-get install curl" has no -y.',
  title: 'apt-get install without -y',
  ...overrides,
});

const FINDINGS: Finding[] = [
  finding({ rule_id: 'PC-DF-001', severity: 'deny', line: 1, end_line: 1, message: 'no tag' }),
  finding({
    fix: { line: 2, end_line: 2, replacement: 'RUN apt-get install -y curl', description: 'Add -y' },
  }),
  finding({ line: 3, end_line: 3 }),
  finding({ rule_id: 'PC-DF-017', severity: 'info', line: 1, end_line: 1, message: 'no HEALTHCHECK' }),
];

function judgementOf(findings: Finding[], errors: Judgement['errors'] = []): Judgement {
  const paths = [...new Set(findings.map((f) => f.path))];
  return {
    targets: paths.map((path) => ({
      path,
      kind: 'dockerfile',
      findings: findings.filter((f) => f.path === path),
    })),
    findings,
    errors,
    failOn: ['deny'],
    policySource: 'the built-in pack',
  };
}

const file = (path: string, text: string): TargetFile => ({
  path,
  kind: 'dockerfile',
  content: new TextEncoder().encode(text),
});

function report(findings = FINDINGS, text = DOCKERFILE, errors: Judgement['errors'] = []) {
  const log = sarifReport(judgementOf(findings, errors), RULES, { version: '1.2.3' }, [
    file('services/api/Dockerfile', text),
  ]);
  return { log, run: log.runs[0] as Sarif.Run, results: log.runs[0]?.results ?? [] };
}

describe('sarifReport', () => {
  it('is valid SARIF 2.1.0 (and the schema check does reject invalid logs)', () => {
    const { log } = report(
      [
        ...FINDINGS,
        finding({
          rule_id: 'portcullis.rules.custom',
          path: 'with space/Dockerfile',
          fix: { line: 1, end_line: 2, replacement: '', description: 'Delete' },
        }),
      ],
      DOCKERFILE,
      [{ path: 'big/Dockerfile', message: 'skipped: 2.0 MiB is over the 1 MiB limit for a target file' }],
    );
    expect(sarifSchemaProblems(log)).toEqual([]);
    expect(sarifSchemaProblems({ ...log, version: '2.0.0' })).not.toEqual([]);
  });

  it('describes the tool and every rule, with metadata for each rule a result names', () => {
    const { run, results } = report();
    const driver = run.tool.driver;
    expect(driver).toMatchObject({
      name: 'Portcullis',
      version: '1.2.3',
      informationUri: expect.any(String),
    });
    expect(driver.rules?.map((r) => r.id)).toEqual(['PC-DF-001', 'PC-DF-016', 'PC-DF-017']);
    for (const result of results) {
      expect(driver.rules?.[result.ruleIndex as number]?.id).toBe(result.ruleId);
    }
    expect(driver.rules?.[1]).toEqual({
      id: 'PC-DF-016',
      name: 'AptInstallYes',
      shortDescription: { text: 'Title of PC-DF-016' },
      fullDescription: {
        text: 'Why PC-DF-016 matters, with `code`.',
        markdown: 'Why PC-DF-016 matters, with `code`.',
      },
      help: { text: 'What to do about PC-DF-016.', markdown: 'What to do about PC-DF-016.' },
      defaultConfiguration: { level: 'warning' },
      properties: { tags: ['container', 'dockerfile'] },
    });
  });

  it('names a rule that has no metadata after the finding, so every result has its rule', () => {
    const { run, results } = report([finding({ rule_id: 'portcullis.rules.custom', title: 'Custom rule' })]);
    const index = results[0]?.ruleIndex as number;
    expect(run.tool.driver.rules?.[index]).toEqual({
      id: 'portcullis.rules.custom',
      shortDescription: { text: 'Custom rule' },
    });
  });

  it('maps deny, warn and info to error, warning and note', () => {
    const { run, results } = report();
    expect(results.map((r) => [r.ruleId, r.level])).toEqual([
      ['PC-DF-001', 'error'],
      ['PC-DF-016', 'warning'],
      ['PC-DF-016', 'warning'],
      ['PC-DF-017', 'note'],
    ]);
    expect(run.tool.driver.rules?.map((r) => r.defaultConfiguration?.level)).toEqual([
      'error',
      'warning',
      'note',
    ]);
  });

  it('locates results by repository-relative URI and lines', () => {
    const { results } = report();
    expect(results[1]?.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'services/api/Dockerfile', uriBaseId: '%SRCROOT%' },
          region: { startLine: 2, endLine: 2 },
        },
      },
    ]);
  });

  it('carries a fix as a replacement of whole lines, and a deletion up to the next line', () => {
    const { results } = report([
      FINDINGS[1] as Finding,
      finding({
        line: 3,
        end_line: 3,
        fix: { line: 2, end_line: 2, replacement: '', description: 'Delete' },
      }),
    ]);
    expect(results[0]?.fixes).toEqual([
      {
        description: { text: 'Add -y' },
        artifactChanges: [
          {
            artifactLocation: { uri: 'services/api/Dockerfile', uriBaseId: '%SRCROOT%' },
            replacements: [
              {
                deletedRegion: { startLine: 2, endLine: 2 },
                insertedContent: { text: 'RUN apt-get install -y curl' },
              },
            ],
          },
        ],
      },
    ]);
    expect(results[1]?.fixes?.[0]?.artifactChanges[0]?.replacements[0]).toEqual({
      deletedRegion: { startLine: 2, startColumn: 1, endLine: 3, endColumn: 1 },
    });
    expect(report([finding()]).results[0]?.fixes).toBeUndefined();
  });

  it('fingerprints by rule, path and line text, so an alert follows its line as it moves', () => {
    const before = report().results.map((r) => r.partialFingerprints?.['portcullisFindingHash/v1']);
    const moved = report(
      FINDINGS.map((f) => ({ ...f, line: f.line + 2, end_line: f.end_line + 2 })),
      `# comment\n\n${DOCKERFILE.replace('RUN apt-get install curl', 'RUN   apt-get install curl  ')}`,
    ).results.map((r) => r.partialFingerprints?.['portcullisFindingHash/v1']);
    expect(moved).toEqual(before);
    // The same line twice: told apart by their order.
    expect(before[1]).toMatch(/^[0-9a-f]{32}:1$/);
    expect(before[2]).toBe(`${before[1]?.split(':')[0]}:2`);
    // Same line, other rule: another alert.
    expect(new Set(before).size).toBe(before.length);
  });

  it('reports the files it could not judge as notifications of the invocation', () => {
    const { run } = report(FINDINGS, DOCKERFILE, [
      { path: 'big/Dockerfile', message: 'skipped: 2.0 MiB is over the 1 MiB limit for a target file' },
    ]);
    expect(run.invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          {
            level: 'error',
            message: { text: 'big/Dockerfile: skipped: 2.0 MiB is over the 1 MiB limit for a target file' },
            locations: [
              { physicalLocation: { artifactLocation: { uri: 'big/Dockerfile', uriBaseId: '%SRCROOT%' } } },
            ],
          },
        ],
      },
    ]);
  });
});
