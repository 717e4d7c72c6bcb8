/**
 * The npm package (issue #16): what `npm pack` ships, and the programmatic API reached
 * through package.json `exports` as a consumer's `import … from 'portcullis'` reaches it
 * (Node resolves a package's own name inside it, through the same `exports`).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('npm pack', () => {
  let files: string[];
  beforeAll(async () => {
    // --ignore-scripts: the list of what the package holds, without prepack rebuilding dist/ under other tests.
    const { stdout } = await run('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], {
      maxBuffer: 1 << 24,
    });
    files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path) ?? [];
  }, 120_000);

  it('ships the CLI, the API, the policies, the prebuilt pack and the schemas', () => {
    for (const path of [
      'bin/portcullis.js',
      'dist/api.js',
      'dist/cli/main.js',
      'dist/main.js',
      'policies/main/main.rego',
      'schemas/portcullis.schema.json',
      'schemas/waivers.schema.json',
      'docs/policy-input.schema.json',
      'app.yml',
    ])
      expect(files).toContain(path);
    expect(files.some((path) => path.startsWith('dist/policy-pack/'))).toBe(true);
  });

  it('leaves out benchmarks and their corpus generators, tests, sources, tools and source maps', () => {
    const unwanted = files.filter((path) =>
      /^(bench|test|src|tools|scripts|examples|node_modules|deploy)\/|\.map$|\.test\.|(^|\/)corpus/.test(
        path,
      ),
    );
    expect(unwanted).toEqual([]);
  });

  it('names in exports and types only files it ships', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8'));
    expect(pkg.types).toBe('./dist/api.d.ts');
    expect(pkg.exports['.']).toEqual({ types: './dist/api.d.ts', default: './dist/api.js' });
    expect(pkg.scripts.prepack).toMatch(/npm run -s build && tsc -p tsconfig\.types\.json/);
    expect(files).toContain(pkg.exports['.'].default.slice(2));
    // The declarations are written by prepack (tsconfig.types.json), so into the package's dist/.
    expect(
      JSON.parse((await readFile('tsconfig.types.json', 'utf8')).replace(/^\s*\/\/.*$/gm, '')).files,
    ).toEqual(['src/api.ts']);
  });
});

describe("the package's API", () => {
  let repo: string;
  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'portcullis-api-'));
    await writeFile(join(repo, 'Dockerfile'), 'FROM alpine:3.19\nUSER root\n');
    await run('git', ['init', '--quiet', repo]);
  });
  afterAll(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  /** A consumer's module in its own folder, with the package installed as npm links a local one. */
  const consumer = async (code: string) => {
    const folder = join(repo, 'consumer');
    await mkdir(join(folder, 'node_modules'), { recursive: true });
    await symlink(process.cwd(), join(folder, 'node_modules', 'portcullis')).catch(() => undefined);
    await writeFile(join(folder, 'consumer.mjs'), code);
    return (await run(process.execPath, [join(folder, 'consumer.mjs'), repo], { cwd: folder })).stdout;
  };

  it('judges files, compiles policies and renders reports, as the README shows', async () => {
    const stdout = await consumer(`
      import { loadPolicySet, policyEngineFor, workingTreeSnapshot, workingTreeTargets, judgeTargets,
        judgementFails, jsonReport, textReport, sarifReport, compilePolicy, portcullisVersion } from 'portcullis';
      const repo = process.argv[2];
      const set = await loadPolicySet(workingTreeSnapshot(repo));
      const engine = await policyEngineFor(set);
      const files = await workingTreeTargets(repo, [], set.config.targets);
      const judgement = await judgeTargets(files, engine, { policySet: set });
      const compiled = await compilePolicy(set.bundle);
      const sarif = sarifReport(judgement, engine.rules, { version: portcullisVersion() }, files);
      console.log(JSON.stringify({
        fails: judgementFails(judgement),
        rules: jsonReport(judgement).findings.map((f) => f.rule_id),
        text: textReport(judgement, false).split('\\n')[0],
        wasm: compiled.wasm.byteLength > 0,
        sarif: sarif.runs[0].results.length,
      }));`);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ fails: true, text: 'Dockerfile', wasm: true });
    expect(result.rules).toEqual(expect.arrayContaining(['PC-DF-002', 'PC-DF-003']));
    expect(result.sarif).toBe(result.rules.length);
  });

  it('exports the schemas, and nothing of the internals', async () => {
    const stdout = await consumer(`
      const schema = await import('portcullis/schemas/waivers.schema.json', { with: { type: 'json' } });
      console.log(schema.default.$id);
      await import('portcullis/dist/cli/main.js').catch((error) => console.log(error.code));`);
    expect(stdout.split('\n')).toEqual([
      'https://portcullis.dev/schemas/waivers/v1.json',
      'ERR_PACKAGE_PATH_NOT_EXPORTED',
      '',
    ]);
  });
});

describe('the image', () => {
  it('runs the CLI by name: portcullis is on PATH, executable, and resolves to the built CLI', async () => {
    const dockerfile = await readFile('Dockerfile', 'utf8');
    // The base image's entrypoint (docker-entrypoint.sh) runs a first argument it finds on PATH, else node with it.
    expect(dockerfile).toMatch(/^RUN ln -s \/app\/bin\/portcullis\.js \/usr\/local\/bin\/portcullis$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
    const { stdout } = await run('git', ['ls-files', '--stage', 'bin/portcullis.js']);
    expect(stdout).toMatch(/^100755 /);
    expect((await readFile('bin/portcullis.js', 'utf8')).split('\n')[0]).toBe('#!/bin/sh');
    // Through a link, as in the image: node resolves ../dist from the link's target.
    const link = join(await mkdtemp(join(tmpdir(), 'portcullis-bin-')), 'portcullis');
    await symlink(join(process.cwd(), 'bin', 'portcullis.js'), link);
    const version = await run(link, ['--version']);
    const pkg = JSON.parse(await readFile('package.json', 'utf8'));
    expect(version.stdout).toBe(`portcullis ${pkg.version}\n`);
    await rm(join(link, '..'), { recursive: true, force: true });
  });
});
