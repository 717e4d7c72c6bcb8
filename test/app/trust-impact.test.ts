/**
 * A pull request that changes `trust:` in .github/portcullis.yml, through the App (GitHub
 * faked with nock): the `Portcullis policy` check's impact report looks the repository's
 * images up in a real registry on 127.0.0.1 and judges their real cosign signatures under
 * the base and the head trust policies; an image whose signer the head no longer trusts
 * newly fails (PC-SIG-001), and an unreachable registry is said, not passed over.
 */
import { createHash } from 'node:crypto';
import nock from 'nock';
import { POLICY_CHECK_NAME } from '../../src/report/policy-report.js';
import { resetSettings } from '../../src/settings.js';
import { type CosignKeyPair, type CosignWorkspace, cosignWorkspace } from '../support/cosign.js';
import {
  API,
  type CheckRunRequest,
  createApp,
  fakePullRequest,
  finalCheckRun,
  OWNER,
  REPO,
  receive,
} from '../support/fake-github.js';
import { freePort } from '../support/free-port.js';
import { useGitHubValidation, validateGitHubResponse } from '../support/github-openapi.js';
import { pushImage, startRegistry, type TestRegistry } from '../support/registry.js';

useGitHubValidation();

const HEAD_SHA = 'a'.repeat(40);
const POLICY_RUN_ID = 557;

let registry: TestRegistry;
let cosign: CosignWorkspace;
let release: CosignKeyPair;
let other: CosignKeyPair;
let signed: string;

beforeAll(async () => {
  [registry, cosign] = await Promise.all([startRegistry(), cosignWorkspace()]);
  [release, other] = await Promise.all([cosign.generateKeyPair('release'), cosign.generateKeyPair('other')]);
  const { digest } = await pushImage(registry, 'acme/web', '1.0');
  signed = `${registry.host}/acme/web@${digest}`;
  await cosign.sign(signed, release, 'bundle');
  nock.disableNetConnect();
  nock.enableNetConnect(registry.host);
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await Promise.all([registry?.stop(), cosign?.close()]);
});

/** `.github/portcullis.yml` trusting `key` for the registry's `acme/` images. */
function config(host: string, key: CosignKeyPair): string {
  const pem = key.publicKeyPem.trim().split('\n');
  return [
    'trust:',
    '  policies:',
    `    - images: ["${host}/acme/**"]`,
    '      keys:',
    '        - |',
    ...pem.map((line) => `          ${line}`),
    '',
  ].join('\n');
}

function pod(image: string): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: ${image}\n`;
}

function blobSha(content: string): string {
  const bytes = Buffer.from(content);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** The head commit as the Git data API serves it; returns the `Portcullis policy` check-run requests. */
function fakeHeadCommit(files: Record<string, string>): CheckRunRequest[] {
  const policyRuns: CheckRunRequest[] = [];
  const byBlob = new Map(Object.values(files).map((content) => [blobSha(content), content]));
  const tree = {
    sha: 'd'.repeat(40),
    url: `${API}/repos/${OWNER}/${REPO}/git/trees/${'d'.repeat(40)}`,
    truncated: false,
    tree: Object.entries(files).map(([path, content]) => ({
      path,
      mode: '100644',
      type: 'blob',
      sha: blobSha(content),
      size: Buffer.byteLength(content),
      url: `${API}/repos/${OWNER}/${REPO}/git/blobs/${blobSha(content)}`,
    })),
  };
  const treePath = `/repos/${OWNER}/${REPO}/git/trees/${HEAD_SHA}`;
  expect(validateGitHubResponse('GET', `${API}${treePath}`, 200, tree)).toEqual([]);
  const api = nock(API);
  api.get(treePath).query({ recursive: 'true' }).reply(200, tree);
  api
    .get((uri) => uri.startsWith(`/repos/${OWNER}/${REPO}/git/blobs/`))
    .times(100)
    .optionally()
    .reply((uri) => {
      const content = byBlob.get(uri.split('/').pop() ?? '');
      if (content === undefined) return [404, { message: 'Not Found' }];
      const body = {
        sha: blobSha(content),
        node_id: 'B_1',
        url: `${API}${uri}`,
        size: Buffer.byteLength(content),
        encoding: 'base64',
        content: Buffer.from(content).toString('base64'),
      };
      expect(validateGitHubResponse('GET', `${API}${uri}`, 200, body)).toEqual([]);
      return [200, body];
    });
  api
    .post(`/repos/${OWNER}/${REPO}/check-runs`, (body) => {
      if (body.name !== POLICY_CHECK_NAME) return false;
      policyRuns.push({ method: 'POST', body });
      return true;
    })
    .optionally()
    .reply(201, { id: POLICY_RUN_ID });
  api
    .patch(`/repos/${OWNER}/${REPO}/check-runs/${POLICY_RUN_ID}`, (body) => {
      policyRuns.push({ method: 'PATCH', body });
      return true;
    })
    .times(20)
    .optionally()
    .reply(200, { id: POLICY_RUN_ID });
  return policyRuns;
}

/** A pull request changing only the configuration from `base` to `head`, the repository deploying `image`. */
async function trustChange(host: string, image: string, base: CosignKeyPair, head: CosignKeyPair) {
  const headConfig = config(host, head);
  const policyRuns = fakeHeadCommit({ 'deploy/web.yaml': pod(image), '.github/portcullis.yml': headConfig });
  fakePullRequest({
    files: { '.github/portcullis.yml': headConfig },
    baseFiles: { '.github/portcullis.yml': config(host, base), 'deploy/web.yaml': pod(image) },
  });
  const app = createApp();
  delete process.env.PORTCULLIS_OFFLINE; // createApp turns look-ups off; this test wants them
  process.env.PORTCULLIS_INSECURE_REGISTRIES = host;
  resetSettings();
  try {
    await receive(app, 'pull_request.opened');
  } finally {
    delete process.env.PORTCULLIS_INSECURE_REGISTRIES;
    resetSettings();
  }
  return finalCheckRun(policyRuns);
}

it('lists an image whose signer the head trust policy no longer trusts as newly failing', async () => {
  const run = await trustChange(registry.host, signed, release, other);
  expect(run.endsCompleted).toBe(true);
  expect(run.summary).toContain('| ➕ newly reported | 1 |');
  expect(run.summary).toContain('| PC-SIG-001 | 1 | 0 | 0 |');
  expect(run.summary).toMatch(/➕ added \| PC-SIG-001 \| 8 \| ❌ deny \|/);
  expect(run.summary).toContain('<code>deploy/web.yaml</code>: +1 −0');
  expect(run.summary).not.toContain('could not be looked up');
});

it('lists an image the head trust policy newly trusts as no longer failing', async () => {
  const run = await trustChange(registry.host, signed, other, release);
  // The base distrusted it; the head trusts it: it newly passes.
  expect(run.summary).toContain('| PC-SIG-001 | 0 | 1 | 0 |');
  expect(run.summary).toContain('| ➕ newly reported | 0 |');
});

it('says so when the registry cannot be reached, rather than showing no change', async () => {
  const closed = `127.0.0.1:${await freePort()}`;
  nock.enableNetConnect(closed);
  const run = await trustChange(closed, `${closed}/acme/web@sha256:${'e'.repeat(64)}`, release, other);
  expect(run.endsCompleted).toBe(true);
  expect(run.summary).toContain('could not be looked up');
  expect(run.summary).toContain('whether they would newly fail or pass it is unknown');
});
