/**
 * `# hadolint ignore=DL3008` comments: ignores of the Portcullis rules that cover those codes
 * (issue #13 item 2), judged by the real pack through `portcullis check`, each noted with
 * its `# portcullis ignore=` rewrite; `hadolint_pragmas: false` turns them off.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inlineIgnores } from '../../src/policy/waivers.js';
import { cli } from '../support/cli.js';

const DOCKERFILE = `FROM debian:12.5-slim
# hadolint ignore=DL3008,DL3015,DL9999,SC2086
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get install -y wget && rm -rf /var/lib/apt/lists/*
RUN mkdir /data
#hadolint ignore=DL3059
RUN chmod 0750 /data
RUN chown 1000 /data
USER 1000
CMD ["curl"]
`;

let repo: string;
beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'portcullis-hadolint-pragmas-'));
  await writeFile(join(repo, 'Dockerfile'), DOCKERFILE);
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

interface JsonFinding {
  rule_id: string;
  line: number;
  message: string;
  severity: string;
  waived?: { reason: string; source: string };
}

async function judged(config: string | null): Promise<JsonFinding[]> {
  await mkdir(join(repo, '.github'), { recursive: true });
  await writeFile(join(repo, '.github', 'portcullis.yml'), config ?? '');
  const run = await cli('check', '--offline', '--format', 'json', '--repo', repo, join(repo, 'Dockerfile'));
  expect(run.stderr).toBe('');
  return (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings;
}

const at = (findings: JsonFinding[], rule: string) =>
  findings.filter((f) => f.rule_id === rule).map((f) => `${f.line}${f.waived ? ' waived' : ''}`);

describe('# hadolint ignore= pragmas', () => {
  test('ignore the mapped rules on the next instruction only, and each is noted with its rewrite', async () => {
    const findings = await judged(null);
    expect(at(findings, 'PC-DF-028')).toEqual(['3 waived', '4']);
    expect(at(findings, 'PC-DF-005')).toEqual(['3 waived', '4']);
    // DL3059 is PC-DF-052 (consecutive RUNs).
    expect(at(findings, 'PC-DF-052')).toEqual(['7 waived', '8']);
    const notes = findings.filter((f) => f.rule_id === 'PC-WVR-005');
    expect(notes.map((f) => [f.line, f.severity])).toEqual([
      [2, 'info'],
      [6, 'info'],
    ]);
    expect(notes[0]?.message).toBe(
      'This Hadolint comment ignores PC-DF-005, PC-DF-028: rewrite it as # portcullis ignore=PC-DF-005,PC-DF-028 reason="…". No Portcullis rule covers DL9999. For SC2086 write # shellcheck disable=SC2086.',
    );
    expect(findings.find((f) => f.line === 3 && f.rule_id === 'PC-DF-028')?.waived?.source).toBe(
      'Dockerfile:2',
    );
  }, 60_000);

  test('hadolint_pragmas: false (disable-ignore-pragma) honours none and notes none', async () => {
    const findings = await judged('hadolint_pragmas: false\n');
    expect(at(findings, 'PC-DF-028')).toEqual(['3', '4']);
    expect(at(findings, 'PC-DF-052')).toEqual(['7', '8']);
    expect(at(findings, 'PC-WVR-005')).toEqual([]);
  }, 60_000);

  test('a global pragma covers the whole file; a pragma needs no reason', () => {
    const ignores = inlineIgnores('# hadolint global ignore=DL3059\nFROM a\nRUN b\n', [
      { line: 2, end_line: 2 },
      { line: 3, end_line: 3 },
    ]);
    expect(ignores).toEqual([
      {
        rules: ['hadolint:DL3059'],
        peer: 'hadolint',
        reason: null,
        until: null,
        line: 1,
        covers: { line: 1, end_line: Number.MAX_SAFE_INTEGER },
      },
    ]);
  });

  test("map to a repository's own rules too, by the related: its compiled METADATA gives", async () => {
    const policies = join(repo, '.github', 'portcullis', 'policies');
    await mkdir(policies, { recursive: true });
    await writeFile(
      join(policies, 'apt.rego'),
      [
        '# METADATA',
        '# title: No apt-get',
        '# custom:',
        '#   id: ACME-APT',
        '#   severity: deny',
        '#   related: [hadolint:DL9999]',
        'package portcullis.rules.acme_apt',
        '',
        'import rego.v1',
        '',
        'deny contains {"msg": "apt-get", "line": i.line} if {',
        '\tsome stage in input.dockerfile.stages',
        '\tsome i in stage.instructions',
        '\ti.keyword == "RUN"',
        '\tcontains(i.value, "apt-get")',
        '}',
        '',
      ].join('\n'),
    );
    try {
      const findings = await judged(null);
      expect(at(findings, 'ACME-APT')).toEqual(['3 waived', '4']);
      expect(findings.find((f) => f.rule_id === 'PC-WVR-005' && f.line === 2)?.message).toBe(
        'This Hadolint comment ignores ACME-APT, PC-DF-005, PC-DF-028: rewrite it as # portcullis ignore=ACME-APT,PC-DF-005,PC-DF-028 reason="…". For SC2086 write # shellcheck disable=SC2086.',
      );
    } finally {
      await rm(join(repo, '.github', 'portcullis'), { recursive: true, force: true });
    }
  }, 120_000);
});
