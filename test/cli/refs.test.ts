// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the files under test hold ${…} and ${{ … }}.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { cli } from '../support/cli.js';

const run = promisify(execFile);
let repo: string;

const FILES: Record<string, string> = {
  Dockerfile: ['ARG NODE_VERSION=20', 'FROM node:${NODE_VERSION}-alpine AS build', 'FROM build', ''].join(
    '\n',
  ),
  'deploy/app.yaml': [
    'apiVersion: v1',
    'kind: ConfigMap',
    'data:',
    '  image: not-an-image',
    '---',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: web',
    '          image: ghcr.io/acme/web:1.4.2',
    '',
  ].join('\n'),
  'deploy/broken.yaml': 'apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n',
  'deploy/kustomization.yaml': 'images:\n  - name: ghcr.io/acme/web\n    newTag: 1.5.0\n',
  'compose.yaml': 'services:\n  db:\n    image: postgres:16\n  web:\n    build: .\n',
  '.github/workflows/ci.yml': [
    'on: push',
    'jobs:',
    '  test:',
    '    runs-on: ubuntu-latest',
    '    container: ${{ matrix.image }}',
    '    steps:',
    '      - uses: docker://alpine:3.19',
    '',
  ].join('\n'),
  'charts/web/values.yaml': 'image:\n  repository: nginx\n  tag: "1.25"\n',
  'charts/web/templates/deployment.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: {{ .Values.image.repository }}\n',
  'config/settings.yaml': 'image: nginx\n',
  'ignored/compose.yaml': 'services:\n  x:\n    image: redis\n',
  '.gitignore': 'ignored/\n',
};

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'portcullis-refs-'));
  await run('git', ['init', '--quiet', repo]);
  for (const [path, content] of Object.entries(FILES)) {
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), content);
  }
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe('portcullis refs', () => {
  it('lists every image reference of the repository as JSON, sorted by path and line', async () => {
    const { code, stdout } = await cli('refs', '--repo', repo, '--format', 'json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      refs: [
        {
          path: '.github/workflows/ci.yml',
          line: 5,
          image: null,
          raw: '${{ matrix.image }}',
          kind: 'workflow',
          field: 'jobs.test.container',
          problem: {
            kind: 'unresolvable',
            message:
              '"${{ matrix.image }}" uses the GitHub Actions expression ${{ matrix.image }}, known only when the workflow runs',
          },
        },
        {
          path: '.github/workflows/ci.yml',
          line: 7,
          image: 'docker.io/library/alpine:3.19',
          raw: 'docker://alpine:3.19',
          kind: 'workflow',
          field: 'jobs.test.steps[0].uses',
          problem: null,
        },
        {
          path: 'Dockerfile',
          line: 2,
          image: 'docker.io/library/node:20-alpine',
          raw: 'node:${NODE_VERSION}-alpine',
          kind: 'dockerfile',
          field: 'FROM',
          problem: null,
        },
        {
          path: 'charts/web/values.yaml',
          line: 2,
          image: 'docker.io/library/nginx:1.25',
          raw: 'nginx:1.25',
          kind: 'helm',
          field: 'image',
          problem: null,
        },
        {
          path: 'compose.yaml',
          line: 3,
          image: 'docker.io/library/postgres:16',
          raw: 'postgres:16',
          kind: 'compose',
          field: 'services.db.image',
          problem: null,
        },
        {
          path: 'deploy/app.yaml',
          line: 13,
          image: 'ghcr.io/acme/web:1.4.2',
          raw: 'ghcr.io/acme/web:1.4.2',
          kind: 'kubernetes',
          field: 'spec.template.spec.containers[0].image',
          problem: null,
        },
        {
          path: 'deploy/kustomization.yaml',
          line: 2,
          image: 'ghcr.io/acme/web:1.5.0',
          raw: 'ghcr.io/acme/web:1.5.0',
          kind: 'kustomize',
          field: 'images[0]',
          problem: null,
        },
      ],
      errors: [
        {
          path: 'deploy/broken.yaml',
          line: 4,
          message:
            'invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
        },
      ],
    });
    // The documented keys come first, in order.
    expect(Object.keys(JSON.parse(stdout).refs[0]).slice(0, 5)).toEqual([
      'path',
      'line',
      'image',
      'raw',
      'kind',
    ]);
  });

  it('prints one aligned line per reference, with the raw text when it differs, then the errors', async () => {
    const { code, stdout } = await cli(
      'refs',
      '--repo',
      repo,
      join(repo, 'Dockerfile'),
      join(repo, 'deploy'),
    );
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      'Dockerfile:2                 dockerfile  docker.io/library/node:20-alpine  (node:${NODE_VERSION}-alpine)',
      'deploy/app.yaml:13           kubernetes  ghcr.io/acme/web:1.4.2',
      'deploy/kustomization.yaml:2  kustomize   ghcr.io/acme/web:1.5.0',
      'deploy/broken.yaml:4         error       invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
      '',
      '3 image references: 0 unresolvable, 0 invalid; 1 file error',
    ]);
  });

  it('reads a file named on the command line whatever its name, and says when it is no known format', async () => {
    await writeFile(join(repo, 'build.docker'), 'FROM python:3.12-slim\n');
    const named = await cli('refs', '--repo', repo, '--format', 'json', join(repo, 'build.docker'));
    expect(JSON.parse(named.stdout).refs).toEqual([
      expect.objectContaining({ path: 'build.docker', line: 1 }),
    ]);
    const yaml = await cli('refs', '--repo', repo, '--format', 'json', join(repo, 'config', 'settings.yaml'));
    expect(JSON.parse(yaml.stdout)).toEqual({
      refs: [],
      errors: [
        { path: 'config/settings.yaml', message: expect.stringContaining('not a Kubernetes manifest') },
      ],
    });
    await rm(join(repo, 'build.docker'));
  });

  it('exits 2 on usage errors', async () => {
    expect((await cli('refs', '--format', 'yaml')).code).toBe(2);
    expect((await cli('refs', '--repo', repo, join(repo, 'missing.yaml'))).code).toBe(2);
    expect((await cli('refs', '--bogus')).code).toBe(2);
  });
});
