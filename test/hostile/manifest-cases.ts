/**
 * YAML and JSON manifests: every container-file format that names images (Kubernetes,
 * Compose, workflows, Helm values, Kustomize) × every way to write, break or bloat it.
 * Each file names `nginx:latest`, so a judged file carries PC-IMG-001 (deny); a file the
 * gate cannot read carries PC-INPUT-001.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { RepoFile, RepoGroup, Verdict, Workspace } from './model.js';
import { PAYLOADS } from './payloads.js';

interface ManifestKind {
  name: string;
  path(id: string): string;
  /** The document naming `image` (for Helm, `image` is the repository and the tag is latest). */
  document(image: string): Record<string, unknown>;
}

const KINDS: ManifestKind[] = [
  {
    name: 'kubernetes',
    path: (id) => `k8s/${id}.yaml`,
    document: (image) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web' },
      spec: { containers: [{ name: 'web', image }] },
    }),
  },
  {
    name: 'compose',
    path: (id) => `compose/${id}/compose.yaml`,
    document: (image) => ({ services: { web: { image } } }),
  },
  {
    name: 'workflow',
    path: (id) => `.github/workflows/${id}.yml`,
    document: (image) => ({
      on: 'push',
      jobs: { build: { 'runs-on': 'ubuntu-latest', container: image, steps: [{ run: 'true' }] } },
    }),
  },
  {
    name: 'helm',
    path: (id) => `helm/${id}/values.yaml`,
    document: (image) => ({ image: { repository: image.replace(/:latest$/, ''), tag: 'latest' } }),
  },
  {
    name: 'kustomize',
    path: (id) => `kustomize/${id}/kustomization.yaml`,
    document: (image) => ({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      images: [{ name: 'web', newName: image.replace(/:latest$/, ''), newTag: 'latest' }],
    }),
  },
];

const judged: Verdict = { kind: 'deny', rules: ['PC-IMG-001'] };
const judgedOrInput: Verdict = { kind: 'deny', rules: ['PC-IMG-001', 'PC-INPUT-001', 'PC-SANDBOX-001'] };
const unreadable: Verdict = { kind: 'input' };
const IMAGE = 'nginx:latest';
const MIB = 1024 * 1024;

type Content = string | Buffer | ((repo: string, path: string, ws: Workspace) => void);

interface Variant {
  id: string;
  why: string;
  verdict: Verdict;
  content(kind: ManifestKind): Content;
  secrets?: string[];
}

const block = (kind: ManifestKind, image = IMAGE) => stringify(kind.document(image), { lineWidth: 0 });

