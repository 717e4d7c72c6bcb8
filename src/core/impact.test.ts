/**
 * The impact of a policy change: every target at the head commit judged by the base and by
 * the head policy set, in a git repository made here with a base and a head commit.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { jest } from '@jest/globals';
import { type CosignKeyPair, type CosignWorkspace, cosignWorkspace } from '../../test/support/cosign.js';
import { pushImage, startRegistry, type TestRegistry } from '../../test/support/registry.js';
import type { Finding } from '../policy/findings.js';
import { loadPolicySet, policyEngineFor } from '../policy/policy-set.js';
import { RegistryClient } from '../registry/client.js';
import { gitCommitSnapshot } from '../repository/snapshot.js';
import { gitCommitTree, type ImpactSide, impactTargetPaths, policyImpact, resolveCommit } from './impact.js';

const run = promisify(execFile);
let repo: string;

const git = (...args: string[]) =>
  run('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args]);

async function commit(files: Record<string, string | null>, message: string): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    if (content === null) {
      await git('rm', '--quiet', path);
      continue;
    }
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), content);
    await git('add', path);
  }
  await git('commit', '--quiet', '-m', message);
  return (await git('rev-parse', 'HEAD')).stdout.trim();
}

async function side(commitSha: string): Promise<ImpactSide> {
  const set = await loadPolicySet(gitCommitSnapshot(repo, commitSha));
  return { set, engine: await policyEngineFor(set) };
}

async function impactBetween(base: string, head: string) {
  return policyImpact(await gitCommitTree(repo, head), await side(base), await side(head), {
    today: new Date('2026-06-01'),
  });
}

const brief = (findings: readonly Finding[]) =>
  findings.map((f) => `${f.rule_id} ${f.path}:${f.line} ${f.severity}`).sort();

/** Compliant but for what each test changes: tagged, non-root, a health check, exec form. */
const WEB = ['FROM node', 'USER node', 'HEALTHCHECK NONE', 'CMD ["node", "server.js"]', ''].join('\n');
const API = [
  `FROM registry.acme.example/base/api:1.2@sha256:${'a'.repeat(64)}`,
  'USER 10001',
  'HEALTHCHECK NONE',
  'CMD ["/api"]',
  '',
].join('\n');
const WORKER = [
  `FROM python:3.12-slim@sha256:${'b'.repeat(64)}`,
  'USER 10001',
  'HEALTHCHECK NONE',
  'CMD ["python", "-m", "worker"]',
  '',
].join('\n');

const NODE_MIRROR_RULE = [
  '# METADATA',
  '# title: Node images come from our mirror',
  '# custom:',
  '#   id: ACME-001',
  '#   severity: deny',
  'package portcullis.rules.acme_node_mirror',
  '',
  'import rego.v1',
  '',
  'deny contains {"msg": "use registry.acme.example/node", "line": stage.line} if {',
  '\tsome stage in input.dockerfile.stages',
  '\tstage.base.image.repository == "library/node"',
  '}',
  '',
].join('\n');

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'portcullis-impact-'));
  await git('init', '--quiet');
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

it('reports a new rule, a built-in rule turned off and a trusted registry as added and removed findings', async () => {
  const base = await commit(
    { Dockerfile: WEB, 'services/api/Dockerfile': API, 'worker/Containerfile': WORKER, 'README.md': '# x\n' },
    'base',
  );
  const head = await commit(
    {
      '.github/portcullis/policies/acme.rego': NODE_MIRROR_RULE,
      '.github/portcullis.yml': [
        'rules:',
        '  PC-DF-001: off',
        'trusted_registries: [docker.io, registry.acme.example]',
        '',
      ].join('\n'),
    },
    'head',
  );

  const impact = await impactBetween(base, head);

  expect(brief(impact.added)).toEqual(['ACME-001 Dockerfile:1 deny']);
  expect(brief(impact.removed)).toEqual([
    'PC-DF-001 Dockerfile:1 deny',
    'PC-DF-014 services/api/Dockerfile:1 deny',
  ]);
  expect(impact.changed).toEqual([]);
  expect(impact.errors).toEqual([]);
  expect(impact.totals).toMatchObject({ targets: 3, added: 1, removed: 2, changed: 0 });
  expect(impact.totals.head).toBe(impact.totals.base + 1 - 2);
  // Findings are reported as `check --format json` shows them.
  expect(impact.added[0]).toMatchObject({
    rule_id: 'ACME-001',
    title: 'Node images come from our mirror',
    message: 'use registry.acme.example/node',
    end_line: 1,
  });
});

