/**
 * bin/portcullis.js is started by sh (see its header): with NODE_EXTRA_CA_CERTS set, Node 20
 * parses every root certificate before the first line of JavaScript, 45-55 ms of a cold
 * check. The launcher moves the variable aside for an offline check or fix only, and the CLI
 * puts it back for the processes it starts. Both halves are tested here as users run them:
 * the file executed as a program.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const BIN = join(process.cwd(), 'bin', 'portcullis.js');
const CERTS = '/nonexistent/extra-ca.pem';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portcullis-launcher-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A program on PATH that prints what it was given: its environment's two variables and its arguments. */
async function recorder(name: string, folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  const script = join(folder, name);
  await writeFile(
    script,
    '#!/bin/sh\n' +
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansions
      'printf "%s|%s|%s\\n" "${NODE_EXTRA_CA_CERTS-unset}" "${PORTCULLIS_DEFERRED_EXTRA_CA_CERTS-unset}" "$*"' +
      ` >> ${join(folder, `${name}.log`)}\n` +
      'echo "version: 0.9.0"\n',
  );
  await chmod(script, 0o755);
}

async function run(args: string[], env: NodeJS.ProcessEnv) {
  try {
    const { stdout, stderr } = await promisify(execFile)(BIN, args, { cwd: dir, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the launcher', () => {
  let fake: string;
  beforeAll(async () => {
    fake = join(dir, 'fake-node');
    await recorder('node', fake);
  });

  it.each([
    [['check', '--offline', 'Dockerfile'], true],
    [['fix', '--offline', '--write'], true],
    [['-q', 'check', 'a', '--offline'], true],
    [['check', 'Dockerfile'], false],
    [['check', '--offline', '--build'], false],
    [['check', '--build', '--offline'], false],
    [['check', '--', '--offline'], false],
    [['--version'], false],
    [['scan', 'alpine'], false],
  ])('%j: NODE_EXTRA_CA_CERTS moved aside: %s', async (args, deferred) => {
    await rm(join(fake, 'node.log'), { force: true });
    await run(args, { PATH: `${fake}${delimiter}${process.env.PATH}`, NODE_EXTRA_CA_CERTS: CERTS });
    const seen = await readFile(join(fake, 'node.log'), 'utf8');
    expect(seen).toBe(`${deferred ? `unset|${CERTS}` : `${CERTS}|unset`}|${BIN} ${args.join(' ')}\n`);
  });

  it('passes every argument through as it is, and no variable of its own when the certificates stay', async () => {
    await rm(join(fake, 'node.log'), { force: true });
    await run(['check', '--offline', 'a b', '', '*'], {
      PATH: `${fake}${delimiter}${process.env.PATH}`,
      PORTCULLIS_DEFERRED_EXTRA_CA_CERTS: '/planted.pem',
    });
    // Five arguments, the empty one and the space kept, no glob expanded; the planted variable gone.
    expect(await readFile(join(fake, 'node.log'), 'utf8')).toBe(
      `unset|unset|${BIN} check --offline a b  *\n`,
    );
  });
});

describe('an offline check started by the launcher', () => {
  it('starts Node without the certificates, and the command sees its environment as the user set it', async () => {
    // Preloaded by Node (NODE_OPTIONS): says, as the process ends, what the command's environment held.
    const probe = join(dir, 'probe.cjs');
    await writeFile(
      probe,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the probe's own template literal
      "process.on('exit', () => process.stderr.write(`env: ${process.env.NODE_EXTRA_CA_CERTS}|${process.env.PORTCULLIS_DEFERRED_EXTRA_CA_CERTS}\\n`));\n",
    );
    await writeFile(join(dir, 'Dockerfile'), 'FROM alpine:3.20\nRUN echo $HOME\n');
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      NO_COLOR: '1',
      PORTCULLIS_CACHE_DIR: join(dir, 'cache'),
      NODE_EXTRA_CA_CERTS: CERTS,
      NODE_OPTIONS: `--require ${probe}`,
    };
    const offline = await run(['check', '--offline', 'Dockerfile'], env);
    // Node warns as it starts when it cannot load the file: it did not try.
    expect(offline.stderr).toBe(`env: ${CERTS}|undefined\n`);
    expect(offline.stdout).toMatch(/^Dockerfile\n/);
    expect(offline.code).toBe(1);

    // Any other command: Node loads them as usual (and says it cannot).
    const version = await run(['--version'], env);
    expect(version.stderr).toMatch(/Ignoring extra certs from `\/nonexistent\/extra-ca\.pem`/);
    expect(version.stderr).toMatch(new RegExp(`env: ${CERTS}\\|undefined\\n$`));
    expect(version.stdout).toMatch(/^portcullis /);
  });
});
