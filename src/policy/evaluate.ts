/**
 * Runs a compiled policy on policy input documents with @open-policy-agent/opa-wasm and
 * turns the raw result sets into Findings with their rule's metadata.
 */
import { createRequire } from 'node:module';
import type * as OpaWasm from '@open-policy-agent/opa-wasm';
import { mergeData } from '../config/plain-data.js';
import type { PolicyInput } from '../input/policy-input.js';
import { CUSTOM_BUILTINS, installBuiltinOverrides } from './builtins.js';
import type { CompiledPolicy, RuleMetadata } from './compile.js';
import type { Finding, Fix } from './findings.js';
import { RESULT_SETS, RESULTS_ENTRYPOINT, type ResultSet } from './result-sets.js';
import { builtinFailure } from './strict-builtins.js';
import { declaredMemoryPages } from './wasm-memory.js';
import { compiledWasm } from './wasm-module.js';

/**
 * 64 KiB pages: a policy may grow its memory to 256 MiB, then evaluation fails instead of
 * the process. It starts at 2 MiB, or at what the module declares it needs to load
 * (wasm-memory.ts): a policy with large constants needs more from the start.
 */
const MEMORY = { initial: 32, maximum: 4096 };

/** The SDK's ES module exports only `loadPolicy`; its CommonJS one has the synchronous loader too. */
const { loadPolicySync } = createRequire(import.meta.url)('@open-policy-agent/opa-wasm') as typeof OpaWasm;

interface RawResult {
  package: string;
  result: unknown;
}

export class PolicyEngine {
  private constructor(
    private readonly policy: OpaWasm.LoadedPolicy,
    readonly rules: Readonly<Record<string, RuleMetadata>>,
  ) {}

  /** `data` is merged over the bundle's own data documents (configuration, allowlists). */
  static async load(compiled: CompiledPolicy, data: Record<string, unknown> = {}): Promise<PolicyEngine> {
    installBuiltinOverrides();
    const declared = declaredMemoryPages(compiled.wasm);
    if (declared > MEMORY.maximum) {
      throw new Error(
        `The policy needs ${declared / 16} MiB of WebAssembly memory to load, more than its ${MEMORY.maximum / 16} MiB limit: make its constants smaller, or move large values to data files`,
      );
    }
    const memory = { ...MEMORY, initial: Math.max(MEMORY.initial, declared) };
    // Strict already: compile.ts runs strictBuiltins before any cache stores the module.
    // Compiled here, off the thread (or already, by prewarmPrebuiltPack), and instantiated by
    // the SDK's synchronous loader: its asynchronous one asks `instanceof Response`, and that
    // first look at the global loads Node's whole fetch implementation (undici), some 40-80 ms
    // of every cold start.
    const module = await compiledWasm(compiled.hash, compiled.wasm);
    const policy = loadPolicySync(module, memory, CUSTOM_BUILTINS);
    policy.setData(deepMerge(compiled.data, data));
    return new PolicyEngine(policy, compiled.rules);
  }

  /** Findings for one target. Throws when the policy itself fails (e.g. a built-in error). */
  evaluate(input: PolicyInput): Finding[] {
    return this.evaluateDocument(input, input.target.path);
  }

  /**
   * Findings for the target at `path` whose input document is `json` (UTF-8): the SDK
   * writes the bytes into the policy's memory as they are, where a document would be
   * encoded again, so an input encoded once (to cross to a worker) is encoded only once.
   */
  evaluateJson(json: ArrayBuffer, path: string): Finding[] {
    return this.evaluateDocument(json, path);
  }

  private evaluateDocument(input: PolicyInput | ArrayBuffer, path: string): Finding[] {
    let results: Partial<Record<ResultSet, RawResult[]>>;
    try {
      // One evaluation of every result set: the input is parsed into WebAssembly and the
      // helpers the rules share are computed once, instead of once per set.
      const evaluated = this.policy.evaluate(input, RESULTS_ENTRYPOINT) as {
        result?: Partial<Record<ResultSet, RawResult[]>>;
      }[];
      results = evaluated[0]?.result ?? {};
    } catch (error) {
      throw this.describeBuiltinFailure(error) ?? error;
    }
    const findings: Finding[] = [];
    for (const set of RESULT_SETS) {
      for (const raw of results[set] ?? []) {
        // Own properties only: a package named `constructor` has no metadata, not Object's.
        const rule = Object.hasOwn(this.rules, raw.package) ? this.rules[raw.package] : undefined;
        findings.push(toFinding(raw, set, rule, path));
      }
    }
    return findings;
  }

  /** A built-in that failed (strict-builtins.ts), named with the rule that called it. */
  private describeBuiltinFailure(error: unknown): Error | null {
    const failure = builtinFailure(error);
    if (!failure) return null;
    let where = 'a rule of the policy';
    if (failure.rule) {
      const [, , pkg] = failure.rule.split('.');
      const file =
        failure.rule.startsWith('portcullis.rules.') && pkg && Object.hasOwn(this.rules, pkg)
          ? this.rules[pkg]?.file
          : undefined;
      where = `data.${failure.rule}${file ? ` (${file})` : ''}`;
    }
    return new Error(
      `The built-in ${failure.builtin} failed inside ${where}: an operand of the wrong type, a division by zero, a string that is not a number or a similar error, which OPA reports as an error rather than an empty rule`,
    );
  }
}

function toFinding(
  raw: RawResult,
  severity: ResultSet,
  rule: RuleMetadata | undefined,
  path: string,
): Finding {
  const result = raw.result;
  const fields: Record<string, unknown> =
    result !== null && typeof result === 'object' && !Array.isArray(result)
      ? (result as Record<string, unknown>)
      : { msg: result };
  // Conftest-style `violation` objects keep extra facts under `details`.
  const details = (fields.details ?? {}) as Record<string, unknown>;
  const line = positiveInteger(fields.line ?? details.line) ?? 1;
  const message = fields.msg ?? fields.message ?? details.msg;
  const finding: Finding = {
    rule_id: rule?.id ?? `portcullis.rules.${raw.package}`,
    severity,
    path,
    line,
    end_line: Math.max(line, positiveInteger(fields.end_line ?? details.end_line) ?? line),
    message: typeof message === 'string' ? message : JSON.stringify(message ?? result),
    title: rule?.title ?? raw.package,
  };
  const fix = toFix(fields.fix);
  if (fix) finding.fix = fix;
  if (typeof fields.image === 'string') finding.image = fields.image;
  if (typeof fields.vulnerability === 'string') finding.vulnerability = fields.vulnerability;
  return finding;
}

function toFix(value: unknown): Fix | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const fix = value as Record<string, unknown>;
  const line = positiveInteger(fix.line);
  if (line === undefined || typeof fix.replacement !== 'string') return undefined;
  return {
    line,
    end_line: Math.max(line, positiveInteger(fix.end_line) ?? line),
    replacement: fix.replacement,
    description: typeof fix.description === 'string' ? fix.description : 'Apply the suggested change',
  };
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/**
 * `data` over the bundle's data documents; it comes from a repository, so the merge is the
 * one that refuses `__proto__`, `constructor` and `prototype` (src/config/plain-data.ts).
 */
export const deepMerge = mergeData;
