/**
 * A pull request in a real git repository made here: the changed files are read at the head
 * commit, the policy set at the base commit (a pull request cannot weaken the gate that
 * judges it), the real built-in pack judges, and findings are marked new against the base.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { loadPolicySet, policyEngineFor } from '../policy/policy-set.js';
import { gitCommitSnapshot } from '../repository/snapshot.js';
import { markNewFindings } from './baseline.js';
import { judgeTargets } from './judge.js';
import { changedFilesBetween, localPullRequestFiles, readFileAtCommit } from './local-repository.js';
import { judgePullRequest } from './pull-request.js';

const run = promisify(execFile);
let repo: string;
let base: string;
let head: string;
let docsOnly: string;

const git = async (...args: string[]) =>
  (
    await run('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args])
  ).stdout.trim();

/** Writes (or, for null, deletes) files and commits them; returns the commit. */
async function commit(files: Record<string, string | null>, message: string): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    if (content === null) {
      await unlink(join(repo, path));
      continue;
    }
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), content);
  }
  await git('add', '-A');
  await git('commit', '--quiet', '-m', message);
  return git('rev-parse', 'HEAD');
}

const DEPLOYMENT = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:latest
`;

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'portcullis-pull-request-'));
  await git('init', '--quiet');
  base = await commit(
    {
      '.github/portcullis.yml': 'rules:\n  PC-DF-003: off\n',
      Dockerfile: 'FROM alpine:latest\nUSER 65532\n',
      'old.Dockerfile': 'FROM alpine:latest\n',
      'README.md': '# web\n',
    },
    'base',
  );
  await symlink('Dockerfile', join(repo, 'linked.Dockerfile'));
  head = await commit(
    {
      // The pull request tries to turn off the rule its own Dockerfile breaks.
      '.github/portcullis.yml': 'rules:\n  PC-DF-003: off\n  PC-DF-001: off\n',
      Dockerfile: 'FROM alpine:latest\nRUN apk add curl\nUSER 65532\n',
      'deploy/pod.yaml': DEPLOYMENT,
      'old.Dockerfile': null,
      'README.md': '# web\n\nNow with curl.\n',
    },
    'head',
  );
  docsOnly = await commit({ 'README.md': '# web, documented\n' }, 'docs');
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe('a pull request in a local repository', () => {
  it('lists what changed between base and head as a pull request does', async () => {
    expect(await changedFilesBetween(repo, base, head)).toEqual(
      expect.arrayContaining([
        { path: 'Dockerfile', status: 'modified' },
        { path: 'deploy/pod.yaml', status: 'added' },
        { path: 'old.Dockerfile', status: 'removed' },
        { path: 'linked.Dockerfile', status: 'added' },
      ]),
    );
  });

  it('reads a file at a commit, and says why when it cannot', async () => {
    expect(Buffer.from((await readFileAtCommit(repo, base, 'Dockerfile')) as Uint8Array).toString()).toBe(
      'FROM alpine:latest\nUSER 65532\n',
    );
    expect(await readFileAtCommit(repo, head, 'old.Dockerfile')).toEqual({
      unavailable: `unreadable at ${head}: old.Dockerfile does not exist there`,
    });
    expect(await readFileAtCommit(repo, head, 'linked.Dockerfile')).toEqual({
      unavailable: 'not a regular file (a symlink entry)',
    });
  });

  it('judges the changed targets at the head with the policy set of the base', async () => {
    const policySet = await loadPolicySet(gitCommitSnapshot(repo, base));
    const judgement = await judgePullRequest(
      localPullRequestFiles(repo, base, head),
      () => policyEngineFor(policySet),
      { policySet },
    );
    // The removed Dockerfile and the README are not judged; the link is a target it cannot read.
    expect(judgement.targets.map((t) => [t.path, t.kind, t.skipped])).toEqual([
      ['Dockerfile', 'dockerfile', undefined],
      ['deploy/pod.yaml', 'kubernetes', undefined],
      ['linked.Dockerfile', null, 'not a regular file (a symlink entry)'],
    ]);
    const found = judgement.findings.map((f) => `${f.path}:${f.line}:${f.rule_id}`);
    // PC-DF-001 stays: the head's configuration does not judge the head.
    expect(found).toEqual(
      expect.arrayContaining([
        'Dockerfile:1:PC-DF-001',
        'Dockerfile:2:PC-DF-006',
        'deploy/pod.yaml:8:PC-IMG-001',
        'linked.Dockerfile:1:PC-INPUT-001',
      ]),
    );
    // The base's configuration does apply.
    expect(found.filter((f) => f.endsWith(':PC-DF-003'))).toEqual([]);
    expect(judgement.policySource).toBe(policySet.source);
  });

  it('marks as new only what the base version of a file did not already have', async () => {
    const policySet = await loadPolicySet(gitCommitSnapshot(repo, base));
    const engine = await policyEngineFor(policySet);
    const read = async (commitSha: string, paths: string[]) =>
      new Map(
        await Promise.all(paths.map(async (p) => [p, await readFileAtCommit(repo, commitSha, p)] as const)),
      );
    const headFiles = await read(head, ['Dockerfile']);
    const baseFiles = await read(base, ['Dockerfile']);
    const judge = (files: Map<string, Uint8Array | { unavailable: string }>) =>
      judgeTargets(
        [...files].map(([path, content]) => ({ path, content })),
        engine,
        { policySet },
      );
    const headJudgement = await judge(headFiles);
    markNewFindings(headJudgement, headFiles, await judge(baseFiles), baseFiles);
    const marks = Object.fromEntries(headJudgement.findings.map((f) => [`${f.line}:${f.rule_id}`, f.new]));
    expect(marks).toMatchObject({ '1:PC-DF-001': false, '2:PC-DF-006': true });
    // The target's findings are the same objects, marked alike.
    expect(headJudgement.targets[0]?.findings.every((f) => typeof f.new === 'boolean')).toBe(true);
  });

  it('loads no policy engine for a pull request that touches no target', async () => {
    let loaded = false;
    const judgement = await judgePullRequest(localPullRequestFiles(repo, head, docsOnly), async () => {
      loaded = true;
      throw new Error('not needed');
    });
    expect(loaded).toBe(false);
    expect(judgement.targets).toEqual([]);
    expect(judgement.findings).toEqual([]);
  });
});
