import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cli } from '../support/cli.js';

const run = promisify(execFile);
let repo: string;

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'portcullis-cli-'));
  await run('git', ['init', '--quiet', repo]);
  await mkdir(join(repo, 'services', 'api'), { recursive: true });
  await writeFile(
    join(repo, 'services', 'api', 'Dockerfile'),
    [
      'FROM golang:1.22 AS build',
      'RUN go build -o /app .',
      '',
      'FROM alpine',
      'COPY --from=build /app /app',
      'CMD ["/app"]',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(repo, 'clean.Dockerfile'),
    `FROM alpine:3.19@sha256:${'a'.repeat(64)}\nUSER 10001\nHEALTHCHECK NONE\nCMD ["true"]\n`,
  );
  await writeFile(join(repo, '.gitignore'), 'ignored/\n');
  await mkdir(join(repo, 'ignored'));
  await writeFile(join(repo, 'ignored', 'Dockerfile'), 'FROM alpine\n');
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe('portcullis check', () => {
  it('judges every container file of the repository, not ignored ones, as JSON with repo-relative paths', async () => {
    const { code, stdout } = await cli('check', '--repo', repo, '--format', 'json', '--offline');
    const report = JSON.parse(stdout) as {
      findings: { rule_id: string; path: string; line: number }[];
      errors: unknown[];
    };
    expect(code).toBe(1);
    const paths = new Set(report.findings.map((f) => f.path));
    expect(paths).toContain('services/api/Dockerfile');
    expect(paths).not.toContain('ignored/Dockerfile');
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        rule_id: 'PC-DF-001',
        path: 'services/api/Dockerfile',
        line: 4,
        severity: 'deny',
      }),
    );
    expect(report.errors).toEqual([]);
    for (const f of report.findings) {
      expect(Object.keys(f)).toEqual(
        expect.arrayContaining(['rule_id', 'severity', 'path', 'line', 'end_line', 'message']),
      );
    }
  });

  it('exits 0 when nothing is denied', async () => {
    const { code, stdout } = await cli('check', '--repo', repo, join(repo, 'clean.Dockerfile'));
    expect(code).toBe(0);
    expect(stdout).toContain('clean.Dockerfile');
    expect(stdout).toMatch(/0 deny/);
  });

  it('exits 2 on usage errors', async () => {
    expect((await cli('check', '--format', 'yaml')).code).toBe(2);
    expect((await cli('check', '--repo', repo, join(repo, 'missing'))).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
  });

  it('reports an oversized file as an error instead of parsing it', async () => {
    await writeFile(join(repo, 'big.Dockerfile'), `FROM alpine:3.19\n${'# x\n'.repeat(300_000)}`);
    const { stdout } = await cli('check', '--repo', repo, '--format', 'json', join(repo, 'big.Dockerfile'));
    expect(JSON.parse(stdout).errors).toEqual([
      { path: 'big.Dockerfile', message: expect.stringContaining('over the 1 MiB limit') },
    ]);
    await rm(join(repo, 'big.Dockerfile'));
  });
});
