import { readFile } from 'node:fs/promises';
import { INPUT_RULES } from '../../src/core/unjudged.js';
import {
  builtinPeerRuleMap,
  builtinRuleCatalog,
  type CatalogRule,
  offersFix,
  peerRuleMap,
  RULE_CATALOG_PATH,
  renderRuleCatalog,
} from '../../src/docs/rule-catalog.js';
import { loadPolicyDirectory } from '../../src/policy/bundle.js';
import { compilePolicy } from '../../src/policy/compile.js';
import { SANDBOX_RULES } from '../../src/policy/sandbox.js';
import { BUILTIN_POLICY_DIR } from '../../src/tools.js';

let generated: string;
beforeAll(async () => {
  generated = await builtinRuleCatalog();
});

it('docs/rules.md is what npm run docs generates', async () => {
  const committed = await readFile(RULE_CATALOG_PATH, 'utf8').catch(() => '');
  if (committed !== generated) {
    const ours = generated.split('\n');
    const theirs = committed.split('\n');
    const line = ours.findIndex((text, i) => text !== theirs[i]);
    throw new Error(
      `docs/rules.md is stale: run npm run docs\n  first difference at line ${line + 1}:\n  committed: ${theirs[line] ?? '(end of file)'}\n  generated: ${ours[line] ?? '(end of file)'}`,
    );
  }
});

it('lists every rule of the built-in pack, of the sandbox and of the core, each under its own anchor', async () => {
  const compiled = await compilePolicy(await loadPolicyDirectory(BUILTIN_POLICY_DIR));
  const ids = [
    ...Object.values(compiled.rules),
    ...Object.values(SANDBOX_RULES),
    ...Object.values(INPUT_RULES),
  ].map((r) => r.id);
  expect(ids).toContain('PC-INPUT-001');
  expect(ids.length).toBeGreaterThan(17);
  for (const id of ids) {
    expect(generated).toContain(`\n### ${id}\n`);
    expect(generated).toContain(`| [${id}](#${id.toLowerCase()}) |`);
  }
  for (const family of ['Dockerfile', 'Images', 'Policy sandbox', 'Unjudged files'])
    expect(generated).toContain(`\n## ${family}\n`);
  expect(generated).toContain(
    'Source: [`policies/dockerfile/latest_tag.rego`](../policies/dockerfile/latest_tag.rego)',
  );
});

describe('renderRuleCatalog', () => {
  const rule = (over: Partial<CatalogRule>): CatalogRule => ({
    id: 'PC-DF-001',
    title: 'A rule',
    severity: 'warn',
    description: 'What it finds.',
    remediation: 'What to do.',
    fix: false,
    source: 'policies/dockerfile/a.rego',
    ...over,
  });

  it('groups by family in a fixed order, numbers in numeric order, unknown prefixes after', () => {
    const text = renderRuleCatalog([
      rule({ id: 'ACME-NET-2' }),
      rule({ id: 'PC-IMG-001' }),
      rule({ id: 'PC-DF-010' }),
      rule({ id: 'PC-DF-002' }),
    ]);
    const headings = [...text.matchAll(/^##+ (.*)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([
      'Dockerfile',
      'PC-DF-002',
      'PC-DF-010',
      'Images',
      'PC-IMG-001',
      'ACME-NET',
      'ACME-NET-2',
    ]);
    expect(text).toContain('| [Dockerfile](#dockerfile) | 2 |');
  });

  it('shows severity, fix, remediation and the source link, escaping table cells', () => {
    const text = renderRuleCatalog([rule({ title: 'a | b', fix: true, severity: 'deny' })]);
    expect(text).toContain('| [PC-DF-001](#pc-df-001) | deny | a \\| b | yes |');
    expect(text).toContain('**a | b** · deny · fix offered');
    expect(text).toContain('**Remediation:** What to do.');
    expect(text).toContain('Source: [`policies/dockerfile/a.rego`](../policies/dockerfile/a.rego)');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
  });
});

describe('peer rules (related)', () => {
  const rule = (id: string, related?: string[]): CatalogRule => ({
    id,
    title: 'A rule',
    severity: 'info',
    description: '',
    remediation: 'What to do.',
    related,
    fix: false,
    source: 'policies/dockerfile/a.rego',
  });

  it('maps each peer rule to the Portcullis rules that name it, tools in a fixed order, ids in numeric order', () => {
    const map = peerRuleMap([
      rule('PC-DF-057', ['trivy:DS016', 'hadolint:DL4003', 'docker:MultipleInstructionsDisallowed']),
      rule('PC-DF-012', ['hadolint:DL3025', 'docker:JSONArgsRecommended']),
      rule('PC-DF-050', ['hadolint:DL3003', 'hadolint:DL3003']),
      rule('PC-DF-100', ['hadolint:DL4003']),
      rule('PC-DF-009'),
      rule('ACME-1', ['acme:X1']),
    ]);
    expect([...map]).toEqual([
      ['hadolint:DL3003', ['PC-DF-050']],
      ['hadolint:DL3025', ['PC-DF-012']],
      ['hadolint:DL4003', ['PC-DF-057', 'PC-DF-100']],
      ['trivy:DS016', ['PC-DF-057']],
      ['docker:JSONArgsRecommended', ['PC-DF-012']],
      ['docker:MultipleInstructionsDisallowed', ['PC-DF-057']],
      ['acme:X1', ['ACME-1']],
    ]);
  });

  it("shows each rule's peers and a migration table peer rule → Portcullis rules", () => {
    const text = renderRuleCatalog([
      rule('PC-DF-050', ['hadolint:DL3003', 'trivy:DS013']),
      rule('PC-DF-009'),
    ]);
    expect(text).toContain('**Peer rules:** `hadolint:DL3003`, `trivy:DS013`');
    expect(text).toContain('\n## Migrating from Hadolint, Trivy and Docker build checks\n');
    expect(text).toContain('| Hadolint | `DL3003` | [PC-DF-050](#pc-df-050) |');
    expect(text).toContain('| Trivy | `DS013` | [PC-DF-050](#pc-df-050) |');
    expect(renderRuleCatalog([rule('PC-DF-009')])).not.toContain('Migrating');
  });

  it('covers the peer rules of the built-in pack, each written tool:ID (Hadolint and Trivy ids in their own form)', async () => {
    const map = await builtinPeerRuleMap();
    for (const peer of map.keys()) {
      expect(peer).toMatch(/^[a-z][a-z0-9-]*:[A-Za-z0-9][A-Za-z0-9_.-]*$/);
      if (peer.startsWith('hadolint:')) expect(peer).toMatch(/^hadolint:DL\d{4}$/);
      if (peer.startsWith('trivy:')) expect(peer).toMatch(/^trivy:DS\d{3}$/);
    }
    expect(map.get('hadolint:DL3003')).toEqual(['PC-DF-050']);
    expect(map.get('hadolint:DL4006')).toEqual(['PC-DF-051']);
    expect(map.get('docker:JSONArgsRecommended')).toEqual(['PC-DF-012']);
    expect(map.get('trivy:DS001')).toEqual(['PC-DF-001']);
  });
});

describe('offersFix', () => {
  it('sees a "fix" object built in the rule or by a library helper named *_fix', () => {
    expect(offersFix('finding := {"msg": m, "fix": {"line": 1}}')).toBe(true);
    expect(offersFix('finding := object.union(base, images.pin_fix(ref))')).toBe(true);
    expect(offersFix('fixable(v) if is_string(v.fixed_version)')).toBe(false);
    expect(offersFix('"msg": "no fixed version: name a tag"')).toBe(false);
  });
});
