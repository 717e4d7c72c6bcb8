/**
 * `opa check` and `opa test` on a repository's policies as the engine compiles them: the
 * policy set's bundle (built-in pack, repository folder under `repository/`, `extends/`),
 * with the repository's `_test.rego` files and the built-in test helpers beside it, and
 * the set's data merged into one `data.json`, so a test sees the data the engine sees.
 *
 * The Rego and its tests are the repository's (a fork's, on a pull request): OPA runs
 * restricted (opa-process.ts), and what a test prints or fails with is untrusted text,
 * reduced here to printable characters and a bounded length before anyone shows it.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { RepositorySnapshot } from '../repository/snapshot.js';
import { BUILTIN_POLICY_DIR } from '../tools.js';
import { PolicyCompileError, type PolicyProblem } from './compile.js';
import { deepMerge } from './evaluate.js';
import { checkOpaCheckReport, checkOpaTestReport, parseBundleData } from './opa-output.js';
import { OpaProcessError, runOpa } from './opa-process.js';
import { type PolicyFiles, type PolicySet, policyEngineFor } from './policy-set.js';
import type { PolicyEvaluator } from './sandbox.js';

/** What one test may show of its `print()` output: enough to debug, too little to flood a check run. */
export const TEST_OUTPUT_LIMIT = 4096;
/** An error message from OPA about repository Rego. */
const MESSAGE_LIMIT = 1000;

export interface PolicyTestResult {
  /** Repository path of the test's file (or its workspace path, for a file not the repository's). */
  file: string;
  line: number;
  /** Fully qualified, e.g. `data.portcullis.rules.acme_test.test_node_is_denied`. */
  name: string;
  passed: boolean;
  /** What the test printed with `print()`: printable characters only, at most TEST_OUTPUT_LIMIT. */
  output: string;
  /** Set when the test stopped on an evaluation error rather than being false (printable, bounded). */
  error?: string;
}

/** `opa check` and `opa test` on a policy set, and whether the engine compiles it. */
export interface PolicyExamination {
  /** Problems that stop the policies compiling or the tests loading: the App would fail on them. */
  errors: PolicyProblem[];
  /** Problems only `opa check --strict` reports (unused variables and imports, …). */
  warnings: PolicyProblem[];
  /** The repository's tests; null when they could not run because of `errors`. */
  tests: PolicyTestResult[] | null;
  /** The compiled engine, null when the set does not compile. */
  engine: PolicyEvaluator | null;
  /** Whether a path of the problems and tests is one of the repository's own files (it can carry an annotation). */
  isRepositoryFile(path: string): boolean;
}

/** A policy set written to a temporary folder, the way OPA reads it. */
export interface PolicyWorkspace {
  dir: string;
  /** The repository path of a workspace path, or the workspace path itself for other files. */
  sourcePath(file: string): string;
  isRepositoryFile(path: string): boolean;
}

const REPOSITORY_PREFIX = 'repository/';

/** The repository's `_test.rego` files in its policy folder, keyed by path relative to it. */
export async function readPolicyTests(snapshot: RepositorySnapshot, set: PolicySet): Promise<PolicyFiles> {
  const folder = policyFolder(set);
  const tests: PolicyFiles = new Map();
  for (const path of await snapshot.listFiles(folder)) {
    if (!path.endsWith('_test.rego')) continue;
    const text = await snapshot.readFile(path);
    if (text !== null) tests.set(path.slice(folder.length + 1), text);
  }
  return tests;
}

