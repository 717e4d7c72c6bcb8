/**
 * The simulator's REST operations, one handler per operationId of
 * test/fixtures/github-openapi-operations.json, answering from and changing SimulatorState as
 * GitHub does, including the refusals the App must live with (422 for a review comment off the
 * diff, more than 50 annotations, an unknown head SHA; 404 for what the token cannot see).
 * The request has already been matched, authenticated and validated against the fixture.
 */
import type { GitStore } from './git.js';
import {
  API_URL,
  checkRunObject,
  commitObject,
  ids,
  labelObject,
  pullRequestObject,
  reviewCommentObject,
  reviewObject,
  type SimAnnotation,
  type SimCheckRun,
  type SimInstallation,
  type SimPullRequest,
  type SimRepository,
  type SimReviewComment,
  WEB,
} from './objects.js';
import type { ChangedFile, SimulatorState } from './state.js';

export interface RouteContext {
  state: SimulatorState;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** The REST base URL: `<origin>/api/v3`. */
  apiBase: string;
  operationId: string;
  /** The path after the base URL, without the query. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body, validated against the operation's schema already.
  body: any;
  installation?: SimInstallation;
  /** The repository named by the path, already checked to be visible to the installation. */
  repo?: SimRepository;
  now: () => string;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** An answer GitHub gives as an error: `{ message, errors?, documentation_url }`. */
export class GitHubError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: unknown[],
  ) {
    super(message);
  }
}

const notFound = () => new GitHubError(404, 'Not Found');
const unprocessable = (message: string, errors?: unknown[]) =>
  new GitHubError(422, message, errors ?? [message]);

/** GitHub refuses more than this many annotations in one create or update. */
const ANNOTATIONS_PER_REQUEST = 50;
/** GitHub's limit on a check run's summary and text (characters). */
const OUTPUT_TEXT_LIMIT = 65_535;
/** A file's content is served by the contents API up to this size; larger ones come back empty. */
const CONTENTS_LIMIT = 1024 * 1024;

type Handler = (ctx: RouteContext) => RouteResult;

function repoOf(ctx: RouteContext): SimRepository {
  if (!ctx.repo) throw notFound();
  return ctx.repo;
}

function pullOf(
  ctx: RouteContext,
  number = ctx.params.pull_number ?? ctx.params.issue_number,
): SimPullRequest {
  const pr = repoOf(ctx).pulls.get(Number(number));
  if (!pr) throw notFound();
  return pr;
}

function ok(body: unknown, status = 200, headers?: Record<string, string>): RouteResult {
  return headers ? { status, body, headers } : { status, body };
}

/** A page of `items` and GitHub's Link header, from `per_page` (default 30, at most 100) and `page`. */
function paginate<T>(ctx: RouteContext, items: T[]): { items: T[]; headers?: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(ctx.query.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const query = new URLSearchParams(ctx.query);
    query.set('per_page', String(perPage));
    query.set('page', String(n));
    return `<${ctx.apiBase}${ctx.path}?${query}>; rel="${rel}"`;
  };
  const links = [
    ...(page > 1 ? [link(page - 1, 'prev')] : []),
    ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
    ...(page > 1 ? [link(1, 'first')] : []),
  ];
  const slice = items.slice((page - 1) * perPage, page * perPage);
  return links.length > 0 ? { items: slice, headers: { link: links.join(', ') } } : { items: slice };
}

function list<T>(ctx: RouteContext, items: T[]): RouteResult {
  const { items: slice, headers } = paginate(ctx, items);
  return ok(slice, 200, headers);
}

function commitOrThrow(ctx: RouteContext, ref: string | undefined, status = 404, what = 'commit'): string {
  const sha = ctx.state.resolveRef(repoOf(ctx), ref);
  if (!sha) {
    if (status === 422) throw unprocessable(`No ${what} found for SHA: ${ref}`);
    throw new GitHubError(404, `No commit found for the ref ${ref}`);
  }
  return sha;
}

// ---------------------------------------------------------------------------------------------
// Apps

