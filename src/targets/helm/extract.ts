import { isAlias, isMap, isScalar, isSeq, type Node } from 'yaml';
import type { ImageReferenceSite, ReferenceProblem } from '../extractor.js';
import { toSite } from '../extractor.js';
import { byLine, fieldPath, parseYaml, stringValue, type YamlDocument, yamlSite } from '../yaml.js';

/** Values nest a few levels (`controller.admissionWebhooks.patch.image`); deeper is hostile. */
const MAX_DEPTH = 64;

interface ValuesFile {
  path: string;
  document: YamlDocument;
  /** `global.imageRegistry`, which Bitnami-style charts put before every image's repository. */
  globalRegistry: string | null;
}

/**
 * Every `image` key, at any depth, in one of the shapes charts use:
 * `image: "repo:tag"`, `image: {repository, tag}`, `image: {registry, repository, tag, digest}`
 * and ingress-nginx's `image: {registry, image, tag, digest}`. A map with none of these keys
 * is searched further. Aliases are not followed: the anchored value is reported where it is
 * written, and the tree is walked once, whatever its aliases.
 */
export function extractHelmValues(path: string, content: string): ImageReferenceSite[] {
  const sites: ImageReferenceSite[] = [];
  for (const document of parseYaml(content)) {
    const registry = stringValue(document.get(document.get(document.root, 'global'), 'imageRegistry'));
    const file = {
      path,
      document,
      globalRegistry: registry.ok && registry.value !== '' ? registry.value : null,
    };
    walk(file, document.root, [], 0, sites);
  }
  return byLine(sites);
}

function walk(
  file: ValuesFile,
  node: unknown,
  field: (string | number)[],
  depth: number,
  sites: ImageReferenceSite[],
): void {
  if (depth > MAX_DEPTH) return;
  if (isMap(node)) {
    for (const { key, value } of node.items) {
      if (!isScalar(key) || typeof key.value !== 'string') continue;
      const site =
        key.value === 'image' ? imageSite(file, value as Node | null, [...field, key.value]) : null;
      if (site === 'none') continue;
      if (site) sites.push(site);
      else walk(file, value, [...field, key.value], depth + 1, sites);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      walk(file, item, [...field, i], depth + 1, sites);
    });
  }
}

/** The site of an `image` value; `none` when it names no image, null when it is a map to search further. */
function imageSite(
  file: ValuesFile,
  value: Node | null,
  field: (string | number)[],
): ImageReferenceSite | 'none' | null {
  const { path, document } = file;
  if (isAlias(value)) return 'none';
  if (isMap(value)) return imageMapSite(file, value, field);
  if (isSeq(value)) return null;
  // `image: ""` or `image:` leaves the chart's default in place: no image is named here.
  const text = stringValue(value);
  if (!text.ok && text.why === 'is empty') return 'none';
  if (text.ok && text.value === '') return 'none';
  return yamlSite(document, value, { path, kind: 'helm', field: fieldPath(...field) });
}

function imageMapSite(file: ValuesFile, image: Node, field: (string | number)[]): ImageReferenceSite | null {
  const { path, document } = file;
  const repositoryKey = document.get(image, 'repository') !== undefined ? 'repository' : 'image';
  const repositoryNode = document.get(image, repositoryKey);
  if (repositoryNode === undefined || isMap(repositoryNode) || isSeq(repositoryNode)) return null;
  const at = {
    path,
    line: repositoryNode ? document.line(repositoryNode) : document.line(image),
    kind: 'helm' as const,
    field: fieldPath(...field),
  };
  const repository = stringValue(repositoryNode);
  // `repository: ""` leaves the chart's default in place, as `image: ""` does.
  if (repository.ok ? repository.value === '' : repository.why === 'is empty') return null;
  if (!repository.ok) {
    return toSite(at, repositoryNode ? document.written(repositoryNode) : '', {
      problem: { kind: 'invalid', message: `${fieldPath(...field, repositoryKey)} ${repository.why}` },
    });
  }
  const parts = {
    registry: valuePart(document, image, 'registry'),
    tag: valuePart(document, image, 'tag'),
    digest: valuePart(document, image, 'digest'),
  };
  // Bitnami's `common.images.image` lets `global.imageRegistry`, when set, win over the image's own.
  const registry = file.globalRegistry ?? parts.registry.text;
  const { tag, digest } = parts;
  const raw = `${registry !== null ? `${registry}/` : ''}${repository.value}${tag.text !== null ? `:${tag.text}` : ''}${digest.text !== null ? `@${digest.text}` : ''}`;
  const wrong = (['registry', 'tag', 'digest'] as const).find((key) => parts[key].why !== undefined);
  let problem: ReferenceProblem | undefined;
  if (wrong) {
    problem = { kind: 'invalid', message: `${fieldPath(...field, wrong)} ${parts[wrong].why}` };
  } else if (tag.text === null && digest.text === null) {
    problem = {
      kind: 'unresolvable',
      message: `${at.field} sets no tag: the chart's templates choose it, often from the chart's appVersion`,
    };
  }
  return toSite(at, raw, { problem });
}

/**
 * A `registry`, `tag` or `digest` value: its text (null when absent or empty), and why it
 * is not usable, if it is not; the text is then as written, for `raw`. Helm reads a YAML
 * number as a float and prints it the Go way, so `tag: 16` renders as `16` but `tag: 1.10`
 * as `1.1` and `tag: 20240101` as `2.0240101e+07`: only numbers that render as written are taken.
 */
function valuePart(document: YamlDocument, image: Node, key: string): { text: string | null; why?: string } {
  const node = document.get(image, key);
  if (node === undefined) return { text: null };
  const value = stringValue(node);
  if (value.ok) return { text: value.value === '' ? null : value.value };
  if (value.why === 'is empty' || node === null) return { text: null };
  const written = document.written(node);
  if (isScalar(node) && typeof node.value === 'number') {
    const rendered = goNumber(node.value);
    if (rendered === written) return { text: rendered };
    return {
      text: written,
      why: `is the number ${written} in YAML, which Helm renders as ${rendered}: quote it`,
    };
  }
  return { text: written, why: value.why };
}

/** How Go's `fmt` prints a float64 with `%v` (strconv's shortest `%g`): exponent form below 1e-4 and from 1e6. */
function goNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(value);
}
