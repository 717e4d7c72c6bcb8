/**
 * The App as jobs: odd payloads dropped, redeliveries dropped, retries that find their
 * check run, superseded heads, and GitHub's failures (5xx, rate limits, hung calls) ending
 * in a concluded check run or a delayed job, never a crash or a run left in progress.
 */
import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { PortcullisOctokit, withRequestLimits } from '../../src/github/github-client.js';
import type { Octokit } from '../../src/github/pull-request-files.js';
import { type Labels, type MetricName, useMetrics } from '../../src/metrics.js';
import { RetryLater } from '../../src/queue/work-queue.js';
import {
  API,
  createTestApp,
  fakePullRequest,
  finalCheckRun,
  OWNER,
  REPO,
  receive,
} from '../support/fake-github.js';
import { useGitHubValidation } from '../support/github-openapi.js';

useGitHubValidation();

const counted: { metric: MetricName; labels: Labels | undefined }[] = [];
beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
  counted.length = 0;
  useMetrics({
    count: (metric, labels) => counted.push({ metric, labels }),
    set() {},
    observe() {},
  });
});
afterEach(() => {
  useMetrics();
  nock.cleanAll();
});
afterAll(() => nock.enableNetConnect());

const HEAD = 'a'.repeat(40);
const DOCKERFILE = 'FROM alpine:3.19\nUSER 10001\nHEALTHCHECK NONE\nRUN sudo echo 1\n';
const PATCH = `@@ -0,0 +1,4 @@\n${DOCKERFILE.trimEnd()
  .split('\n')
  .map((line) => `+${line}`)
  .join('\n')}`;

function webhooks(result: string): number {
  return counted.filter((c) => c.metric === 'webhooks' && c.labels?.result === result).length;
}

/** Reviews the App posts on pull request 7. */
function fakeReviews(): unknown[] {
  const reviews: unknown[] = [];
  nock(API)
    .post(`/repos/${OWNER}/${REPO}/pulls/7/reviews`, (body) => {
      reviews.push(body);
      return true;
    })
    .optionally()
    .times(5)
    .reply(200, { id: 1 });
  return reviews;
}

describe('payloads', () => {
  it('drops a re-run whose pull_requests is null, and one without an installation, and keeps working', async () => {
    const { probot, queue } = createTestApp();
    await receive(probot, 'check_run.rerequested', (payload) => {
      (payload.check_run as { pull_requests: unknown }).pull_requests = null;
    });
    await receive(probot, 'pull_request.opened', (payload) => {
      delete payload.installation;
    });
    await receive(probot, 'pull_request.synchronize', (payload) => {
      delete (payload.pull_request as { head: { sha?: string } }).head.sha;
    });
    expect(webhooks('dropped')).toBe(3);
    expect(await queue.counts()).toMatchObject({ waiting: 0, running: 0, delayed: 0 });

    // The next delivery is checked as usual.
    const requests = fakePullRequest({ files: { Dockerfile: DOCKERFILE } });
    await receive(probot, 'pull_request.opened');
    expect(webhooks('queued')).toBe(1);
    expect(finalCheckRun(requests).completedCount).toBe(1);
  });

  it('ignores a label that is not the build approval', async () => {
    const { probot } = createTestApp();
    await receive(probot, 'pull_request.labeled');
    expect(webhooks('ignored')).toBe(1);
  });
});

describe('exactly once', () => {
  it('runs a delivery sent three times once: one check run, one review', async () => {
    const requests = fakePullRequest({ files: { Dockerfile: DOCKERFILE }, patches: { Dockerfile: PATCH } });
    const reviews = fakeReviews();
    const { probot } = createTestApp();
    for (let i = 0; i < 3; i++) await receive(probot, 'pull_request.opened', undefined, 'delivery-once');
    expect(webhooks('queued')).toBe(1);
    expect(webhooks('duplicate')).toBe(2);
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(reviews).toHaveLength(1);
  });

  it('posts no second review on a head the App already reviewed', async () => {
    fakePullRequest({
      files: { Dockerfile: DOCKERFILE },
      patches: { Dockerfile: PATCH },
      reviews: [
        {
          id: 9,
          node_id: 'PRR_9',
          user: { login: 'portcullis[bot]', type: 'Bot' },
          body: '<!-- portcullis:review -->\nPortcullis has 1 comment',
          state: 'COMMENTED',
          commit_id: HEAD,
          html_url: '',
          pull_request_url: '',
          author_association: 'NONE',
          _links: { html: { href: '' }, pull_request: { href: '' } },
        },
      ],
    });
    const reviews = fakeReviews();
    await receive(createTestApp().probot, 'pull_request.opened');
    expect(reviews).toEqual([]);
  });

  it('updates the check run it created when a retry follows a failure after creating it', async () => {
    // 60 findings: the run is created concluded with 50 annotations; the second batch fails once.
    const content = ['FROM alpine:3.19', ...Array.from({ length: 60 }, (_, i) => `RUN sudo echo ${i}`)].join(
      '\n',
    );
    nock(API)
      .patch(`/repos/${OWNER}/${REPO}/check-runs/555`, (body) => !body.status)
      .reply(502, { message: 'Bad Gateway' });
    const requests = fakePullRequest({ files: { Dockerfile: content } });
    // The retry lists the files again.
    const retry = fakePullRequest({ files: { Dockerfile: content } });
    const app = createTestApp();
    await receive(app.probot, 'pull_request.opened');
    expect(app.exhausted).toEqual([]);
    const all = [...requests, ...retry];
    // One run, found again by its external_id (checks.listForRef) and updated.
    expect(all.filter((r) => r.method === 'POST')).toHaveLength(1);
    const run = finalCheckRun(all);
    expect(run.endsCompleted).toBe(true);
    expect(run.conclusion).toBe('failure');
    expect(new Set(run.annotations.map((a) => `${a.start_line}:${a.title}`)).size).toBeGreaterThan(60);
  });

  it('gives way to a newer head: no review, the check run concluded neutral as superseded', async () => {
    const newer = 'c'.repeat(40);
    const requests = fakePullRequest({
      files: { Dockerfile: DOCKERFILE },
      patches: { Dockerfile: PATCH },
      pull: { number: 7, state: 'open', head: { sha: newer }, base: { sha: 'b'.repeat(40) } },
    });
    const reviews = fakeReviews();
    await receive(createTestApp().probot, 'pull_request.synchronize');
    expect(reviews).toEqual([]);
    const run = finalCheckRun(requests);
    expect(run.conclusion).toBe('neutral');
    expect(run.title).toBe('Superseded by a newer commit');
    expect(run.summary).toContain(newer.slice(0, 7));
  });
});

