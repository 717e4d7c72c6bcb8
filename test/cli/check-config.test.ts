/** `check` with a repository's configuration, policies and waivers, from the working tree or a commit. */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cli } from '../support/cli.js';

const run = promisify(execFile);
let repo: string;

type Report = {
  findings: { rule_id: string; path: string; line: number; severity: string; waived?: { reason: string } }[];
};

async function check(...extra: string[]) {
  const { code, stdout, stderr } = await cli(
    'check',
    '--repo',
    repo,
    '--format',
    'json',
    '--offline',
    ...extra,
  );
  return { code, stderr, report: stdout ? (JSON.parse(stdout) as Report) : { findings: [] } };
}

const git = (...args: string[]) =>
  run('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args]);

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'portcullis-config-'));
  await git('init', '--quiet');
  await mkdir(join(repo, '.github', 'portcullis', 'policies'), { recursive: true });
  await writeFile(
    join(repo, 'Dockerfile'),
    [
      'FROM alpine:3.19',
      '# portcullis ignore=PC-DF-008 reason="the base image has no doas" until=2099-01-01',
      'RUN sudo apk add --no-cache curl',
      '# portcullis ignore=PC-DF-010',
      'EXPOSE 22',
      'USER 10001',
      '',
    ].join('\n'),
  );
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe('check with a repository configuration', () => {
  it('honours an inline ignore with a reason, and reports one without', async () => {
    const { code, report } = await check();
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        rule_id: 'PC-DF-008',
        line: 3,
        waived: expect.objectContaining({ reason: 'the base image has no doas' }),
      }),
    );
    expect(report.findings).toContainEqual(expect.objectContaining({ rule_id: 'PC-WVR-003', line: 4 }));
    expect(report.findings).toContainEqual(expect.objectContaining({ rule_id: 'PC-DF-010', line: 5 }));
    expect(code).toBe(0); // the only deny is waived
  });

  it('turns rules off, re-levels them and fails on what fail_on names', async () => {
    await writeFile(
      join(repo, '.github', 'portcullis.yml'),
      'rules:\n  PC-DF-003: off\n  PC-DF-017: warn\nfail_on: [deny, warn]\n',
    );
    const { code, report } = await check();
    expect(report.findings.map((f) => f.rule_id)).not.toContain('PC-DF-003');
    expect(report.findings).toContainEqual(
      expect.objectContaining({ rule_id: 'PC-DF-017', severity: 'warn' }),
    );
    expect(code).toBe(1); // warnings now fail
  });

  it('compiles repository rules and data files with the built-in pack', async () => {
    await writeFile(
      join(repo, '.github', 'portcullis', 'policies', 'ports.yaml'),
      'acme:\n  forbidden_ports: ["22", "23"]\n',
    );
    await writeFile(
      join(repo, '.github', 'portcullis', 'policies', 'ports.rego'),
      [
        '# METADATA',
        '# title: Forbidden port',
        '# custom:',
        '#   id: ACME-PORT',
        '#   severity: deny',
        'package portcullis.rules.acme_ports',
        '',
        'import rego.v1',
        '',
        'deny contains {"msg": sprintf("port %s is forbidden", [port]), "line": i.line} if {',
        '\tsome stage in input.dockerfile.stages',
        '\tsome i in stage.instructions',
        '\ti.keyword == "EXPOSE"',
        '\tsome port in i.arguments',
        '\tport in data.acme.forbidden_ports',
        '}',
        '',
      ].join('\n'),
    );
    const { code, report } = await check();
    expect(report.findings).toContainEqual(
      expect.objectContaining({ rule_id: 'ACME-PORT', line: 5, severity: 'deny' }),
    );
    expect(code).toBe(1);
  });

  it('exits 2 with file, line and key on a configuration error', async () => {
    await writeFile(join(repo, '.github', 'portcullis.yml'), 'rules:\n  PC-DF-003: of\n');
    const { code, stderr } = await check();
    expect(code).toBe(2);
    expect(stderr).toContain(
      '.github/portcullis.yml:2: rules.PC-DF-003: must be one of "off", "deny", "warn", "info"',
    );
  });

  it('reads the configuration from a commit with --policy-ref, as the App reads the base', async () => {
    await git('add', '--all');
    await git('commit', '--quiet', '-m', 'base');
    // The branch tries to turn the rule off; judged by the base commit, it stays on.
    await writeFile(join(repo, '.github', 'portcullis.yml'), 'rules:\n  PC-DF-010: off\n');
    expect((await check()).report.findings.map((f) => f.rule_id)).not.toContain('PC-DF-010');
    expect((await check('--policy-ref', 'HEAD')).report.findings.map((f) => f.rule_id)).toContain(
      'PC-DF-010',
    );
  });

  it('rejects a waivers file with missing fields, naming the waiver', async () => {
    await writeFile(
      join(repo, '.github', 'portcullis', 'waivers.yml'),
      'waivers:\n  - rule: PC-DF-010\n    reason: legacy\n',
    );
    const { code, stderr } = await check();
    expect(code).toBe(2);
    expect(stderr).toContain('.github/portcullis/waivers.yml:2: waivers[0].owner: "owner" is required');
    expect(stderr).toContain('waivers[0].expires');
  });
  it('fails closed when a policy throws on a target: exit 1, the target named as not judged', async () => {
    await writeFile(
      join(repo, '.github', 'portcullis', 'policies', 'broken.rego'),
      'package portcullis.rules.broken_version\n\nimport rego.v1\n\ndeny contains "never" if semver.compare(input.target.path, "1.0.0") > 0\n',
    );
    const { code, report } = await check();
    expect(code).toBe(1);
    expect((report as unknown as { errors: { path: string; message: string }[] }).errors).toEqual([
      { path: 'Dockerfile', message: expect.stringContaining('policy evaluation failed') },
    ]);
  });
});
