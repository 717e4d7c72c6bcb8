// Runs the project's pinned OPA (tools/bin/opa, installed by scripts/setup.sh) with the given arguments.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const opa = process.env.PORTCULLIS_OPA ?? fileURLToPath(new URL('../tools/bin/opa', import.meta.url));
if (!existsSync(opa)) {
  console.error(`OPA is not installed at ${opa}: run \`bash scripts/setup.sh\` first.`);
  process.exit(2);
}
const result = spawnSync(opa, process.argv.slice(2), { stdio: 'inherit' });
process.exit(result.status ?? 1);
