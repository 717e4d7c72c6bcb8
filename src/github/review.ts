/**
 * The pull request review Portcullis posts after its check run: one comment per finding on
 * a line the pull request changed, with a suggestion block when the finding's fix fits in
 * the diff. Findings elsewhere stay annotations on the check run.
 *
 * Every comment carries a hidden marker with the finding's fingerprint (rule, path and the
 * text of the offending lines, not their number), so a re-run or a redelivered webhook
 * recognises its earlier comments: an unchanged finding is not posted again, a changed one
 * has its comment edited, and one that went away has its comment minimized as resolved.
 */
import { fingerprintFindings } from '../core/fingerprint.js';
import type { TargetFile } from '../core/judge.js';
import { compareFindings, type Finding, SEVERITY_ORDER } from '../policy/findings.js';
import { BADGE, CHECK_RUN_NAME } from '../report/check-run.js';
import { codeFence, markdownCode, markdownText } from '../report/markdown.js';
import { containsSecret } from '../report/redact.js';
import { addedLinesIn, type FileDiff, hunkContaining, parsePatch } from './diff-hunks.js';
import type { Octokit, PullRequestFile, PullRequestRef } from './pull-request-files.js';

export { fingerprintFindings };

export type ReviewEvent = 'COMMENT' | 'REQUEST_CHANGES';

export interface ReviewOptions {
  /** `REQUEST_CHANGES` asks for changes when any finding is at deny level; default `COMMENT`. */
  event?: ReviewEvent;
  /** At most this many open Portcullis comments on a pull request (default 20). */
  maxComments?: number;
}

export const DEFAULT_MAX_COMMENTS = 20;

export interface ReviewInput {
  /** Every finding of the judgement, inside the diff or not. */
  findings: readonly Finding[];
  /** The pull request's changed files with their patches. */
  files: readonly PullRequestFile[];
  /** The judged files at the head commit, by path. */
  headFiles: ReadonlyMap<string, TargetFile['content']>;
  /** The rule's remediation advice, by rule id. */
  remediation: (ruleId: string) => string | undefined;
}

/** A comment Portcullis wants on the pull request, anchored on head lines `start`..`end`. */
export interface PlannedComment {
  fingerprint: string;
  finding: Finding;
  start: number;
  end: number;
  body: string;
}

/** A Portcullis comment already on the pull request. */
export interface PostedComment {
  id: number;
  nodeId: string;
  fingerprint: string;
  body: string;
  /** Where it is anchored now; null once GitHub considers it outdated. */
  start: number | null;
  end: number | null;
  minimized: boolean;
}

export type MinimizeReason = 'RESOLVED' | 'OUTDATED' | 'DUPLICATE';

export interface ReviewPlan {
  create: PlannedComment[];
  /** Comments over the cap: listed in the review body instead. */
  notCommented: PlannedComment[];
  update: { id: number; body: string }[];
  minimize: { nodeId: string; reason: MinimizeReason }[];
}

export interface ReviewOutcome {
  created: number;
  updated: number;
  minimized: number;
  notCommented: number;
}

/**
 * Only at the very start of a body, where nothing but Portcullis writes: user text is escaped
 * (`<` becomes `&lt;`) but a suggestion holds the file's text as is, and another bot may
 * quote a pull request's text carrying a marker.
 */
const MARKER = /^<!-- portcullis:finding:([0-9a-f]{16}(?:-\d+)?) -->/;
const REVIEW_MARKER = '<!-- portcullis:review -->';
const MESSAGE_LIMIT = 4000;
/** GitHub's limit on a comment body is 65,536 characters. */
const COMMENT_LIMIT = 65_536;
/** Findings over the cap listed in the review body, at most; the check run has them all. */
const BODY_LIST_LIMIT = 50;
/** GitHub's `nodes(ids:)` takes at most 100 ids. */
const NODES_PER_QUERY = 100;

