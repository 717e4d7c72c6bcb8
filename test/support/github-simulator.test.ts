/**
 * The loopback GitHub against real clients: @octokit/rest for every route the App calls,
 * Probot's own Octokit for the App's installation-token flow, Probot's webhook middleware for
 * the signatures, and git itself for the object ids. Every answer is also checked against the
 * fixture's response schemas (`validateResponses`).
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { createNodeMiddleware, Probot, ProbotOctokit } from 'probot';
import { type GitHubSimulator, startGitHubSimulator } from './github-simulator.js';

const APP_ID = 31337;
const INSTALLATION = 4242;
const REPO = 'acme/web';
const [owner, repo] = ['acme', 'web'];
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/** An App JWT as GitHub documents it (RS256; iat 60 s back for clock drift; 10 minutes at most). */
function appJwt(key: string | KeyObject = privateKey, iss: number = APP_ID, lifetime = 540): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iat: now - 60, exp: now + lifetime, iss })}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), key).toString('base64url')}`;
}

let github: GitHubSimulator;
let rest: Octokit;
let base: string;
let head: string;

const DOCKERFILE = 'FROM node:20\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n';

beforeEach(async () => {
  github = await startGitHubSimulator({ appId: APP_ID, appKey: privateKey, validateResponses: true });
  github.installation(INSTALLATION, 'acme');
  github.repository(REPO, { installation: INSTALLATION });
  base = github.commit(
    REPO,
    { 'README.md': '# web\n', 'services/web/Dockerfile': DOCKERFILE, 'policies/base.rego': 'package x\n' },
    { branch: 'main' },
  );
  head = github.change(
    REPO,
    base,
    { 'services/web/Dockerfile': DOCKERFILE.replace('node:20', 'node:latest'), 'new.txt': 'new\n' },
    { branch: 'feature' },
  );
  github.openPullRequest(REPO, { head, headRef: 'feature', user: 'alice', number: 7 });
  const app = new Octokit({ baseUrl: github.baseUrl, auth: appJwt() });
  const { data } = await app.rest.apps.createInstallationAccessToken({ installation_id: INSTALLATION });
  rest = new Octokit({ baseUrl: github.baseUrl, auth: data.token });
});

afterEach(async () => {
  await github.stop();
});

function expectNoProblems() {
  expect(github.problems()).toEqual([]);
}

describe('installation tokens', () => {
  it('issues a token for a valid App JWT and refuses a JWT signed with another key, or none', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = new Octokit({ baseUrl: github.baseUrl, auth: appJwt(other) });
    await expect(
      forged.rest.apps.createInstallationAccessToken({ installation_id: INSTALLATION }),
    ).rejects.toMatchObject({
      status: 401,
    });
    const tooLong = new Octokit({ baseUrl: github.baseUrl, auth: appJwt(privateKey, APP_ID, 3600) });
    await expect(
      tooLong.rest.apps.createInstallationAccessToken({ installation_id: INSTALLATION }),
    ).rejects.toMatchObject({
      status: 401,
    });
    const anonymous = new Octokit({ baseUrl: github.baseUrl });
    await expect(anonymous.rest.pulls.get({ owner, repo, pull_number: 7 })).rejects.toMatchObject({
      status: 401,
    });
    expect(github.problems()).toEqual([
      expect.stringContaining("signature does not match the App's key"),
      expect.stringContaining('longer than 10 minutes'),
      expect.stringContaining('no `authorization: token'),
    ]);
  });

  it('answers 401 once a token has expired, and 404 for a repository of another installation', async () => {
    github.installation(9, 'other');
    github.repository('other/api', { installation: 9 });
    await expect(
      rest.rest.repos.getContent({ owner: 'other', repo: 'api', path: 'x' }),
    ).rejects.toMatchObject({
      status: 404,
    });
    github.expireTokens();
    await expect(rest.rest.pulls.get({ owner, repo, pull_number: 7 })).rejects.toMatchObject({ status: 401 });
    expect(github.problems()).toEqual([expect.stringContaining('an expired installation token')]);
  });

  it("serves Probot's Octokit as the App uses it: JWT, token, then the installation's requests", async () => {
    const octokit = new ProbotOctokit({
      auth: { appId: APP_ID, privateKey, installationId: INSTALLATION },
      baseUrl: github.baseUrl,
    });
    const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: 7 });
    expect(data.head.sha).toBe(head);
    const { data: installation } = await octokit.request('GET /repos/{owner}/{repo}/installation', {
      owner,
      repo,
      headers: { authorization: `bearer ${appJwt()}` },
    });
    expect(installation.id).toBe(INSTALLATION);
    expect(github.requests().map((r) => [r.operationId, r.status])).toEqual(
      expect.arrayContaining([
        ['apps/create-installation-access-token', 201],
        ['pulls/get', 200],
        ['apps/get-repo-installation', 200],
      ]),
    );
    expectNoProblems();
  });
});

