// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile and shell text is full of literal ${…}.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DockerfileFacts, DockerfileInstruction, DockerfileStage } from '../../input/policy-input.js';
import { parseDockerfile } from './parse.js';

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'dockerfiles');
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const parse = (name: string) => parseDockerfile(read(name));

const stage = (facts: DockerfileFacts, index: number): DockerfileStage => {
  const found = facts.stages[index];
  if (!found) throw new Error(`no stage ${index}`);
  return found;
};
/** The instruction of `facts` that starts on `line`. */
const at = (facts: DockerfileFacts, line: number): DockerfileInstruction => {
  const found = facts.stages.flatMap((s) => s.instructions).find((i) => i.line === line);
  if (!found) throw new Error(`no instruction on line ${line}`);
  return found;
};
const SHA256 = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('every fixture', () => {
  const names = readdirSync(FIXTURES).filter((n) => n.endsWith('Dockerfile'));

  it('is there', () => {
    expect(names.length).toBeGreaterThanOrEqual(7);
  });

  it.each(names)('%s: source is exactly lines line..end_line, and positions stay inside the file', (name) => {
    const content = read(name);
    const lines = content.replace(/\n$/, '').split('\n');
    const facts = parseDockerfile(content);
    expect(facts.stages.length).toBeGreaterThan(0);
    facts.stages.forEach((s, index) => {
      expect(s.index).toBe(index);
      expect(s.final).toBe(index === facts.stages.length - 1);
      expect(s.line).toBeLessThanOrEqual(s.end_line);
      expect(s.end_line).toBeLessThanOrEqual(lines.length);
      for (const instruction of s.instructions) {
        expect(instruction.line).toBeGreaterThan(s.line);
        expect(instruction.end_line).toBeLessThanOrEqual(s.end_line);
        expect(instruction.source).toBe(lines.slice(instruction.line - 1, instruction.end_line).join('\n'));
        for (const command of instruction.commands) {
          expect(command.line).toBeGreaterThanOrEqual(instruction.line);
          expect(command.line).toBeLessThanOrEqual(instruction.end_line);
        }
        for (const property of instruction.properties) {
          expect(property.line).toBeGreaterThanOrEqual(instruction.line);
          expect(property.line).toBeLessThanOrEqual(instruction.end_line);
        }
      }
    });
  });
});

