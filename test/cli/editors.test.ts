/**
 * What an editor and a new user get (issue #16): the schemas shipped under schemas/, each
 * agreeing with the parser that reads the file in the gate, and `portcullis init`'s starter
 * files, which validate, judge and test as written.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { SCHEMA_URLS, STARTER_FILES } from '../../src/cli/init.js';
import { parseConfig } from '../../src/config/configuration.js';
import { parseWaivers } from '../../src/policy/waivers.js';
import { cli } from '../support/cli.js';

const run = promisify(execFile);
const schemas = new Map<string, object>();
/** Each schema read once: ajv keeps every schema it compiled by its $id, and refuses a second with the same. */
async function schema(name: string): Promise<object & { $id?: string }> {
  if (!schemas.has(name)) schemas.set(name, JSON.parse(await readFile(join('schemas', name), 'utf8')));
  return schemas.get(name) as object;
}
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);

describe('schemas/waivers.schema.json', () => {
  const valid = (text: string) => ajv.validate(schemaOf, parse(text));
  let schemaOf: object;
  beforeAll(async () => {
    schemaOf = await schema('waivers.schema.json');
  });

  const waiver = (fields: Record<string, string>) =>
    `waivers:\n  - ${Object.entries(fields)
      .map(([k, v]) => `${k}: "${v}"`)
      .join('\n    ')}\n`;
  const complete = {
    rule: 'PC-DF-003',
    reason: 'pinned elsewhere',
    owner: '@acme/platform',
    expires: '2027-01-31',
  };
  // Each case as an editor would see it; the gate's parser is the judge of what is right.
  const cases: [string, string][] = [
    ['complete', waiver(complete)],
    [
      'every optional key',
      waiver({ ...complete, path: 'svc/**', image: 'docker.io/library/node:*', vulnerability: 'CVE-2024-1' }),
    ],
    ['no waivers', 'waivers: []\n'],
    ['without a reason', waiver({ rule: 'PC-DF-003', owner: '@a', expires: '2027-01-31' })],
    ['without an owner', waiver({ rule: 'PC-DF-003', reason: 'r', expires: '2027-01-31' })],
    ['without a rule', waiver({ reason: 'r', owner: '@a', expires: '2027-01-31' })],
    ['without an expiry', waiver({ rule: 'PC-DF-003', reason: 'r', owner: '@a' })],
    ['an empty reason', waiver({ ...complete, reason: '' })],
    ['an unknown key', waiver({ ...complete, expiry: '2027-01-31' })],
    ['a day that does not exist', waiver({ ...complete, expires: '2027-02-30' })],
    ['a month that does not exist', waiver({ ...complete, expires: '2026-99-99' })],
    ['a leap day', waiver({ ...complete, expires: '2028-02-29' })],
    ['a leap day in a common year', waiver({ ...complete, expires: '2027-02-29' })],
    ['a date with a time', waiver({ ...complete, expires: '2027-01-31T00:00:00Z' })],
    ['a date written short', waiver({ ...complete, expires: '2027-1-31' })],
    ['"never"', waiver({ ...complete, expires: 'never' })],
    ['a waiver that is not a mapping', 'waivers:\n  - PC-DF-003\n'],
    ['waivers that are not a list', 'waivers: {rule: PC-DF-003}\n'],
    ['no waivers key', 'waiver: []\n'],
  ];

  it.each(cases)('agrees with the parser of the gate: %s', (_, text) => {
    let parsed: boolean;
    try {
      parseWaivers(text, 'waivers.yml');
      parsed = true;
    } catch {
      parsed = false;
    }
    expect(valid(text)).toBe(parsed);
  });

  it('has the $id the starter files point editors to', () => {
    expect((schemaOf as { $id: string }).$id).toBe(SCHEMA_URLS.waivers);
  });
});

describe('schemas/portcullis.schema.json', () => {
  it('is the schema the gate validates configurations with, at the $id the starter files name', async () => {
    const config = await schema('portcullis.schema.json');
    expect(config.$id).toBe(SCHEMA_URLS.configuration);
    expect(ajv.validateSchema(config)).toBe(true);
    // The gate reads the same file: a key only this schema knows is refused as unknown by both.
    expect(() => parseConfig('fail_onn: [deny]\n')).toThrow(/unknown key "fail_onn"/);
    expect(ajv.validate(config, { fail_onn: ['deny'] })).toBe(false);
  });
});

