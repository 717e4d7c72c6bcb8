// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfiles are full of literal ${…}.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractorFor } from '../references.js';
import { dockerfileReferenceExtractor } from './references.js';

const FIXTURES = join(process.cwd(), 'src', 'targets', 'dockerfile', '__fixtures__');
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

describe('Dockerfile image references', () => {
  const sites = dockerfileReferenceExtractor.extract('go-service.Dockerfile', read('go-service.Dockerfile'));

  it('reads base images with ARG defaults, COPY --from and RUN --mount from images, never stages or scratch', () => {
    expect(sites.map((s) => [s.line, s.field, s.raw, s.image?.normalized ?? null])).toEqual([
      [6, 'FROM', 'golang:${GO_VERSION}-bookworm', 'docker.io/library/golang:1.22-bookworm'],
      [9, 'RUN --mount from', 'ghcr.io/acme/go-vendor:2024-05', 'ghcr.io/acme/go-vendor:2024-05'],
      [18, 'FROM', '${BASE_IMAGE}', null],
      [21, 'COPY --from', 'alpine:3.19', 'docker.io/library/alpine:3.19'],
      [23, 'FROM', '${DISTROLESS}', 'gcr.io/distroless/static-debian12:nonroot'],
      [27, 'COPY --from', 'docker.io/tonistiigi/xx:1.4.0', 'docker.io/tonistiigi/xx:1.4.0'],
    ]);
    expect(sites.every((s) => s.kind === 'dockerfile' && s.path === 'go-service.Dockerfile')).toBe(true);
  });

  it('keeps FROM --platform as written', () => {
    expect(sites[0]?.platform).toBe('$BUILDPLATFORM');
    expect(sites.filter((s) => s.platform !== undefined)).toHaveLength(1);
  });

  it('reports an ARG without a default as unresolvable, with the reason', () => {
    expect(sites[2]?.problem).toEqual({
      kind: 'unresolvable',
      message: 'the base image "${BASE_IMAGE}" uses $BASE_IMAGE without a default value',
    });
  });

  it('reports an invalid reference with the grammar’s reason', () => {
    const [site] = dockerfileReferenceExtractor.extract('Dockerfile', 'FROM Ubuntu:22.04\n');
    expect(site).toEqual({
      path: 'Dockerfile',
      line: 1,
      kind: 'dockerfile',
      field: 'FROM',
      raw: 'Ubuntu:22.04',
      image: null,
      problem: {
        kind: 'invalid',
        message: 'invalid image reference "Ubuntu:22.04": repository names must be lower-case',
      },
    });
  });

  it('claims Dockerfiles by name, but not BuildKit ignore files', () => {
    expect(extractorFor('services/api/Dockerfile', 'FROM alpine\n')?.kind).toBe('dockerfile');
    expect(extractorFor('api.Containerfile', 'FROM alpine\n')?.kind).toBe('dockerfile');
    expect(extractorFor('api.Dockerfile.dockerignore', 'node_modules\n')).toBeNull();
  });
});
