/**
 * End to end against a real registry process on 127.0.0.1: `check` gathers registry facts
 * for every reference, the policies offer digest pins, `fix --write` applies them, and
 * `check` afterwards no longer asks for them.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resetSettings } from '../../src/settings.js';
import { cli } from '../support/cli.js';
import { pushImage, startRegistry, type TestRegistry } from '../support/registry.js';

const run = promisify(execFile);
let registry: TestRegistry;
let repo: string;
let digest: string;

type Report = {
  findings: { rule_id: string; path: string; line: number; message: string; fix?: { replacement: string } }[];
};

beforeAll(async () => {
  registry = await startRegistry();
  // No USER in the image config: it runs as root.
  digest = (await pushImage(registry, 'acme/api', '1.4.2')).digest;
  // `latest` and `1.4` name the same image, as registries usually have it; 1.3 is older.
  await pushImage(registry, 'acme/api', '1.3.0', { layers: [{ 'old.txt': 'older' }] });
  for (const tag of ['1.4', 'latest']) await retag(registry, 'acme/api', '1.4.2', tag);
  process.env.PORTCULLIS_INSECURE_REGISTRIES = registry.host;
  resetSettings();
  repo = await mkdtemp(join(tmpdir(), 'portcullis-registry-'));
  await run('git', ['init', '--quiet', repo]);
  await mkdir(join(repo, 'deploy'));
  await writeFile(
    join(repo, 'deploy', 'api.yaml'),
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: api',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: api',
      `          image: ${registry.host}/acme/api:1.4.2`,
      '        - name: sidecar',
      `          image: ${registry.host}/acme/missing:2.0`,
      '',
    ].join('\n'),
  );
  await writeFile(
    join(repo, 'Dockerfile'),
    `FROM ${registry.host}/acme/api:1.4.2\nUSER 10001\nHEALTHCHECK NONE\n`,
  );
});

/** Puts the manifest of `from` under another tag, byte for byte (same digest). */
async function retag(at: TestRegistry, repository: string, from: string, to: string): Promise<void> {
  const accept = 'application/vnd.docker.distribution.manifest.v2+json';
  const response = await fetch(`${at.url}/v2/${repository}/manifests/${from}`, { headers: { accept } });
  const bytes = Buffer.from(await response.arrayBuffer());
  const put = await fetch(`${at.url}/v2/${repository}/manifests/${to}`, {
    method: 'PUT',
    headers: { 'content-type': response.headers.get('content-type') ?? accept },
    body: bytes,
  });
  if (put.status !== 201) throw new Error(`retag answered ${put.status}`);
}

afterAll(async () => {
  delete process.env.PORTCULLIS_INSECURE_REGISTRIES;
  resetSettings();
  await registry?.stop();
  await rm(repo, { recursive: true, force: true });
});

describe('check with registry facts', () => {
  it('offers digest pins resolved from the registry, and judges the image config', async () => {
    const { stdout } = await cli('check', '--repo', repo, '--format', 'json');
    const { findings } = JSON.parse(stdout) as Report;
    const at = (rule: string, path: string) => findings.filter((f) => f.rule_id === rule && f.path === path);

    // The missing image gets the warning too, but no pin: there is no digest to pin.
    // The missing image is unpinned too, but gets no fix: there is no digest to pin.
    expect(at('PC-IMG-002', 'deploy/api.yaml')).toEqual([
      expect.objectContaining({
        line: 10,
        fix: expect.objectContaining({
          replacement: `          image: ${registry.host}/acme/api:1.4.2@${digest}`,
        }),
      }),
      expect.objectContaining({ line: 12 }),
    ]);
    expect(at('PC-IMG-002', 'deploy/api.yaml')[1]?.fix).toBeUndefined();
    expect(at('PC-DF-003', 'Dockerfile')).toEqual([
      expect.objectContaining({
        line: 1,
        fix: expect.objectContaining({ replacement: `FROM ${registry.host}/acme/api:1.4.2@${digest}` }),
      }),
    ]);
    expect(at('PC-IMG-006', 'deploy/api.yaml')).toHaveLength(1); // the image runs as root
    expect(at('PC-IMG-009', 'deploy/api.yaml')).toEqual([expect.objectContaining({ line: 12 })]); // no such image
  });

  it('names the version tag latest points at now, for an untagged reference', async () => {
    await writeFile(
      join(repo, 'deploy', 'job.yaml'),
      `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      containers:\n        - name: migrate\n          image: ${registry.host}/acme/api\n`,
    );
    try {
      const { stdout } = await cli(
        'check',
        '--repo',
        repo,
        '--format',
        'json',
        join(repo, 'deploy', 'job.yaml'),
      );
      const { findings } = JSON.parse(stdout) as Report;
      expect(findings.find((f) => f.rule_id === 'PC-IMG-001')?.fix).toEqual(
        expect.objectContaining({
          line: 10,
          replacement: `          image: ${registry.host}/acme/api:1.4.2`,
        }),
      );
    } finally {
      await rm(join(repo, 'deploy', 'job.yaml'));
    }
  });

  it('pins the digests with fix --write, after which check no longer asks for them', async () => {
    expect((await cli('fix', '--repo', repo, '--write')).code).toBe(0);
    expect(await readFile(join(repo, 'Dockerfile'), 'utf8')).toContain(`@${digest}`);
    const { findings } = JSON.parse(
      (await cli('check', '--repo', repo, '--format', 'json')).stdout,
    ) as Report;
    const pins = findings.filter((f) => f.rule_id === 'PC-IMG-002' || f.rule_id === 'PC-DF-003');
    expect(pins).toEqual([expect.objectContaining({ path: 'deploy/api.yaml', line: 12 })]); // the missing image
  });

  it('--offline makes no look-ups: no registry facts, no pins', async () => {
    await writeFile(join(repo, 'Dockerfile'), `FROM ${registry.host}/acme/api:1.4.2\nUSER 10001\n`);
    const { findings } = JSON.parse(
      (await cli('check', '--repo', repo, '--format', 'json', '--offline')).stdout,
    ) as Report;
    const pin = findings.find((f) => f.rule_id === 'PC-DF-003');
    expect(pin?.fix).toBeUndefined();
    expect(findings.some((f) => f.rule_id === 'PC-IMG-009')).toBe(false);
  });
});
