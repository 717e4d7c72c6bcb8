// Runs the project's pinned OPA (tools/bin/opa, installed by scripts/setup.sh) with the given arguments.
//
// `npm run test:rego` runs it on policies/ as a pull request changed them, so it runs the way
// the App runs OPA (src/policy/opa-process.ts): an empty environment, a 512 MiB data limit, and
// for the commands that evaluate Rego, capabilities without the built-ins that reach out of
// the process (every non-deterministic one but the clock and random numbers: http.send,
// opa.runtime, net.lookup_ip_addr…). The App's own file is narrower still (what WebAssembly runs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const opa = process.env.PORTCULLIS_OPA ?? fileURLToPath(new URL('../tools/bin/opa', import.meta.url));
if (!existsSync(opa)) {
  console.error(`OPA is not installed at ${opa}: run \`bash scripts/setup.sh\` first.`);
  process.exit(2);
}
const ALLOWED_NONDETERMINISTIC = new Set(['time.now_ns', 'rand.intn']);
const restricted = (args, stdio) =>
  spawnSync('/bin/sh', ['-c', `ulimit -d ${512 << 10} && exec "$0" "$@"`, opa, ...args], {
    stdio,
    env: {},
    encoding: 'utf8',
  });

const args = process.argv.slice(2);
const work = mkdtempSync(join(tmpdir(), 'portcullis-opa-script-'));
try {
  if (['check', 'test', 'build', 'eval'].includes(args[0])) {
    const current = restricted(['capabilities', '--current'], ['ignore', 'pipe', 'inherit']);
    if (current.status !== 0) process.exit(current.status ?? 1);
    const capabilities = JSON.parse(current.stdout);
    capabilities.builtins = capabilities.builtins.filter(
      (b) => !b.nondeterministic || ALLOWED_NONDETERMINISTIC.has(b.name),
    );
    writeFileSync(join(work, 'capabilities.json'), JSON.stringify(capabilities));
    args.splice(1, 0, '--capabilities', join(work, 'capabilities.json'));
  }
  process.exitCode = restricted(args, 'inherit').status ?? 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
