// The CLI, as bin/portcullis.js starts it: the compiled CLI (npm run build, done by
// scripts/setup.sh), the bundle in dist/bundle/ (scripts/bundle-cli.mjs) with V8's code cache
// (./code-cache.js), which starts much faster, unless dist/ was compiled again since; then the
// modules in dist/. CommonJS (bin/package.json), as the bundle: no ES module loader before the
// first line.

// The user's NODE_EXTRA_CA_CERTS, which bin/portcullis.js may have moved aside, is back for
// every process the command starts.
const deferredCaCerts = process.env.PORTCULLIS_DEFERRED_EXTRA_CA_CERTS;
if (deferredCaCerts !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = deferredCaCerts;
  delete process.env.PORTCULLIS_DEFERRED_EXTRA_CA_CERTS;
}

const { statSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const bundle = join(__dirname, '..', 'dist', 'bundle', 'cli.cjs');
const modules = join(__dirname, '..', 'dist', 'cli', 'main.js');
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

// A check's policy pack starts compiling while the bundle loads (./prebuilt-pack.js), if the
// command is `check` (global options may come first): V8 decodes it in the background, then
// compiles the functions a check calls while the check gets ready.
const prebuiltPack =
  process.argv.slice(2).find((arg) => !arg.startsWith('-')) === 'check'
    ? require('./prebuilt-pack.js')
    : undefined;
const packCompile = prebuiltPack?.startPrebuiltPackCompile(join(__dirname, '..', 'dist', 'policy-pack'));

async function main() {
  let cli;
  let saveCodeCache = () => {};
  if (bundleIsCurrent()) {
    const loaded = require('./code-cache.js').loadBundle(bundle);
    cli = loaded.exports;
    saveCodeCache = loaded.saveCodeCache;
  } else {
    cli = await import(pathToFileURL(modules).href);
  }
  if (packCompile) await prebuiltPack.compileInBackground(packCompile);
  const code = await cli.runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    // NO_COLOR is read with the other settings.
    color: process.stdout.isTTY === true,
  });
  // After the command: the cache then holds the functions it compiled too.
  saveCodeCache();
  process.exitCode = code;
}

main();
