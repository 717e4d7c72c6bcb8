/**
 * The pre-commit hooks (.pre-commit-hooks.yaml) run as pre-commit runs them: the `files`
 * pattern applied with Python's `re.search` (pre-commit's own matching) to the staged
 * paths, then `entry` + `args` + the matching paths run from the repository's root, with
 * the package's `portcullis` bin. (`pre-commit try-repo` itself installs the package with
 * npm from the registry, which this suite must not need: see the README.)
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const run = promisify(execFile);
const ROOT = process.cwd();
const BIN = join(ROOT, 'bin', 'portcullis.js');

interface Hook {
  id: string;
  entry: string;
  args?: string[];
  language: string;
  files: string;
  types?: string[];
  require_serial?: boolean;
  pass_filenames?: boolean;
}

let hooks: Map<string, Hook>;
let repo: string;

const STAGED: Record<string, string> = {
  Dockerfile: 'FROM alpine:3.19\nMAINTAINER acme\nUSER root\nCMD ["true"]\n',
  'services/api/api.Dockerfile': `FROM alpine:3.19@sha256:${'a'.repeat(64)}\nUSER 10001\nHEALTHCHECK NONE\nCMD ["true"]\n`,
  'deploy/web.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:latest\n',
  'config/settings.yml': 'answer: 42\n',
  'README.md': '# not a target\n',
  'docker/build.sh': 'docker build .\n',
};

/** The staged paths pre-commit would pass to `hook`: `re.search(files, path)`, as pre-commit filters. */
async function passed(hook: Hook, paths: readonly string[]): Promise<string[]> {
  const { stdout } = await run('python3', [
    '-c',
    'import re, sys\npattern = re.compile(sys.argv[1])\nfor path in sys.argv[2:]:\n    if pattern.search(path): print(path)',
    hook.files,
    ...paths,
  ]);
  return stdout.split('\n').filter(Boolean);
}

/** `entry args files`, with `portcullis` being the package's bin, from the repository's root. */
async function runHook(hook: Hook, files: readonly string[]) {
  const [program, ...entryArgs] = hook.entry.split(' ');
  expect(program).toBe('portcullis');
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [BIN, ...entryArgs, ...(hook.args ?? []), ...files],
      {
        cwd: repo,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  const list = parse(await readFile(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
  hooks = new Map(list.map((hook) => [hook.id, hook]));
  repo = await mkdtemp(join(tmpdir(), 'portcullis-pre-commit-'));
  await run('git', ['init', '--quiet', repo]);
  for (const [path, text] of Object.entries(STAGED)) {
    await mkdir(join(repo, path, '..'), { recursive: true });
    await writeFile(join(repo, path), text);
  }
  await run('git', ['add', '--all'], { cwd: repo });
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe('.pre-commit-hooks.yaml', () => {
  it('defines portcullis-check and portcullis-fix as node hooks on the changed files, in one process', () => {
    expect([...hooks.keys()]).toEqual(['portcullis-check', 'portcullis-fix']);
    for (const hook of hooks.values()) {
      expect(hook).toMatchObject({ language: 'node', require_serial: true, types: ['file'] });
      expect(hook.pass_filenames).not.toBe(false);
    }
  });

  it('passes Dockerfiles, Containerfiles and YAML, and nothing else', async () => {
    const names = [
      'Dockerfile',
      'Dockerfile.prod',
      'Dockerfile-dev',
      'svc/Dockerfile',
      'api.Dockerfile',
      'build.dockerfile',
      'Containerfile',
      'k8s/deployment.yaml',
      'compose.yml',
      '.github/workflows/ci.yml',
      'README.md',
      'Dockerfile.d/setup.sh',
      'dockerfiles.txt',
      'yaml/notes.txt',
      'src/Dockerfile.ts.bak/x',
    ];
    for (const hook of hooks.values()) {
      expect(await passed(hook, names)).toEqual([
        'Dockerfile',
        'Dockerfile.prod',
        'Dockerfile-dev',
        'svc/Dockerfile',
        'api.Dockerfile',
        'build.dockerfile',
        'Containerfile',
        'k8s/deployment.yaml',
        'compose.yml',
        '.github/workflows/ci.yml',
      ]);
    }
  });
});

describe('portcullis-check, run as pre-commit runs it', () => {
  it('fails the commit on a deny finding, listing only the files that need attention', async () => {
    const { stdout: staged } = await run('git', ['diff', '--cached', '--name-only'], { cwd: repo });
    const hook = hooks.get('portcullis-check') as Hook;
    const files = await passed(hook, staged.split('\n').filter(Boolean));
    expect(files).toEqual([
      'Dockerfile',
      'config/settings.yml',
      'deploy/web.yaml',
      'services/api/api.Dockerfile',
    ]);
    const { code, stdout, stderr } = await runHook(hook, files);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^Dockerfile\n {2}\d/m);
    expect(stdout).toContain('PC-DF-002');
    expect(stdout).toContain('deploy/web.yaml');
    // Quiet: the clean Dockerfile and YAML that is no manifest are not listed; no summary.
    expect(stdout).not.toContain('api.Dockerfile');
    expect(stdout).not.toContain('settings.yml');
    expect(stdout).not.toContain('checked');
  });

  it('passes when the changed files are clean', async () => {
    const hook = hooks.get('portcullis-check') as Hook;
    const { code, stdout } = await runHook(hook, ['services/api/api.Dockerfile', 'config/settings.yml']);
    expect({ code, stdout }).toEqual({ code: 0, stdout: '' });
  });
});

describe('portcullis-fix, run as pre-commit runs it', () => {
  it('rewrites the files it can fix (pre-commit then fails the commit on the change)', async () => {
    const before = await readFile(join(repo, 'Dockerfile'), 'utf8');
    const hook = hooks.get('portcullis-fix') as Hook;
    const { code, stderr } = await runHook(hook, ['Dockerfile']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const after = await readFile(join(repo, 'Dockerfile'), 'utf8');
    expect(before).toContain('MAINTAINER acme');
    expect(after).not.toContain('MAINTAINER');
    const { stdout: changed } = await run('git', ['diff', '--name-only'], { cwd: repo });
    expect(changed.trim()).toBe('Dockerfile');
  });
});
