/**
 * The pipeline on plain data: target files in, a Judgement out, judged by the real built-in
 * pack in its sandbox. Registry look-ups and builds are off (no `registry`, no `images`).
 */
import type { PolicyEvaluator } from '../policy/sandbox.js';
import { builtinPolicyEngine, judgementFails, judgeTargets, type TargetFile } from './judge.js';

const text = (s: string) => new TextEncoder().encode(s);
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:latest
`;
/** A Dockerfile the built-in pack has nothing to say about. */
const CLEAN_DOCKERFILE = `FROM alpine:3.19@sha256:${'a'.repeat(64)}
USER 65532:65532
HEALTHCHECK NONE
CMD ["/app"]
`;

let engine: PolicyEvaluator;
beforeAll(async () => {
  engine = await builtinPolicyEngine();
});

const ruleIdsAt = (findings: readonly { rule_id: string; line: number }[]) =>
  findings.map((f) => `${f.line}:${f.rule_id}`);

describe('judgeTargets', () => {
  it('judges a Dockerfile: each finding at its line, sorted, and the check fails on deny', async () => {
    const judgement = await judgeTargets(
      [{ path: 'Dockerfile', content: text('FROM alpine:latest\nRUN apk add curl\n') }],
      engine,
    );
    expect(judgement.targets.map((t) => [t.path, t.kind, t.skipped])).toEqual([
      ['Dockerfile', 'dockerfile', undefined],
    ]);
    expect(ruleIdsAt(judgement.findings)).toEqual(
      expect.arrayContaining(['1:PC-DF-001', '1:PC-DF-002', '2:PC-DF-006']),
    );
    const lines = judgement.findings.map((f) => f.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(judgement.errors).toEqual([]);
    expect(judgement.failOn).toEqual(['deny']);
    expect(judgement.policySource).toBe('the built-in pack');
    expect(judgementFails(judgement)).toBe(true);
  });

  it('passes a Dockerfile the pack finds nothing in', async () => {
    const judgement = await judgeTargets([{ path: 'Dockerfile', content: text(CLEAN_DOCKERFILE) }], engine);
    expect(judgement.findings).toEqual([]);
    expect(judgementFails(judgement)).toBe(false);
  });

  it('judges a Kubernetes manifest by its image references, at the line of each image', async () => {
    const judgement = await judgeTargets([{ path: 'deploy/web.yaml', content: text(DEPLOYMENT) }], engine);
    expect(judgement.targets[0]?.kind).toBe('kubernetes');
    expect(ruleIdsAt(judgement.findings)).toContain('10:PC-IMG-001');
    expect(judgement.findings.every((f) => f.path === 'deploy/web.yaml')).toBe(true);
  });

  it('fails closed on a container file it could not read: PC-INPUT-001 at deny, with the reason', async () => {
    const unreadable: TargetFile = { path: 'app/Dockerfile', content: { unavailable: 'unreadable: EACCES' } };
    const judgement = await judgeTargets([unreadable], engine);
    expect(judgement.targets).toEqual([
      {
        path: 'app/Dockerfile',
        kind: null,
        skipped: 'unreadable: EACCES',
        findings: [expect.objectContaining({ rule_id: 'PC-INPUT-001', severity: 'deny', line: 1 })],
      },
    ]);
    expect(judgement.findings[0]?.message).toBe('Portcullis could not judge this file: unreadable: EACCES');
    expect(judgement.errors).toEqual([{ path: 'app/Dockerfile', message: 'unreadable: EACCES' }]);
    expect(judgementFails(judgement)).toBe(true);
  });

  it('fails closed on a binary Dockerfile and on a file its named format cannot parse', async () => {
    const judgement = await judgeTargets(
      [
        { path: 'Dockerfile', content: text('FROM alpine\n\0') },
        { path: 'deploy.txt', kind: 'kubernetes', content: text('a: [\n') },
      ],
      engine,
    );
    expect(judgement.targets.map((t) => [t.path, t.skipped, t.findings.map((f) => f.rule_id)])).toEqual([
      ['Dockerfile', 'skipped: binary file', ['PC-INPUT-001']],
      ['deploy.txt', expect.stringMatching(/^could not be read: line 1: invalid YAML/), ['PC-INPUT-001']],
    ]);
  });

  it('notes an unreadable file that is no container file without a finding', async () => {
    const judgement = await judgeTargets(
      [{ path: 'config/data.yaml', content: text('name: x\0\n') }],
      engine,
    );
    expect(judgement.targets).toEqual([
      { path: 'config/data.yaml', kind: null, findings: [], skipped: 'skipped: binary file' },
    ]);
    expect(judgementFails(judgement)).toBe(false);
  });

  it('drops a YAML file no extractor claims, and needs no engine when nothing is a target', async () => {
    const settings: TargetFile = { path: 'config/settings.yaml', content: text('name: x\nreplicas: 2\n') };
    expect((await judgeTargets([settings], engine)).targets).toEqual([]);
    expect(await judgeTargets([settings], null)).toEqual({
      targets: [],
      findings: [],
      errors: [],
      failOn: ['deny'],
      policySource: 'the built-in pack',
    });
  });

  it('keeps the inline ignores of a Dockerfile with the lines of the instruction each covers', async () => {
    const dockerfile = '# portcullis ignore=PC-DF-001 reason="pinned by the build"\nFROM alpine:latest\n';
    const [target] = (await judgeTargets([{ path: 'Dockerfile', content: text(dockerfile) }], engine))
      .targets;
    expect(target?.ignores).toEqual([
      expect.objectContaining({ rules: ['PC-DF-001'], line: 1, covers: { line: 2, end_line: 2 } }),
    ]);
  });
});
