/**
 * No Docker daemon here: a stand-in `docker` program records how it is called and what
 * environment it gets, and writes the archive the real one would.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../settings.js';
import { DEFAULT_BUILD_LIMITS } from './builder.js';
import { DockerBuildxBuilder } from './docker-buildx.js';
import { builderFromEnv } from './index.js';

let dir: string;
let fakeDocker: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-buildx-test-'));
  fakeDocker = join(dir, 'docker');
  writeFileSync(
    fakeDocker,
    `#!/bin/sh
printf '%s\\n' "$@" > "${dir}/args"
env > "${dir}/env"
for a in "$@"; do case "$a" in type=docker,dest=*) dest="\${a#type=docker,dest=}";; esac; done
if [ -n "$FAIL" ] || grep -q fail "${dir}/args"; then echo "#5 ERROR: process \\"/bin/sh -c make\\" did not complete: NPM_TOKEN=abc123secret"; exit 1; fi
echo archive > "$dest"
`,
  );
  chmodSync(fakeDocker, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('DockerBuildxBuilder', () => {
  it('exports to a docker-archive with no network for RUN, and gives docker none of our credentials', async () => {
    process.env.GITHUB_TOKEN = 'ghs_should_not_leak';
    try {
      const builder = new DockerBuildxBuilder({ host: 'tcp://127.0.0.1:2375', binary: fakeDocker });
      const outcome = await builder.build({
        contextDir: dir,
        dockerfile: 'Dockerfile',
        buildArgs: { VERSION: '1.2' },
        target: 'app',
        platform: 'linux/arm64',
        outputArchive: join(dir, 'out.tar'),
      });
      expect(outcome).toMatchObject({ ok: true });
      expect(existsSync(join(dir, 'out.tar'))).toBe(true);
      expect(readFileSync(join(dir, 'args'), 'utf8').trim().split('\n')).toEqual([
        'buildx',
        'build',
        '--file',
        join(dir, 'Dockerfile'),
        '--network',
        'none',
        '--output',
        `type=docker,dest=${join(dir, 'out.tar')}`,
        '--progress',
        'plain',
        '--build-arg',
        'VERSION=1.2',
        '--target',
        'app',
        '--platform',
        'linux/arm64',
        dir,
      ]);
      const env = readFileSync(join(dir, 'env'), 'utf8');
      expect(env).toContain('DOCKER_HOST=tcp://127.0.0.1:2375');
      expect(env).not.toContain('ghs_should_not_leak');
      expect(env).toMatch(/DOCKER_CONFIG=.*portcullis-buildx-/);
    } finally {
      delete process.env.GITHUB_TOKEN;
    }
  });

  it('reports a failure with a redacted log excerpt', async () => {
    const builder = new DockerBuildxBuilder({ host: 'unix:///nowhere', binary: fakeDocker });
    const outcome = await builder.build({
      contextDir: dir,
      dockerfile: 'fail.Dockerfile',
      buildArgs: {},
      target: null,
      platform: null,
      outputArchive: join(dir, 'fail.tar'),
    });
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'failed',
      message: 'docker buildx build failed (exit 1)',
    });
    if (!outcome.ok)
      expect(outcome.logExcerpt).toBe('#5 ERROR: process "/bin/sh -c make" did not complete: NPM_TOKEN=***');
  });
});

describe('builderFromEnv', () => {
  it('uses docker buildx when a Docker daemon is configured, buildah otherwise', () => {
    expect(builderFromEnv(loadSettings({ PORTCULLIS_DOCKER_HOST: 'unix:///var/run/docker.sock' })).name).toBe(
      'docker-buildx',
    );
    expect(builderFromEnv(loadSettings({ DOCKER_HOST: 'tcp://builder:2376' })).name).toBe('docker-buildx');
    expect(builderFromEnv(loadSettings({})).name).toBe('buildah');
  });

  it('reads the limits', () => {
    expect(DEFAULT_BUILD_LIMITS).toEqual({ network: 'none', timeoutMs: 600_000, concurrency: 1 });
  });
});
