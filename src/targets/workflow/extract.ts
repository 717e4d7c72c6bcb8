import { isMap, type Node } from 'yaml';
import type { ImageReferenceSite } from '../extractor.js';
import { byLine, fieldPath, parseYaml, stringValue, type YamlDocument, yamlSite } from '../yaml.js';

const DOCKER_SCHEME = 'docker://';

/**
 * `jobs.<id>.container` (an image string, or a map with `image`), `jobs.<id>.services.<name>`
 * (the same shapes) and `jobs.<id>.steps[*].uses: docker://<image>`. Values built from
 * `${{ … }}` expressions (a matrix, an input) are reported as unresolvable.
 */
export function extractWorkflow(path: string, content: string): ImageReferenceSite[] {
  const sites: ImageReferenceSite[] = [];
  for (const document of parseYaml(content)) {
    for (const [id, job] of document.entries(document.get(document.root, 'jobs'))) {
      const container = document.get(job, 'container');
      if (container !== undefined) {
        sites.push(...containerSites(document, container, path, ['jobs', id, 'container']));
      }
      for (const [name, service] of document.entries(document.get(job, 'services'))) {
        sites.push(...containerSites(document, service, path, ['jobs', id, 'services', name]));
      }
      document.items(document.get(job, 'steps')).forEach((step, i) => {
        const uses = stringValue(document.get(step, 'uses'));
        if (!uses.ok || !uses.value.startsWith(DOCKER_SCHEME)) return;
        sites.push(
          yamlSite(
            document,
            document.get(step, 'uses') ?? null,
            { path, kind: 'workflow', field: fieldPath('jobs', id, 'steps', i, 'uses') },
            { reference: (value) => value.slice(DOCKER_SCHEME.length) },
          ),
        );
      });
    }
  }
  return byLine(sites);
}

/** A container is written as its image, or as a map whose `image` is; a map without one names none. */
function containerSites(
  document: YamlDocument,
  container: Node | null,
  path: string,
  field: (string | number)[],
): ImageReferenceSite[] {
  const image = document.get(container, 'image');
  if (image !== undefined) {
    return [yamlSite(document, image, { path, kind: 'workflow', field: fieldPath(...field, 'image') })];
  }
  if (isMap(document.deref(container))) return [];
  return [yamlSite(document, container, { path, kind: 'workflow', field: fieldPath(...field) })];
}
