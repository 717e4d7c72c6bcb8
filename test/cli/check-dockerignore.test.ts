/**
 * PC-DF-082 (Docker's CopyIgnoredFile) in a real git repository: `portcullis check` reads
 * each Dockerfile's build-context `.dockerignore` through the same layer as the Dockerfile
 * (the working tree here, a commit for a local pull request), the one beside it named after
 * the Dockerfile winning; an ignore file that cannot be used is said so in the facts and
 * claims nothing, and never stops the check.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { builtinPolicyEngine, judgeTargets } from '../../src/core/judge.js';
import {
  localPullRequestFiles,
  readWorkingFileIfAny,
  workingTreeTargets,
} from '../../src/core/local-repository.js';
import { judgePullRequest } from '../../src/core/pull-request.js';
import { readDockerignore } from '../../src/facts/dockerignore.js';
import { cli } from '../support/cli.js';

const run = promisify(execFile);
let repo: string;
let outside: string;

const DOCKERFILE = [
  'FROM alpine:3.20', // 1
  'WORKDIR /app', // 2
  'COPY secrets/key.pem /run/', // 3
  'COPY README.md docs/', // 4
  'COPY src/ ./src/', // 5
  'USER 1000', // 6
  '',
].join('\n');

const FILES: Record<string, string> = {
  Dockerfile: DOCKERFILE,
  '.dockerignore': '# not for the image\nsecrets/\n*.md\n',
  // Beside svc/api.Dockerfile, named after it: it wins over svc/.dockerignore.
  'svc/api.Dockerfile': DOCKERFILE,
  'svc/api.Dockerfile.dockerignore': 'src\n',
  'svc/.dockerignore': 'secrets\n',
  'svc/other.Dockerfile': DOCKERFILE,
  // No ignore file at all here.
  'plain/Dockerfile': DOCKERFILE,
  // Larger than any real ignore file: not read.
  'big/Dockerfile': DOCKERFILE,
  'big/.dockerignore': `secrets\n${'# padding\n'.repeat(40_000)}`,
  // A pattern Docker refuses.
  'bad/Dockerfile': DOCKERFILE,
  'bad/.dockerignore': 'secrets\n[oops\n',
  // A link out of the repository: never followed (see below).
  'linked/Dockerfile': DOCKERFILE,
};

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'portcullis-dockerignore-'));
  outside = await mkdtemp(join(tmpdir(), 'portcullis-outside-'));
  await writeFile(join(outside, 'ignore'), 'secrets\n');
  for (const [path, text] of Object.entries(FILES)) {
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), text);
  }
  await symlink(join(outside, 'ignore'), join(repo, 'linked', '.dockerignore'));
  await run('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  await run('git', ['add', '.'], { cwd: repo });
  await run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'base'], {
    cwd: repo,
  });
});

afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

/** `path:line` of every PC-DF-082 finding. */
const ignoredLines = (findings: { rule_id: string; path: string; line: number }[]) =>
  findings
    .filter((f) => f.rule_id === 'PC-DF-082')
    .map((f) => `${f.path}:${f.line}`)
    .sort();

const EXPECTED = ['Dockerfile:3', 'Dockerfile:4', 'svc/api.Dockerfile:5', 'svc/other.Dockerfile:3'];

describe('portcullis check with .dockerignore files', () => {
  it('reports the COPYs of excluded sources, by the ignore file BuildKit would use, and nothing where none could be used', async () => {
    const { code, stdout, stderr } = await cli('check', '--repo', repo, '--format', 'json', '--offline');
    expect(code).toBe(0); // PC-DF-082 warns, which does not fail the check by default
    const report = JSON.parse(stdout) as {
      findings: { rule_id: string; path: string; line: number; message: string }[];
      errors: unknown[];
    };
    expect(report.errors).toEqual([]);
    expect(stderr).not.toMatch(/TypeError|at .*\.ts/);
    expect(ignoredLines(report.findings)).toEqual(EXPECTED);
    const key = report.findings.find(
      (f) => f.rule_id === 'PC-DF-082' && f.path === 'Dockerfile' && f.line === 3,
    );
    expect(key?.message).toContain('"secrets/key.pem", which .dockerignore excludes');
    // Every Dockerfile was judged, the big, bad and linked ones too.
    for (const dir of ['plain', 'big', 'bad', 'linked'])
      expect(report.findings.some((f) => f.path === `${dir}/Dockerfile`)).toBe(true);
  });

  it('says in the facts why an ignore file was not used: a link out of the repository, too large, refused by Docker', async () => {
    const read = (path: string) => readWorkingFileIfAny(repo, path);
    expect(await readDockerignore('linked/Dockerfile', read)).toEqual({
      path: 'linked/.dockerignore',
      patterns: [],
      error: expect.stringContaining('leads outside the repository'),
    });
    expect((await readDockerignore('big/Dockerfile', read))?.error).toMatch(/more than the 262144 read/);
    expect((await readDockerignore('bad/Dockerfile', read))?.error).toMatch(/syntax error in pattern/);
    expect(await readDockerignore('plain/Dockerfile', read)).toBeNull();
  });

  it('gives the same findings when files stream through the policy workers (no facts to gather)', async () => {
    const engine = await builtinPolicyEngine();
    const judgement = await judgeTargets(await workingTreeTargets(repo), engine);
    expect(judgement.errors).toEqual([]);
    expect(ignoredLines(judgement.findings)).toEqual(EXPECTED);
  });

  it('reads the ignore file at the head commit of a local pull request', async () => {
    const base = (await run('git', ['rev-parse', 'HEAD'], { cwd: repo })).stdout.trim();
    await writeFile(join(repo, 'plain', '.dockerignore'), 'README.md\n');
    await writeFile(join(repo, 'plain', 'Dockerfile'), `${DOCKERFILE}# changed\n`);
    await run('git', ['add', '.'], { cwd: repo });
    await run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'head'], {
      cwd: repo,
    });
    const head = (await run('git', ['rev-parse', 'HEAD'], { cwd: repo })).stdout.trim();
    // The working tree says otherwise: only the commit counts.
    await writeFile(join(repo, 'plain', '.dockerignore'), 'src\n');
    const judgement = await judgePullRequest(localPullRequestFiles(repo, base, head), builtinPolicyEngine);
    expect(ignoredLines(judgement.findings)).toEqual(['plain/Dockerfile:4']);
  });
});
