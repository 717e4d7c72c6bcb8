/**
 * ShellCheck through `portcullis check`: its findings on RUN scripts come out as PC-SH-001 on
 * the Dockerfile's own lines, in the JSON report and the text report.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cli } from '../support/cli.js';
import { describeWithTools } from '../support/required-tools.js';

const run = promisify(execFile);
let repo: string;

const DOCKERFILE = [
  'FROM debian:12', // 1
  'RUN --mount=type=cache,target=/var/cache/apt \\',
  '    apt-get update && \\',
  '    echo $VERSION && cd /src', // 4: SC2086 (info), SC2164 (warning)
  '# shellcheck disable=SC2164',
  'RUN cd /srv', // 6: disabled
  'RUN <<EOF',
  'echo start',
  'cd /opt', // 9: SC2164 in the heredoc script
  'EOF',
  '',
].join('\n');

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'portcullis-cli-shellcheck-'));
  await run('git', ['init', '--quiet', repo]);
  await writeFile(join(repo, 'Dockerfile'), DOCKERFILE);
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

describeWithTools(['shellcheck'], 'portcullis check with ShellCheck', () => {
  it('reports ShellCheck findings as PC-SH-001 on the Dockerfile lines, by level', async () => {
    const { stdout, stderr } = await cli('check', '--repo', repo, '--format', 'json', '--offline');
    expect(stderr).not.toContain('ShellCheck is not installed');
    const report = JSON.parse(stdout) as {
      findings: { rule_id: string; line: number; severity: string; message: string }[];
    };
    const shellcheck = report.findings
      .filter((f) => f.rule_id === 'PC-SH-001')
      .map((f) => [f.line, f.severity, f.message.split(' ')[0]]);
    expect(shellcheck).toEqual([
      [4, 'warn', 'SC2164'],
      [4, 'info', 'SC2086'],
      [9, 'warn', 'SC2164'],
    ]);
  });

  it('reports the same when a second check finds them already known (the files then parsed in the policy workers)', async () => {
    const many = await mkdtemp(join(tmpdir(), 'portcullis-cli-shellcheck-known-'));
    try {
      await run('git', ['init', '--quiet', many]);
      // Texts no earlier check saw, and more files than are judged on the calling thread.
      const unique = `# ${Date.now()} ${Math.random()}`;
      for (let i = 0; i < 12; i++) {
        await mkdir(join(many, `s${i}`));
        await writeFile(join(many, `s${i}`, 'Dockerfile'), `${DOCKERFILE}${unique} ${i}\nRUN cd /x${i}\n`);
      }
      const report = async () => {
        const { stdout } = await cli('check', '--repo', many, '--format', 'json', '--offline');
        return (JSON.parse(stdout) as { findings: unknown[] }).findings;
      };
      const gathered = await report();
      const known = await report();
      expect(known).toEqual(gathered);
      expect(gathered.filter((f) => (f as { rule_id: string }).rule_id === 'PC-SH-001')).toHaveLength(12 * 4);

      // Some files new to ShellCheck among known ones and files it has nothing to say about: the
      // known ones stream to the workers until the first new one, the rest go in batches; the
      // text report, written as files are judged, keeps the files' order all the same.
      await writeFile(join(many, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n');
      await writeFile(join(many, 's7', 'Dockerfile'), `${DOCKERFILE}${unique} changed\nRUN cd /y\n`);
      await mkdir(join(many, 'k8s'));
      await writeFile(
        join(many, 'k8s', 'deploy.yaml'),
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: redis\n',
      );
      await run('git', ['-C', many, 'add', '-A']);
      const text = async () => (await cli('check', '--repo', many, '--offline')).stdout;
      const mixed = await text();
      const allKnown = await text();
      expect(mixed).toBe(allKnown);
      const order = [...mixed.matchAll(/^(\S+)$/gm)].map((m) => m[1]);
      expect(order).toEqual(expect.arrayContaining(['compose.yaml', 'k8s/deploy.yaml', 's7/Dockerfile']));
      expect(order).toEqual([...order].sort());
    } finally {
      await rm(many, { recursive: true, force: true });
    }
  });

  it('shows them in the text report at their lines', async () => {
    const { stdout } = await cli('check', '--repo', repo, '--offline');
    expect(stdout).toMatch(/4.*PC-SH-001.*SC2164/);
    expect(stdout).toMatch(/9.*PC-SH-001.*SC2164/);
    expect(stdout).not.toMatch(/\b6\b.*PC-SH-001/);
  });
});
