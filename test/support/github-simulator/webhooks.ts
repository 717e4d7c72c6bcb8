/**
 * Webhook payloads built from the simulator's state, each checked against GitHub's published
 * webhook schema (test/support/github-webhooks.ts) before it is handed out: a builder that
 * drifts from GitHub's shape throws here rather than teaching the App a payload GitHub never
 * sends. A test may still change a built payload (e.g. `pull_requests: null`) before sending it.
 */
import { validateWebhookPayload } from '../github-webhooks.js';
import { API_URL, checkRunObject, ids, labelObject, pullRequestObject, type SimCheckRun } from './objects.js';
import type { SimulatorState } from './state.js';

export type Payload = Record<string, unknown>;

function checked(event: string, action: string, payload: Payload): Payload {
  const problems = validateWebhookPayload(event, action, payload);
  if (problems.length > 0) {
    throw new Error(`the simulator built an invalid ${event}.${action} payload:\n  ${problems.join('\n  ')}`);
  }
  return payload;
}

function organization(state: SimulatorState, login: string) {
  const account = state.account(login);
  if (account.type !== 'Organization') return {};
  const url = `${API_URL}/orgs/${login}`;
  return {
    organization: {
      login,
      id: account.id,
      node_id: ids.nodeId('O', account.id),
      url,
      repos_url: `${url}/repos`,
      events_url: `${url}/events`,
      hooks_url: `${url}/hooks`,
      issues_url: `${url}/issues`,
      members_url: `${url}/members{/member}`,
      public_members_url: `${url}/public_members{/member}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${account.id}?v=4`,
      description: null,
    },
  };
}

/** What every payload of a repository carries: repository, organization, sender, installation. */
function envelope(state: SimulatorState, fullName: string, sender: string) {
  const repo = state.requireRepository(fullName);
  return {
    repository: state.objects.repository(fullName),
    ...organization(state, repo.owner),
    sender: state.user(sender),
    installation: {
      id: repo.installationId,
      node_id: Buffer.from(`023:IntegrationInstallation${repo.installationId}`).toString('base64'),
    },
  };
}

export interface PullRequestEventOptions {
  /** Who did it (default: the pull request's author). */
  sender?: string;
  /** `labeled`: the label added (it must be on the pull request). */
  label?: string;
  /** `synchronize`: the head before the push. */
  before?: string;
}

export function pullRequestPayload(
  state: SimulatorState,
  fullName: string,
  number: number,
  action: 'opened' | 'synchronize' | 'reopened' | 'labeled' | 'ready_for_review' | 'edited' | 'closed',
  options: PullRequestEventOptions = {},
): Payload {
  const repo = state.requireRepository(fullName);
  const pr = repo.pulls.get(number);
  if (!pr) throw new Error(`no pull request #${number} in ${fullName}`);
  const extra: Payload = {};
  if (action === 'labeled') {
    const label = pr.labels.find((l) => l.name === options.label) ?? pr.labels[pr.labels.length - 1];
    if (!label) throw new Error(`pull request #${number} has no label to send a labeled event for`);
    extra.label = labelObject(repo.fullName, label);
  }
  if (action === 'synchronize') {
    extra.before = options.before ?? repo.git.commits.get(pr.headSha)?.parents[0] ?? pr.baseSha;
    extra.after = pr.headSha;
  }
  return checked('pull_request', action, {
    action,
    number,
    pull_request: pullRequestObject(repo, pr, state.objects),
    ...extra,
    ...envelope(state, fullName, options.sender ?? pr.user),
  });
}

function checkSuiteObject(state: SimulatorState, fullName: string, headSha: string) {
  const repo = state.requireRepository(fullName);
  const id = state.checkSuiteId(fullName, headSha);
  const runs = [...state.checkRuns.values()].filter((r) => r.repo === repo.fullName && r.headSha === headSha);
  const done = runs.length > 0 && runs.every((r) => r.status === 'completed');
  const pulls = state.pullRequestsAt(repo, headSha);
  const headBranch = [...repo.pulls.values()].find((pr) => pr.headSha === headSha)?.headRef ?? null;
  const commit = repo.git.commits.get(headSha);
  const person = { name: 'Octo Simulator', email: 'simulator@github.test' };
  return {
    id,
    node_id: ids.nodeId('CS', id),
    head_branch: headBranch,
    head_sha: headSha,
    status: done ? 'completed' : runs.length > 0 ? 'in_progress' : 'queued',
    conclusion: done ? (runs.some((r) => r.conclusion === 'failure') ? 'failure' : 'success') : null,
    url: `${API_URL}/repos/${repo.fullName}/check-suites/${id}`,
    before: commit?.parents[0] ?? '0'.repeat(40),
    after: headSha,
    pull_requests: pulls,
    app: state.appObject(),
    created_at: runs[0]?.createdAt ?? commit?.date ?? '2025-01-01T00:00:00Z',
    updated_at: runs[runs.length - 1]?.updatedAt ?? commit?.date ?? '2025-01-01T00:00:00Z',
    rerequestable: true,
    runs_rerequestable: true,
    latest_check_runs_count: runs.length,
    check_runs_url: `${API_URL}/repos/${repo.fullName}/check-suites/${id}/check-runs`,
    head_commit: {
      id: headSha,
      tree_id: commit?.tree ?? '',
      message: commit?.message ?? '',
      timestamp: commit?.date ?? '2025-01-01T00:00:00Z',
      author: person,
      committer: person,
    },
  };
}

export function checkRunPayload(
  state: SimulatorState,
  run: SimCheckRun,
  action: 'rerequested' | 'requested_action' | 'created' | 'completed',
  options: { sender?: string; identifier?: string } = {},
): Payload {
  const repo = state.requireRepository(run.repo);
  const pulls = state.pullRequestsAt(repo, run.headSha);
  const sender = options.sender ?? [...repo.collaborators.keys()][0] ?? repo.owner;
  const { check_suite: _, ...object } = checkRunObject(run, state.appObject(), pulls);
  const suite = checkSuiteObject(state, run.repo, run.headSha);
  const {
    rerequestable: _r,
    runs_rerequestable: _rr,
    latest_check_runs_count: _c,
    check_runs_url: _u,
    head_commit: _h,
    ...shortSuite
  } = suite;
  return checked('check_run', action, {
    action,
    check_run: { ...object, check_suite: shortSuite },
    ...(action === 'requested_action' ? { requested_action: { identifier: options.identifier ?? '' } } : {}),
    ...envelope(state, run.repo, sender),
  });
}

export function checkSuitePayload(
  state: SimulatorState,
  fullName: string,
  headSha: string,
  action: 'rerequested' | 'requested' | 'completed',
  options: { sender?: string } = {},
): Payload {
  const repo = state.requireRepository(fullName);
  return checked('check_suite', action, {
    action,
    check_suite: checkSuiteObject(state, fullName, headSha),
    ...envelope(state, fullName, options.sender ?? repo.owner),
  });
}
