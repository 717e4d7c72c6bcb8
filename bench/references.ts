/**
 * `npm run bench:refs`: how fast Portcullis finds image references in a repository, and how
 * fast it resolves them to digests against a registry, with and without its look-up cache.
 *
 *   npm run bench:refs                        readable table (progress on stderr)
 *   npm run -s bench:refs -- --json           machine-readable summary on stdout
 *   npm run bench:refs -- --files 500 --runs 3 --references 200 --no-registry
 *
 * 1. Extraction: a seeded repository of 2,000 manifests (Kubernetes Deployments, CronJobs,
 *    multi-document files and `kind: List`s, Compose files, workflows, Helm values,
 *    kustomizations; 1–6 images each, with anchors, flow style and comments) read through
 *    `extractorFor` + `extract`, the path `portcullis refs` and the App take; and through
 *    `policyInputFor`, which also builds the policy input documents.
 * 2. Resolution: Debian's `docker-registry` started on 127.0.0.1 with a throw-away config
 *    and storage, ~50 synthetic repositories pushed over plain HTTP (a few tags each, some
 *    multi-platform), then 500 references with repeats resolved by `gatherRegistryFacts`:
 *    with a fresh `RegistryClient` per run (nothing cached) and with one client reused (its
 *    look-up cache warm).
 *
 * The registry listens on loopback only and is killed at the end, also on error or Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { mergeFacts } from '#portcullis/core/facts.js';
import { gatherRegistryFacts } from '#portcullis/facts/registry-facts.js';
import type { PolicyInput, ReferenceFileKind } from '#portcullis/input/policy-input.js';
import { RegistryClient } from '#portcullis/registry/client.js';
import { policyInputFor } from '#portcullis/targets/input.js';
import { extractorFor } from '#portcullis/targets/references.js';
import { makeTar } from '../test/support/fixture-images.js';
import { freePort } from '../test/support/free-port.js';
import { DEFAULT_SEED, Rng } from './corpus.js';
import { median, rates } from './measure.js';

const REGISTRY_BINARY = process.env.PORTCULLIS_DOCKER_REGISTRY ?? '/usr/bin/docker-registry';

interface Options {
  files: number;
  runs: number;
  seed: number;
  references: number;
  repositories: number;
  registry: boolean;
  json: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      files: { type: 'string' },
      runs: { type: 'string' },
      seed: { type: 'string' },
      references: { type: 'string' },
      repositories: { type: 'string' },
      'no-registry': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const int = (value: string | undefined, fallback: number, min: number, max: number, name: string) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${name} must be an integer in ${min}..${max}`);
    return n;
  };
  return {
    json: values.json ?? false,
    files: int(values.files, 2000, 1, 100_000, 'files'),
    runs: int(values.runs, 7, 1, 100, 'runs'),
    seed: int(values.seed, DEFAULT_SEED, 0, 2 ** 32 - 1, 'seed'),
    references: int(values.references, 500, 1, 100_000, 'references'),
    repositories: int(values.repositories, 50, 1, 1000, 'repositories'),
    registry: !values['no-registry'],
  };
}

// ── Statistics ───────────────────────────────────────────────────────────────────

interface Series {
  runs: number;
  median: number;
  min: number;
  max: number;
  /** Median milliseconds per pass. */
  ms_per_run: number;
}

/** Throughput of `units` per pass over passes that took `seconds` each. */
function series(units: number, seconds: readonly number[]): Series {
  const { medianSeconds, ...r } = rates(units, seconds);
  return { ...r, ms_per_run: medianSeconds * 1000 };
}

// ── The repository of manifests ──────────────────────────────────────────────────

interface ManifestFile {
  path: string;
  kind: ReferenceFileKind;
  content: string;
}

const PUBLIC_IMAGES = [
  'nginx:1.25.3',
  'nginx:1.27-alpine',
  'postgres:16.1',
  'docker.io/library/redis:7.2.4',
  'busybox:1.36',
  'alpine:3.19',
  'ubuntu',
  'node:20-bookworm-slim',
  'python:3.12-slim',
  'ghcr.io/acme/shop-web:v2.4.0',
  'ghcr.io/acme/api:2024.11.3',
  'ghcr.io/acme/worker:latest',
  'registry.k8s.io/ingress-nginx/controller:v1.9.5',
  'registry.k8s.io/coredns/coredns:v1.11.1',
  'quay.io/prometheus/node-exporter:v1.7.0',
  'quay.io/jetstack/cert-manager-controller:v1.14.2',
  'gcr.io/distroless/static-debian12:nonroot',
  'mcr.microsoft.com/dotnet/aspnet:8.0',
  'public.ecr.aws/docker/library/memcached:1.6',
  'envoyproxy/envoy:v1.29.1',
  'fluent/fluent-bit:2.2',
  'registry.acme.internal:5000/platform/migrate:3.1.0',
  'registry.acme.internal:5000/platform/backup:1.4.2',
];
const TEAMS = ['shop', 'billing', 'search', 'auth', 'media', 'ops', 'data', 'mail'];
const SERVICES = ['web', 'api', 'worker', 'cron', 'gateway', 'indexer', 'proxy', 'reports'];