const VARIANTS: Variant[] = [
  { id: 'block', why: 'plain block YAML (control)', verdict: judged, content: (k) => block(k) },
  {
    id: 'json-compact',
    why: 'compact JSON',
    verdict: judged,
    content: (k) => JSON.stringify(k.document(IMAGE)),
  },
  {
    id: 'json-pretty',
    why: 'pretty-printed JSON',
    verdict: judged,
    content: (k) => JSON.stringify(k.document(IMAGE), null, 2),
  },
  {
    id: 'flow',
    why: 'flow-style YAML after ---',
    verdict: judged,
    content: (k) => `--- ${stringify(k.document(IMAGE), { collectionStyle: 'flow', lineWidth: 0 })}`,
  },
  {
    id: 'unclosed-flow',
    why: 'YAML that does not parse (unclosed [)',
    verdict: unreadable,
    content: (k) => `${block(k)}extra: [unclosed\n`,
  },
  {
    id: 'tab-indent',
    why: 'a tab in the indentation',
    verdict: unreadable,
    content: (k) => `${block(k)}nested:\n\t- broken: true\n`,
  },
  {
    id: 'over-1mib',
    why: 'padded past 1 MiB with comments',
    verdict: unreadable,
    content: (k) => `${block(k)}${'# padding\n'.repeat(MIB / 10 + 10)}`,
  },
  {
    id: 'invalid-utf8',
    why: 'one 0xFF byte in a comment',
    verdict: unreadable,
    content: (k) =>
      Buffer.concat([Buffer.from(block(k)), Buffer.from('# caf'), Buffer.from([0xff]), Buffer.from('\n')]),
  },
  {
    id: 'nul-byte',
    why: 'a NUL byte in a comment',
    verdict: unreadable,
    content: (k) => `${block(k)}# a\u0000b\n`,
  },
  {
    id: 'symlink-outside',
    why: 'a symlink to a manifest outside the repository',
    verdict: unreadable,
    content: () => (repo, path, ws) => symlinkSync(join(ws.sentinel, 'manifest.yaml'), join(repo, path)),
  },
  {
    id: 'alias-bomb',
    why: 'billion laughs: nested aliases',
    verdict: judgedOrInput,
    content: (k) => {
      const lines = ['x-a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (let i = 1; i < 10; i++)
        lines.push(
          `x-a${i}: &a${i} [${Array(9)
            .fill(`*a${i - 1}`)
            .join(',')}]`,
        );
      return `${block(k)}${lines.join('\n')}\n`;
    },
  },
  {
    id: 'deep-nesting',
    why: '20 000 nested flow sequences',
    verdict: judgedOrInput,
    content: (k) => `${block(k)}x-deep: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`,
  },
  {
    id: 'duplicate-keys',
    why: 'a key given twice',
    verdict: judgedOrInput,
    content: (k) => `x-dup: 1\nx-dup: 2\n${block(k)}`,
  },
  {
    id: 'proto-keys',
    why: '__proto__, constructor and a merge key carrying __proto__',
    verdict: judgedOrInput,
    content: (k) =>
      `${block(k)}__proto__: {polluted: true}\nconstructor: {prototype: {polluted: true}}\nx-base: &base {__proto__: {isAdmin: true}}\nx-merged: {<<: *base}\n`,
  },
  {
    id: 'custom-tags',
    why: 'js/python/binary tags',
    verdict: judgedOrInput,
    content: (k) =>
      `${block(k)}x-fn: !!js/function "function () { return process.env }"\nx-py: !<tag:yaml.org,2002:python/object/apply:os.system> ["id"]\nx-bin: !!binary aGVsbG8=\n`,
  },
  {
    id: 'many-documents',
    why: '3 000 documents before the real one',
    verdict: judgedOrInput,
    content: (k) => `${'---\n{}\n'.repeat(3000)}---\n${block(k)}`,
  },
  {
    id: 'cr-line-endings',
    why: 'CR-only line endings',
    verdict: judgedOrInput,
    content: (k) => block(k).replace(/\n/g, '\r'),
  },
  {
    id: 'crlf-bom',
    why: 'a BOM and CRLF line endings',
    verdict: judged,
    content: (k) => `\ufeff${block(k).replace(/\n/g, '\r\n')}`,
  },
];

// Hostile image values: whatever the reference, the file must fail (latest, invalid or untrusted).
for (const payload of PAYLOADS.filter((p) =>
  [
    'html-img',
    'ansi-csi',
    'cr-workflow-command',
    'url-credentials',
    'github-token',
    'prototype-words',
    'long-line',
    'md-mention',
  ].includes(p.id),
)) {
  VARIANTS.push({
    id: `image-${payload.id}`,
    why: `image value: ${payload.id}`,
    verdict: { kind: 'deny', rules: ['PC-IMG-001', 'PC-IMG-003', 'PC-IMG-004', 'PC-INPUT-001'] },
    content: (k) => block(k, `${payload.text}:latest`),
    ...(payload.secret ? { secrets: [payload.secret] } : {}),
  });
}

function fileCase(
  id: string,
  path: string,
  why: string,
  verdict: Verdict,
  content: Content,
  secrets?: string[],
): RepoFile {
  return {
    id,
    category: 'manifest',
    path,
    why,
    verdict,
    ...(secrets ? { secrets } : {}),
    write: (repo, ws) => {
      mkdirSync(dirname(join(repo, path)), { recursive: true });
      if (typeof content === 'function') content(repo, path, ws);
      else writeFileSync(join(repo, path), content);
    },
  };
}

export function manifestGroups(): RepoGroup[] {
  const files: RepoFile[] = [];
  for (const kind of KINDS) {
    for (const variant of VARIANTS) {
      const id = `${kind.name}-${variant.id}`;
      files.push(
        fileCase(
          id,
          kind.path(variant.id),
          `${kind.name}: ${variant.why}`,
          variant.verdict,
          variant.content(kind),
          variant.secrets,
        ),
      );
    }
  }
  const pod = KINDS[0] as ManifestKind;
  files.push(
    fileCase(
      'kubernetes-templates-comment',
      'chart/templates/deployment.yaml',
      'a manifest under templates/ whose only {{ is in a comment',
      judged,
      `# rendered from {{ .Values.image }} by hand\n${block(pod)}`,
    ),
    fileCase(
      'kubernetes-json-file',
      'k8s/pod.json',
      'a Kubernetes manifest in a .json file',
      judged,
      JSON.stringify(pod.document(IMAGE), null, 2),
    ),
    fileCase(
      'kubernetes-flow-no-marker',
      'k8s/flow-no-marker.yaml',
      'flow-style YAML without a document marker',
      judged,
      stringify(pod.document(IMAGE), { collectionStyle: 'flow', lineWidth: 0 }),
    ),
  );
  return [{ name: 'manifests', files }];
}