describe('go-multistage.Dockerfile: stages, global ARGs and base images', () => {
  const facts = parse('go-multistage.Dockerfile');

  it('reads the syntax directive and the global ARGs with their defaults', () => {
    expect(facts.directives).toEqual([{ name: 'syntax', value: 'docker/dockerfile:1.7', line: 1 }]);
    expect(facts.escape).toBe('\\');
    expect(facts.global_args).toEqual([
      { name: 'GO_VERSION', default: '1.22', line: 2 },
      { name: 'ALPINE_VERSION', default: null, line: 3 },
      { name: 'REGISTRY', default: 'ghcr.io/acme', line: 4 },
    ]);
  });

  it('lists the five stages in order, names lower-cased, the last one final', () => {
    expect(facts.stages.map((s) => [s.index, s.name, s.final, s.line, s.end_line])).toEqual([
      [0, 'builder', false, 6, 12],
      [1, 'runtime-base', false, 14, 15],
      [2, null, false, 17, 20],
      [3, 'test', false, 22, 23],
      [4, null, true, 25, 27],
    ]);
  });

  it('substitutes global ARG defaults into FROM and keeps --platform as written', () => {
    expect(stage(facts, 0).base).toEqual({
      raw: 'golang:${GO_VERSION}-alpine',
      resolved: 'golang:1.22-alpine',
      unresolved_variables: [],
      undefined_variables: [],
      platform: '$BUILDPLATFORM',
      stage: null,
      scratch: false,
      image: {
        registry: 'docker.io',
        repository: 'library/golang',
        tag: '1.22-alpine',
        digest: null,
        name: 'docker.io/library/golang',
        normalized: 'docker.io/library/golang:1.22-alpine',
      },
      error: null,
      registry_facts: null,
    });
  });

  it('reports an ARG without a default as unresolved, with an error and no image', () => {
    expect(stage(facts, 1).base).toEqual({
      raw: 'alpine:${ALPINE_VERSION}',
      resolved: 'alpine:${ALPINE_VERSION}',
      unresolved_variables: ['ALPINE_VERSION'],
      undefined_variables: [],
      platform: null,
      stage: null,
      scratch: false,
      image: null,
      error: 'the base image "alpine:${ALPINE_VERSION}" uses $ALPINE_VERSION without a default value',
      registry_facts: null,
    });
  });

  it('parses a substituted registry with tag and digest', () => {
    expect(stage(facts, 2).base).toMatchObject({
      resolved: `ghcr.io/acme/distroless:nonroot@${SHA256}`,
      image: { registry: 'ghcr.io', repository: 'acme/distroless', tag: 'nonroot', digest: SHA256 },
      error: null,
    });
  });

  it('links FROM <stage> to the earlier stage, case-insensitively, with no image', () => {
    expect(stage(facts, 3).base).toEqual({
      raw: 'builder',
      resolved: 'builder',
      unresolved_variables: [],
      undefined_variables: [],
      platform: null,
      stage: 0,
      scratch: false,
      image: null,
      error: null,
      registry_facts: null,
    });
  });

  it('marks FROM scratch', () => {
    expect(stage(facts, 4).base).toMatchObject({
      raw: 'scratch',
      scratch: true,
      stage: null,
      image: null,
      error: null,
    });
  });

  it('reads flags in order, with null for a bare flag', () => {
    expect(at(facts, 26)).toMatchObject({
      keyword: 'COPY',
      flags: [
        { name: 'from', value: '0' },
        { name: 'chown', value: '65532:65532' },
        { name: 'link', value: null },
      ],
      arguments: ['/out/app', '/app'],
      value: '/out/app /app',
      form: null,
      source: 'COPY --from=0 --chown=65532:65532 --link /out/app /app',
    });
    expect(at(facts, 9)).toMatchObject({
      keyword: 'RUN',
      flags: [{ name: 'mount', value: 'type=cache,target=/go/pkg/mod' }],
      arguments: ['go', 'mod', 'download'],
      form: 'shell',
      commands: [
        {
          argv: ['go', 'mod', 'download'],
          assignments: [],
          text: 'go mod download',
          line: 9,
          pipeline: 0,
          position: 0,
        },
      ],
    });
  });

  it('reads every name of a multi-name ARG inside a stage', () => {
    expect(at(facts, 11)).toMatchObject({
      keyword: 'ARG',
      arguments: ['TARGETOS', 'TARGETARCH'],
      properties: [
        { name: 'TARGETOS', value: null, line: 11 },
        { name: 'TARGETARCH', value: null, line: 11 },
      ],
    });
  });

  it('splits leading assignments off a RUN command', () => {
    expect(at(facts, 12).commands).toEqual([
      {
        argv: ['go', 'build', '-o', '/out/app', './cmd/app'],
        assignments: ['CGO_ENABLED=0', 'GOOS=$TARGETOS', 'GOARCH=$TARGETARCH'],
        text: 'go build -o /out/app ./cmd/app',
        line: 12,
        pipeline: 0,
        position: 0,
      },
    ]);
  });

  it('reads exec-form ENTRYPOINT', () => {
    expect(at(facts, 20)).toMatchObject({
      keyword: 'ENTRYPOINT',
      arguments: ['/app'],
      value: '["/app"]',
      form: 'exec',
      commands: [],
    });
  });
});

