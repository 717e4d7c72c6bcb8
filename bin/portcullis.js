#!/usr/bin/env node
// Runs the compiled CLI (npm run build, done by scripts/setup.sh): the bundle in dist/bundle/
// (scripts/bundle-cli.mjs), which starts faster, unless dist/ was compiled again since.
import { statSync } from 'node:fs';

const bundle = new URL('../dist/bundle/cli.js', import.meta.url);
const modules = new URL('../dist/cli/main.js', import.meta.url);
const bundleIsCurrent = () => {
  try {
    return statSync(bundle).mtimeMs >= statSync(modules).mtimeMs;
  } catch {
    return false;
  }
};
const { runCli } = await import(bundleIsCurrent() ? bundle.href : modules.href);

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  // NO_COLOR is read with the other settings.
  color: process.stdout.isTTY === true,
});
process.exitCode = code;
