/**
 * Issue #10, defect 11: a Dockerfile that holds credentials is judged by the real policies,
 * and no rendering of the judgement (check run, review comment, terminal, JSON, SARIF,
 * policy impact) repeats them, whether they come through a message or a fix.
 */
import { builtinPolicyEngine, type Judgement, judgeTargets } from '../core/judge.js';
import { commentBody } from '../github/review.js';
import { checkRunReport } from './check-run.js';
import { impactTextReport, policyCheckReport } from './policy-report.js';
import { sarifReport } from './sarif.js';
import { jsonReport, textReport } from './terminal.js';

const SECRETS = ['s3cr3t', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'abc.def.ghi', 'hunter2', 'pw5'];

const DOCKERFILE = [
  'FROM https://user:s3cr3t@registry.example.com/app:1',
  'RUN apt-get install curl && GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789 curl -H "Authorization: Bearer abc.def.ghi" -u admin:hunter2 https://e.x/',
  'CMD curl https://user:pw5@example.com',
  'ENV TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789',
  '',
].join('\n');

let judgement: Judgement;
beforeAll(async () => {
  const engine = await builtinPolicyEngine();
  judgement = await judgeTargets(
    [{ path: 'Dockerfile', kind: 'dockerfile', content: new TextEncoder().encode(DOCKERFILE) }],
    engine,
  );
});

function expectNoSecret(output: unknown): void {
  const text = typeof output === 'string' ? output : JSON.stringify(output);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('credentials in a judged Dockerfile', () => {
  it('reach the findings, so the renderers below have something to hide', () => {
    const raw = JSON.stringify(judgement.findings);
    for (const secret of SECRETS) expect(raw).toContain(secret);
    expect(judgement.findings.some((f) => f.fix && /s3cr3t|hunter2|pw5|ghp_/.test(f.fix.replacement))).toBe(
      true,
    );
  });

  it('appear in no check run: summary, annotations, details', () => {
    expectNoSecret(checkRunReport(judgement));
  });

  it('appear in no review comment, with or without a suggestion', () => {
    for (const finding of judgement.findings) {
      expectNoSecret(commentBody(finding, 'f'.repeat(16), 'remediation', true));
      expectNoSecret(commentBody(finding, 'f'.repeat(16), 'remediation', false));
    }
  });

  it('appear in no terminal, JSON or SARIF output', () => {
    expectNoSecret(textReport(judgement, false));
    expectNoSecret(textReport(judgement, true));
    expectNoSecret(
      JSON.stringify(jsonReport(judgement, [{ path: 'x', message: 'FROM https://user:s3cr3t@e.x/' }])),
    );
    expectNoSecret(sarifReport(judgement, {}, { version: '0.0.0' }));
  });

  it('appear in no policy impact report', () => {
    const impact = {
      added: judgement.findings,
      removed: [],
      changed: [],
      totals: { targets: 1, base: 0, head: 1, added: 1, removed: 0, changed: 0 },
      errors: [{ path: 'Dockerfile', message: 'ENV TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789' }],
    };
    expectNoSecret(policyCheckReport({ impact }));
    expectNoSecret(impactTextReport(impact, false));
  });
});
