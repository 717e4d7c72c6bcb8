/** `portcullis policy test` and `portcullis policy impact`, end to end on a git repository. */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { cli } from '../support/cli.js';

const run = promisify(execFile);
let repo: string;

const git = (...args: string[]) =>
  run('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args]);

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), content);
  }
}

async function commit(files: Record<string, string>, message: string): Promise<string> {
  await write(files);
  await git('add', '--all');
  await git('commit', '--quiet', '-m', message);
  return (await git('rev-parse', 'HEAD')).stdout.trim();
}

const POLICIES = '.github/portcullis/policies';

const RULE = [
  '# METADATA',
  '# title: No sudo-like tools in images',
  '# custom:',
  '#   id: ACME-002',
  '#   severity: deny',
  'package portcullis.rules.acme_no_doas',
  '',
  'import rego.v1',
  '',
  'import data.portcullis.lib.dockerfile',
  '',
  'deny contains {"msg": "doas is not allowed", "line": instruction.line} if {',
  '\tsome stage in dockerfile.stages',
  '\tsome instruction in stage.instructions',
  '\tinstruction.keyword == "RUN"',
  '\tcontains(instruction.value, "doas")',
  '}',
  '',
].join('\n');

/** Uses the built-in pack's helpers: lib/dockerfile (a policy library) and lib/test_inputs (a test helper). */
const TESTS = [
  'package portcullis.rules.acme_no_doas_test',
  '',
  'import rego.v1',
  '',
  'import data.portcullis.lib.test_inputs',
  'import data.portcullis.rules.acme_no_doas',
  '',
  'doas := {"target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"stages": [{"instructions": [',
  '\t{"keyword": "RUN", "value": "doas apk add curl", "line": 2},',
  ']}]}}',
  '',
  'test_doas_is_denied if {',
  '\ttest_inputs.lines(acme_no_doas.deny) == {2} with input as doas',
  '}',
  '',
  'test_on_the_wrong_line if {',
  '\tlines := test_inputs.lines(acme_no_doas.deny) with input as doas',
  '\tprint("lines:", lines)',
  '\tlines == {3}',
  '}',
  '',
].join('\n');

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'portcullis-policy-cli-'));
  await git('init', '--quiet');
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe('portcullis policy test', () => {
  it("runs the repository's tests with the built-in helpers, and exits 1 on a failure", async () => {
    await write({ [`${POLICIES}/doas.rego`]: RULE, [`${POLICIES}/doas_test.rego`]: TESTS });
    const { code, stdout } = await cli('policy', 'test', '--repo', repo);
    expect(stdout).toContain(`PASS  ${POLICIES}/doas_test.rego:12  acme_no_doas_test.test_doas_is_denied`);
    expect(stdout).toContain(`FAIL  ${POLICIES}/doas_test.rego:16  acme_no_doas_test.test_on_the_wrong_line`);
    expect(stdout).toContain('lines: {2}');
    expect(stdout).toContain('1/2 passed, 1 failed');
    expect(code).toBe(1);
  });

  it('exits 0 when every test passes, and says so when there are none', async () => {
    await write({
      [`${POLICIES}/doas.rego`]: RULE,
      [`${POLICIES}/doas_test.rego`]: TESTS.replace(/\ntest_on_the_wrong_line[\s\S]*$/, '\n'),
    });
    expect(await cli('policy', 'test', '--repo', repo)).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('1/1 passed'),
    });

    await rm(join(repo, POLICIES, 'doas_test.rego'));
    expect(await cli('policy', 'test', '--repo', repo)).toMatchObject({
      code: 0,
      stdout: `No tests (*_test.rego) in ${POLICIES}.`,
    });
  });

  it('honours the configured policy folder, and reports a test that does not compile with its line (exit 2)', async () => {
    await write({
      '.github/portcullis.yml': 'policies:\n  path: rego\n',
      'rego/doas.rego': RULE,
      'rego/doas_test.rego':
        'package portcullis.rules.broken_test\n\nimport rego.v1\n\ntest_x iff {\n\ttrue\n}\n',
    });
    const { code, stderr } = await cli('policy', 'test', '--repo', repo);
    expect(code).toBe(2);
    expect(stderr).toContain('rego/doas_test.rego:5:');
  });
});

