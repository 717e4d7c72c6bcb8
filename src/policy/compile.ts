/**
 * Compiles a PolicyBundle to WebAssembly with the real OPA compiler (`opa build -t wasm`),
 * makes its built-ins strict (strict-builtins.ts) and reads its rule metadata
 * (`opa inspect -a`). Results are cached by the bundle's content hash: in memory, in the
 * package for the built-in pack (prebuilt by `npm run build`), and on disk, so a
 * repository's policies compile once.
 */
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { LRUCache } from 'lru-cache';
import { DiskCache } from '../cache/disk-cache.js';
import { childProcess } from '../child-process.js';
import type { JsonSchema } from '../schema/parse-json.js';
import { settings } from '../settings.js';
import { toolPath } from '../tools.js';
import type { PolicyBundle } from './bundle.js';
import { checkOpaCheckReport, parseBundleData, parseOpaInspectOutput } from './opa-output.js';
import { OpaProcessError, runOpa } from './opa-process.js';
import { RESULT_SETS, RESULTS_ENTRYPOINT, type ResultSet } from './result-sets.js';
import { strictBuiltins } from './strict-builtins.js';
import { PREBUILT_DIR } from './wasm-module.js';

export { RESULT_SETS, RESULTS_ENTRYPOINT, type ResultSet };

/** What a rule package says about itself in its `# METADATA` block. */
export interface RuleMetadata {
  /** Rule id such as `PC-DF-001`; the package path when the package declares none. */
  id: string;
  title: string;
  severity: ResultSet | null;
  description: string;
  remediation: string;
  /**
   * Peer rules the rule corresponds to, as `tool:ID` (`hadolint:DL3003`, `trivy:DS013`,
   * `docker:WorkdirRelativePath`): the catalog's migration table and `portcullis migrate` read them.
   * Optional so that the sandbox's and the core's own rules need not say.
   */
  related?: string[];
  /** The package under data.portcullis.rules, e.g. `latest_tag`. */
  package: string;
  /** Source file of the package, relative to the bundle. */
  file: string;
}

export interface CompiledPolicy {
  hash: string;
  wasm: Buffer;
  /** The bundle's data documents (data.json / data.yaml), merged by OPA. */
  data: Record<string, unknown>;
  /** Rule metadata by package name under data.portcullis.rules. */
  rules: Record<string, RuleMetadata>;
  /**
   * Set on the built-in pack as `npm run build` compiled it into the package: our own code,
   * which a caller may evaluate outside the sandbox (sandbox.ts, LocalFirstPolicyEngine).
   * A bundle with any other file, a repository's Rego included, hashes otherwise.
   */
  prebuilt?: true;
}

/** A compile error in a policy file, located for annotations and terminal output. */
export interface PolicyProblem {
  file: string;
  line: number;
  code: string;
  message: string;
}

export class PolicyCompileError extends Error {
  constructor(readonly problems: PolicyProblem[]) {
    super(
      `The policies do not compile:\n${problems.map((p) => `  ${p.file}:${p.line}: ${p.message} (${p.code})`).join('\n')}`,
    );
    this.name = 'PolicyCompileError';
  }
}

const STRING = { type: 'string' };
/**
 * What the disk cache keeps beside the WebAssembly module: checked before it is used (exported for
 * scripts/generate-validators.mjs, which precompiles it).
 */
export const COMPILED_META: JsonSchema<Pick<CompiledPolicy, 'data' | 'rules'>> = {
  type: 'object',
  required: ['data', 'rules'],
  properties: {
    data: { type: 'object' },
    rules: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['id', 'title', 'severity', 'description', 'remediation', 'package', 'file'],
        properties: {
          id: STRING,
          title: STRING,
          severity: { enum: [...RESULT_SETS, null] },
          description: STRING,
          remediation: STRING,
          related: { type: 'array', items: STRING },
          package: STRING,
          file: STRING,
        },
      },
    },
  },
};

/** Compiled policies kept in the process, by bundle hash: a repository's policies compile once. */
const memoryCache = new LRUCache<string, Promise<CompiledPolicy>>({ max: 32 });

export function cacheDirectory(): string {
  const { cacheDir, home } = settings();
  return cacheDir ?? join(home ?? homedir(), '.cache', 'portcullis');
}

export function compilePolicy(bundle: PolicyBundle): Promise<CompiledPolicy> {
  const cached = memoryCache.get(bundle.hash);
  if (cached) return cached;
  const compiled = prebuiltPolicy(bundle.hash) ?? compileThroughDiskCache(bundle);
  memoryCache.set(bundle.hash, compiled);
  compiled.catch(() => memoryCache.delete(bundle.hash));
  return compiled;
}

/**
 * Changes whenever what is stored of a compiled policy changes, so that an entry written
 * before is never read as one written after: 2, the strict built-ins pass runs at compile
 * time (before, at every load); 3, the one `results` entrypoint (before, also one per set);
 * 4, rules carry `related`.
 */
const COMPILED_FORMAT = 4;