/** Posts, edits and minimizes review comments so the pull request shows the findings of `input`. */
export async function publishReview(
  octokit: Octokit,
  pr: PullRequestRef,
  input: ReviewInput,
  options: ReviewOptions = {},
): Promise<ReviewOutcome> {
  const { owner, repo } = pr;
  const fingerprints = fingerprintFindings(input.findings, input.headFiles);
  const desired = plannedComments(input, fingerprints);
  const posted = await postedComments(octokit, pr);
  const plan = planReview(
    desired,
    new Set(fingerprints),
    posted,
    options.maxComments ?? DEFAULT_MAX_COMMENTS,
  );

  if (plan.create.length > 0 && !(await reviewedAlready(octokit, pr))) {
    await octokit.rest.pulls.createReview({
      owner,
      repo,
      pull_number: pr.pullNumber,
      commit_id: pr.headSha,
      ...reviewFields(plan, input, options),
    });
  }
  for (const { id, body } of plan.update) {
    await octokit.rest.pulls.updateReviewComment({ owner, repo, comment_id: id, body });
  }
  for (const { nodeId, reason } of plan.minimize) {
    await octokit.graphql(MINIMIZE_COMMENT, { id: nodeId, classifier: reason });
  }
  return {
    created: plan.create.length,
    updated: plan.update.length,
    minimized: plan.minimize.length,
    notCommented: plan.notCommented.length,
  };
}

/** The review's event, body and comments as `pulls.createReview` takes them. */
function reviewFields(plan: ReviewPlan, input: ReviewInput, options: ReviewOptions) {
  const deny = input.findings.some((f) => f.severity === 'deny');
  return {
    event: options.event === 'REQUEST_CHANGES' && deny ? ('REQUEST_CHANGES' as const) : ('COMMENT' as const),
    body: reviewBody(plan),
    comments: plan.create.map(toReviewComment),
  };
}

/**
 * The review `publishReview` creates on a pull request that has no Portcullis comments yet,
 * without GitHub: what the demo prints. Null when no finding is on a changed line.
 */
export function firstReview(input: ReviewInput, options: ReviewOptions = {}) {
  const fingerprints = fingerprintFindings(input.findings, input.headFiles);
  const plan = planReview(
    plannedComments(input, fingerprints),
    new Set(fingerprints),
    [],
    options.maxComments ?? DEFAULT_MAX_COMMENTS,
  );
  return plan.create.length > 0 ? reviewFields(plan, input, options) : null;
}

/**
 * What to create, edit and minimize. A finding keeps its comment while the comment still
 * sits on the finding's lines; the cap counts the comments kept, so re-runs do not add
 * comments once it is reached.
 */
export function planReview(
  desired: readonly PlannedComment[],
  currentFingerprints: ReadonlySet<string>,
  posted: readonly PostedComment[],
  maxComments: number,
): ReviewPlan {
  const plan: ReviewPlan = { create: [], notCommented: [], update: [], minimize: [] };
  const wanted = new Map(desired.map((c) => [c.fingerprint, c]));
  const kept = new Set<string>();
  const handled = new Set<string>();
  for (const comment of [...posted].filter((c) => !c.minimized).sort((a, b) => a.id - b.id)) {
    const { fingerprint, nodeId } = comment;
    if (handled.has(fingerprint)) {
      // Two deliveries handled at the same moment can both post: keep the first.
      plan.minimize.push({ nodeId, reason: 'DUPLICATE' });
      continue;
    }
    handled.add(fingerprint);
    const want = wanted.get(fingerprint);
    if (!want) {
      // Gone, or still there but no longer on a line this pull request changes.
      plan.minimize.push({ nodeId, reason: currentFingerprints.has(fingerprint) ? 'OUTDATED' : 'RESOLVED' });
    } else if (comment.end !== want.end || (comment.start ?? comment.end) !== want.start) {
      // An edit cannot move a comment, and a suggestion on the wrong lines would break them: post anew.
      plan.minimize.push({ nodeId, reason: 'OUTDATED' });
    } else {
      kept.add(fingerprint);
      if (normalise(comment.body) !== normalise(want.body))
        plan.update.push({ id: comment.id, body: want.body });
    }
  }
  const fresh = desired.filter((c) => !kept.has(c.fingerprint));
  const slots = Math.max(0, maxComments - kept.size);
  plan.create = fresh.slice(0, slots);
  plan.notCommented = fresh.slice(slots);
  return plan;
}

