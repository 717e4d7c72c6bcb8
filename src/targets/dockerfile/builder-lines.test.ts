/**
 * Differential tests: the parser must split lines as the builder does. Each Dockerfile is
 * built FROM scratch by the real buildah (offline, chroot isolation, vfs storage in a temp
 * folder) and what buildah recorded in the image (user, environment, labels, history) is
 * compared with what parseDockerfile reports.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithTools } from '../../../test/support/required-tools.js';
import { toolPath } from '../../tools.js';
import { parseDockerfile } from './parse.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-builder-lines-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Recorded {
  user: string;
  /** A declared name without a value is null to our parser; buildah records none such here. */
  env: Record<string, string | null>;
  labels: Record<string, string | null>;
  /** Instructions as buildah's history names them, e.g. `USER 1000`. */
  steps: string[];
}

let built = 0;
/** What buildah records when it builds `dockerfile`. */
function buildah(dockerfile: string): Recorded {
  const context = mkdtempSync(join(dir, 'context-'));
  writeFileSync(join(context, 'Dockerfile'), dockerfile);
  const storage = ['--root', join(dir, 'root'), '--runroot', join(dir, 'runroot'), '--storage-driver', 'vfs'];
  const tag = `localhost/portcullis-lines:${++built}`;
  const options = { env: { ...process.env, BUILDAH_ISOLATION: 'chroot' }, maxBuffer: 16 << 20 };
  execFileSync(
    toolPath('buildah'),
    [
      ...storage,
      'bud',
      '--isolation',
      'chroot',
      '--quiet',
      '--file',
      join(context, 'Dockerfile'),
      '--tag',
      tag,
      context,
    ],
    { ...options, stdio: 'ignore' },
  );
  const image = JSON.parse(
    execFileSync(toolPath('buildah'), [...storage, 'inspect', '--type', 'image', tag], options).toString(),
  ) as {
    OCIv1: {
      config: { User?: string; Env?: string[]; Labels?: Record<string, string> };
      history?: { created_by?: string }[];
    };
  };
  const { config, history = [] } = image.OCIv1;
  const env = Object.fromEntries(
    (config.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
  );
  delete env.PATH; // buildah's default, not the Dockerfile's
  const { 'io.buildah.version': _version, ...labels } = config.Labels ?? {};
  return {
    user: config.User ?? '',
    env,
    labels,
    steps: history.map(
      (h) => (h.created_by ?? '').replace(/^\/bin\/sh -c #\(nop\) /, '').split(/\s/)[0] ?? '',
    ),
  };
}

/** The same facts as parseDockerfile reports them. */
function parsed(dockerfile: string): Recorded {
  const instructions = parseDockerfile(dockerfile).stages.flatMap((s) => s.instructions);
  const values = (keyword: string) =>
    Object.fromEntries(
      instructions
        .filter((i) => i.keyword === keyword)
        .flatMap((i) => i.properties.map((p) => [p.name, p.value])),
    );
  const users = instructions.filter((i) => i.keyword === 'USER');
  return {
    user: users.length > 0 ? (users[users.length - 1]?.arguments.join(' ') ?? '') : '',
    env: values('ENV'),
    labels: values('LABEL'),
    steps: instructions.map((i) => i.keyword),
  };
}

describeWithTools(['buildah'], 'line splitting agrees with buildah', () => {
  it.each([
    [
      'a lone CR is part of the line: no USER instruction hides in an ENV value',
      'FROM scratch\nENV A="b\rUSER app"\nLABEL l="x\ry" m=1\nENV B=1\rC=2\n',
    ],
    [
      'CRLF line ends, a comment and an empty line inside continuations',
      'FROM scratch\r\nLABEL a=1 \\\r\n# comment\r\n  b=2\r\nENV C=3 \\\n\n  D=4\nUSER 1000\n',
    ],
    [
      'a backtick escape directive',
      '# escape=`\nFROM scratch\nLABEL p=C:/path q=2 `\n  r=3\nUSER 1001`\n:0\n',
    ],
    [
      'a lone CR before a continuation and at the end of the file',
      'FROM scratch\nLABEL a=1\r \\\n  b=2\nUSER 1002\r',
    ],
  ])('%s', (_name, dockerfile) => {
    expect(parsed(dockerfile)).toEqual(buildah(dockerfile));
  });

  it('reports the lone CR itself in values, as buildah records them', () => {
    const dockerfile = 'FROM scratch\nENV A="b\rUSER app"\n';
    expect(buildah(dockerfile).env).toEqual({ A: 'b\rUSER app' });
    expect(parseDockerfile(dockerfile).stages[0]?.instructions).toEqual([
      expect.objectContaining({ keyword: 'ENV', line: 2, end_line: 2, source: 'ENV A="b\rUSER app"' }),
    ]);
  });
});
