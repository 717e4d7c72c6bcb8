/** ShellCheck in the App: its findings on RUN scripts annotate the Dockerfile lines of the check run. */
import nock from 'nock';
import { createApp, fakePullRequest, finalCheckRun, receive } from '../support/fake-github.js';
import { useGitHubValidation } from '../support/github-openapi.js';
import { describeWithTools } from '../support/required-tools.js';

useGitHubValidation();
beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const DOCKERFILE = [
  `FROM alpine:3.19@sha256:${'c'.repeat(64)}`,
  'USER 10001',
  'HEALTHCHECK NONE',
  'RUN echo $HOME && \\',
  '    cd /tmp', // 5: SC2164 (warning)
  'RUN <<EOF',
  'cd /srv', // 7: SC2164 in the heredoc
  'EOF',
  '',
].join('\n');

describeWithTools(['shellcheck'], 'pull request with ShellCheck findings', () => {
  it('annotates each finding on its Dockerfile line, warnings as warnings and info as notices', async () => {
    const requests = fakePullRequest({ files: { 'app/Dockerfile': DOCKERFILE } });
    await receive(createApp(), 'pull_request.opened');
    const run = finalCheckRun(requests);
    expect(run.endsCompleted).toBe(true);
    const shellcheck = run.annotations
      .filter((a) => a.title.startsWith('PC-SH-001'))
      .map((a) => [a.path, a.start_line, a.annotation_level, a.message.split(' ')[0]])
      .sort();
    expect(shellcheck).toEqual([
      ['app/Dockerfile', 4, 'notice', 'SC2086'],
      ['app/Dockerfile', 5, 'warning', 'SC2164'],
      ['app/Dockerfile', 7, 'warning', 'SC2164'],
    ]);
  });
});
