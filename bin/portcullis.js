#!/usr/bin/env node
// Runs the compiled CLI (npm run build, done by scripts/setup.sh): the bundle in dist/bundle/
// (scripts/bundle-cli.mjs) with V8's code cache (./code-cache.js), which starts much faster,
// unless dist/ was compiled again since; then the modules in dist/.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/bundle/cli.cjs', import.meta.url));
const modules = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const bundleIsCurrent = () => {
  try {
    return statSync(bundle).mtimeMs >= statSync(modules).mtimeMs;
  } catch {
    return false;
  }
};

// A reader that goes away (`portcullis check | head`) is no crash: the rest of the output has
// nowhere to go, and the command still ends with its own exit status. Any other failure to
// write the output is said once, as an error (status 2).
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
  process.stderr.write(`portcullis: cannot write the output: ${error.message}\n`);
  process.exit(2);
});

let cli;
let saveCodeCache = () => {};
if (bundleIsCurrent()) {
  const { loadBundle } = await import('./code-cache.js');
  const loaded = loadBundle(bundle);
  cli = loaded.exports;
  saveCodeCache = loaded.saveCodeCache;
} else {
  cli = await import(modules);
}

const code = await cli.runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  // NO_COLOR is read with the other settings.
  color: process.stdout.isTTY === true,
});
// After the command: the cache then holds the functions it compiled too.
saveCodeCache();
process.exitCode = code;