function hex(rng: Rng, length: number): string {
  let out = '';
  while (out.length < length)
    out += Math.floor(rng.next() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, length);
}

/** A public-looking reference: mostly tags, some pinned by digest, some quoted. */
function publicImage(rng: Rng): string {
  const image = rng.pick(PUBLIC_IMAGES);
  return rng.chance(0.15) ? `${image}@sha256:${hex(rng, 64)}` : image;
}

function quoted(rng: Rng, value: string): string {
  return rng.chance(0.3) ? `"${value}"` : value;
}

/** A tag on its own: quoted when YAML would read it as a number, except now and then (a real mistake). */
function tagValue(rng: Rng, tag: string): string {
  return /^\d+(\.\d+)?$/.test(tag) && rng.chance(0.9) ? `"${tag}"` : quoted(rng, tag);
}

function containerBlock(rng: Rng, indent: string, images: string[], names: string[]): string[] {
  const lines: string[] = [];
  for (const [i, image] of images.entries()) {
    const name = names[i] ?? `c${i}`;
    if (rng.chance(0.2)) {
      lines.push(
        `${indent}- { name: ${name}, image: ${quoted(rng, image)}, args: ["--port", "${8000 + i}"] }`,
      );
      continue;
    }
    lines.push(`${indent}- name: ${name}`);
    lines.push(`${indent}  image: ${quoted(rng, image)}${rng.chance(0.2) ? '  # bumped by Renovate' : ''}`);
    if (rng.chance(0.5)) lines.push(`${indent}  imagePullPolicy: IfNotPresent`);
    if (rng.chance(0.6)) {
      lines.push(`${indent}  ports:`, `${indent}    - containerPort: ${8000 + i}`);
    }
    if (rng.chance(0.4)) {
      lines.push(
        `${indent}  resources:`,
        `${indent}    requests: { cpu: 100m, memory: 128Mi }`,
        `${indent}    limits:`,
        `${indent}      memory: 256Mi`,
      );
    }
    if (rng.chance(0.3)) {
      lines.push(`${indent}  env:`, `${indent}    - name: LOG_LEVEL`, `${indent}      value: info`);
    }
  }
  return lines;
}

/** A Deployment (or StatefulSet/DaemonSet) document; `anchor` writes the main image once and aliases it. */
function workload(rng: Rng, app: string, count: number, kind = 'Deployment', anchor = false): string[] {
  const images = Array.from({ length: count }, () => publicImage(rng));
  const init = count > 1 && rng.chance(0.35) ? 1 : 0;
  const lines = [
    `apiVersion: apps/v1`,
    `kind: ${kind}`,
    'metadata:',
    `  name: ${app}`,
    `  labels: { app: ${app}, tier: backend }`,
    'spec:',
    ...(kind === 'DaemonSet' ? [] : [`  replicas: ${rng.int(1, 5)}`]),
    '  selector:',
    '    matchLabels:',
    `      app: ${app}`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        app: ${app}`,
    '    spec:',
    '      # the application and its sidecars',
    '      containers:',
  ];
  const main = images.slice(0, count - init);
  if (anchor && init === 1) {
    // The init container runs the same image as the application: written once, aliased.
    lines.push('        - name: app', `          image: &image ${images[0]}`);
    lines.push(...containerBlock(rng, '        ', main.slice(1), ['sidecar', 'exporter', 'proxy', 'agent']));
    lines.push('      initContainers:', '        - name: migrate', '          image: *image');
  } else {
    lines.push(
      ...containerBlock(rng, '        ', main, ['app', 'sidecar', 'exporter', 'proxy', 'agent', 'shell']),
    );
    if (init)
      lines.push('      initContainers:', ...containerBlock(rng, '        ', images.slice(-1), ['migrate']));
  }
  return lines;
}

function cronJob(rng: Rng, app: string, count: number): string[] {
  const images = Array.from({ length: count }, () => publicImage(rng));
  return [
    'apiVersion: batch/v1',
    'kind: CronJob',
    'metadata:',
    `  name: ${app}-backup`,
    'spec:',
    `  schedule: "${rng.int(0, 59)} ${rng.int(0, 23)} * * *"`,
    '  concurrencyPolicy: Forbid',
    '  jobTemplate:',
    '    spec:',
    '      template:',
    '        spec:',
    '          restartPolicy: OnFailure',
    '          containers:',
    ...containerBlock(rng, '            ', images, [
      'backup',
      'upload',
      'notify',
      'verify',
      'prune',
      'report',
    ]),
  ];
}

function service(app: string): string[] {
  return [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${app}`,
    'spec:',
    `  selector: { app: ${app} }`,
    '  ports:',
    '    - port: 80',
    '      targetPort: 8080',
  ];
}

