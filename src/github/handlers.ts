/** What the App does for each event: plain functions of an Octokit and the payload's facts. */
import { builtinPolicyEngine } from '../core/judge.js';
import { judgePullRequest } from '../core/pull-request.js';
import { checkRunReport, errorReport } from '../report/check-run.js';
import { runCheck } from './check-run.js';
import {
  githubPullRequestFiles,
  LIST_FILES_LIMIT,
  type Octokit,
  type PullRequestRef,
} from './pull-request-files.js';

export async function checkPullRequest(octokit: Octokit, pr: PullRequestRef): Promise<void> {
  await runCheck(octokit, { owner: pr.owner, repo: pr.repo, headSha: pr.headSha }, async () => {
    const files = githubPullRequestFiles(octokit, pr);
    const changed = await files.changedFiles();
    const judgement = await judgePullRequest(
      { ...files, changedFiles: async () => changed },
      builtinPolicyEngine,
    );
    const report = checkRunReport(judgement);
    if (changed.length >= LIST_FILES_LIMIT) {
      report.summary += `\n\n> GitHub lists at most ${LIST_FILES_LIMIT} changed files of a pull request: files beyond that were not checked.`;
    }
    return report;
  });
}

/**
 * A re-run of a check for `headSha`: find its open pull request (GitHub leaves the
 * payload's list empty for pull requests from forks) and check it again.
 */
export async function recheckCommit(
  octokit: Octokit,
  repo: { owner: string; repo: string },
  headSha: string,
  pullNumbers: number[],
): Promise<void> {
  let numbers = pullNumbers;
  if (numbers.length === 0) {
    const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
      ...repo,
      commit_sha: headSha,
    });
    numbers = data.filter((pr) => pr.state === 'open' && pr.head.sha === headSha).map((pr) => pr.number);
  }
  const [pullNumber] = numbers;
  if (pullNumber === undefined) {
    await runCheck(octokit, { ...repo, headSha }, async () => ({
      ...errorReport('No open pull request has this commit as its head.', `commit ${headSha}`),
      conclusion: 'neutral',
      title: 'No pull request to check',
    }));
    return;
  }
  await checkPullRequest(octokit, { ...repo, pullNumber, headSha });
}