describe('python-apt-pip.Dockerfile: && chains over continuation lines', () => {
  const facts = parse('python-apt-pip.Dockerfile');

  it('has one final stage', () => {
    expect(facts.stages).toHaveLength(1);
    expect(stage(facts, 0)).toMatchObject({ index: 0, name: null, final: true, line: 1, end_line: 21 });
    expect(facts.directives).toEqual([]);
    expect(facts.global_args).toEqual([]);
  });

  it('reads a continued ENV with one line per property', () => {
    expect(at(facts, 3)).toEqual({
      keyword: 'ENV',
      line: 3,
      end_line: 4,
      flags: [],
      arguments: ['PYTHONDONTWRITEBYTECODE=1', 'PYTHONUNBUFFERED=1'],
      value: 'PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1',
      form: null,
      properties: [
        { name: 'PYTHONDONTWRITEBYTECODE', value: '1', line: 3 },
        { name: 'PYTHONUNBUFFERED', value: '1', line: 4 },
      ],
      heredocs: [],
      commands: [],
      shell: ['/bin/sh', '-c'],
      source: 'ENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1',
    });
  });

  it('splits the apt-get chain with exact lines, leaving out the comment line inside it', () => {
    const run = at(facts, 6);
    expect(run).toMatchObject({
      keyword: 'RUN',
      line: 6,
      end_line: 11,
      form: 'shell',
      value: 'apt-get update && apt-get install -y build-essential libpq-dev && rm -rf /var/lib/apt/lists/*',
      arguments: [
        'apt-get',
        'update',
        '&&',
        'apt-get',
        'install',
        '-y',
        'build-essential',
        'libpq-dev',
        '&&',
        'rm',
        '-rf',
        '/var/lib/apt/lists/*',
      ],
    });
    expect(run.commands).toEqual([
      {
        argv: ['apt-get', 'update'],
        assignments: [],
        text: 'apt-get update',
        line: 6,
        pipeline: 0,
        position: 0,
      },
      {
        argv: ['apt-get', 'install', '-y', 'build-essential', 'libpq-dev'],
        assignments: [],
        text: 'apt-get install -y build-essential libpq-dev',
        line: 7,
        pipeline: 1,
        position: 0,
      },
      {
        argv: ['rm', '-rf', '/var/lib/apt/lists/*'],
        assignments: [],
        text: 'rm -rf /var/lib/apt/lists/*',
        line: 11,
        pipeline: 2,
        position: 0,
      },
    ]);
    expect(run.source).toBe(
      [
        'RUN apt-get update \\',
        '    && apt-get install -y \\',
        '        build-essential \\',
        '        # libpq for psycopg',
        '        libpq-dev \\',
        '    && rm -rf /var/lib/apt/lists/*',
      ].join('\n'),
    );
  });

  it('splits &&, || and ; with quotes removed from argv but kept in text', () => {
    expect(at(facts, 15).commands.map((c) => [c.argv, c.text, c.line, c.pipeline])).toEqual([
      [
        ['pip', 'install', '--no-cache-dir', '-r', 'requirements.txt'],
        'pip install --no-cache-dir -r requirements.txt',
        15,
        0,
      ],
      [['pip', 'check'], 'pip check', 16, 1],
      [['echo', 'dependency conflicts'], 'echo "dependency conflicts"', 16, 2],
      [
        ['python', '-c', 'import sys; print(sys.version)'],
        "python -c 'import sys; print(sys.version)'",
        17,
        3,
      ],
    ]);
  });

  it('numbers a pipeline and drops its redirections', () => {
    expect(at(facts, 18).commands).toEqual([
      {
        argv: ['curl', '-fsSL', 'https://example.com/install.sh'],
        assignments: [],
        text: 'curl -fsSL https://example.com/install.sh',
        line: 18,
        pipeline: 0,
        position: 0,
      },
      {
        argv: ['sh', '-s', '--', '--yes'],
        assignments: [],
        text: 'sh -s -- --yes',
        line: 18,
        pipeline: 0,
        position: 1,
      },
    ]);
  });

  it('reads shell-form CMD as words, without commands (only RUN has them)', () => {
    expect(at(facts, 21)).toMatchObject({
      keyword: 'CMD',
      arguments: ['python', '-m', 'app'],
      form: 'shell',
      commands: [],
    });
  });
});

describe('node-heredoc.Dockerfile: here-documents', () => {
  const facts = parse('node-heredoc.Dockerfile');

  it('splits a RUN <<EOF script into one command per line, on the body lines', () => {
    const run = at(facts, 5);
    expect(run).toMatchObject({ keyword: 'RUN', line: 5, end_line: 9, form: 'shell' });
    expect(run.heredocs).toEqual([
      { name: 'EOF', body: 'set -eux\nnpm ci --omit=dev\nnpm cache clean --force', line: 6, end_line: 9 },
    ]);
    expect(run.commands).toEqual([
      { argv: ['set', '-eux'], assignments: [], text: 'set -eux', line: 6, pipeline: 0, position: 0 },
      {
        argv: ['npm', 'ci', '--omit=dev'],
        assignments: [],
        text: 'npm ci --omit=dev',
        line: 7,
        pipeline: 1,
        position: 0,
      },
      {
        argv: ['npm', 'cache', 'clean', '--force'],
        assignments: [],
        text: 'npm cache clean --force',
        line: 8,
        pipeline: 2,
        position: 0,
      },
    ]);
    expect(run.value).toBe('<<EOF\nset -eux\nnpm ci --omit=dev\nnpm cache clean --force\nEOF');
    expect(run.source).toBe('RUN <<EOF\nset -eux\nnpm ci --omit=dev\nnpm cache clean --force\nEOF');
    expect(stage(facts, 0)).toMatchObject({ name: 'deps', line: 2, end_line: 9 });
  });

  it('reads a quoted <<- heredoc of COPY as written, with no commands', () => {
    expect(at(facts, 14)).toMatchObject({
      keyword: 'COPY',
      line: 14,
      end_line: 16,
      heredocs: [{ name: 'EOT', body: '\t{"port": 3000}', line: 15, end_line: 16 }],
      commands: [],
      source: 'COPY <<-"EOT" /app/config.json\n\t{"port": 3000}\n\tEOT',
    });
  });

  it('treats a heredoc read by a shell as a script, after the command that reads it', () => {
    expect(at(facts, 17).commands.map((c) => [c.argv, c.line, c.pipeline, c.position])).toEqual([
      [['bash'], 17, 0, 0],
      [['[', '-f', 'package.json', ']'], 18, 1, 0],
      [['echo', 'present'], 19, 2, 0],
      [['tee', '/tmp/flag'], 19, 2, 1],
    ]);
  });

  it('does not split a heredoc read by another program', () => {
    const run = at(facts, 22);
    expect(run.heredocs).toEqual([
      { name: 'EOF', body: 'Welcome && enjoy; no commands here', line: 23, end_line: 24 },
    ]);
    expect(run.commands).toEqual([
      { argv: ['cat'], assignments: [], text: 'cat', line: 22, pipeline: 0, position: 0 },
    ]);
  });

  it('ends the final stage at its last instruction', () => {
    expect(stage(facts, 1)).toMatchObject({ name: null, final: true, line: 11, end_line: 26 });
    expect(at(facts, 26)).toMatchObject({ keyword: 'CMD', form: 'exec', arguments: ['node', 'server.js'] });
  });
});

