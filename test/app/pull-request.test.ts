import nock from 'nock';
import { ANNOTATIONS_PER_REQUEST } from '../../src/report/check-run.js';
import { resetSettings } from '../../src/settings.js';
import {
  API,
  createApp,
  createTestApp,
  fakeBaseCommit,
  fakePullRequest,
  finalCheckRun,
  INSTALLATION,
  OWNER,
  REPO,
  receive,
} from '../support/fake-github.js';
import { useGitHubValidation } from '../support/github-openapi.js';

useGitHubValidation();

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
});

const RISKY_DOCKERFILE = [
  'FROM node', // 1: no tag
  'WORKDIR /app',
  'RUN apt-get update && \\',
  '    apt-get install -y curl', // 4
  'COPY . .',
  'CMD ["node", "server.js"]',
].join('\n');

const SAFE_DOCKERFILE = [
  'FROM alpine:3.19@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b',
  'USER 10001',
  'HEALTHCHECK NONE',
  '',
].join('\n');

describe('pull request with a changed Dockerfile', () => {
  it('creates the Portcullis check run completed, with annotations on the right lines, in one request', async () => {
    const requests = fakePullRequest({
      files: { 'services/web/Dockerfile': RISKY_DOCKERFILE, 'README.md': '# hello' },
    });
    await receive(createApp(), 'pull_request.opened');

    // A static check writes once: no in-progress run first, no separate completion.
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      body: {
        name: 'Portcullis',
        head_sha: 'a'.repeat(40),
        status: 'completed',
        external_id: expect.stringMatching(/^portcullis-job:/),
      },
    });
    const run = finalCheckRun(requests);
    expect(run.completedCount).toBe(1);
    expect(run.endsCompleted).toBe(true);
    expect(run.conclusion).toBe('failure');
    const byRule = new Map(run.annotations.map((a) => [a.title.split(':')[0], a]));
    expect(byRule.get('PC-DF-001')).toMatchObject({
      path: 'services/web/Dockerfile',
      start_line: 1,
      annotation_level: 'failure',
    });
    expect(byRule.get('PC-DF-005')).toMatchObject({ start_line: 4, annotation_level: 'warning' });
    expect(run.summary).toContain('services/web/Dockerfile');
    expect(run.summary).not.toContain('README.md');
  });

  it('judges every page of changed files', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 5; i++)
      files[`svc${i}/Dockerfile`] = 'FROM alpine:3.19\nUSER 10001\nHEALTHCHECK NONE\n';
    const requests = fakePullRequest({ files, pageSize: 2 });
    await receive(createApp(), 'pull_request.synchronize');
    const run = finalCheckRun(requests);
    for (let i = 0; i < 5; i++) expect(run.summary).toContain(`svc${i}/Dockerfile`);
  });

  it(`never sends more than ${ANNOTATIONS_PER_REQUEST} annotations in one request`, async () => {
    // 60 lines of `sudo` give 60 deny findings, plus a few more for the file as a whole.
    const content = ['FROM alpine:3.19', ...Array.from({ length: 60 }, (_, i) => `RUN sudo echo ${i}`)].join(
      '\n',
    );
    const requests = fakePullRequest({ files: { Dockerfile: content } });
    await receive(createApp(), 'pull_request.reopened');

    const sizes = requests.map((r) => r.body.output?.annotations?.length ?? 0);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(ANNOTATIONS_PER_REQUEST);
    const run = finalCheckRun(requests);
    expect(run.annotations.length).toBeGreaterThan(60);
    expect(run.completedCount).toBe(1);
    expect(run.endsCompleted).toBe(true);
  });

  it('skips binary and oversized files with a note instead of parsing them', async () => {
    const requests = fakePullRequest({
      files: {
        'bin/Dockerfile': new Uint8Array([0x46, 0x52, 0x4f, 0x4d, 0x00, 0x01, 0x02]),
        'huge/Dockerfile': `FROM alpine:3.19\n${'# padding\n'.repeat(120_000)}`,
      },
    });
    await receive(createApp(), 'pull_request.ready_for_review');
    const run = finalCheckRun(requests);
    // Fail closed: a container file that could not be judged fails the check (PC-INPUT-001).
    expect(run.conclusion).toBe('failure');
    expect(run.summary).toMatch(/bin\/Dockerfile[\s\S]*binary file/);
    expect(run.summary).toMatch(/huge\/Dockerfile[\s\S]*over the 1 MiB limit/);
    expect(
      run.annotations.map((a) => [a.path, a.start_line, a.title.split(':')[0], a.annotation_level]),
    ).toEqual(
      expect.arrayContaining([
        ['bin/Dockerfile', 1, 'PC-INPUT-001', 'failure'],
        ['huge/Dockerfile', 1, 'PC-INPUT-001', 'failure'],
      ]),
    );
  });
});

