/**
 * Loading a repository's policy set: data files, configuration and waivers are hostile
 * input. A key such as `__proto__` is refused with the file and key named, and one
 * repository's files can never change another repository's verdict in the same process.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from '../config/configuration.js';
import { judgeTargets } from '../core/judge.js';
import { workingTreeSnapshot } from '../repository/snapshot.js';
import { loadPolicySet, policyEngineFor } from './policy-set.js';

const TODAY = new Date('2026-11-29T12:00:00Z');
const POLICIES = '.github/portcullis/policies';
const folders: string[] = [];

async function repository(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'portcullis-policy-set-'));
  folders.push(root);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

/** Keys the hostile files below try to give every object. */
const polluted = () => {
  const empty: Record<string, unknown> = {};
  return ['PC-DF-002', 'PC-DF-001', 'waived', 'x'].filter((key) => empty[key] !== undefined);
};

afterEach(() => {
  // Only does something when a refusal failed: keeps the other tests of this file meaningful.
  for (const key of polluted()) delete (Object.prototype as Record<string, unknown>)[key];
});

afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

/** The ConfigError loading a repository's policy set fails with (the test fails if it loads). */
async function refusal(root: string): Promise<ConfigError> {
  const loading = loadPolicySet(workingTreeSnapshot(root));
  const outcome = await loading.catch((error: unknown) => error);
  expect(outcome).toBeInstanceOf(ConfigError);
  return outcome as ConfigError;
}

describe('data files', () => {
  it.each([
    ['JSON', 'evil.json', '{"__proto__": {"PC-DF-002": "off"}}', '__proto__'],
    ['YAML', 'evil.yaml', '__proto__:\n  PC-DF-002: "off"\n', '__proto__'],
    [
      'YAML, nested',
      'evil.yml',
      'portcullis:\n  config:\n    constructor: {prototype: {x: 1}}\n',
      'portcullis.config.constructor',
    ],
    [
      'YAML merge key',
      'evil.yaml',
      'base: &b\n  __proto__: {waived: true}\nrules:\n  <<: *b\n',
      'base.__proto__',
    ],
    ['a list', 'evil.json', '{"allow": [{"prototype": 1}]}', 'allow[0].prototype'],
  ])('refuses a reserved key in %s, naming the file and the key path', async (_, file, text, key) => {
    const error = await refusal(await repository({ [`${POLICIES}/${file}`]: text }));
    expect(polluted()).toEqual([]);
    expect(error.problems).toEqual([
      expect.objectContaining({
        path: `${POLICIES}/${file}`,
        key,
        message: expect.stringMatching(/reserved/),
      }),
    ]);
  });

  it('gives the rules the label schema and the ShellCheck codes the configuration names', async () => {
    const root = await repository({
      '.github/portcullis.yml':
        'label_schema:\n  org.opencontainers.image.source: url\nshellcheck:\n  ignore: [SC2086]\n',
      [`${POLICIES}/shellcheck.yaml`]: 'portcullis:\n  config:\n    shellcheck:\n      ignore: [SC2046]\n',
    });
    const set = await loadPolicySet(workingTreeSnapshot(root));
    expect(set.data).toEqual({
      portcullis: {
        config: {
          label_schema: { 'org.opencontainers.image.source': 'url' },
          strict_labels: false,
          shellcheck: { ignore: ['SC2046', 'SC2086'] },
        },
      },
    });
    // Unset, the label rules stay off: nothing is added.
    const plain = await loadPolicySet(workingTreeSnapshot(await repository({})));
    expect(plain.data).toEqual({});
  });

  it('still merges ordinary data files at the root of `data`', async () => {
    const root = await repository({
      [`${POLICIES}/a.json`]: '{"acme": {"teams": ["web"]}, "limits": {"size": 1}}',
      [`${POLICIES}/b.yaml`]: 'acme:\n  owners: [ops]\nlimits:\n  size: 2\n',
    });
    const set = await loadPolicySet(workingTreeSnapshot(root));
    expect(set.data).toEqual({ acme: { teams: ['web'], owners: ['ops'] }, limits: { size: 2 } });
  });
});

