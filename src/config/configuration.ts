/**
 * The repository's configuration, `.github/portcullis.yml`, validated against the JSON
 * Schema that ships with Portcullis. Every problem names the file, line and key, so it
 * can be shown as an annotation and in the CLI, and an unknown key suggests the known
 * one it is closest to.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject } from 'ajv/dist/2020.js';
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { compiledSchema, type JsonSchema, parseJson } from '../schema/parse-json.js';
import { PROJECT_ROOT } from '../tools.js';
import { formatKeyPath, type KeyPath, yamlDataProblem } from './plain-data.js';
import { repositoryPath } from './repository-path.js';

export const CONFIG_PATH = '.github/portcullis.yml';
export const DEFAULT_POLICY_PATH = '.github/portcullis/policies';
export const DEFAULT_WAIVERS_PATH = '.github/portcullis/waivers.yml';

export type Severity = 'deny' | 'warn' | 'info';

export interface PortcullisConfig {
  targets: { dockerfiles: string[]; ignore: string[] };
  /** Null: the built-in default list (policies/data.json). */
  trusted_registries: string[] | null;
  /** Rule id → `off` or the severity to report it at. */
  rules: Record<string, 'off' | Severity>;
  policies: { path: string; builtin: boolean };
  waivers: string;
  fail_on: Severity[];
  extends: { repository: string; ref: string; path: string } | null;
  /** The `trust:` document (signers per image pattern), as written; see src/signatures/trust-policy.ts. */
  trust: TrustDocument | null;
  review: { event: 'comment' | 'request_changes'; max_comments: number };
  /** Build settings per Dockerfile glob; the first match wins. */
  build: { dockerfile: string; args?: Record<string, string>; target?: string; platform?: string }[];
  /**
   * Thresholds of PC-BLD-013 (bytes a layer ships that a later one removes) and PC-BLD-014
   * (dive's efficiency score), as written; the rules hold the defaults (10 MB, 0.95).
   */
  wasted_space: { layer_bytes?: number; min_efficiency?: number };
  /**
   * Whether `# hadolint ignore=DL3008` comments in Dockerfiles ignore the Portcullis rules
   * that cover those Hadolint rules (their `related` metadata), as Hadolint would; false is
   * what `portcullis migrate hadolint` writes for `disable-ignore-pragma: true`.
   */
  hadolint_pragmas: boolean;
  /**
   * Labels the images must carry, each with the format of its value (Hadolint's
   * `label-schema`); empty: the label rules PC-DF-079…081 are off.
   */
  label_schema: Record<string, LabelFormat>;
  /** Whether labels outside `label_schema` are reported (Hadolint's `strict-labels`, PC-DF-081). */
  strict_labels: boolean;
  /** ShellCheck codes PC-SH-001 does not report: `portcullis.config.shellcheck.ignore`, with those a policy data file lists. */
  shellcheck: { ignore: string[] };
}

/** Formats a `label_schema` entry can require (Hadolint's label schema types). */
export type LabelFormat = 'text' | 'url' | 'semver' | 'hash' | 'rfc3339' | 'spdx' | 'email';

/** Requirements a trust policy adds to signatures (docs/signatures.md); top level: for every policy that sets none. */
export interface TrustRequirements {
  provenance?: { builders: string[]; source_repositories?: string[] };
  require_tlog?: boolean;
  require_sbom?: boolean;
}

export interface TrustDocument extends TrustRequirements {
  unmatched?: 'info' | 'warn' | 'deny' | 'ignore';
  policies: ({
    images: string[];
    keys?: string[];
    keyless?: { issuer: string; subject: string }[];
    /** Notation signers; see src/signatures/notation-policy.ts. */
    notation?: {
      trust_store: string[];
      identities?: string[];
      level?: string;
      override?: Record<string, string>;
    };
  } & TrustRequirements)[];
}

export const DEFAULT_CONFIG: PortcullisConfig = {
  targets: { dockerfiles: [], ignore: [] },
  trusted_registries: null,
  rules: {},
  policies: { path: DEFAULT_POLICY_PATH, builtin: true },
  waivers: DEFAULT_WAIVERS_PATH,
  fail_on: ['deny'],
  extends: null,
  trust: null,
  review: { event: 'comment', max_comments: 20 },
  build: [],
  wasted_space: {},
  hadolint_pragmas: true,
  label_schema: {},
  strict_labels: false,
  shellcheck: { ignore: [] },
};