describe('check runs', () => {
  it('creates, updates with accumulated annotations, completes and lists check runs', async () => {
    const { data: created } = await rest.rest.checks.create({
      owner,
      repo,
      name: 'Portcullis',
      head_sha: head,
      status: 'in_progress',
      external_id: 'job-1',
      started_at: new Date().toISOString(),
    });
    expect(created).toMatchObject({
      status: 'in_progress',
      conclusion: null,
      head_sha: head,
      external_id: 'job-1',
    });
    expect(created.pull_requests).toEqual([expect.objectContaining({ number: 7 })]);
    const annotation = (i: number) => ({
      path: 'services/web/Dockerfile',
      start_line: 1,
      end_line: 1,
      annotation_level: 'failure' as const,
      message: `finding ${i}`,
    });
    await rest.rest.checks.update({
      owner,
      repo,
      check_run_id: created.id,
      output: { title: 'x', summary: 'y', annotations: Array.from({ length: 50 }, (_, i) => annotation(i)) },
    });
    await expect(
      rest.rest.checks.update({
        owner,
        repo,
        check_run_id: created.id,
        output: {
          title: 'x',
          summary: 'y',
          annotations: Array.from({ length: 51 }, (_, i) => annotation(i)),
        },
      }),
    ).rejects.toMatchObject({ status: 422 });
    expect(github.takeProblems()).toEqual([
      expect.stringMatching(/annotations must NOT have more than 50 items/),
    ]);
    await rest.rest.checks.update({
      owner,
      repo,
      check_run_id: created.id,
      conclusion: 'failure',
      output: { title: '2 problems', summary: 'done', annotations: [annotation(50)] },
      actions: [{ label: 'Apply fixes', description: 'Commit the fixes', identifier: 'apply-fixes' }],
    });
    const [run] = github.checkRuns(REPO, head);
    expect(run).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: { title: '2 problems' },
    });
    expect(run?.annotations).toHaveLength(51);
    expect(run?.history).toHaveLength(3);

    const { data: listed } = await rest.rest.checks.listForRef({
      owner,
      repo,
      ref: 'feature',
      check_name: 'Portcullis',
    });
    expect(listed.total_count).toBe(1);
    expect(listed.check_runs[0]).toMatchObject({ id: created.id, output: { annotations_count: 51 } });
    expectNoProblems();
  });

  it("refuses GitHub's way: an unknown head SHA, completed without a conclusion", async () => {
    await expect(
      rest.rest.checks.create({ owner, repo, name: 'Portcullis', head_sha: 'f'.repeat(40) }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      rest.rest.checks.create({ owner, repo, name: 'Portcullis', head_sha: head, status: 'completed' }),
    ).rejects.toMatchObject({ status: 422 });
    expect(github.checkRuns(REPO)).toEqual([]);
  });
});

