/** The Probot app: which event goes to which handler. The work lives in ./github and ./core. */
import type { Probot } from 'probot';
import { checkPullRequest, recheckCommit } from './github/handlers.js';
import { CHECK_RUN_NAME } from './report/check-run.js';

export default function portcullis(app: Probot): void {
  app.on(
    [
      'pull_request.opened',
      'pull_request.synchronize',
      'pull_request.reopened',
      'pull_request.ready_for_review',
    ],
    async (context) => {
      const { pull_request: pr } = context.payload;
      await checkPullRequest(context.octokit, {
        ...context.repo(),
        pullNumber: pr.number,
        headSha: pr.head.sha,
      });
    },
  );

  app.on('check_run.rerequested', async (context) => {
    const run = context.payload.check_run;
    if (run.name !== CHECK_RUN_NAME) return;
    await recheckCommit(
      context.octokit,
      context.repo(),
      run.head_sha,
      run.pull_requests.map((pr) => pr.number),
    );
  });

  app.on('check_suite.rerequested', async (context) => {
    const suite = context.payload.check_suite;
    await recheckCommit(
      context.octokit,
      context.repo(),
      suite.head_sha,
      suite.pull_requests.map((pr) => pr.number),
    );
  });
}
