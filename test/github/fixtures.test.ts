import { readdirSync, readFileSync } from 'node:fs';
import { Octokit } from '@octokit/rest';
import nock from 'nock';
import {
  assertValidGitHubRequest,
  expectValid,
  findGitHubOperation,
  githubApi,
  takeGitHubProblems,
  useGitHubValidation,
  validateAllGitHubScopes,
  validateGitHubRequest,
  validateGitHubResponse,
} from '../support/github-openapi.js';
import { validateWebhookPayload } from '../support/github-webhooks.js';

const WEBHOOKS_DIR = new URL('../fixtures/webhooks/', import.meta.url);
const HEAD_SHA = 'a'.repeat(40);

interface WebhookFixture {
  action?: string;
  installation?: { id: number };
  repository: { full_name: string; owner: { login: string } };
  check_run?: { name: string; pull_requests: unknown[]; head_sha: string };
  requested_action?: { identifier: string };
}

function readWebhook(file: string): WebhookFixture {
  return JSON.parse(readFileSync(new URL(file, WEBHOOKS_DIR), 'utf8')) as WebhookFixture;
}

/** `check_run.rerequested.fork.json` → event `check_run`, action `rerequested`. */
function eventOf(file: string): { event: string; action: string | undefined } {
  const [event = '', action] = file.replace(/\.json$/, '').split('.');
  return { event, action };
}

const webhookFiles = readdirSync(WEBHOOKS_DIR)
  .filter((file) => file.endsWith('.json'))
  .sort();

describe('webhook fixtures', () => {
  it('are all there', () => {
    expect(webhookFiles).toEqual(
      expect.arrayContaining([
        'check_run.requested_action.json',
        'check_run.rerequested.fork.json',
        'check_run.rerequested.json',
        'check_suite.rerequested.json',
        'pull_request.opened.json',
        'pull_request.ready_for_review.json',
        'pull_request.reopened.json',
        'pull_request.synchronize.json',
      ]),
    );
  });

  it.each(webhookFiles)('%s is valid against its GitHub webhook schema', (file) => {
    const { event, action } = eventOf(file);
    const payload = readWebhook(file);
    expect(payload.action).toBe(action);
    expect(validateWebhookPayload(event, action, payload)).toEqual([]);
    expect(payload.installation?.id).toBe(4242);
    expect(payload.repository.full_name).toBe('acme/web');
  });

  it('describe an app-owned check run, with and without pull requests', () => {
    const run = readWebhook('check_run.rerequested.json').check_run;
    expect(run?.name).toBe('Portcullis');
    expect(run?.pull_requests.length).toBeGreaterThan(0);
    expect(readWebhook('check_run.rerequested.fork.json').check_run?.pull_requests).toEqual([]);
    expect(readWebhook('check_run.requested_action.json').requested_action?.identifier).toBe('apply-fixes');
  });

  it('are rejected when they break the schema', () => {
    const payload = readWebhook('pull_request.opened.json') as unknown as {
      pull_request: { state: string; head: Record<string, unknown> };
    };
    payload.pull_request.state = 'bogus';
    delete payload.pull_request.head.sha;
    const problems = validateWebhookPayload('pull_request', 'opened', payload);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('/pull_request/state must be equal to one of the allowed values'),
        expect.stringContaining("/pull_request/head must have required property 'sha'"),
      ]),
    );
    expect(validateWebhookPayload('no_such_event', 'opened', {})).toEqual([
      expect.stringContaining('no webhook schema'),
    ]);
  });
});