function installationObject(ctx: RouteContext, installation: SimInstallation) {
  const account = ctx.state.user(installation.account);
  return {
    id: installation.id,
    account,
    repository_selection: 'all',
    access_tokens_url: `${API_URL}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${API_URL}/installation/repositories`,
    html_url: `${WEB}/organizations/${installation.account}/settings/installations/${installation.id}`,
    app_id: ctx.state.app.id,
    app_slug: ctx.state.app.slug,
    target_id: account.id,
    target_type: account.type === 'Organization' ? 'Organization' : 'User',
    permissions: { checks: 'write', contents: 'write', metadata: 'read', pull_requests: 'write' },
    events: ['check_run', 'check_suite', 'pull_request'],
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
    single_file_name: null,
    suspended_by: null,
    suspended_at: null,
  };
}

// ---------------------------------------------------------------------------------------------
// Check runs

function checkRunBody(ctx: RouteContext, run: SimCheckRun) {
  const repo = ctx.state.requireRepository(run.repo);
  return checkRunObject(run, ctx.state.appObject(), ctx.state.pullRequestsAt(repo, run.headSha));
}

/** Applies a create or update body to a run, with GitHub's checks; throws before changing anything. */
function applyCheckRun(ctx: RouteContext, run: SimCheckRun, body: Record<string, unknown>): void {
  const output = body.output as
    | { title?: string; summary?: string; text?: string; annotations?: SimAnnotation[] }
    | undefined;
  const annotations = output?.annotations ?? [];
  if (annotations.length > ANNOTATIONS_PER_REQUEST) {
    throw unprocessable(
      `Only ${ANNOTATIONS_PER_REQUEST} annotations are allowed per request (${annotations.length} sent)`,
    );
  }
  for (const text of [output?.summary, output?.text]) {
    if (typeof text === 'string' && text.length > OUTPUT_TEXT_LIMIT) {
      throw unprocessable(`Output text and summary are limited to ${OUTPUT_TEXT_LIMIT} characters`);
    }
  }
  for (const a of annotations) {
    if (a.end_line < a.start_line) throw unprocessable('An annotation ends before it starts');
  }
  const conclusion = (body.conclusion as string | undefined) ?? null;
  // GitHub: giving a conclusion completes the run; completing one needs a conclusion.
  const status = conclusion
    ? 'completed'
    : ((body.status as SimCheckRun['status'] | undefined) ?? run.status);
  if (status === 'completed' && !conclusion && !run.conclusion) {
    throw unprocessable('Conclusion is required when the status is completed');
  }
  run.history.push(body);
  if (typeof body.name === 'string') run.name = body.name;
  if (typeof body.external_id === 'string') run.externalId = body.external_id;
  if (typeof body.details_url === 'string') run.detailsUrl = body.details_url;
  if (typeof body.started_at === 'string') run.startedAt = body.started_at;
  run.status = status;
  if (conclusion) run.conclusion = conclusion;
  if (status === 'completed') {
    run.completedAt = (body.completed_at as string | undefined) ?? run.completedAt ?? ctx.now();
  } else {
    run.conclusion = null;
    run.completedAt = null;
  }
  if (output) {
    if (output.title !== undefined) run.output.title = output.title;
    if (output.summary !== undefined) run.output.summary = output.summary;
    if (output.text !== undefined) run.output.text = output.text;
    run.annotations.push(...annotations);
  }
  if (Array.isArray(body.actions)) run.actions = body.actions as SimCheckRun['actions'];
  run.updatedAt = ctx.now();
}

// ---------------------------------------------------------------------------------------------
// Git data

function blobBody(ctx: RouteContext, sha: string) {
  return { sha, url: `${API_URL}/repos/${repoOf(ctx).fullName}/git/blobs/${sha}` };
}

function treeBody(ctx: RouteContext, git: GitStore, tree: string, recursive: boolean) {
  const api = `${API_URL}/repos/${repoOf(ctx).fullName}`;
  return {
    sha: tree,
    url: `${api}/git/trees/${tree}`,
    tree: git.listTree(tree, recursive).map((entry) => ({
      path: entry.path,
      mode: entry.mode,
      type: entry.type,
      sha: entry.sha,
      ...(entry.size !== undefined ? { size: entry.size } : {}),
      url: `${api}/git/${entry.type === 'tree' ? 'trees' : 'blobs'}/${entry.sha}`,
    })),
    truncated: false,
  };
}

