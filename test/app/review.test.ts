/**
 * The review Portcullis posts after its check run, driven through the App with nock. GitHub's
 * side of the review is a small stateful fake: comments the App creates are listed on the next
 * run, edited and minimized as the App asks, so re-runs and redeliveries see what GitHub would.
 */
import nock from 'nock';
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
import {
  fakeGitHubGraphQL,
  useGitHubGraphQLValidation,
  validateGraphQLRequest,
} from '../support/github-graphql.js';
import { useGitHubValidation } from '../support/github-openapi.js';

useGitHubValidation();
useGitHubGraphQLValidation();

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
});

const HEAD = [
  'FROM node', // 1: PC-DF-001 and PC-DF-003, outside the diff
  '# build dependencies',
  'ARG NODE_ENV=production',
  'ENV PORT=8080',
  'WORKDIR /app',
  'COPY package.json package-lock.json ./',
  'RUN npm ci --omit=dev',
  'COPY . .',
  'USER node',
  'RUN apt-get update && \\',
  '    apt-get install -y --no-install-recommends curl && \\',
  '    rm -rf /var/lib/apt/lists/*',
  'ADD src/ /app/src/', // 13: PC-DF-004, fix on 13
  'MAINTAINER Jane Doe \\', // 14: PC-DF-011, fix on 14-15
  '    <jane@example.com>',
  'RUN sudo chown node /app', // 16: PC-DF-008, no fix
  'EXPOSE 22', // 17: PC-DF-010, no fix
  'HEALTHCHECK NONE',
  'CMD node server.js', // 19: PC-DF-012 with a fix, on a context line
  '',
].join('\n');

/** `git diff` of HEAD against a base whose line 13 was `COPY src/ /app/src/` and had no lines 14-17. */
const HEAD_PATCH = [
  '@@ -10,6 +10,10 @@ USER node',
  ' RUN apt-get update && \\',
  '     apt-get install -y --no-install-recommends curl && \\',
  '     rm -rf /var/lib/apt/lists/*',
  '-COPY src/ /app/src/',
  '+ADD src/ /app/src/',
  '+MAINTAINER Jane Doe \\',
  '+    <jane@example.com>',
  '+RUN sudo chown node /app',
  '+EXPOSE 22',
  ' HEALTHCHECK NONE',
  ' CMD node server.js',
].join('\n');

/** The same pull request after `RUN sudo` was dropped: the lines below it move up by one. */
const FIXED_HEAD = HEAD.replace('RUN sudo chown node /app\n', '');
const FIXED_PATCH = HEAD_PATCH.replace('+RUN sudo chown node /app\n', '').replace('+10,10', '+10,9');

interface RestComment {
  id: number;
  node_id: string;
  pull_request_review_id: number;
  path: string;
  body: string;
  line: number | null;
  start_line: number | null;
  side: 'RIGHT';
  commit_id: string;
  user: { login: string; type: string };
  in_reply_to_id?: number;
}

interface ReviewRequest {
  commit_id: string;
  event: string;
  body: string;
  comments: {
    path: string;
    body: string;
    line: number;
    side: string;
    start_line?: number;
    start_side?: string;
  }[];
}

/** GitHub's review state for pull request #7, as far as Portcullis can see and change it. */
class ReviewState {
  comments: RestComment[] = [];
  minimized = new Map<string, string>();
  reviews: ReviewRequest[] = [];
  edits: { id: number; body: string }[] = [];
  graphql: { operationName?: string; variables: Record<string, unknown> }[] = [];
  private nextId = 9000;

