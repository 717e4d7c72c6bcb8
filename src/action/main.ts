/**
 * The GitHub Action's entry (action.yml runs `node dist/action/main.js`): the runner passes
 * the inputs and the event in the environment (src/settings.ts, group "GitHub Actions").
 * A pull request's event is judged as the App judges it; any other, the checked-out
 * repository whole. Exit status 1 fails the step: a failing finding, or anything that
 * stopped the judgement (fail closed).
 */
import { errorMessage } from '../errors.js';
import { settings, useActionInputs } from '../settings.js';
import { processRunner, type Runner } from './runner.js';

async function runAction(runner: Runner): Promise<number> {
  const settings = useActionInputs();
  const event = settings.githubEventName;
  if (event === 'pull_request' || event === 'pull_request_target') {
    const { judgePullRequestEvent } = await import('./pull-request.js');
    return judgePullRequestEvent(settings, runner);
  }
  const { judgeWorkspace } = await import('./push.js');
  return judgeWorkspace(settings, runner);
}

let runner: Runner = processRunner({});
try {
  // Bad settings (an input that is not what it should be) are an error like any other.
  const { githubStepSummary, githubOutput } = settings();
  runner = processRunner({
    ...(githubStepSummary ? { summary: githubStepSummary } : {}),
    ...(githubOutput ? { output: githubOutput } : {}),
  });
  process.exitCode = await runAction(runner);
} catch (error) {
  runner.error(`Portcullis could not finish: ${errorMessage(error)}`);
  process.exitCode = 1;
}
