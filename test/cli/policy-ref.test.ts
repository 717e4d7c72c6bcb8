/**
 * A ref the operator names (`check --policy-ref`, `check --build --base`, `policy impact
 * --base/--head`) that is no commit is an error in one line (exit 2), never "no
 * configuration there, so the defaults": that would drop the repository's own rules. A
 * path missing at an existing commit is the defaults; a git failure is an error.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cli } from '../support/cli.js';

const run = promisify(execFile);
let repo: string;

const git = async (...args: string[]) =>
  (await run('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args])).stdout;

/** The repository's own configuration turns EXPOSE 22 (PC-DF-010, a warning) into a deny. */
const CONFIG = 'rules:\n  PC-DF-010: deny\n';
const DOCKERFILE = `FROM alpine:3.20@sha256:${'a'.repeat(64)}\nEXPOSE 22\nUSER 10001\nHEALTHCHECK NONE\n`;

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'portcullis-policy-ref-'));
  await git('init', '--quiet', '--initial-branch', 'main');
  await writeFile(join(repo, 'Dockerfile'), DOCKERFILE);
  await git('add', 'Dockerfile');
  await git('commit', '--quiet', '-m', 'no configuration');
  await mkdir(join(repo, '.github'));
  await writeFile(join(repo, '.github', 'portcullis.yml'), CONFIG);
  await git('add', '.github');
  await git('commit', '--quiet', '-m', 'configuration');
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

const denied = (stdout: string) => /PC-DF-010/.test(stdout) && /DENY/.test(stdout);

describe('check --policy-ref', () => {
  it('judges by the configuration at the ref', async () => {
    const { code, stdout } = await cli('check', '--repo', repo, '--offline', '--policy-ref', 'main');
    expect(code).toBe(1);
    expect(denied(stdout)).toBe(true);
  });

  it('refuses a ref that names no commit, in one line, instead of judging by the defaults', async () => {
    // The last is not taken for an option of git's.
    for (const ref of ['mian', 'origin/main', '--output=x']) {
      const { code, stdout, stderr } = await cli('check', '--repo', repo, '--offline', `--policy-ref=${ref}`);
      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(stderr).toBe(
        `portcullis: --policy-ref ${ref}: no such commit in ${repo}; fetch it or name another ref`,
      );
    }
  });

  it('takes the defaults at a commit that has no configuration', async () => {
    const { code, stdout } = await cli('check', '--repo', repo, '--offline', '--policy-ref', 'main~1');
    expect(code).toBe(0);
    expect(stdout).toContain('PC-DF-010');
    expect(denied(stdout)).toBe(false);
  });

  it('fails with git’s message when git cannot read the configuration at the ref', async () => {
    // The configuration's blob is gone (a broken or partial clone): not "no configuration".
    const blob = (await git('rev-parse', 'main:.github/portcullis.yml')).trim();
    await unlink(join(repo, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    const { code, stdout, stderr } = await cli('check', '--repo', repo, '--offline', '--policy-ref', 'main');
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(/^portcullis: git could not read main in .*: (fatal|error): .*/);
  });

  it('fails with git’s message outside a git repository', async () => {
    await rm(join(repo, '.git'), { recursive: true });
    const { code, stderr } = await cli('check', '--repo', repo, '--offline', '--policy-ref', 'main');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^portcullis: main: git failed in .*: fatal: not a git repository/);
  });
});

describe('other refs', () => {
  it('check --build --base: a ref that names no commit is refused before anything is built', async () => {
    const { code, stderr } = await cli('check', '--repo', repo, '--offline', '--build', '--base', 'mian');
    expect(code).toBe(2);
    expect(stderr).toBe(
      `portcullis: --base mian: no such commit in ${repo}, so no merge base with HEAD; fetch it or name another ref`,
    );
  });

  it('policy impact: a configuration git cannot read at --base is an error, not the defaults', async () => {
    const blob = (await git('rev-parse', 'main:.github/portcullis.yml')).trim();
    await unlink(join(repo, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    const { code, stderr } = await cli(
      'policy',
      'impact',
      '--repo',
      repo,
      '--base',
      'main',
      '--head',
      'main~1',
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/git could not read [0-9a-f]{40} in .*: (fatal|error): /);
  });
});
