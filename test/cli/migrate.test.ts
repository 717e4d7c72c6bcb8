/**
 * `portcullis migrate hadolint` (issue #13 item 2): a realistic .hadolint.yaml becomes the
 * exact .github/portcullis.yml below, through the built-in pack's peer mapping; settings the
 * configuration has are kept; hostile files fail with the reason and nothing is written.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../src/tools.js';
import { cli } from '../support/cli.js';

const run = promisify(execFile);
const FIXTURE = join(PROJECT_ROOT, 'test', 'fixtures', 'hadolint', 'platform.hadolint.yaml');

/** What the fixture becomes in a repository without a configuration. */
const EXPECTED = `# Portcullis configuration (docs/configuration.md), migrated from Hadolint.

rules:
  PC-BLD-015: off
  PC-DF-002: deny
  PC-DF-005: info
  PC-DF-018: info
  PC-DF-028: off
  PC-DF-052: off
  PC-DF-071: deny
shellcheck:
  ignore: [SC2086]
trusted_registries: [docker.io, ghcr.io, "*.gcr.io", registry.acme.internal:5000]
fail_on: [deny, warn]
label_schema:
  maintainer: text
  org.opencontainers.image.created: rfc3339
strict_labels: true
`;

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'portcullis-migrate-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

let count = 0;
async function repository(hadolint: string | null, config?: string): Promise<string> {
  const repo = join(scratch, `repo-${++count}`);
  await mkdir(repo);
  await run('git', ['init', '-q', repo]);
  if (hadolint === null) await copyFile(FIXTURE, join(repo, '.hadolint.yaml'));
  else await writeFile(join(repo, '.hadolint.yaml'), hadolint);
  if (config !== undefined) {
    await mkdir(join(repo, '.github'));
    await writeFile(join(repo, '.github', 'portcullis.yml'), config);
  }
  return repo;
}

const configOf = (repo: string) => readFile(join(repo, '.github', 'portcullis.yml'), 'utf8');

