/**
 * `pull_request` and `pull_request_target`: what the App does for the pull request, with
 * the workflow's token. The same function judges it (src/github/handlers.ts
 * `checkPullRequest`: the base commit's configuration and policies, the changed files read
 * through the API, the `Portcullis` check run, the review with suggestions, the policy
 * check), so a workflow and the App give the same verdict. Nothing is read from the
 * workspace: the head is never checked out, and no fork code runs for the judgement.
 */
import { CONFIG_PATH } from '../config/configuration.js';
import { CHECK_RUN_NAME } from '../report/check-run.js';
import type { Settings } from '../settings.js';
import { actionOctokit } from './check-runs.js';
import { readPullRequestEvent } from './event.js';
import { exitStatus, logJudgement, writeSarif } from './report.js';
import { type Runner, summarySection } from './runner.js';

export async function judgePullRequestEvent(settings: Settings, runner: Runner): Promise<number> {
  if (!settings.actionGithubToken) {
    runner.error('The github-token input is empty: Portcullis needs a token to read the pull request.');
    return 1;
  }
  if (!settings.githubEventPath) {
    runner.error('GITHUB_EVENT_PATH is not set: run Portcullis as a step of a workflow.');
    return 1;
  }
  const event = readPullRequestEvent(settings.githubEventPath);
  if (settings.actionConfig && settings.actionConfig !== CONFIG_PATH) {
    // The workflow file is the pull request's own (it may edit it): it does not choose what judges it.
    runner.warning(
      `config (${settings.actionConfig}) applies to pushes: a pull request is judged by ${CONFIG_PATH} of its base commit, as the App judges it.`,
    );
  }
  const { octokit, runs } = actionOctokit(settings.actionGithubToken, settings.githubApiUrl, {
    warn: (message) => runner.warning(message),
    error: (message) => runner.error(message),
  });
  // Imported once the event is known to be one: the App's modules are the larger part.
  const { checkPullRequest } = await import('../github/handlers.js');
  const verdict = await checkPullRequest(
    octokit,
    {
      owner: event.repository.owner.login,
      repo: event.repository.name,
      pullNumber: event.pull_request.number,
      headSha: event.pull_request.head.sha,
      baseSha: event.pull_request.base.sha,
    },
    {
      // One run per step: a re-run of the workflow makes a new check run, as GitHub does for its jobs.
      externalId: 'portcullis-action',
      mayHaveRuns: false,
      signal: new AbortController().signal,
      recordCheckRun: async () => {},
    },
  );
  for (const run of runs()) {
    // A run GitHub holds shows its own annotations; one it refused is shown by the runner.
    if (run.refused) runner.annotate(run.annotations);
    runner.summary(summarySection(run.name, { ...run, conclusion: run.conclusion ?? 'neutral' }));
  }
  if (verdict) {
    logJudgement(verdict.judgement, settings, runner);
    writeSarif(verdict.judgement, verdict.rules, verdict.files, settings, runner);
    return exitStatus(verdict.judgement, settings);
  }
  // No verdict of its own (the base configuration is broken, the head moved on): the run says why.
  const main = runs().find((run) => run.name === CHECK_RUN_NAME);
  if (main) runner.log(`${CHECK_RUN_NAME}: ${main.title}`);
  return main?.conclusion === 'success' || main?.conclusion === 'neutral' ? 0 : 1;
}