describe('git data', () => {
  it('serves trees and blobs whose ids are the ones git computes', async () => {
    const { data: tree } = await rest.rest.git.getTree({ owner, repo, tree_sha: head, recursive: 'true' });
    expect(tree.tree.map((e) => `${e.type} ${e.path}`)).toEqual([
      'blob README.md',
      'blob new.txt',
      'tree policies',
      'blob policies/base.rego',
      'tree services',
      'tree services/web',
      'blob services/web/Dockerfile',
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'simulator-git-'));
    try {
      const files = {
        'README.md': '# web\n',
        'new.txt': 'new\n',
        'policies/base.rego': 'package x\n',
        'services/web/Dockerfile': DOCKERFILE.replace('node:20', 'node:latest'),
      };
      execFileSync('git', ['init', '-q', dir]);
      for (const [path, content] of Object.entries(files)) {
        execFileSync('mkdir', ['-p', join(dir, path, '..')]);
        writeFileSync(join(dir, path), content);
      }
      execFileSync('git', ['-C', dir, 'add', '.']);
      expect(execFileSync('git', ['-C', dir, 'write-tree']).toString().trim()).toBe(tree.sha);
      const dockerfile = tree.tree.find((e) => e.path === 'services/web/Dockerfile');
      expect(
        execFileSync('git', ['-C', dir, 'hash-object', 'services/web/Dockerfile']).toString().trim(),
      ).toBe(dockerfile?.sha);
      const { data: blob } = await rest.rest.git.getBlob({ owner, repo, file_sha: dockerfile?.sha ?? '' });
      expect(Buffer.from(blob.content, 'base64').toString()).toContain('FROM node:latest');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expectNoProblems();
  });

  it('creates blobs, trees and commits, moves a branch, and the pull request follows', async () => {
    const { data: blob } = await rest.rest.git.createBlob({ owner, repo, content: 'FROM node:22\n' });
    const { data: ref } = await rest.rest.git.getRef({ owner, repo, ref: 'heads/feature' });
    expect(ref.object.sha).toBe(head);
    const { data: tree } = await rest.rest.git.createTree({
      owner,
      repo,
      base_tree: head,
      tree: [{ path: 'services/web/Dockerfile', mode: '100644', type: 'blob', sha: blob.sha }],
    });
    const { data: commit } = await rest.rest.git.createCommit({
      owner,
      repo,
      message: 'Apply fixes',
      tree: tree.sha,
      parents: [head],
    });
    await expect(
      rest.rest.git.updateRef({ owner, repo, ref: 'heads/feature', sha: base }),
    ).rejects.toMatchObject({ status: 422 });
    await rest.rest.git.updateRef({ owner, repo, ref: 'heads/feature', sha: commit.sha });
    expect(github.pullRequest(REPO, 7).headSha).toBe(commit.sha);
    const { data: pulls } = await rest.rest.repos.listPullRequestsAssociatedWithCommit({
      owner,
      repo,
      commit_sha: commit.sha,
    });
    expect(pulls.map((p) => p.number)).toEqual([7]);
    const { data: compared } = await rest.rest.repos.compareCommitsWithBasehead({
      owner,
      repo,
      basehead: `${base}...${commit.sha}`,
      per_page: 1,
    });
    expect(compared).toMatchObject({ merge_base_commit: { sha: base }, ahead_by: 2, status: 'ahead' });
    expectNoProblems();
  });

  it('redirects a tarball download to an archive tar can extract', async () => {
    const { data } = await rest.rest.repos.downloadTarballArchive({ owner, repo, ref: head });
    const dir = mkdtempSync(join(tmpdir(), 'simulator-tar-'));
    try {
      execFileSync('tar', ['-xz', '--strip-components=1', '-C', dir], {
        input: Buffer.from(data as ArrayBuffer),
      });
      expect(readFileSync(join(dir, 'services/web/Dockerfile'), 'utf8')).toContain('node:latest');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expectNoProblems();
  });
});

describe('contents and pull requests', () => {
  it('serves files, folders, symlinks and 404 through the contents API, at a SHA or a branch', async () => {
    const linked = github.change(REPO, base, {
      'link.rego': { symlink: 'policies/base.rego' },
      out: { symlink: '../x' },
    });
    const { data: file } = await rest.rest.repos.getContent({
      owner,
      repo,
      path: 'services/web/Dockerfile',
      ref: 'main',
    });
    expect(
      Array.isArray(file)
        ? undefined
        : file.type === 'file' && Buffer.from(file.content, 'base64').toString(),
    ).toBe(DOCKERFILE);
    const { data: folder } = await rest.rest.repos.getContent({ owner, repo, path: 'services', ref: head });
    expect(Array.isArray(folder) && folder.map((e) => [e.type, e.path])).toEqual([['dir', 'services/web']]);
    const { data: link } = await rest.rest.repos.getContent({ owner, repo, path: 'link.rego', ref: linked });
    expect(link).toMatchObject({ type: 'file', path: 'policies/base.rego' });
    const { data: out } = await rest.rest.repos.getContent({ owner, repo, path: 'out', ref: linked });
    expect(out).toMatchObject({ type: 'symlink', target: '../x' });
    await expect(rest.rest.repos.getContent({ owner, repo, path: 'nope', ref: head })).rejects.toMatchObject({
      status: 404,
    });
    expectNoProblems();
  });

  it('lists changed files with patches, every page', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 5; i++) many[`svc${i}/Dockerfile`] = `FROM alpine:3.${i}\n`;
    const wide = github.change(REPO, base, many);
    github.openPullRequest(REPO, { head: wide, number: 8 });
    const files = await rest.paginate(rest.rest.pulls.listFiles, {
      owner,
      repo,
      pull_number: 8,
      per_page: 2,
    });
    expect(files.map((f) => f.filename)).toEqual(Object.keys(many));
    expect(github.requests((r) => r.operationId === 'pulls/list-files')).toHaveLength(3);
    const [changed] = await rest
      .paginate(rest.rest.pulls.listFiles, { owner, repo, pull_number: 7 })
      .then((all) => all.filter((f) => f.filename === 'services/web/Dockerfile'));
    expect(changed).toMatchObject({ status: 'modified', additions: 1, deletions: 1 });
    expect(changed?.patch).toBe(
      '@@ -1,4 +1,4 @@\n-FROM node:20\n+FROM node:latest\n WORKDIR /app\n COPY . .\n CMD ["node", "server.js"]',
    );
    const { data: pr } = await rest.rest.pulls.get({ owner, repo, pull_number: 7 });
    expect(pr).toMatchObject({
      changed_files: 2,
      additions: 2,
      deletions: 1,
      head: { ref: 'feature', sha: head },
    });
    expectNoProblems();
  });

  it('takes reviews with comments on the diff, refuses one off it, lists and edits them, minimizes through GraphQL', async () => {
    await expect(
      rest.rest.pulls.createReview({
        owner,
        repo,
        pull_number: 7,
        commit_id: head,
        event: 'COMMENT',
        body: 'off the diff',
        comments: [{ path: 'README.md', line: 1, side: 'RIGHT', body: 'x' }],
      }),
    ).rejects.toMatchObject({ status: 422 });
    const { data: review } = await rest.rest.pulls.createReview({
      owner,
      repo,
      pull_number: 7,
      commit_id: head,
      event: 'REQUEST_CHANGES',
      body: 'Portcullis found 1 problem',
      comments: [
        { path: 'services/web/Dockerfile', line: 1, side: 'RIGHT', body: '<!-- portcullis:abc --> pin it' },
      ],
    });
    expect(review.state).toBe('CHANGES_REQUESTED');
    const { data: reviews } = await rest.rest.pulls.listReviews({ owner, repo, pull_number: 7 });
    expect(reviews.map((r) => [r.id, r.user?.login])).toEqual([[review.id, 'portcullis[bot]']]);
    const [comment] = await rest.paginate(rest.rest.pulls.listReviewComments, {
      owner,
      repo,
      pull_number: 7,
    });
    expect(comment).toMatchObject({ line: 1, user: { type: 'Bot' }, pull_request_review_id: review.id });
    await rest.rest.pulls.updateReviewComment({ owner, repo, comment_id: comment?.id ?? 0, body: 'edited' });
    expect(github.comments(REPO, 7)[0]?.body).toBe('edited');

    const minimize = await rest.graphql<{ minimizeComment: { minimizedComment: { isMinimized: boolean } } }>(
      `mutation M($id: ID!, $classifier: ReportedContentClassifiers!) {
        minimizeComment(input: { subjectId: $id, classifier: $classifier }) { minimizedComment { isMinimized } }
      }`,
      { id: comment?.node_id, classifier: 'OUTDATED' },
    );
    expect(minimize.minimizeComment.minimizedComment.isMinimized).toBe(true);
    const states = await rest.graphql<{ nodes: unknown[] }>(
      'query S($ids: [ID!]!) { nodes(ids: $ids) { ... on PullRequestReviewComment { id isMinimized } } }',
      { ids: [comment?.node_id, 'PRRC_unknown'] },
    );
    expect(states.nodes).toEqual([{ id: comment?.node_id, isMinimized: true }, null]);
    expect(github.comments(REPO, 7)[0]).toMatchObject({ isMinimized: true, minimizedReason: 'outdated' });
    expectNoProblems();
  });

  it('lists labels and their events, removes a label, answers collaborator permissions', async () => {
    github.collaborator(REPO, 'maria', 'maintain');
    github.label(REPO, 7, 'portcullis/build-approved', 'maria');
    const { data: labels } = await rest.rest.issues.listLabelsOnIssue({ owner, repo, issue_number: 7 });
    expect(labels.map((l) => l.name)).toEqual(['portcullis/build-approved']);
    await rest.rest.issues.removeLabel({ owner, repo, issue_number: 7, name: 'portcullis/build-approved' });
    await expect(
      rest.rest.issues.removeLabel({ owner, repo, issue_number: 7, name: 'portcullis/build-approved' }),
    ).rejects.toMatchObject({ status: 404 });
    const { data: events } = await rest.rest.issues.listEvents({ owner, repo, issue_number: 7 });
    expect(events.map((e) => [e.event, e.actor?.login])).toEqual([
      ['labeled', 'maria'],
      ['unlabeled', 'portcullis[bot]'],
    ]);
    const { data: maria } = await rest.rest.repos.getCollaboratorPermissionLevel({
      owner,
      repo,
      username: 'maria',
    });
    expect(maria).toMatchObject({ permission: 'write', role_name: 'maintain' });
    expectNoProblems();
  });
});

