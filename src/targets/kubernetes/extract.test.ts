// biome-ignore-all lint/suspicious/noTemplateCurlyInString: manifests under test hold ${VARIABLES}.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReferenceExtractError } from '../extractor.js';
import { extractorFor } from '../references.js';
import { kubernetesExtractor } from './index.js';

const FIXTURES = join(process.cwd(), 'src', 'targets', 'kubernetes', '__fixtures__');
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const extract = (name: string) =>
  kubernetesExtractor.extract(`deploy/${name}`, read(name)).map((s) => ({
    line: s.line,
    field: s.field,
    raw: s.raw,
    image: s.image?.normalized ?? null,
    problem: s.problem?.kind ?? null,
  }));

describe('Kubernetes manifests', () => {
  it('reads every document of a multi-document file, with the line of each value, and skips ConfigMap data and custom resources', () => {
    expect(extract('web-app.yaml')).toEqual([
      {
        line: 40,
        field: 'spec.template.spec.initContainers[0].image',
        raw: 'ghcr.io/acme/shop-migrations:v2.3.1',
        image: 'ghcr.io/acme/shop-migrations:v2.3.1',
        problem: null,
      },
      {
        line: 44,
        field: 'spec.template.spec.containers[0].image',
        raw: 'us-docker.pkg.dev/google-samples/microservices-demo/frontend:v0.10.0',
        image: 'us-docker.pkg.dev/google-samples/microservices-demo/frontend:v0.10.0',
        problem: null,
      },
      {
        line: 51,
        field: 'spec.template.spec.containers[1].image',
        raw: 'envoyproxy/envoy@sha256:4d8b4a2bdbf0ac4e1a6a2bc5a4ff4b8c0c6e9d7bd2f8e8c5e9f1a2b3c4d5e6f7',
        image:
          'docker.io/envoyproxy/envoy@sha256:4d8b4a2bdbf0ac4e1a6a2bc5a4ff4b8c0c6e9d7bd2f8e8c5e9f1a2b3c4d5e6f7',
        problem: null,
      },
      {
        line: 81,
        field: 'spec.containers[0].image',
        raw: 'nginx',
        image: 'docker.io/library/nginx:latest',
        problem: null,
      },
      {
        line: 84,
        field: 'spec.ephemeralContainers[0].image',
        raw: 'busybox:1.36',
        image: 'docker.io/library/busybox:1.36',
        problem: null,
      },
    ]);
  });

  it("reads a CronJob's containers under spec.jobTemplate.spec.template.spec", () => {
    expect(extract('backup-cronjob.yaml')).toEqual([
      {
        line: 18,
        field: 'spec.jobTemplate.spec.template.spec.containers[0].image',
        raw: 'postgres:16.1-alpine',
        image: 'docker.io/library/postgres:16.1-alpine',
        problem: null,
      },
      {
        line: 27,
        field: 'spec.jobTemplate.spec.template.spec.containers[1].image',
        raw: 'amazon/aws-cli:2.15.0',
        image: 'docker.io/amazon/aws-cli:2.15.0',
        problem: null,
      },
    ]);
  });

  it('reads the items of a List, as `kubectl get -o yaml` prints them', () => {
    expect(extract('kubectl-get-list.yaml')).toEqual([
      {
        line: 22,
        field: 'items[0].spec.template.spec.containers[0].image',
        raw: 'registry.k8s.io/coredns/coredns:v1.11.1',
        image: 'registry.k8s.io/coredns/coredns:v1.11.1',
        problem: null,
      },
      {
        line: 42,
        field: 'items[1].spec.template.spec.containers[0].image',
        raw: 'registry.k8s.io/kube-proxy:v1.29.0',
        image: 'registry.k8s.io/kube-proxy:v1.29.0',
        problem: null,
      },
    ]);
  });

  it('reads StatefulSet, Job, ReplicaSet and ReplicationController; variables are unresolvable, numbers and bad names invalid', () => {
    const sites = kubernetesExtractor.extract('workloads.yaml', read('workloads.yaml'));
    expect(sites.map((s) => [s.line, s.field, s.image?.normalized ?? null, s.problem])).toEqual([
      [15, 'spec.template.spec.containers[0].image', 'docker.io/library/redis:7.2.4-alpine', null],
      [
        27,
        'spec.template.spec.containers[0].image',
        null,
        {
          kind: 'unresolvable',
          message:
            '"ghcr.io/acme/seed:${SEED_VERSION}" uses the variable ${SEED_VERSION}, which has no value here',
        },
      ],
      [
        42,
        'spec.template.spec.containers[0].image',
        null,
        {
          kind: 'invalid',
          message: 'spec.template.spec.containers[0].image is the number 1.25 in YAML, not a string',
        },
      ],
      [
        56,
        'spec.template.spec.containers[0].image',
        null,
        {
          kind: 'invalid',
          message: 'invalid image reference "Nginx:1.25": repository names must be lower-case',
        },
      ],
    ]);
    expect(sites[2]?.raw).toBe('1.25');
  });

  it('follows aliases and merge keys to the line where the image is written', () => {
    const content = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: anchors}',
      'spec:',
      '  containers:',
      '    - &sidecar',
      '      name: proxy',
      '      image: envoyproxy/envoy:v1.29.1',
      '    - <<: *sidecar',
      '      name: proxy-2',
      '',
    ].join('\n');
    expect(kubernetesExtractor.extract('pod.yaml', content).map((s) => [s.line, s.field])).toEqual([
      [8, 'spec.containers[0].image'],
      [8, 'spec.containers[1].image'],
    ]);
  });

  it('reports an alias to no anchor as invalid, on its line', () => {
    const content = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: *nowhere\n';
    expect(kubernetesExtractor.extract('pod.yaml', content)).toEqual([
      expect.objectContaining({
        line: 5,
        raw: '*nowhere',
        problem: { kind: 'invalid', message: 'spec.containers[0].image is an alias (*nowhere) to no anchor' },
      }),
    ]);
  });

  it('ignores kinds of other API groups that share a workload name', () => {
    const content =
      'apiVersion: example.com/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: nginx\n';
    expect(kubernetesExtractor.extract('crd.yaml', content)).toEqual([]);
  });
});

