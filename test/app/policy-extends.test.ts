/**
 * `extends:` and the installation token (issue #10, defect 9): only what the base commit
 * extends is fetched. A pull request's own `extends:` is shown on the `Portcullis policy`
 * check as a change, not loaded, so a fork cannot make the App read another repository.
 */
import nock from 'nock';
import { POLICY_CHECK_NAME } from '../../src/report/policy-report.js';
import { createApp, fakeHeadTree, fakePullRequest, finalCheckRun, receive } from '../support/fake-github.js';
import { useGitHubValidation } from '../support/github-openapi.js';

useGitHubValidation();

const CONFIG = '.github/portcullis.yml';
const DOCKERFILE = 'FROM node\nUSER node\nHEALTHCHECK NONE\n';
const SHARED_SHA = 'c'.repeat(40);

/** Every request nock had no answer for: with the network off, a request GitHub never saw. */
let unmatched: string[] = [];
const record = (req: { path: string }) => unmatched.push(req.path);
beforeAll(() => {
  nock.disableNetConnect();
  nock.emitter.on('no match', record);
});
beforeEach(() => {
  unmatched = [];
});
afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.emitter.off('no match', record);
  nock.enableNetConnect();
});

const fromFork = (payload: Record<string, unknown>) => {
  (payload.pull_request as { head: { repo: { full_name: string } } }).head.repo.full_name = 'contributor/web';
};

/** The shared policy repository at SHARED_SHA: one folder with one Rego file. */
function fakeSharedPolicies(repository: string, ref: string, times: number) {
  const rule = 'package portcullis.rules.org_shared\n\nimport rego.v1\n\ndeny contains "x" if false\n';
  const entry = {
    type: 'file',
    size: rule.length,
    name: 'shared.rego',
    path: 'policies/shared.rego',
    sha: 'd'.repeat(40),
    url: '',
    git_url: null,
    html_url: null,
    download_url: null,
    _links: { self: '', git: null, html: null },
  };
  nock('https://api.github.com')
    .get(`/repos/${repository}/git/ref/heads%2F${ref}`)
    .times(times)
    .reply(200, {
      ref: `refs/heads/${ref}`,
      node_id: 'x',
      url: '',
      object: { sha: SHARED_SHA, type: 'commit', url: '' },
    })
    .get(`/repos/${repository}/contents/policies`)
    .query({ ref: SHARED_SHA })
    .reply(200, [entry])
    .get(`/repos/${repository}/contents/policies%2Fshared.rego`)
    .query({ ref: SHARED_SHA })
    .reply(200, { ...entry, encoding: 'base64', content: Buffer.from(rule).toString('base64') });
}

it("does not fetch a fork's head extends of another repository, and says it is not loaded", async () => {
  const headConfig = 'extends:\n  repository: acme/private-secrets\n  ref: main\n';
  const policyRuns = fakeHeadTree(
    { Dockerfile: DOCKERFILE, [CONFIG]: headConfig },
    { name: POLICY_CHECK_NAME },
  );
  fakePullRequest({ files: { [CONFIG]: headConfig } });
  await receive(createApp(), 'pull_request.opened', fromFork);

  expect(unmatched.filter((path) => path.includes('private-secrets'))).toEqual([]);
  const run = finalCheckRun(policyRuns);
  expect(run.endsCompleted).toBe(true);
  expect(run.summary).toContain(
    "the head's extends (acme/private-secrets@main/.github/portcullis/policies) is a change and is not loaded: the base commit extends nothing",
  );
  expect(run.annotations).toEqual([
    expect.objectContaining({ path: CONFIG, message: expect.stringContaining('is not loaded') }),
  ]);
});

it('does not fetch a head extends that names another ref of the base repository', async () => {
  const base = 'extends:\n  repository: acme/policies\n  ref: v1\n  path: policies\n';
  const head = 'extends:\n  repository: acme/policies\n  ref: secret-branch\n  path: policies\n';
  fakeSharedPolicies('acme/policies', 'v1', 1);
  const policyRuns = fakeHeadTree({ Dockerfile: DOCKERFILE, [CONFIG]: head }, { name: POLICY_CHECK_NAME });
  fakePullRequest({ files: { [CONFIG]: head }, baseFiles: { [CONFIG]: base } });
  await receive(createApp(), 'pull_request.opened', fromFork);

  expect(unmatched.filter((path) => path.includes('secret-branch'))).toEqual([]);
  expect(finalCheckRun(policyRuns).summary).toContain(
    'is a change and is not loaded: the base commit extends acme/policies@v1/policies',
  );
});

it('loads a head extends that names what the base extends', async () => {
  const base = 'extends:\n  repository: acme/policies\n  ref: v1\n  path: policies\n';
  const head = `${base}rules:\n  PC-DF-001: warn\n`;
  fakeSharedPolicies('acme/policies', 'v1', 2);
  const policyRuns = fakeHeadTree({ Dockerfile: DOCKERFILE, [CONFIG]: head }, { name: POLICY_CHECK_NAME });
  fakePullRequest({ files: { [CONFIG]: head }, baseFiles: { [CONFIG]: base } });
  await receive(createApp(), 'pull_request.opened', fromFork);

  expect(unmatched).toEqual([]);
  const run = finalCheckRun(policyRuns);
  expect(run.summary).not.toContain('not loaded');
  expect(run.title).toMatch(/^Policies compile/);
});

it.each(['acme/..', '../web', '-acme/web', 'acme/.'])(
  'refuses extends.repository %s before asking GitHub anything about it',
  async (repository) => {
    const requests = fakePullRequest({
      files: { Dockerfile: DOCKERFILE },
      baseFiles: { [CONFIG]: `extends:\n  repository: "${repository}"\n  ref: main\n` },
    });
    await receive(createApp(), 'pull_request.opened');

    expect(unmatched.filter((path) => path.includes('/git/ref') || path.includes('/contents/'))).toEqual([]);
    const run = finalCheckRun(requests);
    expect(run.conclusion).toBe('failure');
    expect(run.summary).toContain('is not a repository name: write it as owner/name');
  },
);
