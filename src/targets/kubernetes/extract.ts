import { Lexer, type Node } from 'yaml';
import type { ImageReferenceSite } from '../extractor.js';
import { byLine, fieldPath, parseYaml, stringValue, type YamlDocument, yamlSite } from '../yaml.js';

/**
 * Where each workload kind keeps its pod spec, and the API groups that define it: a custom
 * resource that happens to be called `Deployment` in another group is not one.
 */
const WORKLOADS = new Map<string, { groups: readonly string[]; podSpec: readonly string[] }>([
  ['Pod', { groups: [''], podSpec: ['spec'] }],
  ['PodTemplate', { groups: [''], podSpec: ['template', 'spec'] }],
  ['ReplicationController', { groups: [''], podSpec: ['spec', 'template', 'spec'] }],
  ['Deployment', { groups: ['apps', 'extensions'], podSpec: ['spec', 'template', 'spec'] }],
  ['StatefulSet', { groups: ['apps'], podSpec: ['spec', 'template', 'spec'] }],
  ['DaemonSet', { groups: ['apps', 'extensions'], podSpec: ['spec', 'template', 'spec'] }],
  ['ReplicaSet', { groups: ['apps', 'extensions'], podSpec: ['spec', 'template', 'spec'] }],
  ['Job', { groups: ['batch'], podSpec: ['spec', 'template', 'spec'] }],
  ['CronJob', { groups: ['batch'], podSpec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] }],
]);

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** `List` (what `kubectl get -o yaml` prints) and `DeploymentList`-style kinds nest objects in `items`. */
const MAX_LIST_DEPTH = 4;

/** `apiVersion:` and `kind:` as keys anywhere, in block, flow or JSON style: a manifest that does not parse. */
const API_VERSION_KEY = /["']?\bapiVersion\b["']?\s*:/;
const KIND_KEY = /["']?\bkind\b["']?\s*:/;

/**
 * A YAML or JSON file is read as Kubernetes when one of its documents is a map with
 * `apiVersion` and `kind`, whatever its style (block, flow, JSON, compact or pretty): the
 * file is parsed, not matched line by line. A file that does not parse but names both keys
 * is claimed too, so that extracting it fails and the file is reported as unjudged rather
 * than silently let through. Helm chart templates are left alone: they are Go templates,
 * not YAML, and only mean something once rendered; a `{{` in a comment does not make one.
 */
export function looksLikeKubernetes(path: string, content: string): boolean {
  if (isHelmTemplate(path, content)) return false;
  let documents: YamlDocument[];
  try {
    documents = parsedDocuments(content);
  } catch {
    return API_VERSION_KEY.test(content) && KIND_KEY.test(content);
  }
  return documents.some(
    (document) =>
      document.get(document.root, 'apiVersion') != null && document.get(document.root, 'kind') != null,
  );
}

/** A file under a `templates/` folder with `{{` outside its YAML comments. */
function isHelmTemplate(path: string, content: string): boolean {
  if (!/(^|\/)templates\//.test(path) || !content.includes('{{')) return false;
  let code = '';
  for (const token of new Lexer().lex(content)) if (!token.startsWith('#')) code += token;
  return code.includes('{{');
}

/**
 * The documents of the file last parsed: deciding whether a file is a manifest parses it,
 * and extracting its references right after would parse it again.
 */
let lastParsed: { content: string; documents: YamlDocument[] } | null = null;
function parsedDocuments(content: string): YamlDocument[] {
  if (lastParsed?.content !== content) {
    lastParsed = null;
    lastParsed = { content, documents: parseYaml(content) };
  }
  return lastParsed.documents;
}

export function extractKubernetes(path: string, content: string): ImageReferenceSite[] {
  const sites: ImageReferenceSite[] = [];
  for (const document of parsedDocuments(content)) {
    sites.push(...objectSites({ path, document }, document.root, [], 0));
  }
  return byLine(sites);
}

/** The images of one object, or of every object in a list; `prefix` is the object's own field path. */
function objectSites(
  file: { path: string; document: YamlDocument },
  object: Node | null,
  prefix: (string | number)[],
  depth: number,
): ImageReferenceSite[] {
  const { path, document } = file;
  const kind = stringValue(document.get(object, 'kind'));
  const apiVersion = stringValue(document.get(object, 'apiVersion'));
  if (!kind.ok || !apiVersion.ok) return [];
  if (kind.value.endsWith('List')) {
    if (depth >= MAX_LIST_DEPTH) return [];
    return document
      .items(document.get(object, 'items'))
      .flatMap((item, i) => objectSites(file, item, [...prefix, 'items', i], depth + 1));
  }
  const workload = WORKLOADS.get(kind.value);
  // `apps/v1` is the group `apps`; a bare `v1` is the core group.
  const group = apiVersion.value.includes('/') ? apiVersion.value.split('/')[0] : '';
  if (!workload?.groups.includes(group ?? '')) return [];

  let podSpec = object;
  for (const key of workload.podSpec) podSpec = document.get(podSpec, key) ?? null;
  return CONTAINER_LISTS.flatMap((list) =>
    document.items(document.get(podSpec, list)).flatMap((container, i) => {
      const image = document.get(container, 'image');
      // A container without an image is a patch (Kustomize, strategic merge), not a workload.
      if (image === undefined) return [];
      const field = fieldPath(...prefix, ...workload.podSpec, list, i, 'image');
      return [yamlSite(document, image, { path, kind: 'kubernetes', field })];
    }),
  );
}