describe('which YAML files are Kubernetes manifests', () => {
  it('claims YAML with top-level apiVersion and kind', () => {
    expect(extractorFor('deploy/web-app.yaml', read('web-app.yaml'))?.kind).toBe('kubernetes');
    expect(extractorFor('k8s/list.YML', read('kubectl-get-list.yaml'))?.kind).toBe('kubernetes');
  });

  it('leaves other YAML alone', () => {
    expect(extractorFor('config/settings.yaml', 'image: nginx\nreplicas: 2\n')).toBeNull();
    expect(extractorFor('.pre-commit-config.yaml', 'repos:\n  - repo: x\n    kind: y\n')).toBeNull();
  });

  it('skips Helm chart templates, which are Go templates rather than YAML', () => {
    const template =
      'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n';
    expect(extractorFor('charts/web/templates/deployment.yaml', template)).toBeNull();
    // A `{{` elsewhere is text, e.g. an alerting template in a ConfigMap.
    expect(
      extractorFor('deploy/alerts.yaml', `${read('web-app.yaml')}\n# {{ $labels.instance }}\n`)?.kind,
    ).toBe('kubernetes');
  });
});

describe('hostile and malformed YAML', () => {
  const billionLaughs = [
    'apiVersion: v1',
    'kind: Pod',
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
    'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
    'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
    'i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
    'spec:',
    '  containers: *i',
    '  initContainers: [{image: nginx, env: *i}]',
    '',
  ].join('\n');

  it('reads a billion-laughs file without expanding it', () => {
    expect(kubernetesExtractor.extract('laughs.yaml', billionLaughs).map((s) => s.line)).toEqual([14]);
  });

  it('stops following a merge key that merges its own map', () => {
    const content = `apiVersion: v1\nkind: Pod\nspec: &s\n  <<: *s\n  x: 1\n`;
    expect(kubernetesExtractor.extract('loop.yaml', content)).toEqual([]);
  });

  it('stops after 10 000 alias look-ups with a clear error', () => {
    const content = `apiVersion: v1\nkind: Pod\nx: &c {image: nginx}\nspec:\n  containers:\n${'    - *c\n'.repeat(12_000)}`;
    expect(() => kubernetesExtractor.extract('aliases.yaml', content)).toThrow(
      'more than 10000 alias look-ups: the file looks built to exhaust its reader',
    );
  });

  it('reports a syntax error with its line', () => {
    const content = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: web\n      image: [nginx\n';
    expect(() => kubernetesExtractor.extract('broken.yaml', content)).toThrow(
      expect.objectContaining({
        name: 'ReferenceExtractError',
        line: 6,
        message: expect.stringMatching(/^invalid YAML: /),
      }),
    );
  });

  it('reports duplicate keys, which Kubernetes refuses, with their line', () => {
    const content =
      'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: nginx\n      image: redis\n';
    expect(() => kubernetesExtractor.extract('dup.yaml', content)).toThrow(
      expect.objectContaining({ line: 6, message: 'duplicate key "image"' }),
    );
  });

  it('turns binary-ish garbage and deep nesting into clean errors or nothing, never a crash', () => {
    const garbage = `apiVersion: v1\nkind: Pod\n${Array.from({ length: 4000 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join('')}`;
    const deep = `apiVersion: v1\nkind: Pod\nspec: ${'['.repeat(100_000)}`;
    for (const content of [garbage, deep, '\u0000\u0001: [', ': : :', '- - - -\n\t\t']) {
      try {
        expect(Array.isArray(kubernetesExtractor.extract('x.yaml', content))).toBe(true);
      } catch (error) {
        expect(error).toBeInstanceOf(ReferenceExtractError);
      }
    }
  });

  it('refuses a file over 1 MiB', () => {
    const big = `apiVersion: v1\nkind: Pod\n${'# padding\n'.repeat(110_000)}`;
    expect(() => kubernetesExtractor.extract('big.yaml', big)).toThrow(/over the 1 MiB limit/);
  });

  // Time is bounded by jest's timeout, not asserted: timings belong in benchmarks (BENCHMARKS.md).
  it('reads a 1 MiB map with tens of thousands of keys', () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => `k${i}: v`).join('\n');
    expect(kubernetesExtractor.extract('keys.yaml', `apiVersion: v1\nkind: Pod\n${keys}\n`)).toEqual([]);
  });
});

