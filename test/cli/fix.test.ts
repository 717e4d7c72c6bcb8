import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli/main.js';

const run = promisify(execFile);

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), color: false });
  // As bin/portcullis.js writes them: each piece of output ends with a newline.
  return { code, stdout: out.map((t) => `${t}\n`).join(''), stderr: err.join('\n') };
}

const API = [
  'FROM debian:bookworm-slim',
  'MAINTAINER Jane Doe <jane@example.com>',
  'RUN apt-get update && apt-get install curl && rm -rf /var/lib/apt/lists/*',
  'ADD app.conf /etc/app/',
  'USER app',
  'CMD /usr/local/bin/app --port 8080',
  '',
].join('\n');
/** A Windows checkout: CRLF line breaks and a byte order mark. */
const WORKER = `\uFEFF${['FROM python:3.12-alpine', 'RUN apk add libpq', 'RUN pip install celery', 'USER 10001', ''].join('\r\n')}`;
const CLEAN = 'FROM alpine:3.20\nUSER 10001\nCMD ["true"]\n';

let repo: string;
beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'portcullis-fix-'));
  await run('git', ['init', '--quiet', repo]);
  await mkdir(join(repo, 'services', 'worker'), { recursive: true });
  await writeFile(join(repo, 'Dockerfile'), API);
  await writeFile(join(repo, 'services', 'worker', 'Dockerfile'), WORKER);
  await writeFile(join(repo, 'clean.Dockerfile'), CLEAN);
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

/** The findings `check` still reports that come with a fix, as `path:line rule`. */
async function fixableFindings(): Promise<string[]> {
  const { stdout } = await cli('check', '--repo', repo, '--format', 'json');
  const report = JSON.parse(stdout) as {
    findings: { path: string; line: number; rule_id: string; fix?: unknown }[];
  };
  return report.findings.filter((f) => f.fix).map((f) => `${f.path}:${f.line} ${f.rule_id}`);
}

describe('portcullis fix', () => {
  it('prints a git-style diff of every fix, which git apply takes, and changes no file', async () => {
    expect(await fixableFindings()).toHaveLength(7);
    const { code, stdout, stderr } = await cli('fix', '--repo', repo);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^diff --git a\/Dockerfile b\/Dockerfile\n--- a\/Dockerfile\n\+\+\+ b\/Dockerfile\n@@ /,
    );
    expect(stdout).toContain(
      '\n-RUN apt-get update && apt-get install curl && rm -rf /var/lib/apt/lists/*\n',
    );
    expect(stdout).toContain(
      '\n+RUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*\n',
    );
    expect(stdout).toContain('diff --git a/services/worker/Dockerfile b/services/worker/Dockerfile\n');
    expect(stdout).not.toContain('clean.Dockerfile');
    expect(stderr).toContain('7 fixes for 2 files');
    expect(await readFile(join(repo, 'Dockerfile'), 'utf8')).toBe(API);

    await writeFile(join(repo, 'fixes.patch'), stdout);
    await run('git', ['-C', repo, 'apply', 'fixes.patch']);
    await rm(join(repo, 'fixes.patch'));
    expect(await fixableFindings()).toEqual([]);
  });

  it('writes the fixes with --write, after which check reports none of the fixed findings', async () => {
    const { code, stdout } = await cli('fix', '--repo', repo, '--write');
    expect(code).toBe(0);
    expect(stdout).toContain('Dockerfile: 5 fixes');
    expect(stdout).toContain('services/worker/Dockerfile: 2 fixes');
    expect(stdout).toContain('2 files changed: 7 fixes applied.');
    expect(await fixableFindings()).toEqual([]);
    expect(await readFile(join(repo, 'Dockerfile'), 'utf8')).toBe(
      [
        'FROM debian:bookworm-slim',
        'LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"',
        'RUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*',
        'COPY app.conf /etc/app/',
        'USER app',
        'CMD ["/usr/local/bin/app", "--port", "8080"]',
        '',
      ].join('\n'),
    );
    expect(await readFile(join(repo, 'services', 'worker', 'Dockerfile'), 'utf8')).toBe(
      `\uFEFF${[
        'FROM python:3.12-alpine',
        'RUN apk add --no-cache libpq',
        'RUN pip install --no-cache-dir celery',
        'USER 10001',
        '',
      ].join('\r\n')}`,
    );
    expect(await readFile(join(repo, 'clean.Dockerfile'), 'utf8')).toBe(CLEAN);

    const again = await cli('fix', '--repo', repo);
    expect(again).toEqual({ code: 0, stdout: '', stderr: 'Nothing to fix.' });
  });

  it('fixes only the PATHs given', async () => {
    const { stdout } = await cli('fix', '--repo', repo, '--write', join(repo, 'services'));
    expect(stdout).toContain('1 file changed: 2 fixes applied.');
    expect(await readFile(join(repo, 'Dockerfile'), 'utf8')).toBe(API);
  });

  describe('a file named with escape sequences and a workflow command', () => {
    const HOSTILE = ['\u001b[2Jx.Dockerfile', '\n::error::forged\n.Dockerfile'];
    const FIXABLE = 'FROM alpine:3.20\nMAINTAINER x\nUSER 10001\n';
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is checked
    const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
    beforeEach(async () => {
      for (const name of HOSTILE) await writeFile(join(repo, name), FIXABLE);
    });

    it('is named inertly in what --write prints', async () => {
      const { code, stdout, stderr } = await cli(
        'fix',
        '--repo',
        repo,
        '--write',
        ...HOSTILE.map((n) => join(repo, n)),
      );
      expect(code).toBe(0);
      expect(`${stdout}${stderr}`).not.toMatch(CONTROL);
      expect(`${stdout}${stderr}`).not.toMatch(/^\s*::/m);
      expect(stdout).toContain('\nx.Dockerfile: 1 fix');
      expect(stdout).toContain('2 files changed: 2 fixes applied.');
      for (const name of HOSTILE) expect(await readFile(join(repo, name), 'utf8')).toContain('LABEL');
    });

    // The diff is input for git apply: its file lines stay byte-exact, and the paths in its
    // headers are C-quoted as git writes them, which git apply reads back.
    it('is C-quoted in the diff headers, which git apply takes', async () => {
      const { code, stdout } = await cli('fix', '--repo', repo, ...HOSTILE.map((n) => join(repo, n)));
      expect(code).toBe(0);
      expect(stdout).not.toMatch(CONTROL);
      expect(stdout).not.toMatch(/^\s*::/m);
      expect(stdout).toContain('diff --git "a/\\033[2Jx.Dockerfile" "b/\\033[2Jx.Dockerfile"\n');
      await writeFile(join(repo, 'fixes.patch'), stdout);
      await run('git', ['-C', repo, 'apply', 'fixes.patch']);
      for (const name of HOSTILE) expect(await readFile(join(repo, name), 'utf8')).toContain('LABEL');
    });
  });

  it('exits 2 on usage errors', async () => {
    expect((await cli('fix', '--format', 'json')).code).toBe(2);
    expect((await cli('fix', '--repo', repo, join(repo, 'missing'))).code).toBe(2);
  });
});
