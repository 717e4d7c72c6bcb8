/**
 * "Apply fixes" on the Portcullis check run (`check_run.requested_action`), driven through the
 * App with nock: one commit through the Git data API on a same-repository pull request, and an
 * explanation, without any git write, when the fixes cannot or may not be committed.
 */
import nock from 'nock';
import {
  API,
  type CheckRunRequest,
  createApp,
  fakePullRequest,
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

const HEAD_SHA = 'a'.repeat(40);
const BRANCH = 'feature/base-image';
const REPO_ID = 600000001;

const DOCKERFILE = [
  'FROM node:20-bookworm',
  'RUN apt-get update && \\',
  '    apt-get install curl && \\', // PC-DF-005 and PC-DF-016: two fixes on one line
  '    rm -rf /var/lib/apt/lists/*',
  'ADD . /app', // PC-DF-004
  'MAINTAINER Jane Doe \\', // PC-DF-011, a fix over two lines
  '    <jane@example.com>',
  'USER node',
  'CMD node server.js', // PC-DF-012
  '',
].join('\n');

const FIXED_DOCKERFILE = [
  'FROM node:20-bookworm',
  'RUN apt-get update && \\',
  '    apt-get install --no-install-recommends -y curl && \\',
  '    rm -rf /var/lib/apt/lists/*',
  'COPY . /app',
  'LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"',
  'USER node',
  'CMD ["node", "server.js"]',
  '',
].join('\n');

/** With a byte-order mark and CRLF line breaks, in a nested folder, executable: all kept. */
const NESTED = '\uFEFFFROM alpine:3.19\r\nUSER 10001\r\nHEALTHCHECK NONE\r\nCMD ./run.sh --port 8080\r\n';
const FIXED_NESTED =
  '\uFEFFFROM alpine:3.19\r\nUSER 10001\r\nHEALTHCHECK NONE\r\nCMD ["./run.sh", "--port", "8080"]\r\n';

interface GitWrites {
  blobs: { content: string; encoding: string }[];
  trees: { base_tree: string; tree: { path: string; mode: string; type: string; sha: string }[] }[];
  commits: { message: string; tree: string; parents: string[] }[];
  refs: { path: string; body: { sha: string; force?: boolean } }[];
}

function pullRequest(overrides: { headSha?: string; headRepoId?: number; state?: string } = {}) {
  const headRepoId = overrides.headRepoId ?? REPO_ID;
  return {
    number: 7,
    state: overrides.state ?? 'open',
    head: {
      ref: BRANCH,
      sha: overrides.headSha ?? HEAD_SHA,
      label: headRepoId === REPO_ID ? `acme:${BRANCH}` : 'contributor:patch-1',
      repo: { id: headRepoId, full_name: headRepoId === REPO_ID ? 'acme/web' : 'contributor/web' },
    },
    base: { ref: 'main', sha: 'b'.repeat(40), repo: { id: REPO_ID, full_name: 'acme/web' } },
  };
}

/** The pull request, the clicker's access, and the Git data API; returns what was written. */
function fakeRepository(
  options: {
    permission?: string;
    pr?: ReturnType<typeof pullRequest>;
    files?: Record<string, string>;
    refStatus?: number;
  } = {},
): { checkRuns: CheckRunRequest[]; writes: GitWrites } {
  const checkRuns = fakePullRequest({
    files: options.files ?? {
      Dockerfile: DOCKERFILE,
      'services/api/Dockerfile': NESTED,
      'README.md': '# hi',
    },
    pull: options.pr ?? pullRequest(),
  });
  const writes: GitWrites = { blobs: [], trees: [], commits: [], refs: [] };
  const api = nock(API);
  api.get(`/repos/${OWNER}/${REPO}/collaborators/alice/permission`).reply(200, {
    permission: options.permission ?? 'write',
    role_name: options.permission ?? 'write',
    user: null,
  });
  api
    .get(`/repos/${OWNER}/${REPO}/git/trees/${HEAD_SHA}`)
    .optionally()
    .reply(200, {
      sha: 'tree-root',
      url: '',
      truncated: false,
      tree: [
        { path: 'Dockerfile', mode: '100644', type: 'blob', sha: '1'.repeat(40) },
        { path: 'README.md', mode: '100644', type: 'blob', sha: '2'.repeat(40) },
        { path: 'services', mode: '040000', type: 'tree', sha: 'tree-services' },
      ],
    });
  api
    .get(`/repos/${OWNER}/${REPO}/git/trees/tree-services`)
    .optionally()
    .reply(200, {
      sha: 'tree-services',
      url: '',
      truncated: false,
      tree: [{ path: 'api', mode: '040000', type: 'tree', sha: 'tree-api' }],
    });
  api
    .get(`/repos/${OWNER}/${REPO}/git/trees/tree-api`)
    .optionally()
    .reply(200, {
      sha: 'tree-api',
      url: '',
      truncated: false,
      tree: [{ path: 'Dockerfile', mode: '100755', type: 'blob', sha: '3'.repeat(40) }],
    });
  let blob = 0;
  api
    .post(`/repos/${OWNER}/${REPO}/git/blobs`, (body) => {
      writes.blobs.push(body);
      return true;
    })
    .times(10)
    .optionally()
    .reply(201, () => ({ sha: `blob-${++blob}`, url: '' }));
  api
    .post(`/repos/${OWNER}/${REPO}/git/trees`, (body) => {
      writes.trees.push(body);
      return true;
    })
    .optionally()
    .reply(201, { sha: 'tree-fixed', url: '', truncated: false, tree: [] });
  api
    .post(`/repos/${OWNER}/${REPO}/git/commits`, (body) => {
      writes.commits.push(body);
      return true;
    })
    .optionally()
    .reply(201, { sha: 'c'.repeat(40), url: '', html_url: '', node_id: '' });
  api
    .patch((path) => path.startsWith(`/repos/${OWNER}/${REPO}/git/refs/`))
    .optionally()
    .reply(options.refStatus ?? 200, (uri, body) => {
      writes.refs.push({ path: decodeURIComponent(uri), body: body as GitWrites['refs'][number]['body'] });
      return options.refStatus === 422
        ? { message: 'Update is not a fast forward' }
        : { ref: `refs/heads/${BRANCH}`, object: { sha: 'c'.repeat(40), type: 'commit' } };
    });
  return { checkRuns, writes };
}

function noGitWrites(writes: GitWrites): void {
  expect(writes).toEqual({ blobs: [], trees: [], commits: [], refs: [] });
}

/** The one check run Portcullis created to answer the click. */
function answer(checkRuns: CheckRunRequest[]) {
  expect(checkRuns).toHaveLength(1);
  const [run] = checkRuns;
  expect(run).toMatchObject({
    method: 'POST',
    body: { name: 'Portcullis: apply fixes', head_sha: HEAD_SHA, status: 'completed' },
  });
  return run?.body as Required<CheckRunRequest['body']>;
}

describe('Apply fixes', () => {
  it('commits every composed fix of a same-repository pull request in one commit', async () => {
    const { checkRuns, writes } = fakeRepository();
    await receive(createApp(), 'check_run.requested_action');

    const contents = writes.blobs.map((b) =>
      Buffer.from(b.content, b.encoding as BufferEncoding).toString('utf8'),
    );
    expect(contents).toEqual([FIXED_DOCKERFILE, FIXED_NESTED]);
    expect(writes.trees).toEqual([
      {
        base_tree: 'tree-root',
        tree: [
          { path: 'Dockerfile', mode: '100644', type: 'blob', sha: 'blob-1' },
          { path: 'services/api/Dockerfile', mode: '100755', type: 'blob', sha: 'blob-2' },
        ],
      },
    ]);
    expect(writes.commits).toEqual([
      { message: 'Apply Portcullis fixes', tree: 'tree-fixed', parents: [HEAD_SHA] },
    ]);
    // A fast-forward only: never a forced push.
    expect(writes.refs).toEqual([
      {
        path: `/repos/${OWNER}/${REPO}/git/refs/heads/${BRANCH}`,
        body: { sha: 'c'.repeat(40), force: false },
      },
    ]);

    const run = answer(checkRuns);
    expect(run.conclusion).toBe('success');
    expect(run.output.title).toBe('Applied 6 fixes in ccccccc');
    for (const rule of ['PC-DF-004', 'PC-DF-005', 'PC-DF-011', 'PC-DF-012', 'PC-DF-016']) {
      expect(run.output.summary).toContain(rule);
    }
  });

  it('explains, and writes nothing, when the pull request comes from a fork', async () => {
    // GitHub lists no pull request on a check run for a fork's commit: it is found through the commit.
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/commits/${HEAD_SHA}/pulls`)
      .reply(200, [{ number: 7, state: 'open', head: { sha: HEAD_SHA } }]);
    const { checkRuns, writes } = fakeRepository({ pr: pullRequest({ headRepoId: 777 }) });
    await receive(createApp(), 'check_run.requested_action', (payload) => {
      (payload.check_run as { pull_requests: unknown[] }).pull_requests = [];
    });

    noGitWrites(writes);
    const run = answer(checkRuns);
    expect(run.conclusion).toBe('neutral');
    expect(run.output.title).toBe('Fixes not applied: the pull request comes from a fork');
    expect(run.output.summary).toContain('Nothing was changed on the branch.');
  });

  it('explains, and writes nothing, when the branch has moved on since the check', async () => {
    const { checkRuns, writes } = fakeRepository({ pr: pullRequest({ headSha: 'e'.repeat(40) }) });
    await receive(createApp(), 'check_run.requested_action');
    noGitWrites(writes);
    const run = answer(checkRuns);
    expect(run.conclusion).toBe('neutral');
    expect(run.output.title).toBe('Fixes not applied: the branch has moved on');
    expect(run.output.summary).toContain('`eeeeeee`');
  });

  it('does not push for someone without write access', async () => {
    const { checkRuns, writes } = fakeRepository({ permission: 'read' });
    await receive(createApp(), 'check_run.requested_action');
    noGitWrites(writes);
    expect(answer(checkRuns).output.title).toBe('Fixes not applied: no write access');
  });

  it('never forces the branch: a push in between is explained', async () => {
    const { checkRuns, writes } = fakeRepository({ refStatus: 422 });
    await receive(createApp(), 'check_run.requested_action');
    expect(writes.commits).toHaveLength(1);
    expect(writes.refs[0]?.body.force).toBe(false);
    const run = answer(checkRuns);
    expect(run.conclusion).toBe('neutral');
    expect(run.output.title).toBe('Fixes not applied: the branch moved meanwhile');
  });

  it('says when there is nothing to fix', async () => {
    const { checkRuns, writes } = fakeRepository({
      files: { Dockerfile: 'FROM alpine:3.19\nUSER 10001\nRUN sudo true\n' },
    });
    await receive(createApp(), 'check_run.requested_action');
    noGitWrites(writes);
    expect(answer(checkRuns).output.title).toBe('Fixes not applied: nothing to fix');
  });

  it('ignores other actions and other check runs', async () => {
    await receive(createApp(), 'check_run.requested_action', (payload) => {
      (payload.requested_action as { identifier: string }).identifier = 'something-else';
    });
    await receive(createApp(), 'check_run.requested_action', (payload) => {
      (payload.check_run as { name: string }).name = 'Another check';
    });
    expect(nock.pendingMocks()).toEqual([]);
  });
});