describe('manifests in any YAML or JSON style are claimed by parsing them', () => {
  // Written here rather than as fixture files, which the formatter would rewrite.
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'debug' },
    spec: { containers: [{ name: 'shell', image: 'busybox:latest', securityContext: { privileged: true } }] },
  };
  it.each([
    ['compact', JSON.stringify(pod)],
    ['pretty, tab-indented', JSON.stringify(pod, null, '\t')],
  ])('claims JSON (%s), with the image on its line', (_style, content) => {
    expect(extractorFor('deploy/pod.json', content)?.kind).toBe('kubernetes');
    const [site] = kubernetesExtractor.extract('deploy/pod.json', content);
    expect(site).toMatchObject({ field: 'spec.containers[0].image', raw: 'busybox:latest' });
    expect(content.split('\n')[(site?.line ?? 0) - 1]).toContain('"busybox:latest"');
  });

  it('claims flow-style YAML documents (`--- {apiVersion: v1, …}`)', () => {
    // Inline: the formatter would rewrite a fixture file's flow style into blocks.
    const flow = [
      '--- {apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {mode: fast}}',
      '--- {apiVersion: apps/v1, kind: Deployment, metadata: {name: web},',
      '  spec: {template: {spec: {containers: [{name: web, image: "nginx:latest"}]}}}}',
      '',
    ].join('\n');
    expect(extractorFor('deploy/flow.yaml', flow)?.kind).toBe('kubernetes');
    expect(kubernetesExtractor.extract('deploy/flow.yaml', flow)).toEqual([
      expect.objectContaining({
        line: 3,
        field: 'spec.template.spec.containers[0].image',
        raw: 'nginx:latest',
        image: expect.objectContaining({ normalized: 'docker.io/library/nginx:latest' }),
      }),
    ]);
  });

  it('claims a file under templates/ whose only `{{` is in comments: it is plain YAML', () => {
    const content = read('template-braces-in-comments.yaml');
    expect(extractorFor('charts/web/templates/deployment.yaml', content)?.kind).toBe('kubernetes');
    expect(kubernetesExtractor.extract('charts/web/templates/deployment.yaml', content)).toEqual([
      expect.objectContaining({ line: 11, raw: 'nginx:latest' }),
    ]);
  });

  it('claims a file that names apiVersion and kind but does not parse, so that extracting it fails', () => {
    const broken = '{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"image": "nginx"}]}';
    expect(extractorFor('deploy/pod.json', broken)?.kind).toBe('kubernetes');
    expect(() => kubernetesExtractor.extract('deploy/pod.json', broken)).toThrow(ReferenceExtractError);
    const flow = '--- {apiVersion: v1, kind: Pod, spec: {containers: [{image: nginx}]}\n';
    expect(extractorFor('deploy/pod.yaml', flow)?.kind).toBe('kubernetes');
  });

  it('leaves JSON and YAML that are no manifest alone, even when apiVersion and kind appear nested', () => {
    expect(extractorFor('package.json', '{"name": "web", "version": "1.0.0"}')).toBeNull();
    expect(
      extractorFor('tsconfig.json', '{\n  // comments make it no JSON\n  "compilerOptions": {}\n}\n'),
    ).toBeNull();
    expect(
      extractorFor(
        'schema.json',
        '{"properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"}}}',
      ),
    ).toBeNull();
    expect(extractorFor('config.yaml', 'spec: {apiVersion: v1, kind: Pod}\n')).toBeNull();
  });
});