describe('one repository cannot change another repository’s verdict in the same process', () => {
  const hostile = {
    'PC-DF-002': 'off',
    'PC-DF-001': 'off',
    waived: { reason: 'x', owner: null, expires: null, source: 'evil' },
  };

  async function judgeB(root: string) {
    const set = await loadPolicySet(workingTreeSnapshot(root));
    const engine = await policyEngineFor(set);
    const judgement = await judgeTargets(
      [{ path: 'Dockerfile', content: new TextEncoder().encode('FROM alpine:latest\nUSER root\n') }],
      engine,
      { policySet: set, today: TODAY },
    );
    return judgement.findings;
  }

  it.each([
    ['JSON data file', { [`${POLICIES}/evil.json`]: `{"__proto__": ${JSON.stringify(hostile)}}` }],
    ['YAML data file', { [`${POLICIES}/evil.yaml`]: `__proto__: ${JSON.stringify(hostile)}\n` }],
    [
      'pair of data files merging into the same key',
      {
        [`${POLICIES}/a.json`]: '{"portcullis": {}}',
        [`${POLICIES}/b.json`]: `{"portcullis": {"__proto__": ${JSON.stringify(hostile)}}}`,
      },
    ],
    ['configuration', { '.github/portcullis.yml': 'rules:\n  constructor: "off"\n' }],
    [
      'waivers file',
      {
        '.github/portcullis/waivers.yml': `waivers:\n  - __proto__: ${JSON.stringify(hostile)}\n    rule: PC-DF-002\n    reason: r\n    owner: o\n    expires: 2099-01-01\n`,
      },
    ],
  ])(
    'a repository with a hostile %s is refused; the next repository is judged as if alone',
    async (_, files) => {
      const repoB = await repository({});
      const fresh = await judgeB(repoB);
      expect(fresh.map((f) => f.rule_id)).toEqual(expect.arrayContaining(['PC-DF-001', 'PC-DF-002']));

      const repoA = await repository(files);
      const outcome = await loadPolicySet(workingTreeSnapshot(repoA)).catch((error: unknown) => error);
      expect(polluted()).toEqual([]);
      expect(await judgeB(repoB)).toEqual(fresh);
      expect(outcome).toBeInstanceOf(ConfigError);
    },
  );

  it('a hostile `extends:` folder is refused the same way', async () => {
    const root = await repository({
      '.github/portcullis.yml': 'extends:\n  repository: acme/policies\n  ref: v1\n',
    });
    const outcome = await loadPolicySet(workingTreeSnapshot(root), {
      loadExtends: async () => new Map([['evil.json', `{"__proto__": ${JSON.stringify(hostile)}}`]]),
    }).catch((error: unknown) => error);
    expect(polluted()).toEqual([]);
    expect(outcome).toBeInstanceOf(ConfigError);
    expect((outcome as ConfigError).problems[0]).toMatchObject({
      path: `acme/policies@v1/${POLICIES}/evil.json`,
      key: '__proto__',
    });
  });
});

describe('paths the configuration names', () => {
  it.each([
    ['policies:\n  path: ..\n', 'policies.path'],
    ['waivers: ../waivers.yml\n', 'waivers'],
    ['trust:\n  policies:\n    - images: [a/**]\n      keys: [../cosign.pub]\n', 'trust.policies[0].keys[0]'],
    [
      'trust:\n  policies:\n    - images: [a/**]\n      notation: {trust_store: [../ca.pem], identities: ["*"]}\n',
      'trust.policies[0].notation.trust_store[0]',
    ],
  ])(
    'are refused when they leave the repository, before anything outside is read: %j',
    async (config, key) => {
      const parent = await repository({
        'outside.json': '{"leaked": true}',
        'waivers.yml': 'waivers: []\n',
        'cosign.pub': 'not read',
      });
      const root = join(parent, 'repo');
      await mkdir(join(root, '.github'), { recursive: true });
      await writeFile(join(root, '.github', 'portcullis.yml'), config);
      const error = await refusal(root);
      expect(error.problems).toEqual([
        expect.objectContaining({ path: '.github/portcullis.yml', line: expect.any(Number), key }),
      ]);
    },
  );
});

describe('trust: notation', () => {
  it('reads the trust store the configuration names from the same snapshot', async () => {
    const root = await repository({
      '.github/portcullis.yml':
        'trust:\n  policies:\n    - images: [a/**]\n      notation:\n        trust_store: [certs/ca.pem]\n        identities: ["x509.subject: O=Acme, CN=release"]\n        level: permissive\n',
    });
    await mkdir(join(root, 'certs'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(root, 'certs', 'ca.key'),
        '-out',
        join(root, 'certs', 'ca.pem'),
        '-days',
        '30',
        '-subj',
        '/O=Acme/CN=Acme Root',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
      ],
      { stdio: 'ignore' },
    );
    const { trust } = await loadPolicySet(workingTreeSnapshot(root));
    expect(trust?.policies[0]?.notation).toMatchObject({
      level: 'permissive',
      identities: [{ text: 'x509.subject: O=Acme, CN=release' }],
    });
    expect(trust?.policies[0]?.notation?.trustStore.map((ca) => ca.subject)).toEqual([
      'O=Acme\nCN=Acme Root',
    ]);
  });
});
