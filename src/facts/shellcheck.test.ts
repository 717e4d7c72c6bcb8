import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithTools } from '../../test/support/required-tools.js';
import type { ShellCheckFinding } from '../input/policy-input.js';
import { parseDockerfile } from '../targets/dockerfile/parse.js';
import { toolPath } from '../tools.js';
import { gatherShellCheckFacts, ShellCheckError, shellCheckOptions } from './shellcheck.js';

/** The findings of each checked RUN, by its line, as [code, line, column]. */
async function check(text: string, command = toolPath('shellcheck')) {
  const facts = await gatherShellCheckFacts(
    [{ path: 'Dockerfile', text, dockerfile: parseDockerfile(text) }],
    {
      command,
    },
  );
  const byLine = facts.get('Dockerfile') ?? new Map<number, ShellCheckFinding[]>();
  return Object.fromEntries(
    [...byLine].map(([line, findings]) => [line, findings.map((f) => [f.code, f.line, f.column])]),
  );
}

describeWithTools(['shellcheck'], 'ShellCheck facts', () => {
  it('places findings of a continued RUN with flags and a comment line on the Dockerfile lines and columns', async () => {
    const text = [
      'FROM debian',
      'RUN --mount=type=cache,target=/var/cache/apt \\',
      '    apt-get update && \\',
      '    # BuildKit drops this line',
      '    apt-get install -y $PKGS && cd /app',
    ].join('\n');
    expect(await check(text)).toEqual({
      2: [
        ['SC2086', 5, 24],
        ['SC2164', 5, 33],
      ],
    });
  });

  it('gives each finding its full position and ShellCheck level', async () => {
    const text = 'FROM debian\nRUN echo $HOME\n';
    const facts = await gatherShellCheckFacts([{ path: 'x', text, dockerfile: parseDockerfile(text) }], {
      command: toolPath('shellcheck'),
    });
    expect(facts.get('x')?.get(2)).toEqual([
      {
        code: 'SC2086',
        level: 'info',
        message: 'Double quote to prevent globbing and word splitting.',
        line: 2,
        column: 10,
        end_line: 2,
        end_column: 15,
      },
    ]);
  });

  it('checks heredoc scripts on their body lines, as the shell runs them', async () => {
    const text = [
      'FROM debian',
      'RUN <<EOF',
      'echo $A | grep x',
      'cd /y',
      'EOF',
      'RUN bash <<EOF',
      'cd /z',
      'EOF',
      'RUN python3 <<EOF',
      'cd $not_shell',
      'EOF',
    ].join('\n');
    expect(await check(text)).toEqual({
      2: [
        ['SC2086', 3, 6],
        ['SC2164', 4, 1],
      ],
      6: [['SC2164', 7, 1]],
      9: [],
    });
  });

  it('honours # shellcheck disable= above a RUN (and Hadolint ignore= of SC codes), and directives inside heredocs', async () => {
    const text = [
      'FROM debian',
      '# shellcheck disable=SC2164,SC2086',
      'RUN cd /x && echo $A',
      '# hadolint ignore=SC2164',
      'RUN cd /x && echo $A',
      'RUN <<EOF',
      '# shellcheck disable=SC2164',
      'cd /y',
      'EOF',
    ].join('\n');
    expect(await check(text)).toEqual({
      3: [],
      5: [['SC2086', 5, 19]],
      6: [],
    });
  });

  it('reads the RUN with the SHELL in effect: bash syntax passes under bash, and PowerShell is not checked', async () => {
    const text = [
      'FROM debian',
      'RUN [[ -f /x ]] && echo ok',
      'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
      'RUN [[ -f /x ]] && echo ok',
      'SHELL ["pwsh", "-c"]',
      'RUN Write-Host $env:PATH',
    ].join('\n');
    const found = await check(text);
    expect(found[2]?.map(([code]) => code)).toContain('SC3010');
    expect(found[4]).toEqual([]);
    expect(found[6]).toBeUndefined();
  });

  it('maps a # escape=` continuation and checks ONBUILD RUN on its own line', async () => {
    const text = [
      '# escape=`',
      'FROM debian',
      'RUN apt-get update && `',
      '    cd /app',
      'ONBUILD RUN cd /y',
    ].join('\n');
    expect(await check(text)).toEqual({ 3: [['SC2164', 4, 5]], 5: [['SC2164', 5, 13]] });
  });

  it("keeps each Dockerfile's findings in the disk cache, by its text", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-shellcheck-cache-'));
    try {
      const text = `FROM debian\nRUN cd /${Date.now()}\n`;
      const gather = () =>
        gatherShellCheckFacts([{ path: 'D', text, dockerfile: parseDockerfile(text) }], {
          command: toolPath('shellcheck'),
          cacheDir: dir,
        });
      const first = await gather();
      expect((await readdir(dir)).filter((f) => f.endsWith('.entry'))).toHaveLength(1);
      expect(await gather()).toEqual(first);
      expect(
        first
          .get('D')
          ?.get(2)
          ?.map((f) => f.code),
      ).toEqual(['SC2164']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('isolates a RUN that takes ShellCheck past its memory cap: that RUN gets a limit finding, the others their analysis', async () => {
    const prlimit = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => existsSync(p));
    if (!prlimit) throw new Error('util-linux prlimit is needed (it is in every Debian)');
    const deep = `${'${X:-'.repeat(3000)}x${'}'.repeat(3000)}`;
    const text = `FROM debian\nRUN echo ${deep}\nRUN echo $foo\n`;
    const facts = await gatherShellCheckFacts(
      [{ path: 'Dockerfile', text, dockerfile: parseDockerfile(text) }],
      {
        command: toolPath('shellcheck'),
        prlimit,
        memoryBytes: 128 * 1024 * 1024,
      },
    );
    const byLine = facts.get('Dockerfile') ?? new Map<number, ShellCheckFinding[]>();
    expect(byLine.get(2)?.map((f) => [f.code, f.level])).toEqual([['limit', 'error']]);
    expect(byLine.get(3)?.map((f) => f.code)).toEqual(['SC2086']);
  });

  it('fails closed when the program is there but does not answer as ShellCheck', async () => {
    await expect(check('FROM debian\nRUN true\n', '/bin/sh')).rejects.toThrow(ShellCheckError);
  });
});

describe('without ShellCheck', () => {
  let empty: string;
  const path = process.env.PATH;
  beforeAll(async () => {
    empty = await mkdtemp(join(tmpdir(), 'portcullis-no-shellcheck-'));
  });
  afterAll(async () => {
    process.env.PATH = path;
    await rm(empty, { recursive: true, force: true });
  });

  it('gives no gatherer and one note', () => {
    process.env.PATH = empty;
    const notes: string[] = [];
    expect(shellCheckOptions((note) => notes.push(note))).toEqual({});
    expect(shellCheckOptions((note) => notes.push(note))).toEqual({});
    process.env.PATH = path;
    expect(notes).toEqual([
      expect.stringMatching(/^ShellCheck is not installed: RUN scripts were not checked/),
    ]);
  });
});
