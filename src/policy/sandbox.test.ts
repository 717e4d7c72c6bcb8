import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, resetSettings, useSettings } from '../settings.js';
import { dockerfileInput } from '../targets/dockerfile/index.js';
import { BUILTIN_POLICY_DIR, PROJECT_ROOT } from '../tools.js';
import { loadPolicyDirectory, policyBundle } from './bundle.js';
import { type CompiledPolicy, compilePolicy } from './compile.js';
import { PolicyEngine } from './evaluate.js';
import {
  IN_PROCESS_LIMITS,
  LocalFirstPolicyEngine,
  PolicySandbox,
  SANDBOX_RULES,
  SandboxedPolicyEngine,
} from './sandbox.js';

let cacheDir: string;
let builtin: CompiledPolicy;
let sandbox: PolicySandbox;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'portcullis-cache-'));
  useSettings(loadSettings({ PORTCULLIS_CACHE_DIR: cacheDir }));
  builtin = await compilePolicy(await loadPolicyDirectory(BUILTIN_POLICY_DIR));
  sandbox = new PolicySandbox({ workers: 1, timeLimitMs: 1000, heapLimitMb: 64 });
});
afterAll(async () => {
  await sandbox.close();
  resetSettings();
  await rm(cacheDir, { recursive: true, force: true });
});

const MAIN = readFileSync(join(BUILTIN_POLICY_DIR, 'main', 'main.rego'), 'utf8');

/** A bundle of the built-in main.rego and one rule package `rules/<name>.rego`. */
function ruleBundle(name: string, severity: string, body: string) {
  const rule = [
    '# METADATA',
    `# title: ${name}`,
    '# custom:',
    `#   id: TEST-${name}`,
    `#   severity: ${severity}`,
    `package portcullis.rules.${name}`,
    '',
    'import rego.v1',
    '',
    body,
  ].join('\n');
  return compilePolicy(
    policyBundle(
      new Map([
        ['main/main.rego', MAIN],
        [`rules/${name}.rego`, rule],
      ]),
      'test-policies',
    ),
  );
}

const dockerfile = (text = 'FROM alpine:3.19\nRUN true\n') => dockerfileInput('app/Dockerfile', text);

