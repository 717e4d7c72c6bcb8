/**
 * The App judges a pull request by the configuration, policies and waivers of its base
 * commit: repository rules, rules turned off, waivers, and clear errors for a broken
 * configuration.
 */
import nock from 'nock';
import { createApp, fakePullRequest, finalCheckRun, receive } from '../support/fake-github.js';
import { useGitHubValidation } from '../support/github-openapi.js';

useGitHubValidation();
beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const DOCKERFILE = ['FROM node', 'USER node', 'HEALTHCHECK NONE', 'CMD ["node", "server.js"]', ''].join('\n');
const rulesOf = (run: ReturnType<typeof finalCheckRun>) => run.annotations.map((a) => a.title.split(':')[0]);

it("applies the base commit's configuration: a rule turned off, another re-levelled, fail_on", async () => {
  const requests = fakePullRequest({
    files: { Dockerfile: DOCKERFILE },
    baseFiles: { '.github/portcullis.yml': 'rules:\n  PC-DF-001: warn\n  PC-DF-003: off\nfail_on: [deny]\n' },
  });
  await receive(createApp(), 'pull_request.opened');
  const run = finalCheckRun(requests);
  expect(rulesOf(run)).not.toContain('PC-DF-003');
  expect(run.annotations.find((a) => a.title.startsWith('PC-DF-001'))).toMatchObject({
    annotation_level: 'warning',
  });
  expect(run.conclusion).toBe('success');
  expect(run.summary).toContain('configured by .github/portcullis.yml at acme/web@\u200bbbbbbbb');
});

it("adds the repository's own rules, with their metadata", async () => {
  const rule = [
    '# METADATA',
    '# title: Node images come from our mirror',
    '# custom:',
    '#   id: ACME-001',
    '#   severity: deny',
    '#   remediation: Use registry.acme.example/node.',
    'package portcullis.rules.acme_node_mirror',
    '',
    'import rego.v1',
    '',
    'deny contains {"msg": "use the mirror for node", "line": stage.line} if {',
    '\tsome stage in input.dockerfile.stages',
    '\tstage.base.image.repository == "library/node"',
    '}',
    '',
  ].join('\n');
  const requests = fakePullRequest({
    files: { Dockerfile: DOCKERFILE },
    baseFiles: {
      '.github/portcullis/policies/acme.rego': rule,
      '.github/portcullis/policies/acme_test.rego': 'package portcullis.rules.acme_node_mirror_test\n',
    },
  });
  await receive(createApp(), 'pull_request.opened');
  const run = finalCheckRun(requests);
  expect(run.annotations.find((a) => a.title.startsWith('ACME-001'))).toMatchObject({
    start_line: 1,
    annotation_level: 'failure',
    title: 'ACME-001: Node images come from our mirror',
  });
});

it('shows waived findings as waived, and reports an expired waiver', async () => {
  const requests = fakePullRequest({
    files: { Dockerfile: DOCKERFILE },
    baseFiles: {
      '.github/portcullis/waivers.yml': [
        'waivers:',
        '  - rule: PC-DF-001',
        '    path: Dockerfile',
        '    reason: the node team pins it in CI',
        '    owner: "@acme/node"',
        '    expires: 2099-12-31',
        '  - rule: PC-DF-003',
        '    reason: migrating',
        '    owner: "@acme/platform"',
        '    expires: 2020-01-01',
        '',
      ].join('\n'),
    },
  });
  await receive(createApp(), 'pull_request.opened');
  const run = finalCheckRun(requests);
  expect(run.conclusion).toBe('success'); // the only deny is waived
  expect(run.summary).toContain('waived');
  expect(run.summary).toContain('the node team pins it in CI');
  expect(run.annotations.find((a) => a.title.startsWith('PC-WVR-001'))).toMatchObject({
    path: '.github/portcullis/waivers.yml',
    start_line: 7,
  });
  expect(rulesOf(run)).toContain('PC-DF-003'); // the expired waiver no longer applies
});

it('puts configuration errors on the check run, on the line of the key', async () => {
  const requests = fakePullRequest({
    files: { Dockerfile: DOCKERFILE },
    baseFiles: { '.github/portcullis.yml': 'rules:\n  PC-DF-001: warn\nfail_onn: [deny]\n' },
  });
  await receive(createApp(), 'pull_request.opened');
  const run = finalCheckRun(requests);
  expect(run.conclusion).toBe('failure');
  expect(run.summary).toContain('did you mean');
  expect(run.annotations).toEqual([
    expect.objectContaining({ path: '.github/portcullis.yml', start_line: 3, annotation_level: 'failure' }),
  ]);
});

it('puts Rego compile errors of the repository policies on their lines', async () => {
  const requests = fakePullRequest({
    files: { Dockerfile: DOCKERFILE },
    baseFiles: {
      '.github/portcullis/policies/broken.rego':
        'package portcullis.rules.broken\n\ndeny contains msg if {\n  msg :=\n}\n',
    },
  });
  await receive(createApp(), 'pull_request.opened');
  const run = finalCheckRun(requests);
  expect(run.conclusion).toBe('failure');
  expect(run.annotations).toEqual([
    expect.objectContaining({
      path: '.github/portcullis/policies/broken.rego',
      start_line: expect.any(Number),
    }),
  ]);
});