function gitCommitBody(ctx: RouteContext, sha: string) {
  const git = repoOf(ctx).git;
  const commit = git.commits.get(sha);
  const api = `${API_URL}/repos/${repoOf(ctx).fullName}`;
  const person = { name: 'Octo Simulator', email: 'simulator@github.test', date: commit?.date ?? ctx.now() };
  return {
    sha,
    node_id: ids.nodeId('C', Number.parseInt(sha.slice(0, 8), 16)),
    url: `${api}/git/commits/${sha}`,
    html_url: `${WEB}/${repoOf(ctx).fullName}/commit/${sha}`,
    author: person,
    committer: person,
    message: commit?.message ?? '',
    tree: { sha: commit?.tree ?? '', url: `${api}/git/trees/${commit?.tree ?? ''}` },
    parents: (commit?.parents ?? []).map((p) => ({
      sha: p,
      url: `${api}/git/commits/${p}`,
      html_url: `${WEB}/${repoOf(ctx).fullName}/commit/${p}`,
    })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

function refBody(ctx: RouteContext, branch: string, sha: string) {
  const api = `${API_URL}/repos/${repoOf(ctx).fullName}`;
  return {
    ref: `refs/heads/${branch}`,
    node_id: ids.nodeId('REF', branch.length),
    url: `${api}/git/refs/heads/${branch}`,
    object: { type: 'commit', sha, url: `${api}/git/commits/${sha}` },
  };
}

/** Wraps base64 at 60 characters a line, as GitHub's blob and contents APIs do. */
function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,60}/g) ?? []).map((line) => `${line}\n`).join('');
}

// ---------------------------------------------------------------------------------------------
// Contents

function contentEntry(ctx: RouteContext, path: string, type: string, sha: string, size: number, ref: string) {
  const repo = repoOf(ctx).fullName;
  const self = `${API_URL}/repos/${repo}/contents/${path}?ref=${ref}`;
  const git =
    type === 'dir'
      ? `${API_URL}/repos/${repo}/git/trees/${sha}`
      : `${API_URL}/repos/${repo}/git/blobs/${sha}`;
  const html = `${WEB}/${repo}/${type === 'dir' ? 'tree' : 'blob'}/${ref}/${path}`;
  return {
    type,
    size,
    name: path.split('/').pop() ?? path,
    path,
    sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url: type === 'file' ? `https://raw.githubusercontent.com/${repo}/${ref}/${path}` : null,
    _links: { self, git, html },
  };
}

function getContent(ctx: RouteContext): RouteResult {
  const repo = repoOf(ctx);
  const ref = ctx.query.get('ref') ?? undefined;
  const sha = commitOrThrow(ctx, ref);
  const path = (ctx.params.path ?? '').replace(/^\/+|\/+$/g, '');
  const files = repo.git.flatten(sha) ?? new Map();
  const refName = ref ?? repo.defaultBranch;
  const file = files.get(path);
  const asFile = (filePath: string, blobSha: string) => {
    const bytes = repo.git.blobs.get(blobSha) ?? Buffer.alloc(0);
    const big = bytes.length > CONTENTS_LIMIT;
    return ok({
      ...contentEntry(ctx, filePath, 'file', blobSha, bytes.length, refName),
      // GitHub serves files over 1 MB without content (encoding "none").
      content: big ? '' : base64Lines(bytes),
      encoding: big ? 'none' : 'base64',
    });
  };
  if (file && file.mode !== '120000') return asFile(path, file.sha);
  if (file) {
    // A link to a file inside the repository is answered with that file; any other as a symlink.
    const target = repo.git.blobs.get(file.sha)?.toString('utf8') ?? '';
    const resolved = resolveLink(path, target);
    const linked = resolved ? files.get(resolved) : undefined;
    if (resolved && linked && linked.mode !== '120000') return asFile(resolved, linked.sha);
    return ok({ ...contentEntry(ctx, path, 'symlink', file.sha, target.length, refName), target });
  }
  const tree = repo.git.treeOf(sha) as string;
  let folder: string | undefined = tree;
  for (const part of path ? path.split('/') : []) {
    folder = repo.git.trees.get(folder ?? '')?.find((e) => e.type === 'tree' && e.name === part)?.sha;
  }
  if (!folder) throw notFound();
  const entries = (repo.git.trees.get(folder) ?? []).map((entry) => {
    const entryPath = path ? `${path}/${entry.name}` : entry.name;
    const type = entry.type === 'tree' ? 'dir' : entry.mode === '120000' ? 'symlink' : 'file';
    return contentEntry(ctx, entryPath, type, entry.sha, repo.git.blobs.get(entry.sha)?.length ?? 0, refName);
  });
  return ok(entries);
}

