// biome-ignore-all lint/suspicious/noTemplateCurlyInString: workflows are full of ${{ expressions }}.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractorFor } from '../references.js';
import { workflowExtractor } from './index.js';

const FIXTURES = join(process.cwd(), 'src', 'targets', 'workflow', '__fixtures__');
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

describe('GitHub Actions workflows', () => {
  const sites = workflowExtractor.extract('.github/workflows/ci.yml', read('ci.yml'));

  it('reads job containers (string and map), service containers and docker:// steps, with their lines', () => {
    expect(sites.map((s) => [s.line, s.field, s.raw, s.image?.normalized ?? null])).toEqual([
      [14, 'jobs.test.container', 'node:20-bookworm', 'docker.io/library/node:20-bookworm'],
      [17, 'jobs.test.services.postgres.image', 'postgres:16', 'docker.io/library/postgres:16'],
      [24, 'jobs.test.services.redis.image', 'redis:7-alpine', 'docker.io/library/redis:7-alpine'],
      [
        36,
        'jobs.lint-dockerfiles.steps[1].uses',
        'docker://hadolint/hadolint:v2.12.0-debian',
        'docker.io/hadolint/hadolint:v2.12.0-debian',
      ],
      [
        40,
        'jobs.lint-dockerfiles.steps[2].uses',
        'docker://koalaman/shellcheck@sha256:a527e2077f11f28c1c1ad1dc784b5bc966baeb3e34ef304a0ffa72699b01ad9c',
        'docker.io/koalaman/shellcheck@sha256:a527e2077f11f28c1c1ad1dc784b5bc966baeb3e34ef304a0ffa72699b01ad9c',
      ],
      [48, 'jobs.integration.container.image', '${{ matrix.image }}', null],
      [
        55,
        'jobs.integration.services.registry.image',
        'ghcr.io/${{ github.repository_owner }}/registry-mirror:2',
        null,
      ],
    ]);
    expect(sites.every((s) => s.kind === 'workflow')).toBe(true);
  });

  it('reports expressions as unresolvable, never guessed', () => {
    expect(sites[5]?.problem).toEqual({
      kind: 'unresolvable',
      message:
        '"${{ matrix.image }}" uses the GitHub Actions expression ${{ matrix.image }}, known only when the workflow runs',
    });
    expect(sites[6]?.problem?.kind).toBe('unresolvable');
  });

  it('reports an invalid docker:// reference with the reference grammar’s reason', () => {
    const content = 'jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker://Alpine\n';
    expect(workflowExtractor.extract('.github/workflows/a.yml', content)).toEqual([
      {
        path: '.github/workflows/a.yml',
        line: 5,
        kind: 'workflow',
        field: 'jobs.a.steps[0].uses',
        raw: 'docker://Alpine',
        image: null,
        problem: {
          kind: 'invalid',
          message: 'invalid image reference "Alpine": repository names must be lower-case',
        },
      },
    ]);
  });

  it('claims only workflows in the repository’s .github/workflows folder', () => {
    expect(extractorFor('.github/workflows/ci.yml', 'jobs: {}\n')?.kind).toBe('workflow');
    expect(extractorFor('.github/workflows/Release.YAML', 'jobs: {}\n')?.kind).toBe('workflow');
    expect(extractorFor('.github/dependabot.yml', 'version: 2\n')).toBeNull();
    expect(extractorFor('sub/.github/workflows/ci.yml', 'jobs: {}\n')).toBeNull();
  });
});
