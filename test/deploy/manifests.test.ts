/**
 * deploy/: the Compose file and the Kubernetes manifests are read cleanly by the real
 * command line (`portcullis refs`, `portcullis check --offline`), and hold what
 * docs/operations.md promises of them (probes, limits, a locked-down pod, a grace period
 * longer than the shutdown deadline). No cluster or Docker daemon is needed: the files are
 * judged as Portcullis judges a pull request's.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isMap, isPair, isScalar, isSeq, type Node, parseAllDocuments } from 'yaml';
import { loadSettings } from '../../src/settings.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'portcullis.js');
const KUBERNETES = join(ROOT, 'deploy', 'kubernetes');
// biome-ignore lint/suspicious/noTemplateCurlyInString: the variable envsubst replaces, as written in the manifests.
const APP_IMAGE = '${PORTCULLIS_IMAGE}';

interface Finding {
  rule_id: string;
  severity: string;
  path: string;
  line: number;
}
interface Reference {
  path: string;
  line: number;
  image: string | null;
  raw: string;
  problem: { kind: string } | null;
}

/** The command line's JSON answer; exit 1 (a deny) is an answer too. */
async function portcullis<T>(repo: string, ...args: string[]): Promise<T> {
  try {
    const { stdout } = await run(process.execPath, [BIN, ...args, '--format', 'json', '--repo', repo], {
      cwd: repo,
    });
    return JSON.parse(stdout);
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (failed.code !== 1 || !failed.stdout)
      throw new Error(`portcullis ${args[0]} failed: ${failed.stderr}`);
    return JSON.parse(failed.stdout);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: manifests are read as plain YAML data.
type Manifest = Record<string, any>;

async function manifests(file: string): Promise<Manifest[]> {
  const text = await readFile(join(KUBERNETES, file), 'utf8');
  return parseAllDocuments(text).map((document) => {
    expect(document.errors).toEqual([]);
    return document.toJS();
  });
}

/** Lines (1-based) of every `image:` key holding a scalar, found by walking the YAML itself. */
function imageLines(text: string): number[] {
  const lines: number[] = [];
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  const walk = (node: Node | null | undefined): void => {
    if (isMap(node))
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (isScalar(pair.key) && pair.key.value === 'image' && isScalar(pair.value) && pair.value.range)
          lines.push(lineOf(pair.value.range[0]));
        walk(pair.value as Node);
      }
    else if (isSeq(node)) for (const item of node.items) walk(item as Node);
  };
  for (const document of parseAllDocuments(text)) walk(document.contents);
  return lines;
}

async function deployFiles(): Promise<string[]> {
  const entries = await readdir(join(ROOT, 'deploy'), { recursive: true });
  return entries
    .filter((entry) => /\.ya?ml$/.test(entry))
    .map((entry) => `deploy/${entry}`)
    .sort();
}

describe('deploy/', () => {
  it('is read cleanly by portcullis refs: no file error, every image key listed, pinned or left to the pipeline', async () => {
    const { refs, errors } = await portcullis<{ refs: Reference[]; errors: unknown[] }>(
      ROOT,
      'refs',
      'deploy/',
    );
    expect(errors).toEqual([]);
    const expected: string[] = [];
    for (const path of await deployFiles()) {
      const lines = imageLines(await readFile(join(ROOT, path), 'utf8'));
      expected.push(...lines.map((line) => `${path}:${line}`));
    }
    expect(refs.map((ref) => `${ref.path}:${ref.line}`).sort()).toEqual(expected.sort());
    for (const ref of refs) {
      if (ref.raw === APP_IMAGE) expect(ref.problem?.kind).toBe('unresolvable');
      else expect(ref.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    }
    // The App's image in both Deployments, Redis in Compose and in the StatefulSet.
    expect(refs.filter((ref) => ref.raw === APP_IMAGE)).toHaveLength(2);
    expect(refs.filter((ref) => ref.image?.startsWith('docker.io/library/redis:7-alpine@'))).toHaveLength(2);
  });

  it('passes the default policies with no deny and no warn; the only note is the image the pipeline puts in', async () => {
    const { findings, errors } = await portcullis<{ findings: Finding[]; errors: unknown[] }>(
      ROOT,
      'check',
      '--offline',
      'deploy/',
    );
    expect(errors).toEqual([]);
    expect(findings.filter((f) => f.severity === 'deny' || f.severity === 'warn')).toEqual([]);
    expect(findings.map((f) => `${f.rule_id} ${f.path}`).sort()).toEqual([
      'PC-IMG-005 deploy/kubernetes/web.yaml',
      'PC-IMG-005 deploy/kubernetes/worker.yaml',
    ]);
  });

  it('passes without any finding once the pipeline has put in a digest-pinned image', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'portcullis-deploy-'));
    try {
      await run('git', ['init', '--quiet', repo]);
      await cp(join(ROOT, 'deploy'), join(repo, 'deploy'), { recursive: true });
      // What `envsubst '$PORTCULLIS_IMAGE'` does; the digest is a made-up one of the right shape.
      const image = `ghcr.io/your-org/portcullis:0.1.0@sha256:${'0'.repeat(64)}`;
      for (const file of ['web.yaml', 'worker.yaml']) {
        const path = join(repo, 'deploy', 'kubernetes', file);
        await writeFile(path, (await readFile(path, 'utf8')).replaceAll(APP_IMAGE, image));
      }
      const { findings } = await portcullis<{ findings: Finding[] }>(repo, 'check', '--offline', 'deploy/');
      expect(findings).toEqual([]);
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });

  it('kustomization.yaml applies every manifest but the Secret template', async () => {
    const [kustomization] = await manifests('kustomization.yaml');
    const files = (await readdir(KUBERNETES)).filter((f) => f.endsWith('.yaml'));
    expect([...(kustomization?.resources ?? [])].sort()).toEqual(
      files.filter((f) => f !== 'kustomization.yaml' && f !== 'secret.example.yaml').sort(),
    );
    // A template, never values.
    for (const secret of await manifests('secret.example.yaml'))
      for (const value of Object.values(secret.stringData)) expect(value).toBe('');
  });

  it('runs every pod locked down, with probes, resources and a grace period past the shutdown deadline', async () => {
    const [configmap] = await manifests('configmap.yaml');
    // The settings module itself accepts the ConfigMap's values.
    const shutdown = loadSettings(configmap?.data).shutdownTimeoutSeconds;
    const workloads = [
      ...(await manifests('web.yaml')),
      ...(await manifests('worker.yaml')),
      ...(await manifests('redis.yaml')),
    ].filter((m) => m.kind === 'Deployment' || m.kind === 'StatefulSet');
    expect(workloads.map((w) => w.metadata.name)).toEqual([
      'portcullis-web',
      'portcullis-worker',
      'portcullis-redis',
    ]);
    for (const workload of workloads) {
      const pod = workload.spec.template.spec;
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const container of pod.containers) {
        expect(container.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.resources.requests).toHaveProperty('memory');
        expect(container.resources.limits).toHaveProperty('memory');
        expect(container.readinessProbe).toBeDefined();
        expect(container.livenessProbe).toBeDefined();
      }
    }
    const [web, worker] = workloads;
    for (const app of [web, worker]) {
      const pod = app?.spec.template.spec;
      const container = pod.containers[0];
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(shutdown + 5);
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      // A read-only root: the App writes only to the volumes mounted over these.
      expect(container.volumeMounts.map((m: Manifest) => m.mountPath)).toEqual(
        expect.arrayContaining(['/tmp', '/data', '/cache']),
      );
      // The literal values; those from the Secret are the operator's.
      const env = Object.fromEntries(container.env.map((e: Manifest) => [e.name, e.value]));
      expect(() => loadSettings({ ...configmap?.data, ...env })).not.toThrow();
    }
    expect(web?.spec.replicas).toBe(2);
    expect(web?.spec.template.spec.containers[0].env).toContainEqual({
      name: 'PORTCULLIS_ROLE',
      value: 'web',
    });
    expect(worker?.spec.template.spec.containers[0].env).toContainEqual({
      name: 'PORTCULLIS_ROLE',
      value: 'worker',
    });
    expect(worker?.spec.template.spec.containers[0].readinessProbe.httpGet.port).toBe('metrics');
  });

  it('compose.yaml: web and worker on Redis, with healthchecks, limits and a stop grace past the shutdown deadline', async () => {
    const [compose] = parseAllDocuments(await readFile(join(ROOT, 'deploy', 'compose.yaml'), 'utf8'), {
      // Compose resolves `<<:` merge keys, as YAML 1.1 did.
      merge: true,
    }).map((d) => {
      expect(d.errors).toEqual([]);
      return d.toJS() as Manifest;
    });
    const { web, worker, redis } = compose?.services ?? {};
    expect(redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(redis.command).toEqual(
      expect.arrayContaining(['--appendonly', '--maxmemory-policy', 'noeviction']),
    );
    for (const [role, service] of [
      ['web', web],
      ['worker', worker],
    ]) {
      const settings = loadSettings(service.environment);
      expect(settings).toMatchObject({ role, redisUrl: 'redis://redis:6379' });
      // The image's HEALTHCHECK (/healthz) applies: not switched off here.
      expect(service.healthcheck).toBeUndefined();
      expect(Number.parseInt(service.stop_grace_period, 10)).toBeGreaterThan(settings.shutdownTimeoutSeconds);
      expect(service.restart).toBe('unless-stopped');
      expect(service.read_only).toBe(true);
      expect(service.deploy.resources.limits.memory).toBeDefined();
      expect(service.depends_on.redis.condition).toBe('service_healthy');
    }
  });
});
