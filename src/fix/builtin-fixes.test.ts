/**
 * The built-in rules' fixes, composed by applyFixes on real Dockerfiles and judged again
 * by the real policies: every fixed finding must be gone, and nothing else may change.
 */
import { readdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type PushedVariants, pushPythonVariants } from '../../test/support/image-variants.js';
import { startRegistry, type TestRegistry } from '../../test/support/registry.js';
import { builtinPolicyEngine, judgeTargets } from '../core/judge.js';
import type { Finding } from '../policy/findings.js';
import type { PolicyEvaluator } from '../policy/sandbox.js';
import { RegistryClient } from '../registry/client.js';
import { BUILTIN_POLICY_DIR, PROJECT_ROOT } from '../tools.js';
import { applyFixes } from './compose.js';

const OWN_FIXTURES = join(PROJECT_ROOT, 'src', 'fix', '__fixtures__');
/** What the fixtures should read like once fixed, one file per fixture. */
const FIXED = join(OWN_FIXTURES, 'fixed');
const SHARED_FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'dockerfiles');
const OWN_FIXTURE_NAMES = readdirSync(OWN_FIXTURES).filter((name) => name.endsWith('.Dockerfile'));

let engine: PolicyEvaluator;
beforeAll(async () => {
  engine = await builtinPolicyEngine();
});

async function judge(path: string, text: string): Promise<Finding[]> {
  const judgement = await judgeTargets(
    [{ path, kind: 'dockerfile', content: new TextEncoder().encode(text) }],
    engine,
  );
  expect(judgement.errors).toEqual([]);
  return judgement.findings;
}

function fixesOf(findings: readonly Finding[]) {
  return findings.flatMap((f) => (f.fix ? [{ ...f.fix, rule_id: f.rule_id }] : []));
}

function countByRule(ruleIds: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of ruleIds) counts[id] = (counts[id] ?? 0) + 1;
  return counts;
}

async function dockerfilesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.Dockerfile')).map((name) => join(dir, name));
}

/** Applies every fix of a Dockerfile, judges the result, and checks what must hold. */
async function fixAndJudgeAgain(path: string, text: string) {
  const before = await judge(path, text);
  const result = applyFixes(text, fixesOf(before));
  expect(result.skipped).toEqual([]);
  const after = await judge(path, result.content);
  // Each applied fix removes exactly its own finding: counted per rule, because the
  // messages quote the fixed text and a multi-line fix moves later findings up.
  const expected = countByRule(before.map((f) => f.rule_id));
  for (const fix of result.applied) expected[fix.rule_id] = (expected[fix.rule_id] ?? 0) - 1;
  const remaining = Object.fromEntries(Object.entries(expected).filter(([, n]) => n > 0));
  expect(countByRule(after.map((f) => f.rule_id))).toEqual(remaining);
  expect(fixesOf(after)).toEqual([]);
  return result;
}

describe('built-in fixes on real Dockerfiles', () => {
  // Every fixture of the folder, so that a new fixture cannot be left out of this test.
  it.each(OWN_FIXTURE_NAMES)(
    '%s: the fixed findings are gone and the result reads as expected',
    async (name) => {
      const text = await readFile(join(OWN_FIXTURES, name), 'utf8');
      const result = await fixAndJudgeAgain(name, text);
      expect(result.content).toBe(await readFile(join(FIXED, name), 'utf8'));
    },
  );

  it('edits a CRLF file the same way and keeps it CRLF', async () => {
    for (const path of await dockerfilesIn(OWN_FIXTURES)) {
      const text = (await readFile(path, 'utf8')).replace(/\n/g, '\r\n');
      const result = await fixAndJudgeAgain(path, text);
      const fixed = await readFile(join(FIXED, path.slice(OWN_FIXTURES.length + 1)), 'utf8');
      expect(result.content).toBe(fixed.replace(/\n/g, '\r\n'));
    }
  });

  it('removes the fixed findings of the shared test Dockerfiles too', async () => {
    for (const path of await dockerfilesIn(SHARED_FIXTURES)) {
      await fixAndJudgeAgain(path, await readFile(path, 'utf8'));
    }
  });

  it('exercises the fix of every rule that offers one', async () => {
    const exercised = new Set<string>();
    for (const path of await dockerfilesIn(OWN_FIXTURES)) {
      for (const fix of fixesOf(await judge(path, await readFile(path, 'utf8')))) exercised.add(fix.rule_id);
    }
    // These need a registry's answer: test/cli/check-registry.test.ts applies the digest pins
    // against a real one, and the registry fixtures below the lighter tags.
    const offering = (await rulesOfferingFixes()).filter((id) => !FIXES_FROM_REGISTRY.has(id));
    expect(offering.length).toBeGreaterThanOrEqual(6);
    expect([...exercised].sort()).toEqual(expect.arrayContaining(offering));
  });
});

