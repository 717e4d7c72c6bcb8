// Bundles the compiled CLI (dist/cli/main.js) and the policy sandbox's worker into
// dist/bundle/, which bin/cli.js runs when it is newer than dist/cli/main.js, and
// writes the CLI's V8 code cache beside it (bin/code-cache.js). Part of `npm run build`,
// after tsc and the policy pack.
//
// Unbundled, a cold `portcullis check` spent a quarter of its CPU time resolving, reading and
// compiling some 300 modules; bundled, each thread loads a few files. The CLI is one CommonJS
// file because Node 20 caches compiled code only for scripts compiled with node:vm; its
// commands' modules still run only when the command does (esbuild wraps lazily imported
// modules), and what a command never calls V8 only pre-parses. The worker is an ES module
// next to it, where src/policy/sandbox.ts starts it. opa-wasm stays a package import: bundled,
// its CommonJS sprintf-js broke.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { loadBundle } from '../bin/code-cache.js';
import { importedFunctionCount } from '../bin/prebuilt-pack.js';

/**
 * Typical Dockerfiles, which the build checks for the code cache and for the pack's hot
 * functions: multi-stage, variables in FROM, RUNs ShellCheck reads, fixes to offer, package
 * managers, users, health checks.
 */
const SAMPLE_DOCKERFILES = [
  [
    '# syntax=docker/dockerfile:1',
    'ARG NODE_VERSION=20',
    'FROM node:$NODE_VERSION-bookworm AS build',
    'WORKDIR /src',
    'COPY package.json package-lock.json ./',
    'RUN apt-get update && apt-get install -y curl git \\',
    '    && npm ci',
    'COPY . .',
    "RUN npm run build && echo 'built' | tee /tmp/log",
    '',
    'FROM node:$NODE_VERSION-slim',
    'MAINTAINER team@example.com',
    'ENV NODE_ENV=production API_URL=https://api.example.com',
    'ADD start.sh /usr/local/bin/',
    'COPY --from=build /src/dist /app',
    'EXPOSE 3000',
    'CMD node /app/server.js',
    '',
  ],
  [
    'FROM python:3.12-slim',
    'ARG PIP_INDEX_URL',
    'LABEL org.opencontainers.image.source=https://example.com/app',
    'WORKDIR /app',
    'COPY requirements.txt .',
    'RUN pip install -r requirements.txt && pip install gunicorn',
    'COPY --chown=app:app . .',
    'RUN useradd --create-home app',
    'USER app',
    'EXPOSE 8000',
    'HEALTHCHECK --interval=30s CMD curl -f http://localhost:8000/health || exit 1',
    'ENTRYPOINT ["gunicorn", "app:server"]',
    '',
  ],
  [
    'FROM golang:1.22 AS build',
    'WORKDIR /src',
    'RUN apk add --no-cache git make',
    'RUN --mount=type=cache,target=/root/.cache/go-build go build -o /out/app ./cmd/app',
    '',
    'FROM alpine:latest',
    'RUN apk update && apk add ca-certificates',
    'COPY --from=build /out/app /usr/local/bin/app',
    'ENV PASSWORD=changeme',
    'EXPOSE 8080-8090',
    'CMD ["app"]',
    '',
  ],
].map((lines) => lines.join('\n'));

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const outdir = join(dist, 'bundle');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['@open-policy-agent/opa-wasm'],
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
};

await rm(outdir, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { cli: join(dist, 'cli', 'main.js') },
  outdir,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  // The modules find their files (the policy pack, the worker) from their own URL: here the bundle's.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
await build({
  ...common,
  entryPoints: { 'sandbox-worker': join(dist, 'policy', 'sandbox-worker.js') },
  outdir,
  format: 'esm',
  // CommonJS dependencies that call require() on Node's modules get a real require.
  banner: {
    js: "import { createRequire as __portcullisRequire } from 'node:module'; const require = __portcullisRequire(import.meta.url);",
  },
});

// esbuild escapes every string (charset: ascii), not the comments it keeps: escaped too, they
// leave the bundle ASCII, which bin/code-cache.js decodes as Latin-1 (1 ms, against 5 for UTF-8).
const cliPath = join(outdir, 'cli.cjs');
const cliCode = await readFile(cliPath, 'utf8');
await writeFile(
  cliPath,
  cliCode.replace(/[\u0080-\u{10ffff}]/gu, (ch) => `\\u{${ch.codePointAt(0).toString(16)}}`),
);

// The code cache: written after a check of typical Dockerfiles, so it holds the functions a
// check compiles, not only the bundle's top level. Caches of its own (ShellCheck's findings,
// compiled policies) go to a folder removed after.
const cli = join(outdir, 'cli.cjs');
const work = await mkdtemp(join(tmpdir(), 'portcullis-code-cache-'));
try {
  process.env.PORTCULLIS_CACHE_DIR = join(work, 'cache');
  const samples = [];
  for (const [index, content] of SAMPLE_DOCKERFILES.entries()) {
    samples.push(join(work, `Dockerfile.${index}`));
    await writeFile(samples[index], content);
  }
  const loaded = loadBundle(cli, { shippedCache: null, userCache: null });
  const said = [];
  const code = await loaded.exports.runCli(['check', '--offline', '--format', 'json', ...samples], {
    stdout: () => {},
    stderr: (text) => said.push(text),
    color: false,
  });
  // Also the bundle's smoke test: a CLI that cannot judge these files must not ship.
  if (code !== 0 && code !== 1) {
    throw new Error(
      `the bundled CLI failed to check the sample Dockerfiles (exit ${code}): ${said.join('\n')}`,
    );
  }
  loaded.saveCodeCache(`${cli}.cache`, { force: true });
  await recordHotFunctions(samples);
} finally {
  await rm(work, { recursive: true, force: true });
}
// A policy worker the check may have left idle would keep the build waiting.
process.exit(0);

/**
 * Records which of the built-in pack's functions a check of `samples` calls, in
 * dist/policy-pack/<hash>.hot.json, for bin/prebuilt-pack.js to have V8 compile them in the
 * background before a check's first evaluation. V8 names each function it compiles when asked
 * (--trace-wasm-compilation-times); without a record of the previous build, the check compiles
 * lazily, exactly the functions it calls. A V8 that prints otherwise leaves no record: checks
 * then compile lazily, as they did before.
 */
async function recordHotFunctions(samples) {
  const packDir = join(dist, 'policy-pack');
  const wasm = readdirSync(packDir).find((name) => name.endsWith('.wasm'));
  if (!wasm) return;
  const record = join(packDir, wasm.replace(/\.wasm$/, '.hot.json'));
  await rm(record, { force: true });
  const traced = spawnSync(
    process.execPath,
    [
      '--trace-wasm-compilation-times',
      join(dist, '..', 'bin', 'cli.js'),
      'check',
      '--offline',
      '--format',
      'json',
      ...samples,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (traced.status !== 0 && traced.status !== 1) {
    throw new Error(`the CLI failed to check the sample Dockerfiles: ${traced.stderr}`);
  }
  const imported = importedFunctionCount(await readFile(join(packDir, wasm)));
  const functions = new Set();
  for (const match of traced.stdout.matchAll(/^Compiled function \S+#(\d+) using Liftoff/gm)) {
    functions.add(Number(match[1]) - imported);
  }
  if (functions.size === 0) {
    console.warn(
      'bundle-cli: this Node does not name the WebAssembly functions it compiles; no record of the hot ones',
    );
    return;
  }
  await writeFile(record, JSON.stringify({ functions: [...functions].sort((a, b) => a - b) }));
}
