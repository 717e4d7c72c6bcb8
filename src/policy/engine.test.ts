import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, resetSettings, useSettings } from '../settings.js';
import { dockerfileInput } from '../targets/dockerfile/index.js';
import { BUILTIN_POLICY_DIR } from '../tools.js';
import { loadPolicyDirectory, policyBundle } from './bundle.js';
import { compilePolicy, hasPrebuiltPolicy, PolicyCompileError, RESULT_SETS } from './compile.js';
import { PolicyEngine } from './evaluate.js';
import { declaredMemoryPages } from './wasm-memory.js';

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'portcullis-cache-'));
  useSettings(loadSettings({ PORTCULLIS_CACHE_DIR: cacheDir }));
});
afterAll(async () => {
  resetSettings();
  await rm(cacheDir, { recursive: true, force: true });
});

const bundle = (files: Record<string, string>) =>
  policyBundle(new Map(Object.entries(files)), 'repo-policies');

// First in the file: the pack must not be in the process' memory cache yet.
describe('the built-in pack prebuilt by npm run build (dist/policy-pack)', () => {
  afterEach(() => useSettings(loadSettings({ PORTCULLIS_CACHE_DIR: cacheDir })));

  it('is served without OPA; the pack edited is not served stale but compiled, which needs OPA', async () => {
    const pack = await loadPolicyDirectory(BUILTIN_POLICY_DIR);
    expect(hasPrebuiltPolicy(pack.hash)).toBe(true);
    useSettings(loadSettings({ PORTCULLIS_CACHE_DIR: cacheDir, PORTCULLIS_OPA: '/nonexistent/opa' }));
    const compiled = await compilePolicy(pack);
    expect(Object.keys(compiled.rules).length).toBeGreaterThan(20);
    const edited = new Map(pack.files);
    edited.set('rules/extra.rego', 'package portcullis.rules.extra\n');
    await expect(compilePolicy(policyBundle(edited, 'policies'))).rejects.toThrow(
      /OPA binary was not found|Could not run OPA/,
    );
  });
});

describe('the built-in policy pack', () => {
  it('compiles to WebAssembly with metadata for every rule, each in the result set its metadata names', async () => {
    const compiled = await compilePolicy(await loadPolicyDirectory(BUILTIN_POLICY_DIR));
    const rules = Object.values(compiled.rules);
    const ids = rules.map((r) => r.id).sort();
    for (let n = 1; n <= 17; n++) expect(ids).toContain(`PC-DF-${String(n).padStart(3, '0')}`);
    for (const rule of rules) {
      expect(rule.title).not.toBe('');
      expect(rule.remediation).not.toBe('');
      expect(RESULT_SETS).toContain(rule.severity);
    }
    // A Dockerfile breaking many rules at once: every finding's severity matches its rule's metadata.
    const engine = await PolicyEngine.load(compiled);
    const findings = engine.evaluate(
      dockerfileInput(
        'Dockerfile',
        'MAINTAINER me\nFROM evil.example/x\nRUN sudo apt-get install curl\nENV DB_PASSWORD=hunter2\nEXPOSE 22\nWORKDIR app\nCMD node x\n',
      ),
    );
    expect(findings.length).toBeGreaterThan(5);
    for (const f of findings) {
      const rule = rules.find((r) => r.id === f.rule_id);
      expect(rule?.severity).toBe(f.severity);
    }
  });

  it('is served from the disk cache the second time', async () => {
    const policies = await loadPolicyDirectory(BUILTIN_POLICY_DIR);
    const first = await compilePolicy(policies);
    const again = await compilePolicy(policies);
    expect(again.wasm.equals(first.wasm)).toBe(true);
  });
});