describe('SandboxedPolicyEngine', () => {
  it('finds what PolicyEngine finds, on every fixture, with the same rules', async () => {
    const dir = join(PROJECT_ROOT, 'test', 'fixtures', 'dockerfiles');
    const inputs = readdirSync(dir).map((f) => dockerfileInput(f, readFileSync(join(dir, f), 'utf8')));
    const inProcess = await PolicyEngine.load(builtin);
    const sandboxed = await SandboxedPolicyEngine.load(builtin, {}, sandbox);
    expect(sandboxed.rules).toEqual(inProcess.rules);
    let total = 0;
    for (const input of inputs) {
      const expected = inProcess.evaluate(input);
      total += expected.length;
      expect(await sandboxed.evaluate(input)).toEqual(expected);
    }
    expect(total).toBeGreaterThan(10);
  });

  it('merges data over the bundle data, and keeps policies apart by data', async () => {
    const compiled = await ruleBundle('flag', 'warn', 'warn contains sprintf("flag %v", [data.flag])');
    const on = await SandboxedPolicyEngine.load(compiled, { flag: 'on' }, sandbox);
    const off = await SandboxedPolicyEngine.load(compiled, { flag: 'off' }, sandbox);
    expect((await on.evaluate(dockerfile())).map((f) => f.message)).toEqual(['flag on']);
    expect((await off.evaluate(dockerfile())).map((f) => f.message)).toEqual(['flag off']);
    expect((await on.evaluate(dockerfile())).map((f) => f.message)).toEqual(['flag on']);
  });

  it('evaluates concurrent targets across its workers', async () => {
    const pool = new PolicySandbox({ workers: 2 });
    try {
      const engine = await SandboxedPolicyEngine.load(builtin, {}, pool);
      const texts = Array.from({ length: 12 }, (_, i) => `FROM node:${i}\nUSER root\n`);
      const results = await Promise.all(texts.map((t) => engine.evaluate(dockerfile(t))));
      for (const [i, findings] of results.entries()) {
        expect(findings.find((f) => f.rule_id === 'PC-DF-003')?.message).toContain(`node:${i}`);
      }
    } finally {
      await pool.close();
    }
  });

  it('stops a policy that runs too long, names the rule file, and evaluates the next target', async () => {
    const endless = await ruleBundle(
      'endless',
      'deny',
      [
        'deny contains "never" if {',
        '\tsome i in numbers.range(1, 3000)',
        '\tsome j in numbers.range(1, 3000)',
        '\tsome k in numbers.range(1, 3000)',
        '\ti + j + k < 0',
        '}',
      ].join('\n'),
    );
    const engine = await SandboxedPolicyEngine.load(endless, {}, sandbox);
    const start = performance.now();
    const findings = await engine.evaluate(dockerfile());
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(3000);
    expect(findings).toEqual([
      expect.objectContaining({
        rule_id: SANDBOX_RULES.time.id,
        severity: 'deny',
        path: 'app/Dockerfile',
        line: 1,
        title: 'Policy exceeded its time limit',
      }),
    ]);
    expect(findings[0]?.message).toContain(
      'its 1000 ms time limit while evaluating its rules (rules/endless.rego)',
    );
    expect(findings[0]?.message).toContain('app/Dockerfile was not judged');

    // The worker was replaced: the same sandbox goes on judging.
    const normal = await SandboxedPolicyEngine.load(builtin, {}, sandbox);
    const after = await normal.evaluate(dockerfile('FROM node\n'));
    expect(after.map((f) => f.rule_id)).toContain('PC-DF-001');

    // A target queued behind the runaway one is not charged for the wait.
    const [stopped, judged] = await Promise.all([
      engine.evaluate(dockerfile()),
      normal.evaluate(dockerfile('FROM node\n')),
    ]);
    expect(stopped.map((f) => f.rule_id)).toEqual([SANDBOX_RULES.time.id]);
    expect(judged).toEqual(after);
  });

  it('lets idle workers go, and starts one again when there is work', async () => {
    const brief = new PolicySandbox({ workers: 1, idleMs: 10 });
    try {
      const engine = await SandboxedPolicyEngine.load(builtin, {}, brief);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await engine.evaluate(dockerfile('FROM node\n'))).map((f) => f.rule_id)).toContain('PC-DF-001');
    } finally {
      await brief.close();
    }
    await expect(SandboxedPolicyEngine.load(builtin, {}, brief)).rejects.toThrow(
      'The policy sandbox is closed',
    );
  });

  it('keeps idleWorkers however long they idle', async () => {
    const warm = new PolicySandbox({ workers: 1, idleMs: 10, idleWorkers: 1 });
    const brief = new PolicySandbox({ workers: 1, idleMs: 10 });
    try {
      const [engine] = await Promise.all([
        SandboxedPolicyEngine.load(builtin, {}, warm),
        SandboxedPolicyEngine.load(builtin, {}, brief),
      ]);
      // The brief worker may already have gone by now on a loaded machine: only its end is asserted.
      expect(warm.workerCount).toBe(1);
      for (let waited = 0; brief.workerCount > 0 && waited < 5_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect([warm.workerCount, brief.workerCount]).toEqual([1, 0]);
      expect((await engine?.evaluate(dockerfile('FROM node\n')))?.map((f) => f.rule_id)).toContain(
        'PC-DF-001',
      );
      expect(warm.workerCount).toBe(1);
    } finally {
      await Promise.all([warm.close(), brief.close()]);
    }
  });

  describe('memory', () => {
    // Running out of memory takes a second or more: a generous clock.
    let roomy: PolicySandbox;
    beforeAll(() => {
      roomy = new PolicySandbox({ workers: 1, timeLimitMs: 20_000 });
    });
    afterAll(() => roomy.close());

    it('stops a policy that outgrows its WebAssembly memory', async () => {
      const explosive = await ruleBundle(
        'explosive',
        'warn',
        'warn contains msg if {\n\tns := numbers.range(1, 100000000)\n\tmsg := sprintf("%d", [count(ns)])\n}',
      );
      const engine = await SandboxedPolicyEngine.load(explosive, {}, roomy);
      const findings = await engine.evaluate(dockerfile());
      expect(findings).toEqual([
        expect.objectContaining({
          rule_id: SANDBOX_RULES.memory.id,
          severity: 'deny',
          path: 'app/Dockerfile',
        }),
      ]);
      expect(findings[0]?.message).toContain(
        "exceeded the policy's WebAssembly memory limit while evaluating its rules (rules/explosive.rego)",
      );
      const normal = await SandboxedPolicyEngine.load(builtin, {}, roomy);
      expect((await normal.evaluate(dockerfile('FROM node\n'))).map((f) => f.rule_id)).toContain('PC-DF-001');
    });

    it('survives a worker that dies of a full heap, and replaces it', async () => {
      // 400,000 results fit the WebAssembly memory, but not a 32 MiB heap once decoded into
      // findings. (200,000 fitted at times once the worker stopped loading Node's fetch.)
      // The time limit is not what this tests: generous, so a busy machine (the suite runs two
      // at once on two cores) cannot turn the heap's verdict into a time limit's.
      const small = new PolicySandbox({ workers: 1, timeLimitMs: 90_000, heapLimitMb: 32 });
      try {
        const flood = await ruleBundle(
          'flood',
          'info',
          'info contains i if some i in numbers.range(1, 400000)',
        );
        const engine = await SandboxedPolicyEngine.load(flood, {}, small);
        const findings = await engine.evaluate(dockerfile());
        expect(findings).toEqual([
          expect.objectContaining({ rule_id: SANDBOX_RULES.memory.id, severity: 'deny' }),
        ]);
        expect(findings[0]?.message).toContain(
          'exceeded the 32 MiB heap limit while evaluating its rules (rules/flood.rego)',
        );
        const normal = await SandboxedPolicyEngine.load(builtin, {}, small);
        expect((await normal.evaluate(dockerfile('FROM node\n'))).map((f) => f.rule_id)).toContain(
          'PC-DF-001',
        );
      } finally {
        await small.close();
      }
    }, 120_000);
  });

  it('passes on a policy error as an error, and keeps the worker', async () => {
    const failing = await ruleBundle(
      'failing',
      'warn',
      'warn contains msg if {\n\tmsg := sprintf("%d", [semver.compare("x", "1.0.0")])\n}',
    );
    const engine = await SandboxedPolicyEngine.load(failing, {}, sandbox);
    await expect(engine.evaluate(dockerfile())).rejects.toThrow('semver.compare: invalid version "x"');
    const normal = await SandboxedPolicyEngine.load(builtin, {}, sandbox);
    expect((await normal.evaluate(dockerfile('FROM node\n'))).map((f) => f.rule_id)).toContain('PC-DF-001');
  });

  it('after a trap inside the policy, judges the next file with a fresh instance (never silently empty)', async () => {
    // OPA's C json.is_valid reads out of bounds on "true" (found by the built-ins differential
    // test); the trapped instance used to return no findings for every later file.
    const trapping = await ruleBundle(
      'trapping',
      'deny',
      [
        'deny contains "trap" if {',
        '\tendswith(input.target.path, "trap/Dockerfile")',
        '\tjson.is_valid(input.target.path_text)',
        '}',
        '',
        'deny contains "always" if true',
      ].join('\n'),
    );
    const engine = await SandboxedPolicyEngine.load(trapping, {}, sandbox);
    const trap = dockerfileInput('trap/Dockerfile', 'FROM alpine:3.19\n') as unknown as Record<
      string,
      Record<string, unknown>
    >;
    (trap.target as Record<string, unknown>).path_text = 'true';
    await expect(engine.evaluate(trap as never)).rejects.toThrow();
    for (let i = 0; i < 3; i++) {
      expect((await engine.evaluate(dockerfile())).map((f) => f.message)).toEqual(['always']);
    }
  });

  it('fails to load a policy that is not WebAssembly', async () => {
    const broken = { ...builtin, hash: 'broken', wasm: Buffer.from('not wasm') };
    await expect(SandboxedPolicyEngine.load(broken, {}, sandbox)).rejects.toThrow(/WebAssembly|wasm/i);
  });
});

