import type { Node } from 'yaml';
import type { ImageReferenceSite } from '../references.js';
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

const API_VERSION = /^["']?apiVersion["']?\s*:/m;
const KIND = /^["']?kind["']?\s*:/m;

/**
 * A YAML file is read as Kubernetes when a document has top-level `apiVersion` and `kind`,
 * unless it is a Helm chart template: those are Go templates, not YAML, and only mean
 * something once rendered. A `{{` elsewhere (an alerting rule in a ConfigMap) is just text.
 */
export function looksLikeKubernetes(path: string, content: string): boolean {
  if (/(^|\/)templates\//.test(path) && content.includes('{{')) return false;
  return API_VERSION.test(content) && KIND.test(content);
}

export function extractKubernetes(path: string, content: string): ImageReferenceSite[] {
  const sites: ImageReferenceSite[] = [];
  for (const document of parseYaml(content)) {
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
