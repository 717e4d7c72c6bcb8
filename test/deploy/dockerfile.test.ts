/**
 * The App's own Dockerfile passes the App's own default policies, judged by the real command
 * line (`node bin/portcullis.js`, i.e. dist/) the way a user or CI runs it, and builds the
 * image that docs/operations.md describes. The image itself is not built here: no Docker
 * daemon, and its base images are on Docker Hub.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { DockerfileInstruction } from '../../src/input/policy-input.js';
import { parseDockerfile } from '../../src/targets/dockerfile/parse.js';
import { freePort } from '../support/free-port.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'portcullis.js');

interface CheckOutput {
  findings: { rule_id: string; severity: string; line: number; message: string }[];
  errors: unknown[];
}

/** `portcullis check --offline --format json` on `paths` of `repo`; exit 1 (a deny) is an answer too. */
async function check(repo: string, ...paths: string[]): Promise<{ code: number; output: CheckOutput }> {
  const args = [BIN, 'check', '--offline', '--format', 'json', '--repo', repo, ...paths];
  try {
    const { stdout } = await run(process.execPath, args, { cwd: repo });
    return { code: 0, output: JSON.parse(stdout) };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (failed.code !== 1 || !failed.stdout) throw new Error(`portcullis check failed: ${failed.stderr}`);
    return { code: 1, output: JSON.parse(failed.stdout) };
  }
}

let dockerfile: string;
beforeAll(async () => {
  dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
});

describe('the Dockerfile of the App', () => {
  it('passes the default policies with no deny and no warn but the one waived with its reason', async () => {
    const { code, output } = await check(ROOT, 'Dockerfile');
    expect(output.errors).toEqual([]);
    const serious = output.findings.filter((f) => f.severity === 'deny' || f.severity === 'warn');
    // git ships on purpose (the CLI in this image lists a repository's files with it).
    expect(serious.map((f) => [f.rule_id, 'waived' in f])).toEqual([['PC-DF-090', true]]);
    expect(code).toBe(0);
  });

  it('is judged by those rules: without its digests, every FROM is reported unpinned', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'portcullis-dockerfile-'));
    try {
      await run('git', ['init', '--quiet', repo]);
      await writeFile(join(repo, 'Dockerfile'), dockerfile.replace(/@sha256:[0-9a-f]{64}/g, ''));
      const { output } = await check(repo, 'Dockerfile');
      const fromLines = parseDockerfile(dockerfile).stages.map((stage) => stage.line);
      expect(output.findings.filter((f) => f.rule_id === 'PC-DF-003').map((f) => f.line)).toEqual(fromLines);
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });

  it('pins every base image by digest, through global ARGs that Renovate and Dependabot update', () => {
    const { stages, global_args } = parseDockerfile(dockerfile);
    expect(stages.map((stage) => stage.name)).toEqual(['tools', 'build', 'runtime']);
    for (const stage of stages) {
      expect(stage.base.unresolved_variables).toEqual([]);
      expect(stage.base.resolved).toMatch(/^(node|golang):[\w.-]+@sha256:[0-9a-f]{64}$/);
    }
    expect(global_args.map((arg) => arg.name)).toEqual(['NODE_IMAGE', 'GO_IMAGE']);
  });

  it('builds the tools at the versions scripts/setup.sh installs', async () => {
    const setup = await readFile(join(ROOT, 'scripts', 'setup.sh'), 'utf8');
    const tools = parseDockerfile(dockerfile).stages[0]?.instructions ?? [];
    const args = Object.fromEntries(
      tools.filter((i) => i.keyword === 'ARG').flatMap((i) => i.properties.map((p) => [p.name, p.value])),
    );
    for (const name of ['OPA_VERSION', 'OSV_SCANNER_VERSION', 'COSIGN_VERSION']) {
      const pinned = new RegExp(`^${name}="(v[\\d.]+)"$`, 'm').exec(setup)?.[1];
      expect(pinned).toBeDefined();
      expect(args[name]).toBe(pinned);
    }
  });

  it('copies into the build stage every script `npm run build` runs', async () => {
    const { scripts } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    const needed = [...String(scripts.build).matchAll(/node (scripts\/[\w.-]+\.mjs)/g)].map((m) => m[1]);
    expect(needed.length).toBeGreaterThan(0);
    const build = parseDockerfile(dockerfile).stages.find((stage) => stage.name === 'build');
    const copied = (build?.instructions ?? [])
      .filter((i) => i.keyword === 'COPY')
      .flatMap((i) => i.value.split(/\s+/).slice(0, -1));
    for (const script of needed) expect(copied).toContain(script);
  });

  it('runs the App unprivileged, with its data volume, port and exec-form command', () => {
    const runtime = parseDockerfile(dockerfile).stages.at(-1);
    const last = (keyword: string): DockerfileInstruction | undefined =>
      runtime?.instructions.filter((i) => i.keyword === keyword).at(-1);
    const env = Object.fromEntries(
      runtime?.instructions
        .filter((i) => i.keyword === 'ENV')
        .flatMap((i) => i.properties.map((p) => [p.name, p.value])) ?? [],
    );
    // A numeric user lets Kubernetes check runAsNonRoot without looking a name up.
    expect(last('USER')?.value).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(env).toMatchObject({ NODE_ENV: 'production', PORTCULLIS_DATA_DIR: '/data', HOST: '0.0.0.0' });
    expect(last('VOLUME')?.arguments).toEqual(['/data']);
    expect(last('EXPOSE')?.arguments).toEqual([env.PORT]);
    expect(last('CMD')?.arguments).toEqual(['node', 'dist/main.js']);
  });

  it('checks health with a command that fails unless /healthz answers 2xx on PORT', async () => {
    const healthcheck = parseDockerfile(dockerfile)
      .stages.at(-1)
      ?.instructions.filter((i) => i.keyword === 'HEALTHCHECK')
      .at(-1)?.value;
    // Exec form (no shell in the way): `CMD ["node", "-e", "…"]`.
    const argv = JSON.parse(healthcheck?.replace(/^CMD\s+/, '') ?? 'null') as string[];
    expect(argv.slice(0, 2)).toEqual(['node', '-e']);
    let status = 200;
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(status).end();
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const probe = () =>
      run(process.execPath, argv.slice(1), { env: { PORT: String(port) } }).then(
        () => 0,
        (error: { code?: number }) => error.code,
      );
    try {
      expect(await probe()).toBe(0);
      status = 503;
      expect(await probe()).toBe(1);
      expect(paths).toEqual(['/healthz', '/healthz']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    // Nothing listening: unhealthy, not a hang or a crash with another status.
    expect(await probe()).toBe(1);
  });

  it('sends every file it copies from the build context past .dockerignore', async () => {
    const ignore = (await readFile(join(ROOT, '.dockerignore'), 'utf8'))
      .split('\n')
      .map((line) => line.trim());
    // The file is an allow-list: everything out (`*`), then each path the Dockerfile copies back in.
    expect(ignore).toContain('*');
    const sources = parseDockerfile(dockerfile)
      .stages.flatMap((stage) => stage.instructions)
      .filter((i) => i.keyword === 'COPY' && !i.flags.some((flag) => flag.name === 'from'))
      .flatMap((i) => i.arguments.slice(0, -1));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) expect(ignore).toContain(`!${source}`);
  });
});
