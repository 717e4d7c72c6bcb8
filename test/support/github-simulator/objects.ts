/**
 * The simulator's state, and the JSON objects GitHub serves for it: users, repositories, pull
 * requests, check runs, review comments. The same builders feed the REST answers and the
 * webhook payloads, as on GitHub, where a webhook's `pull_request` is the REST object.
 * URLs name api.github.com (as GitHub Enterprise payloads would name their own host); the App
 * reads owner, name, numbers and SHAs, never these links.
 */
import type { GitStore } from './git.js';

export const WEB = 'https://github.com';
export const API_URL = 'https://api.github.com';
const EPOCH = '2025-01-01T00:00:00Z';

export interface SimApp {
  id: number;
  slug: string;
  name: string;
  owner: string;
}

export interface SimInstallation {
  id: number;
  account: string;
}

export interface SimRepository {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  private: boolean;
  defaultBranch: string;
  installationId: number;
  git: GitStore;
  /** Branch name → commit. */
  branches: Map<string, string>;
  /** Login → permission (`admin`, `maintain`, `write`, `triage`, `read`). */
  collaborators: Map<string, string>;
  pulls: Map<number, SimPullRequest>;
  /** The repository this one is a fork of. */
  parent?: string;
  nextNumber: number;
}

export interface SimLabel {
  id: number;
  name: string;
  color: string;
}

export interface SimIssueEvent {
  id: number;
  event: 'labeled' | 'unlabeled' | 'head_ref_force_pushed';
  actor: string;
  label?: string;
  createdAt: string;
}

export interface SimReview {
  id: number;
  nodeId: string;
  user: string;
  body: string;
  state: 'COMMENTED' | 'CHANGES_REQUESTED' | 'APPROVED';
  commitId: string;
  submittedAt: string;
}

export interface SimReviewComment {
  id: number;
  nodeId: string;
  reviewId: number | null;
  user: string;
  body: string;
  path: string;
  line: number;
  startLine: number | null;
  side: 'LEFT' | 'RIGHT';
  startSide: 'LEFT' | 'RIGHT' | null;
  commitId: string;
  inReplyTo: number | null;
  isMinimized: boolean;
  minimizedReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SimPullRequest {
  id: number;
  number: number;
  nodeId: string;
  title: string;
  user: string;
  state: 'open' | 'closed';
  draft: boolean;
  headRef: string;
  headSha: string;
  /** Full name of the repository the head branch is in (a fork's, for a pull request from one). */
  headRepo: string;
  baseRef: string;
  baseSha: string;
  labels: SimLabel[];
  events: SimIssueEvent[];
  reviews: SimReview[];
  comments: SimReviewComment[];
  createdAt: string;
  updatedAt: string;
}

export interface SimAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: string;
  message: string;
  title?: string;
  start_column?: number;
  end_column?: number;
  raw_details?: string;
}

export interface SimCheckRun {
  id: number;
  nodeId: string;
  repo: string;
  name: string;
  headSha: string;
  externalId: string;
  detailsUrl: string | null;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: string | null;
  startedAt: string;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  /** Every annotation sent, in order: GitHub adds each request's to those already there. */
  annotations: SimAnnotation[];
  actions: { label: string; description: string; identifier: string }[];
  checkSuiteId: number;
  /** The request bodies of `checks/create` and each `checks/update`, in order. */
  history: Record<string, unknown>[];
  createdAt: string;
  updatedAt: string;
}

/** Digits that look like GitHub's, from a number (stable, so payloads compare across runs). */
function nodeId(prefix: string, id: number): string {
  return `${prefix}_kwDO${Buffer.from(String(id)).toString('base64url')}`;
}

export const ids = { nodeId };

