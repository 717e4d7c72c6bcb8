// Bundles the compiled CLI (dist/cli/main.js) and the policy sandbox's worker into
// dist/bundle/, which bin/portcullis.js runs when it is newer than dist/cli/main.js. A cold
// `portcullis check` spends a quarter of its CPU time resolving, reading and compiling some
// 300 modules; bundled, each thread loads a few files. Part of `npm run build`, after tsc.
//
// ESM with code splitting, so every command's modules still load only when it runs
// (src/cli/main.ts imports them lazily). opa-wasm stays a package import: bundled, its
// CommonJS sprintf-js broke. CommonJS dependencies that call require() on Node's modules
// get a real require from the banner.
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const outdir = join(dist, 'bundle');

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: {
    cli: join(dist, 'cli', 'main.js'),
    // Beside the chunks: src/policy/sandbox.ts starts ./sandbox-worker.js next to itself.
    'sandbox-worker': join(dist, 'policy', 'sandbox-worker.js'),
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['@open-policy-agent/opa-wasm'],
  banner: {
    js: "import { createRequire as __portcullisRequire } from 'node:module'; const require = __portcullisRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