describe('validation', () => {
  it('records a request GitHub would refuse, and a route the fixture does not know', async () => {
    // What a client with wrong types sends: no name, an unknown status.
    const invalid = { head_sha: head, status: 'running' };
    await expect(rest.request(`POST /repos/${owner}/${repo}/check-runs`, invalid)).rejects.toMatchObject({
      status: 422,
    });
    await expect(rest.request('GET /repos/{owner}/{repo}/hooks', { owner, repo })).rejects.toMatchObject({
      status: 404,
    });
    await expect(rest.graphql('query { repository(owner: "acme", name: "web") { nope } }')).rejects.toThrow(
      /nope/,
    );
    const problems = github.problems();
    expect(problems).toEqual([
      expect.stringMatching(/checks\/create.*required property 'name'/),
      expect.stringMatching(/checks\/create.*status.*must be equal to one of the allowed values/),
      expect.stringMatching(
        /GET \/repos\/acme\/web\/hooks: request to an operation not in the extracted fixture/,
      ),
      expect.stringMatching(/Cannot query field "nope"/),
    ]);
    expect(() => github.assertNoProblems()).toThrow(/4 problem/);
    expect(github.problems()).toEqual([]);
  });
});

describe('faults', () => {
  it('fails the next 2 check-run creations with 502, then answers', async () => {
    const fault = github.fail({ operation: 'checks/create', status: 502, times: 2 });
    const create = () => rest.rest.checks.create({ owner, repo, name: 'Portcullis', head_sha: head });
    await expect(create()).rejects.toMatchObject({ status: 502 });
    await expect(create()).rejects.toMatchObject({ status: 502 });
    await expect(create()).resolves.toMatchObject({ status: 201 });
    expect(fault.hits).toBe(2);
    expect(github.requests((r) => r.operationId === 'checks/create').map((r) => r.status)).toEqual([
      502, 502, 201,
    ]);
  });

  it('answers rate limits with the headers Octokit reads', async () => {
    github.fail({ operation: 'pulls/get', rateLimit: 'secondary', retryAfter: 7, times: 1 });
    github.fail({ operation: 'pulls/get', rateLimit: 'primary', retryAfter: 60, times: 1 });
    const secondary = await rest.rest.pulls.get({ owner, repo, pull_number: 7 }).catch((e) => e);
    expect(secondary).toMatchObject({ status: 403, response: { headers: { 'retry-after': '7' } } });
    expect(secondary.message).toMatch(/secondary rate limit/);
    const primary = await rest.rest.pulls.get({ owner, repo, pull_number: 7 }).catch((e) => e);
    expect(primary).toMatchObject({ status: 403, response: { headers: { 'x-ratelimit-remaining': '0' } } });
    expect(Number(primary.response.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000 + 30);
    const { headers } = await rest.rest.pulls.get({ owner, repo, pull_number: 7 });
    expect(Number(headers['x-ratelimit-remaining'])).toBeLessThan(15_000);
  });

  it("answers GitHub's own 403 once an installation has used up its hour's requests", async () => {
    await github.stop();
    github = await startGitHubSimulator({ appId: APP_ID, appKey: privateKey, rateLimit: 2 });
    github.installation(INSTALLATION, 'acme');
    github.repository(REPO, { installation: INSTALLATION });
    github.commit(REPO, { 'README.md': '# web\n' }, { branch: 'main' });
    const app = new Octokit({ baseUrl: github.baseUrl, auth: appJwt() });
    const { data } = await app.rest.apps.createInstallationAccessToken({ installation_id: INSTALLATION });
    const client = new Octokit({ baseUrl: github.baseUrl, auth: data.token });
    const read = () => client.rest.repos.getContent({ owner, repo, path: 'README.md' });
    await expect(read()).resolves.toMatchObject({ headers: { 'x-ratelimit-remaining': '1' } });
    await expect(read()).resolves.toMatchObject({ headers: { 'x-ratelimit-remaining': '0' } });
    await expect(read()).rejects.toMatchObject({
      status: 403,
      response: { headers: { 'x-ratelimit-remaining': '0' } },
    });
  });

  it('hangs until the client gives up or the simulator stops, and resets connections', async () => {
    github.fail({ operation: 'pulls/get', hang: true, times: 1 });
    const hung = rest.rest.pulls.get({
      owner,
      repo,
      pull_number: 7,
      request: { signal: AbortSignal.timeout(300) },
    });
    await expect(hung).rejects.toThrow();
    expect(github.requests((r) => r.fault === 'hang')).toHaveLength(1);
    github.fail({ operation: 'pulls/get', reset: true, times: 1 });
    await expect(rest.rest.pulls.get({ owner, repo, pull_number: 7 })).rejects.toThrow();
    await expect(rest.rest.pulls.get({ owner, repo, pull_number: 7 })).resolves.toMatchObject({
      status: 200,
    });
    github.fail({ hang: true });
    const pending = rest.rest.pulls.get({ owner, repo, pull_number: 7 }).catch((e) => e);
    await github.waitFor(() => github.requests((r) => r.fault === 'hang').length === 2, 5_000);
    await github.stop();
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('webhooks', () => {
  let receiver: Server;
  let received: { name: string; payload: { action?: string; number?: number } }[];

  beforeEach(async () => {
    received = [];
    const secret = 'a-webhook-secret-of-32-characters';
    const probot = new Probot({ appId: APP_ID, privateKey, secret, logLevel: 'fatal' });
    const middleware = await createNodeMiddleware(
      (app) => {
        app.onAny(async (context) => {
          received.push({ name: context.name, payload: context.payload as never });
        });
      },
      { probot, webhooksPath: '/api/github/webhooks' },
    );
    receiver = createServer((req, res) => middleware(req, res));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    github.setWebhook(
      `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/github/webhooks`,
      secret,
    );
  });

  afterEach(async () => {
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('signs deliveries as Probot verifies them; a wrong secret is refused', async () => {
    const opened = await github.send('pull_request', github.payloads.pullRequest(REPO, 7, 'opened'));
    expect(opened.status).toBe(200);
    expect(received).toEqual([
      { name: 'pull_request', payload: expect.objectContaining({ action: 'opened', number: 7 }) },
    ]);
    const forged = await github.send('pull_request', github.payloads.pullRequest(REPO, 7, 'opened'), {
      secret: 'another-secret-of-32-characters!!',
    });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(received).toHaveLength(1);
  });

  it('builds schema-valid payloads of every event the App handles, from the state', async () => {
    github.collaborator(REPO, 'maria', 'admin');
    github.label(REPO, 7, 'portcullis/build-approved', 'maria');
    const next = github.change(REPO, head, { 'new.txt': 'newer\n' });
    const before = github.push(REPO, 7, next);
    const synchronize = github.payloads.pullRequest(REPO, 7, 'synchronize', { before });
    expect(synchronize).toMatchObject({ before: head, after: next, pull_request: { head: { sha: next } } });
    github.payloads.pullRequest(REPO, 7, 'reopened');
    expect(github.payloads.pullRequest(REPO, 7, 'labeled', { sender: 'maria' })).toMatchObject({
      label: { name: 'portcullis/build-approved' },
      sender: { login: 'maria' },
    });
    const { data: run } = await rest.rest.checks.create({
      owner,
      repo,
      name: 'Portcullis',
      head_sha: next,
      conclusion: 'failure',
      output: { title: 't', summary: 's' },
    });
    expect(github.payloads.checkRun(run.id, 'rerequested')).toMatchObject({
      check_run: { id: run.id, pull_requests: [expect.objectContaining({ number: 7 })] },
    });
    expect(github.payloads.checkRun(run.id, 'requested_action', { identifier: 'apply-fixes' })).toMatchObject(
      {
        requested_action: { identifier: 'apply-fixes' },
      },
    );
    expect(github.payloads.checkSuite(REPO, next, 'rerequested')).toMatchObject({
      check_suite: { head_sha: next, conclusion: 'failure' },
    });
    // A fork's pull request names the fork as its head repository.
    github.installation(77, 'alice');
    github.repository('alice/web', { installation: 77, private: false, forkOf: REPO });
    const forked = github.change(REPO, base, { Dockerfile: 'FROM alpine\n' });
    github.openPullRequest(REPO, {
      head: forked,
      headRepo: 'alice/web',
      headRef: 'patch-1',
      user: 'alice',
      number: 9,
    });
    expect(github.payloads.pullRequest(REPO, 9, 'opened')).toMatchObject({
      pull_request: {
        head: { repo: { full_name: 'alice/web', fork: true } },
        base: { repo: { full_name: REPO } },
      },
    });
    // As on GitHub, a check run on a fork's head lists no pull request.
    const { data: forkRun } = await rest.rest.checks.create({
      owner,
      repo,
      name: 'Portcullis',
      head_sha: forked,
    });
    expect(github.payloads.checkRun(forkRun.id, 'rerequested')).toMatchObject({
      check_run: { pull_requests: [] },
    });
    expectNoProblems();
  });
});