  /** The interceptors of one run; `listed` are the comments the run finds (default: all so far). */
  intercept(options: { failReview?: boolean } = {}): void {
    const api = nock(API);
    const reviews = api.post(`/repos/${OWNER}/${REPO}/pulls/7/reviews`, (body: ReviewRequest) => {
      this.reviews.push(body);
      return true;
    });
    if (options.failReview) {
      reviews.reply(422, { message: 'Unprocessable Entity', errors: ['Line could not be resolved'] });
    } else {
      reviews.times(10).reply(200, (_uri, body) => {
        const review = body as ReviewRequest;
        const reviewId = this.nextId++;
        for (const c of review.comments) {
          const id = this.nextId++;
          this.comments.push({
            id,
            node_id: `PRRC_${id}`,
            pull_request_review_id: reviewId,
            path: c.path,
            body: c.body,
            line: c.line,
            start_line: c.start_line ?? null,
            side: 'RIGHT',
            commit_id: review.commit_id,
            user: { login: 'portcullis[bot]', type: 'Bot' },
          });
        }
        return {
          id: reviewId,
          node_id: `PRR_${reviewId}`,
          state: review.event === 'COMMENT' ? 'COMMENTED' : 'CHANGES_REQUESTED',
        };
      });
    }
    api
      .patch(/\/repos\/acme\/web\/pulls\/comments\/\d+$/)
      .times(50)
      .reply(200, (uri, body) => {
        const id = Number(uri.split('/').pop());
        const { body: text } = body as { body: string };
        this.edits.push({ id, body: text });
        const comment = this.comments.find((c) => c.id === id);
        if (comment) comment.body = text;
        return comment ?? {};
      });
    fakeGitHubGraphQL((request) => {
      this.graphql.push(request);
      if (request.operationName === 'PortcullisCommentStates') {
        const ids = request.variables.ids as string[];
        return { data: { nodes: ids.map((id) => ({ id, isMinimized: this.minimized.has(id) })) } };
      }
      const { id, classifier } = request.variables as { id: string; classifier: string };
      this.minimized.set(id, classifier);
      return { data: { minimizeComment: { minimizedComment: { isMinimized: true } } } };
    });
  }

  commentFor(rule: string): RestComment | undefined {
    return this.comments.find((c) => c.body.includes(`**${rule}**`));
  }
}

/** One delivery of `event` for pull request #7 with `files` and `patches` at the head. */
async function run(
  state: ReviewState,
  files: Record<string, string>,
  patches: Record<string, string>,
  options: {
    event?: string;
    listed?: RestComment[];
    failReview?: boolean;
    baseFiles?: Record<string, string>;
  } = {},
): Promise<CheckRunRequest[]> {
  nock.cleanAll();
  state.intercept(options);
  const checkRuns = fakePullRequest({
    files,
    patches,
    reviewComments: [(options.listed ?? state.comments).map((c) => ({ ...c }))],
    ...(options.baseFiles ? { baseFiles: options.baseFiles } : {}),
  });
  await receive(createApp(), options.event ?? 'pull_request.opened');
  return checkRuns;
}

/** A patch that adds every line of `content` (a new file). */
function addedFilePatch(content: string): string {
  const lines = content.replace(/\n$/, '').split('\n');
  return [`@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`)].join('\n');
}

