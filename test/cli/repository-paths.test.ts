/**
 * Every path `check`, `fix` and `refs` read or write from a repository's file list or
 * configuration stays inside the repository: no symbolic link (to a file or a folder) leads
 * out of it, `fix --write` writes through no link and into no hard-linked file, and a name
 * that merely starts with `..` is inside.
 */
import { execFile } from 'node:child_process';
import { link, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readFileAtCommit } from '../../src/core/local-repository.js';
import { cli } from '../support/cli.js';

const run = promisify(execFile);

/** A Dockerfile with fixes (PC-DF MAINTAINER and apt-get ones) and a root user. */
const FIXABLE = [
  'FROM debian:bookworm-slim',
  'MAINTAINER Jane Doe <jane@example.com>',
  'RUN apt-get update && apt-get install curl && rm -rf /var/lib/apt/lists/*',
  'USER root',
  '',
].join('\n');
const CLEAN = 'FROM alpine:3.20\nUSER 10001\nCMD ["true"]\n';

let outside: string;
let repo: string;
beforeEach(async () => {
  // The repository and a folder beside it that it must never reach.
  const top = await mkdtemp(join(tmpdir(), 'portcullis-paths-'));
  outside = join(top, 'outside');
  repo = join(top, 'repo');
  await mkdir(outside);
  await mkdir(repo);
  await run('git', ['init', '--quiet', repo]);
  await writeFile(join(repo, 'clean.Dockerfile'), CLEAN);
  await writeFile(join(outside, 'Dockerfile'), FIXABLE);
});
afterEach(async () => {
  await rm(join(repo, '..'), { recursive: true, force: true });
});

describe('fix --write', () => {
  it('does not rewrite a file outside the repository through a symbolic link', async () => {
    await symlink(join(outside, 'Dockerfile'), join(repo, 'Dockerfile'));
    await cli('fix', '--repo', repo, '--write', '--offline');
    expect(await readFile(join(outside, 'Dockerfile'), 'utf8')).toBe(FIXABLE);
  });

  it('does not rewrite a file outside the repository through a symbolic link to a folder', async () => {
    await symlink(outside, join(repo, 'services'));
    await cli('fix', '--repo', repo, '--write', '--offline', join(repo, 'services', 'Dockerfile'));
    expect(await readFile(join(outside, 'Dockerfile'), 'utf8')).toBe(FIXABLE);
  });

  it('does not write into a hard-linked file, whose other name may be outside the repository', async () => {
    await link(join(outside, 'Dockerfile'), join(repo, 'Dockerfile'));
    const { code, stdout, stderr } = await cli('fix', '--repo', repo, '--write', '--offline');
    expect(code).toBe(2);
    expect(`${stdout}\n${stderr}`).toMatch(/Dockerfile: not written: .*hard link/);
    expect(await readFile(join(outside, 'Dockerfile'), 'utf8')).toBe(FIXABLE);
  });

  it('does not write through a symbolic link inside the repository, and fixes the file it names', async () => {
    await writeFile(join(repo, 'Dockerfile'), FIXABLE);
    await symlink('Dockerfile', join(repo, 'web.Dockerfile'));
    const { code, stdout } = await cli('fix', '--repo', repo, '--write', '--offline');
    expect(code).toBe(2);
    expect(stdout).toMatch(/web\.Dockerfile: not written: a symbolic link/);
    expect(await readFile(join(repo, 'Dockerfile'), 'utf8')).not.toBe(FIXABLE);
    expect(await run('readlink', [join(repo, 'web.Dockerfile')])).toMatchObject({ stdout: 'Dockerfile\n' });
  });

  it('still writes a plain file in a folder whose name starts with two dots', async () => {
    await mkdir(join(repo, '..docker'));
    await writeFile(join(repo, '..docker', 'Dockerfile'), FIXABLE);
    const { code, stdout } = await cli('fix', '--repo', repo, '--write', '--offline');
    expect(code).toBe(0);
    expect(stdout).toContain('..docker/Dockerfile: ');
    expect(await readFile(join(repo, '..docker', 'Dockerfile'), 'utf8')).not.toBe(FIXABLE);
  });
});