async function compileThroughDiskCache(bundle: PolicyBundle): Promise<CompiledPolicy> {
  const cache = new DiskCache({ dir: join(cacheDirectory(), 'policies'), schema: COMPILED_META });
  const key = `${bundle.hash} ${await opaIdentity()} ${COMPILED_FORMAT}`;
  const cached = await cache.get(key);
  if (cached) return { hash: bundle.hash, wasm: cached.payload, ...cached.value };
  const compiled = await compileWithOpa(bundle).catch((error: unknown) => {
    if (error instanceof PolicyCompileError && bundle.origin) {
      throw new PolicyCompileError(error.problems.map((p) => ({ ...p, file: `${bundle.origin}/${p.file}` })));
    }
    throw error;
  });
  await cache.set(key, { data: compiled.data, rules: compiled.rules }, compiled.wasm);
  return compiled;
}

/**
 * Which OPA compiles, for the cache key: another OPA may compile the same sources to
 * another module. The binary's real path, size and modification time name it without
 * running it (`opa version` is a child process, ~20 ms of every cold start); a bare
 * name left to PATH has no file to look at, so there it is asked for its version.
 */
let identity: Promise<string> | undefined;
function opaIdentity(): Promise<string> {
  identity ??= opaBinaryIdentity();
  identity.catch(() => {
    identity = undefined;
  });
  return identity;
}

async function opaBinaryIdentity(): Promise<string> {
  const opa = toolPath('opa');
  if (opa.includes('/')) {
    try {
      const real = realpathSync(opa);
      const { size, mtimeMs } = statSync(real);
      return `${real}:${size}:${mtimeMs}`;
    } catch {
      // Missing or unreadable: running it (below) says why in OPA's or the system's words.
    }
  }
  const { code, stdout, stderr } = await runOpa(['version']);
  if (code !== 0)
    throw new OpaProcessError(`Could not run OPA: ${stderr.trim() || `exit code ${code}`}`, null);
  return /Version: (\S+)/.exec(stdout)?.[1] ?? 'unknown';
}

/**
 * The built-in pack compiled by `npm run build` (scripts/build-policy-pack.mjs) into
 * PREBUILT_DIR, shipped in the package, so that a cold `portcullis check` runs no OPA at all. A file is named by the
 * hash of the sources it was compiled from and records the COMPILED_FORMAT, so a pack edited
 * or compiled otherwise since is never served stale; it is part of the package like its
 * JavaScript, and checked only against a torn or truncated copy (the module's hash). Anything
 * amiss: null, and the policy compiles as any other.
 */
export { PREBUILT_DIR };

