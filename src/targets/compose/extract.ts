import type { ImageReferenceSite } from '../extractor.js';
import { byLine, fieldPath, parseYaml, stringValue, yamlSite } from '../yaml.js';

/**
 * `services.<name>.image`. A service with `build:` and `image:` builds the image and tags it
 * with that name, but `docker compose pull` and a missing build context still use it: it
 * is reported like any other. Services often share settings through `<<: *anchor`; those
 * are followed, and the line is the one where the image is written.
 */
export function extractCompose(path: string, content: string): ImageReferenceSite[] {
  const sites: ImageReferenceSite[] = [];
  for (const document of parseYaml(content)) {
    for (const [name, service] of document.entries(document.get(document.root, 'services'))) {
      const image = document.get(service, 'image');
      if (image === undefined) continue;
      const platform = stringValue(document.get(service, 'platform'));
      sites.push(
        yamlSite(document, image, {
          path,
          kind: 'compose',
          field: fieldPath('services', name, 'image'),
          ...(platform.ok ? { platform: platform.value } : {}),
        }),
      );
    }
  }
  return byLine(sites);
}
