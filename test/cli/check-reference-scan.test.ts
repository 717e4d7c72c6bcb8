/**
 * End to end against a real registry on 127.0.0.1 and a fixture OSV database: with
 * PORTCULLIS_SCAN_REFERENCES=1, `check` pulls and scans the images the manifests reference
 * and PC-IMG-011 reports the fixable critical/high vulnerabilities on the reference's line;
 * without the opt-in nothing is pulled and nothing reported.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resetSettings } from '../../src/settings.js';
import { cli } from '../support/cli.js';
import {
  ALPINE_BASE_PACKAGES,
  ALPINE_VULNERABILITIES,
  alpineRootfs,
  writeOsvDatabase,
} from '../support/images.js';
import { pushImage, startRegistry, type TestRegistry } from '../support/registry.js';
import { describeWithTools, missingTool } from '../support/required-tools.js';

const TOOLS = ['buildah', 'osv-scanner'] as const;
const missing = missingTool(TOOLS);

const run = promisify(execFile);
const ENV = ['PORTCULLIS_INSECURE_REGISTRIES', 'PORTCULLIS_OSV_DB', 'PORTCULLIS_SCAN_REFERENCES'] as const;
const saved = Object.fromEntries(ENV.map((name) => [name, process.env[name]]));

let registry: TestRegistry;
let repo: string;
let dir: string;

type Report = { findings: { rule_id: string; path: string; line: number; message: string }[] };

beforeAll(async () => {
  if (missing) return;
  registry = await startRegistry();
  // Alpine 3.19 with libcrypto3 3.1.4-r1 (openssl: ALPINE-CVE-2024-0001, critical, fixed in
  // 3.1.4-r5) and musl 1.2.4-r2 (ALPINE-CVE-2024-0004 is fixed in 1.2.4-r1: not affected).
  await pushImage(registry, 'acme/web', '2.0', { layers: [alpineRootfs(ALPINE_BASE_PACKAGES)] });
  dir = await mkdtemp(join(tmpdir(), 'portcullis-refscan-db-'));
  repo = await mkdtemp(join(tmpdir(), 'portcullis-refscan-'));
  await run('git', ['init', '--quiet', repo]);
  await mkdir(join(repo, 'deploy'));
  await writeFile(
    join(repo, 'deploy', 'web.yaml'),
    [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: web',
      'spec:',
      '  containers:',
      '    - name: web',
      `      image: ${registry.host}/acme/web:2.0`,
      '',
    ].join('\n'),
  );
  process.env.PORTCULLIS_INSECURE_REGISTRIES = registry.host;
  process.env.PORTCULLIS_OSV_DB = writeOsvDatabase(join(dir, 'osv'), ALPINE_VULNERABILITIES);
  resetSettings();
});

afterAll(async () => {
  for (const name of ENV) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
    resetSettings();
  }
  await registry?.stop();
  if (repo) await rm(repo, { recursive: true, force: true });
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function findings(): Promise<Report['findings']> {
  const { stdout } = await cli('check', '--repo', repo, '--format', 'json');
  return (JSON.parse(stdout) as Report).findings.filter((f) => f.rule_id === 'PC-IMG-011');
}

describeWithTools(TOOLS, 'check with referenced image scans', () => {
  it('reports nothing without the opt-in', async () => {
    delete process.env.PORTCULLIS_SCAN_REFERENCES;
    resetSettings();
    expect(await findings()).toEqual([]);
  });

  it('reports the fixable critical/high vulnerabilities of the referenced image on its line', async () => {
    process.env.PORTCULLIS_SCAN_REFERENCES = '1';
    resetSettings();
    expect(await findings()).toEqual([
      expect.objectContaining({
        path: 'deploy/web.yaml',
        line: 8,
        message: expect.stringContaining(
          'has 1 fixable critical/high vulnerability (ALPINE-CVE-2024-0001): update it to a version with the fixes',
        ),
      }),
    ]);
  });
});
