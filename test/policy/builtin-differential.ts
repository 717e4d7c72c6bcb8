/**
 * Runs a table of built-in calls through the real `opa eval` and through the gate's own
 * path (the same Rego compiled to WebAssembly by `opa build`, loaded by PolicyEngine with
 * Portcullis's built-ins) and returns every call whose answers differ.
 *
 * One Rego module serves both: `call(c)` dispatches a case `[name, arg…]` to the built-in
 * it names. OPA evaluates every case in one process (`all`, an object from case index to
 * `[result]`); the WebAssembly engine evaluates one case per evaluation, as its single
 * `deny` finding, so that a built-in that throws fails only its own case.
 *
 * An error and an undefined result count as the same answer, "none": OPA's `opa eval`
 * (without --strict-builtin-errors) drops a case whose built-in fails, and in the gate a
 * failing built-in either traps (strict-builtins.ts) or throws out of the evaluation,
 * which fails the check. Neither yields a value, which is what a policy can observe.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { policyBundle } from '../../src/policy/bundle.js';
import { compilePolicy } from '../../src/policy/compile.js';
import { PolicyEngine } from '../../src/policy/evaluate.js';
import { runOpa } from '../../src/policy/opa-process.js';
import { BUILTIN_POLICY_DIR } from '../../src/tools.js';

/** `[builtin name, arg…]`; an argument `{"$set": [...]}` reaches the built-in as a set. */
export type BuiltinCase = [string, ...unknown[]];

/** What a call answered: `{ value }`, or "none" for an error or an undefined result. */
export type Answer = { value: unknown } | 'none';

export interface Difference {
  call: BuiltinCase;
  opa: Answer;
  wasm: Answer;
}

/** `name(args)` in Rego for every built-in the table calls, by arity. */
export function differentialModule(names: Iterable<string>, arities: ReadonlyMap<string, number>): string {
  const clauses = [...new Set(names)].map((name) => {
    const arity = arities.get(name);
    if (arity === undefined) throw new Error(`No arity known for ${name}`);
    const args = Array.from({ length: arity }, (_, i) => `arg(c[${i + 1}])`).join(', ');
    return `call(c) := ${name}(${args}) if {\n\tc[0] == ${JSON.stringify(name)}\n\tcount(c) == ${arity + 1}\n}`;
  });
  return `package portcullis.rules.differential

import rego.v1

# JSON has no sets: {"$set": [...]} stands for one.
arg(x) := {e | some e in x["$set"]} if {
\tis_object(x)
\tcount(x) == 1
} else := x

${clauses.join('\n\n')}

all[i] := [call(c)] if some i, c in input.cases

deny contains {"msg": [call(input.call)]}
`;
}

export async function builtinDifferences(
  cases: readonly BuiltinCase[],
  arities: ReadonlyMap<string, number>,
): Promise<Difference[]> {
  const module = differentialModule(
    cases.map((c) => c[0]),
    arities,
  );
  const [opa, wasm] = await Promise.all([opaAnswers(module, cases), wasmAnswers(module, cases)]);
  const differences: Difference[] = [];
  cases.forEach((call, i) => {
    const a = opa[i] as Answer;
    const b = wasm[i] as Answer;
    if (!isDeepStrictEqual(a, b)) differences.push({ call, opa: a, wasm: b });
  });
  return differences;
}

async function opaAnswers(module: string, cases: readonly BuiltinCase[]): Promise<Answer[]> {
  const work = await mkdtemp(join(tmpdir(), 'portcullis-differential-'));
  try {
    await writeFile(join(work, 'differential.rego'), module);
    await writeFile(join(work, 'input.json'), JSON.stringify({ cases }));
    const { code, stdout, stderr } = await runOpa(
      [
        'eval',
        '--format',
        'json',
        '-d',
        'differential.rego',
        '-i',
        'input.json',
        'data.portcullis.rules.differential.all',
      ],
      { cwd: work },
    );
    if (code !== 0) throw new Error(`opa eval failed: ${stderr || stdout}`);
    const output = JSON.parse(stdout) as {
      result?: { expressions: { value: Record<string, [unknown]> }[] }[];
    };
    const all = output.result?.[0]?.expressions[0]?.value ?? {};
    return cases.map((_, i) => (Object.hasOwn(all, String(i)) ? { value: all[String(i)]?.[0] } : 'none'));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function wasmAnswers(module: string, cases: readonly BuiltinCase[]): Promise<Answer[]> {
  const main = readFileSync(join(BUILTIN_POLICY_DIR, 'main', 'main.rego'), 'utf8');
  const compiled = await compilePolicy(
    policyBundle(
      new Map([
        ['main/main.rego', main],
        ['rules/differential.rego', module],
      ]),
    ),
  );
  let engine = await PolicyEngine.load(compiled);
  const encoder = new TextEncoder();
  const answers: Answer[] = [];
  for (const call of cases) {
    try {
      const findings = engine.evaluateJson(
        encoder.encode(JSON.stringify({ call })).buffer as ArrayBuffer,
        'case',
      );
      const message = findings[0]?.message;
      answers.push(message === undefined ? 'none' : { value: (JSON.parse(message) as [unknown])[0] });
    } catch (error) {
      answers.push('none');
      // A trap other than a strict built-in's may leave the module's memory corrupt (OPA's C
      // json.is_valid reads out of bounds on "true"), and the instance answer nothing after.
      if (error instanceof Error && error.name === 'RuntimeError') engine = await PolicyEngine.load(compiled);
    }
  }
  return answers;
}

/** Each built-in's arity, from `opa capabilities --current`. */
export async function builtinArities(): Promise<Map<string, number>> {
  const { code, stdout } = await runOpa(['capabilities', '--current']);
  if (code !== 0) throw new Error('opa capabilities failed');
  const capabilities = JSON.parse(stdout) as { builtins: { name: string; decl: { args?: unknown[] } }[] };
  return new Map(capabilities.builtins.map((b) => [b.name, b.decl.args?.length ?? 0]));
}
