// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the values under test are templates.
import { toSite } from './extractor.js';
import { extractorFor, mayHoldReferences, REFERENCE_EXTRACTORS } from './references.js';

const at = { path: 'x.yaml', line: 3, kind: 'kubernetes' as const, field: 'spec.containers[0].image' };

describe('toSite', () => {
  it('parses a reference and keeps what was written', () => {
    expect(toSite(at, 'nginx:1.25')).toEqual({
      ...at,
      raw: 'nginx:1.25',
      image: expect.objectContaining({ normalized: 'docker.io/library/nginx:1.25' }),
      problem: null,
    });
  });

  it('parses `reference` when the text to parse is not the raw value', () => {
    expect(toSite(at, 'docker://alpine', { reference: 'alpine' }).image?.normalized).toBe(
      'docker.io/library/alpine:latest',
    );
  });

  it.each([
    [
      '${{ matrix.image }}',
      'uses the GitHub Actions expression ${{ matrix.image }}, known only when the workflow runs',
    ],
    [
      'ghcr.io/${{ github.repository }}:latest',
      'uses the GitHub Actions expression ${{ github.repository }}',
    ],
    [
      '{{ .Values.image }}',
      'uses the template expression {{ .Values.image }}, known only when the template is rendered',
    ],
    ['nginx:{{.Chart.AppVersion}}', 'uses the template expression {{.Chart.AppVersion}}'],
    ['nginx:${TAG}', 'uses the variable ${TAG}, which has no value here'],
    ['$REGISTRY/nginx', 'uses the variable $REGISTRY, which has no value here'],
    ['nginx:${TAG:-1.25}', 'uses the variable ${TAG:-1.25}'],
  ])('never guesses %s: unresolvable', (raw, message) => {
    const site = toSite(at, raw);
    expect(site.image).toBeNull();
    expect(site.problem).toEqual({ kind: 'unresolvable', message: expect.stringContaining(message) });
  });

  it('reports what the reference grammar refuses as invalid, with its message', () => {
    expect(toSite(at, 'nginx:1.25 ').problem).toEqual({
      kind: 'invalid',
      message: 'invalid image reference "nginx:1.25 ": it contains white space',
    });
    expect(toSite(at, '').problem?.kind).toBe('invalid');
  });

  it('keeps a problem the extractor already knows of', () => {
    const problem = { kind: 'invalid' as const, message: 'image is a map, not a string' };
    expect(toSite(at, 'name: nginx', { problem })).toMatchObject({ image: null, problem });
  });
});

describe('which extractor reads a file', () => {
  const k8s = 'apiVersion: apps/v1\nkind: Deployment\n';

  it('asks the formats with precise names before Kubernetes sniffing, and Dockerfiles last', () => {
    expect(REFERENCE_EXTRACTORS.map((e) => e.kind)).toEqual([
      'workflow',
      'compose',
      'kustomize',
      'helm',
      'kubernetes',
      'dockerfile',
    ]);
    expect(extractorFor('kustomization.yaml', `${k8s}`)?.kind).toBe('kustomize');
    expect(extractorFor('charts/web/values.yaml', k8s)?.kind).toBe('helm');
    expect(extractorFor('compose.yaml', k8s)?.kind).toBe('compose');
    expect(extractorFor('.github/workflows/deploy.yml', k8s)?.kind).toBe('workflow');
    expect(extractorFor('deploy/app.yml', k8s)?.kind).toBe('kubernetes');
  });

  it('knows from the path alone which files are worth reading', () => {
    expect(mayHoldReferences('deploy/app.yaml')).toBe(true);
    expect(mayHoldReferences('Dockerfile')).toBe(true);
    expect(mayHoldReferences('src/index.ts')).toBe(false);
    expect(mayHoldReferences('README.md')).toBe(false);
  });
});