describe('check and refs', () => {
  it('do not read a file outside the repository through a symbolic link', async () => {
    await symlink(join(outside, 'Dockerfile'), join(repo, 'Dockerfile'));
    const check = await cli('check', '--repo', repo, '--offline');
    expect(check.stdout).toMatch(/Dockerfile\n {2}.*symbolic link .*outside the repository/);
    expect(check.stdout).not.toContain('PC-DF-002'); // the outside file's USER root was never read
    const refs = await cli('refs', '--repo', repo, '--format', 'json', join(repo, 'Dockerfile'));
    expect(JSON.parse(refs.stdout)).toEqual({
      refs: [],
      errors: [{ path: 'Dockerfile', message: expect.stringMatching(/outside the repository/) }],
    });
  });

  it('do not read through a symbolic link to a folder outside the repository', async () => {
    await symlink(outside, join(repo, 'services'));
    const check = await cli('check', '--repo', repo, '--offline', join(repo, 'services', 'Dockerfile'));
    expect(check.stdout).toMatch(/services\/Dockerfile\n {2}.*outside the repository/);
    expect(check.stdout).not.toContain('PC-DF-002');
    const refs = await cli('refs', '--repo', repo, '--format', 'json', join(repo, 'services', 'Dockerfile'));
    expect(JSON.parse(refs.stdout).refs).toEqual([]);
  });

  it('read a symbolic link that stays inside the repository', async () => {
    await mkdir(join(repo, 'docker'));
    await writeFile(join(repo, 'docker', 'app.Dockerfile'), FIXABLE);
    await symlink('docker/app.Dockerfile', join(repo, 'Dockerfile'));
    const { stdout } = await cli('check', '--repo', repo, '--offline', join(repo, 'Dockerfile'));
    expect(stdout).toContain('PC-DF-002');
  });

  it('take a file named ..Dockerfile, or in a folder named ..docker, as inside the repository', async () => {
    await writeFile(join(repo, '..Dockerfile'), FIXABLE);
    await mkdir(join(repo, '...'));
    await writeFile(join(repo, '...', 'Dockerfile'), FIXABLE);
    const named = await cli(
      'check',
      '--repo',
      repo,
      '--offline',
      join(repo, '..Dockerfile'),
      join(repo, '...'),
    );
    expect(named.stderr).toBe('');
    expect(named.stdout).toContain('..Dockerfile\n');
    expect(named.stdout).toContain('.../Dockerfile\n');
    expect(named.code).toBe(1);
    // Still refused: a PATH that really is outside.
    const out = await cli('check', '--repo', repo, '--offline', join(outside, 'Dockerfile'));
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('is outside the repository');
  });
});

describe('configuration files', () => {
  const CONFIG = '.github/portcullis.yml';
  const DENY_ALL = [
    '# METADATA',
    '# title: Everything',
    '# custom:',
    '#   id: ACME-001',
    '#   severity: deny',
    'package portcullis.rules.acme_all',
    '',
    'import rego.v1',
    '',
    'deny contains {"msg": "outside policy", "line": 1} if true',
    '',
  ].join('\n');

  beforeEach(async () => {
    await mkdir(join(repo, '.github'));
  });

  it('refuses a policies folder that is a symbolic link out of the repository', async () => {
    await writeFile(join(outside, 'deny.rego'), DENY_ALL);
    await writeFile(join(repo, CONFIG), 'policies:\n  path: policies\n');
    await symlink(outside, join(repo, 'policies'));
    const { code, stdout, stderr } = await cli('check', '--repo', repo, '--offline');
    expect(code).toBe(2);
    expect(stderr).toMatch(/policies.*outside the repository/);
    expect(stdout).not.toContain('ACME-001');
  });

  it('refuses a waivers file or a configuration file that is a symbolic link out of the repository', async () => {
    await writeFile(join(outside, 'waivers.yml'), 'waivers: []\n');
    await writeFile(join(repo, CONFIG), 'waivers: waivers.yml\n');
    await symlink(join(outside, 'waivers.yml'), join(repo, 'waivers.yml'));
    const waivers = await cli('check', '--repo', repo, '--offline');
    expect(waivers.code).toBe(2);
    expect(waivers.stderr).toMatch(/waivers\.yml.*outside the repository/);

    await rm(join(repo, CONFIG));
    await writeFile(join(outside, 'portcullis.yml'), 'fail_on: [info]\n');
    await symlink(join(outside, 'portcullis.yml'), join(repo, CONFIG));
    const config = await cli('check', '--repo', repo, '--offline');
    expect(config.code).toBe(2);
    expect(config.stderr).toMatch(/portcullis\.yml.*outside the repository/);
  });
});

describe('a commit of a local repository', () => {
  it('reads a symbolic link as no file to judge, not as the path it names', async () => {
    await symlink(join(outside, 'Dockerfile'), join(repo, 'Dockerfile'));
    const git = (...args: string[]) =>
      run('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args]);
    await git('add', 'Dockerfile');
    await git('commit', '--quiet', '-m', 'link');
    expect(await readFileAtCommit(repo, 'HEAD', 'Dockerfile')).toEqual({
      unavailable: 'not a regular file (a symlink entry)',
    });
    expect(await readFileAtCommit(repo, 'HEAD', 'missing')).toEqual({
      unavailable: expect.stringMatching(/^unreadable at HEAD: /),
    });
  });
});
