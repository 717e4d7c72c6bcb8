/**
 * Configuration (`.github/portcullis.yml`), waivers and `--policy-ref`: each case its own
 * repository holding a root Dockerfile, judged by `check --format json --offline`. A bad
 * configuration is an error that names the file or key (exit 2); one that is odd but valid
 * must leave the gate shut (PC-DF-002 on the Dockerfile, exit 1).
 */
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SoloCase, Workspace } from './model.js';
import {
  configError,
  errorOrHolds,
  exitIn,
  type Files,
  makeRepository,
  ROOT_DOCKERFILE,
} from './repository.js';
import type { ProcessRun } from './runner.js';

const CONFIG = /portcullis\.yml/;
const WAIVERS = /waivers\.yml/;
const CHECK = ['check', '--format', 'json', '--offline'];

interface ConfigSpec {
  id: string;
  why: string;
  config?: string | ((ws: Workspace, repo: string) => Files);
  files?: (ws: Workspace, repo: string) => Files;
  args?: string[];
  commit?: boolean;
  expect: (run: ProcessRun) => string[];
  after?: (ws: Workspace) => string[];
  secrets?: string[];
  /** A case whose path through the code this one shares: run in process (see SoloCase). */
  samePathAs?: string;
}

const waiver = (extra: string) =>
  `waivers:\n  - rule: PC-DF-002\n    path: "**"\n    reason: "hostile"\n    owner: "@acme"\n${extra}`;

