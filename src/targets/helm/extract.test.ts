import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractorFor } from '../references.js';
import { helmValuesExtractor } from './index.js';

const FIXTURES = join(process.cwd(), 'src', 'targets', 'helm', '__fixtures__');
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const extract = (name: string) =>
  helmValuesExtractor
    .extract(`charts/shop/${name}`, read(name))
    .map((s) => [s.line, s.field, s.raw, s.image?.normalized ?? null, s.problem?.kind ?? null]);

describe('Helm values', () => {
  it('reads every common image shape, nested anywhere, on the line of the repository', () => {
    expect(extract('values.yaml')).toEqual([
      [5, 'image', 'ghcr.io/acme/shop-web', null, 'unresolvable'],
      [
        15,
        'controller.image',
        'registry.k8s.io/ingress-nginx/controller:v1.9.5@sha256:b3aba22b1da80e7acfc52b115cae1d4c687172cbf2b742d5b502419c25ff340e',
        'registry.k8s.io/ingress-nginx/controller:v1.9.5@sha256:b3aba22b1da80e7acfc52b115cae1d4c687172cbf2b742d5b502419c25ff340e',
        null,
      ],
      [
        23,
        'controller.admissionWebhooks.patch.image',
        'registry.k8s.io/ingress-nginx/kube-webhook-certgen:v20231011-8b53cabe0',
        'registry.k8s.io/ingress-nginx/kube-webhook-certgen:v20231011-8b53cabe0',
        null,
      ],
      [
        30,
        'metrics.exporter.image',
        'quay.io/prometheus/node-exporter:v1.7.0',
        'quay.io/prometheus/node-exporter:v1.7.0',
        null,
      ],
      [34, 'postgresql.image', 'postgres:16', 'docker.io/library/postgres:16', null],
      [39, 'redis.image', 'redis:7.10', null, 'invalid'],
      [44, 'sidecars[0].image', 'fluent/fluent-bit:2.2', 'docker.io/fluent/fluent-bit:2.2', null],
      [46, 'sidecars[1].image', '{{ .Values.global.registry }}/custom:1.0', null, 'unresolvable'],
    ]);
  });

  it('says why a reference is unresolvable or invalid', () => {
    const sites = helmValuesExtractor.extract('values.yaml', read('values.yaml'));
    expect(sites.find((s) => s.line === 5)?.problem?.message).toBe(
      "image sets no tag: the chart's templates choose it, often from the chart's appVersion",
    );
    // Helm reads YAML numbers as floats: `7.10` would render as `7.1`.
    expect(sites.find((s) => s.line === 39)?.problem?.message).toBe(
      'redis.image.tag is the number 7.10 in YAML, which Helm renders as 7.1: quote it',
    );
    expect(sites.find((s) => s.line === 46)?.problem?.message).toMatch(
      /template expression \{\{ \.Values\.global\.registry \}\}/,
    );
  });

  it('puts global.imageRegistry before every map-shaped image, as Bitnami charts do', () => {
    expect(extract('values-mirror.yaml')).toEqual([
      [
        8,
        'image',
        'mirror.acme.internal/bitnami/nginx:1.25.3-debian-11-r4',
        'mirror.acme.internal/bitnami/nginx:1.25.3-debian-11-r4',
        null,
      ],
      [
        16,
        'metrics.image',
        'mirror.acme.internal/bitnami/nginx-exporter:0.11.0-debian-11-r390@sha256:0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7',
        'mirror.acme.internal/bitnami/nginx-exporter:0.11.0-debian-11-r390@sha256:0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7',
        null,
      ],
    ]);
  });

  it('takes a numeric tag only when Helm renders it as written', () => {
    const tags = ['16', '3', '1.5', '1.10', '20240101', '1e3', 'true'].map((tag) => {
      const [site] = helmValuesExtractor.extract('values.yaml', `image:\n  repository: app\n  tag: ${tag}\n`);
      return site?.image?.tag ?? site?.problem?.message;
    });
    expect(tags).toEqual([
      '16',
      '3',
      '1.5',
      'image.tag is the number 1.10 in YAML, which Helm renders as 1.1: quote it',
      'image.tag is the number 20240101 in YAML, which Helm renders as 2.0240101e+07: quote it',
      'image.tag is the number 1e3 in YAML, which Helm renders as 1000: quote it',
      'image.tag is the boolean true in YAML, not a string',
    ]);
  });

  it('does not follow aliases, so a values file full of them is read once', () => {
    const content = 'base: &base\n  image: nginx:1.25\nother:\n  <<: *base\ncopy: *base\n';
    expect(helmValuesExtractor.extract('values.yaml', content).map((s) => [s.line, s.field])).toEqual([
      [2, 'base.image'],
    ]);
  });

  it.each(['values.yaml', 'charts/web/values.yml', 'values-prod.yaml', 'deploy/values.staging.yaml'])(
    'claims %s',
    (path) => {
      expect(extractorFor(path, 'image: nginx\n')?.kind).toBe('helm');
    },
  );

  it('leaves chart templates and schemas to no extractor', () => {
    expect(extractorFor('charts/web/values.schema.json', '{}')).toBeNull();
    expect(
      extractorFor(
        'charts/web/templates/deployment.yaml',
        'apiVersion: apps/v1\nkind: Deployment\nimage: {{ .Values.image }}\n',
      ),
    ).toBeNull();
  });
});