/** Where a finding's comment goes, or undefined when it stays an annotation only. */
export function commentAnchor(
  finding: Finding,
  diff: FileDiff,
  allowSuggestion = true,
): { start: number; end: number; suggestion: boolean } | undefined {
  const [firstAdded] = addedLinesIn(diff, finding.line, finding.end_line);
  if (firstAdded === undefined) return undefined; // not on a line this pull request changed
  const { fix } = finding;
  // A suggestion replaces exactly the fix's lines, so it needs all of them in one hunk. One
  // that carries a credential is not posted: redacted, applying it would write `***`.
  if (
    fix &&
    allowSuggestion &&
    !containsSecret(fix.replacement) &&
    hunkContaining(diff, fix.line, fix.end_line)
  ) {
    return { start: fix.line, end: fix.end_line, suggestion: true };
  }
  const hunk = hunkContaining(diff, firstAdded, firstAdded);
  if (!hunk) return undefined;
  return {
    start: Math.max(finding.line, hunk.start),
    end: Math.min(finding.end_line, hunk.end),
    suggestion: false,
  };
}

/** The comments the findings want, most severe first (the cap keeps those). */
function plannedComments(input: ReviewInput, fingerprints: readonly string[]): PlannedComment[] {
  const diffs = new Map(input.files.map((f) => [f.path, parsePatch(f.patch)]));
  const planned: PlannedComment[] = [];
  input.findings.forEach((finding, i) => {
    const diff = diffs.get(finding.path);
    let anchor = diff && commentAnchor(finding, diff);
    if (!diff || !anchor) return;
    const fingerprint = fingerprints[i] as string;
    const remediation = input.remediation(finding.rule_id);
    let body = commentBody(finding, fingerprint, remediation, anchor.suggestion);
    if (body.length > COMMENT_LIMIT) {
      // GitHub rejects longer comments (and with them the whole review): drop the suggestion.
      anchor = commentAnchor(finding, diff, false);
      if (!anchor) return;
      body = commentBody(finding, fingerprint, remediation, false);
    }
    planned.push({ fingerprint, finding, start: anchor.start, end: anchor.end, body });
  });
  return planned.sort(
    (a, b) =>
      SEVERITY_ORDER[a.finding.severity] - SEVERITY_ORDER[b.finding.severity] ||
      compareFindings(a.finding, b.finding),
  );
}

/** A comment's markdown. Everything from the Dockerfile or a policy is escaped. */
export function commentBody(
  finding: Finding,
  fingerprint: string,
  remediation: string | undefined,
  suggestion: boolean,
): string {
  const message =
    finding.message.length > MESSAGE_LIMIT ? `${finding.message.slice(0, MESSAGE_LIMIT)}…` : finding.message;
  const lines = [
    `<!-- portcullis:finding:${fingerprint} -->`,
    `${BADGE[finding.severity]} **${markdownText(finding.rule_id)}** · ${markdownText(finding.title)}`,
    '',
    markdownText(message),
  ];
  const { fix } = finding;
  if (fix && containsSecret(fix.replacement)) {
    lines.push(
      '',
      `**Fix available:** ${markdownText(fix.description)}. It is not shown as a suggestion because it holds what looks like a credential; **Apply fixes** on the check run or \`portcullis fix\` applies it.`,
    );
  } else if (suggestion && fix) {
    lines.push('', `**Suggested fix:** ${markdownText(fix.description)}`, '');
    lines.push(suggestionBlock(fix.replacement));
  }
  if (remediation) lines.push('', `**Remediation:** ${markdownText(remediation)}`);
  return lines.join('\n');
}

/**
 * A suggestion block is code, so nothing in it renders; its fence is longer than any run
 * of backticks in the replacement, which therefore cannot close it early.
 */
function suggestionBlock(replacement: string): string {
  const fence = codeFence(replacement);
  // An empty suggestion deletes the lines.
  return `${fence}suggestion\n${replacement === '' ? '' : `${replacement}\n`}${fence}`;
}

