/**
 * `.hadolint.yaml` → `.github/portcullis.yml`: what each Hadolint setting becomes, through
 * the peer mapping of the rules' `related` metadata (`hadolint:DL3008` → PC-DF-028), merged
 * into the repository's configuration without dropping its comments or its own settings.
 * Pure: the command (src/cli/migrate.ts) reads and writes the files.
 */
import { Document, isMap, LineCounter, parseDocument } from 'yaml';
import {
  CONFIG_PATH,
  ConfigError,
  type LabelFormat,
  parseConfig,
  type Severity,
} from '../config/configuration.js';
import { formatKeyPath, yamlDataProblem } from '../config/plain-data.js';

/** What became of one Hadolint setting. */
export interface MigrationItem {
  /** The `.hadolint.yaml` key: `ignored`, `override.error`, `trustedRegistries`, … */
  key: string;
  /** The value the item is about: a rule code, a registry, the key's value. */
  value: string;
  /**
   * mapped: written to `target`; kept: the configuration already says otherwise, so unchanged;
   * partial: a Portcullis rule also covers Hadolint rules the file leaves on, so unchanged;
   * unmapped: no Portcullis rule covers it; not-applicable: a setting Portcullis has no
   * need for; invalid: not a value Hadolint takes.
   */
  status: 'mapped' | 'kept' | 'partial' | 'unmapped' | 'not-applicable' | 'invalid';
  /** The configuration key and value it became, `rules.PC-DF-028: off`. */
  target?: string;
  note?: string;
}

export interface HadolintMigration {
  items: MigrationItem[];
  /** The configuration's new text (the old one when nothing changes). */
  config: string;
  changed: boolean;
}

/** Hadolint's severities (its `override:` keys) as Portcullis severities. */
const SEVERITIES: Readonly<Record<string, Severity>> = {
  error: 'deny',
  warning: 'warn',
  info: 'info',
  style: 'info',
};

/** Hadolint's `failure-threshold`: the lowest severity that fails, as the list of those that do. */
const THRESHOLDS: Readonly<Record<string, Severity[]>> = {
  error: ['deny'],
  warning: ['deny', 'warn'],
  info: ['deny', 'warn', 'info'],
  style: ['deny', 'warn', 'info'],
  ignore: [],
  none: [],
};

const CODE = /^(DL|SC)\d{4}$/;

/** Hadolint's label schema types, which `label_schema` takes as they are. */
const LABEL_FORMATS: ReadonlySet<string> = new Set<LabelFormat>([
  'text',
  'url',
  'semver',
  'hash',
  'rfc3339',
  'spdx',
  'email',
]);
/** The label keys `label_schema` takes (schemas/portcullis.schema.json). */
const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/;
const shown = (value: unknown) =>
  typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)).slice(0, 80);

/**
 * Reads a `.hadolint.yaml` as hostile YAML: no aliases, no `__proto__` keys, a mapping at
 * the top. Throws ConfigError with the line of each problem.
 */