const SPECS: ConfigSpec[] = [
  {
    id: 'proto-under-rules',
    why: '__proto__ under rules',
    config: 'rules:\n  __proto__: off\n',
    expect: configError(CONFIG),
  },
  {
    id: 'proto-at-root',
    samePathAs: 'proto-under-rules',
    why: '__proto__ at the root',
    config: '__proto__:\n  fail_on: []\n',
    expect: configError(CONFIG),
  },
  {
    id: 'proto-flow-json',
    samePathAs: 'proto-under-rules',
    why: '{"__proto__": …} in flow style',
    config: '{"__proto__": {"rules": {"PC-DF-002": "off"}}}\n',
    expect: configError(CONFIG),
  },
  {
    id: 'constructor-prototype',
    samePathAs: 'proto-under-rules',
    why: 'constructor.prototype at the root',
    config: 'constructor:\n  prototype:\n    fail_on: []\n',
    expect: configError(CONFIG),
  },
  {
    id: 'prototype-under-targets',
    samePathAs: 'proto-under-rules',
    why: 'prototype under targets',
    config: 'targets:\n  prototype: {ignore: ["**"]}\n',
    expect: configError(CONFIG),
  },
  {
    id: 'proto-rule-value',
    samePathAs: 'proto-under-rules',
    why: 'a rule whose value is an object with __proto__',
    config: 'rules:\n  PC-DF-002: {__proto__: off}\n',
    expect: configError(CONFIG),
  },
  {
    id: 'rule-id-tostring',
    why: 'a rule id that names an Object.prototype method',
    config: 'rules:\n  toString: off\n  hasOwnProperty: off\n  valueOf: warn\n',
    expect: errorOrHolds(CONFIG),
  },
  {
    id: 'policies-path-dotdot',
    why: 'policies.path: ".."',
    config: 'policies:\n  path: ".."\n',
    expect: configError(CONFIG),
  },
  {
    id: 'policies-path-absolute',
    samePathAs: 'policies-path-dotdot',
    why: 'policies.path: /etc',
    config: 'policies:\n  path: /etc\n',
    expect: configError(CONFIG),
  },
  {
    id: 'policies-path-sentinel',
    why: 'policies.path naming the sentinel by absolute path',
    config: (ws) => ({ '.github/portcullis.yml': `policies:\n  path: ${ws.sentinel}/policies\n` }),
    expect: configError(CONFIG),
  },
  {
    id: 'policies-path-nested-dotdot',
    samePathAs: 'policies-path-dotdot',
    why: 'policies.path: .github/../../x',
    config: 'policies:\n  path: .github/../../x\n',
    expect: configError(CONFIG),
  },
  {
    id: 'policies-path-symlink',
    why: 'policies.path is a symlink to a folder outside',
    config: 'policies:\n  path: pol\n',
    files: (ws) => ({ pol: (repo) => symlinkSync(join(ws.sentinel, 'policies'), join(repo, 'pol')) }),
    expect: configError(/portcullis\.yml|pol/),
  },
  {
    id: 'default-policies-symlink',
    why: 'the default policy folder is a symlink to a folder outside',
    files: (ws) => ({
      '.github/portcullis/policies': (repo) => {
        mkdirSync(join(repo, '.github/portcullis'), { recursive: true });
        symlinkSync(join(ws.sentinel, 'policies'), join(repo, '.github/portcullis/policies'));
      },
    }),
    expect: configError(/policies/),
  },
  {
    id: 'waivers-dotdot',
    why: 'waivers: ../…',
    config: (ws, repo) => ({
      '.github/portcullis.yml': `waivers: ${relative(repo, join(ws.sentinel, 'waivers.yml'))}\n`,
    }),
    expect: configError(CONFIG),
  },
  {
    id: 'waivers-absolute',
    samePathAs: 'policies-path-dotdot',
    why: 'waivers: /etc/passwd',
    config: 'waivers: /etc/passwd\n',
    expect: configError(CONFIG),
    secrets: ['root:x:0:0'],
  },
  {
    id: 'waivers-symlink',
    why: 'the waivers file is a symlink to waivers outside (waiving PC-DF-002)',
    files: (ws) => ({
      '.github/portcullis/waivers.yml': (repo) =>
        symlinkSync(join(ws.sentinel, 'waivers.yml'), join(repo, '.github/portcullis/waivers.yml')),
    }),
    expect: errorOrHolds(WAIVERS),
  },
  {
    id: 'waiver-month-99',
    samePathAs: 'waiver-feb-30',
    why: 'expires: 2026-99-99',
    files: () => ({ '.github/portcullis/waivers.yml': waiver('    expires: 2026-99-99\n') }),
    expect: configError(WAIVERS),
  },
  {
    id: 'waiver-never',
    samePathAs: 'waiver-feb-30',
    why: 'expires: never',
    files: () => ({ '.github/portcullis/waivers.yml': waiver('    expires: never\n') }),
    expect: configError(WAIVERS),
  },
  {
    id: 'waiver-feb-30',
    why: 'expires: 2027-02-30',
    files: () => ({ '.github/portcullis/waivers.yml': waiver('    expires: "2027-02-30"\n') }),
    expect: configError(WAIVERS),
  },
  {
    id: 'waiver-proto',
    why: 'a waiver with __proto__',
    files: () => ({
      '.github/portcullis/waivers.yml':
        'waivers:\n  - __proto__: {rule: PC-DF-002, reason: x, owner: x, expires: 2099-01-01}\n',
    }),
    expect: configError(WAIVERS),
  },
  {
    id: 'waivers-root-proto',
    samePathAs: 'waiver-proto',
    why: '__proto__ at the root of the waivers file',
    files: () => ({ '.github/portcullis/waivers.yml': '__proto__:\n  waivers: []\nwaivers: []\n' }),
    expect: configError(WAIVERS),
  },
  {
    id: 'inline-until-never',
    why: 'an inline ignore of PC-DF-002 with until=never',
    files: () => ({
      Dockerfile:
        'FROM alpine:latest\n# portcullis ignore=PC-DF-002 reason="forever" until=never\nUSER root\n',
    }),
    expect: errorOrHolds(/Dockerfile/),
  },
  {
    id: 'inline-until-month-99',
    why: 'an inline ignore with until=2026-99-99',
    files: () => ({
      Dockerfile:
        'FROM alpine:latest\n# portcullis ignore=PC-DF-002 reason="typo" until=2026-99-99\nUSER root\n',
    }),
    expect: errorOrHolds(/Dockerfile/),
  },
  {
    id: 'trust-key-outside',
    why: 'a trust key path outside the repository',
    config: (ws, repo) => ({
      '.github/portcullis.yml': `trust:\n  policies:\n    - images: ["**"]\n      keys: [${relative(repo, join(ws.sentinel, 'key.pub'))}]\n`,
    }),
    expect: configError(CONFIG),
  },
  {
    id: 'trust-key-dev-zero',
    why: 'a trust key path /dev/zero',
    config: 'trust:\n  policies:\n    - images: ["**"]\n      keys: [/dev/zero]\n',
    expect: configError(CONFIG),
  },
  {
    id: 'yaml-broken',
    why: 'configuration that does not parse',
    config: 'rules: [unclosed\n',
    expect: configError(CONFIG),
  },
  {
    id: 'binary',
    why: 'NUL bytes as configuration',
    config: 'rules:\n  PC-DF-002: off\u0000\u0000\n',
    expect: configError(CONFIG),
  },
  {
    id: 'invalid-utf8',
    why: 'invalid UTF-8 in the configuration',
    config: () => ({
      '.github/portcullis.yml': Buffer.concat([
        Buffer.from('fail_on: [deny]\n# '),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('\n'),
      ]),
    }),
    expect: errorOrHolds(CONFIG),
  },
  {
    id: 'over-1mib-comments',
    why: '2 MiB of comments',
    config: `fail_on: [deny]\n${'# padding padding\n'.repeat(120_000)}`,
    expect: errorOrHolds(CONFIG),
  },
  {
    id: 'alias-bomb',
    why: 'billion laughs in the configuration',
    config: `${['x0: &a0 [lol,lol,lol,lol,lol,lol,lol,lol,lol]', ...Array.from({ length: 9 }, (_, i) => `x${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(',')}]`)].join('\n')}\n`,
    expect: errorOrHolds(CONFIG),
  },
  {
    id: 'config-symlink-outside',
    why: 'the configuration file is a symlink to one outside (turning PC-DF-002 off)',
    files: (ws) => ({
      '.github/portcullis.yml': (repo) =>
        symlinkSync(join(ws.sentinel, 'portcullis.yml'), join(repo, '.github/portcullis.yml')),
    }),
    expect: errorOrHolds(CONFIG),
  },
  {
    id: 'glob-brace-bomb',
    why: 'an ignore glob of nested braces',
    config: `targets:\n  ignore: ["${'{a,b}'.repeat(40)}**"]\n`,
    expect: errorOrHolds(CONFIG),
  },
  {
    id: 'glob-regex-chars',
    why: 'an ignore glob full of regex metacharacters',
    config: `targets:\n  ignore: ["${'(a+)+'.repeat(20)}$", "**/**/**/**/**/**/**/**/**/**/**/**/**/**/x"]\n`,
    expect: errorOrHolds(CONFIG),
  },
  {
    id: 'extends-traversal',
    why: 'extends naming a path, not owner/name',
    config: 'extends:\n  repository: "../../../etc"\n  ref: "--upload-pack=touch /tmp/pwned"\n',
    expect: errorOrHolds(CONFIG),
  },
  {
    id: 'unknown-key-escape',
    why: 'an unknown key made of escape sequences',
    config: '"\\e[2J\\e]0;owned\\a::error::forged": 1\n',
    expect: (run) => [
      ...configError(CONFIG)(run),
      ...(run.stderr.includes('\u001b') ? ['ESC byte in the error message'] : []),
    ],
  },
  {
    id: 'many-rules',
    why: '50 000 rule entries',
    config: `rules:\n${Array.from({ length: 50_000 }, (_, i) => `  X-${i}: warn`).join('\n')}\n`,
    expect: errorOrHolds(CONFIG),
  },
  {
    id: 'policy-ref-missing',
    why: '--policy-ref naming no commit',
    commit: true,
    args: [...CHECK, '--policy-ref', 'nonexistent-ref'],
    expect: configError(/nonexistent-ref/),
  },
  {
    id: 'policy-ref-typo',
    samePathAs: 'policy-ref-missing',
    why: '--policy-ref origin/main in a clone without it',
    commit: true,
    args: [...CHECK, '--policy-ref', 'origin/main'],
    expect: configError(/origin\/main/),
  },
  {
    id: 'policy-ref-option-injection',
    why: '--policy-ref that is a git option',
    commit: true,
    args: [...CHECK, '--policy-ref=--output=/tmp/portcullis-hostile-git-output'],
    expect: exitIn([2]),
    after: () =>
      existsSync('/tmp/portcullis-hostile-git-output') ? ['git wrote the file an option named'] : [],
  },
  {
    id: 'policy-ref-path-syntax',
    why: '--policy-ref HEAD:../..',
    commit: true,
    args: [...CHECK, '--policy-ref', 'HEAD:../..'],
    expect: exitIn([2]),
  },
];

export function configCases(): SoloCase[] {
  return SPECS.map((spec) => ({
    id: `config-${spec.id}`,
    category: 'configuration',
    why: spec.why,
    ...(spec.secrets ? { secrets: spec.secrets } : {}),
    ...(spec.samePathAs ? { samePathAs: `config-${spec.samePathAs}` } : {}),
    prepare: (ws, dir) => {
      const config =
        typeof spec.config === 'function'
          ? spec.config(ws, dir)
          : spec.config !== undefined
            ? { '.github/portcullis.yml': spec.config }
            : {};
      makeRepository(
        dir,
        { Dockerfile: ROOT_DOCKERFILE, ...config, ...(spec.files?.(ws, dir) ?? {}) },
        spec.commit,
      );
      return {
        cwd: dir,
        args: spec.args ?? CHECK,
        expect: spec.expect,
        ...(spec.after ? { after: () => spec.after?.(ws) ?? [] } : {}),
      };
    },
  }));
}
