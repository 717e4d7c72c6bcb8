/** Configuration and policies read from a commit or a working tree, in real folders and git repositories. */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gitCommitSnapshot, localCommit, workingTreeSnapshot } from '../repository/snapshot.js';

const run = promisify(execFile);
let repo: string;
let outside: string;
let commit: string;

const git = async (...args: string[]) =>
  (
    await run('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args])
  ).stdout.trim();

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'portcullis-snapshot-'));
  outside = await mkdtemp(join(tmpdir(), 'portcullis-snapshot-outside-'));
  await writeFile(join(outside, 'secret.yml'), 'token: 1\n');
  await git('init', '--quiet');
  await mkdir(join(repo, '.github', 'portcullis', 'policies', 'lib'), { recursive: true });
  await writeFile(join(repo, '.github', 'portcullis.yml'), 'rules: {}\n');
  await writeFile(join(repo, '.github', 'portcullis', 'policies', 'a.rego'), 'package a\n');
  await writeFile(join(repo, '.github', 'portcullis', 'policies', 'lib', 'b.rego'), 'package b\n');
  await symlink(join(outside, 'secret.yml'), join(repo, '.github', 'waivers.yml'));
  await git('add', '-A');
  await git('commit', '--quiet', '-m', 'one');
  commit = await git('rev-parse', 'HEAD');
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('gitCommitSnapshot', () => {
  it('reads a file at the commit, null for a missing one, and lists a folder recursively', async () => {
    const snapshot = gitCommitSnapshot(repo, commit);
    expect(snapshot.label).toBe(commit.slice(0, 7));
    expect(await snapshot.readFile('.github/portcullis.yml')).toBe('rules: {}\n');
    expect(await snapshot.readFile('.github/missing.yml')).toBeNull();
    expect(await snapshot.listFiles('.github/portcullis/policies')).toEqual([
      '.github/portcullis/policies/a.rego',
      '.github/portcullis/policies/lib/b.rego',
    ]);
  });

  it('refuses to read a symbolic link, which a checkout would follow', async () => {
    await expect(gitCommitSnapshot(repo, commit).readFile('.github/waivers.yml')).rejects.toThrow(
      `.github/waivers.yml is a symbolic link at ${commit}; not read`,
    );
  });

  it('names the commit and repository when git fails', async () => {
    const missing = 'f'.repeat(40);
    await expect(gitCommitSnapshot(repo, missing).readFile('.github/portcullis.yml')).rejects.toThrow(
      `git could not read ${missing} in ${repo}`,
    );
  });
});

describe('workingTreeSnapshot', () => {
  it('reads inside the repository and refuses a link that leads out of it', async () => {
    const snapshot = workingTreeSnapshot(repo);
    expect(await snapshot.readFile('.github/portcullis.yml')).toBe('rules: {}\n');
    await expect(snapshot.readFile('.github/waivers.yml')).rejects.toThrow(
      '.github/waivers.yml: a symbolic link leads outside the repository',
    );
    expect(await snapshot.listFiles('.github/portcullis')).toEqual([
      '.github/portcullis/policies/a.rego',
      '.github/portcullis/policies/lib/b.rego',
    ]);
  });
});

describe('localCommit', () => {
  it('resolves a ref to its commit, and a ref that names nothing to null', async () => {
    expect(await localCommit(repo, 'HEAD')).toBe(commit);
    expect(await localCommit(repo, 'no-such-branch')).toBeNull();
  });
});