export function parseHadolintConfig(text: string, path: string): Record<string, unknown> {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const lineAt = (offset: number | undefined) =>
    offset === undefined ? 1 : lineCounter.linePos(offset).line;
  const problems = document.errors.map((e) => ({
    path,
    line: lineAt(e.pos[0]),
    key: '',
    message: e.message.split('\n')[0] ?? '',
  }));
  const unsafe = problems.length === 0 ? yamlDataProblem(document.contents) : null;
  if (unsafe) {
    problems.push({
      path,
      line: lineAt(unsafe.offset),
      key: formatKeyPath(unsafe.path),
      message: unsafe.message,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (document.contents === null) return {};
  if (!isMap(document.contents)) {
    throw new ConfigError([{ path, line: 1, key: '', message: 'expected a mapping of Hadolint settings' }]);
  }
  try {
    return document.toJS({ maxAliasCount: 0 }) as Record<string, unknown>;
  } catch {
    throw new ConfigError([
      { path, line: 1, key: '', message: 'YAML anchors and aliases (& and *) are not allowed' },
    ]);
  }
}

/**
 * The migration of `hadolint` (a parsed `.hadolint.yaml`) into `existing` (the text of
 * `.github/portcullis.yml`, or null), with `peers` from peerRuleMap (src/docs/rule-catalog.ts).
 * Settings the configuration already makes are kept: it is the repository's word.
 */
export function migrateHadolint(
  hadolint: Record<string, unknown>,
  existing: string | null,
  peers: ReadonlyMap<string, readonly string[]>,
): HadolintMigration {
  // Validated first: a configuration that is broken already is not merged into (fail closed).
  const current = parseConfig(existing);
  const document =
    existing && existing.trim() !== ''
      ? parseDocument(existing, { uniqueKeys: false })
      : new Document({}, { uniqueKeys: false });
  if (!existing?.trim())
    document.commentBefore = ' Portcullis configuration (docs/configuration.md), migrated from Hadolint.';
  const items: MigrationItem[] = [];
  let changed = false;
  const set = (path: (string | number)[], value: unknown) => {
    // Lists in flow style, as the starter configuration writes them: `fail_on: [deny, warn]`.
    document.setIn(path, Array.isArray(value) ? document.createNode(value, { flow: true }) : value);
    changed = true;
  };
  const list = (key: string, value: unknown): unknown[] => {
    if (value === undefined || value === null) return [];
    if (Array.isArray(value)) return value;
    items.push({ key, value: shown(value), status: 'invalid', note: 'expected a list' });
    return [];
  };

  // Rule settings: `ignored` wins over `override`, as in Hadolint.
  const settings = new Map<string, { key: string; setting: 'off' | Severity }>();
  const override = hadolint.override;
  if (
    override !== undefined &&
    override !== null &&
    (typeof override !== 'object' || Array.isArray(override))
  ) {
    items.push({
      key: 'override',
      value: shown(override),
      status: 'invalid',
      note: 'expected error, warning, info and style lists',
    });
  }
  const overrides =
    typeof override === 'object' && override !== null && !Array.isArray(override) ? override : {};
  for (const [level, codes] of Object.entries(overrides)) {
    const severity = Object.hasOwn(SEVERITIES, level) ? SEVERITIES[level] : undefined;
    if (!severity) {
      items.push({
        key: `override.${level}`,
        value: '',
        status: 'invalid',
        note: 'Hadolint has error, warning, info and style',
      });
      continue;
    }
    for (const code of list(`override.${level}`, codes)) {
      if (typeof code === 'string' && CODE.test(code))
        settings.set(code, { key: `override.${level}`, setting: severity });
      else
        items.push({
          key: `override.${level}`,
          value: shown(code),
          status: 'invalid',
          note: 'not a Hadolint rule code (DL3008, SC2086)',
        });
    }
  }
  for (const code of list('ignored', hadolint.ignored)) {
    if (typeof code === 'string' && CODE.test(code)) settings.set(code, { key: 'ignored', setting: 'off' });
    else
      items.push({
        key: 'ignored',
        value: shown(code),
        status: 'invalid',
        note: 'not a Hadolint rule code (DL3008, SC2086)',
      });
  }
  const ruleSettings = new Map<string, 'off' | Severity>();
  const shellcheckIgnores: string[] = [];
  const hadolintPeers = (id: string) =>
    [...peers].flatMap(([peer, ids]) =>
      peer.startsWith('hadolint:') && ids.includes(id) ? [peer.slice(9)] : [],
    );
  for (const [code, { key, setting }] of [...settings].sort(([a], [b]) => a.localeCompare(b))) {
    if (code.startsWith('SC')) {
      // PC-SH-001 reports ShellCheck's findings; their severities go by ShellCheck's level, not by code.
      if (setting === 'off') {
        shellcheckIgnores.push(code);
        items.push({ key, value: code, status: 'mapped', target: `shellcheck.ignore: ${code}` });
      } else {
        items.push({
          key,
          value: code,
          status: 'unmapped',
          note: `a ShellCheck code: PC-SH-001 reports ShellCheck's findings at a severity by their level (portcullis.config.shellcheck.levels in a policy data file), not by code`,
        });
      }
      continue;
    }
    const ids = peers.get(`hadolint:${code}`) ?? [];
    if (ids.length === 0) {
      items.push({ key, value: code, status: 'unmapped', note: 'no Portcullis rule covers it' });
      continue;
    }
    for (const id of ids) {
      const target = `rules.${id}: ${setting}`;
      // A rule that also covers Hadolint rules the file leaves alone is not turned off for one of them.
      const others = hadolintPeers(id).filter((peer) => settings.get(peer)?.setting !== setting);
      const mine = Object.hasOwn(current.rules, id) ? current.rules[id] : undefined;
      if (others.length > 0) {
        items.push({
          key,
          value: code,
          status: 'partial',
          target: `rules.${id}`,
          note: `${id} also covers ${others.join(', ')}, which this file does not set so: set ${id} yourself, or waive it by path`,
        });
      } else if (mine !== undefined && mine !== setting) {
        items.push({
          key,
          value: code,
          status: 'kept',
          target: `rules.${id}: ${mine}`,
          note: `the configuration already sets ${id}`,
        });
      } else {
        if (mine === undefined) ruleSettings.set(id, setting);
        items.push({ key, value: code, status: 'mapped', target });
      }
    }
  }

  // In id order, after the rules the configuration has: a reader finds them as in the catalog.
  for (const [id, setting] of [...ruleSettings].sort(([a], [b]) => a.localeCompare(b)))
    set(['rules', id], setting);
  const ignoredBefore = current.shellcheck.ignore;
  const ignored = [...new Set([...ignoredBefore, ...shellcheckIgnores])];
  if (ignored.length !== ignoredBefore.length) set(['shellcheck', 'ignore'], ignored);

  const registries = list('trustedRegistries', hadolint.trustedRegistries);
  const valid = registries.filter(
    (r): r is string => typeof r === 'string' && r.trim() !== '' && !/\s/.test(r),
  );
  for (const r of registries) {
    if (!valid.includes(r as string))
      items.push({
        key: 'trustedRegistries',
        value: shown(r),
        status: 'invalid',
        note: 'not a registry host',
      });
  }
  if (valid.length > 0) {
    const before = current.trusted_registries ?? [];
    const merged = [...new Set([...before, ...valid])];
    if (merged.length !== before.length) set(['trusted_registries'], merged);
    for (const r of valid)
      items.push({
        key: 'trustedRegistries',
        value: r,
        status: 'mapped',
        target: `trusted_registries: ${r}`,
      });
    if (current.trusted_registries === null) {
      items.push({
        key: 'trustedRegistries',
        value: '',
        status: 'mapped',
        target: 'trusted_registries',
        note: 'replaces the default list of trusted registries (policies/data.json), as in Hadolint',
      });
    }
  }

  const failOn = (key: string, value: Severity[]) => {
    const target = `fail_on: [${value.join(', ')}]`;
    if (hasKey(document, 'fail_on') && !sameList(current.fail_on, value)) {
      items.push({
        key,
        value: shown(hadolint[key]),
        status: 'kept',
        target: `fail_on: [${current.fail_on.join(', ')}]`,
        note: 'the configuration already sets fail_on',
      });
      return;
    }
    if (!sameList(current.fail_on, value) || !hasKey(document, 'fail_on')) set(['fail_on'], value);
    items.push({ key, value: shown(hadolint[key]), status: 'mapped', target });
  };
  if (hadolint['no-fail'] === true) failOn('no-fail', []);
  else if (hadolint['no-fail'] !== undefined && hadolint['no-fail'] !== false)
    items.push({
      key: 'no-fail',
      value: shown(hadolint['no-fail']),
      status: 'invalid',
      note: 'expected true or false',
    });
  const threshold = hadolint['failure-threshold'];
  if (threshold !== undefined && hadolint['no-fail'] !== true) {
    if (typeof threshold === 'string' && Object.hasOwn(THRESHOLDS, threshold))
      failOn('failure-threshold', THRESHOLDS[threshold] as Severity[]);
    else
      items.push({
        key: 'failure-threshold',
        value: shown(threshold),
        status: 'invalid',
        note: 'Hadolint takes error, warning, info, style or none',
      });
  }

  const pragma = hadolint['disable-ignore-pragma'];
  if (pragma === true) {
    if (hasKey(document, 'hadolint_pragmas') && current.hadolint_pragmas) {
      items.push({
        key: 'disable-ignore-pragma',
        value: 'true',
        status: 'kept',
        target: 'hadolint_pragmas: true',
        note: 'the configuration already sets hadolint_pragmas',
      });
    } else {
      if (current.hadolint_pragmas) set(['hadolint_pragmas'], false);
      items.push({
        key: 'disable-ignore-pragma',
        value: 'true',
        status: 'mapped',
        target: 'hadolint_pragmas: false',
      });
    }
  } else if (pragma !== undefined && pragma !== false) {
    items.push({
      key: 'disable-ignore-pragma',
      value: shown(pragma),
      status: 'invalid',
      note: 'expected true or false',
    });
  }

  migrateLabels(hadolint, current, document, items, set);
  for (const key of ['format', 'no-color', 'verbose']) {
    if (hadolint[key] !== undefined)
      items.push({
        key,
        value: shown(hadolint[key]),
        status: 'not-applicable',
        note: 'an output option: portcullis check takes --format and --no-color',
      });
  }
  const known = new Set([
    'ignored',
    'override',
    'trustedRegistries',
    'failure-threshold',
    'no-fail',
    'disable-ignore-pragma',
    'label-schema',
    'strict-labels',
    'format',
    'no-color',
    'verbose',
  ]);
  for (const key of Object.keys(hadolint)) {
    if (!known.has(key)) items.push({ key, value: '', status: 'invalid', note: 'not a Hadolint setting' });
  }

  const config = changed
    ? document.toString({ lineWidth: 0, flowCollectionPadding: false })
    : (existing ?? '');
  // What is written must be a configuration Portcullis reads: checked as any other would be.
  parseConfig(config, CONFIG_PATH);
  return { items, config, changed };
}

/** `label-schema` → `label_schema` and `strict-labels` → `strict_labels` (PC-DF-079…081). */
function migrateLabels(
  hadolint: Record<string, unknown>,
  current: ReturnType<typeof parseConfig>,
  document: Document,
  items: MigrationItem[],
  set: (path: (string | number)[], value: unknown) => void,
): void {
  const schema = hadolint['label-schema'];
  if (schema !== undefined && schema !== null && (typeof schema !== 'object' || Array.isArray(schema))) {
    items.push({
      key: 'label-schema',
      value: shown(schema),
      status: 'invalid',
      note: 'expected a mapping of label → format',
    });
  } else if (schema) {
    for (const [label, format] of Object.entries(schema)) {
      const key = `label-schema.${label}`;
      if (!LABEL_KEY.test(label)) {
        items.push({ key, value: shown(format), status: 'invalid', note: 'not a label key' });
      } else if (typeof format !== 'string' || !LABEL_FORMATS.has(format)) {
        items.push({
          key,
          value: shown(format),
          status: 'invalid',
          note: `Hadolint's label formats are ${[...LABEL_FORMATS].join(', ')}`,
        });
      } else {
        const mine = Object.hasOwn(current.label_schema, label) ? current.label_schema[label] : undefined;
        if (mine !== undefined && mine !== format) {
          items.push({
            key,
            value: format,
            status: 'kept',
            target: `label_schema.${label}: ${mine}`,
            note: `the configuration already sets label_schema.${label}`,
          });
        } else {
          if (mine === undefined) set(['label_schema', label], format);
          items.push({ key, value: format, status: 'mapped', target: `label_schema.${label}: ${format}` });
        }
      }
    }
  }
  const strict = hadolint['strict-labels'];
  if (typeof strict === 'boolean') {
    if (hasKey(document, 'strict_labels') && current.strict_labels !== strict) {
      items.push({
        key: 'strict-labels',
        value: String(strict),
        status: 'kept',
        target: `strict_labels: ${current.strict_labels}`,
        note: 'the configuration already sets strict_labels',
      });
    } else {
      // false is the default: nothing to write.
      if (strict && !current.strict_labels) set(['strict_labels'], true);
      items.push({
        key: 'strict-labels',
        value: String(strict),
        status: 'mapped',
        target: `strict_labels: ${strict}`,
      });
    }
  } else if (strict !== undefined && strict !== null) {
    items.push({
      key: 'strict-labels',
      value: shown(strict),
      status: 'invalid',
      note: 'expected true or false',
    });
  }
}

function hasKey(document: Document, key: string): boolean {
  return isMap(document.contents) && document.contents.has(key);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
