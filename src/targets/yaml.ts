/**
 * YAML for the reference extractors: the `yaml` package's node tree (which keeps every
 * node's offset, hence exact lines) behind a small, hostile-input-safe reading interface.
 *
 * The tree is read, never converted to plain data: `toJS()` would expand aliases (the
 * "billion laughs" attack) and lose positions. Aliases are followed only on request,
 * one look-up at a time, within a budget per file.
 */
import { type Alias, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import type { ImageReferenceSite, SiteLocation } from './extractor.js';
import { ReferenceExtractError, toSite } from './extractor.js';

/** The CLI and the App already skip larger files; refusing here too keeps the extractors safe alone. */
export const MAX_YAML_BYTES = 1024 * 1024;
/** Alias and merge-key look-ups one file may make; real files make a handful. */
const MAX_ALIAS_LOOKUPS = 10_000;
/** Merge keys (`<<: *base`) followed inside one another at most this deep. */
const MAX_MERGE_DEPTH = 8;

/** Every document of a YAML file (`---`-separated), ready to read. */
export function parseYaml(content: string): YamlDocument[] {
  if (Buffer.byteLength(content, 'utf8') > MAX_YAML_BYTES) {
    throw new ReferenceExtractError('the file is over the 1 MiB limit for a YAML file');
  }
  const lines = new LineCounter();
  // An error at the end of the input is placed past the final newline: keep it on the last line.
  const lastLine = lineCount(content);
  const lineAt = (offset: number) => Math.min(lines.linePos(offset).line, lastLine);
  let documents: ReturnType<typeof parseAllDocuments>;
  try {
    documents = parseAllDocuments(content, {
      lineCounter: lines,
      prettyErrors: false,
      // The package checks unique keys in quadratic time (14 s for a 600 KiB map);
      // `indexDocument` does it in linear time instead.
      uniqueKeys: false,
    });
  } catch (error) {
    throw hostile(error);
  }
  const budget = { left: MAX_ALIAS_LOOKUPS };
  return [...documents].map((document) => {
    const [error] = document.errors;
    if (error) throw new ReferenceExtractError(yamlErrorMessage(error.message), lineAt(error.pos[0]));
    const root = (document.contents ?? null) as Node | null;
    return new YamlDocument(root, indexDocument(root, lineAt), { content, lineAt, budget });
  });
}

/** The file context a document reads positions and source text from. */
interface YamlSource {
  content: string;
  lineAt: (offset: number) => number;
  budget: { left: number };
}

export class YamlDocument {
  constructor(
    /** The top-level node, null for an empty document. */
    readonly root: Node | null,
    private readonly anchors: ReadonlyMap<Alias, Node>,
    private readonly source: YamlSource,
  ) {}

  /** The node itself, or the one an alias names; an alias to no anchor stays itself, for its line. */
  deref(node: Node | null | undefined): Node | null {
    if (!isAlias(node)) return node ?? null;
    this.spend();
    return this.anchors.get(node) ?? node;
  }

  /**
   * The value of `key` in a map, also through merge keys (`<<: *defaults`), as Compose
   * files use them; the map's own keys win. Undefined when the key is absent.
   */
  get(node: Node | null | undefined, key: string): Node | null | undefined {
    return this.lookUp(node, key, 0);
  }

  /** A map's entries with scalar keys, merged ones included, in file order (own keys first). */
  entries(node: Node | null | undefined): [string, Node | null][] {
    const seen = new Set<string>();
    const out: [string, Node | null][] = [];
    const collect = (map: Node | null | undefined, depth: number) => {
      const resolved = this.deref(map);
      if (!isMap(resolved) || depth > MAX_MERGE_DEPTH) return;
      const merges: unknown[] = [];
      for (const pair of resolved.items) {
        const key = keyText(pair.key);
        if (key === '<<') merges.push(pair.value);
        else if (key !== null && !seen.has(key)) {
          seen.add(key);
          out.push([key, this.deref(pair.value as Node | null)]);
        }
      }
      for (const merge of merges) for (const source of this.mergeSources(merge)) collect(source, depth + 1);
    };
    collect(node, 0);
    return out;
  }

  /** A sequence's items with aliases followed; empty for anything but a sequence. */
  items(node: Node | null | undefined): (Node | null)[] {
    const seq = this.deref(node);
    return isSeq(seq) ? seq.items.map((item) => this.deref(item as Node | null)) : [];
  }

  /** 1-based line where the node starts. */
  line(node: Node): number {
    return this.source.lineAt(node.range?.[0] ?? 0);
  }

  /** The node's text as written, shortened, for the `raw` of a value that is not a string. */
  written(node: Node): string {
    const [start, end] = node.range ?? [0, 0];
    const text = this.source.content.slice(start, end).trim();
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  }

  private lookUp(node: Node | null | undefined, key: string, depth: number): Node | null | undefined {
    const map = this.deref(node);
    if (!isMap(map) || depth > MAX_MERGE_DEPTH) return undefined;
    for (const pair of map.items) {
      if (keyText(pair.key) === key) return this.deref(pair.value as Node | null);
    }
    for (const pair of map.items) {
      if (keyText(pair.key) !== '<<') continue;
      for (const source of this.mergeSources(pair.value)) {
        const found = this.lookUp(source, key, depth + 1);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  }

  /** `<<: *a` or `<<: [*a, *b]`: earlier sources win, as YAML 1.1 merge keys say. */
  private mergeSources(value: unknown): Node[] {
    const resolved = this.deref(value as Node | null);
    if (isMap(resolved)) return [resolved];
    if (!isSeq(resolved)) return [];
    return resolved.items.map((item) => this.deref(item as Node | null)).filter((n) => isMap(n));
  }

  private spend(): void {
    if (--this.source.budget.left < 0) {
      throw new ReferenceExtractError(
        `more than ${MAX_ALIAS_LOOKUPS} alias look-ups: the file looks built to exhaust its reader`,
      );
    }
  }
}

/** A string value, or why the node is not one, in words for an `invalid` problem. */
export type StringValue = { ok: true; value: string } | { ok: false; why: string };

export function stringValue(node: Node | null | undefined): StringValue {
  if (isScalar(node)) {
    const { value } = node;
    if (typeof value === 'string') return { ok: true, value };
    if (value === null || value === undefined) return { ok: false, why: 'is empty' };
    return {
      ok: false,
      why: `is the ${typeof value === 'boolean' ? 'boolean' : 'number'} ${String(node.source ?? value)} in YAML, not a string`,
    };
  }
  if (isAlias(node)) return { ok: false, why: `is an alias (*${node.source}) to no anchor` };
  if (isMap(node)) return { ok: false, why: 'is a map, not a string' };
  if (isSeq(node)) return { ok: false, why: 'is a list, not a string' };
  return { ok: false, why: 'is empty' };
}

/**
 * The site of a YAML value that should be an image reference. A value that is not a
 * string (a number, a map, nothing) is `invalid`, with what it is instead.
 */
export function yamlSite(
  document: YamlDocument,
  node: Node | null,
  at: Omit<SiteLocation, 'line'>,
  options: { reference?: (value: string) => string } = {},
): ImageReferenceSite {
  const value = stringValue(node);
  const line = node ? document.line(node) : 1;
  if (value.ok) return toSite({ ...at, line }, value.value, { reference: options.reference?.(value.value) });
  return toSite({ ...at, line }, node ? document.written(node) : '', {
    problem: { kind: 'invalid', message: `${at.field} ${value.why}` },
  });
}

/** `spec.template.spec.containers[0].image`; keys that are not plain words are quoted: `services["web.app"]`. */
export function fieldPath(...parts: (string | number)[]): string {
  return parts
    .map((part, i) => {
      if (typeof part === 'number') return `[${part}]`;
      if (/^[A-Za-z0-9_-]+$/.test(part)) return i === 0 ? part : `.${part}`;
      return `[${JSON.stringify(part)}]`;
    })
    .join('');
}

/** Sites in the order of their lines (extractors visit lists in their own order). */
export function byLine(sites: ImageReferenceSite[]): ImageReferenceSite[] {
  return sites.sort((a, b) => a.line - b.line);
}

function keyText(key: unknown): string | null {
  if (!isScalar(key) || key.value === null || typeof key.value === 'object') return null;
  return String(key.value);
}

/**
 * One pass over a document, without recursion (deep nesting must not overflow the stack):
 * which anchor each alias names (the last one before it, as YAML says), and duplicate keys,
 * which Kubernetes and Compose refuse.
 */
function indexDocument(root: Node | null, lineAt: (offset: number) => number): Map<Alias, Node> {
  const anchors = new Map<Alias, Node>();
  const latest = new Map<string, Node>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) {
      const target = latest.get(node.source);
      if (target) anchors.set(node, target);
      continue;
    }
    if (!node || typeof node !== 'object') continue;
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) latest.set(anchor, node as Node);
    if (isMap(node)) {
      const keys = new Set<string>();
      for (const pair of node.items) {
        const key = keyText(pair.key);
        if (key !== null && key !== '<<') {
          if (keys.has(key)) {
            throw new ReferenceExtractError(
              `duplicate key "${key}"`,
              lineAt((pair.key as Node).range?.[0] ?? 0),
            );
          }
          keys.add(key);
        }
      }
      // Pushed in reverse so that they are visited in file order.
      for (let i = node.items.length - 1; i >= 0; i--) {
        const pair = node.items[i];
        stack.push(pair?.value, pair?.key);
      }
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
    }
  }
  return anchors;
}

function lineCount(content: string): number {
  const newlines = content.match(/\n/g)?.length ?? 0;
  return content.endsWith('\n') ? Math.max(newlines, 1) : newlines + 1;
}

/** The package's messages end with the position ("at line 3, column 5"), which the report shows apart. */
function yamlErrorMessage(message: string): string {
  if (message.includes('call stack')) return 'invalid YAML: nested too deeply to read';
  const first = message.split('\n')[0] ?? message;
  return `invalid YAML: ${first.replace(/\s+at line \d+, column \d+:?\s*$/, '')}`;
}

function hostile(error: unknown): ReferenceExtractError {
  if (error instanceof RangeError)
    return new ReferenceExtractError('invalid YAML: nested too deeply to read');
  return new ReferenceExtractError(`invalid YAML: ${error instanceof Error ? error.message : String(error)}`);
}
