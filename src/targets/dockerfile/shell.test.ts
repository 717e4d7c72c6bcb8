// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile and shell text is full of literal ${…}.
import type { ShellCommand } from '../../input/policy-input.js';
import { splitShellCommands } from './shell.js';

/** The commands of instruction text starting on line 10, with the default escape character. */
const split = (text: string, lineContinuation: string | null = '\\') =>
  splitShellCommands(text, 10, lineContinuation);
const argvs = (commands: ShellCommand[]) => commands.map((c) => c.argv);

describe('splitShellCommands: lists', () => {
  it('splits && chains across continuation lines, each command on the line of its first word', () => {
    const text = [
      'apt-get update \\',
      '    && apt-get install -y curl \\',
      '    && rm -rf /var/lib/apt/lists/*',
    ].join('\n');
    expect(split(text)).toEqual([
      {
        argv: ['apt-get', 'update'],
        assignments: [],
        text: 'apt-get update',
        line: 10,
        pipeline: 0,
        position: 0,
      },
      {
        argv: ['apt-get', 'install', '-y', 'curl'],
        assignments: [],
        text: 'apt-get install -y curl',
        line: 11,
        pipeline: 1,
        position: 0,
      },
      {
        argv: ['rm', '-rf', '/var/lib/apt/lists/*'],
        assignments: [],
        text: 'rm -rf /var/lib/apt/lists/*',
        line: 12,
        pipeline: 2,
        position: 0,
      },
    ]);
  });

  it('splits on ||, ; and a trailing &, each starting a new pipeline', () => {
    const commands = split('make || echo failed; make install & wait');
    expect(argvs(commands)).toEqual([['make'], ['echo', 'failed'], ['make', 'install'], ['wait']]);
    expect(commands.map((c) => c.pipeline)).toEqual([0, 1, 2, 3]);
  });

  it('numbers lines of a command whose words continue on later lines from its first word', () => {
    const text = ['pip install \\', '  --no-cache-dir \\', '  -r requirements.txt && \\', '  pip check'].join(
      '\n',
    );
    const commands = split(text);
    expect(commands.map((c) => [c.line, c.text])).toEqual([
      [10, 'pip install --no-cache-dir -r requirements.txt'],
      [13, 'pip check'],
    ]);
  });

  it('drops comment lines inside a continued instruction, as BuildKit does, from argv, text and line count', () => {
    const text = [
      'apt-get install -y \\',
      '    build-essential \\',
      '    # libpq for psycopg',
      '    libpq-dev \\',
      '  # the cleanup',
      '  && rm -rf /var/lib/apt/lists/*',
    ].join('\n');
    expect(split(text)).toEqual([
      {
        argv: ['apt-get', 'install', '-y', 'build-essential', 'libpq-dev'],
        assignments: [],
        text: 'apt-get install -y build-essential libpq-dev',
        line: 10,
        pipeline: 0,
        position: 0,
      },
      {
        argv: ['rm', '-rf', '/var/lib/apt/lists/*'],
        assignments: [],
        text: 'rm -rf /var/lib/apt/lists/*',
        line: 15,
        pipeline: 1,
        position: 0,
      },
    ]);
  });

  it('drops empty continuation lines too, without ending the command', () => {
    expect(split('echo a \\\n\n  b && c').map((c) => [c.argv, c.line])).toEqual([
      [['echo', 'a', 'b'], 10],
      [['c'], 12],
    ]);
  });

  it('accepts blanks after the continuation character', () => {
    const commands = split('echo foo\\  \n  bar && baz');
    expect(commands.map((c) => [c.argv, c.text, c.line])).toEqual([
      [['echo', 'foo', 'bar'], 'echo foo bar', 10],
      [['baz'], 'baz', 11],
    ]);
  });

  it('joins a word broken by a continuation without indentation', () => {
    expect(split('echo ab\\\ncd')[0]).toMatchObject({ argv: ['echo', 'abcd'], text: 'echo abcd' });
  });

  it('ignores a trailing comment', () => {
    expect(argvs(split('echo a # && rm -rf /'))).toEqual([['echo', 'a']]);
    expect(argvs(split('echo a#b'))).toEqual([['echo', 'a#b']]);
  });

  it('returns nothing for operators without commands', () => {
    expect(split('&& || ; | |&')).toEqual([]);
    expect(split('')).toEqual([]);
    expect(split('   # only a comment')).toEqual([]);
  });
});