describe('windows-escape.Dockerfile: # escape=`', () => {
  const facts = parse('windows-escape.Dockerfile');

  it('reads the escape directive', () => {
    expect(facts.directives).toEqual([{ name: 'escape', value: '`', line: 1 }]);
    expect(facts.escape).toBe('`');
    expect(stage(facts, 0)).toMatchObject({
      line: 3,
      end_line: 12,
      base: { image: { registry: 'mcr.microsoft.com', repository: 'windows/servercore', tag: 'ltsc2022' } },
    });
  });

  it('reads exec-form SHELL with the blanks inside its strings', () => {
    expect(at(facts, 4)).toMatchObject({
      keyword: 'SHELL',
      form: 'exec',
      arguments: ['powershell', '-Command', "$ErrorActionPreference = 'Stop';"],
    });
  });

  it('continues RUN with backticks and keeps backslashes in paths; a PowerShell RUN is not split into commands', () => {
    const run = at(facts, 5);
    expect(run).toMatchObject({
      line: 5,
      end_line: 7,
      value: 'New-Item -ItemType Directory C:\\app ; Set-Location C:\\app ; Write-Host done',
      shell: ['powershell', '-Command', "$ErrorActionPreference = 'Stop';"],
      commands: [],
    });
  });

  it('keeps a trailing backslash that is not the escape character', () => {
    expect(at(facts, 8)).toMatchObject({ keyword: 'COPY', end_line: 8, arguments: ['app\\', 'C:\\app\\'] });
  });

  it('reads ENV continued with a backtick, one line per property', () => {
    expect(at(facts, 9)).toMatchObject({
      end_line: 10,
      properties: [
        { name: 'APP_HOME', value: 'C:\\app', line: 9 },
        { name: 'APP_MODE', value: 'prod', line: 10 },
      ],
      source: 'ENV APP_HOME=C:\\app `\n    APP_MODE=prod',
    });
  });

  it('reads JSON escapes of exec-form CMD', () => {
    expect(at(facts, 12)).toMatchObject({ form: 'exec', arguments: ['C:\\app\\app.exe'] });
  });
});

describe('entrypoint-forms.Dockerfile: exec and shell forms', () => {
  const facts = parse('entrypoint-forms.Dockerfile');

  it('reads exec-form RUN as JSON, blanks inside strings included, without commands', () => {
    expect(at(facts, 2)).toEqual({
      keyword: 'RUN',
      line: 2,
      end_line: 2,
      flags: [],
      arguments: ['/bin/sh', '-c', 'apt-get update && apt-get install -y curl'],
      value: '["/bin/sh", "-c", "apt-get update && apt-get install -y curl"]',
      form: 'exec',
      properties: [],
      heredocs: [],
      commands: [],
      shell: ['/bin/sh', '-c'],
      source: 'RUN ["/bin/sh", "-c", "apt-get update && apt-get install -y curl"]',
    });
  });

  it('tells shell-form ENTRYPOINT from exec-form CMD', () => {
    expect(at(facts, 3)).toMatchObject({
      keyword: 'ENTRYPOINT',
      form: 'shell',
      arguments: ['/usr/local/bin/start.sh', '--port', '8080'],
      value: '/usr/local/bin/start.sh --port 8080',
      commands: [],
    });
    expect(at(facts, 4)).toMatchObject({
      keyword: 'CMD',
      form: 'exec',
      arguments: ['--verbose', '--config=/etc/app.yml'],
    });
  });

  it('gives keywords without the distinction form null', () => {
    expect(at(facts, 5)).toMatchObject({
      keyword: 'HEALTHCHECK',
      form: null,
      flags: [
        { name: 'interval', value: '30s' },
        { name: 'timeout', value: '3s' },
      ],
      arguments: ['CMD', 'curl', '-f', 'http://localhost:8080/', '||', 'exit', '1'],
      commands: [],
    });
    expect(at(facts, 6)).toMatchObject({ keyword: 'EXPOSE', form: null, arguments: ['8080/tcp', '9090'] });
    expect(at(facts, 7)).toMatchObject({ keyword: 'STOPSIGNAL', form: null, arguments: ['SIGTERM'] });
  });
});

