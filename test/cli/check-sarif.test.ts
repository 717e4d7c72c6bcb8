import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type * as Sarif from 'sarif';
import { cli } from '../support/cli.js';
import { sarifSchemaProblems } from '../support/sarif-schema.js';

const run = promisify(execFile);
let repo: string;

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'portcullis-sarif-'));
  await run('git', ['init', '--quiet', repo]);
  await writeFile(
    join(repo, 'Dockerfile'),
    [
      'FROM debian',
      'MAINTAINER Jane Doe <jane@example.com>',
      'RUN apt-get update && apt-get install curl && rm -rf /var/lib/apt/lists/*',
      'CMD /usr/local/bin/app',
      '',
    ].join('\n'),
  );
  await writeFile(join(repo, 'big.Dockerfile'), `FROM alpine:3.19\n${'# x\n'.repeat(300_000)}`);
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe('portcullis check --format sarif', () => {
  it('prints a valid SARIF 2.1.0 log with rule metadata, levels, fixes and skipped files', async () => {
    const { code, stdout } = await cli('check', '--repo', repo, '--format', 'sarif');
    expect(code).toBe(1);
    const log = JSON.parse(stdout) as Sarif.Log;
    expect(sarifSchemaProblems(log)).toEqual([]);

    const [sarifRun] = log.runs as [Sarif.Run];
    const { driver } = sarifRun.tool;
    const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(driver).toMatchObject({ name: 'Portcullis', version: manifest.version });
    // Every built-in rule is described, whether or not it fired.
    expect(driver.rules?.length).toBeGreaterThanOrEqual(17);

    const results = sarifRun.results ?? [];
    const levels = Object.fromEntries(results.map((r) => [r.ruleId, r.level]));
    expect(levels).toMatchObject({ 'PC-DF-001': 'error', 'PC-DF-005': 'warning', 'PC-DF-011': 'note' });
    for (const result of results) {
      const rule = driver.rules?.[result.ruleIndex as number];
      expect(rule?.id).toBe(result.ruleId);
      expect(rule?.shortDescription?.text).toBeTruthy();
      expect(rule?.fullDescription?.text).toBeTruthy();
      expect(rule?.help?.text).toBeTruthy();
      expect(rule?.defaultConfiguration?.level).toBe(result.level);
      // The file over the size limit fails closed, on its own line 1 (PC-INPUT-001).
      expect(result.locations?.[0]?.physicalLocation?.artifactLocation).toEqual({
        uri: result.ruleId === 'PC-INPUT-001' ? 'big.Dockerfile' : 'Dockerfile',
        uriBaseId: '%SRCROOT%',
      });
    }

    expect(results.filter((r) => r.ruleId === 'PC-INPUT-001')).toHaveLength(1);
    const fixed = results.filter((r) => r.fixes).map((r) => r.ruleId);
    expect(fixed.sort()).toEqual(['PC-DF-002', 'PC-DF-005', 'PC-DF-011', 'PC-DF-012', 'PC-DF-016']);
    const maintainer = results.find((r) => r.ruleId === 'PC-DF-011');
    expect(maintainer?.fixes?.[0]?.artifactChanges[0]?.replacements).toEqual([
      {
        deletedRegion: { startLine: 2, endLine: 2 },
        insertedContent: { text: 'LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"' },
      },
    ]);

    expect(sarifRun.invocations?.[0]?.toolExecutionNotifications).toEqual([
      expect.objectContaining({
        level: 'error',
        message: { text: expect.stringContaining('big.Dockerfile: skipped') },
      }),
    ]);
  });

  it('is listed among the formats', async () => {
    const { stdout } = await cli('check', '--help');
    expect(stdout).toContain('--format text|json|sarif');
  });
});
