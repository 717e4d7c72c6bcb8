/**
 * The command line behaves as people used to Hadolint, Trivy or Conftest expect (issue #16):
 * `--version`, per-command `--help`, one-line errors that say where to read more, `--quiet`,
 * `--no-color`, `--output FILE`, and files judged wherever they are.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli/main.js';
import { cli } from '../support/cli.js';

const run = promisify(execFile);
const UNPINNED = 'FROM alpine:3.19\nUSER root\nCMD ["true"]\n';
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'portcullis-behaviour-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('--version and --help', () => {
  it('prints the version of package.json', async () => {
    const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const { code, stdout } = await cli(flag);
      expect({ code, stdout }).toEqual({ code: 0, stdout: `portcullis ${version}` });
    }
  });

  it("prints a command's own help, not the list of commands", async () => {
    for (const args of [
      ['check', '--help'],
      ['help', 'check'],
      ['-h', 'check'],
    ]) {
      const { code, stdout } = await cli(...args);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: portcullis check \[--repo DIR\]/);
      expect(stdout).toContain('--format FORMAT');
      expect(stdout).toContain('Report format: text, json, sarif.');
      expect(stdout).not.toContain('Commands:');
    }
    const impact = await cli('policy', 'impact', '--help');
    expect(impact.stdout).toMatch(/^Usage: portcullis policy impact --base REF --head REF/);
    const policy = await cli('policy', '--help');
    expect(policy.stdout).toContain('policy test [--repo DIR]');
  });

  it('lists every command with a line each in the global help', async () => {
    const { code, stdout } = await cli('--help');
    expect(code).toBe(0);
    for (const name of ['check', 'fix', 'refs', 'scan', 'verify', 'policy', 'init', 'completion'])
      expect(stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(stdout).toContain('--no-color');
  });
});

describe('errors', () => {
  it('are one line and where to read more, with no usage dump (exit 2)', async () => {
    const bad = await cli('check', '--format', 'yaml');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(
      'portcullis: --format must be text, json, sarif, not "yaml"\nsee portcullis check --help',
    );
    const option = await cli('refs', '--frobnicate');
    expect(option.stderr.split('\n')).toEqual([
      expect.stringMatching(/^portcullis: Unknown option '--frobnicate'/),
      'see portcullis refs --help',
    ]);
    const sub = await cli('policy', 'impact', '--repo', work);
    expect(sub.stderr).toBe(
      'portcullis: policy impact needs --base REF and --head REF\nsee portcullis policy impact --help',
    );
    const unknown = await cli('frobnicate');
    expect({ code: unknown.code, stderr: unknown.stderr }).toEqual({
      code: 2,
      stderr: 'portcullis: unknown command "frobnicate"\nsee portcullis --help',
    });
  });
});

describe('output options', () => {
  let repo: string;
  beforeAll(async () => {
    repo = join(work, 'output');
    await mkdir(repo);
    await run('git', ['init', '--quiet', repo]);
    await writeFile(join(repo, 'a.Dockerfile'), UNPINNED);
    await writeFile(
      join(repo, 'b.Dockerfile'),
      `FROM alpine:3.19@sha256:${'a'.repeat(64)}\nUSER 10001\nHEALTHCHECK NONE\nCMD ["true"]\n`,
    );
  });

  it('--quiet lists only the files with findings, without the summary', async () => {
    const loud = await cli('check', '--repo', repo, '--offline');
    expect(loud.stdout).toContain('b.Dockerfile\n  no findings');
    expect(loud.stdout).toMatch(/2 files checked/);
    const quiet = await cli('check', '--repo', repo, '--offline', '--quiet');
    expect(quiet.code).toBe(1);
    expect(quiet.stdout).toMatch(/^a\.Dockerfile\n/);
    expect(quiet.stdout).toContain('PC-DF-002');
    expect(quiet.stdout).not.toContain('b.Dockerfile');
    expect(quiet.stdout).not.toContain('checked');
  });

  it('--no-color writes no escape sequence to a terminal', async () => {
    const colored = async (...args: string[]) => {
      const out: string[] = [];
      await runCli(args, { stdout: (t) => out.push(t), stderr: () => undefined, color: true });
      return out.join('\n');
    };
    expect(await colored('check', '--repo', repo, '--offline')).toContain('\u001b[');
    expect(await colored('check', '--repo', repo, '--offline', '--no-color')).not.toContain('\u001b[');
  });

  it('--output FILE writes the report to the file, the same as standard output', async () => {
    const file = join(work, 'report.json');
    const shown = await cli('check', '--repo', repo, '--offline', '--format', 'json');
    const written = await cli('--output', file, 'check', '--repo', repo, '--offline', '--format', 'json');
    expect(written.code).toBe(shown.code);
    expect(written.stdout).toBe('');
    expect(await readFile(file, 'utf8')).toBe(`${shown.stdout}\n`);
    const unwritable = await cli('check', '--repo', repo, '-o', join(work, 'missing', 'r.json'));
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/^portcullis: --output .*missing\/r\.json: ENOENT/);
  });
});

describe('paths anywhere', () => {
  interface Report {
    findings: { rule_id: string; path: string; line: number }[];
    errors: unknown[];
  }
  const json = async (...args: string[]) => {
    const result = await cli('check', '--offline', '--format', 'json', ...args);
    return {
      code: result.code,
      stderr: result.stderr,
      report: JSON.parse(result.stdout || 'null') as Report,
    };
  };

  it('judges a file in no repository with the default configuration, named as given', async () => {
    const folder = join(work, 'loose');
    await mkdir(folder);
    await writeFile(join(folder, 'Dockerfile'), UNPINNED);
    // The test runs in Portcullis's own repository: the file is outside it.
    const { code, stderr, report } = await json(join(folder, 'Dockerfile'));
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(report.errors).toEqual([]);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ rule_id: 'PC-DF-003', path: join(folder, 'Dockerfile'), line: 1 }),
    );
  });

  it("judges a file in another repository with that repository's configuration", async () => {
    const other = join(work, 'other');
    await mkdir(join(other, '.github'), { recursive: true });
    await run('git', ['init', '--quiet', other]);
    await writeFile(join(other, '.github', 'portcullis.yml'), 'rules:\n  PC-DF-003: off\n');
    await mkdir(join(other, 'svc'));
    await writeFile(join(other, 'svc', 'Dockerfile'), UNPINNED);
    const { report } = await json(join(other, 'svc', 'Dockerfile'));
    const rules = report.findings.map((f) => f.rule_id);
    expect(rules).toContain('PC-DF-002');
    expect(rules).not.toContain('PC-DF-003');
    expect(new Set(report.findings.map((f) => f.path))).toEqual(new Set([join(other, 'svc', 'Dockerfile')]));
    // Files of two repositories at once: one run each.
    const loose = join(work, 'loose', 'Dockerfile');
    const mixed = await cli('check', '--offline', join(other, 'svc', 'Dockerfile'), loose);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/^portcullis: the PATHs are in different repositories/);
    // --repo names the repository: a PATH outside it is still refused.
    const refused = await cli('check', '--repo', other, loose);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is outside the repository');
  });

  it('lists the references of a file anywhere too', async () => {
    const { stdout } = await cli('refs', '--format', 'json', join(work, 'loose', 'Dockerfile'));
    expect(JSON.parse(stdout).refs).toEqual([
      expect.objectContaining({
        path: join(work, 'loose', 'Dockerfile'),
        line: 1,
        image: 'docker.io/library/alpine:3.19',
      }),
    ]);
  });
});
