/**
 * The policy set a repository is judged by: its configuration, the built-in pack, its own
 * Rego and data files, an `extends:` folder, and its waivers — all read from one
 * snapshot. The App reads it at the pull request's base commit, so a pull request cannot
 * weaken the gate that judges it.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { parse as parseYaml } from 'yaml';
import {
  CONFIG_PATH,
  ConfigError,
  type PortcullisConfig,
  parseConfig,
  type TrustDocument,
} from '../config/configuration.js';
import { formatKeyPath, mergeData, plainDataProblem } from '../config/plain-data.js';
import type { RepositorySnapshot } from '../repository/snapshot.js';
import { settings } from '../settings.js';
import type { TrustPolicySet } from '../signatures/trust-policy.js';
import { BUILTIN_POLICY_DIR } from '../tools.js';
import { loadPolicyDirectory, type PolicyBundle, policyBundle } from './bundle.js';
import { compilePolicy } from './compile.js';
import { type PolicyEvaluator, SandboxedPolicyEngine } from './sandbox.js';
import { parseWaivers, type Waiver } from './waivers.js';

export interface PolicySet {
  config: PortcullisConfig;
  /** Rego of the built-in pack, the repository (under `repository/`) and `extends` (under `extends/`). */
  bundle: PolicyBundle;
  /** Repository data files merged at the root of `data`, and what the configuration sets. */
  data: Record<string, unknown>;
  waivers: Waiver[];
  /** Who must have signed images: the operator's PORTCULLIS_TRUST_POLICY over the configuration's `trust:`. */
  trust: TrustPolicySet | null;
  /** Where the policies came from, for the report's footer. */
  source: string;
}

/** The repository's policy files as text, keyed by path relative to the policy folder. */
export type PolicyFiles = Map<string, string>;

export interface PolicySetOptions {
  /** Reads the `extends:` folder (the App fetches it through the GitHub API). */
  loadExtends?: (target: NonNullable<PortcullisConfig['extends']>) => Promise<PolicyFiles>;
}

/**
 * The built-in pack's files, read once per process: they are the package's own and do not
 * change while it runs, and reading some 60 files again took most of a warm App check's
 * in-process time.
 */
let builtinFiles: PolicyBundle | undefined;
function builtinPack(): PolicyBundle {
  builtinFiles ??= loadPolicyDirectory(BUILTIN_POLICY_DIR);
  return builtinFiles;
}

/** Files every bundle needs even when the built-in rules are off: the result sets and the helpers. */
const ALWAYS_BUILTIN = /^(main|lib)\//;