describe('splitShellCommands: pipelines', () => {
  it('gives commands joined by | one pipeline number and their positions in it', () => {
    const commands = split('curl -fsSL https://example.com/install.sh | sh -s -- --yes && echo done');
    expect(commands.map((c) => [c.argv[0], c.pipeline, c.position])).toEqual([
      ['curl', 0, 0],
      ['sh', 0, 1],
      ['echo', 1, 0],
    ]);
  });

  it('treats |& as a pipe', () => {
    expect(split('make |& tee build.log').map((c) => [c.argv, c.pipeline, c.position])).toEqual([
      [['make'], 0, 0],
      [['tee', 'build.log'], 0, 1],
    ]);
  });

  it('counts a pipeline across a continuation line', () => {
    const commands = split('wget -qO- https://x \\\n  | tar -xz -C /opt \\\n  | cat');
    expect(commands.map((c) => [c.argv[0], c.line, c.pipeline, c.position])).toEqual([
      ['wget', 10, 0, 0],
      ['tar', 11, 0, 1],
      ['cat', 12, 0, 2],
    ]);
  });
});

describe('splitShellCommands: words', () => {
  it('removes single quotes and keeps their content literally', () => {
    expect(split(`python -c 'import sys; print(sys.argv) | $HOME \\ x'`)[0]?.argv).toEqual([
      'python',
      '-c',
      'import sys; print(sys.argv) | $HOME \\ x',
    ]);
  });

  it('removes double quotes and applies the escapes valid inside them', () => {
    expect(split('echo "a \\"quoted\\" \\$HOME \\\\ \\n" next')[0]?.argv).toEqual([
      'echo',
      'a "quoted" $HOME \\ \\n',
      'next',
    ]);
  });

  it('joins quoted and unquoted parts of one word', () => {
    expect(split(`echo --opt="a b"'c d'e`)[0]?.argv).toEqual(['echo', '--opt=a bc de']);
  });

  it('keeps a backslash-escaped blank inside the word', () => {
    expect(split('touch my\\ file')[0]?.argv).toEqual(['touch', 'my file']);
  });

  it('keeps the text of a command as written, quotes included', () => {
    expect(split(`echo "a && b" 'c; d' && ls`).map((c) => c.text)).toEqual([`echo "a && b" 'c; d'`, 'ls']);
  });

  it('joins continued lines inside quotes, keeping their indentation', () => {
    expect(split("python -c 'import os; \\\n    print(1)'")[0]).toMatchObject({
      argv: ['python', '-c', 'import os;     print(1)'],
      line: 10,
    });
    expect(split('echo "one \\\n  two" && ls').map((c) => [c.argv, c.line])).toEqual([
      [['echo', 'one   two'], 10],
      [['ls'], 11],
    ]);
  });

  it('does not split inside $(…), ${…} or backticks', () => {
    const commands = split('VERSION=$(cat v | tr -d "\\n"; echo x) make ${A:-x;y} `date | cut -c1`; ls');
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatchObject({
      assignments: ['VERSION=$(cat v | tr -d "\\n"; echo x)'],
      argv: ['make', '${A:-x;y}', '`date | cut -c1`'],
      pipeline: 0,
    });
    expect(commands[1]).toMatchObject({ argv: ['ls'], pipeline: 1 });
  });

  it('keeps nested $(…) and quotes inside it', () => {
    expect(split('echo $(dirname $(which "a b)")) | wc')[0]?.argv).toEqual([
      'echo',
      '$(dirname $(which "a b)"))',
    ]);
  });

  it('does not throw on unterminated quotes or substitutions', () => {
    expect(split("echo 'never closed")[0]?.argv).toEqual(['echo', 'never closed']);
    expect(split('echo "never closed')[0]?.argv).toEqual(['echo', 'never closed']);
    expect(split('echo $(never && closed')[0]?.argv).toEqual(['echo', '$(never && closed']);
  });
});