describe('pull request with container files Portcullis cannot judge', () => {
  it('fails on a Dockerfile that is a symlink in the pull request', async () => {
    // Registered first, so it answers before fakePullRequest's regular-file reply.
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/contents/link%2FDockerfile`)
      .query(true)
      .reply(200, {
        type: 'symlink',
        target: '/etc/passwd',
        size: 11,
        name: 'Dockerfile',
        path: 'link/Dockerfile',
        sha: 'f'.repeat(40),
        url: '',
        git_url: null,
        html_url: null,
        download_url: null,
        _links: { self: '', git: null, html: null },
      });
    const requests = fakePullRequest({ files: { 'link/Dockerfile': 'FROM alpine:latest\nUSER root\n' } });
    await receive(createApp(), 'pull_request.opened');
    const run = finalCheckRun(requests);
    expect(run.conclusion).toBe('failure');
    expect(run.annotations).toEqual([
      expect.objectContaining({
        path: 'link/Dockerfile',
        start_line: 1,
        title: expect.stringMatching(/^PC-INPUT-001/),
        message: expect.stringContaining('not a regular file (a symlink entry)'),
      }),
    ]);
  });

  it('judges a manifest written as JSON, and passes an unjudgeable file when the base turns PC-INPUT-001 off', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ name: 'a', image: 'busybox' }] } };
    const requests = fakePullRequest({
      files: { 'deploy/pod.json': JSON.stringify(pod, null, 2), 'bin/Dockerfile': new Uint8Array([0x46, 0]) },
      baseFiles: { '.github/portcullis.yml': 'rules:\n  PC-INPUT-001: off\n' },
    });
    await receive(createApp(), 'pull_request.opened');
    const run = finalCheckRun(requests);
    expect(run.summary).toContain('deploy/pod.json');
    expect(run.annotations.filter((a) => a.path === 'deploy/pod.json').length).toBeGreaterThan(0);
    expect(run.annotations.map((a) => a.title)).not.toContainEqual(expect.stringMatching(/^PC-INPUT-001/));
  });
});

describe('pull request without container files', () => {
  it('gets a success check that says so', async () => {
    const requests = fakePullRequest({ files: { 'src/app.ts': 'export {}', 'old/Dockerfile': null } });
    await receive(createApp(), 'pull_request.opened');
    const run = finalCheckRun(requests);
    expect(run.conclusion).toBe('success');
    expect(run.title).toBe('No container files changed');
  });
});

describe('errors', () => {
  beforeEach(() => fakeBaseCommit());

  it('completes the check run with an explanation when GitHub fails mid-way', async () => {
    const checkRuns: unknown[] = [];
    nock(API)
      .post(`/app/installations/${INSTALLATION}/access_tokens`)
      .reply(201, { token: 'ghs_test', expires_at: '2099-01-01T00:00:00Z' })
      .get(`/repos/${OWNER}/${REPO}/pulls/7/files`)
      .query(true)
      .reply(502, { message: 'Server Error' })
      .post(`/repos/${OWNER}/${REPO}/check-runs`, (body) => {
        checkRuns.push(body);
        return true;
      })
      .reply(201, { id: 556 });
    await receive(createApp(), 'pull_request.opened');
    expect(checkRuns).toHaveLength(1);
    expect(checkRuns[0]).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'Portcullis could not finish' },
    });
    expect(JSON.stringify(checkRuns[0])).toContain('Server Error');
  });

  it('delays the job when GitHub rate-limits the contents API, then checks without using an attempt', async () => {
    // Registered first, so the first read of the file is refused: the primary limit, reset in 1 s.
    const reset = String(Math.ceil(Date.now() / 1000));
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/contents/Dockerfile`)
      .query(true)
      .reply(
        403,
        { message: 'API rate limit exceeded' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      );
    // The job runs twice: the files are listed twice.
    const requests = fakePullRequest({ files: { Dockerfile: SAFE_DOCKERFILE } });
    const again = fakePullRequest({ files: { Dockerfile: SAFE_DOCKERFILE } });
    const app = createTestApp({ maxAttempts: 1 });
    await receive(app.probot, 'pull_request.opened');
    // One attempt allowed, and still judged: the wait used none.
    expect(app.exhausted).toEqual([]);
    const run = finalCheckRun([...requests, ...again]);
    expect(run.completedCount).toBe(1);
    expect(run.conclusion).toBe('success');
    expect(run.summary).toContain('Dockerfile');
  });
  it('ends a check that takes too long as failed instead of leaving it in progress', async () => {
    process.env.PORTCULLIS_CHECK_TIMEOUT_MINUTES = String(100 / 60_000); // 100 ms
    resetSettings();
    try {
      const checkRuns: unknown[] = [];
      nock(API)
        .post(`/app/installations/${INSTALLATION}/access_tokens`)
        .reply(201, { token: 'ghs_test', expires_at: '2099-01-01T00:00:00Z' })
        .get(`/repos/${OWNER}/${REPO}/pulls/7/files`)
        .query(true)
        .delay(1000)
        .reply(200, [])
        .post(`/repos/${OWNER}/${REPO}/check-runs`, (body) => {
          checkRuns.push(body);
          return true;
        })
        .reply(201, { id: 558 });
      await receive(createApp(), 'pull_request.opened');
      expect(checkRuns).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'failure' })]);
      expect(JSON.stringify(checkRuns[0])).toContain('took longer than');
    } finally {
      delete process.env.PORTCULLIS_CHECK_TIMEOUT_MINUTES;
      resetSettings();
    }
  });
});

