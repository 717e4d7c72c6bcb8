// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Compose files interpolate ${VARIABLES}.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractorFor } from '../references.js';
import { composeExtractor } from './index.js';

const FIXTURES = join(process.cwd(), 'src', 'targets', 'compose', '__fixtures__');
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

describe('Compose files', () => {
  it('reads every service image, also of services that build, through merge keys, with platform', () => {
    const sites = composeExtractor.extract('docker-compose.yml', read('docker-compose.yml'));
    expect(sites.map((s) => ({ ...s, image: s.image?.normalized ?? null }))).toEqual([
      {
        path: 'docker-compose.yml',
        line: 10,
        kind: 'compose',
        field: 'services.mailer.image',
        raw: 'ghcr.io/acme/shop-worker:${WORKER_TAG:-latest}',
        image: null,
        problem: {
          kind: 'unresolvable',
          message:
            '"ghcr.io/acme/shop-worker:${WORKER_TAG:-latest}" uses the variable ${WORKER_TAG:-latest}, which has no value here',
        },
      },
      {
        path: 'docker-compose.yml',
        line: 20,
        kind: 'compose',
        field: 'services.web.image',
        raw: 'ghcr.io/acme/shop-web:dev',
        image: 'ghcr.io/acme/shop-web:dev',
        problem: null,
      },
      {
        path: 'docker-compose.yml',
        line: 28,
        kind: 'compose',
        field: 'services.db.image',
        raw: 'postgres:16.1-alpine@sha256:0a4a1e8d1c8b8f0f6a1e3d2c5b4a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2',
        image:
          'docker.io/library/postgres:16.1-alpine@sha256:0a4a1e8d1c8b8f0f6a1e3d2c5b4a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2',
        problem: null,
      },
      {
        path: 'docker-compose.yml',
        line: 35,
        kind: 'compose',
        field: 'services.cache.image',
        platform: 'linux/amd64',
        raw: 'redis',
        image: 'docker.io/library/redis:latest',
        problem: null,
      },
    ]);
  });

  it('reads override files', () => {
    const sites = composeExtractor.extract('compose.override.yaml', read('compose.override.yaml'));
    expect(sites.map((s) => [s.line, s.field, s.image?.normalized ?? s.problem?.kind])).toEqual([
      [3, 'services.web.image', 'unresolvable'],
      [5, 'services.adminer.image', 'docker.io/library/adminer:4.8.1'],
    ]);
  });

  it('reports an image that is not a string as invalid', () => {
    const sites = composeExtractor.extract(
      'compose.yaml',
      'services:\n  app:\n    image:\n      name: nginx\n',
    );
    expect(sites).toEqual([
      expect.objectContaining({
        line: 4,
        raw: 'name: nginx',
        image: null,
        problem: { kind: 'invalid', message: 'services.app.image is a map, not a string' },
      }),
    ]);
  });

  it.each([
    'compose.yaml',
    'compose.yml',
    'docker-compose.yml',
    'docker-compose.yaml',
    'deploy/docker-compose.prod.yml',
    'compose.override.yaml',
    'Docker-Compose.CI.YML',
  ])('claims %s', (path) => {
    expect(extractorFor(path, 'services: {}\n')?.kind).toBe('compose');
  });

  it.each(['composer.yaml', 'compose.json', 'my-docker-compose.yml'])('does not claim %s', (path) => {
    expect(extractorFor(path, 'services: {}\n')?.kind).not.toBe('compose');
  });
});