export async function withPolicyWorkspace<T>(
  set: PolicySet,
  tests: PolicyFiles,
  use: (workspace: PolicyWorkspace) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-policy-'));
  try {
    const files = new Map(set.bundle.files);
    for (const [path, text] of await builtinTestHelpers()) files.set(path, text);
    for (const [path, text] of tests) files.set(`${REPOSITORY_PREFIX}${path}`, text);
    const bundleData = files.get('data.json');
    files.set(
      'data.json',
      JSON.stringify(
        deepMerge(bundleData ? parseBundleData(bundleData, "the policy bundle's data.json") : {}, set.data),
      ),
    );
    for (const [path, text] of files) {
      const target = resolve(dir, path);
      // Paths come from the repository: none may land outside the workspace.
      if (relative(dir, target).startsWith(`..${sep}`) || relative(dir, target) === '..' || target === dir) {
        throw new Error(`Refusing the policy file path ${JSON.stringify(path)}: it leaves the policy folder`);
      }
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, text);
    }
    const folder = policyFolder(set);
    const own = new Set(
      [...files.keys()]
        .filter((p) => p.startsWith(REPOSITORY_PREFIX))
        .map((p) => `${folder}/${p.slice(REPOSITORY_PREFIX.length)}`),
    );
    return await use({
      dir,
      sourcePath: (file) => {
        const path = file.replace(/^\.\//, '');
        return path.startsWith(REPOSITORY_PREFIX)
          ? `${folder}/${path.slice(REPOSITORY_PREFIX.length)}`
          : path;
      },
      isRepositoryFile: (path) => own.has(path),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `opa check --format json` (with `--strict` when asked); problems carry repository paths. */
export async function opaCheck(
  workspace: PolicyWorkspace,
  options: { strict: boolean },
): Promise<PolicyProblem[]> {
  const args = ['check', '--format', 'json', ...(options.strict ? ['--strict'] : []), '.'];
  const { code, stdout, stderr } = await runOpa(args, { cwd: workspace.dir, capabilities: 'tests' });
  if (code === 0) return [];
  // `opa check --format json` writes its report to stderr.
  const checked = checkOpaCheckReport(stderr.trim().startsWith('{') ? stderr : stdout);
  const report = 'value' in checked ? checked.value : null;
  if (!report?.errors) {
    throw new Error(
      `opa check failed: ${untrustedText(stderr || stdout || `exit code ${code}`, MESSAGE_LIMIT)}`,
    );
  }
  return report.errors.map((e) => ({
    file: e.location ? workspace.sourcePath(e.location.file) : '',
    line: e.location?.row ?? 1,
    code: e.code,
    message: untrustedText(e.message, MESSAGE_LIMIT),
  }));
}

/**
 * `opa test --format json` on the workspace; results of the repository's own tests only.
 * Throws PolicyCompileError when the tests do not load (OPA then reports in text).
 */
export async function opaTest(workspace: PolicyWorkspace): Promise<PolicyTestResult[]> {
  const result = await runOpa(['test', '--format', 'json', '.'], {
    cwd: workspace.dir,
    capabilities: 'tests',
  });
  // Exit status 2 with a report: some test failed, and the report is complete. Otherwise: it did not run.
  if (result.code !== 0 && (result.code !== 2 || !result.stdout.trim().startsWith('['))) {
    throw loadFailure(workspace, result);
  }
  const checked = checkOpaTestReport(result.stdout);
  if ('problem' in checked) {
    throw new Error(
      `opa test printed no usable JSON report (${checked.problem}): ${untrustedText(result.stdout, MESSAGE_LIMIT)}`,
    );
  }
  const results = checked.value;
  return results
    .map((r) => ({
      file: workspace.sourcePath(r.location.file),
      line: r.location.row,
      name: untrustedText(`${r.package}.${r.name}`, MESSAGE_LIMIT),
      passed: !r.fail && !r.error,
      output: r.output
        ? untrustedText(Buffer.from(r.output, 'base64').toString('utf8'), TEST_OUTPUT_LIMIT)
        : '',
      ...(r.error ? { error: untrustedText(r.error.message ?? JSON.stringify(r.error), MESSAGE_LIMIT) } : {}),
    }))
    .filter((r) => workspace.isRepositoryFile(r.file))
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/**
 * Compiles the set as the engine does (`compilePolicy`: the errors the App would hit), and
 * runs `opa check`, `opa check --strict` and, when everything loads, `opa test`.
 */
export async function examinePolicySet(set: PolicySet, tests: PolicyFiles): Promise<PolicyExamination> {
  const compiled = await policyEngineFor(set).then(
    (engine) => ({ engine, problems: [] as PolicyProblem[] }),
    (error: unknown) => {
      if (!(error instanceof PolicyCompileError)) throw error;
      return { engine: null, problems: error.problems.map((p) => locateBundleProblem(p, set)) };
    },
  );
  return withPolicyWorkspace(set, tests, async (workspace) => {
    const [plain, strict] = await Promise.all([
      opaCheck(workspace, { strict: false }),
      opaCheck(workspace, { strict: true }),
    ]);
    const errors = unique([...compiled.problems, ...plain]);
    const known = new Set(errors.map(problemKey));
    const warnings = unique(strict.filter((p) => !known.has(problemKey(p))));
    let results: PolicyTestResult[] | null = null;
    if (errors.length === 0) {
      try {
        results = await opaTest(workspace);
      } catch (error) {
        if (error instanceof PolicyCompileError) errors.push(...error.problems);
        // Tests that run away are the repository's to fix: a policy error, not a crash of the check.
        else if (error instanceof OpaProcessError && error.limit)
          errors.push({ file: '', line: 1, code: `opa_test_${error.limit}_limit`, message: error.message });
        else throw error;
      }
    }
    return {
      errors,
      warnings,
      tests: results,
      engine: compiled.engine,
      isRepositoryFile: workspace.isRepositoryFile,
    };
  });
}

/** The repository's policy folder, without a trailing slash. */
export function policyFolder(set: PolicySet): string {
  return set.config.policies.path.replace(/\/+$/, '');
}

/** compilePolicy names bundle files under the bundle's origin, `policies/`. */
function locateBundleProblem(problem: PolicyProblem, set: PolicySet): PolicyProblem {
  const file = problem.file.replace(/^policies\//, '');
  return {
    ...problem,
    file: file.startsWith(REPOSITORY_PREFIX)
      ? `${policyFolder(set)}/${file.slice(REPOSITORY_PREFIX.length)}`
      : problem.file,
  };
}

function loadFailure(
  workspace: PolicyWorkspace,
  failed: { code: number; stdout: string; stderr: string },
): Error {
  const text = `${failed.stderr}\n${failed.stdout}`.trim();
  const problems = [...text.matchAll(/([^\s:]+\.rego):(\d+): (rego_\w+): (.*)$/gm)].map((m) => ({
    file: workspace.sourcePath(m[1] as string),
    line: Number(m[2]),
    code: m[3] as string,
    message: untrustedText(m[4] as string, MESSAGE_LIMIT),
  }));
  return problems.length > 0
    ? new PolicyCompileError(problems)
    : new Error(`opa test did not run: ${untrustedText(text || `exit code ${failed.code}`, MESSAGE_LIMIT)}`);
}

/**
 * Text a repository's Rego produced (printed values, error messages): control and format
 * characters (terminal escapes, bidirectional overrides, zero-width characters) removed,
 * carriage returns turned into the line breaks a terminal would make of them, line breaks
 * and tabs kept, and at most `limit` characters. Renderers still escape it for where it lands.
 */
export function untrustedText(text: string, limit: number): string {
  const clean = text.replace(/\r\n?/g, '\n').replace(/[^\P{Cc}\n\t]|\p{Cf}/gu, '');
  const points = [...clean];
  if (points.length <= limit) return clean;
  return `${points.slice(0, limit).join('')}\n… (${points.length - limit} more characters not shown)`;
}

/** The built-in pack's `lib/*_test.rego`: helpers (test inputs, assertions) repository tests may import. */
let helpers: Promise<[string, string][]> | undefined;
function builtinTestHelpers(): Promise<[string, string][]> {
  helpers ??= readdir(join(BUILTIN_POLICY_DIR, 'lib')).then((names) =>
    Promise.all(
      names
        .filter((name) => name.endsWith('_test.rego'))
        .map(
          async (name): Promise<[string, string]> => [
            `lib/${name}`,
            await readFile(join(BUILTIN_POLICY_DIR, 'lib', name), 'utf8'),
          ],
        ),
    ),
  );
  helpers.catch(() => {
    helpers = undefined;
  });
  return helpers;
}

function problemKey(p: PolicyProblem): string {
  return `${p.file}:${p.line}:${p.code}:${p.message}`;
}

function unique(problems: PolicyProblem[]): PolicyProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = problemKey(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