describe('portcullis migrate hadolint', () => {
  test('a realistic .hadolint.yaml: the diff by default, every setting reported, nothing written', async () => {
    const repo = await repository(null);
    const result = await cli('migrate', 'hadolint', '--repo', repo);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `diff --git a/.github/portcullis.yml b/.github/portcullis.yml
--- a/.github/portcullis.yml
+++ b/.github/portcullis.yml
@@ -0,0 +1,18 @@
${EXPECTED.replace(/\n$/, '')
  .split('\n')
  .map((line) => `+${line}`)
  .join('\n')}`,
    );
    const report = result.stderr.split('\n');
    expect(report).toEqual(
      expect.arrayContaining([
        '  ignored DL3008 → rules.PC-DF-028: off',
        '  override.error DL3001 → rules.PC-DF-071: deny',
        '  failure-threshold warning → fail_on: [deny, warn]',
        '  trustedRegistries *.gcr.io → trusted_registries: *.gcr.io',
      ]),
    );
    // A rule that covers other Hadolint rules too is not turned off for one of them.
    expect(report.find((l) => l.includes('DL3009 ~'))).toMatch(
      /ignored DL3009 ~ not changed rules\.PC-DF-006 \(PC-DF-006 also covers .*DL3019/,
    );
    expect(report).toEqual(
      expect.arrayContaining([
        '  ignored SC2086 → shellcheck.ignore: SC2086',
        '  label-schema.maintainer text → label_schema.maintainer: text',
        '  label-schema.org.opencontainers.image.created rfc3339 → label_schema.org.opencontainers.image.created: rfc3339',
        '  strict-labels true → strict_labels: true',
      ]),
    );
    expect(report.at(-1)).toMatch(/^17 mapped, 0 kept, \d+ not migrated: apply with --write or git apply\.$/);
    await expect(configOf(repo)).rejects.toThrow(/ENOENT/);
  }, 60_000);

  test('--write writes exactly that configuration, which check then reads', async () => {
    const repo = await repository(null);
    const result = await cli('migrate', 'hadolint', '--repo', repo, '--write');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').at(-1)).toMatch(/\.github\/portcullis\.yml written\.$/);
    expect(await configOf(repo)).toBe(EXPECTED);
    await writeFile(
      join(repo, 'Dockerfile'),
      'FROM docker.io/library/alpine:3.20\nLABEL maintainer="" org.example.team=core\nUSER 1000\nCMD ["true"]\n',
    );
    const check = await cli(
      'check',
      '--offline',
      '--repo',
      repo,
      '--format',
      'json',
      join(repo, 'Dockerfile'),
    );
    expect(check.stderr).toBe('');
    // The label schema it wrote is the one the label rules judge by.
    const findings = (JSON.parse(check.stdout) as { findings: { rule_id: string; line: number }[] }).findings;
    expect(
      findings.filter((f) => /^PC-DF-0(79|80|81)$/.test(f.rule_id)).map((f) => [f.rule_id, f.line]),
    ).toEqual([
      ['PC-DF-079', 1],
      ['PC-DF-080', 2],
      ['PC-DF-081', 2],
    ]);
  }, 60_000);

  test('label-schema and SC codes merge into the label_schema and shellcheck.ignore the configuration has', async () => {
    const repo = await repository(
      'ignored: [SC2086, SC2046]\noverride:\n  error: [SC2154]\nlabel-schema:\n  maintainer: email\n  version: semver\n  bad: number\n  "-x": text\nstrict-labels: false\n',
      'label_schema:\n  maintainer: text\nshellcheck:\n  ignore: [SC2086]\nstrict_labels: true\n',
    );
    const result = await cli('migrate', 'hadolint', '--repo', repo, '--write', '--format', 'json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      items: { key: string; value: string; status: string; target?: string }[];
    };
    expect(report.items.map((i) => [i.key, i.value, i.status, i.target])).toEqual([
      ['ignored', 'SC2046', 'mapped', 'shellcheck.ignore: SC2046'],
      ['ignored', 'SC2086', 'mapped', 'shellcheck.ignore: SC2086'],
      ['override.error', 'SC2154', 'unmapped', undefined],
      ['label-schema.maintainer', 'email', 'kept', 'label_schema.maintainer: text'],
      ['label-schema.version', 'semver', 'mapped', 'label_schema.version: semver'],
      ['label-schema.bad', 'number', 'invalid', undefined],
      ['label-schema.-x', 'text', 'invalid', undefined],
      ['strict-labels', 'false', 'kept', 'strict_labels: true'],
    ]);
    expect(await configOf(repo)).toBe(
      'label_schema:\n  maintainer: text\n  version: semver\nshellcheck:\n  ignore: [SC2086, SC2046]\nstrict_labels: true\n',
    );
  }, 60_000);

  test('merges into a configuration: its comments and settings are kept, and said so', async () => {
    const repo = await repository(
      'ignored: [DL3008, DL3059]\nno-fail: true\ndisable-ignore-pragma: true\ntrustedRegistries: [quay.io]\n',
      '# our gate\nrules:\n  PC-DF-028: warn   # pins matter here\nfail_on: [deny]\ntrusted_registries: [ghcr.io]\n',
    );
    const result = await cli('migrate', 'hadolint', '--repo', repo, '--write', '--format', 'json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      written: boolean;
      items: { key: string; value: string; status: string; target?: string }[];
    };
    expect(report.written).toBe(true);
    expect(report.items.map((i) => [i.key, i.value, i.status, i.target])).toEqual([
      ['ignored', 'DL3008', 'kept', 'rules.PC-DF-028: warn'],
      ['ignored', 'DL3059', 'mapped', 'rules.PC-DF-052: off'],
      ['trustedRegistries', 'quay.io', 'mapped', 'trusted_registries: quay.io'],
      ['no-fail', 'true', 'kept', 'fail_on: [deny]'],
      ['disable-ignore-pragma', 'true', 'mapped', 'hadolint_pragmas: false'],
    ]);
    expect(await configOf(repo)).toBe(
      '# our gate\nrules:\n  PC-DF-028: warn # pins matter here\n  PC-DF-052: off\nfail_on: [deny]\ntrusted_registries: [ghcr.io, quay.io]\nhadolint_pragmas: false\n',
    );
  }, 60_000);

  test('hostile files fail with the reason, write nothing, and put no escape on the terminal', async () => {
    for (const [text, reason] of [
      ['ignored: [DL3008]\n__proto__: {polluted: true}\n', /__proto__/],
      ['a: &a [x, x, x]\nb: &b [*a, *a, *a]\nignored: *b\n', /alias/i],
      ['- DL3008\n', /expected a mapping/],
      ['ignored: [DL3008\n', /\.hadolint\.yaml:2: Flow sequence/],
    ] as const) {
      const repo = await repository(text);
      const result = await cli('migrate', 'hadolint', '--repo', repo, '--write');
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(reason);
      await expect(configOf(repo)).rejects.toThrow(/ENOENT/);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
    const repo = await repository(
      'ignored: ["DL3008\\u001b[2J\\u001b]0;owned\\u0007", DL9999]\nfrobnicate: 1\n',
    );
    const result = await cli('migrate', 'hadolint', '--repo', repo);
    expect(result.code).toBe(0);
    expect(result.stderr.includes('\u001b') || result.stderr.includes('\u0007')).toBe(false);
    expect(result.stderr).toContain('ignored DL9999 ✗ unmapped (no Portcullis rule covers it)');
    expect(result.stderr).toContain('frobnicate ! invalid (not a Hadolint setting)');
    expect(result.stderr).toMatch(/\.github\/portcullis\.yml needs no change\.$/);
  }, 60_000);

  test('--write refuses a .github that is a link, and the options are checked', async () => {
    const repo = await repository('ignored: [DL3059]\n');
    await mkdir(join(scratch, 'elsewhere'));
    await symlink(join(scratch, 'elsewhere'), join(repo, '.github'));
    const result = await cli('migrate', 'hadolint', '--repo', repo, '--write');
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/not written: \.github is not a folder/);
    expect((await cli('migrate', 'hadolint', '--repo', repo, '--write', '--dry-run')).code).toBe(2);
    expect((await cli('migrate', 'trivy')).stderr).toMatch(/cannot migrate from "trivy"/);
    const none = await repository('');
    await rm(join(none, '.hadolint.yaml'));
    expect((await cli('migrate', 'hadolint', '--repo', none)).stderr).toMatch(
      /no \.hadolint\.yaml or \.hadolint\.yml/,
    );
  }, 60_000);
});