function split(rng: Rng, total: number, parts: number): number[] {
  const out = Array.from({ length: parts }, () => 1);
  for (let left = total - parts; left > 0; left--) {
    const i = rng.int(0, parts - 1);
    out[i] = (out[i] as number) + 1;
  }
  return out;
}

function generateFile(rng: Rng, index: number): ManifestFile {
  const team = rng.pick(TEAMS);
  const app = `${team}-${rng.pick(SERVICES)}`;
  const dir = `${team}/${app}-${String(index).padStart(4, '0')}`;
  const count = rng.int(1, 6);
  const shape = rng.weighted([
    ['deployment', 30],
    ['cronjob', 8],
    ['multidoc', 12],
    ['list', 5],
    ['compose', 15],
    ['workflow', 10],
    ['helm', 12],
    ['kustomize', 8],
  ] as const);
  const body = (lines: string[]) => `${lines.join('\n')}\n`;
  switch (shape) {
    case 'deployment':
      return {
        path: `deploy/${dir}/deployment.yaml`,
        kind: 'kubernetes',
        content: body([
          `# ${app}: managed by the platform team`,
          ...workload(rng, app, count, 'Deployment', rng.chance(0.3)),
        ]),
      };
    case 'cronjob':
      return {
        path: `deploy/${dir}/cronjob.yaml`,
        kind: 'kubernetes',
        content: body(cronJob(rng, app, count)),
      };
    case 'multidoc': {
      const parts = count >= 2 && rng.chance(0.6) ? split(rng, count, 2) : [count];
      const docs = [
        workload(rng, app, parts[0] as number, rng.pick(['Deployment', 'StatefulSet']), rng.chance(0.2)),
        service(app),
      ];
      if (parts[1]) docs.push(workload(rng, `${app}-agent`, parts[1], 'DaemonSet'));
      return {
        path: `deploy/${dir}/all.yaml`,
        kind: 'kubernetes',
        content: `---\n${docs.map((d) => d.join('\n')).join('\n---\n')}\n`,
      };
    }
    case 'list': {
      const parts = split(rng, count, Math.min(count, rng.int(1, 3)));
      const items = parts.flatMap((n, i) =>
        workload(rng, `${app}-${i}`, n, 'Deployment').map((line, j) =>
          j === 0 ? `  - ${line}` : `    ${line}`,
        ),
      );
      return {
        path: `deploy/${dir}/exported.yaml`,
        kind: 'kubernetes',
        content: body([
          'apiVersion: v1',
          'kind: List',
          'items:',
          ...items,
          'metadata:',
          '  resourceVersion: ""',
        ]),
      };
    }
    case 'compose': {
      const lines = [
        '# local development stack',
        'x-defaults: &defaults',
        '  restart: unless-stopped',
        '  logging:',
        '    driver: json-file',
        '',
        'services:',
      ];
      for (let i = 0; i < count; i++) {
        const name = ['app', 'db', 'cache', 'queue', 'proxy', 'mail'][i];
        lines.push(`  ${name}:`, '    <<: *defaults');
        const image = publicImage(rng);
        lines.push(
          `    image: ${rng.chance(0.1) ? `\${${name?.toUpperCase()}_IMAGE:-${image}}` : quoted(rng, image)}`,
        );
        if (rng.chance(0.5)) lines.push(`    ports: ["${8080 + i}:80"]`);
        if (rng.chance(0.3)) lines.push('    platform: linux/amd64');
        if (i > 0 && rng.chance(0.4)) lines.push('    depends_on: [app]');
      }
      return {
        path: `services/${dir}/${rng.pick(['compose.yaml', 'docker-compose.yml', 'compose.prod.yaml'])}`,
        kind: 'compose',
        content: body(lines),
      };
    }
    case 'workflow': {
      const lines = [
        `name: ${app} CI`,
        'on:',
        '  push:',
        '    branches: [main]',
        '  pull_request:',
        'jobs:',
        '  test:',
        '    runs-on: ubuntu-latest',
        '    container:',
        `      image: ${quoted(rng, publicImage(rng))}`,
      ];
      const rest = count - 1;
      const services = Math.min(rest, rng.int(0, 3));
      if (services > 0) {
        lines.push('    services:');
        for (let i = 0; i < services; i++) {
          lines.push(`      svc${i}:`, `        image: ${publicImage(rng)}`, '        ports: ["5432:5432"]');
        }
      }
      lines.push('    steps:', '      - uses: actions/checkout@v4', '      - run: make test');
      for (let i = services; i < rest; i++)
        lines.push(`      - uses: docker://${publicImage(rng)}`, '        with: { args: lint }');
      return { path: `.github/workflows/${app}-${index}.yml`, kind: 'workflow', content: body(lines) };
    }
    case 'helm': {
      const lines = [`# Default values for ${app}.`, `replicaCount: ${rng.int(1, 4)}`, ''];
      for (let i = 0; i < count; i++) {
        const [name, tag] = splitTag(publicImage(rng));
        const key = i === 0 ? 'image' : `${['sidecar', 'exporter', 'proxy', 'migrations', 'backup'][i - 1]}`;
        if (i === 0)
          lines.push(
            'image:',
            `  repository: ${name}`,
            '  pullPolicy: IfNotPresent',
            '  # Overrides the chart appVersion.',
            `  tag: "${tag}"`,
          );
        else if (rng.chance(0.5))
          lines.push(
            `${key}:`,
            '  enabled: true',
            '  image:',
            `    repository: ${name}`,
            `    tag: ${tagValue(rng, tag)}`,
          );
        else lines.push(`${key}:`, `  image: ${quoted(rng, `${name}:${tag}`)}`);
        lines.push('');
      }
      lines.push('podAnnotations: {}', 'resources: {}');
      return { path: `charts/${dir}/values.yaml`, kind: 'helm', content: body(lines) };
    }
    case 'kustomize': {
      const lines = [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        `namespace: ${team}-prod`,
        'resources:',
        '  - ../../base',
        'images:',
      ];
      for (let i = 0; i < count; i++) {
        const [name, tag] = splitTag(rng.pick(PUBLIC_IMAGES));
        lines.push(`  - name: ${name}`);
        if (rng.chance(0.3))
          lines.push(`    newName: registry.acme.internal:5000/mirror/${name.split('/').pop()}`);
        if (rng.chance(0.2)) lines.push(`    digest: sha256:${hex(rng, 64)}`);
        else lines.push(`    newTag: ${tagValue(rng, tag)}`);
      }
      return { path: `overlays/${dir}/kustomization.yaml`, kind: 'kustomize', content: body(lines) };
    }
  }
}