describe('validateGitHubRequest', () => {
  const validCheckRun = {
    name: 'Portcullis',
    head_sha: HEAD_SHA,
    status: 'completed',
    conclusion: 'failure',
    completed_at: '2025-06-02T10:15:09Z',
    output: {
      title: '1 policy violation',
      summary: 'Portcullis found 1 problem.',
      annotations: [
        {
          path: 'Dockerfile',
          start_line: 1,
          end_line: 1,
          annotation_level: 'failure',
          message: 'Pin the base image',
        },
      ],
    },
    actions: [{ label: 'Apply fixes', description: 'Commit the suggested fixes', identifier: 'apply-fixes' }],
  };

  it('accepts a valid checks/create body, as an object, as text or with the full URL', () => {
    expect(validateGitHubRequest('POST', '/repos/acme/web/check-runs', validCheckRun)).toEqual([]);
    expect(
      validateGitHubRequest('post', '/repos/acme/web/check-runs', JSON.stringify(validCheckRun)),
    ).toEqual([]);
    expect(() =>
      assertValidGitHubRequest('POST', 'https://api.github.com/repos/acme/web/check-runs', validCheckRun),
    ).not.toThrow();
  });

  it('rejects a checks/create body with a bogus conclusion', () => {
    const problems = validateGitHubRequest('POST', '/repos/acme/web/check-runs', {
      ...validCheckRun,
      conclusion: 'bogus',
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /checks\/create.*\/conclusion must be equal to one of the allowed values: action_required/,
      ),
    ]);
    expect(() =>
      assertValidGitHubRequest('POST', '/repos/acme/web/check-runs', {
        ...validCheckRun,
        conclusion: 'bogus',
      }),
    ).toThrow(/conclusion/);
  });

  it('rejects an annotation without annotation_level, and a missing head_sha', () => {
    const { annotation_level: _, ...annotation } = validCheckRun.output.annotations[0] ?? {};
    const { head_sha: __, ...withoutSha } = validCheckRun;
    const problems = validateGitHubRequest('POST', '/repos/acme/web/check-runs', {
      ...withoutSha,
      output: { ...validCheckRun.output, annotations: [annotation] },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining("/output/annotations/0 must have required property 'annotation_level'"),
        expect.stringContaining("must have required property 'head_sha'"),
      ]),
    );
  });

  it('checks checks/update, where a completed status needs a conclusion', () => {
    const url = '/repos/acme/web/check-runs/41000000001';
    expect(validateGitHubRequest('PATCH', url, { status: 'in_progress' })).toEqual([]);
    expect(validateGitHubRequest('PATCH', url, { status: 'completed', conclusion: 'success' })).toEqual([]);
    expect(validateGitHubRequest('PATCH', url, { status: 'completed' })).not.toEqual([]);
  });

  it('rejects a route that is not in the fixture, and a method the path does not take', () => {
    expect(validateGitHubRequest('POST', '/repos/acme/web/issues/7/comments', { body: 'hi' })).toEqual([
      expect.stringContaining(
        'request to an operation not in the extracted fixture: add its operationId to scripts/extract-openapi.mjs',
      ),
    ]);
    expect(validateGitHubRequest('DELETE', '/repos/acme/web/pulls/7', undefined)).toEqual([
      expect.stringContaining('the path matches GET pulls/get'),
    ]);
    expect(validateGitHubRequest('GET', 'https://example.com/repos/acme/web/pulls/7', undefined)).toEqual([
      expect.stringContaining('not https://api.github.com'),
    ]);
  });

  it('checks path and query parameters, and bodies on operations that take none', () => {
    expect(
      validateGitHubRequest('GET', '/repos/acme/web/pulls/7/files?per_page=100&page=2', undefined),
    ).toEqual([]);
    expect(validateGitHubRequest('GET', '/repos/acme/web/pulls/seven/files', undefined)).toEqual([
      expect.stringContaining('parameter path pull_number must be integer'),
    ]);
    expect(validateGitHubRequest('GET', '/repos/acme/web/pulls/7/files?per_page=lots', '')).toEqual([
      expect.stringContaining('parameter query per_page must be integer'),
    ]);
    expect(validateGitHubRequest('GET', '/repos/acme/web/pulls/7', { oops: true })).toEqual([
      expect.stringContaining('sends a body, but the operation takes none'),
    ]);
    expect(validateGitHubRequest('POST', '/repos/acme/web/git/blobs', '')).toEqual([
      expect.stringContaining('requires a request body'),
    ]);
  });

  it('matches paths and refs with slashes, encoded or not, to the right operation', () => {
    const content = findGitHubOperation(
      'GET',
      '/repos/acme/web/contents/deploy%2Fapi%2FDockerfile?ref=feature%2Fx',
    );
    expect(content).toMatchObject({
      operationId: 'repos/get-content',
      pathParams: { path: 'deploy/api/Dockerfile' },
    });
    expect(findGitHubOperation('GET', '/repos/acme/web/git/ref/heads/feature/x')).toMatchObject({
      operationId: 'git/get-ref',
      pathParams: { ref: 'heads/feature/x' },
    });
    expect(findGitHubOperation('PATCH', '/repos/acme/web/git/refs/heads%2Fmain')).toMatchObject({
      operationId: 'git/update-ref',
    });
    expect(findGitHubOperation('PATCH', '/repos/acme/web/pulls/comments/99')).toMatchObject({
      operationId: 'pulls/update-review-comment',
    });
  });

  it('can check a mocked response against the 2xx schema when asked', () => {
    expect(
      validateGitHubResponse('GET', '/repos/acme/web/git/ref/heads%2Fmain', 200, { ref: 'x' }),
    ).not.toEqual([]);
    expect(
      validateGitHubResponse('POST', '/repos/acme/web/git/blobs', 201, {
        url: 'https://api.github.com/repos/acme/web/git/blobs/abc',
        sha: 'abc',
      }),
    ).toEqual([]);
  });
});