describe('portcullis policy impact', () => {
  let base: string;
  let head: string;

  beforeEach(async () => {
    base = await commit(
      {
        Dockerfile: [
          'FROM node',
          'USER node',
          'RUN doas apk add curl',
          'HEALTHCHECK NONE',
          'CMD ["node"]',
          '',
        ].join('\n'),
        'services/api/Dockerfile': [
          'FROM alpine:3.19',
          'USER 10001',
          'HEALTHCHECK NONE',
          'CMD ["/api"]',
          '',
        ].join('\n'),
      },
      'base',
    );
    head = await commit(
      { [`${POLICIES}/doas.rego`]: RULE, '.github/portcullis.yml': 'rules:\n  PC-DF-001: off\n' },
      'head',
    );
  });

  it('prints exactly the added and removed findings as JSON, added and removed first', async () => {
    const { code, stdout } = await cli(
      'policy',
      'impact',
      '--repo',
      repo,
      '--base',
      base,
      '--head',
      'HEAD',
      '--format',
      'json',
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(report).slice(0, 2)).toEqual(['added', 'removed']);
    expect(report.added).toEqual([
      {
        rule_id: 'ACME-002',
        severity: 'deny',
        path: 'Dockerfile',
        line: 3,
        end_line: 3,
        message: 'doas is not allowed',
        title: 'No sudo-like tools in images',
      },
    ]);
    expect(report.removed).toEqual([
      expect.objectContaining({ rule_id: 'PC-DF-001', severity: 'deny', path: 'Dockerfile', line: 1 }),
    ]);
    expect(report.totals).toMatchObject({ targets: 2, added: 1, removed: 1, changed: 0 });
  });

  it('prints the changes per file as text; the same commit on both sides changes nothing', async () => {
    const { code, stdout } = await cli('policy', 'impact', '--repo', repo, '--base', base, '--head', head);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^Dockerfile\n {2}\+ {4}3 {2}DENY {2}ACME-002 {2}doas is not allowed\n {2}- {4}1 {2}DENY {2}PC-DF-001 /m,
    );
    expect(stdout).toContain('2 files judged by both policy sets: 1 added, 1 removed, 0 changed');

    const same = await cli(
      'policy',
      'impact',
      '--repo',
      repo,
      '--base',
      head,
      '--head',
      head,
      '--format',
      'json',
    );
    expect(JSON.parse(same.stdout)).toMatchObject({ added: [], removed: [] });
  });

  it('is a usage error without --base and --head, or with an unknown ref (exit 2)', async () => {
    const missing = await cli('policy', 'impact', '--repo', repo, '--head', head);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('needs --base REF and --head REF');
    const unknown = await cli('policy', 'impact', '--repo', repo, '--base', 'nope', '--head', head);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('nope is not a commit');
    expect((await cli('policy', 'frobnicate')).code).toBe(2);
  });
});

describe('portcullis policy test on hostile tests', () => {
  const CANARY = 'canary-7d2b4e91-secret-value';
  let server: Server;
  let received: string[];
  beforeAll(async () => {
    process.env.PORTCULLIS_TEST_CANARY = CANARY;
    received = [];
    server = createServer((request, response) => {
      received.push(`${request.method} ${request.url}`);
      response.end('{"ok": true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    delete process.env.PORTCULLIS_TEST_CANARY;
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses opa.runtime and http.send by name, reaches nothing, and prints no environment (exit 2)', async () => {
    const { port } = server.address() as AddressInfo;
    await write({
      [`${POLICIES}/doas.rego`]: RULE,
      [`${POLICIES}/hostile_test.rego`]: [
        'package portcullis.rules.acme_no_doas_hostile_test',
        '',
        'import rego.v1',
        '',
        'test_environment if {',
        '\tprint("ENV", opa.runtime().env)',
        '\tfalse',
        '}',
        '',
        'test_network if {',
        `\tresponse := http.send({"method": "GET", "url": "http://127.0.0.1:${port}/leak"})`,
        '\tprint("HTTP", response)',
        '\tfalse',
        '}',
        '',
      ].join('\n'),
    });
    const { code, stdout, stderr } = await cli('policy', 'test', '--repo', repo);
    expect(code).toBe(2);
    expect(stderr).toContain(`${POLICIES}/hostile_test.rego:6:`);
    expect(stderr).toContain('opa.runtime');
    expect(stderr).toContain(`${POLICIES}/hostile_test.rego:11:`);
    expect(stderr).toContain('http.send');
    expect(received).toEqual([]);
    for (const output of [stdout, stderr]) {
      expect(output).not.toContain(CANARY);
      expect(output).not.toContain(process.env.PATH);
    }
  });

  it('strips control characters from what a test prints, and caps it', async () => {
    await write({
      [`${POLICIES}/doas.rego`]: RULE,
      [`${POLICIES}/noisy_test.rego`]: [
        'package portcullis.rules.acme_no_doas_noisy_test',
        '',
        'import rego.v1',
        '',
        'test_noisy if {',
        '\tprint("\\u001b[2J\\u001b]0;owned\\u0007::error::forged\\r")',
        '\tprint(concat("", [x | some _ in numbers.range(1, 100000); x := "y"]))',
        '\tfalse',
        '}',
        '',
      ].join('\n'),
    });
    const { code, stdout } = await cli('policy', 'test', '--repo', repo);
    expect(code).toBe(1);
    expect(stdout).not.toMatch(/[^\P{Cc}\n\t]/u);
    expect(stdout).toContain('[2J]0;owned::error::forged');
    expect(stdout.length).toBeLessThan(20_000);
  });
});