/** A problem in a configuration-like file, located for an annotation. */
export interface ConfigProblem {
  path: string;
  line: number;
  /** Dotted key, e.g. `rules.PC-DF-003`; empty for the file as a whole. */
  key: string;
  message: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((p) => `${p.path}:${p.line}: ${p.key ? `${p.key}: ` : ''}${p.message}`).join('\n'));
  }
}

/**
 * A JSON Schema document; checked against the meta-schema where its validator is generated
 * (scripts/generate-validators.mjs) and whenever the test suite compiles it.
 */
export const SCHEMA_DOCUMENT: JsonSchema<{ properties: Record<string, unknown> }> = {
  type: 'object',
  required: ['properties'],
  properties: { properties: { type: 'object' } },
};

let shipped: { properties: Record<string, unknown> } | undefined;
/**
 * Shipped as schemas/portcullis.schema.json, so editors can validate the file too. Read and
 * compiled on first use: a command that never reads a configuration does not pay for it.
 * Exported for scripts/generate-validators.mjs, which precompiles it.
 */
export function configurationSchema(): { properties: Record<string, unknown> } {
  const path = join(PROJECT_ROOT, 'schemas', 'portcullis.schema.json');
  shipped ??= parseJson(readFileSync(path), SCHEMA_DOCUMENT, path);
  return shipped;
}

/** Parses and validates; throws ConfigError listing every problem. A missing file is the defaults. */
export function parseConfig(text: string | null, path = CONFIG_PATH): PortcullisConfig {
  if (text === null || text.trim() === '') return DEFAULT_CONFIG;
  const lineCounter = new LineCounter();
  // Aliases are never needed in a configuration file and are the usual way to make YAML explode.
  // Duplicate keys are found by yamlDataProblem in linear time (see there), not by the parser.
  const document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const lineAt = (offset: number | undefined) =>
    offset === undefined ? 1 : lineCounter.linePos(offset).line;
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((e) => ({
        path,
        line: lineAt(e.pos[0]),
        key: '',
        message: e.message.split('\n')[0] ?? '',
      })),
    );
  }
  const unsafe = yamlDataProblem(document.contents);
  if (unsafe) {
    throw new ConfigError([
      { path, line: lineAt(unsafe.offset), key: formatKeyPath(unsafe.path), message: unsafe.message },
    ]);
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 0 });
  } catch {
    throw new ConfigError([
      { path, line: 1, key: '', message: 'YAML anchors and aliases (& and *) are not allowed here' },
    ]);
  }
  if (value === null || value === undefined) return DEFAULT_CONFIG;
  const lineOf = keyLines(document.contents, lineAt);
  const validate = compiledSchema(configurationSchema());
  if (!validate(value)) {
    throw new ConfigError((validate.errors ?? []).map((error) => describe(error, path, lineOf)));
  }
  const config = value as Partial<PortcullisConfig> & {
    policies?: Partial<PortcullisConfig['policies']>;
    targets?: Partial<PortcullisConfig['targets']>;
    review?: Partial<PortcullisConfig['review']>;
  };
  const problems: ConfigProblem[] = [];
  /** A path the configuration names, normalised; a problem (and the value unchanged) when it leaves the repository. */
  const inRepository = (value: string, segments: (string | number)[]): string => {
    const checked = repositoryPath(value);
    if ('path' in checked) return checked.path;
    problems.push({
      path,
      line: lineOf(segments),
      key: formatKeyPath(segments),
      message: `${JSON.stringify(value)} ${checked.problem}`,
    });
    return value;
  };
  const parsed: PortcullisConfig = {
    targets: { ...DEFAULT_CONFIG.targets, ...config.targets },
    trusted_registries: config.trusted_registries ?? null,
    rules: config.rules ?? {},
    policies: {
      ...DEFAULT_CONFIG.policies,
      ...config.policies,
      path: inRepository(config.policies?.path ?? DEFAULT_POLICY_PATH, ['policies', 'path']),
    },
    waivers: inRepository(config.waivers ?? DEFAULT_CONFIG.waivers, ['waivers']),
    fail_on: config.fail_on ?? DEFAULT_CONFIG.fail_on,
    extends: config.extends
      ? {
          ...config.extends,
          path: inRepository(config.extends.path ?? DEFAULT_POLICY_PATH, ['extends', 'path']),
        }
      : null,
    trust: config.trust
      ? {
          ...config.trust,
          policies: config.trust.policies
            .map((policy, p) =>
              policy.keys
                ? {
                    ...policy,
                    // A key is a PEM written inline, or the repository path of one.
                    keys: policy.keys.map((key, k) =>
                      key.includes('-----BEGIN')
                        ? key
                        : inRepository(key, ['trust', 'policies', p, 'keys', k]),
                    ),
                  }
                : policy,
            )
            .map((policy, p) =>
              policy.notation
                ? {
                    ...policy,
                    // A trust-store certificate is a PEM written inline, or the repository path of one.
                    notation: {
                      ...policy.notation,
                      trust_store: policy.notation.trust_store.map((entry, k) =>
                        entry.includes('-----BEGIN')
                          ? entry
                          : inRepository(entry, ['trust', 'policies', p, 'notation', 'trust_store', k]),
                      ),
                    },
                  }
                : policy,
            ),
        }
      : null,
    review: { ...DEFAULT_CONFIG.review, ...config.review },
    build: config.build ?? [],
    wasted_space: config.wasted_space ?? {},
    hadolint_pragmas: config.hadolint_pragmas ?? DEFAULT_CONFIG.hadolint_pragmas,
    label_schema: config.label_schema ?? DEFAULT_CONFIG.label_schema,
    strict_labels: config.strict_labels ?? DEFAULT_CONFIG.strict_labels,
    shellcheck: { ...DEFAULT_CONFIG.shellcheck, ...config.shellcheck },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed;
}

