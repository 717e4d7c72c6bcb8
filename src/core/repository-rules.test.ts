import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../policy/findings.js';
import { loadPolicySet } from '../policy/policy-set.js';
import { inlineIgnores } from '../policy/waivers.js';
import { workingTreeSnapshot } from '../repository/snapshot.js';
import { applyRepositoryRules } from './repository-rules.js';

const TODAY = new Date('2026-11-29T12:00:00Z');
let repo: string;

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'portcullis-repository-rules-'));
  await mkdir(join(repo, '.github'));
  await writeFile(join(repo, '.github', 'portcullis.yml'), 'rules:\n  PC-DF-003: warn\n');
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

const finding = (rule_id: string, line = 1): Finding => ({
  rule_id,
  severity: 'deny',
  path: 'Dockerfile',
  line,
  end_line: line,
  message: 'm',
  title: 't',
});

describe('applyRepositoryRules', () => {
  it('looks a rule id up among the configured rules only, never in what every object inherits', async () => {
    const set = await loadPolicySet(workingTreeSnapshot(repo));
    const ids = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'PC-DF-003'];
    const target = { path: 'Dockerfile', findings: ids.map((id) => finding(id)) };
    applyRepositoryRules([target], set, {}, TODAY);
    expect(Object.fromEntries(target.findings.map((f) => [f.rule_id, f.severity]))).toEqual({
      toString: 'deny',
      constructor: 'deny',
      ['__proto__']: 'deny',
      hasOwnProperty: 'deny',
      valueOf: 'deny',
      'PC-DF-003': 'warn',
    });
  });

  it('an inline ignore whose until= is not a date does not apply, and fails as a configuration error', async () => {
    const set = await loadPolicySet(workingTreeSnapshot(repo));
    const text =
      'FROM alpine:3.19\n# portcullis ignore=PC-DF-002 reason="runs as root" until=never\nUSER root\n';
    const target = {
      path: 'Dockerfile',
      findings: [finding('PC-DF-002', 3)],
      ignores: inlineIgnores(text, [
        { line: 1, end_line: 1 },
        { line: 3, end_line: 3 },
      ]),
    };
    applyRepositoryRules([target], set, {}, TODAY);
    expect(target.findings).toEqual([
      expect.objectContaining({
        rule_id: 'PC-WVR-004',
        severity: 'deny',
        line: 2,
        message: expect.stringContaining('until="never" is not a calendar date'),
      }),
      expect.not.objectContaining({ waived: expect.anything() }),
    ]);
    expect(target.findings[1]).toMatchObject({ rule_id: 'PC-DF-002' });
  });
});