describe('GitHub failures', () => {
  it('retries a check run whose creation failed (500), and creates it once', async () => {
    nock(API).post(`/repos/${OWNER}/${REPO}/check-runs`).reply(500, { message: 'Server Error' });
    const requests = fakePullRequest({ files: { Dockerfile: DOCKERFILE } });
    const retry = fakePullRequest({ files: { Dockerfile: DOCKERFILE } });
    const app = createTestApp();
    await receive(app.probot, 'pull_request.opened');
    expect(app.exhausted).toEqual([]);
    const created = [...requests, ...retry].filter((r) => r.method === 'POST');
    expect(created).toHaveLength(1);
    expect(created[0]?.body).toMatchObject({ status: 'completed', conclusion: 'failure' });
  });

  it('concludes a failure run when every attempt to check failed', async () => {
    nock(API).post(`/repos/${OWNER}/${REPO}/check-runs`).times(2).reply(500, { message: 'Server Error' });
    const requests = fakePullRequest({ files: { Dockerfile: DOCKERFILE } });
    fakePullRequest({ files: { Dockerfile: DOCKERFILE } });
    const app = createTestApp({ maxAttempts: 2 });
    await receive(app.probot, 'pull_request.opened');
    expect(app.exhausted).toHaveLength(1);
    const created = requests.filter((r) => r.method === 'POST');
    expect(created).toHaveLength(1);
    expect(created[0]?.body).toMatchObject({
      name: 'Portcullis',
      status: 'completed',
      conclusion: 'failure',
      external_id: expect.stringMatching(/^portcullis-job:/),
      output: { title: 'Portcullis could not finish' },
    });
    expect(created[0]?.body.output?.summary).toContain('after 2 attempts');
    expect(created[0]?.body.output?.summary).toContain('Re-run');
  });
});

describe('the GitHub client', () => {
  const client = (signal?: AbortSignal, timeoutMs = 5_000) =>
    withRequestLimits(
      // Probot's own throttling and retries on, as in the service.
      new PortcullisOctokit({ auth: { token: 'ghs_test' } }) as unknown as Octokit,
      signal,
      timeoutMs,
    );

  it('ends a secondary rate limit as RetryLater, without waiting in the job', async () => {
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/pulls/7`)
      .reply(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '30' });
    const error = await client()
      .rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 7 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLater);
    expect((error as RetryLater).delayMs).toBe(30_000);
    expect(counted).toContainEqual({ metric: 'rateLimitWaits', labels: { kind: 'secondary' } });
    expect(counted).toContainEqual({ metric: 'githubRequests', labels: { method: 'GET', status: 403 } });
  });

  it('ends a primary rate limit as RetryLater until the reset, without waiting in the job', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 120;
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/pulls/7`)
      .reply(
        403,
        { message: 'API rate limit exceeded' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      );
    const error = await client()
      .rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 7 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLater);
    expect((error as RetryLater).delayMs).toBeGreaterThan(100_000);
    expect((error as RetryLater).delayMs).toBeLessThanOrEqual(122_000);
    expect(counted).toContainEqual({ metric: 'rateLimitWaits', labels: { kind: 'primary' } });
  });

  it('leaves a 403 that is no rate limit an error', async () => {
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/pulls/7`)
      .reply(403, { message: 'Resource not accessible by integration' });
    const error = await client()
      .rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 7 })
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(RetryLater);
    expect(error).toMatchObject({ status: 403 });
  });

  it('ends a hung call by its timeout', async () => {
    nock(API).get(`/repos/${OWNER}/${REPO}/pulls/7`).delay(10_000).reply(200, {});
    // No retries here: a timeout is retried like a network error, which this test need not wait for.
    const octokit = withRequestLimits(
      new ProbotOctokit({ auth: { token: 'ghs_test' }, retry: { enabled: false } }) as unknown as Octokit,
      undefined,
      200,
    );
    await expect(octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 7 })).rejects.toThrow(
      `GitHub did not answer GET /repos/${OWNER}/${REPO}/pulls/7 within 0.2 s`,
    );
    expect(counted).toContainEqual({ metric: 'githubRequests', labels: { method: 'GET', status: 0 } });
  });

  it("ends a stopped job's call at once, without retries", async () => {
    nock(API).get(`/repos/${OWNER}/${REPO}/pulls/7`).delay(10_000).reply(200, {});
    const stop = new AbortController();
    const call = client(stop.signal).rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 7 });
    setTimeout(() => stop.abort(new Error('shutting down')), 50);
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  });
});