describe('compile errors', () => {
  it('name the file and line of a syntax error', async () => {
    const broken = bundle({
      'rules/broken.rego': 'package portcullis.rules.broken\n\ndeny contains msg if {\n  msg := \n}\n',
    });
    await expect(compilePolicy(broken)).rejects.toThrow(PolicyCompileError);
    const error = (await compilePolicy(broken).catch((e: unknown) => e)) as PolicyCompileError;
    expect(error.problems[0]).toMatchObject({
      file: 'repo-policies/rules/broken.rego',
      line: expect.any(Number),
    });
    expect(error.problems[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('reject a related list that is not peer rules written tool:ID, and read one that is', async () => {
    const main = readFileSync(join(BUILTIN_POLICY_DIR, 'main', 'main.rego'), 'utf8');
    const rule = (related: string) =>
      `# METADATA\n# title: Peer\n# custom:\n#   id: ACME-1\n#   severity: warn\n#   related: ${related}\n#   remediation: Do it.\npackage portcullis.rules.peer\n\nimport rego.v1\n\nwarn contains "x" if false\n`;
    const error = (await compilePolicy(
      bundle({ 'main/main.rego': main, 'rules/peer.rego': rule('[DL3008, "hadolint: DL3009"]') }),
    ).catch((e: unknown) => e)) as PolicyCompileError;
    expect(error).toBeInstanceOf(PolicyCompileError);
    expect(error.problems[0]).toMatchObject({
      file: 'repo-policies/rules/peer.rego',
      line: expect.any(Number),
    });
    expect(error.message).toContain('custom.related must be a list of peer rules written tool:ID');
    const compiled = await compilePolicy(
      bundle({
        'main/main.rego': main,
        'rules/peer.rego': rule(
          '[hadolint:DL3008, trivy:DS029, docker:JSONArgsRecommended, hadolint:DL3008]',
        ),
      }),
    );
    expect(compiled.rules.peer?.related).toEqual([
      'hadolint:DL3008',
      'trivy:DS029',
      'docker:JSONArgsRecommended',
    ]);
  });

  it('reject a built-in that cannot run under WebAssembly at compile time', async () => {
    const policy = bundle({
      'rules/net.rego':
        'package portcullis.rules.net\n\nimport rego.v1\n\ndeny contains msg if {\n\tresp := http.send({"method": "GET", "url": "http://127.0.0.1"})\n\tmsg := resp.body\n}\n',
    });
    const error = (await compilePolicy(policy).catch((e: unknown) => e)) as PolicyCompileError;
    expect(error).toBeInstanceOf(PolicyCompileError);
    expect(error.problems[0]).toMatchObject({ file: 'repo-policies/rules/net.rego', line: 6 });
    expect(error.message).toContain('http.send');
  });
});

describe('evaluation', () => {
  it('accepts Conftest-style string results and violation objects, and Go sprintf verbs', async () => {
    const compiled = await compilePolicy(
      bundle({
        'main/main.rego': await import('node:fs').then((fs) =>
          fs.readFileSync(join(BUILTIN_POLICY_DIR, 'main', 'main.rego'), 'utf8'),
        ),
        'rules/custom.rego': [
          '# METADATA',
          '# title: Custom rule',
          '# custom:',
          '#   id: ACME-1',
          '#   severity: warn',
          'package portcullis.rules.custom',
          '',
          'import rego.v1',
          '',
          'warn contains sprintf("path is %q, stages %v", [input.target.path, count(input.dockerfile.stages)])',
          '',
          'violation contains {"msg": "from a violation", "details": {"line": 2}}',
        ].join('\n'),
      }),
    );
    const engine = await PolicyEngine.load(compiled);
    const findings = engine.evaluate(dockerfileInput('a/Dockerfile', 'FROM alpine:3.19\nRUN true\n'));
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          rule_id: 'ACME-1',
          severity: 'warn',
          line: 1,
          message: 'path is "a/Dockerfile", stages 1',
        }),
        expect.objectContaining({
          rule_id: 'ACME-1',
          severity: 'deny',
          line: 2,
          message: 'from a violation',
        }),
      ]),
    );
  });
});

describe('memory', () => {
  const main = () =>
    import('node:fs').then((fs) => fs.readFileSync(join(BUILTIN_POLICY_DIR, 'main', 'main.rego'), 'utf8'));

  it('loads a policy whose constants need more than the usual starting memory', async () => {
    // A 3 MiB constant: OPA's module then declares a minimum of 50 pages, over the usual 32.
    const compiled = await compilePolicy(
      bundle({
        'main/main.rego': await main(),
        'rules/large.rego': [
          'package portcullis.rules.large',
          '',
          'import rego.v1',
          '',
          `padding := "${'x'.repeat(3 << 20)}"`,
          '',
          'deny contains sprintf("padding of %d", [count(padding)])',
          '',
        ].join('\n'),
      }),
    );
    expect(declaredMemoryPages(compiled.wasm)).toBeGreaterThan(32);
    const engine = await PolicyEngine.load(compiled);
    expect(engine.evaluate(dockerfileInput('Dockerfile', 'FROM alpine:3.19\n'))).toEqual([
      expect.objectContaining({ severity: 'deny', message: `padding of ${3 << 20}` }),
    ]);
  });
});
