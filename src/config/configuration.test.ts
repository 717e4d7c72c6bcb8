import { ConfigError, DEFAULT_CONFIG, parseConfig } from './configuration.js';

const problemsOf = (text: string) => {
  try {
    parseConfig(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('parseConfig', () => {
  it('gives the defaults for a missing or empty file', () => {
    expect(parseConfig(null)).toEqual(DEFAULT_CONFIG);
    expect(parseConfig('# nothing yet\n')).toEqual(DEFAULT_CONFIG);
  });

  it('reads every key and fills in the rest', () => {
    const config = parseConfig(
      [
        'targets:',
        '  dockerfiles: ["*.df"]',
        'trusted_registries: [ghcr.io, "*.pkg.dev"]',
        'rules:',
        '  PC-DF-003: off',
        '  PC-DF-017: warn',
        'policies:',
        '  path: policy',
        'fail_on: [deny, warn]',
        'extends:',
        '  repository: acme/policies',
        '  ref: v2',
      ].join('\n'),
    );
    expect(config).toEqual({
      ...DEFAULT_CONFIG,
      targets: { dockerfiles: ['*.df'], ignore: [] },
      trusted_registries: ['ghcr.io', '*.pkg.dev'],
      rules: { 'PC-DF-003': 'off', 'PC-DF-017': 'warn' },
      policies: { path: 'policy', builtin: true },
      fail_on: ['deny', 'warn'],
      extends: { repository: 'acme/policies', ref: 'v2', path: '.github/portcullis/policies' },
    });
  });

  it('names the line and key of an unknown key, with a did-you-mean', () => {
    expect(problemsOf('rules: {}\ntrusted_registrys: [ghcr.io]\n')).toEqual([
      {
        path: '.github/portcullis.yml',
        line: 2,
        key: 'trusted_registrys',
        message: expect.stringContaining('did you mean "trusted_registries"?'),
      },
    ]);
    expect(problemsOf('policies:\n  paht: x\n')).toEqual([
      expect.objectContaining({ line: 2, key: 'policies.paht', message: expect.stringContaining('"path"') }),
    ]);
  });

  it('names the line and key of a bad value', () => {
    expect(problemsOf('rules:\n  PC-DF-001: deny\n  PC-DF-002: shout\n')).toEqual([
      expect.objectContaining({
        line: 3,
        key: 'rules.PC-DF-002',
        message: 'must be one of "off", "deny", "warn", "info"',
      }),
    ]);
    expect(problemsOf('fail_on: deny\n')).toEqual([expect.objectContaining({ line: 1, key: 'fail_on' })]);
  });

  it('reports YAML syntax errors with their line, and refuses aliases', () => {
    expect(problemsOf('rules:\n  a: [\n')).toEqual([expect.objectContaining({ line: expect.any(Number) })]);
    expect(problemsOf('a: &x [1]\nb: *x\n').length).toBeGreaterThan(0);
    expect(problemsOf('rules: {}\nrules: {}\n')).toEqual([expect.objectContaining({ line: 2 })]);
  });

  it('names a duplicate key at any depth, with the line of the second one', () => {
    expect(problemsOf('rules:\n  PC-DF-001: warn\n  X: off\n  PC-DF-001: off\n')).toEqual([
      expect.objectContaining({
        line: 4,
        key: 'rules.PC-DF-001',
        message: expect.stringContaining('unique'),
      }),
    ]);
    // YAML compares scalar keys by value: the number 1 and the string "1" are two keys.
    expect(problemsOf('rules:\n  1: warn\n  "1": off\n')).toEqual([]);
  });

  // Every key used to be checked against every earlier key (yaml's uniqueKeys) and every
  // problem's line looked up by a search of its mapping: this test ran for over five minutes
  // (the CLI took over 20 s on the 50 000 valid rules). Linear, it takes a few seconds.
  it('reads 50 000 rules, and locates 50 000 bad ones, in linear time', () => {
    const rules = (value: string) =>
      `rules:\n${Array.from({ length: 50_000 }, (_, i) => `  X-${i}: ${value}`).join('\n')}\n`;
    expect(Object.keys(parseConfig(rules('warn')).rules)).toHaveLength(50_000);
    const problems = problemsOf(rules('shout'));
    expect(problems).toHaveLength(50_000);
    expect(problems[49_999]).toMatchObject({ line: 50_001, key: 'rules.X-49999' });
  });
  it('reads review settings, and rejects a cap out of range', () => {
    expect(parseConfig('review:\n  event: request_changes\n').review).toEqual({
      event: 'request_changes',
      max_comments: 20,
    });
    expect(problemsOf('review:\n  max_comments: 500\n')).toEqual([
      expect.objectContaining({ line: 2, key: 'review.max_comments' }),
    ]);
  });

  it('reads the label schema and ShellCheck ignores, and rejects an unknown format or code', () => {
    const config = parseConfig(
      'label_schema:\n  org.opencontainers.image.source: url\n  maintainer: email\nstrict_labels: true\nshellcheck:\n  ignore: [SC2086]\n',
    );
    expect(config.label_schema).toEqual({ 'org.opencontainers.image.source': 'url', maintainer: 'email' });
    expect(config.strict_labels).toBe(true);
    expect(config.shellcheck).toEqual({ ignore: ['SC2086'] });
    expect(DEFAULT_CONFIG).toMatchObject({
      label_schema: {},
      strict_labels: false,
      shellcheck: { ignore: [] },
    });
    expect(problemsOf('label_schema:\n  version: number\n')).toEqual([
      expect.objectContaining({ line: 2, key: 'label_schema.version' }),
    ]);
    expect(problemsOf('shellcheck:\n  ignore: [DL3008]\n')).toEqual([
      expect.objectContaining({ line: 2, key: 'shellcheck.ignore.0' }),
    ]);
  });

  it('reads the wasted-space thresholds as written, and rejects an efficiency above 1', () => {
    expect(parseConfig('wasted_space:\n  layer_bytes: 5000000\n').wasted_space).toEqual({
      layer_bytes: 5_000_000,
    });
    expect(DEFAULT_CONFIG.wasted_space).toEqual({});
    expect(problemsOf('wasted_space:\n  min_efficiency: 1.5\n')).toEqual([
      expect.objectContaining({ line: 2, key: 'wasted_space.min_efficiency' }),
    ]);
  });

  it.each([
    ['rules:\n  constructor: "off"\n', 2, 'rules.constructor'],
    ['review:\n  __proto__:\n    event: request_changes\n', 2, 'review.__proto__'],
    ['build:\n  - dockerfile: Dockerfile\n    args:\n      prototype: x\n', 4, 'build[0].args.prototype'],
    [
      'trust:\n  policies:\n    - images: [a/**]\n      __proto__: {keys: [k.pub]}\n',
      4,
      'trust.policies[0].__proto__',
    ],
  ])('refuses a reserved key anywhere, with its line: %j', (text, line, key) => {
    expect(problemsOf(text)).toEqual([
      { path: '.github/portcullis.yml', line, key, message: expect.stringContaining('reserved key') },
    ]);
  });

  it.each([
    ['policies:\n  path: ".."\n', 'policies.path', /climbs out/],
    ['policies:\n  path: rego/../../etc\n', 'policies.path', /climbs out/],
    ['policies:\n  path: /etc\n', 'policies.path', /absolute/],
    ['policies:\n  path: "C:/policies"\n', 'policies.path', /absolute/],
    ['policies:\n  path: ~/policies\n', 'policies.path', /`~`/],
    ['policies:\n  path: "."\n', 'policies.path', /repository root/],
    ['policies:\n  path: "rego\\\\x"\n', 'policies.path', /backslash/],
    ['policies:\n  path: "rego\\0x"\n', 'policies.path', /control character/],
    ['waivers: ../other-repo/waivers.yml\n', 'waivers', /climbs out/],
    ['extends:\n  repository: acme/policies\n  ref: v1\n  path: /srv\n', 'extends.path', /absolute/],
    [
      'trust:\n  policies:\n    - images: [a/**]\n      keys: [k.pub, /etc/ssh/key.pub]\n',
      'trust.policies[0].keys[1]',
      /absolute/,
    ],
  ])('refuses a configured path outside the repository: %j', (text, key, message) => {
    expect(problemsOf(text)).toEqual([
      {
        path: '.github/portcullis.yml',
        line: expect.any(Number),
        key,
        message: expect.stringMatching(message),
      },
    ]);
  });

  it('normalises configured paths, and keeps inline PEM keys as written', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----\n';
    const config = parseConfig(
      [
        'policies:',
        '  path: ./rego//shared/',
        'waivers: .github/./waivers.yml',
        'trust:',
        '  policies:',
        '    - images: [a/**]',
        `      keys: [./keys/cosign.pub, ${JSON.stringify(pem)}]`,
      ].join('\n'),
    );
    expect(config.policies.path).toBe('rego/shared');
    expect(config.waivers).toBe('.github/waivers.yml');
    expect(config.trust?.policies[0]?.keys).toEqual(['keys/cosign.pub', pem]);
  });
});