function resolveLink(from: string, target: string): string | undefined {
  if (target.startsWith('/')) return undefined;
  const parts = from.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else if (part !== '.' && part !== '') {
      parts.push(part);
    }
  }
  return parts.join('/');
}

// ---------------------------------------------------------------------------------------------
// Pull requests, reviews, comments, labels

function fileBody(ctx: RouteContext, headSha: string, file: ChangedFile) {
  const repo = repoOf(ctx).fullName;
  const encoded = file.filename.split('/').map(encodeURIComponent).join('/');
  return {
    sha: file.sha,
    filename: file.filename,
    status: file.status,
    additions: file.additions,
    deletions: file.deletions,
    changes: file.additions + file.deletions,
    blob_url: `${WEB}/${repo}/blob/${headSha}/${encoded}`,
    raw_url: `${WEB}/${repo}/raw/${headSha}/${encoded}`,
    contents_url: `${API_URL}/repos/${repo}/contents/${encoded}?ref=${headSha}`,
    ...(file.patch !== undefined ? { patch: file.patch } : {}),
  };
}

interface ReviewCommentInput {
  path: string;
  body: string;
  line?: number;
  side?: 'LEFT' | 'RIGHT';
  start_line?: number;
  start_side?: 'LEFT' | 'RIGHT';
  position?: number;
}

function createReview(ctx: RouteContext): RouteResult {
  const repo = repoOf(ctx);
  const pr = pullOf(ctx);
  const body = ctx.body as {
    commit_id?: string;
    body?: string;
    event?: 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT';
    comments?: ReviewCommentInput[];
  };
  const commitId = body.commit_id ?? pr.headSha;
  if (!repo.git.commits.has(commitId))
    throw unprocessable('Unprocessable Entity', ['commit_id is not part of the pull request']);
  const comments = body.comments ?? [];
  if ((body.event === 'REQUEST_CHANGES' || body.event === 'COMMENT') && !body.body && comments.length === 0) {
    throw unprocessable('Unprocessable Entity', [`Review body is required for ${body.event}`]);
  }
  const files = new Map(ctx.state.pullRequestChanges(repo, pr, commitId).map((f) => [f.filename, f]));
  for (const comment of comments) {
    const file = files.get(comment.path);
    const lines = (side: 'LEFT' | 'RIGHT' | undefined) => (side === 'LEFT' ? file?.left : file?.right);
    if (comment.line === undefined && comment.position === undefined) {
      throw unprocessable('Unprocessable Entity', ['A review comment needs a line']);
    }
    const onDiff =
      file !== undefined &&
      (comment.line === undefined || lines(comment.side)?.has(comment.line)) &&
      (comment.start_line === undefined ||
        (lines(comment.start_side ?? comment.side)?.has(comment.start_line) &&
          comment.start_line < (comment.line ?? 0)));
    if (!onDiff) {
      // GitHub's answer when a comment's lines are not part of the pull request's diff.
      throw unprocessable('Unprocessable Entity', [
        'Pull request review thread line must be part of the diff',
        'Line could not be resolved',
      ]);
    }
  }
  const author = ctx.installation ? ctx.state.botLogin : pr.user;
  const review = {
    id: ctx.state.nextId(),
    nodeId: '',
    user: author,
    body: body.body ?? '',
    state:
      body.event === 'APPROVE'
        ? ('APPROVED' as const)
        : body.event === 'REQUEST_CHANGES'
          ? ('CHANGES_REQUESTED' as const)
          : ('COMMENTED' as const),
    commitId,
    submittedAt: ctx.now(),
  };
  review.nodeId = ids.nodeId('PRR', review.id);
  pr.reviews.push(review);
  for (const comment of comments) {
    const id = ctx.state.nextId();
    pr.comments.push({
      id,
      nodeId: ids.nodeId('PRRC', id),
      reviewId: review.id,
      user: author,
      body: comment.body,
      path: comment.path,
      line: comment.line ?? comment.position ?? 1,
      startLine: comment.start_line ?? null,
      side: comment.side ?? 'RIGHT',
      startSide: comment.start_line !== undefined ? (comment.start_side ?? comment.side ?? 'RIGHT') : null,
      commitId,
      inReplyTo: null,
      isMinimized: false,
      minimizedReason: null,
      createdAt: review.submittedAt,
      updatedAt: review.submittedAt,
    });
  }
  return ok(reviewObject(repo.fullName, pr.number, review, ctx.state.user(author)));
}