describe('re-runs', () => {
  it('check_run.rerequested checks the pull request again', async () => {
    const requests = fakePullRequest({ files: { Dockerfile: RISKY_DOCKERFILE } });
    await receive(createApp(), 'check_run.rerequested');
    expect(finalCheckRun(requests).conclusion).toBe('failure');
  });

  it('check_run.rerequested from a fork finds the pull request through the commit', async () => {
    const headSha = 'd'.repeat(40);
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/commits/${headSha}/pulls`)
      .reply(200, [{ number: 9, state: 'open', head: { sha: headSha }, base: { sha: 'b'.repeat(40) } }]);
    const requests = fakePullRequest({ number: 9, headSha, files: { Dockerfile: RISKY_DOCKERFILE } });
    await receive(createApp(), 'check_run.rerequested.fork');
    const run = finalCheckRun(requests);
    expect(requests[0]?.body.head_sha).toBe(headSha);
    expect(run.conclusion).toBe('failure');
  });

  it('ignores re-run requests for check runs of other apps', async () => {
    await receive(createApp(), 'check_run.rerequested', (payload) => {
      (payload.check_run as { name: string }).name = 'Some other check';
    });
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('new versus existing findings', () => {
  it('counts the findings the pull request brings in, against the base version of the file', async () => {
    const base = ['FROM node', 'USER node', 'HEALTHCHECK NONE', 'CMD ["node", "server.js"]', ''].join('\n');
    const head = [
      'FROM node',
      'USER node',
      'HEALTHCHECK NONE',
      'EXPOSE 22',
      'CMD ["node", "server.js"]',
      '',
    ].join('\n');
    const requests = fakePullRequest({ files: { Dockerfile: head }, baseFiles: { Dockerfile: base } });
    await receive(createApp(), 'pull_request.opened');
    const run = finalCheckRun(requests);
    expect(run.summary).toContain('| Severity | Findings | New in this pull request |');
    // PC-DF-001 and PC-DF-003 were already there; EXPOSE 22 (PC-DF-010) is new.
    expect(run.summary).toContain('| ❌ deny | 1 | 0 |');
    expect(run.summary).toContain('| ⚠️ warn | 2 | 1 |');
    expect(run.summary).toMatch(/\| 4 \| ⚠️ warn \| PC-DF-010 \| 🆕 EXPOSE 22/);
  });
});