export async function loadPolicySet(
  snapshot: RepositorySnapshot,
  options: PolicySetOptions = {},
): Promise<PolicySet> {
  const configText = await snapshot.readFile(CONFIG_PATH);
  const config = parseConfig(configText);
  const builtin = builtinPack();
  const files = new Map<string, string>();
  for (const [path, text] of builtin.files) {
    if (config.policies.builtin || ALWAYS_BUILTIN.test(path) || path === 'data.json') files.set(path, text);
  }

  const folder = config.policies.path;
  const own = await readPolicyFolder(snapshot, folder);
  let data = addPolicyFiles(files, {}, own, 'repository', folder);

  let extendsSource = '';
  if (config.extends) {
    if (!options.loadExtends) {
      throw new ConfigError([
        {
          path: CONFIG_PATH,
          line: 1,
          key: 'extends',
          message: `extends ${config.extends.repository}@${config.extends.ref} can only be read by the App (it fetches it from GitHub)`,
        },
      ]);
    }
    const shared = await options.loadExtends(config.extends);
    data = addPolicyFiles(
      files,
      data,
      shared,
      'extends',
      `${config.extends.repository}@${config.extends.ref}/${config.extends.path}`,
    );
    extendsSource = ` + ${config.extends.repository}@${config.extends.ref} (${regoFiles(shared)})`;
  }

  if (config.trusted_registries) {
    data = mergeData(data, { portcullis: { config: { trusted_registries: config.trusted_registries } } });
  }
  // The label rules (PC-DF-079…081) are off without a schema; configured, they read it as data.
  if (Object.keys(config.label_schema).length > 0 || config.strict_labels) {
    data = mergeData(data, {
      portcullis: { config: { label_schema: config.label_schema, strict_labels: config.strict_labels } },
    });
  }
  if (config.shellcheck.ignore.length > 0) {
    data = mergeData(data, {
      portcullis: {
        config: { shellcheck: { ignore: [...shellcheckIgnored(data), ...config.shellcheck.ignore] } },
      },
    });
  }
  // The rules read the thresholds as data, as they read the size budget; unset, their defaults hold.
  const { layer_bytes, min_efficiency } = config.wasted_space;
  if (layer_bytes !== undefined || min_efficiency !== undefined) {
    const thresholds = {
      ...(layer_bytes !== undefined ? { wasted_layer_bytes: layer_bytes } : {}),
      ...(min_efficiency !== undefined ? { min_image_efficiency: min_efficiency } : {}),
    };
    data = mergeData(data, { portcullis: { config: thresholds } });
  }
  const waivers = parseWaivers(await snapshot.readFile(config.waivers), config.waivers);
  const trust = await loadTrust(snapshot, config.trust);
  const ownSource = countRego(own) > 0 ? ` + ${folder} at ${snapshot.label} (${regoFiles(own)})` : '';
  return {
    config,
    bundle: policyBundle(files, 'policies'),
    data,
    waivers,
    trust,
    source: [
      config.policies.builtin ? 'the built-in pack' : 'the built-in pack with its rules off',
      ownSource,
      extendsSource,
      configText !== null ? `, configured by ${CONFIG_PATH} at ${snapshot.label}` : '',
    ].join(''),
  };
}

/**
 * The configuration's `trust:` with key files read from the same snapshot (never from the
 * disk), under the operator's PORTCULLIS_TRUST_POLICY where there is one (mergeTrustPolicies). Sigstore's modules are imported only
 * when there is a trust policy: most runs have none, and they cost a cold start dearly.
 */
async function loadTrust(
  snapshot: RepositorySnapshot,
  document: TrustDocument | null,
): Promise<TrustPolicySet | null> {
  if (!settings().trustPolicy && !document) return null;
  const {
    mergeTrustPolicies,
    TrustPolicyError,
    trustedRootFromEnv,
    trustPolicyFromDocument,
    trustPolicyFromEnv,
  } = await import('../signatures/trust-policy.js');
  const fromEnv = trustPolicyFromEnv();
  if (!document) return fromEnv;
  /** A PEM written inline, or the repository path of one (read at the snapshot). */
  const pemAt = async (value: string, key: string): Promise<string> => {
    if (value.includes('-----BEGIN')) return value;
    const pem = await snapshot.readFile(value);
    if (pem === null) {
      throw new ConfigError([
        { path: CONFIG_PATH, line: 1, key, message: `${value} does not exist at ${snapshot.label}` },
      ]);
    }
    return pem;
  };
  const policies = [];
  for (const [index, policy] of document.policies.entries()) {
    const keys: string[] = [];
    for (const [k, key] of (policy.keys ?? []).entries()) {
      keys.push(await pemAt(key, `trust.policies[${index}].keys[${k}]`));
    }
    const notation = policy.notation && {
      ...policy.notation,
      trust_store: await Promise.all(
        policy.notation.trust_store.map((entry, k) =>
          pemAt(entry, `trust.policies[${index}].notation.trust_store[${k}]`),
        ),
      ),
    };
    policies.push({ ...policy, keys, ...(notation ? { notation } : {}) });
  }
  try {
    const repository = trustPolicyFromDocument(
      { ...document, policies },
      { baseDir: '/nonexistent', source: CONFIG_PATH, trustedRoot: trustedRootFromEnv() },
    );
    // The operator's policy is the organisation's floor: it judges every image its patterns match.
    return fromEnv ? mergeTrustPolicies(fromEnv, repository) : repository;
  } catch (error) {
    if (error instanceof TrustPolicyError)
      throw new ConfigError([{ path: CONFIG_PATH, line: 1, key: 'trust', message: error.message }]);
    throw error;
  }
}

