/**
 * A long RUN is judged, and the built-in pack's work grows about linearly with its
 * commands (#17: one RUN of 306 `&&`-chained commands once took 6.3 s and failed the check
 * by the sandbox's time limit; 16 KiB ran out of WebAssembly memory).
 *
 * No timed assertion: what grows is counted. OPA's profiler counts the expressions it
 * evaluates (the work of the rules, whatever the machine's load), and the policy's
 * WebAssembly memory after one evaluation is what the engine's allocator needed (the same
 * on every run). Doubling the commands twice must multiply either by well under the 16 a
 * quadratic rule gives (linear: 4). A RUN on one line is only judged here: each of its fixes
 * carries the whole line, so its output alone grows with the square of its length.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type * as OpaWasm from '@open-policy-agent/opa-wasm';
import { CUSTOM_BUILTINS, installBuiltinOverrides } from '../../src/policy/builtins.js';
import { loadPolicyDirectory } from '../../src/policy/bundle.js';
import { type CompiledPolicy, compilePolicy } from '../../src/policy/compile.js';
import { RESULTS_ENTRYPOINT } from '../../src/policy/result-sets.js';
import { PolicySandbox, SANDBOX_RULES, SandboxedPolicyEngine } from '../../src/policy/sandbox.js';
import { loadSettings, resetSettings, useSettings } from '../../src/settings.js';
import { dockerfileInput } from '../../src/targets/dockerfile/index.js';
import { BUILTIN_POLICY_DIR, toolPath } from '../../src/tools.js';

const run = promisify(execFile);
/** Node's WebAssembly, which the project's libraries (ES2023, no DOM) do not declare. */
declare const WebAssembly: { compile(bytes: Uint8Array): Promise<object> };
const { loadPolicySync } = createRequire(import.meta.url)('@open-policy-agent/opa-wasm') as typeof OpaWasm;

/** Commands of the kinds the pack's rules look at: installs, downloads, pipes, sudo, cd … */
function command(i: number): string {
  const kinds = [
    'apt-get update',
    `apt-get install -y --no-install-recommends curl${i} ca-certificates`,
    `mkdir -p /opt/app/d${i}`,
    `curl -fsSL https://example.com/f${i}.tgz | tar -xz -C /opt`,
    `pip install --no-cache-dir requests==2.31.${i}`,
    `apk add --no-cache git${i}`,
    'dnf install -y make',
    `npm install -g yarn@1.${i}`,
    'rm -rf /var/lib/apt/lists/*',
    `useradd -r app${i}`,
    `curl -s https://x/${i} | sh`,
    `sudo chmod 755 /x${i}`,
    `cd /opt/d${i}`,
    `wget https://x/${i}.tgz`,
    `yum install -y pkg${i}`,
    `gem install rails -v 7.${i}`,
    `go install x.io/t${i}@latest`,
  ];
  return kinds[i % kinds.length] as string;
}

/** One RUN of `n` commands, one per line (the usual long RUN). */
function longRun(n: number): string {
  const commands = Array.from({ length: n }, (_, i) => command(i));
  return `FROM debian:12.5\nRUN ${commands.join(' && \\\n    ')}\n`;
}

/** One RUN of `n` installs on a single line, each without --no-install-recommends (a fix each). */
function oneLineRun(n: number): string {
  return `FROM ubuntu:22.04\nRUN ${Array.from({ length: n }, (_, i) => `apt-get install -y p${i}`).join(' && ')}\n`;
}

let cacheDir: string;
let builtin: CompiledPolicy;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'portcullis-long-run-'));
  useSettings(loadSettings({ PORTCULLIS_CACHE_DIR: cacheDir }));
  builtin = await compilePolicy(await loadPolicyDirectory(BUILTIN_POLICY_DIR));
}, 120_000);
afterAll(async () => {
  resetSettings();
  await rm(cacheDir, { recursive: true, force: true });
});

describe('a RUN of 300 commands', () => {
  let sandbox: PolicySandbox;
  beforeAll(async () => {
    // The sandbox's own limits (5 s, 512 MiB heap, 256 MiB of WebAssembly memory), one worker.
    sandbox = new PolicySandbox({ workers: 1 });
    // A small file first, so that the worker's start and its first, unoptimised evaluation
    // are not what the time limit measures below (a margin on a loaded machine: the long
    // RUNs take well under a second of CPU each once warm).
    const engine = await SandboxedPolicyEngine.load(builtin, {}, sandbox);
    await engine.judgeSource({ path: 'Dockerfile', text: longRun(20) });
  }, 60_000);
  afterAll(() => sandbox.close());

  it.each([
    ['one command per line', longRun(300), 'PC-DF-009'],
    ['all on one line, with a fix each', oneLineRun(300), 'PC-DF-005'],
  ])(
    'is judged in the sandbox: %s',
    async (_, text, expected) => {
      const engine = await SandboxedPolicyEngine.load(builtin, {}, sandbox);
      const judged = await engine.judgeSource({ path: 'Dockerfile', text });
      if (judged === null || 'unreadable' in judged) throw new Error(`not judged: ${JSON.stringify(judged)}`);
      const ids = new Set(judged.findings.map((f) => f.rule_id));
      expect(ids).not.toContain(SANDBOX_RULES.time.id);
      expect(ids).not.toContain(SANDBOX_RULES.memory.id);
      expect(ids).toContain(expected);
    },
    60_000,
  );
});

describe('the work grows about linearly with the commands', () => {
  /** The WebAssembly memory (64 KiB pages) one evaluation of `text` leaves the policy with. */
  async function wasmPages(text: string): Promise<number> {
    installBuiltinOverrides();
    const module = await WebAssembly.compile(builtin.wasm);
    const policy = loadPolicySync(module, { initial: 32, maximum: 4096 }, CUSTOM_BUILTINS);
    policy.setData(builtin.data);
    policy.evaluate(dockerfileInput('Dockerfile', text), RESULTS_ENTRYPOINT);
    return policy.mem.buffer.byteLength / 65_536;
  }

  it('in WebAssembly memory', async () => {
    const small = await wasmPages(longRun(150));
    const large = await wasmPages(longRun(600));
    // 4.9 at the time of writing (153 → 755 pages); 7.8 before #17 made the helpers linear.
    expect(large / small).toBeLessThan(6);
  }, 60_000);

  // OPA is there: compilePolicy above runs it.
  describe('in expressions evaluated (OPA profiler)', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'portcullis-long-run-input-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    async function evaluations(n: number): Promise<number> {
      const path = join(dir, `input-${n}.json`);
      await writeFile(path, JSON.stringify(dockerfileInput('Dockerfile', longRun(n))));
      const { stdout } = await run(
        toolPath('opa'),
        [
          'eval',
          '--profile',
          '--profile-limit',
          '0',
          '--format',
          'json',
          '-d',
          BUILTIN_POLICY_DIR,
          '-i',
          path,
          `data.${RESULTS_ENTRYPOINT.replaceAll('/', '.')}`,
        ],
        { maxBuffer: 256 * 1024 * 1024 },
      );
      const profile = (JSON.parse(stdout) as { profile: { num_eval: number; num_redo: number }[] }).profile;
      return profile.reduce((sum, row) => sum + row.num_eval + row.num_redo, 0);
    }

    it('for the whole pack', async () => {
      const small = await evaluations(150);
      const large = await evaluations(600);
      // 3.9 at the time of writing (81,780 → 321,519); 7.1 before #17 made the helpers linear.
      expect(large / small).toBeLessThan(5);
    }, 120_000);
  });
});