describe('recording requests sent through nock', () => {
  const quiet = () => {};
  const octokit = new Octokit({
    auth: 'test-token',
    request: { retries: 0 },
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  });

  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    takeGitHubProblems();
  });
  afterAll(() => nock.enableNetConnect());

  it('githubApi() validates every request it intercepts, GETs included', async () => {
    const scope = githubApi()
      .post('/repos/acme/web/check-runs')
      .reply(201, { id: 1 })
      .get('/repos/acme/web/contents/Dockerfile')
      .query(true)
      .reply(200, {});
    await octokit.checks.create({ owner: 'acme', repo: 'web', name: 'Portcullis', head_sha: HEAD_SHA });
    await octokit.repos.getContent({ owner: 'acme', repo: 'web', path: 'Dockerfile', ref: 'main' });
    expect(takeGitHubProblems()).toEqual([]);

    scope.patch('/repos/acme/web/check-runs/1').reply(200, {});
    await octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      owner: 'acme',
      repo: 'web',
      check_run_id: 1,
      // @ts-expect-error: an invalid conclusion, on purpose
      conclusion: 'bogus',
    });
    expect(scope.isDone()).toBe(true);
    expect(takeGitHubProblems()).toEqual([
      expect.stringMatching(/checks\/update.*\/conclusion must be equal/),
    ]);
  });

  it('expectValid() validates the body in a plain nock interceptor and still applies its predicate', async () => {
    nock('https://api.github.com')
      .post(
        '/repos/acme/web/check-runs',
        expectValid((body) => body.name === 'Portcullis'),
      )
      .reply(201, { id: 2 });
    await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
      owner: 'acme',
      repo: 'web',
      name: 'Portcullis',
      head_sha: HEAD_SHA,
      // @ts-expect-error: an output without its required summary, on purpose
      output: { title: 'no summary' },
    });
    expect(takeGitHubProblems()).toEqual([
      expect.stringContaining("/output must have required property 'summary'"),
    ]);

    nock('https://api.github.com')
      .post(
        '/repos/acme/web/check-runs',
        expectValid((body) => body.name === 'Portcullis'),
      )
      .reply(201, { id: 3 });
    await expect(
      octokit.request('POST /repos/{owner}/{repo}/check-runs', {
        owner: 'acme',
        repo: 'web',
        name: 'Other',
        head_sha: HEAD_SHA,
      }),
    ).rejects.toThrow(/No match/);
    expect(takeGitHubProblems()).toEqual([]);
  });

  it('validateAllGitHubScopes() makes plain nock scopes for api.github.com validate too', async () => {
    validateAllGitHubScopes();
    nock('https://api.github.com')
      .post('/repos/acme/web/git/trees', (body) => Array.isArray(body.tree))
      .reply(201, {})
      .get('/repos/acme/web/pulls/seven')
      .reply(200, {});
    await octokit.request('POST /repos/{owner}/{repo}/git/trees', {
      owner: 'acme',
      repo: 'web',
      // @ts-expect-error: a tree entry with an invalid mode, on purpose
      tree: [{ path: 'Dockerfile', mode: '100645', type: 'blob', sha: HEAD_SHA }],
    });
    await octokit.request('GET /repos/acme/web/pulls/seven');
    expect(takeGitHubProblems()).toEqual([
      expect.stringMatching(/git\/create-tree.*\/tree\/0\/mode must be equal to one of the allowed values/),
      expect.stringContaining('parameter path pull_number must be integer'),
    ]);
  });
});

describe('useGitHubValidation()', () => {
  useGitHubValidation();
  const octokit = new Octokit({ auth: 'test-token' });

  afterEach(() => nock.cleanAll());

  it('lets a test whose requests are valid pass', async () => {
    nock('https://api.github.com')
      .get('/repos/acme/web/pulls/7/files')
      .query({ per_page: 100 })
      .reply(200, [])
      .post('/repos/acme/web/pulls/7/reviews', (body) => body.event === 'COMMENT')
      .reply(200, {});
    await octokit.pulls.listFiles({ owner: 'acme', repo: 'web', pull_number: 7, per_page: 100 });
    await octokit.pulls.createReview({
      owner: 'acme',
      repo: 'web',
      pull_number: 7,
      event: 'COMMENT',
      comments: [{ path: 'Dockerfile', line: 1, body: 'Pin this image by digest.' }],
    });
  });
});