describe('properties.Dockerfile: ARG, ENV and LABEL', () => {
  const facts = parse('properties.Dockerfile');

  it('reads several global ARGs on one line, and defaults built from earlier ARGs', () => {
    expect(facts.global_args).toEqual([
      { name: 'BASE', default: 'debian', line: 1 },
      { name: 'DEBIAN_RELEASE', default: 'bookworm', line: 1 },
      { name: 'TAG', default: '${DEBIAN_RELEASE}-slim', line: 2 },
    ]);
    expect(stage(facts, 0).base).toMatchObject({
      raw: '${BASE}:${TAG}',
      resolved: 'debian:bookworm-slim',
      unresolved_variables: [],
      image: { name: 'docker.io/library/debian', tag: 'bookworm-slim' },
    });
  });

  it('reads ARG with and without defaults, alone or several', () => {
    expect(at(facts, 4).properties).toEqual([{ name: 'VERSION', value: '1.2.3', line: 4 }]);
    expect(at(facts, 5).properties).toEqual([{ name: 'BUILD_DATE', value: null, line: 5 }]);
    expect(at(facts, 6).properties).toEqual([
      { name: 'TARGETOS', value: null, line: 6 },
      { name: 'TARGETARCH', value: 'amd64', line: 6 },
    ]);
  });

  it('removes quotes from ENV values and keeps variable references as written', () => {
    expect(at(facts, 7)).toMatchObject({
      arguments: ['APP_NAME="my', 'app"', 'APP_VERSION=$VERSION'],
      value: 'APP_NAME="my app" APP_VERSION=$VERSION',
      properties: [
        { name: 'APP_NAME', value: 'my app', line: 7 },
        { name: 'APP_VERSION', value: '$VERSION', line: 7 },
      ],
    });
  });

  it('reads the legacy `ENV NAME value with spaces` form as one property', () => {
    expect(at(facts, 8).properties).toEqual([{ name: 'LEGACY_FORM', value: 'value with spaces', line: 8 }]);
  });

  it('reads a continued LABEL with one line per property', () => {
    expect(at(facts, 9)).toMatchObject({
      line: 9,
      end_line: 11,
      properties: [
        { name: 'org.opencontainers.image.title', value: 'My App', line: 9 },
        { name: 'org.opencontainers.image.version', value: '${VERSION}', line: 10 },
        { name: 'maintainer', value: 'ops@example.com', line: 11 },
      ],
      value:
        'org.opencontainers.image.title="My App" org.opencontainers.image.version="${VERSION}" maintainer=\'ops@example.com\'',
    });
  });

  it('gives an empty value as the empty string', () => {
    expect(at(facts, 12).properties).toEqual([
      { name: 'PATH', value: '/opt/app/bin:$PATH', line: 12 },
      { name: 'EMPTY', value: '', line: 13 },
    ]);
  });
});

describe('hostile.Dockerfile: malformed input', () => {
  it('does not throw', () => {
    expect(() => parse('hostile.Dockerfile')).not.toThrow();
  });

  const facts = parse('hostile.Dockerfile');

  it('keeps every FROM it can find as a stage', () => {
    expect(facts.stages.map((s) => [s.index, s.name, s.line, s.end_line, s.final])).toEqual([
      [0, null, 1, 2, false],
      [1, null, 3, 5, false],
      [2, 'bad', 6, 10, false],
      [3, 'undef', 11, 12, false],
      [4, null, 13, 22, true],
    ]);
  });

  it('reports unusable bases as errors instead of images', () => {
    expect(facts.stages.map((s) => [s.base.raw, s.base.image?.normalized ?? null, s.base.error])).toEqual([
      ['', null, 'invalid image reference "": it is empty'],
      ['ubuntu:LATEST', 'docker.io/library/ubuntu:LATEST', null],
      [
        'Library/Ubuntu',
        null,
        'invalid image reference "Library/Ubuntu": repository names must be lower-case',
      ],
      // No ARG declares it: BuildKit makes it empty, and `:1` names no repository.
      ['${UNDEFINED_BASE}:1', null, 'invalid image reference ":1": the repository name is missing'],
      [
        'alpine@sha256:abc',
        null,
        'invalid image reference "alpine@sha256:abc": a sha256 digest has 64 hex digits, not 3',
      ],
    ]);
  });

  it('keeps unknown keywords, upper-cased, with their text', () => {
    expect(at(facts, 2)).toMatchObject({ keyword: 'THIS', arguments: ['is', 'not', 'an', 'instruction'] });
  });

  it('survives unterminated quotes and substitutions', () => {
    expect(at(facts, 4).commands[0]?.argv).toEqual(['echo', 'unterminated', 'quote']);
    expect(at(facts, 5).commands[0]?.argv).toEqual(['echo', '$(unclosed && ls']);
    expect(at(facts, 12).commands[0]?.argv).toEqual(['echo', '🚀', 'ünïcödé', 'unclosed']);
  });

  it('reads empty flags, ENV without properties and a LABEL without a name', () => {
    expect(at(facts, 8).flags).toEqual([{ name: 'from', value: '' }]);
    expect(at(facts, 9)).toMatchObject({ keyword: 'ENV', arguments: [], value: '', properties: [] });
    expect(at(facts, 10).properties).toEqual([{ name: '', value: 'novalue', line: 10 }]);
  });

  it('continues RUN over an empty line, as BuildKit does, swallowing the FROM after it', () => {
    expect(at(facts, 14)).toMatchObject({
      keyword: 'RUN',
      end_line: 16,
      commands: [{ argv: ['FROM', '${UNDEFINED_BASE}'], line: 16 }],
      source: 'RUN \\\n\nFROM ${UNDEFINED_BASE}',
    });
  });

  it('finds no commands in a RUN of operators only', () => {
    expect(at(facts, 17).commands).toEqual([]);
  });

  it('handles a very long line', () => {
    const run = at(facts, 18);
    expect(run.source.length).toBeGreaterThan(25_000);
    expect(run.commands.map((c) => [c.argv[1]?.length, c.line, c.pipeline])).toEqual([
      [20_000, 18, 0],
      [5_000, 18, 1],
    ]);
  });

  it('reads an unterminated JSON array as shell form', () => {
    expect(at(facts, 19)).toMatchObject({ keyword: 'CMD', form: 'shell', arguments: ['["unterminated",'] });
  });

  it('ends an unterminated heredoc at the last line of the file', () => {
    expect(at(facts, 20)).toMatchObject({
      end_line: 22,
      heredocs: [{ name: 'EOF', body: 'echo never\necho terminated', line: 21, end_line: 22 }],
      commands: [
        { argv: ['echo', 'never'], line: 21 },
        { argv: ['echo', 'terminated'], line: 22 },
      ],
      source: 'RUN <<EOF\necho never\necho terminated',
    });
  });
});

