/**
 * Fail closed: a container file Portcullis cannot judge fails `check` with PC-INPUT-001 on
 * line 1, unless the repository turns the rule off. Each file below would otherwise hide a
 * `USER root` (or a manifest) from the policies.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cli } from '../support/cli.js';

const run = promisify(execFile);
let repo: string;

interface Report {
  findings: {
    rule_id: string;
    path: string;
    line: number;
    end_line: number;
    severity: string;
    message: string;
  }[];
  errors: { path: string; message: string }[];
}

async function check(path: string) {
  const { code, stdout } = await cli(
    'check',
    '--repo',
    repo,
    '--format',
    'json',
    '--offline',
    join(repo, path),
  );
  return { code, report: JSON.parse(stdout) as Report };
}

const ROOT = 'FROM alpine:latest\nUSER root\n';
/** A chain of ARGs each twice as long as the one before: 2^40 characters if expanded. */
const DOUBLING = [
  'ARG A0=xxxxxxxxxxxxxxxx',
  ...Array.from({ length: 40 }, (_, i) => `ARG A${i + 1}=\${A${i}}\${A${i}}`),
  'FROM alpine:$A40',
  'USER root',
  '',
].join('\n');

const FILES: [name: string, content: string | Buffer, why: RegExp][] = [
  ['padded.Dockerfile', `${ROOT}${'# padding\n'.repeat(120_000)}`, /over the 1 MiB limit/],
  [
    'invalid-utf8.Dockerfile',
    Buffer.concat([
      Buffer.from('FROM alpine:latest\n# caf'),
      Buffer.from([0xe9]),
      Buffer.from('\nUSER root\n'),
    ]),
    /not valid UTF-8/,
  ],
  [
    'nul.Dockerfile',
    Buffer.concat([Buffer.from('FROM alpine:latest\n# '), Buffer.from([0]), Buffer.from('\nUSER root\n')]),
    /binary/,
  ],
  ['doubling.Dockerfile', DOUBLING, /64 KiB/],
  [
    'deploy/pod.yaml',
    'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: nginx\n  bad: [unclosed\n',
    /invalid YAML/,
  ],
];

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'portcullis-unjudgeable-'));
  await run('git', ['init', '--quiet', repo]);
  await mkdir(join(repo, 'deploy'));
  for (const [name, content] of FILES) await writeFile(join(repo, name), content);
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe('check on a container file it cannot judge', () => {
  it.each(FILES)('fails %s with PC-INPUT-001 on line 1, naming why', async (name, _content, why) => {
    const { code, report } = await check(name);
    expect(code).toBe(1);
    expect(report.findings).toEqual([
      {
        rule_id: 'PC-INPUT-001',
        severity: 'deny',
        path: name,
        line: 1,
        end_line: 1,
        title: 'Container file could not be judged',
        message: expect.stringMatching(/^Portcullis could not judge this file: /),
      },
    ]);
    expect(report.findings[0]?.message).toMatch(why);
    // The errors list stays as it was: scripts reading it keep working.
    expect(report.errors).toEqual([{ path: name, message: expect.stringMatching(why) }]);
  });

  it('passes when the repository turns PC-INPUT-001 off, and warns when it lowers it', async () => {
    await mkdir(join(repo, '.github'));
    await writeFile(join(repo, '.github', 'portcullis.yml'), 'rules:\n  PC-INPUT-001: off\n');
    for (const [name] of FILES) {
      const { code, report } = await check(name);
      expect({ name, code, findings: report.findings }).toEqual({ name, code: 0, findings: [] });
    }
    await writeFile(join(repo, '.github', 'portcullis.yml'), 'rules:\n  PC-INPUT-001: warn\n');
    const { code, report } = await check('padded.Dockerfile');
    expect(code).toBe(0);
    expect(report.findings).toEqual([expect.objectContaining({ rule_id: 'PC-INPUT-001', severity: 'warn' })]);
  });

  it('can be waived like any finding', async () => {
    await mkdir(join(repo, '.github', 'portcullis'), { recursive: true });
    await writeFile(
      join(repo, '.github', 'portcullis', 'waivers.yml'),
      'waivers:\n  - rule: PC-INPUT-001\n    path: padded.Dockerfile\n    reason: generated, checked upstream\n    owner: "@acme/platform"\n    expires: 2099-01-01\n',
    );
    const { code, report } = await check('padded.Dockerfile');
    expect(code).toBe(0);
    expect(report.findings).toEqual([
      expect.objectContaining({
        rule_id: 'PC-INPUT-001',
        waived: expect.objectContaining({ owner: '@acme/platform' }),
      }),
    ]);
  });

  it('leaves unreadable files that are surely no container file alone', async () => {
    await writeFile(join(repo, 'data.yaml'), Buffer.from([0x00, 0x01, 0x02, 0xff]));
    await writeFile(
      join(repo, 'package-lock.json'),
      `{"lockfileVersion": 3, "x": "${'a'.repeat(1_100_000)}"}`,
    );
    for (const name of ['data.yaml', 'package-lock.json']) {
      const { code, report } = await check(name);
      expect({ name, code, findings: report.findings }).toEqual({ name, code: 0, findings: [] });
    }
  });
});
