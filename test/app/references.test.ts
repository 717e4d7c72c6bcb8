/**
 * A pull request that changes image references in several formats, judged with registry
 * facts from a real registry process on 127.0.0.1 (GitHub itself is faked with nock).
 */
import nock from 'nock';
import { resetSettings } from '../../src/settings.js';
import { createApp, fakePullRequest, finalCheckRun, receive } from '../support/fake-github.js';
import { useGitHubValidation } from '../support/github-openapi.js';
import { pushImage, startRegistry, type TestRegistry } from '../support/registry.js';

useGitHubValidation();

let registry: TestRegistry;
let digest: string;

beforeAll(async () => {
  registry = await startRegistry();
  digest = (await pushImage(registry, 'acme/web', '2.1.0', { config: { User: '10001' } })).digest;
  nock.disableNetConnect();
  nock.enableNetConnect(registry.host);
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await registry?.stop();
});

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

it('checks references in Kubernetes, Compose, workflow, Helm and Kustomize files, with digest pins from the registry', async () => {
  const image = `${registry.host}/acme/web:2.1.0`;
  const requests = fakePullRequest({
    files: {
      'k8s/web.yaml': `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: ${image}\n`,
      'compose.yaml': 'services:\n  cache:\n    image: redis:latest\n',
      '.github/workflows/ci.yml':
        'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    container: node\n    steps:\n      - run: npm test\n',
      'charts/web/values.yaml': 'image:\n  repository: ghcr.io/acme/web\n  tag: "{{ .Chart.AppVersion }}"\n',
      'overlays/prod/kustomization.yaml':
        'images:\n  - name: web\n    newName: quay.io/acme/web\n    newTag: 2.1.0\n',
    },
  });
  await receiveOnline('pull_request.opened');
  const run = finalCheckRun(requests);
  const find = (rule: string, path: string) =>
    run.annotations.find((a) => a.title.startsWith(rule) && a.path === path);

  expect(find('PC-IMG-002', 'k8s/web.yaml')).toMatchObject({ start_line: 8 });
  const pin = requests
    .flatMap((r) => r.body.output?.annotations ?? [])
    .find((a) => a.title.startsWith('PC-IMG-002') && a.path === 'k8s/web.yaml') as { raw_details?: string };
  expect(pin.raw_details).toContain(`image: ${image}@${digest}`);
  expect(find('PC-IMG-001', 'compose.yaml')).toMatchObject({ start_line: 3, annotation_level: 'failure' });
  expect(find('PC-IMG-001', '.github/workflows/ci.yml')).toMatchObject({ start_line: 5 });
  expect(find('PC-IMG-005', 'charts/web/values.yaml')).toMatchObject({ annotation_level: 'notice' });
  expect(find('PC-IMG-002', 'overlays/prod/kustomization.yaml')).toBeDefined();
  expect(find('PC-IMG-006', 'k8s/web.yaml')).toBeUndefined(); // the image sets USER 10001
  expect(run.conclusion).toBe('failure');
});