it('calls out waivers the pull request adds or extends, while judging by the base ones', async () => {
  const waiver = (rule: string, expires: string) =>
    `  - rule: ${rule}\n    reason: legacy image\n    owner: "@acme/web"\n    expires: ${expires}\n`;
  const requests = fakePullRequest({
    files: {
      Dockerfile: DOCKERFILE,
      '.github/portcullis/waivers.yml': `waivers:\n${waiver('PC-DF-003', '2099-06-30')}${waiver('PC-DF-001', '2099-01-01')}`,
    },
    baseFiles: { '.github/portcullis/waivers.yml': `waivers:\n${waiver('PC-DF-003', '2099-01-31')}` },
  });
  await receive(createApp(), 'pull_request.opened');
  const run = finalCheckRun(requests);
  expect(run.conclusion).toBe('failure'); // PC-DF-001 is not waived yet: the base decides
  expect(run.summary).toContain('This pull request adds or extends waivers');
  expect(run.summary).toContain('| added | PC-DF-001 |');
  expect(run.summary).toContain(
    '| extended | PC-DF-003 | everywhere | @\u200bacme/web | 2099-01-31 → 2099-06-30 |',
  );
});

describe('extends: a shared policy repository', () => {
  const SHARED_SHA = 'c'.repeat(40);
  const sharedRule = [
    '# METADATA',
    '# title: Use the golden images',
    '# custom:',
    '#   id: ORG-001',
    '#   severity: deny',
    'package portcullis.rules.org_golden_images',
    '',
    'import rego.v1',
    '',
    'deny contains {"msg": "use registry.acme.example/golden images", "line": stage.line} if {',
    '\tsome stage in input.dockerfile.stages',
    '\tstage.base.image.registry != "registry.acme.example"',
    '}',
    '',
  ].join('\n');
  const file = (path: string, text: string) => ({
    type: 'file',
    encoding: 'base64',
    size: text.length,
    name: path.split('/').pop(),
    path,
    content: Buffer.from(text).toString('base64'),
    sha: 'd'.repeat(40),
    url: '',
    git_url: null,
    html_url: null,
    download_url: null,
    _links: { self: '', git: null, html: null },
  });

  it('compiles the shared policies with the local ones, fetched at the commit the ref names', async () => {
    nock('https://api.github.com')
      .get('/repos/acme/policies/git/ref/heads%2Fv1')
      .reply(200, {
        ref: 'refs/heads/v1',
        node_id: 'x',
        url: '',
        object: { sha: SHARED_SHA, type: 'commit', url: '' },
      })
      .get('/repos/acme/policies/contents/policies')
      .query({ ref: SHARED_SHA })
      .reply(
        200,
        [{ ...file('policies/golden.rego', sharedRule), content: undefined, encoding: undefined }].map(
          ({ content: _c, encoding: _e, ...entry }) => entry,
        ),
      )
      .get('/repos/acme/policies/contents/policies%2Fgolden.rego')
      .query({ ref: SHARED_SHA })
      .reply(200, file('policies/golden.rego', sharedRule));
    const requests = fakePullRequest({
      files: { Dockerfile: DOCKERFILE },
      baseFiles: {
        '.github/portcullis.yml': 'extends:\n  repository: acme/policies\n  ref: v1\n  path: policies\n',
      },
    });
    await receive(createApp(), 'pull_request.opened');
    const run = finalCheckRun(requests);
    expect(run.annotations.find((a) => a.title.startsWith('ORG-001'))).toMatchObject({
      start_line: 1,
      annotation_level: 'failure',
    });
    expect(run.summary).toContain('acme/policies@\u200bv1');
    expect(run.summary).toContain('1 Rego file');
  });

  it('fails the check with a clear error when the shared repository cannot be read', async () => {
    nock('https://api.github.com')
      .get('/repos/acme/policies/git/ref/heads%2Fv9')
      .reply(404, { message: 'Not Found' })
      .get('/repos/acme/policies/git/ref/tags%2Fv9')
      .reply(404, { message: 'Not Found' });
    const requests = fakePullRequest({
      files: { Dockerfile: DOCKERFILE },
      baseFiles: { '.github/portcullis.yml': 'extends:\n  repository: acme/policies\n  ref: v9\n' },
    });
    await receive(createApp(), 'pull_request.opened');
    const run = finalCheckRun(requests);
    expect(run.conclusion).toBe('failure');
    expect(run.summary).toContain(
      'acme/policies has no branch or tag "v9", or the Portcullis App is not installed on it',
    );
    expect(run.annotations).toEqual([expect.objectContaining({ path: '.github/portcullis.yml' })]);
  });
});
