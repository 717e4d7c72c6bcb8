import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { loadSettings, resetSettings, useSettings } from '../settings.js';
import { dockerfileInput } from '../targets/dockerfile/index.js';
import { BUILTIN_POLICY_DIR } from '../tools.js';
import { CUSTOM_BUILTINS, installBuiltinOverrides } from './builtins.js';
import { loadPolicyDirectory, policyBundle } from './bundle.js';
import { compilePolicy, opaBuild, RESULTS_ENTRYPOINT } from './compile.js';
import { PolicyEngine } from './evaluate.js';
import { PolicySandbox, SandboxedPolicyEngine } from './sandbox.js';
import { strictBuiltins } from './strict-builtins.js';

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'portcullis-cache-'));
  useSettings(loadSettings({ PORTCULLIS_CACHE_DIR: cacheDir }));
});
afterAll(async () => {
  resetSettings();
  await rm(cacheDir, { recursive: true, force: true });
});

const main = readFileSync(join(BUILTIN_POLICY_DIR, 'main', 'main.rego'), 'utf8');
const input = dockerfileInput('Dockerfile', 'FROM alpine:3.19\n');

/** A repository policy with one rule package, compiled by the real `opa build`. */
async function compileRule(body: string) {
  const rule = `# METADATA\n# title: Sample\npackage portcullis.rules.sample\n\nimport rego.v1\n\n${body}\n`;
  return compilePolicy(
    policyBundle(
      new Map([
        ['main/main.rego', main],
        ['rules/sample.rego', rule],
      ]),
    ),
  );
}

/** Values arrive through `data`, so that OPA cannot fold them at compile time. */
const load = async (body: string, values: Record<string, unknown>) =>
  PolicyEngine.load(await compileRule(body), { t: values });

describe('a built-in error inside a rule', () => {
  it('fails the evaluation, naming the built-in and the rule file, instead of leaving the rule empty', async () => {
    const engine = await load('deny contains sprintf("ratio %v", [x]) if x := 1 / data.t.divisor', {
      divisor: 0,
    });
    expect(() => engine.evaluate(input)).toThrow(
      'The built-in / (div) failed inside data.portcullis.rules.sample.deny (rules/sample.rego)',
    );
    const fine = await load('deny contains sprintf("ratio %v", [x]) if x := 1 / data.t.divisor', {
      divisor: 4,
    });
    expect(fine.evaluate(input).map((f) => f.message)).toEqual(['ratio 0.25']);
  });

  it('fails on to_number of a word, and on a literal 1 / 0', async () => {
    const word = await load('warn contains sprintf("%v", [to_number(data.t.word)])', { word: 'eleven' });
    expect(() => word.evaluate(input)).toThrow(
      /The built-in to_number failed inside data\.portcullis\.rules\.sample/,
    );
    const literal = await load(
      'deny contains msg if {\n\tx := 1 / 0\n\tmsg := sprintf("never %v", [x])\n}',
      {},
    );
    expect(() => literal.evaluate(input)).toThrow(/The built-in \/ \(div\) failed/);
  });

  it('names a helper function of a library package by its path', async () => {
    const engine = await load('half(n) := 1 / n\n\ninfo contains sprintf("%v", [half(data.t.n)])', { n: 0 });
    expect(() => engine.evaluate(input)).toThrow(/failed inside data\.portcullis\.rules\.sample\.half/);
  });

  it('leaves a rule that is legitimately empty empty: type tests, max of nothing, false conditions', async () => {
    const engine = await load(
      [
        'deny contains "a number" if is_number(data.t.word)',
        'deny contains "an object" if is_object(data.t.list)',
        'deny contains "max" if max(data.t.list) > 0',
        'deny contains "min" if min({x | some x in data.t.list}) > 0',
        'deny contains "greater" if count(data.t.list) > 3',
        'deny contains "missing" if object.get(data.t, "nothing", null) != null',
        'deny contains "not digits" if {\n\tregex.match(`^[0-9]+$`, data.t.word)\n\tto_number(data.t.word) > 0\n}',
      ].join('\n'),
      { word: 'eleven', list: [] },
    );
    expect(engine.evaluate(input)).toEqual([]);
  });

  it('fails the target through the sandbox with the same message', async () => {
    const sandbox = new PolicySandbox({ workers: 1 });
    try {
      const engine = await SandboxedPolicyEngine.load(
        await compileRule('deny contains "x" if substring("abc", data.t.start, 1) == "a"'),
        { t: { start: -1 } },
        sandbox,
      );
      await expect(engine.evaluate(input)).rejects.toThrow(
        'The built-in substring failed inside data.portcullis.rules.sample.deny (rules/sample.rego)',
      );
    } finally {
      await sandbox.close();
    }
  });
});

describe('strictBuiltins', () => {
  it('keeps the built-in pack a valid module that answers as before on a Dockerfile that breaks many rules', async () => {
    // OPA's own module, as `opa build` wrote it; compilePolicy stores and serves it made strict.
    const bundle = await loadPolicyDirectory(BUILTIN_POLICY_DIR);
    const compiled = await opaBuild(bundle);
    const strict = strictBuiltins(compiled.wasm);
    expect(Buffer.from(strict).equals((await compilePolicy(bundle)).wasm)).toBe(true);
    // Node's types do not declare the WebAssembly namespace.
    const { WebAssembly } = globalThis as unknown as {
      WebAssembly: { validate(bytes: Uint8Array): boolean };
    };
    expect(WebAssembly.validate(strict)).toBe(true);
    const dockerfile = dockerfileInput(
      'Dockerfile',
      'MAINTAINER me\nFROM evil.example/x\nRUN sudo apt-get install curl\nENV DB_PASSWORD=hunter2\nEXPOSE 20-25/tcp\nWORKDIR app\nCOPY --from=7 /a /b\nCMD node x\n',
    );
    installBuiltinOverrides();
    const answers = await Promise.all(
      [compiled.wasm, strict].map(async (wasm) => {
        const policy = await loadPolicy(wasm, undefined, CUSTOM_BUILTINS);
        policy.setData(compiled.data);
        return policy.evaluate(dockerfile, RESULTS_ENTRYPOINT);
      }),
    );
    expect(JSON.stringify(answers[0]).length).toBeGreaterThan(1000);
    expect(answers[1]).toEqual(answers[0]);
  });

  it('refuses what is not a WebAssembly module', () => {
    expect(() => strictBuiltins(new TextEncoder().encode('not wasm'))).toThrow(/not a WebAssembly module/);
  });
});
