/** The one way OPA is started: capabilities, empty environment, temporary folder, limits. */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, resetSettings, useSettings } from '../settings.js';
import { OpaProcessError, opaCapabilities, runOpa } from './opa-process.js';

let dir: string;
// Read from the real OPA once, before any test puts a recording stand-in in its place.
beforeAll(() => opaCapabilities('gate'));
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portcullis-opa-process-'));
});
afterEach(async () => {
  resetSettings();
  await rm(dir, { recursive: true, force: true });
});

async function rego(files: Record<string, string>): Promise<string> {
  const policies = join(dir, 'policies');
  await mkdir(policies, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(policies, name), text);
  return policies;
}

/** Stands in for OPA where only the process it runs in is under test: records what it got. */
async function recordingOpa(body = ''): Promise<string> {
  const out = join(dir, 'seen');
  await mkdir(out);
  const script = join(dir, 'opa');
  await writeFile(
    script,
    [
      '#!/bin/sh',
      `env > ${out}/env`,
      `ulimit -d > ${out}/ulimit`,
      `pwd > ${out}/pwd`,
      `printf '%s\\n' "$@" > ${out}/args`,
      `if [ "$2" = --capabilities ]; then cat "$3" > ${out}/capabilities.json; fi`,
      body,
      '',
    ].join('\n'),
  );
  await chmod(script, 0o755);
  useSettings(loadSettings({ PORTCULLIS_OPA: script }));
  return out;
}

it('runs OPA with an empty environment, a data limit, a temporary folder and the capabilities file', async () => {
  process.env.PORTCULLIS_TEST_CANARY = 'canary-0b9e-secret';
  try {
    const seen = await recordingOpa();
    await runOpa(['check', '--format', 'json', '.']);
    const env = (await readFile(join(seen, 'env'), 'utf8')).trim().split('\n').sort();
    // /bin/sh itself exports PWD; nothing of Portcullis' environment gets through.
    expect(env.filter((line) => !line.startsWith('PWD='))).toEqual(['GOMEMLIMIT=384MiB']);
    expect(await readFile(join(seen, 'ulimit'), 'utf8')).toBe(`${512 << 10}\n`);
    expect((await readFile(join(seen, 'pwd'), 'utf8')).trim()).toMatch(/portcullis-opa-run-/);
    expect((await readFile(join(seen, 'args'), 'utf8')).split('\n').slice(0, 2)).toEqual([
      'check',
      '--capabilities',
    ]);
    const capabilities = JSON.parse(await readFile(join(seen, 'capabilities.json'), 'utf8'));
    const names = new Set(capabilities.builtins.map((b: { name: string }) => b.name));
    for (const denied of ['http.send', 'opa.runtime', 'net.lookup_ip_addr', 'io.jwt.decode_verify', 'trace'])
      expect(names).not.toContain(denied);
    for (const allowed of ['sprintf', 'time.now_ns', 'regex.match']) expect(names).toContain(allowed);
  } finally {
    delete process.env.PORTCULLIS_TEST_CANARY;
  }
});

it('gives tests the gate capabilities plus print and json.patch, and nothing that reaches out', async () => {
  const gate = new Set(
    JSON.parse(await opaCapabilities('gate')).builtins.map((b: { name: string }) => b.name),
  );
  const tests = new Set(
    JSON.parse(await opaCapabilities('tests')).builtins.map((b: { name: string }) => b.name),
  );
  expect([...tests].filter((name) => !gate.has(name)).sort()).toEqual([
    'internal.print',
    'json.patch',
    'print',
  ]);
  expect([...gate].filter((name) => !tests.has(name))).toEqual([]);
});

it('refuses a policy calling http.send or opa.runtime, naming the built-in on its line', async () => {
  const cwd = await rego({
    'leak.rego': [
      'package leak',
      '',
      'import rego.v1',
      '',
      'env := opa.runtime().env',
      '',
      'reply := http.send({"method": "GET", "url": "http://127.0.0.1:9"})',
      '',
    ].join('\n'),
  });
  for (const command of [['check'], ['build', '-o', join(dir, 'b.tar.gz')]]) {
    const { code, stdout, stderr } = await runOpa([...command, '.'], { cwd });
    expect(code).not.toBe(0);
    expect(`${stdout}${stderr}`).toContain('leak.rego:5: rego_type_error: undefined function opa.runtime');
    expect(`${stdout}${stderr}`).toContain('leak.rego:7: rego_type_error: undefined function http.send');
  }
});

it('kills the whole process group of a run past its time limit', async () => {
  const seen = await recordingOpa(`sleep 30 & echo $! > ${join(dir, 'seen', 'child')}; wait`);
  const started = Date.now();
  await expect(runOpa(['version'], { limits: { timeoutMs: 500 } })).rejects.toMatchObject({
    name: 'OpaProcessError',
    limit: 'time',
  });
  expect(Date.now() - started).toBeLessThan(5000);
  const child = Number(await readFile(join(seen, 'child'), 'utf8'));
  // Gone, or a zombie left for a container's init to reap: either way no longer running.
  const state = await readFile(`/proc/${child}/stat`, 'utf8').then(
    (stat) => stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3),
    () => 'gone',
  );
  expect(['gone', 'Z', 'X']).toContain(state);
});

it('stops a real test that loops when the run reaches its time limit', async () => {
  const cwd = await rego({
    'loop_test.rego': [
      'package loop_test',
      '',
      'import rego.v1',
      '',
      'test_loop if {',
      '\tcount([1 | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); i == j + 1e9]) == 0',
      '}',
      '',
    ].join('\n'),
  });
  const started = Date.now();
  const run = runOpa(['test', '--timeout', '60s', '.'], {
    cwd,
    capabilities: 'tests',
    limits: { timeoutMs: 1500 },
  });
  await expect(run).rejects.toThrow(
    new OpaProcessError('OPA ran past its 2 s time limit and was stopped', 'time'),
  );
  expect(Date.now() - started).toBeLessThan(10_000);
});

it('stops a test that allocates past the memory limit', async () => {
  const cwd = await rego({
    'big_test.rego': [
      'package big_test',
      '',
      'import rego.v1',
      '',
      'test_big if {',
      '\ts := concat(",", [sprintf("%d-padding-padding-padding-padding-padding", [i]) | some i in numbers.range(1, 20000000)])',
      '\tcount(s) > 0',
      '}',
      '',
    ].join('\n'),
  });
  await expect(
    runOpa(['test', '--timeout', '60s', '.'], {
      cwd,
      capabilities: 'tests',
      limits: { memoryBytes: 256 << 20, timeoutMs: 60_000 },
    }),
  ).rejects.toMatchObject({ limit: 'memory', message: expect.stringContaining('256 MiB memory limit') });
});

it('stops a process that prints past the output limit', async () => {
  await recordingOpa('yes "flood"');
  await expect(runOpa(['version'], { limits: { outputBytes: 1 << 20 } })).rejects.toMatchObject({
    limit: 'output',
  });
});