it('matches findings by rule, path and line text, so nothing changes when the policies do not', async () => {
  const base = await commit({ Dockerfile: WEB, 'worker/Containerfile': WORKER }, 'base');
  // The head moves every line of the Dockerfile down: both sides judge the head's files anyway.
  const head = await commit({ Dockerfile: `# a comment\n\n${WEB}` }, 'head');
  const impact = await impactBetween(base, head);
  expect(impact.added).toEqual([]);
  expect(impact.removed).toEqual([]);
  expect(impact.totals.base).toBeGreaterThan(0);
  expect(impact.totals.base).toBe(impact.totals.head);
});

it('lists a severity change and a new waiver as changed, not as added and removed', async () => {
  const base = await commit({ Dockerfile: WEB }, 'base');
  const head = await commit(
    {
      '.github/portcullis.yml': 'rules:\n  PC-DF-003: deny\n',
      '.github/portcullis/waivers.yml': [
        'waivers:',
        '  - rule: PC-DF-001',
        '    path: Dockerfile',
        '    reason: pinned by the node team in CI',
        '    owner: "@acme/node"',
        '    expires: 2099-12-31',
        '',
      ].join('\n'),
    },
    'head',
  );
  const [before, after] = [await side(base), await side(head)];
  // Same Rego and data on both sides: one engine, and each target evaluated once for both.
  expect(after.engine).toBe(before.engine);
  const evaluate = jest.spyOn(before.engine, 'evaluate');
  const impact = await policyImpact(await gitCommitTree(repo, head), before, after, {
    today: new Date('2026-06-01'),
  });
  expect(evaluate).toHaveBeenCalledTimes(1);
  evaluate.mockRestore();
  expect(impact.added).toEqual([]);
  expect(impact.removed).toEqual([]);
  expect(
    impact.changed.map(
      (c) => `${c.after.rule_id} ${c.before.severity}->${c.after.severity} ${Boolean(c.after.waived)}`,
    ),
  ).toEqual(['PC-DF-001 deny->deny true', 'PC-DF-003 warn->deny false']);
});

it("judges the files each side's targets configuration selects: a new Dockerfile glob adds findings", async () => {
  const base = await commit({ 'build/app.docker': 'FROM alpine\n', 'worker/Containerfile': WORKER }, 'base');
  const head = await commit({ '.github/portcullis.yml': 'targets:\n  dockerfiles: ["*.docker"]\n' }, 'head');
  const impact = await impactBetween(base, head);
  expect(new Set(impact.added.map((f) => f.path))).toEqual(new Set(['build/app.docker']));
  expect(impact.added.map((f) => f.rule_id)).toContain('PC-DF-001');
  expect(impact.removed).toEqual([]);
  expect(impact.totals.targets).toBe(2);
});

it('reads the tree once with sizes, skipping large files, and resolves refs', async () => {
  const big = `FROM alpine:3.19\n${'# padding\n'.repeat(110_000)}`;
  const sha = await commit({ Dockerfile: WEB, 'big/Dockerfile': big, 'docs/notes.txt': 'x\n' }, 'base');
  expect(await resolveCommit(repo, 'HEAD')).toBe(sha);
  await expect(resolveCommit(repo, 'no-such-branch')).rejects.toThrow('no-such-branch is not a commit');
  const tree = await gitCommitTree(repo, sha);
  expect([...tree.paths].sort()).toEqual(['Dockerfile', 'big/Dockerfile', 'docs/notes.txt']);
  const set = (await side(sha)).set;
  expect(impactTargetPaths(tree.paths, [set]).sort()).toEqual(['Dockerfile', 'big/Dockerfile']);
  const [web, large] = await tree.read(['Dockerfile', 'big/Dockerfile']);
  expect(Buffer.from(web?.content as Uint8Array).toString()).toBe(WEB);
  expect(large?.content).toEqual({ unavailable: expect.stringContaining('over the 1 MiB limit') });

  const impact = await impactBetween(sha, sha);
  expect(impact.errors).toEqual([{ path: 'big/Dockerfile', message: expect.stringContaining('1 MiB') }]);
  expect(impact.totals.targets).toBe(1);
});

