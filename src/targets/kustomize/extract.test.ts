import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractorFor } from '../references.js';
import { kustomizeExtractor } from './index.js';

const FIXTURES = join(process.cwd(), 'src', 'targets', 'kustomize', '__fixtures__');
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

describe('Kustomizations', () => {
  const sites = kustomizeExtractor.extract('overlays/prod/kustomization.yaml', read('kustomization.yaml'));

  it('turns each images: entry into the reference kustomize writes, on the line of the entry', () => {
    expect(sites.map((s) => [s.line, s.field, s.raw, s.image?.normalized ?? null])).toEqual([
      [10, 'images[0]', 'ghcr.io/acme/shop-web:v2.4.0', 'ghcr.io/acme/shop-web:v2.4.0'],
      [
        12,
        'images[1]',
        'registry.acme.internal/mirror/postgres:16.1',
        'registry.acme.internal/mirror/postgres:16.1',
      ],
      [
        15,
        'images[2]',
        'redis@sha256:9c2d0ae5f1e1d4c5b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0',
        'docker.io/library/redis@sha256:9c2d0ae5f1e1d4c5b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0',
      ],
      [
        17,
        'images[3]',
        'envoyproxy/envoy:v1.29.1@sha256:1f0e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4',
        'docker.io/envoyproxy/envoy:v1.29.1@sha256:1f0e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4',
      ],
      [20, 'images[4]', 'registry.acme.internal/mirror/busybox', null],
      [22, 'images[5]', 'nginx:1.25', null],
    ]);
    expect(sites.every((s) => s.kind === 'kustomize')).toBe(true);
  });

  it('leaves a rename without newTag or digest unresolvable: the tag comes from the manifests', () => {
    expect(sites[4]?.problem).toEqual({
      kind: 'unresolvable',
      message: 'images[4] sets no newTag or digest: the tag is the one of the manifests kustomize rewrites',
    });
  });

  it('reports a numeric newTag as invalid rather than guessing its text', () => {
    expect(sites[5]?.problem).toEqual({
      kind: 'invalid',
      message: 'images[5].newTag is the number 1.25 in YAML, not a string',
    });
  });

  it('reports an entry without a name as invalid', () => {
    expect(kustomizeExtractor.extract('kustomization.yaml', 'images:\n  - newTag: "1.0"\n')).toEqual([
      {
        path: 'kustomization.yaml',
        line: 2,
        kind: 'kustomize',
        field: 'images[0]',
        raw: '',
        image: null,
        problem: { kind: 'invalid', message: 'images[0] has no name' },
      },
    ]);
  });

  it.each(['kustomization.yaml', 'overlays/prod/kustomization.yml', 'base/Kustomization'])(
    'claims %s',
    (path) => {
      const content = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
      expect(extractorFor(path, content)?.kind).toBe('kustomize');
    },
  );
});