describe('LocalFirstPolicyEngine', () => {
  // What compilePolicy returns for the pack `npm run build` put in the package.
  const prebuilt = () => ({ ...builtin, prebuilt: true as const });
  const small = 'FROM alpine:3.19\nRUN apk add curl\nENV API_TOKEN=abc\n';
  // Past the size limit, and still an ordinary Dockerfile.
  const large = `FROM alpine:3.19\n${Array.from({ length: 300 }, (_, i) => `RUN echo step ${i}\n`).join('')}`;
  let own: PolicySandbox;
  beforeEach(() => {
    own = new PolicySandbox({ workers: 1 });
  });
  afterEach(() => own.close());

  it('judges a small file on this thread, with the findings the sandbox gives', async () => {
    const engine = await LocalFirstPolicyEngine.load(prebuilt(), {}, () => own);
    const sandboxed = await SandboxedPolicyEngine.load(builtin, {}, sandbox);
    const here = await engine.judgeSource({ path: 'app/Dockerfile', text: small });
    expect(here).toEqual(await sandboxed.judgeSource({ path: 'app/Dockerfile', text: small }));
    expect(here && 'findings' in here && here.findings.length).toBeGreaterThan(0);
    expect(own.workerCount).toBe(0);
    // Here too, unless a busy machine spent the time budget (IN_PROCESS_LIMITS.totalMs): the same findings either way.
    expect(await engine.evaluate(dockerfile(small))).toEqual(await sandboxed.evaluate(dockerfile(small)));
  });

  it('sends a large file to the sandbox', async () => {
    expect(Buffer.byteLength(large)).toBeGreaterThan(IN_PROCESS_LIMITS.textBytes);
    const engine = await LocalFirstPolicyEngine.load(prebuilt(), {}, () => own);
    const sandboxed = await SandboxedPolicyEngine.load(builtin, {}, sandbox);
    expect(await engine.judgeSource({ path: 'big/Dockerfile', text: large })).toEqual(
      await sandboxed.judgeSource({ path: 'big/Dockerfile', text: large }),
    );
    expect(own.workerCount).toBe(1);
  });

  it('sends the files past its budget to the sandbox', async () => {
    const engine = await LocalFirstPolicyEngine.load(prebuilt(), {}, () => own);
    for (let i = 0; i < IN_PROCESS_LIMITS.files; i++)
      await engine.judgeSource({ path: `d${i}/Dockerfile`, text: small });
    expect(own.workerCount).toBe(0);
    await engine.judgeSource({ path: 'last/Dockerfile', text: small });
    expect(own.workerCount).toBe(1);
  });

  it('takes only the prebuilt pack, with little data', async () => {
    expect(LocalFirstPolicyEngine.suits(prebuilt(), {})).toBe(true);
    // A repository's policies (or the pack compiled from a changed tree) run in the sandbox.
    expect(
      LocalFirstPolicyEngine.suits(builtin.prebuilt ? { ...builtin, prebuilt: undefined } : builtin, {}),
    ).toBe(false);
    await expect(LocalFirstPolicyEngine.load({ ...builtin, prebuilt: undefined })).rejects.toThrow(/sandbox/);
    const data = { allow: Array.from({ length: 1000 }, (_, i) => `registry-${i}.example`) };
    expect(LocalFirstPolicyEngine.suits(prebuilt(), data)).toBe(false);
  });
});
