/**
 * A pull request that moves a Dockerfile's final stage to `python:3.12`, judged through the
 * App with registry facts from a real registry process on 127.0.0.1 that also holds
 * `3.12-slim` and `3.12-alpine` (GitHub itself is faked with nock): the review suggests the
 * lighter tag on the FROM line with both sizes, and a final stage that runs `apt-get` is not
 * offered `-alpine`.
 */
import nock from 'nock';
import { resetSettings } from '../../src/settings.js';
import {
  API,
  createApp,
  fakePullRequest,
  finalCheckRun,
  OWNER,
  REPO,
  receive,
} from '../support/fake-github.js';
import { useGitHubValidation } from '../support/github-openapi.js';
import { compressedSize, type PushedVariants, pushPythonVariants } from '../support/image-variants.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

useGitHubValidation();

let registry: TestRegistry;
let pushed: PushedVariants;

beforeAll(async () => {
  registry = await startRegistry();
  pushed = await pushPythonVariants(registry);
  nock.disableNetConnect();
  nock.enableNetConnect(registry.host);
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await registry?.stop();
});

interface ReviewRequest {
  event: string;
  body: string;
  comments: { path: string; body: string; line: number; start_line?: number }[];
}

async function receiveOnline(event: string) {
  const app = createApp();
  delete process.env.PORTCULLIS_OFFLINE; // createApp turns look-ups off; this test wants them
  process.env.PORTCULLIS_INSECURE_REGISTRIES = registry.host;
  resetSettings();
  try {
    await receive(app, event);
  } finally {
    delete process.env.PORTCULLIS_INSECURE_REGISTRIES;
    resetSettings();
  }
}

/** A patch that adds every line of `content` (a new file). */
function addedFilePatch(content: string): string {
  const lines = content.replace(/\n$/, '').split('\n');
  return [`@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`)].join('\n');
}

/** Sizes as PC-IMG-012 writes them (decimal units, as registries show them). */
function size(bytes: number): string {
  if (bytes >= 10_000_000) return `${Math.round(bytes / 1_000_000)} MB`;
  if (bytes >= 1_000_000) return `${Math.round(bytes / 100_000) / 10} MB`;
  return `${Math.round(bytes / 1000)} kB`;
}

it('suggests the -slim tag on the final FROM with both sizes, and no -alpine after apt-get', async () => {
  const base = `${registry.host}/example/python`;
  const app = [
    `FROM ${base}:3.12 AS build`,
    'COPY requirements.txt .',
    'RUN pip wheel --wheel-dir /wheels -r requirements.txt',
    `FROM ${base}:3.12`,
    'COPY --from=build /wheels /wheels',
    'RUN pip install --no-cache-dir /wheels/*',
    'USER 10001',
    'CMD ["python", "-m", "app"]',
    '',
  ].join('\n');
  const worker = [
    `FROM ${base}:3.12`,
    'RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*',
    'USER 10001',
    'CMD ["python", "-m", "worker"]',
    '',
  ].join('\n');
  const files = { 'app/Dockerfile': app, 'worker/Dockerfile': worker };
  const reviews: ReviewRequest[] = [];
  nock(API)
    .post(`/repos/${OWNER}/${REPO}/pulls/7/reviews`, (body: ReviewRequest) => {
      reviews.push(body);
      return true;
    })
    .reply(200, { id: 1, node_id: 'PRR_1', state: 'COMMENTED' });
  const requests = fakePullRequest({
    files,
    patches: { 'app/Dockerfile': addedFilePatch(app), 'worker/Dockerfile': addedFilePatch(worker) },
  });
  await receiveOnline('pull_request.opened');

  const [full, slim, alpine] = [pushed.full, pushed.slim, pushed.alpine].map(compressedSize) as [
    number,
    number,
    number,
  ];
  const run = finalCheckRun(requests);
  const lighter = run.annotations.filter((a) => a.title.startsWith('PC-IMG-012'));
  // One per final stage; the builder stage's FROM (line 1) ships nothing.
  expect(lighter.map((a) => [a.path, a.start_line])).toEqual([
    ['app/Dockerfile', 4],
    ['worker/Dockerfile', 1],
  ]);

  expect(reviews).toHaveLength(1);
  const comment = (path: string) =>
    reviews[0]?.comments.find((c) => c.path === path && c.body.includes('PC-IMG-012'));
  const onApp = comment('app/Dockerfile');
  expect(onApp?.line).toBe(4);
  const percent = Math.round(((full - slim) * 100) / full);
  expect(onApp?.body).toContain(
    `${base}:3.12 is ${size(full)}; ${base}:3.12-slim is ${size(slim)}, ${percent}% smaller`,
  );
  // The app's final stage runs no package manager: -alpine is named as smaller still, with its
  // caveat (parentheses escaped for markdown).
  expect(onApp?.body).toContain(
    `${base}:3.12-alpine is smaller still, ${size(alpine)} \\(musl libc instead of glibc`,
  );
  expect(onApp?.body).toContain(`\`\`\`suggestion\nFROM ${base}:3.12-slim\n\`\`\``);

  const onWorker = comment('worker/Dockerfile');
  expect(onWorker?.body).toContain(`${base}:3.12-slim is ${size(slim)}`);
  // -alpine is smaller still but left out, and the message says why in one clause.
  expect(onWorker?.body).not.toContain('alpine is');
  expect(onWorker?.body).toContain(
    `${base}:3.12-alpine \\(${size(alpine)}\\) not offered: the final stage runs apt-get.`,
  );
  expect(onWorker?.body).toContain(`\`\`\`suggestion\nFROM ${base}:3.12-slim\n\`\`\``);
});