async function readPolicyFolder(snapshot: RepositorySnapshot, folder: string): Promise<PolicyFiles> {
  const files: PolicyFiles = new Map();
  for (const path of await snapshot.listFiles(folder)) {
    if (!/\.(rego|json|ya?ml)$/.test(path)) continue;
    const text = await snapshot.readFile(path);
    if (text !== null) files.set(path.slice(folder.length + 1), text);
  }
  return files;
}

/**
 * Rego goes into the bundle under `prefix/` (test files are for `opa test` only); YAML and
 * JSON data files are merged at the root of `data`, as `opa eval -d file.yaml` would, and
 * the merged data is returned. A data file holding a reserved key (`__proto__`…) is refused.
 */
function addPolicyFiles(
  bundle: Map<string, string>,
  data: Record<string, unknown>,
  files: PolicyFiles,
  prefix: string,
  origin: string,
): Record<string, unknown> {
  let merged = data;
  for (const [path, text] of files) {
    if (path.endsWith('.rego')) {
      if (!path.endsWith('_test.rego')) bundle.set(`${prefix}/${path}`, text);
      continue;
    }
    let parsed: unknown;
    try {
      parsed = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
    } catch (error) {
      throw new ConfigError([
        {
          path: `${origin}/${path}`,
          line: 1,
          key: '',
          message: `not valid data: ${(error as Error).message}`,
        },
      ]);
    }
    const unsafe = plainDataProblem(parsed);
    if (unsafe) {
      throw new ConfigError([
        { path: `${origin}/${path}`, line: 1, key: formatKeyPath(unsafe.path), message: unsafe.message },
      ]);
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      merged = mergeData(merged, parsed as Record<string, unknown>);
    } else if (parsed !== null && parsed !== undefined) {
      throw new ConfigError([
        {
          path: `${origin}/${path}`,
          line: 1,
          key: '',
          message: 'a data file must hold a mapping: it is merged at the root of `data`',
        },
      ]);
    }
  }
  return merged;
}

function regoFiles(files: PolicyFiles): string {
  const n = countRego(files);
  return `${n} Rego file${n === 1 ? '' : 's'}`;
}

function countRego(files: PolicyFiles): number {
  return [...files.keys()].filter((p) => p.endsWith('.rego') && !p.endsWith('_test.rego')).length;
}

const engines = new LRUCache<string, Promise<PolicyEvaluator>>({ max: 16 });

/** The compiled engine of a policy set, loaded in the policy sandbox, cached by bundle and data content. */
export function policyEngineFor(set: PolicySet): Promise<PolicyEvaluator> {
  const key = `${set.bundle.hash}:${createHash('sha256').update(JSON.stringify(set.data)).digest('hex')}`;
  const cached = engines.get(key);
  if (cached) return cached;
  const engine = compilePolicy(set.bundle).then((compiled) => SandboxedPolicyEngine.load(compiled, set.data));
  engines.set(key, engine);
  engine.catch(() => engines.delete(key));
  return engine;
}

/** The ShellCheck codes the repository's policy data files already ignore. */
function shellcheckIgnored(data: Record<string, unknown>): string[] {
  const portcullis = data.portcullis as { config?: { shellcheck?: { ignore?: unknown } } } | undefined;
  const ignore = portcullis?.config?.shellcheck?.ignore;
  return Array.isArray(ignore) ? ignore.filter((code): code is string => typeof code === 'string') : [];
}