export function userObject(login: string, id: number, type: 'User' | 'Organization' | 'Bot' = 'User') {
  const url = `${API_URL}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: nodeId(type === 'Organization' ? 'O' : type === 'Bot' ? 'BOT' : 'U', id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url: type === 'Bot' ? `${WEB}/apps/${login.replace(/\[bot\]$/, '')}` : `${WEB}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** `<key>_url` suffixes of a repository object, after `https://api.github.com/repos/<o>/<r>`. */
const REPOSITORY_URLS: [string, string][] = [
  ['forks', '/forks'],
  ['keys', '/keys{/key_id}'],
  ['collaborators', '/collaborators{/collaborator}'],
  ['teams', '/teams'],
  ['hooks', '/hooks'],
  ['issue_events', '/issues/events{/number}'],
  ['events', '/events'],
  ['assignees', '/assignees{/user}'],
  ['branches', '/branches{/branch}'],
  ['tags', '/tags'],
  ['blobs', '/git/blobs{/sha}'],
  ['git_tags', '/git/tags{/sha}'],
  ['git_refs', '/git/refs{/sha}'],
  ['trees', '/git/trees{/sha}'],
  ['statuses', '/statuses/{sha}'],
  ['languages', '/languages'],
  ['stargazers', '/stargazers'],
  ['contributors', '/contributors'],
  ['subscribers', '/subscribers'],
  ['subscription', '/subscription'],
  ['commits', '/commits{/sha}'],
  ['git_commits', '/git/commits{/sha}'],
  ['comments', '/comments{/number}'],
  ['issue_comment', '/issues/comments{/number}'],
  ['contents', '/contents/{+path}'],
  ['compare', '/compare/{base}...{head}'],
  ['merges', '/merges'],
  ['archive', '/{archive_format}{/ref}'],
  ['downloads', '/downloads'],
  ['issues', '/issues{/number}'],
  ['pulls', '/pulls{/number}'],
  ['milestones', '/milestones{/number}'],
  ['notifications', '/notifications{?since,all,participating}'],
  ['labels', '/labels{/name}'],
  ['releases', '/releases{/id}'],
  ['deployments', '/deployments'],
];

export function repositoryObject(repo: SimRepository, owner: ReturnType<typeof userObject>) {
  const api = `${API_URL}/repos/${repo.fullName}`;
  return {
    id: repo.id,
    node_id: nodeId('R', repo.id),
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
    owner,
    html_url: `${WEB}/${repo.fullName}`,
    description: null,
    fork: repo.parent !== undefined,
    url: api,
    ...Object.fromEntries(REPOSITORY_URLS.map(([key, suffix]) => [`${key}_url`, `${api}${suffix}`])),
    created_at: EPOCH,
    updated_at: EPOCH,
    pushed_at: EPOCH,
    git_url: `git://github.com/${repo.fullName}.git`,
    ssh_url: `git@github.com:${repo.fullName}.git`,
    clone_url: `${WEB}/${repo.fullName}.git`,
    svn_url: `${WEB}/${repo.fullName}`,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: false,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: repo.pulls.size,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: repo.private ? 'private' : 'public',
    forks: 0,
    open_issues: repo.pulls.size,
    watchers: 0,
    default_branch: repo.defaultBranch,
  };
}

export function labelObject(repo: string, label: SimLabel) {
  return {
    id: label.id,
    node_id: nodeId('LA', label.id),
    url: `${API_URL}/repos/${repo}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: false,
    description: null,
  };
}

export interface ObjectContext {
  user(login: string): ReturnType<typeof userObject>;
  repository(fullName: string): ReturnType<typeof repositoryObject>;
  /** Changed files, additions and deletions of a pull request. */
  stats(pr: SimPullRequest, repo: SimRepository): { files: number; additions: number; deletions: number };
}

export function pullRequestObject(repo: SimRepository, pr: SimPullRequest, context: ObjectContext) {
  const api = `${API_URL}/repos/${repo.fullName}`;
  const html = `${WEB}/${repo.fullName}/pull/${pr.number}`;
  const stats = context.stats(pr, repo);
  const branch = (fullName: string, ref: string, sha: string) => {
    const owner = fullName.split('/')[0] as string;
    return {
      label: `${owner}:${ref}`,
      ref,
      sha,
      user: context.user(owner),
      repo: context.repository(fullName),
    };
  };
  return {
    url: `${api}/pulls/${pr.number}`,
    id: pr.id,
    node_id: pr.nodeId,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: context.user(pr.user),
    body: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: null,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: pr.labels.map((label) => labelObject(repo.fullName, label)),
    milestone: null,
    draft: pr.draft,
    commits_url: `${api}/pulls/${pr.number}/commits`,
    review_comments_url: `${api}/pulls/${pr.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${pr.headSha}`,
    head: branch(pr.headRepo, pr.headRef, pr.headSha),
    base: branch(repo.fullName, pr.baseRef, pr.baseSha),
    _links: {
      self: { href: `${api}/pulls/${pr.number}` },
      html: { href: html },
      issue: { href: `${api}/issues/${pr.number}` },
      comments: { href: `${api}/issues/${pr.number}/comments` },
      review_comments: { href: `${api}/pulls/${pr.number}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${api}/pulls/${pr.number}/commits` },
      statuses: { href: `${api}/statuses/${pr.headSha}` },
    },
    author_association: repo.collaborators.has(pr.user) ? 'COLLABORATOR' : 'CONTRIBUTOR',
    auto_merge: null,
    active_lock_reason: null,
    merged: false,
    mergeable: null,
    rebaseable: null,
    mergeable_state: 'unknown',
    merged_by: null,
    comments: 0,
    review_comments: pr.comments.length,
    maintainer_can_modify: false,
    commits: 1,
    additions: stats.additions,
    deletions: stats.deletions,
    changed_files: stats.files,
  };
}

/** A pull request as a check run or check suite lists it: numbers, refs, SHAs. */
export function pullRequestRef(repo: SimRepository, pr: SimPullRequest, headRepo: SimRepository) {
  const ref = (r: SimRepository) => ({ id: r.id, url: `${API_URL}/repos/${r.fullName}`, name: r.name });
  return {
    url: `${API_URL}/repos/${repo.fullName}/pulls/${pr.number}`,
    id: pr.id,
    number: pr.number,
    head: { ref: pr.headRef, sha: pr.headSha, repo: ref(headRepo) },
    base: { ref: pr.baseRef, sha: pr.baseSha, repo: ref(repo) },
  };
}

export function appObject(app: SimApp, owner: ReturnType<typeof userObject>) {
  return {
    id: app.id,
    client_id: `Iv23li${String(app.id).padStart(14, '0')}`,
    slug: app.slug,
    node_id: nodeId('A', app.id),
    owner,
    name: app.name,
    description: 'A GitHub App under test',
    external_url: 'https://portcullis.test',
    html_url: `${WEB}/apps/${app.slug}`,
    created_at: EPOCH,
    updated_at: EPOCH,
    permissions: { checks: 'write', contents: 'write', metadata: 'read', pull_requests: 'write' },
    events: ['check_run', 'check_suite', 'pull_request'],
  };
}

export function checkRunObject(
  run: SimCheckRun,
  app: ReturnType<typeof appObject>,
  pullRequests: ReturnType<typeof pullRequestRef>[],
) {
  const api = `${API_URL}/repos/${run.repo}`;
  return {
    id: run.id,
    name: run.name,
    node_id: run.nodeId,
    head_sha: run.headSha,
    external_id: run.externalId,
    url: `${api}/check-runs/${run.id}`,
    html_url: `${WEB}/${run.repo}/runs/${run.id}`,
    // GitHub fills in the App's page when a run names no details URL.
    details_url: run.detailsUrl ?? `${WEB}/apps/${app.slug}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.annotations.length,
      annotations_url: `${api}/check-runs/${run.id}/annotations`,
    },
    check_suite: { id: run.checkSuiteId },
    app,
    pull_requests: pullRequests,
  };
}

export function reviewCommentObject(
  repo: string,
  pullNumber: number,
  comment: SimReviewComment,
  user: ReturnType<typeof userObject>,
) {
  const api = `${API_URL}/repos/${repo}`;
  const html = `${WEB}/${repo}/pull/${pullNumber}#discussion_r${comment.id}`;
  return {
    url: `${api}/pulls/comments/${comment.id}`,
    pull_request_review_id: comment.reviewId,
    id: comment.id,
    node_id: comment.nodeId,
    diff_hunk: '',
    path: comment.path,
    position: comment.line,
    original_position: comment.line,
    commit_id: comment.commitId,
    original_commit_id: comment.commitId,
    ...(comment.inReplyTo ? { in_reply_to_id: comment.inReplyTo } : {}),
    user,
    body: comment.body,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    html_url: html,
    pull_request_url: `${api}/pulls/${pullNumber}`,
    author_association: user.type === 'Bot' ? 'NONE' : 'MEMBER',
    _links: {
      self: { href: `${api}/pulls/comments/${comment.id}` },
      html: { href: html },
      pull_request: { href: `${api}/pulls/${pullNumber}` },
    },
    start_line: comment.startLine,
    original_start_line: comment.startLine,
    start_side: comment.startSide,
    line: comment.line,
    original_line: comment.line,
    side: comment.side,
    subject_type: 'line',
  };
}

export function reviewObject(
  repo: string,
  pullNumber: number,
  review: SimReview,
  user: ReturnType<typeof userObject>,
) {
  const html = `${WEB}/${repo}/pull/${pullNumber}#pullrequestreview-${review.id}`;
  return {
    id: review.id,
    node_id: review.nodeId,
    user,
    body: review.body,
    state: review.state,
    html_url: html,
    pull_request_url: `${API_URL}/repos/${repo}/pulls/${pullNumber}`,
    _links: { html: { href: html }, pull_request: { href: `${API_URL}/repos/${repo}/pulls/${pullNumber}` } },
    submitted_at: review.submittedAt,
    commit_id: review.commitId,
    author_association: user.type === 'Bot' ? 'NONE' : 'MEMBER',
  };
}

export function commitObject(repo: string, git: GitStore, sha: string) {
  const commit = git.commits.get(sha);
  const api = `${API_URL}/repos/${repo}`;
  const person = { name: 'Octo Simulator', email: 'simulator@github.test', date: commit?.date ?? EPOCH };
  return {
    url: `${api}/commits/${sha}`,
    sha,
    node_id: nodeId('C', Number.parseInt(sha.slice(0, 8), 16)),
    html_url: `${WEB}/${repo}/commit/${sha}`,
    comments_url: `${api}/commits/${sha}/comments`,
    commit: {
      url: `${api}/git/commits/${sha}`,
      author: person,
      committer: person,
      message: commit?.message ?? '',
      comment_count: 0,
      tree: { sha: commit?.tree ?? '', url: `${api}/git/trees/${commit?.tree ?? ''}` },
    },
    author: null,
    committer: null,
    parents: (commit?.parents ?? []).map((p) => ({
      sha: p,
      url: `${api}/commits/${p}`,
      html_url: `${WEB}/${repo}/commit/${p}`,
    })),
  };
}