describe('a change of trust:', () => {
  let registry: TestRegistry;
  let cosign: CosignWorkspace;
  let keys: CosignKeyPair[];
  const images: string[] = [];

  beforeAll(async () => {
    [registry, cosign] = await Promise.all([startRegistry(), cosignWorkspace()]);
    keys = await Promise.all([cosign.generateKeyPair('release'), cosign.generateKeyPair('other')]);
    for (const name of ['web', 'api']) {
      const { digest } = await pushImage(registry, `acme/${name}`, '1.0', { layers: [{ name }] });
      images.push(`${registry.host}/acme/${name}@${digest}`);
      await cosign.sign(images.at(-1) as string, keys[0] as CosignKeyPair, 'bundle');
    }
  });
  afterAll(async () => {
    await Promise.all([registry?.stop(), cosign?.close()]);
  });

  const trusting = (key: CosignKeyPair) =>
    [
      'trust:',
      '  policies:',
      `    - images: ["${registry.host}/acme/**"]`,
      '      keys:',
      '        - |',
      ...key.publicKeyPem
        .trim()
        .split('\n')
        .map((line) => `          ${line}`),
      '',
    ].join('\n');
  const pods = () =>
    Object.fromEntries(
      images.map((image, i) => [
        `deploy/pod-${i}.yaml`,
        `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nspec:\n  containers:\n    - name: c\n      image: ${image}\n`,
      ]),
    );

  /** The real client, its look-ups counted. */
  class CountingClient extends RegistryClient {
    resolved: string[] = [];
    override resolve(...args: Parameters<RegistryClient['resolve']>) {
      this.resolved.push(args[0].normalized);
      return super.resolve(...args);
    }
  }

  it('judges each image once under both trust policies, up to the cap, and names the images left out', async () => {
    const base = await commit(
      { ...pods(), '.github/portcullis.yml': trusting(keys[0] as CosignKeyPair) },
      'base',
    );
    const head = await commit({ '.github/portcullis.yml': trusting(keys[1] as CosignKeyPair) }, 'head');
    const client = new CountingClient({ insecureRegistries: [registry.host], retries: 0 });
    const impact = await policyImpact(await gitCommitTree(repo, head), await side(base), await side(head), {
      today: new Date('2026-06-01'),
      registry: client,
      maxImages: 1,
    });
    // One image looked up (once, for both sides) newly fails; the other is named in a note.
    expect(client.resolved).toHaveLength(1);
    expect(brief(impact.added)).toEqual([
      expect.stringMatching(/^PC-SIG-001 deploy\/pod-[01]\.yaml:8 deny$/),
    ]);
    expect(impact.notes).toEqual([
      expect.stringMatching(
        /^The trust policy changes: only the first 1 images were looked up, so 1 more are not judged/,
      ),
    ]);
    expect(impact.notes?.[0]).toContain(images.find((image) => image !== client.resolved[0]));
  });

  it('says so when there is no registry to look the images up in', async () => {
    const base = await commit(
      { ...pods(), '.github/portcullis.yml': trusting(keys[0] as CosignKeyPair) },
      'base',
    );
    const head = await commit({ '.github/portcullis.yml': trusting(keys[1] as CosignKeyPair) }, 'head');
    const impact = await impactBetween(base, head);
    expect(impact.added).toEqual([]);
    expect(impact.notes).toEqual([expect.stringContaining('images were not looked up (no registry access)')]);
  });
});