describe('the review of a pull request', () => {
  it('posts one review with suggestions on the fixes’ lines, plain comments otherwise, nothing outside the diff', async () => {
    const state = new ReviewState();
    const checkRuns = await run(state, { Dockerfile: HEAD }, { Dockerfile: HEAD_PATCH });

    expect(finalCheckRun(checkRuns).conclusion).toBe('failure');
    expect(state.reviews).toHaveLength(1);
    const [review] = state.reviews;
    expect(review).toMatchObject({ commit_id: 'a'.repeat(40), event: 'COMMENT' });
    const byRule = new Map(review?.comments.map((c) => [/\*\*(PC-DF-\d+)\*\*/.exec(c.body)?.[1], c]));
    expect([...byRule.keys()].sort()).toEqual(['PC-DF-004', 'PC-DF-008', 'PC-DF-010', 'PC-DF-011']);

    // Suggestions replace exactly the fix's lines: one line, and the two lines of MAINTAINER.
    const add = byRule.get('PC-DF-004');
    expect(add).toMatchObject({ path: 'Dockerfile', line: 13, side: 'RIGHT' });
    expect(add).not.toHaveProperty('start_line');
    expect(add?.body).toContain('```suggestion\nCOPY src/ /app/src/\n```');
    const maintainer = byRule.get('PC-DF-011');
    expect(maintainer).toMatchObject({ line: 15, start_line: 14, side: 'RIGHT', start_side: 'RIGHT' });
    expect(maintainer?.body).toContain(
      '```suggestion\nLABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"\n```',
    );

    // Plain comments: rule id, title, message and remediation, escaped.
    const sudo = byRule.get('PC-DF-008');
    expect(sudo).toMatchObject({ line: 16, side: 'RIGHT' });
    expect(sudo?.body).not.toContain('```suggestion');
    expect(sudo?.body).toContain('❌ deny');
    expect(sudo?.body).toContain('sudo in RUN');
    expect(sudo?.body).toContain('**Remediation:**');
    expect(sudo?.body).toMatch(/^<!-- portcullis:finding:[0-9a-f]{16} -->\n/);

    // PC-DF-001/003 (line 1) are outside the diff; PC-DF-012 is on an unchanged context line.
    for (const c of review?.comments ?? []) expect([13, 15, 16, 17]).toContain(c.line);
    expect(review?.body).toContain('4 comments');
  });

  it('asks for changes with REQUEST_CHANGES only when configured', async () => {
    // The App's default is COMMENT (above); the option is a parameter of publishReview for now.
    const { publishReview } = await import('../../src/github/review.js');
    const { ProbotOctokit } = await import('probot');
    const state = new ReviewState();
    state.intercept();
    nock(API).get(`/repos/${OWNER}/${REPO}/pulls/7/comments`).query(true).reply(200, []);
    nock(API).get(`/repos/${OWNER}/${REPO}/pulls/7/reviews`).query(true).times(2).reply(200, []);
    const octokit = new ProbotOctokit({
      auth: { token: 'ghs_test' },
      retry: { enabled: false },
      throttle: { enabled: false },
    });
    const finding = {
      rule_id: 'PC-DF-008',
      severity: 'deny' as const,
      path: 'Dockerfile',
      line: 2,
      end_line: 2,
      message: 'sudo',
      title: 'sudo in RUN',
    };
    await publishReview(
      octokit,
      { owner: OWNER, repo: REPO, pullNumber: 7, headSha: 'a'.repeat(40) },
      {
        findings: [finding],
        files: [{ path: 'Dockerfile', status: 'modified', patch: '@@ -1 +1,2 @@\n FROM a\n+RUN sudo x' }],
        headFiles: new Map([['Dockerfile', new TextEncoder().encode('FROM a\nRUN sudo x\n')]]),
        remediation: () => undefined,
      },
      { event: 'REQUEST_CHANGES' },
    );
    expect(state.reviews[0]?.event).toBe('REQUEST_CHANGES');
  });

  it("follows the base commit's review settings: REQUEST_CHANGES and the comment cap", async () => {
    const content = 'FROM alpine:3.19\nUSER 10001\nHEALTHCHECK NONE\nRUN sudo echo 1\nRUN sudo echo 2\n';
    const state = new ReviewState();
    await run(
      state,
      { Dockerfile: content },
      { Dockerfile: addedFilePatch(content) },
      {
        baseFiles: { '.github/portcullis.yml': 'review:\n  event: request_changes\n  max_comments: 1\n' },
      },
    );
    expect(state.reviews[0]?.event).toBe('REQUEST_CHANGES');
    expect(state.reviews[0]?.comments).toHaveLength(1);
  });

  it('caps the comments and summarises the rest in the review body', async () => {
    const lines = ['FROM alpine:3.19', 'USER 10001', 'HEALTHCHECK NONE'];
    // Three commands per RUN: short consecutive RUNs would add PC-DF-052 findings.
    for (let i = 0; i < 25; i++) lines.push(`RUN sudo echo ${i} && echo . && echo .`);
    const content = `${lines.join('\n')}\n`;
    const state = new ReviewState();
    await run(state, { 'svc/Dockerfile': content }, { 'svc/Dockerfile': addedFilePatch(content) });

    expect(state.reviews).toHaveLength(1);
    const [review] = state.reviews;
    expect(review?.comments).toHaveLength(20);
    // 25 sudo (deny) and the unpinned base image (warn): the warning is the first left out.
    expect(review?.body).toContain('6 more findings on changed lines');
    expect(review?.body.match(/^- `svc\/Dockerfile` line \d+: ❌ deny PC-DF-008/gm)).toHaveLength(5);
    expect(review?.body).toMatch(/^- `svc\/Dockerfile` line 1: ⚠️ warn PC-DF-003/m);
    // Most severe and first in the file are commented on.
    expect(review?.comments.map((c) => c.line)).toEqual(Array.from({ length: 20 }, (_, i) => i + 4));

    // The cap counts the comments already there: a re-run adds none.
    await run(state, { 'svc/Dockerfile': content }, { 'svc/Dockerfile': addedFilePatch(content) });
    expect(state.reviews).toHaveLength(1);
  });

  it('posts nothing new on a re-run with unchanged findings, nor on a redelivery', async () => {
    const state = new ReviewState();
    await run(state, { Dockerfile: HEAD }, { Dockerfile: HEAD_PATCH });
    expect(state.comments).toHaveLength(4);

    await run(state, { Dockerfile: HEAD }, { Dockerfile: HEAD_PATCH }, { event: 'check_run.rerequested' });
    // The same delivery again (same id and payload), as GitHub's "Redeliver" sends it.
    await run(state, { Dockerfile: HEAD }, { Dockerfile: HEAD_PATCH });
    expect(state.reviews).toHaveLength(1);
    expect(state.comments).toHaveLength(4);
    expect(state.edits).toEqual([]);
    expect(state.minimized.size).toBe(0);
    // Only the read-only state query went to GraphQL.
    expect(new Set(state.graphql.map((r) => r.operationName))).toEqual(new Set(['PortcullisCommentStates']));
  });

  it('minimizes the comment of a finding that was fixed, as RESOLVED, once', async () => {
    const state = new ReviewState();
    await run(state, { Dockerfile: HEAD }, { Dockerfile: HEAD_PATCH });
    const sudo = state.commentFor('PC-DF-008');
    expect(sudo).toBeDefined();

    // After the push GitHub shows the comments below the removed line one line higher.
    const moved = state.comments.map((c) =>
      c === sudo
        ? { ...c, line: null }
        : { ...c, line: (c.line as number) > 16 ? (c.line as number) - 1 : c.line },
    );
    await run(
      state,
      { Dockerfile: FIXED_HEAD },
      { Dockerfile: FIXED_PATCH },
      { event: 'pull_request.synchronize', listed: moved },
    );

    expect([...state.minimized]).toEqual([[sudo?.node_id, 'RESOLVED']]);
    expect(state.reviews).toHaveLength(1);
    expect(state.edits).toEqual([]);

    // And not again on the next run: GraphQL says it is minimized already.
    const calls = state.graphql.length;
    await run(
      state,
      { Dockerfile: FIXED_HEAD },
      { Dockerfile: FIXED_PATCH },
      { event: 'pull_request.synchronize', listed: moved },
    );
    expect(state.graphql.slice(calls).map((r) => r.operationName)).toEqual(['PortcullisCommentStates']);
    expect(state.reviews).toHaveLength(1);
  });

  it('updates the comment of a finding whose message changed', async () => {
    const state = new ReviewState();
    await run(state, { Dockerfile: HEAD }, { Dockerfile: HEAD_PATCH });
    const expose = state.commentFor('PC-DF-010') as RestComment;
    const current = expose.body;
    // As if the comment had been written by an older policy with another message.
    expose.body = current.replace(/EXPOSE 22 opens the SSH port[^\n]*/, 'An older message.');

    await run(state, { Dockerfile: HEAD }, { Dockerfile: HEAD_PATCH }, { event: 'pull_request.synchronize' });
    expect(state.edits).toEqual([{ id: expose.id, body: current }]);
    expect(state.reviews).toHaveLength(1);
    expect(state.minimized.size).toBe(0);
  });

  it('replaces a comment GitHub now shows on other lines, since a suggestion there would be wrong', async () => {
    const state = new ReviewState();
    await run(state, { Dockerfile: HEAD }, { Dockerfile: HEAD_PATCH });
    const add = state.commentFor('PC-DF-004') as RestComment;
    const listed = state.comments.map((c) => (c === add ? { ...c, line: null } : c));

    await run(
      state,
      { Dockerfile: HEAD },
      { Dockerfile: HEAD_PATCH },
      { event: 'pull_request.synchronize', listed },
    );
    expect(state.minimized.get(add.node_id)).toBe('OUTDATED');
    expect(state.reviews).toHaveLength(2);
    expect(state.reviews[1]?.comments).toEqual([expect.objectContaining({ line: 13, path: 'Dockerfile' })]);
  });

  it('ignores markers in comments by people', async () => {
    const state = new ReviewState();
    await run(state, { Dockerfile: HEAD }, { Dockerfile: HEAD_PATCH });
    const forged = state.comments.map((c) => ({
      ...c,
      id: c.id + 100,
      user: { login: 'mallory', type: 'User' },
    }));

    await run(state, { Dockerfile: HEAD }, { Dockerfile: HEAD_PATCH }, { listed: forged });
    expect(state.reviews).toHaveLength(2);
    expect(state.reviews[1]?.comments).toHaveLength(4);
    expect(state.graphql).toEqual([]); // nothing of ours to ask about, nothing minimized
  });

  it('ignores a marker that another bot quotes inside its comment (issue #10)', async () => {
    const state = new ReviewState();
    await run(state, { Dockerfile: HEAD }, { Dockerfile: HEAD_PATCH });
    // A linter bot quoting the pull request's text, which the author made carry our markers.
    const quoted = state.comments.map((c) => ({
      ...c,
      id: c.id + 100,
      node_id: `PRRC_${c.id + 100}`,
      body: `Linter: line contains ${c.body}`,
      user: { login: 'linter[bot]', type: 'Bot' },
    }));

    await run(state, { Dockerfile: HEAD }, { Dockerfile: HEAD_PATCH }, { listed: quoted });
    expect(state.reviews).toHaveLength(2);
    expect(state.reviews[1]?.comments).toHaveLength(4);
    expect(state.edits).toEqual([]);
    expect(state.minimized.size).toBe(0);
  });

  it('reads every page of existing comments', async () => {
    const state = new ReviewState();
    await run(state, { Dockerfile: HEAD }, { Dockerfile: HEAD_PATCH });
    nock.cleanAll();
    state.intercept();
    const pages = state.comments.map((c) => [{ ...c }]);
    fakePullRequest({
      files: { Dockerfile: HEAD },
      patches: { Dockerfile: HEAD_PATCH },
      reviewComments: pages,
    });
    await receive(createApp(), 'pull_request.synchronize');
    expect(state.reviews).toHaveLength(1);
    expect(nock.pendingMocks().filter((m) => m.startsWith('GET') && m.includes('/comments'))).toEqual([]);
  });

  it('escapes what the Dockerfile controls', async () => {
    const content =
      'FROM alpine:3.19\nUSER 10001\nHEALTHCHECK NONE\nRUN sudo echo "@octocat <img src=x> [link](http://evil) ```"\n';
    const state = new ReviewState();
    await run(state, { Dockerfile: content }, { Dockerfile: addedFilePatch(content) });
    const body = state.reviews[0]?.comments[0]?.body ?? '';
    expect(body).toContain('@\u200boctocat');
    expect(body).not.toContain('<img');
    expect(body).not.toContain('[link](');
  });

  it('leaves the check run’s verdict alone when the review cannot be posted, and says so', async () => {
    const state = new ReviewState();
    const checkRuns = await run(
      state,
      { Dockerfile: HEAD },
      { Dockerfile: HEAD_PATCH },
      { failReview: true },
    );
    const final = finalCheckRun(checkRuns);
    expect(final.conclusion).toBe('failure'); // the deny findings', not the review's
    expect(final.endsCompleted).toBe(true);
    expect(checkRuns.at(-1)?.body.conclusion).toBe('failure');
    expect(final.summary).toContain('The review comments could not be posted');
    expect(final.summary).toContain('Dockerfile');
  });

  it('offers “Apply fixes” on the check run only when a finding has a fix', async () => {
    const state = new ReviewState();
    const withFix = await run(state, { Dockerfile: HEAD }, { Dockerfile: HEAD_PATCH });
    expect(withFix.at(-1)?.body).toMatchObject({
      status: 'completed',
      actions: [{ label: 'Apply fixes', identifier: 'apply-fixes', description: expect.any(String) }],
    });
    const noFix = await run(
      new ReviewState(),
      { Dockerfile: 'FROM alpine:3.19\nUSER 10001\nRUN sudo true\n' },
      {},
    );
    expect(noFix.at(-1)?.body).not.toHaveProperty('actions');
  });
});

describe('the GraphQL fake', () => {
  it('checks documents and variables against GitHub’s schema', () => {
    const minimize =
      'mutation M($id: ID!, $c: ReportedContentClassifiers!) { minimizeComment(input: {subjectId: $id, classifier: $c}) { clientMutationId } }';
    expect(validateGraphQLRequest(minimize, { id: 'PRRC_1', c: 'RESOLVED' })).toEqual([]);
    expect(validateGraphQLRequest(minimize, { id: 'PRRC_1', c: 'FIXED' })).toEqual([
      expect.stringMatching(/^GraphQL variables: .*"FIXED"/),
    ]);
    expect(validateGraphQLRequest('query { viewer { nope } }')).toEqual([
      expect.stringContaining('Cannot query field "nope" on type "User"'),
    ]);
  });
});