/** `name[:tag][@digest]` → name and tag (the digest dropped; `latest` when no tag). */
function splitTag(image: string): [string, string] {
  const bare = image.split('@')[0] as string;
  const colon = bare.lastIndexOf(':');
  return colon > bare.lastIndexOf('/') ? [bare.slice(0, colon), bare.slice(colon + 1)] : [bare, 'latest'];
}

export function generateManifests(count: number, seed: number): ManifestFile[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => generateFile(rng, i));
}

// ── Measuring extraction ─────────────────────────────────────────────────────────

function timeRuns(runs: number, pass: () => number, label: string, progress: (m: string) => void) {
  pass(); // warm-up: JIT, YAML parser, picomatch
  const seconds: number[] = [];
  let expected: number | undefined;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = pass();
    seconds.push((performance.now() - start) / 1000);
    expected ??= result;
    if (result !== expected)
      throw new Error(`${label}: ${result} references in one pass, ${expected} in another`);
  }
  progress(`${label}: ${seconds.map((s) => `${(s * 1000).toFixed(0)} ms`).join(', ')}`);
  return { seconds, references: expected as number };
}

function measureExtraction(files: readonly ManifestFile[], runs: number, progress: (m: string) => void) {
  // Sanity: every file is read by the extractor meant for it, and kept count of by kind.
  const byKind: Record<string, { files: number; references: number; problems: number }> = {};
  for (const file of files) {
    const extractor = extractorFor(file.path, file.content);
    if (extractor?.kind !== file.kind) {
      throw new Error(`${file.path}: read as ${extractor?.kind ?? 'nothing'}, meant as ${file.kind}`);
    }
    const sites = extractor.extract(file.path, file.content);
    const entry = byKind[file.kind] ?? { files: 0, references: 0, problems: 0 };
    byKind[file.kind] = entry;
    entry.files++;
    entry.references += sites.length;
    entry.problems += sites.filter((s) => s.problem).length;
  }
  const extract = timeRuns(
    runs,
    () => {
      let n = 0;
      for (const file of files)
        n += extractorFor(file.path, file.content)?.extract(file.path, file.content).length ?? 0;
      return n;
    },
    'extractorFor + extract',
    progress,
  );
  const inputs = timeRuns(
    runs,
    () => {
      let n = 0;
      for (const file of files) n += policyInputFor(file.path, file.content)?.references.length ?? 0;
      return n;
    },
    'policyInputFor',
    progress,
  );
  return {
    by_kind: byKind,
    references: extract.references,
    extract: {
      files_per_s: series(files.length, extract.seconds),
      references_per_s: series(extract.references, extract.seconds),
    },
    policy_input: {
      files_per_s: series(files.length, inputs.seconds),
      references_per_s: series(inputs.references, inputs.seconds),
    },
  };
}