function describe(error: ErrorObject, path: string, lineOf: (segments: string[]) => number): ConfigProblem {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'additionalProperties') {
    const unknown = String((error.params as { additionalProperty: string }).additionalProperty);
    const known = Object.keys(schemaAt(segments)?.properties ?? {});
    const suggestion = closest(unknown, known);
    return {
      path,
      line: lineOf([...segments, unknown]),
      key: [...segments, unknown].join('.'),
      message: `unknown key "${unknown}"${suggestion ? `: did you mean "${suggestion}"?` : ''} (known: ${known.join(', ')})`,
    };
  }
  const message =
    error.keyword === 'enum'
      ? `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
      : (error.message ?? 'is invalid');
  return { path, line: lineOf(segments), key: segments.join('.'), message };
}

/** The schema node describing the object at `segments`, to list its known keys. */
function schemaAt(segments: string[]): { properties?: Record<string, unknown> } | undefined {
  let node: { properties?: Record<string, unknown> } = configurationSchema();
  for (const segment of segments) {
    // `segment` may be a key the user wrote: only the schema's own properties count.
    const properties = node.properties ?? {};
    node = (Object.hasOwn(properties, segment) ? properties[segment] : {}) as typeof node;
  }
  return node;
}

/**
 * Line of the key (or list item) at `segments`, falling back to the nearest existing parent.
 * The lines are indexed in one walk over the document, since a file with 50 000 bad values
 * has 50 000 problems to locate; a search of the mapping for each was quadratic.
 */
function keyLines(
  root: unknown,
  lineAt: (offset: number | undefined) => number,
): (segments: KeyPath) => number {
  let index: Map<string, number> | null = null;
  const build = () => {
    const lines = new Map<string, number>();
    const walk = (node: unknown, path: string) => {
      if (!isMap(node) && !isSeq(node)) return;
      for (const [i, item] of node.items.entries()) {
        if (isPair(item)) {
          const key = `${path}\0${isScalar(item.key) ? String(item.key.value) : String(item.key)}`;
          const offset = isNode(item.key) ? item.key.range?.[0] : undefined;
          if (!lines.has(key)) lines.set(key, lineAt(offset));
          walk(item.value, key);
        } else {
          const key = `${path}\0${i}`;
          lines.set(key, lineAt(isNode(item) ? item.range?.[0] : undefined));
          walk(item, key);
        }
      }
    };
    walk(root, '');
    return lines;
  };
  return (segments) => {
    index ??= build();
    for (let depth = segments.length; depth > 0; depth--) {
      const line = index.get(
        segments
          .slice(0, depth)
          .map((s) => `\0${s}`)
          .join(''),
      );
      if (line !== undefined) return line;
    }
    return 1;
  };
}

/** The known key within edit distance 2 (or a third of its length) of `word`. */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