/**
 * The lighter-tag fix (PC-IMG-012) on real Dockerfiles whose base image is in a registry on
 * 127.0.0.1 with a `-slim` and an `-alpine` sibling: `{{registry}}` and `{{digest:<tag>}}`
 * in the fixtures under __fixtures__/registry are that registry's host and digests.
 */
describe('the lighter-tag fix with a registry', () => {
  let registry: TestRegistry;
  let pushed: PushedVariants;
  beforeAll(async () => {
    registry = await startRegistry();
    pushed = await pushPythonVariants(registry);
  });
  afterAll(async () => {
    await registry?.stop();
  });

  const fill = (text: string) =>
    text
      .replaceAll('{{registry}}', registry.host)
      .replaceAll('{{digest:3.12}}', pushed.full.digest)
      .replaceAll('{{digest:3.12-slim}}', pushed.slim.digest);

  async function judgeOnline(path: string, text: string): Promise<Finding[]> {
    const client = new RegistryClient({ insecureRegistries: [registry.host] });
    const judgement = await judgeTargets(
      [{ path, kind: 'dockerfile', content: new TextEncoder().encode(text) }],
      engine,
      { registry: client },
    );
    expect(judgement.errors).toEqual([]);
    return judgement.findings;
  }

  it.each([['lighter-base.Dockerfile'], ['lighter-base-pinned.Dockerfile']])(
    '%s: the tag is rewritten to -slim, and only -alpine is still recommended',
    async (name) => {
      const text = fill(await readFile(join(OWN_FIXTURES, 'registry', name), 'utf8'));
      const before = (await judgeOnline(name, text)).filter((f) => f.rule_id === 'PC-IMG-012');
      expect(before).toHaveLength(1);
      expect(before[0]?.message).toMatch(
        /python:3\.12 is \d+(\.\d)? (MB|kB); .*python:3\.12-slim is \d+ kB, \d+% smaller/,
      );
      const result = applyFixes(text, fixesOf(before));
      expect(result.skipped).toEqual([]);
      expect(result.content).toBe(fill(await readFile(join(FIXED, 'registry', name), 'utf8')));
      // -slim has a lighter sibling too; what is left recommends it with its libc caveat.
      const after = (await judgeOnline(name, result.content)).filter((f) => f.rule_id === 'PC-IMG-012');
      expect(after.map((f) => f.message)).toEqual([expect.stringContaining('python:3.12-alpine is')]);
      expect(after[0]?.message).toContain('musl libc instead of glibc');
    },
  );
});

/** Rule ids of the built-in packages whose source builds a `"fix"`. */
const FIXES_FROM_REGISTRY = new Set(['PC-DF-003', 'PC-IMG-002', 'PC-IMG-012']);

async function rulesOfferingFixes(): Promise<string[]> {
  const ids: string[] = [];
  const files = await readdir(BUILTIN_POLICY_DIR, { recursive: true });
  for (const file of files.filter((f) => f.endsWith('.rego') && !f.endsWith('_test.rego'))) {
    const source = await readFile(join(BUILTIN_POLICY_DIR, file), 'utf8');
    const pkg = /^package portcullis\.rules\.(\w+)/m.exec(source)?.[1];
    const rule = pkg ? engine.rules[pkg] : undefined;
    if (rule && source.includes('"fix":')) ids.push(rule.id);
  }
  return ids.sort();
}