// ── The local registry ───────────────────────────────────────────────────────────

interface LocalRegistry {
  host: string;
  url: string;
  stop(): void;
}

let registryChild: ChildProcess | null = null;
let registryDir: string | null = null;

/** Kills the registry and removes its folder; safe to call more than once, synchronously (exit handler). */
function stopRegistry(): void {
  if (registryChild && registryChild.exitCode === null && registryChild.signalCode === null) {
    registryChild.kill('SIGKILL');
  }
  registryChild = null;
  if (registryDir) rmSync(registryDir, { recursive: true, force: true });
  registryDir = null;
}

async function startRegistry(): Promise<LocalRegistry> {
  if (!existsSync(REGISTRY_BINARY)) {
    throw new Error(
      `docker-registry not found at ${REGISTRY_BINARY}: run \`npm run setup\`, or pass --no-registry`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-registry-'));
  registryDir = dir;
  const port = await freePort();
  // As test/support/registry.ts: anonymous, loopback only, storage in the temporary folder. JSON is YAML.
  writeFileSync(
    join(dir, 'config.yml'),
    JSON.stringify({
      version: 0.1,
      log: { level: 'error', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: join(dir, 'data') }, cache: { blobdescriptor: 'inmemory' } },
      http: { addr: `127.0.0.1:${port}`, secret: randomBytes(16).toString('hex') },
    }),
  );
  const child = spawn(REGISTRY_BINARY, ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  registryChild = child;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited before answering: ${stderr.trim()}`);
    try {
      const response = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) return { host: `127.0.0.1:${port}`, url, stop: stopRegistry };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`docker-registry did not answer within 10 s: ${stderr.trim()}`);
}

const DOCKER_TYPES = {
  manifest: 'application/vnd.docker.distribution.manifest.v2+json',
  index: 'application/vnd.docker.distribution.manifest.list.v2+json',
  config: 'application/vnd.docker.container.image.v1+json',
  layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
};

async function pushBlob(url: string, repository: string, bytes: Buffer, digest: string): Promise<void> {
  const start = await fetch(`${url}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  await start.arrayBuffer();
  const location = start.headers.get('location');
  if (start.status !== 202 || !location) throw new Error(`blob upload POST answered ${start.status}`);
  const target = new URL(location, url);
  target.searchParams.set('digest', digest);
  const put = await fetch(target, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  const text = await put.text();
  if (put.status !== 201) throw new Error(`blob PUT answered ${put.status}: ${text}`);
}

async function pushManifest(
  url: string,
  repository: string,
  reference: string,
  mediaType: string,
  bytes: Buffer,
) {
  const response = await fetch(`${url}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: { 'content-type': mediaType },
    body: bytes,
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`manifest PUT answered ${response.status}: ${text}`);
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A one-file ustar archive, gzipped: the layer of a synthetic image. */
function layer(name: string, contents: string): { gz: Buffer; diffId: string } {
  const tar = makeTar({ [name]: contents });
  return { gz: gzipSync(tar), diffId: sha256(tar) };
}

/** A pushed repository: its version tags, newest first, and the digest each names. */
interface PushedRepository {
  repository: string;
  tags: { tag: string; digest: string }[];
  multiPlatform: boolean;
}

/**
 * Pushes `count` repositories: two releases each (`1.M.P`, and `1.M.P+1` also tagged `1.M`
 * and `latest`); every fifth repository's newest release is an amd64 + arm64 index.
 */
async function pushImages(registry: LocalRegistry, count: number, rng: Rng): Promise<PushedRepository[]> {
  const pushed: PushedRepository[] = [];
  for (let r = 0; r < count; r++) {
    const repository = `${rng.pick(TEAMS)}/${rng.pick(SERVICES)}-${r}`;
    const base = layer('etc/os-release', `ID=bench\nVERSION_ID=${r}\n`);
    await pushBlob(registry.url, repository, base.gz, sha256(base.gz));
    const minor = rng.int(0, 30);
    const patch = rng.int(0, 8);
    const image = async (version: string, platform: string) => {
      const [os, architecture, variant] = platform.split('/');
      const app = layer('app/VERSION', `${repository} ${version} ${platform}\n`);
      await pushBlob(registry.url, repository, app.gz, sha256(app.gz));
      const config = Buffer.from(
        JSON.stringify({
          created: new Date(Date.UTC(2026, rng.int(0, 10), rng.int(1, 28))).toISOString(),
          architecture,
          os,
          ...(variant ? { variant } : {}),
          config: {
            User: rng.chance(0.6) ? '10001' : '',
            Env: ['PATH=/usr/local/bin:/usr/bin:/bin', `APP_VERSION=${version}`],
            Cmd: ['/app/run'],
            ExposedPorts: { '8080/tcp': {} },
            Labels: { 'org.opencontainers.image.version': version },
          },
          rootfs: { type: 'layers', diff_ids: [base.diffId, app.diffId] },
        }),
      );
      await pushBlob(registry.url, repository, config, sha256(config));
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: DOCKER_TYPES.manifest,
          config: { mediaType: DOCKER_TYPES.config, digest: sha256(config), size: config.length },
          layers: [base, app].map((l) => ({
            mediaType: DOCKER_TYPES.layer,
            digest: sha256(l.gz),
            size: l.gz.length,
          })),
        }),
      );
      const digest = sha256(manifest);
      await pushManifest(registry.url, repository, digest, DOCKER_TYPES.manifest, manifest);
      return { digest, size: manifest.length, platform };
    };
    const multiPlatform = r % 5 === 0;
    const older = `1.${minor}.${patch}`;
    const newer = `1.${minor}.${patch + 1}`;
    const olderDigest = (await image(older, 'linux/amd64')).digest;
    let newerDigest: string;
    let newerType = DOCKER_TYPES.manifest;
    let newerBytes: Buffer;
    if (multiPlatform) {
      const entries = [await image(newer, 'linux/amd64'), await image(newer, 'linux/arm64/v8')];
      newerBytes = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: DOCKER_TYPES.index,
          manifests: entries.map(({ digest, size, platform }) => {
            const [os, architecture, variant] = platform.split('/');
            return {
              mediaType: DOCKER_TYPES.manifest,
              digest,
              size,
              platform: { architecture, os, ...(variant ? { variant } : {}) },
            };
          }),
        }),
      );
      newerType = DOCKER_TYPES.index;
      newerDigest = sha256(newerBytes);
    } else {
      const single = await image(newer, 'linux/amd64');
      newerDigest = single.digest;
      newerBytes = Buffer.alloc(0);
    }
    await pushManifest(
      registry.url,
      repository,
      older,
      DOCKER_TYPES.manifest,
      await manifestBytes(registry, repository, olderDigest),
    );
    const newerManifest = multiPlatform ? newerBytes : await manifestBytes(registry, repository, newerDigest);
    for (const tag of [newer, `1.${minor}`, 'latest'])
      await pushManifest(registry.url, repository, tag, newerType, newerManifest);
    pushed.push({
      repository,
      multiPlatform,
      tags: [
        { tag: newer, digest: newerDigest },
        { tag: `1.${minor}`, digest: newerDigest },
        { tag: 'latest', digest: newerDigest },
        { tag: older, digest: olderDigest },
      ],
    });
  }
  return pushed;
}

async function manifestBytes(registry: LocalRegistry, repository: string, digest: string): Promise<Buffer> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${digest}`, {
    headers: { accept: `${DOCKER_TYPES.manifest}, ${DOCKER_TYPES.index}` },
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) throw new Error(`manifest GET answered ${response.status}`);
  return bytes;
}

/**
 * `count` references with repeats, as real repositories have: popular repositories far
 * more often (Zipf-like), mostly full version tags, some minor tags, `latest` and
 * digest pins; written five to a Deployment, so they go through `policyInputFor`.
 */
function referenceFiles(
  host: string,
  pushed: readonly PushedRepository[],
  count: number,
  rng: Rng,
): ManifestFile[] {
  const weights = pushed.map((repo, i) => [repo, 1 / (i + 1)] as const);
  const references: string[] = [];
  for (let i = 0; i < count; i++) {
    const repo = rng.weighted(weights);
    const name = `${host}/${repo.repository}`;
    type Tag = PushedRepository['tags'][number];
    const [newest, minor, , older] = repo.tags as [Tag, Tag, Tag, Tag];
    references.push(
      rng.weighted([
        [`${name}:${newest.tag}`, 45],
        [`${name}:${older.tag}`, 15],
        [`${name}:${minor.tag}`, 18],
        [`${name}:latest`, 7],
        [`${name}:${newest.tag}@${newest.digest}`, 10],
        [`${name}@${older.digest}`, 5],
      ] as const),
    );
  }
  const files: ManifestFile[] = [];
  for (let i = 0; i < references.length; i += 5) {
    const chunk = references.slice(i, i + 5);
    const lines = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      `  name: app-${i / 5}`,
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      ...chunk.flatMap((image, j) => [`        - name: c${j}`, `          image: ${image}`]),
    ];
    files.push({
      path: `deploy/app-${i / 5}/deployment.yaml`,
      kind: 'kubernetes',
      content: `${lines.join('\n')}\n`,
    });
  }
  return files;
}

async function measureResolution(
  registry: LocalRegistry,
  files: readonly ManifestFile[],
  runs: number,
  progress: (m: string) => void,
) {
  let requests = 0;
  const countingFetch: typeof fetch = (input, init) => {
    requests++;
    return fetch(input, init);
  };
  const client = () =>
    new RegistryClient({ insecureRegistries: [registry.host], fetch: countingFetch, retries: 0 });
  const now = new Date('2026-11-29T12:00:00Z');
  const inputs = () => files.map((f) => policyInputFor(f.path, f.content) as PolicyInput);
  const check = (docs: PolicyInput[]) => {
    for (const doc of docs) {
      for (const ref of doc.references) {
        const facts = ref.registry_facts;
        if (!facts || facts.error || !facts.digest) {
          throw new Error(`${ref.raw} was not resolved: ${facts?.error?.message ?? 'no facts'}`);
        }
        if (ref.image?.digest && ref.image.digest !== facts.digest) {
          throw new Error(`${ref.raw} resolved to ${facts.digest}, not to the digest it pins`);
        }
      }
    }
  };
  const references = inputs().reduce((n, doc) => n + doc.references.length, 0);
  const distinct = new Set(inputs().flatMap((doc) => doc.references.map((r) => r.image?.normalized))).size;

  const timed = async (label: string, resolver: () => RegistryClient, warmups: number, passes: number) => {
    for (let i = 0; i < warmups; i++) {
      const docs = inputs();
      mergeFacts(docs, { registry: await gatherRegistryFacts(docs, resolver(), now) });
      check(docs);
    }
    const seconds: number[] = [];
    const perRun: number[] = [];
    for (let i = 0; i < passes; i++) {
      const docs = inputs();
      const r = resolver();
      const before = requests;
      const start = performance.now();
      mergeFacts(docs, { registry: await gatherRegistryFacts(docs, r, now) });
      seconds.push((performance.now() - start) / 1000);
      perRun.push(requests - before);
      check(docs);
    }
    progress(`${label}: ${seconds.map((s) => `${(s * 1000).toFixed(0)} ms`).join(', ')}`);
    return { resolutions_per_s: series(references, seconds), http_requests_per_run: median(perRun) };
  };
  const cold = await timed('fresh client per run (no cache)', client, 1, runs);
  // The first pass fills the cache; the others only read it. They take milliseconds, so do more.
  const shared = client();
  const warm = await timed('one client reused (warm cache)', () => shared, 1, runs * 3);
  return {
    references,
    distinct_references: distinct,
    files: files.length,
    cold,
    warm,
    ratio: warm.resolutions_per_s.median / cold.resolutions_per_s.median,
  };
}

// ── Output ───────────────────────────────────────────────────────────────────────

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const row = (label: string, s: Series, unitsPerRun?: string) =>
  `| ${label} | ${int(s.median)} | ${int(s.min)} | ${int(s.max)} | ${s.ms_per_run.toFixed(s.ms_per_run < 10 ? 2 : 0)} ms${unitsPerRun ?? ''} | ${s.runs} |`;

type Summary = Awaited<ReturnType<typeof summarize>>;

function printTable(s: Summary): void {
  const out = [
    `Image references, ${s.date}. Machine: ${s.machine.cpus} CPUs (${s.machine.model}), Node ${s.machine.node}; load average ${s.machine.load_average.start.toFixed(2)} at start, ${s.machine.load_average.end.toFixed(2)} at end`,
    '',
    `Extraction: ${int(s.extraction.files)} manifests (seed ${s.extraction.seed}, ${(s.extraction.bytes / 1024).toFixed(0)} KiB), ${int(s.extraction.references)} references`,
    `  by kind: ${Object.entries(s.extraction.by_kind)
      .map(
        ([k, v]) =>
          `${k} ${v.files} files / ${v.references} refs${v.problems ? ` (${v.problems} unresolvable)` : ''}`,
      )
      .join(', ')}`,
    '',
    '| Throughput | median | min | max | per pass | runs |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    row('extractorFor + extract: files/s', s.extraction.extract.files_per_s),
    row('**extractorFor + extract: references/s**', s.extraction.extract.references_per_s),
    row('policyInputFor: files/s', s.extraction.policy_input.files_per_s),
    row('policyInputFor: references/s', s.extraction.policy_input.references_per_s),
  ];
  if (s.resolution) {
    const r = s.resolution;
    out.push(
      '',
      `Resolution: ${r.references} references (${r.distinct_references} distinct) in ${r.files} Deployments, ${r.repositories} repositories on docker-registry ${r.registry_version} at 127.0.0.1, gatherRegistryFacts (4 look-ups in flight)`,
      '',
      '| Resolutions per second | median | min | max | per pass | runs | HTTP requests per pass |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      `${row('**fresh RegistryClient per run (no cache)**', r.cold.resolutions_per_s)} ${r.cold.http_requests_per_run} |`,
      `${row('**one RegistryClient reused (warm cache)**', r.warm.resolutions_per_s)} ${r.warm.http_requests_per_run} |`,
      '',
      `Warm ÷ cold: ${r.ratio.toFixed(0)}×`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

async function summarize(options: Options, progress: (m: string) => void) {
  const loadStart = loadavg()[0] as number;
  const files = generateManifests(options.files, options.seed);
  progress(`generated ${files.length} manifests`);
  const extraction = measureExtraction(files, options.runs, progress);
  let resolution:
    | (Awaited<ReturnType<typeof measureResolution>> & { repositories: number; registry_version: string })
    | null = null;
  if (options.registry) {
    const registry = await startRegistry();
    try {
      progress(`docker-registry listening on ${registry.url}; pushing ${options.repositories} repositories…`);
      const rng = new Rng(options.seed ^ 0x9e3779b9);
      const started = performance.now();
      const pushed = await pushImages(registry, options.repositories, rng);
      progress(`pushed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const refFiles = referenceFiles(registry.host, pushed, options.references, rng);
      const measured = await measureResolution(registry, refFiles, options.runs, progress);
      resolution = { ...measured, repositories: pushed.length, registry_version: await registryVersion() };
    } finally {
      registry.stop();
    }
  }
  return {
    date: new Date().toISOString().slice(0, 10),
    machine: {
      cpus: availableParallelism(),
      model: cpus()[0]?.model.trim() ?? 'unknown',
      node: process.versions.node,
      platform: `${process.platform}/${process.arch}`,
      load_average: { start: loadStart, end: loadavg()[0] as number },
    },
    extraction: {
      files: files.length,
      seed: options.seed,
      bytes: files.reduce((n, f) => n + Buffer.byteLength(f.content), 0),
      ...extraction,
    },
    resolution,
  };
}

async function registryVersion(): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(REGISTRY_BINARY, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', () => resolve(/v?\d+\.\d+\.\d+\S*/.exec(out)?.[0] ?? 'unknown'));
    child.on('error', () => resolve('unknown'));
  });
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const progress = (message: string) => process.stderr.write(`${message}\n`);
  process.once('exit', stopRegistry);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stopRegistry();
      process.exit(130);
    });
  }
  const summary = await summarize(options, progress);
  if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else printTable(summary);
}

main().catch((error: unknown) => {
  stopRegistry();
  process.stderr.write(
    `bench:refs failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