function prebuiltPolicy(hash: string): Promise<CompiledPolicy> | null {
  try {
    const wasm = readFileSync(join(PREBUILT_DIR, `${hash}.wasm`));
    const meta = JSON.parse(readFileSync(join(PREBUILT_DIR, `${hash}.json`), 'utf8')) as Partial<
      Pick<CompiledPolicy, 'data' | 'rules'> & { sha256: string; format: number }
    >;
    const { sha256, format, data, rules } = meta;
    if (
      format !== COMPILED_FORMAT ||
      sha256 !== createHash('sha256').update(wasm).digest('hex') ||
      !isObject(data) ||
      !isObject(rules)
    )
      return null;
    return Promise.resolve({ hash, wasm, data, rules, prebuilt: true });
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Record<string, never> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Compiles `bundle` afresh into PREBUILT_DIR, removing what was there (other hashes are stale). */
export async function writePrebuiltPolicy(bundle: PolicyBundle): Promise<CompiledPolicy> {
  const compiled = await compileWithOpa(bundle);
  const work = `${PREBUILT_DIR}.${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const sha256 = createHash('sha256').update(compiled.wasm).digest('hex');
  await writeFile(join(work, `${bundle.hash}.wasm`), compiled.wasm);
  await writeFile(
    join(work, `${bundle.hash}.json`),
    JSON.stringify({ sha256, format: COMPILED_FORMAT, data: compiled.data, rules: compiled.rules }),
  );
  // Whole or not at all: a reader sees the old folder or the new one.
  await rm(PREBUILT_DIR, { recursive: true, force: true });
  await rename(work, PREBUILT_DIR);
  return compiled;
}

/** Whether PREBUILT_DIR holds `hash`, whole. */
export function hasPrebuiltPolicy(hash: string): boolean {
  return prebuiltPolicy(hash) !== null;
}

/** OPA's module with the gate's strict built-ins: what every cache holds and every engine loads. */
async function compileWithOpa(bundle: PolicyBundle): Promise<CompiledPolicy> {
  const built = await opaBuild(bundle);
  return { ...built, wasm: Buffer.from(strictBuiltins(built.wasm)) };
}

/** `opa build -t wasm` and `opa inspect`: the module as OPA wrote it. */
export async function opaBuild(bundle: PolicyBundle): Promise<CompiledPolicy> {
  const work = await mkdtemp(join(tmpdir(), 'portcullis-opa-'));
  try {
    const src = join(work, 'src');
    for (const [path, content] of bundle.files) {
      await mkdir(dirname(join(src, path)), { recursive: true });
      await writeFile(join(src, path), content);
    }
    const out = join(work, 'bundle.tar.gz');
    // The gate's capabilities (opa-process.ts): a built-in the engine cannot run, or must
    // not (http.send, opa.runtime…), fails here with OPA's message naming it.
    // One entrypoint, the one every evaluation reads: OPA plans and emits code per entrypoint.
    const built = await runOpa(['build', '-t', 'wasm', '-e', RESULTS_ENTRYPOINT, '-o', out, '.'], {
      cwd: src,
    });
    if (built.code !== 0) throw await describeCompileFailure(src, built);
    await promisify(childProcess().execFile)('tar', ['-xzf', out, '-C', work, '/policy.wasm', '/data.json']);
    const [wasm, data, rules] = await Promise.all([
      readFile(join(work, 'policy.wasm')),
      readFile(join(work, 'data.json'), 'utf8').then((text) =>
        parseBundleData(text, 'the data.json opa build wrote'),
      ),
      inspectRules(src),
    ]);
    return { hash: bundle.hash, wasm, data, rules };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * `opa build` prints its errors as text on stdout; `opa check --format json` (with the
 * same capabilities) locates them precisely. Falls back to the text when check passes.
 */
async function describeCompileFailure(src: string, build: { code: number; stdout: string; stderr: string }) {
  const checked = await runOpa(['check', '--format', 'json', '.'], { cwd: src });
  if (checked.code !== 0) {
    // `opa check --format json` writes its report to stderr.
    const problems = parseCheckOutput(
      checked.stderr.trim().startsWith('{') ? checked.stderr : checked.stdout,
    );
    if (problems.length > 0) return new PolicyCompileError(problems);
  }
  const { stdout, stderr } = build;
  const text = `${stdout}\n${stderr}`;
  const problems = [...text.matchAll(/([^\s:]+\.rego):(\d+): (rego_\w+): (.*)$/gm)].map((m) => ({
    file: (m[1] as string).replace(/^\.\//, ''),
    line: Number(m[2]),
    code: m[3] as string,
    message: m[4] as string,
  }));
  const message = text.trim() || `opa build failed with exit code ${build.code}`;
  return new PolicyCompileError(
    problems.length > 0 ? problems : [{ file: '', line: 1, code: 'opa_build_error', message }],
  );
}

function parseCheckOutput(output: string): PolicyProblem[] {
  const report = checkOpaCheckReport(output);
  if ('problem' in report) return [];
  return (report.value.errors ?? []).map((e) => ({
    file: e.location?.file.replace(/^\.\//, '') ?? '',
    line: e.location?.row ?? 1,
    code: e.code,
    message: e.message,
  }));
}

async function inspectRules(src: string): Promise<Record<string, RuleMetadata>> {
  const { code, stdout, stderr } = await runOpa(['inspect', '-a', '--format', 'json', '.'], { cwd: src });
  if (code !== 0) throw new Error(`opa inspect failed: ${stderr.trim() || `exit code ${code}`}`);
  // No prototype: a Rego package may be named `__proto__` or `constructor`.
  const rules: Record<string, RuleMetadata> = Object.create(null);
  const problems: PolicyProblem[] = [];
  for (const entry of parseOpaInspectOutput(stdout).annotations ?? []) {
    const path = entry.path.map((p) => p.value);
    if (entry.annotations.scope !== 'package' || path[1] !== 'portcullis' || path[2] !== 'rules' || !path[3])
      continue;
    const custom = entry.annotations.custom ?? {};
    const severity = custom.severity;
    rules[path[3]] = {
      id: typeof custom.id === 'string' ? custom.id : path.slice(1).join('.'),
      title: entry.annotations.title ?? path[3],
      severity: severity === 'deny' || severity === 'warn' || severity === 'info' ? severity : null,
      description: entry.annotations.description ?? '',
      remediation: typeof custom.remediation === 'string' ? custom.remediation : '',
      related: relatedRules(custom.related),
      package: path[3],
      file: entry.location.file.replace(/^\.\//, ''),
    };
    if (rules[path[3]]?.related === undefined) {
      problems.push({
        file: entry.location.file.replace(/^\.\//, ''),
        line: entry.location.row ?? 1,
        code: 'portcullis_metadata',
        message: `custom.related must be a list of peer rules written tool:ID, such as [hadolint:DL3003, trivy:DS013, docker:JSONArgsRecommended]; got ${JSON.stringify(custom.related).slice(0, 120)}`,
      });
    }
  }
  if (problems.length > 0) throw new PolicyCompileError(problems);
  return rules;
}

/** A peer rule: the tool's name, a colon, and its id (`hadolint:DL3008`, `docker:JSONArgsRecommended`). */
const PEER_RULE = /^[a-z][a-z0-9-]*:[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** `custom.related` as a list of peer rules; undefined when it is present but malformed. */
function relatedRules(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && PEER_RULE.test(v)))
    return undefined;
  return [...new Set(value as string[])];
}