describe('parseDockerfile: inline edge cases', () => {
  it('returns no stages for an empty file or one with only global ARGs', () => {
    expect(parseDockerfile('')).toEqual({
      directives: [],
      global_args: [],
      preamble: [],
      escape: '\\',
      stages: [],
    });
    expect(parseDockerfile('ARG A=1\n')).toMatchObject({
      global_args: [{ name: 'A', default: '1', line: 1 }],
      stages: [],
    });
  });

  it('keeps where the instructions before the first FROM are (BuildKit refuses them), global ARGs apart', () => {
    const facts = parseDockerfile(
      '# syntax=docker/dockerfile:1\nARG A=1\nLABEL x=y \\\n  z=w\nARG B\nFROM alpine\nRUN true\n',
    );
    expect(facts.preamble).toEqual([{ keyword: 'LABEL', line: 3, end_line: 4 }]);
    expect(facts.global_args.map((a) => a.name)).toEqual(['A', 'B']);
    expect(parseDockerfile('RUN echo\n').preamble).toEqual([{ keyword: 'RUN', line: 1, end_line: 1 }]);
  });

  it('reads CRLF files with the same lines and no carriage returns in source', () => {
    const facts = parseDockerfile(
      'FROM alpine:3.20\r\nRUN apk add curl \\\r\n  && rm -rf /var/cache/apk/*\r\n',
    );
    const run = at(facts, 2);
    expect(run).toMatchObject({ end_line: 3, source: 'RUN apk add curl \\\n  && rm -rf /var/cache/apk/*' });
    expect(run.commands.map((c) => [c.argv, c.line])).toEqual([
      [['apk', 'add', 'curl'], 2],
      [['rm', '-rf', '/var/cache/apk/*'], 3],
    ]);
  });

  it('does not point past the last line when the last instruction ends with a continuation', () => {
    const facts = parseDockerfile('FROM alpine\nRUN echo \\\n');
    expect(at(facts, 2)).toMatchObject({ end_line: 2, source: 'RUN echo \\', value: 'echo' });
    expect(stage(facts, 0).end_line).toBe(2);
  });

  it('resolves a global ARG default built from an ARG without a value as unresolved', () => {
    const facts = parseDockerfile('ARG VERSION\nARG IMAGE=node:${VERSION}\nFROM ${IMAGE}\n');
    expect(stage(facts, 0).base).toMatchObject({
      resolved: '${IMAGE}',
      unresolved_variables: ['IMAGE'],
      image: null,
    });
  });

  it('uses ${NAME:-default} in FROM when the ARG has no value', () => {
    const facts = parseDockerfile('ARG TAG\nFROM node:${TAG:-20}\n');
    expect(stage(facts, 0).base).toMatchObject({
      resolved: 'node:20',
      unresolved_variables: [],
      error: null,
    });
  });

  it('upper-cases keywords and lower-cases directive names', () => {
    const facts = parseDockerfile('# Syntax=docker/dockerfile:1\nfrom alpine as Build\nrun echo hi\n');
    expect(facts.directives).toEqual([{ name: 'syntax', value: 'docker/dockerfile:1', line: 1 }]);
    expect(stage(facts, 0).name).toBe('build');
    expect(at(facts, 3).keyword).toBe('RUN');
  });

  it('reads exec-form JSON escapes that are not plain characters', () => {
    const facts = parseDockerfile('FROM alpine\nCMD ["printf", "a\\tb\\n", "\\u00e9", "say \\"hi\\""]\n');
    expect(at(facts, 2).arguments).toEqual(['printf', 'a\tb\n', 'é', 'say "hi"']);
  });
});

