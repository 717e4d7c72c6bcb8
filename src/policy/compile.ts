/**
 * Compiles a PolicyBundle to WebAssembly with the real OPA compiler (`opa build -t wasm`)
 * and reads its rule metadata (`opa inspect -a`). Results are cached by the bundle's
 * content hash, in memory and on disk, so a repository's policies compile once.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { LRUCache } from 'lru-cache';
import { DiskCache } from '../cache/disk-cache.js';
import type { JsonSchema } from '../schema/parse-json.js';
import { settings } from '../settings.js';
import type { PolicyBundle } from './bundle.js';
import { checkOpaCheckReport, parseBundleData, parseOpaInspectOutput } from './opa-output.js';
import { OpaProcessError, runOpa } from './opa-process.js';

const run = promisify(execFile);

/** The WebAssembly entrypoints: one per result set, as the Conftest convention names them. */
export const RESULT_SETS = ['deny', 'warn', 'info'] as const;
export type ResultSet = (typeof RESULT_SETS)[number];
/** All three result sets in one document: one evaluation per input instead of three. */
export const RESULTS_ENTRYPOINT = 'portcullis/main/results';
const ENTRYPOINTS = [...RESULT_SETS.map((set) => `portcullis/main/${set}`), RESULTS_ENTRYPOINT];

/** What a rule package says about itself in its `# METADATA` block. */
export interface RuleMetadata {
  /** Rule id such as `PC-DF-001`; the package path when the package declares none. */
  id: string;
  title: string;
  severity: ResultSet | null;
  description: string;
  remediation: string;
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

/** What the disk cache keeps beside the WebAssembly module: checked before it is used. */
const STRING = { type: 'string' };
const COMPILED_META: JsonSchema<Pick<CompiledPolicy, 'data' | 'rules'>> = {
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
  const compiled = compileThroughDiskCache(bundle);
  memoryCache.set(bundle.hash, compiled);
  compiled.catch(() => memoryCache.delete(bundle.hash));
  return compiled;
}

async function compileThroughDiskCache(bundle: PolicyBundle): Promise<CompiledPolicy> {
  const opaVersion = await opaVersionString();
  const cache = new DiskCache({ dir: join(cacheDirectory(), 'policies'), schema: COMPILED_META });
  const key = `${bundle.hash} ${opaVersion}`;
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

let versionPromise: Promise<string> | undefined;
function opaVersionString(): Promise<string> {
  versionPromise ??= runOpa(['version']).then(({ code, stdout, stderr }) => {
    if (code !== 0)
      throw new OpaProcessError(`Could not run OPA: ${stderr.trim() || `exit code ${code}`}`, null);
    return /Version: (\S+)/.exec(stdout)?.[1] ?? 'unknown';
  });
  versionPromise.catch(() => {
    versionPromise = undefined;
  });
  return versionPromise;
}

async function compileWithOpa(bundle: PolicyBundle): Promise<CompiledPolicy> {
  const work = await mkdtemp(join(tmpdir(), 'portcullis-opa-'));
  try {
    const src = join(work, 'src');
    for (const [path, content] of bundle.files) {
      await mkdir(dirname(join(src, path)), { recursive: true });
      await writeFile(join(src, path), content);
    }
    const out = join(work, 'bundle.tar.gz');
    const entrypoints = ENTRYPOINTS.flatMap((e) => ['-e', e]);
    // The gate's capabilities (opa-process.ts): a built-in the engine cannot run, or must
    // not (http.send, opa.runtime…), fails here with OPA's message naming it.
    const built = await runOpa(['build', '-t', 'wasm', ...entrypoints, '-o', out, '.'], { cwd: src });
    if (built.code !== 0) throw await describeCompileFailure(src, built);
    await run('tar', ['-xzf', out, '-C', work, '/policy.wasm', '/data.json']);
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
      package: path[3],
      file: entry.location.file.replace(/^\.\//, ''),
    };
  }
  return rules;
}
