/** The Probot app: which event goes to which handler. The work lives in ./github and ./core. */
import type { Probot } from 'probot';
import { applyFixesOnRequest } from './github/apply-fixes.js';
import { approvalLabel, buildsEnabled, lapseBuildApproval } from './github/build-approval.js';
import { checkPullRequest, recheckCommit } from './github/handlers.js';
import type { PullRequestRef } from './github/pull-request-files.js';
import { inProcessQueue } from './github/work-queue.js';
import { APPLY_FIXES_ACTION, CHECK_RUN_NAME } from './report/check-run.js';

let log: Probot['log'] | undefined;

/** Webhooks are answered at once; the checks run here (see work-queue.ts). */
export const workQueue = inProcessQueue(2, (error) => log?.error({ err: error }, 'A Portcullis job failed'));

export default function portcullis(app: Probot): void {
  log = app.log;
  app.on(
    [
      'pull_request.opened',
      'pull_request.synchronize',
      'pull_request.reopened',
      'pull_request.ready_for_review',
    ],
    async (context) => {
      const { pull_request: pr } = context.payload;
      const { owner, repo } = context.repo();
      // Before anything is queued: no later job for this head may see the old approval.
      if (context.payload.action === 'synchronize') {
        const ref = { owner, repo, pullNumber: pr.number, headSha: pr.head.sha };
        await lapseBuildApproval(
          context.octokit,
          ref,
          pr.labels.map((label) => label.name),
        );
      }
      queueCheck(context.octokit, { owner, repo }, pr);
    },
  );

  // A maintainer's approval of an untrusted head: check again, now building it.
  app.on('pull_request.labeled', async (context) => {
    const { pull_request: pr, label, sender } = context.payload;
    if (!buildsEnabled() || label?.name !== approvalLabel()) return;
    // The event's head is the commit the label was applied to: only that one is built on it.
    queueCheck(context.octokit, context.repo(), pr, { headSha: pr.head.sha, by: sender.login });
  });

  app.on('check_run.rerequested', async (context) => {
    const run = context.payload.check_run;
    if (run.name !== CHECK_RUN_NAME) return;
    const { owner, repo } = context.repo();
    workQueue.enqueue(`${owner}/${repo}@${run.head_sha}`, () =>
      recheckCommit(
        context.octokit,
        { owner, repo },
        run.head_sha,
        run.pull_requests.map((pr) => ({ number: pr.number, baseSha: pr.base.sha })),
      ),
    );
  });

  app.on('check_run.requested_action', async (context) => {
    const { check_run: run, requested_action: action, sender } = context.payload;
    if (run.name !== CHECK_RUN_NAME || action?.identifier !== APPLY_FIXES_ACTION.identifier) return;
    const { owner, repo } = context.repo();
    workQueue.enqueue(`${owner}/${repo}@${run.head_sha}:apply-fixes`, () =>
      applyFixesOnRequest(context.octokit, {
        owner,
        repo,
        headSha: run.head_sha,
        pullNumbers: run.pull_requests.map((pr) => pr.number),
        requestedBy: sender.login,
      }),
    );
  });

  app.on('check_suite.rerequested', async (context) => {
    const suite = context.payload.check_suite;
    const { owner, repo } = context.repo();
    workQueue.enqueue(`${owner}/${repo}@${suite.head_sha}`, () =>
      recheckCommit(
        context.octokit,
        { owner, repo },
        suite.head_sha,
        suite.pull_requests.map((pr) => ({ number: pr.number, baseSha: pr.base.sha })),
      ),
    );
  });
}

/** Checks a pull request's head in the queue; a job for the same head still waiting is replaced. */
function queueCheck(
  octokit: Parameters<typeof checkPullRequest>[0],
  { owner, repo }: { owner: string; repo: string },
  pr: { number: number; head: { sha: string }; base: { sha: string } },
  buildApproval?: PullRequestRef['buildApproval'],
): void {
  workQueue.enqueue(`${owner}/${repo}@${pr.head.sha}`, () =>
    checkPullRequest(octokit, {
      owner,
      repo,
      pullNumber: pr.number,
      headSha: pr.head.sha,
      baseSha: pr.base.sha,
      ...(buildApproval ? { buildApproval } : {}),
    }),
  );
}
