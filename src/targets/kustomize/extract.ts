import type { Node } from 'yaml';
import type { ImageReferenceSite, ReferenceProblem } from '../extractor.js';
import { toSite } from '../extractor.js';
import { byLine, fieldPath, parseYaml, stringValue, type YamlDocument } from '../yaml.js';

/**
 * Each `images:` entry as the reference kustomize writes into the manifests: `newName` (or
 * `name`), then `newTag` and `digest`, both kept when both are given, as kustomize's image
 * tag updater does. An entry with neither keeps the tag of the manifests it rewrites, which
 * this file alone cannot know: unresolvable.
 */
export function extractKustomize(path: string, content: string): ImageReferenceSite[] {
  const sites: ImageReferenceSite[] = [];
  for (const document of parseYaml(content)) {
    document.items(document.get(document.root, 'images')).forEach((entry, i) => {
      if (entry) sites.push(entrySite(document, entry, path, i));
    });
  }
  return byLine(sites);
}

function entrySite(document: YamlDocument, entry: Node, path: string, index: number): ImageReferenceSite {
  const at = {
    path,
    line: document.line(entry),
    kind: 'kustomize' as const,
    field: fieldPath('images', index),
  };
  // kustomize reads these fields as strings: a YAML number (`newTag: 1.10`) is refused or
  // reformatted there, so it is reported rather than guessed; `raw` keeps it as written.
  let wrong: ReferenceProblem | null = null;
  const part = (key: 'name' | 'newName' | 'newTag' | 'digest'): string | null => {
    const node = document.get(entry, key);
    if (node === undefined) return null;
    const value = stringValue(node);
    if (value.ok) return value.value === '' ? null : value.value;
    if (value.why === 'is empty' || node === null) return null;
    wrong ??= { kind: 'invalid', message: `${at.field}.${key} ${value.why}` };
    return document.written(node);
  };
  const name = part('newName') ?? part('name');
  const tag = part('newTag');
  const digest = part('digest');
  if (name === null) {
    return toSite(at, '', { problem: { kind: 'invalid', message: `${at.field} has no name` } });
  }
  const raw = `${name}${tag !== null ? `:${tag}` : ''}${digest !== null ? `@${digest}` : ''}`;
  if (wrong) return toSite(at, raw, { problem: wrong });
  if (tag === null && digest === null) {
    return toSite(at, raw, {
      problem: {
        kind: 'unresolvable',
        message: `${at.field} sets no newTag or digest: the tag is the one of the manifests kustomize rewrites`,
      },
    });
  }
  return toSite(at, raw);
}