describe('portcullis init', () => {
  let repo: string;
  beforeEach(async () => {
    repo = await mkdtemp(join(tmpdir(), 'portcullis-init-'));
    await run('git', ['init', '--quiet', repo]);
  });
  afterEach(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it('writes a configuration and waivers file that validate, and a rule whose tests pass', async () => {
    const init = await cli('init', '--repo', repo);
    expect(init.code).toBe(0);
    expect(init.stdout.split('\n').filter((l) => l.startsWith('wrote '))).toEqual(
      Object.keys(STARTER_FILES).map((path) => `wrote ${path}`),
    );
    const config = await readFile(join(repo, '.github', 'portcullis.yml'), 'utf8');
    const waivers = await readFile(join(repo, '.github', 'portcullis', 'waivers.yml'), 'utf8');
    expect(config.split('\n')[0]).toBe(`# yaml-language-server: $schema=${SCHEMA_URLS.configuration}`);
    expect(waivers.split('\n')[0]).toBe(`# yaml-language-server: $schema=${SCHEMA_URLS.waivers}`);
    expect(ajv.validate(await schema('portcullis.schema.json'), parse(config))).toBe(true);
    expect(ajv.validate(await schema('waivers.schema.json'), parse(waivers))).toBe(true);
    expect(() => parseConfig(config)).not.toThrow();
    expect(parseWaivers(waivers, 'waivers.yml')).toEqual([]);

    const tests = await cli('policy', 'test', '--repo', repo);
    expect(tests.stdout).toContain('4 passed');
    expect(tests.code).toBe(0);
  });

  it("makes the sample rule report on a Dockerfile, and honours the configuration's rules", async () => {
    await cli('init', '--repo', repo);
    await writeFile(
      join(repo, 'Dockerfile'),
      'FROM alpine:3.19 AS build\nRUN true\n\nFROM scratch\nCOPY --from=build /etc/os-release /\n',
    );
    const check = await cli('check', '--repo', repo, '--offline', '--format', 'json');
    expect(check.stderr).toBe('');
    expect(JSON.parse(check.stdout).findings).toContainEqual(
      expect.objectContaining({ rule_id: 'LOCAL-001', severity: 'warn', line: 4 }),
    );
    const config = join(repo, '.github', 'portcullis.yml');
    await writeFile(
      config,
      (await readFile(config, 'utf8')).replace('rules: {}', 'rules:\n  LOCAL-001: off'),
    );
    const off = await cli('check', '--repo', repo, '--offline', '--format', 'json');
    expect(JSON.parse(off.stdout).findings.map((f: { rule_id: string }) => f.rule_id)).not.toContain(
      'LOCAL-001',
    );
  });

  it('overwrites nothing: an existing file is kept, the others written, exit 2', async () => {
    await run('mkdir', ['-p', join(repo, '.github')]);
    await writeFile(join(repo, '.github', 'portcullis.yml'), 'fail_on: [warn]\n');
    const init = await cli('init', '--repo', repo);
    expect(init.code).toBe(2);
    expect(init.stderr).toContain('kept .github/portcullis.yml');
    expect(await readFile(join(repo, '.github', 'portcullis.yml'), 'utf8')).toBe('fail_on: [warn]\n');
    expect(init.stdout).toContain('wrote .github/portcullis/waivers.yml');
    const again = await cli('init', '--repo', repo);
    expect(again.code).toBe(2);
    expect(again.stdout).toBe('');
  });
});

describe('example configurations', () => {
  it('name their schema for the YAML language server, and the schema is there', async () => {
    const { stdout } = await run('git', ['ls-files', '--', '*portcullis.yml', '*waivers.yml']);
    const examples = stdout.split('\n').filter(Boolean);
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const path of examples) {
      const first = (await readFile(path, 'utf8')).split('\n')[0] ?? '';
      const target = /^# yaml-language-server: \$schema=(\S+)$/.exec(first)?.[1];
      expect({ path, target }).toEqual({ path, target: expect.stringMatching(/schema\.json$/) });
      const kind = path.endsWith('waivers.yml') ? 'waivers' : 'portcullis';
      expect(join(path, '..', target as string)).toBe(`schemas/${kind}.schema.json`);
    }
    const docs = await readFile('docs/configuration.md', 'utf8');
    expect(docs).toContain(`# yaml-language-server: $schema=${SCHEMA_URLS.configuration}\n`);
    expect(docs).toContain(`# yaml-language-server: $schema=${SCHEMA_URLS.waivers}\n`);
  });
});