function reviewBody(plan: ReviewPlan): string {
  const n = plan.create.length;
  const lines = [
    REVIEW_MARKER,
    `Portcullis has ${n === 1 ? '1 comment' : `${n} comments`} on lines this pull request changes. ` +
      `The **${CHECK_RUN_NAME}** check run lists every finding.`,
  ];
  if (plan.notCommented.length > 0) {
    lines.push(
      '',
      `${plan.notCommented.length} more ${plan.notCommented.length === 1 ? 'finding' : 'findings'} on changed lines, not commented on to keep this review readable:`,
      '',
    );
    for (const { finding: f } of plan.notCommented.slice(0, BODY_LIST_LIMIT)) {
      lines.push(
        `- ${markdownCode(f.path)} line ${f.line}: ${BADGE[f.severity]} ${markdownText(f.rule_id)} ${markdownText(f.title)}`,
      );
    }
    const rest = plan.notCommented.length - BODY_LIST_LIMIT;
    if (rest > 0) lines.push(`- and ${rest} more (see the check run)`);
  }
  return lines.join('\n');
}

function toReviewComment(c: PlannedComment) {
  return {
    path: c.finding.path,
    body: c.body,
    line: c.end,
    side: 'RIGHT' as const,
    ...(c.start < c.end ? { start_line: c.start, start_side: 'RIGHT' as const } : {}),
  };
}

/**
 * Whether Portcullis already reviewed the head commit: a job run again (a retry after a
 * crash, a redelivery that got past the queue) must not post a second review, even while
 * GitHub does not list the first one's comments yet. Same rule as for comments: only a bot's
 * review with the marker counts.
 */
async function reviewedAlready(octokit: Octokit, pr: PullRequestRef): Promise<boolean> {
  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, {
    owner: pr.owner,
    repo: pr.repo,
    pull_number: pr.pullNumber,
    per_page: 100,
  });
  return reviews.some(
    (r) => r.commit_id === pr.headSha && r.user?.type === 'Bot' && r.body.startsWith(REVIEW_MARKER),
  );
}

/**
 * Portcullis's comments on the pull request, every page. Only comments by a bot count, so
 * a person cannot silence a finding by pasting its marker into a comment of their own.
 */
async function postedComments(octokit: Octokit, pr: PullRequestRef): Promise<PostedComment[]> {
  const comments = await octokit.paginate(octokit.rest.pulls.listReviewComments, {
    owner: pr.owner,
    repo: pr.repo,
    pull_number: pr.pullNumber,
    per_page: 100,
  });
  const ours = comments.flatMap((c) => {
    const fingerprint = commentFingerprint(c.body);
    if (!fingerprint || c.user?.type !== 'Bot' || c.in_reply_to_id) return [];
    return [
      {
        id: c.id,
        nodeId: c.node_id,
        fingerprint,
        body: c.body,
        start: c.start_line ?? null,
        end: c.line ?? null,
        minimized: false,
      },
    ];
  });
  // REST does not say whether a comment is minimized; GraphQL does.
  for (let i = 0; i < ours.length; i += NODES_PER_QUERY) {
    const batch = ours.slice(i, i + NODES_PER_QUERY);
    const { nodes } = await octokit.graphql<{ nodes: ({ id?: string; isMinimized?: boolean } | null)[] }>(
      COMMENT_STATES,
      { ids: batch.map((c) => c.nodeId) },
    );
    const minimized = new Set(nodes.flatMap((n) => (n?.id && n.isMinimized ? [n.id] : [])));
    for (const c of batch) c.minimized = minimized.has(c.nodeId);
  }
  return ours;
}

const COMMENT_STATES = `query PortcullisCommentStates($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on PullRequestReviewComment { id isMinimized }
  }
}`;

const MINIMIZE_COMMENT = `mutation PortcullisMinimizeComment($id: ID!, $classifier: ReportedContentClassifiers!) {
  minimizeComment(input: { subjectId: $id, classifier: $classifier }) {
    minimizedComment { isMinimized }
  }
}`;

/** The fingerprint of a Portcullis comment, read from the marker its body starts with. */
export function commentFingerprint(body: string): string | undefined {
  return MARKER.exec(body)?.[1];
}

/** GitHub may store a body with CRLF line breaks or trim it. */
function normalise(body: string): string {
  return body.replace(/\r\n/g, '\n').trim();
}