describe("BuildKit's semantics (dockerfile2llb), not the easiest reading", () => {
  const only = (text: string) => parseDockerfile(text);
  const instructions = (facts: DockerfileFacts) => facts.stages.flatMap((s) => s.instructions);

  it('makes a FROM variable that no global ARG declares empty: `FROM alpine$TAG` is alpine, untagged', () => {
    expect(only('FROM alpine$TAG\n').stages[0]?.base).toMatchObject({
      raw: 'alpine$TAG',
      resolved: 'alpine',
      unresolved_variables: [],
      undefined_variables: ['TAG'],
      image: { normalized: 'docker.io/library/alpine:latest', tag: null },
      error: null,
    });
  });

  it('does not let an ARG declared inside a stage reach a later FROM', () => {
    const facts = only('FROM alpine AS a\nARG VARIANT=-slim\nFROM node:20${VARIANT}\n');
    expect(facts.stages[1]?.base).toMatchObject({
      resolved: 'node:20',
      undefined_variables: ['VARIANT'],
      image: { tag: '20' },
    });
  });

  it("keeps BuildKit's automatic platform ARGs unresolved: their value is the build's platform", () => {
    expect(only('FROM alpine-$TARGETARCH\n').stages[0]?.base).toMatchObject({
      unresolved_variables: ['TARGETARCH'],
      undefined_variables: [],
      image: null,
    });
  });

  it('reports a base that is empty once its undeclared variables are', () => {
    expect(only('FROM $BASE\n').stages[0]?.base.error).toBe(
      'the base image "$BASE" is empty: no ARG before the first FROM declares $BASE, so BuildKit makes it empty',
    );
  });

  it('records the SHELL in effect on each instruction, inherited by a stage built FROM its stage', () => {
    const facts = only(
      [
        'FROM debian AS base',
        'RUN a | b',
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
        'RUN c | d',
        'FROM base AS child',
        'RUN e',
        'FROM debian',
        'RUN f',
        'FROM --platform=windows/amd64 mcr.microsoft.com/windows/servercore:ltsc2022',
        'RUN dir',
      ].join('\n'),
    );
    expect(instructions(facts).map((i) => [i.line, i.shell, i.commands.map((c) => c.argv[0])])).toEqual([
      [2, ['/bin/sh', '-c'], ['a', 'b']],
      [3, ['/bin/sh', '-c'], []],
      [4, ['/bin/bash', '-o', 'pipefail', '-c'], ['c', 'd']],
      [6, ['/bin/bash', '-o', 'pipefail', '-c'], ['e']],
      [8, ['/bin/sh', '-c'], ['f']],
      [10, ['cmd', '/S', '/C'], []],
    ]);
  });

  it('does not split a RUN whose shell is PowerShell or cmd into commands', () => {
    const facts = only(
      'FROM debian\nSHELL ["pwsh", "-c"]\nRUN Get-ChildItem | Select-Object Name; apt-get install x\n',
    );
    expect(at(facts, 3)).toMatchObject({ shell: ['pwsh', '-c'], commands: [] });
  });

  it('ignores a SHELL that is not a JSON array, as BuildKit refuses it', () => {
    const facts = only('FROM debian\nSHELL /bin/bash -c\nRUN a\n');
    expect(at(facts, 3).shell).toEqual(['/bin/sh', '-c']);
  });

  it('honours # escape=` for continuations while the shell still escapes with backslashes', () => {
    const facts = only(
      '# escape=`\nFROM debian\nRUN apt-get update && `\n    echo "a\\"b" && `\n    apt-get install -y curl\n',
    );
    expect(at(facts, 3).commands.map((c) => [c.argv, c.line])).toEqual([
      [['apt-get', 'update'], 3],
      [['echo', 'a"b'], 4],
      [['apt-get', 'install', '-y', 'curl'], 5],
    ]);
  });

  it('splits a <<- heredoc body (tab-indented) with its own lines', () => {
    const facts = only('FROM debian\nRUN <<-EOF\n\tapt-get update\n\tapt-get install -y curl\n\tEOF\n');
    expect(at(facts, 2).commands.map((c) => [c.argv, c.line])).toEqual([
      [['apt-get', 'update'], 3],
      [['apt-get', 'install', '-y', 'curl'], 4],
    ]);
  });

  it('runs the body of a lone heredoc with a shell shebang, and not one for another interpreter', () => {
    const facts = only(
      'FROM debian\nRUN <<EOF\n#!/usr/bin/env bash\napt-get update\nEOF\nRUN <<EOF\n#!/usr/bin/python3\nimport os; os.system("x")\nEOF\n',
    );
    expect(at(facts, 2).commands.map((c) => [c.argv, c.line])).toEqual([[['apt-get', 'update'], 4]]);
    expect(at(facts, 6).commands).toEqual([]);
  });

  it('treats several heredocs on an otherwise empty RUN as input to no command, and each shell-read body as a script', () => {
    const facts = only(
      'FROM debian\nRUN <<A <<B\nrm -rf /\nA\nrm -rf /\nB\nRUN bash <<A && sh <<B\necho one\nA\necho two\nB\n',
    );
    expect(at(facts, 2).commands).toEqual([]);
    expect(at(facts, 7).commands.map((c) => [c.argv, c.line])).toEqual([
      [['bash'], 7],
      [['sh'], 7],
      [['echo', 'one'], 8],
      [['echo', 'two'], 10],
    ]);
  });

  it('keeps a COPY heredoc a file: its body is not split into commands', () => {
    const facts = only('FROM debian\nCOPY <<EOF /etc/motd\napt-get install x\nEOF\n');
    expect(at(facts, 2)).toMatchObject({
      keyword: 'COPY',
      heredocs: [{ name: 'EOF', body: 'apt-get install x', line: 3, end_line: 4 }],
      commands: [],
      copy: { sources: [], heredoc_sources: ['EOF'], destination: '/etc/motd' },
    });
  });

  it("splits COPY and ADD into sources, heredoc sources and destination as BuildKit's parseSourcesAndDest does", () => {
    const facts = only(
      [
        'FROM debian',
        'COPY --chmod=755 <<-"A" 3<<B /app/',
        '\tx',
        '\tA',
        'y',
        'B',
        'ADD <<EOF https://example.com/a.conf conf.d/',
        'z',
        'EOF',
        'COPY \\',
        '  <<EOF \\',
        '  /etc/motd',
        'w',
        'EOF',
        'COPY a "b c" d/',
        'COPY ["my notes.txt", "/srv/"]',
        'COPY lonely',
        'ONBUILD ADD x.tgz /opt/',
        'RUN <<EOF',
        'true',
        'EOF',
        '',
      ].join('\n'),
    );
    expect(at(facts, 2).copy).toEqual({ sources: [], heredoc_sources: ['A', 'B'], destination: '/app/' });
    expect(at(facts, 7).copy).toEqual({
      sources: ['https://example.com/a.conf'],
      heredoc_sources: ['EOF'],
      destination: 'conf.d/',
    });
    expect(at(facts, 10).copy).toEqual({ sources: [], heredoc_sources: ['EOF'], destination: '/etc/motd' });
    // Words as written, quotes kept, as in `arguments`.
    expect(at(facts, 15).copy).toEqual({
      sources: ['a', '"b', 'c"'],
      heredoc_sources: [],
      destination: 'd/',
    });
    expect(at(facts, 16).copy).toEqual({
      sources: ['my notes.txt'],
      heredoc_sources: [],
      destination: '/srv/',
    });
    expect(at(facts, 17).copy).toEqual({ sources: [], heredoc_sources: [], destination: null });
    expect(at(facts, 18)).toMatchObject({
      onbuild: true,
      copy: { sources: ['x.tgz'], destination: '/opt/' },
    });
    expect(at(facts, 19).copy).toBeUndefined();
  });

  it('judges an ONBUILD instruction as the instruction it carries, on its own line, with onbuild: true', () => {
    const facts = only(
      'FROM debian\nONBUILD RUN apt-get update && \\\n    apt-get install -y curl\nONBUILD COPY --chown=app . /app\nRUN true\n',
    );
    expect(at(facts, 2)).toMatchObject({
      keyword: 'RUN',
      onbuild: true,
      line: 2,
      end_line: 3,
      form: 'shell',
      source: 'ONBUILD RUN apt-get update && \\\n    apt-get install -y curl',
    });
    expect(at(facts, 2).commands.map((c) => [c.argv, c.line])).toEqual([
      [['apt-get', 'update'], 2],
      [['apt-get', 'install', '-y', 'curl'], 3],
    ]);
    expect(at(facts, 4)).toMatchObject({
      keyword: 'COPY',
      onbuild: true,
      flags: [{ name: 'chown', value: 'app' }],
      arguments: ['.', '/app'],
    });
    expect(at(facts, 5).onbuild).toBeUndefined();
  });
});