describe('splitShellCommands: redirections and assignments', () => {
  it('drops redirections and their targets from argv and text', () => {
    expect(split('apt-get install -y curl > /dev/null 2>&1 && echo ok')).toEqual([
      {
        argv: ['apt-get', 'install', '-y', 'curl'],
        assignments: [],
        text: 'apt-get install -y curl',
        line: 10,
        pipeline: 0,
        position: 0,
      },
      { argv: ['echo', 'ok'], assignments: [], text: 'echo ok', line: 10, pipeline: 1, position: 0 },
    ]);
  });

  it.each([
    ['cmd 2> err.log >> out.log < in.txt &> all'],
    ['cmd 2>/dev/null'],
    ['cmd >|forced'],
    ['cmd <<< "here string"'],
    ['cmd &>> both.log'],
    ['cmd 3<> file'],
  ])('drops the redirections of %s', (text) => {
    expect(argvs(split(text))).toEqual([['cmd']]);
  });

  it('keeps a redirection written before the command out of argv', () => {
    expect(argvs(split('> /tmp/log echo hi'))).toEqual([['echo', 'hi']]);
  });

  it('moves leading VAR=value assignments out of argv', () => {
    expect(split('DEBIAN_FRONTEND=noninteractive TZ="Etc/UTC" apt-get install -y tzdata')[0]).toEqual({
      argv: ['apt-get', 'install', '-y', 'tzdata'],
      assignments: ['DEBIAN_FRONTEND=noninteractive', 'TZ=Etc/UTC'],
      text: 'apt-get install -y tzdata',
      line: 10,
      pipeline: 0,
      position: 0,
    });
  });

  it('keeps later NAME=value words as arguments', () => {
    expect(split('make PREFIX=/usr install')[0]).toMatchObject({
      argv: ['make', 'PREFIX=/usr', 'install'],
      assignments: [],
    });
  });

  it('reports an assignment-only command with an empty argv', () => {
    expect(split('export A=1 && B=2')).toEqual([
      { argv: ['export', 'A=1'], assignments: [], text: 'export A=1', line: 10, pipeline: 0, position: 0 },
      { argv: [], assignments: ['B=2'], text: 'B=2', line: 10, pipeline: 1, position: 0 },
    ]);
  });
});

describe('splitShellCommands: compound commands', () => {
  it('skips if/then/else/fi keywords and keeps the commands inside', () => {
    const commands = split('if [ -f /etc/debian_version ]; then apt-get update; else apk update; fi');
    expect(argvs(commands)).toEqual([
      ['[', '-f', '/etc/debian_version', ']'],
      ['apt-get', 'update'],
      ['apk', 'update'],
    ]);
  });

  it('skips while/do/done, braces, subshells, ! and time', () => {
    expect(argvs(split('while true; do sleep 1; done'))).toEqual([['true'], ['sleep', '1']]);
    expect(argvs(split('{ echo a; echo b; } > out'))).toEqual([
      ['echo', 'a'],
      ['echo', 'b'],
    ]);
    expect(argvs(split('(cd /tmp && make)'))).toEqual([['cd', '/tmp'], ['make']]);
    expect(argvs(split('! grep -q foo bar'))).toEqual([['grep', '-q', 'foo', 'bar']]);
    expect(argvs(split('time make -j4'))).toEqual([['make', '-j4']]);
  });

  it('treats reserved words as keywords only in command position', () => {
    expect(argvs(split('echo done && echo fi then'))).toEqual([
      ['echo', 'done'],
      ['echo', 'fi', 'then'],
    ]);
    expect(argvs(split('for f in a b; do echo $f done; done'))).toEqual([
      ['for', 'f', 'in', 'a', 'b'],
      ['echo', '$f', 'done'],
    ]);
  });
});

