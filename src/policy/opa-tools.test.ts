/** `opa check` and `opa test` on a policy set as the engine compiles it, with repository paths. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { workingTreeSnapshot } from '../repository/snapshot.js';
import { examinePolicySet, readPolicyTests } from './opa-tools.js';
import { loadPolicySet } from './policy-set.js';

let repo: string;

async function examine(files: Record<string, string>) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), content);
  }
  const snapshot = workingTreeSnapshot(repo);
  const set = await loadPolicySet(snapshot);
  return examinePolicySet(set, await readPolicyTests(snapshot, set));
}

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'portcullis-opa-tools-'));
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

const POLICIES = '.github/portcullis/policies';

it('reports a built-in the WebAssembly engine cannot run as an error on its line, as the App would fail', async () => {
  const rule = [
    'package portcullis.rules.acme_remote',
    '',
    'import rego.v1',
    '',
    'deny contains {"msg": "remote says no", "line": 1} if {',
    '\thttp.send({"method": "GET", "url": "https://example.invalid"}).status_code != 200',
    '}',
    '',
  ].join('\n');
  const examination = await examine({ [`${POLICIES}/remote.rego`]: rule });
  expect(examination.engine).toBeNull();
  expect(examination.tests).toBeNull();
  expect(examination.errors).toEqual([
    expect.objectContaining({ file: `${POLICIES}/remote.rego`, line: 6, code: 'rego_type_error' }),
  ]);
  expect(examination.isRepositoryFile(`${POLICIES}/remote.rego`)).toBe(true);
  expect(examination.isRepositoryFile('lib/dockerfile.rego')).toBe(false);
});

it('separates --strict warnings from errors, and runs the tests against the data the engine sees', async () => {
  const rule = [
    'package portcullis.rules.acme_registry',
    '',
    'import rego.v1',
    '',
    'deny contains {"msg": "not ours", "line": 1} if {',
    '\tunused := 1', // 6: only --strict minds
    '\tnot "registry.acme.example" in data.portcullis.config.trusted_registries',
    '}',
    '',
  ].join('\n');
  const tests = [
    'package portcullis.rules.acme_registry_test',
    '',
    'import rego.v1',
    '',
    'import data.portcullis.rules.acme_registry',
    '',
    'test_trusted_by_the_configuration if {',
    '\tcount(acme_registry.deny) == 0',
    '}',
    '',
  ].join('\n');
  const examination = await examine({
    '.github/portcullis.yml': 'trusted_registries: [docker.io, registry.acme.example]\n',
    [`${POLICIES}/registry.rego`]: rule,
    [`${POLICIES}/registry_test.rego`]: tests,
  });
  expect(examination.errors).toEqual([]);
  expect(examination.warnings).toEqual([
    expect.objectContaining({ file: `${POLICIES}/registry.rego`, line: 6, code: 'rego_compile_error' }),
  ]);
  expect(examination.engine).not.toBeNull();
  expect(examination.tests).toEqual([
    {
      file: `${POLICIES}/registry_test.rego`,
      line: 7,
      name: 'data.portcullis.rules.acme_registry_test.test_trusted_by_the_configuration',
      passed: true,
      output: '',
    },
  ]);
});