export function findReviewComment(
  state: SimulatorState,
  predicate: (c: SimReviewComment) => boolean,
  repo?: SimRepository,
): { repo: SimRepository; pr: SimPullRequest; comment: SimReviewComment } | undefined {
  for (const candidate of repo ? [repo] : state.repositories.values()) {
    for (const pr of candidate.pulls.values()) {
      const comment = pr.comments.find(predicate);
      if (comment) return { repo: candidate, pr, comment };
    }
  }
  return undefined;
}

function issueEventBody(ctx: RouteContext, pr: SimPullRequest, event: SimPullRequest['events'][number]) {
  const repo = repoOf(ctx).fullName;
  const label = pr.labels.find((l) => l.name === event.label);
  return {
    id: event.id,
    node_id: ids.nodeId('LE', event.id),
    url: `${API_URL}/repos/${repo}/issues/events/${event.id}`,
    actor: ctx.state.user(event.actor),
    event: event.event,
    commit_id: null,
    commit_url: null,
    created_at: event.createdAt,
    performed_via_github_app: null,
    ...(event.label ? { label: { name: event.label, color: label?.color ?? 'ededed' } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------

export const ROUTES: Record<string, Handler> = {
  'apps/create-installation-access-token': (ctx) => {
    const installation = ctx.state.installations.get(Number(ctx.params.installation_id));
    if (!installation) throw notFound();
    // The token itself is issued by the simulator (it knows the expiry); see GitHubSimulator.
    return ok({ installation }, 201);
  },

  'apps/get-repo-installation': (ctx) => {
    const installation = ctx.state.installations.get(repoOf(ctx).installationId);
    if (!installation) throw notFound();
    return ok(installationObject(ctx, installation));
  },

  'checks/create': (ctx) => {
    const repo = repoOf(ctx);
    const headSha = ctx.body.head_sha as string;
    if (!repo.git.commits.has(headSha)) throw unprocessable(`No commit found for SHA: ${headSha}`);
    const id = ctx.state.nextId() * 1000;
    const now = ctx.now();
    const run: SimCheckRun = {
      id,
      nodeId: ids.nodeId('CR', id),
      repo: repo.fullName,
      name: ctx.body.name,
      headSha,
      externalId: '',
      detailsUrl: null,
      status: 'queued',
      conclusion: null,
      startedAt: now,
      completedAt: null,
      output: { title: null, summary: null, text: null },
      annotations: [],
      actions: [],
      checkSuiteId: ctx.state.checkSuiteId(repo.fullName, headSha),
      history: [],
      createdAt: now,
      updatedAt: now,
    };
    applyCheckRun(ctx, run, ctx.body);
    ctx.state.checkRuns.set(id, run);
    return ok(checkRunBody(ctx, run), 201);
  },

  'checks/update': (ctx) => {
    const run = ctx.state.checkRuns.get(Number(ctx.params.check_run_id));
    if (!run || run.repo !== repoOf(ctx).fullName) throw notFound();
    applyCheckRun(ctx, run, ctx.body);
    return ok(checkRunBody(ctx, run));
  },

  'checks/list-for-ref': (ctx) => {
    const repo = repoOf(ctx);
    const sha = commitOrThrow(ctx, ctx.params.ref);
    const name = ctx.query.get('check_name');
    const status = ctx.query.get('status');
    let runs = [...ctx.state.checkRuns.values()]
      .filter((r) => r.repo === repo.fullName && r.headSha === sha)
      .filter((r) => (!name || r.name === name) && (!status || r.status === status))
      .sort((a, b) => b.id - a.id);
    // `filter=latest` (the default) keeps the most recent run of each name.
    if ((ctx.query.get('filter') ?? 'latest') === 'latest') {
      const seen = new Set<string>();
      runs = runs.filter((r) => !seen.has(r.name) && seen.add(r.name));
    }
    const { items, headers } = paginate(ctx, runs);
    return ok({ total_count: runs.length, check_runs: items.map((r) => checkRunBody(ctx, r)) }, 200, headers);
  },

  'git/create-blob': (ctx) => {
    const { content, encoding } = ctx.body as { content: string; encoding?: string };
    const sha = repoOf(ctx).git.writeBlob(Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'));
    return ok(blobBody(ctx, sha), 201);
  },

  'git/get-blob': (ctx) => {
    const sha = ctx.params.file_sha as string;
    const bytes = repoOf(ctx).git.blobs.get(sha);
    if (!bytes) throw notFound();
    return ok({
      ...blobBody(ctx, sha),
      node_id: ids.nodeId('B', bytes.length),
      size: bytes.length,
      content: base64Lines(bytes),
      encoding: 'base64',
    });
  },

  'git/create-tree': (ctx) => {
    const git = repoOf(ctx).git;
    const body = ctx.body as {
      base_tree?: string;
      tree: { path: string; mode: string; type: string; sha?: string | null; content?: string }[];
    };
    let flat = new Map<string, { mode: string; sha: string }>();
    if (body.base_tree) {
      const base = git.flatten(body.base_tree);
      if (!base) throw unprocessable(`base_tree ${body.base_tree} is not a tree`);
      flat = new Map(base);
    }
    for (const entry of body.tree) {
      const path = entry.path.replace(/^\/+|\/+$/g, '');
      if (entry.content !== undefined) {
        flat.set(path, { mode: entry.mode, sha: git.writeBlob(entry.content) });
      } else if (entry.sha === null || entry.sha === undefined) {
        for (const key of [...flat.keys()]) if (key === path || key.startsWith(`${path}/`)) flat.delete(key);
      } else if (entry.type === 'tree') {
        const sub = git.flatten(entry.sha);
        if (!sub) throw unprocessable(`tree.sha ${entry.sha} is not a valid tree`);
        for (const [subPath, file] of sub) flat.set(`${path}/${subPath}`, file);
      } else {
        if (!git.blobs.has(entry.sha)) throw unprocessable(`tree.sha ${entry.sha} is not a valid blob`);
        flat.set(path, { mode: entry.mode, sha: entry.sha });
      }
    }
    const tree = git.writeFlatTree(flat);
    return ok(treeBody(ctx, git, tree, false), 201);
  },

  'git/get-tree': (ctx) => {
    const git = repoOf(ctx).git;
    const ref = ctx.params.tree_sha as string;
    const tree = git.treeOf(ref) ?? git.treeOf(ctx.state.resolveRef(repoOf(ctx), ref) ?? '');
    if (!tree) throw notFound();
    // GitHub: "Setting this parameter to any value returns the objects or subtrees".
    return ok(treeBody(ctx, git, tree, ctx.query.has('recursive')));
  },

  'git/create-commit': (ctx) => {
    const git = repoOf(ctx).git;
    const body = ctx.body as { message: string; tree: string; parents?: string[] };
    if (!git.trees.has(body.tree)) throw unprocessable(`Tree SHA does not exist`);
    for (const parent of body.parents ?? []) {
      if (!git.commits.has(parent))
        throw unprocessable(`Parent SHA does not exist or is not a commit object`);
    }
    const sha = git.writeCommit(body.tree, body.parents ?? [], body.message);
    return ok(gitCommitBody(ctx, sha), 201);
  },

  'git/get-ref': (ctx) => {
    const branch = (ctx.params.ref ?? '').replace(/^heads\//, '');
    const sha = repoOf(ctx).branches.get(branch);
    if (!ctx.params.ref?.startsWith('heads/') || !sha) throw notFound();
    return ok(refBody(ctx, branch, sha));
  },

  'git/update-ref': (ctx) => {
    const repo = repoOf(ctx);
    const branch = (ctx.params.ref ?? '').replace(/^refs\//, '').replace(/^heads\//, '');
    const old = repo.branches.get(branch);
    if (!old) throw unprocessable('Reference does not exist');
    const { sha, force } = ctx.body as { sha: string; force?: boolean };
    if (!repo.git.commits.has(sha)) throw unprocessable('Object does not exist');
    if (!force && !repo.git.ancestors(sha).includes(old)) throw unprocessable('Update is not a fast forward');
    repo.branches.set(branch, sha);
    // A push to a pull request's head branch moves the pull request's head.
    for (const candidate of ctx.state.repositories.values()) {
      for (const pr of candidate.pulls.values()) {
        if (pr.headRepo === repo.fullName && pr.headRef === branch) {
          pr.headSha = sha;
          pr.updatedAt = ctx.now();
        }
      }
    }
    return ok(refBody(ctx, branch, sha));
  },

  'issues/list-events': (ctx) => {
    const pr = pullOf(ctx);
    return list(
      ctx,
      pr.events.map((event) => issueEventBody(ctx, pr, event)),
    );
  },

  'issues/list-labels-on-issue': (ctx) => {
    const pr = pullOf(ctx);
    return list(
      ctx,
      pr.labels.map((label) => labelObject(repoOf(ctx).fullName, label)),
    );
  },

  'issues/remove-label': (ctx) => {
    const pr = pullOf(ctx);
    const index = pr.labels.findIndex((l) => l.name === ctx.params.name);
    if (index === -1) throw new GitHubError(404, 'Label does not exist');
    pr.labels.splice(index, 1);
    pr.events.push({
      id: ctx.state.nextId(),
      event: 'unlabeled',
      actor: ctx.installation ? ctx.state.botLogin : pr.user,
      label: ctx.params.name as string,
      createdAt: ctx.now(),
    });
    return ok(pr.labels.map((label) => labelObject(repoOf(ctx).fullName, label)));
  },

  'pulls/get': (ctx) => ok(pullRequestObject(repoOf(ctx), pullOf(ctx), ctx.state.objects)),

  'pulls/list-files': (ctx) => {
    const pr = pullOf(ctx);
    // GitHub lists at most 3,000 files of a pull request.
    const files = ctx.state.pullRequestChanges(repoOf(ctx), pr).slice(0, 3000);
    return list(
      ctx,
      files.map((f) => fileBody(ctx, pr.headSha, f)),
    );
  },

  'pulls/create-review': createReview,

  'pulls/list-reviews': (ctx) => {
    const pr = pullOf(ctx);
    return list(
      ctx,
      pr.reviews.map((r) => reviewObject(repoOf(ctx).fullName, pr.number, r, ctx.state.user(r.user))),
    );
  },

  'pulls/list-review-comments': (ctx) => {
    const pr = pullOf(ctx);
    return list(
      ctx,
      pr.comments.map((c) => reviewCommentObject(repoOf(ctx).fullName, pr.number, c, ctx.state.user(c.user))),
    );
  },

  'pulls/update-review-comment': (ctx) => {
    const found = findReviewComment(ctx.state, (c) => c.id === Number(ctx.params.comment_id), repoOf(ctx));
    if (!found) throw notFound();
    found.comment.body = ctx.body.body;
    found.comment.updatedAt = ctx.now();
    return ok(
      reviewCommentObject(
        found.repo.fullName,
        found.pr.number,
        found.comment,
        ctx.state.user(found.comment.user),
      ),
    );
  },

  'repos/get-content': getContent,

  'repos/get-collaborator-permission-level': (ctx) => {
    const login = ctx.params.username as string;
    const role = repoOf(ctx).collaborators.get(login) ?? 'none';
    // `permission` is the legacy field: maintain counts as write, triage as read.
    const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
    const rank = ['none', 'read', 'triage', 'write', 'maintain', 'admin'].indexOf(role);
    const permissions = {
      pull: rank >= 1,
      triage: rank >= 2,
      push: rank >= 3,
      maintain: rank >= 4,
      admin: rank >= 5,
    };
    return ok({
      permission,
      role_name: role,
      user: { ...ctx.state.user(login), permissions, role_name: role },
    });
  },

  'repos/compare-commits-with-basehead': (ctx) => {
    const repo = repoOf(ctx);
    const [baseRef, headRef] = (ctx.params.basehead ?? '').split('...');
    const base = ctx.state.resolveRef(repo, baseRef);
    const head = ctx.state.resolveRef(repo, headRef);
    if (!base || !head) throw notFound();
    const mergeBase = repo.git.mergeBase(base, head);
    if (!mergeBase) throw notFound();
    const ofBase = new Set(repo.git.ancestors(base));
    const ofHead = new Set(repo.git.ancestors(head));
    const ahead = [...ofHead].filter((sha) => !ofBase.has(sha)).reverse();
    const behind = [...ofBase].filter((sha) => !ofHead.has(sha)).length;
    const { items, headers } = paginate(ctx, ahead);
    const status =
      ahead.length === 0 && behind === 0
        ? 'identical'
        : behind === 0
          ? 'ahead'
          : ahead.length === 0
            ? 'behind'
            : 'diverged';
    const files = ctx.state.changes(repo.git, mergeBase, head);
    return ok(
      {
        url: `${API_URL}/repos/${repo.fullName}/compare/${ctx.params.basehead}`,
        html_url: `${WEB}/${repo.fullName}/compare/${ctx.params.basehead}`,
        permalink_url: `${WEB}/${repo.fullName}/compare/${ctx.params.basehead}`,
        diff_url: `${WEB}/${repo.fullName}/compare/${ctx.params.basehead}.diff`,
        patch_url: `${WEB}/${repo.fullName}/compare/${ctx.params.basehead}.patch`,
        base_commit: commitObject(repo.fullName, repo.git, base),
        merge_base_commit: commitObject(repo.fullName, repo.git, mergeBase),
        status,
        ahead_by: ahead.length,
        behind_by: behind,
        total_commits: ahead.length,
        commits: items.map((sha) => commitObject(repo.fullName, repo.git, sha)),
        files: files.map((f) => fileBody(ctx, head, f)),
      },
      200,
      headers,
    );
  },

  'repos/download-tarball-archive': (ctx) => {
    const repo = repoOf(ctx);
    const sha = commitOrThrow(ctx, ctx.params.ref);
    // GitHub redirects to codeload; here to the simulator's own /_codeload route.
    return {
      status: 302,
      headers: { location: `${ctx.origin}/_codeload/${repo.fullName}/legacy.tar.gz/${sha}` },
    };
  },

  'repos/list-pull-requests-associated-with-commit': (ctx) => {
    const repo = repoOf(ctx);
    const sha = ctx.params.commit_sha as string;
    const pulls = [...repo.pulls.values()].filter(
      (pr) =>
        pr.headSha === sha ||
        (repo.git.ancestors(pr.headSha).includes(sha) && !repo.git.ancestors(pr.baseSha).includes(sha)),
    );
    return list(
      ctx,
      pulls.map((pr) => pullRequestObject(repo, pr, ctx.state.objects)),
    );
  },
};