describe('splitShellCommands: heredoc bodies (lineContinuation null)', () => {
  it('separates commands by newlines, numbering lines from the first body line', () => {
    const body = ['set -eux', '', 'npm ci --omit=dev', 'npm cache clean --force'].join('\n');
    expect(split(body, null).map((c) => [c.argv, c.line, c.pipeline])).toEqual([
      [['set', '-eux'], 10, 0],
      [['npm', 'ci', '--omit=dev'], 12, 1],
      [['npm', 'cache', 'clean', '--force'], 13, 2],
    ]);
  });

  it('keeps comment lines as comments and joins backslash-newline', () => {
    const body = ['# install', 'apk add \\', '  curl', 'curl -V | head -1'].join('\n');
    expect(split(body, null).map((c) => [c.argv, c.text, c.line, c.pipeline, c.position])).toEqual([
      [['apk', 'add', 'curl'], 'apk add curl', 11, 0, 0],
      [['curl', '-V'], 'curl -V', 13, 1, 0],
      [['head', '-1'], 'head -1', 13, 1, 1],
    ]);
  });

  it('reads scripts with if … then … fi over several lines', () => {
    const body = ['if [ -f package.json ]; then', '  echo present | tee /tmp/flag', 'fi', 'echo end'].join(
      '\n',
    );
    expect(split(body, null).map((c) => [c.argv, c.line, c.pipeline, c.position])).toEqual([
      [['[', '-f', 'package.json', ']'], 10, 0, 0],
      [['echo', 'present'], 11, 1, 0],
      [['tee', '/tmp/flag'], 11, 1, 1],
      [['echo', 'end'], 13, 2, 0],
    ]);
  });
});

describe('splitShellCommands: a non-default escape character', () => {
  // BuildKit joins the lines continued with the Dockerfile's escape character and hands the rest
  // to the shell as written: inside words, /bin/sh's own escape, the backslash, still escapes.
  it('continues lines with a backtick and escapes with backslashes inside words, as /bin/sh does (# escape=`)', () => {
    const text = ['apt-get update && `', '    apt-get install -y curl && `', '    echo "a\\"b" a\\ b'].join(
      '\n',
    );
    expect(split(text, '`').map((c) => [c.argv, c.text, c.line])).toEqual([
      [['apt-get', 'update'], 'apt-get update', 10],
      [['apt-get', 'install', '-y', 'curl'], 'apt-get install -y curl', 11],
      [['echo', 'a"b', 'a b'], 'echo "a\\"b" a\\ b', 12],
    ]);
  });

  it('folds a backtick continuation inside one command', () => {
    expect(split('ls `\n  /usr/local/bin', '`')[0]).toMatchObject({
      argv: ['ls', '/usr/local/bin'],
      text: 'ls /usr/local/bin',
      line: 10,
    });
  });
});

describe('splitShellCommands: blanks are what a POSIX shell splits on', () => {
  // `/bin/sh -c` splits words at space and tab only (newline ends a command); every other
  // Unicode space is an ordinary word character. A splitter that disagreed with itself on
  // this once looped forever on `RUN echo a\u00a0b`.
  it.each([
    ['no-break space', '\u00a0'],
    ['line separator', '\u2028'],
    ['paragraph separator', '\u2029'],
    ['byte order mark', '\ufeff'],
    ['vertical tab', '\u000b'],
    ['form feed', '\u000c'],
    ['next line', '\u0085'],
    ['ideographic space', '\u3000'],
  ])('keeps a %s inside the word, as sh does', (_name, space) => {
    expect(split(`echo a${space}b && ${space}USER app`).map((c) => c.argv)).toEqual([
      ['echo', `a${space}b`],
      [`${space}USER`, 'app'],
    ]);
  });

  it('reads a word made only of such characters', () => {
    expect(split('\u2028\u2029\ufeff')[0]?.argv).toEqual(['\u2028\u2029\ufeff']);
    expect(split(`echo ${'\u00a0x '.repeat(20_000)}`)[0]?.argv).toHaveLength(20_001);
  });
});
