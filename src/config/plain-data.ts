/**
 * Parsed YAML and JSON that a repository supplies (data files, configuration, trust
 * policies) is plain data, and its keys must never reach an object's prototype.
 *
 * Neither JSON.parse nor the `yaml` package pollutes by itself: both create `__proto__` as
 * an own property. It is a later `target[key] = …` or `merge(target[key], …)` that walks
 * into `Object.prototype` and changes every object in the process — every repository the
 * App judges afterwards. So these keys are refused when the data is read, with the file
 * and key named, and the merge refuses them again in case a caller forgot.
 */
import { isMap, isNode, isPair, isScalar, isSeq } from 'yaml';

/** Keys that reach an object's prototype or its constructor when assigned or looked up. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper than this, data is refused: no policy needs it, and every walk over it recurses. */
export const MAX_DATA_DEPTH = 100;

export type KeyPath = (string | number)[];

/** What is wrong with a parsed document: a reserved key, or nesting too deep, at `path`. */
export interface DataProblem {
  path: KeyPath;
  message: string;
}

/** The first reserved key (or over-deep nesting) in parsed data, or null when it is plain. */
export function plainDataProblem(value: unknown, path: KeyPath = []): DataProblem | null {
  if (value === null || typeof value !== 'object') return null;
  if (path.length >= MAX_DATA_DEPTH) {
    return { path, message: `nested deeper than ${MAX_DATA_DEPTH} levels` };
  }
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? [...value.entries()]
    : Object.entries(value);
  for (const [key, item] of entries) {
    if (typeof key === 'string' && RESERVED_KEYS.has(key)) {
      return { path: [...path, key], message: reservedKeyMessage(key) };
    }
    const problem = plainDataProblem(item, [...path, key]);
    if (problem) return problem;
  }
  return null;
}

/**
 * The first reserved key, duplicate key or over-deep nesting in a parsed YAML document's
 * tree, with the offset of the key for its line. It reads the node tree, so keys that a
 * reader never looks at (a root `__proto__` beside `waivers:`) are refused all the same.
 *
 * Duplicates are found here, with one set per mapping, because the `yaml` package's own
 * check (`uniqueKeys`) compares every key with every earlier one: 50 000 keys took 20 s.
 * Parse with `uniqueKeys: false` and call this. Keys compare as YAML's do, by scalar value
 * (the number 1 and the string "1" are two keys); a mapping used as a key is never equal.
 */
export function yamlDataProblem(
  node: unknown,
  path: KeyPath = [],
): (DataProblem & { offset: number | undefined }) | null {
  if (!isMap(node) && !isSeq(node)) return null;
  if (path.length >= MAX_DATA_DEPTH) {
    return { path, message: `nested deeper than ${MAX_DATA_DEPTH} levels`, offset: node.range?.[0] };
  }
  const seen = new Set<string>();
  for (const [index, item] of node.items.entries()) {
    if (!isPair(item)) {
      const problem = yamlDataProblem(item, [...path, index]);
      if (problem) return problem;
      continue;
    }
    const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
    const offset = isNode(item.key) ? item.key.range?.[0] : node.range?.[0];
    if (RESERVED_KEYS.has(key)) return { path: [...path, key], message: reservedKeyMessage(key), offset };
    if (isScalar(item.key)) {
      const identity = `${typeof item.key.value}:${key}`;
      if (seen.has(identity)) return { path: [...path, key], message: 'Map keys must be unique', offset };
      seen.add(identity);
    }
    const problem = yamlDataProblem(item.value, [...path, key]);
    if (problem) return problem;
  }
  return null;
}

export function reservedKeyMessage(key: string): string {
  return `"${key}" is a reserved key (${[...RESERVED_KEYS].join(', ')}): it could change every object in the process, so it is refused; rename it`;
}

/** `portcullis.config[0].__proto__`: a key path as the messages about configuration write it. */
export function formatKeyPath(path: KeyPath): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${segment}`,
    )
    .join('');
}

/**
 * `over` merged into a copy of `base`: mappings merge key by key, anything else replaces.
 * Only own properties are read, and a reserved key throws rather than be assigned.
 */
export function mergeData(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (RESERVED_KEYS.has(key)) throw new Error(reservedKeyMessage(key));
    const current = Object.hasOwn(out, key) ? out[key] : undefined;
    out[key] = isMapping(current) && isMapping(value) ? mergeData(current, value) : value;
  }
  return out;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
