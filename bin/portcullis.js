#!/usr/bin/env node
// Runs the compiled CLI (npm run build, done by scripts/setup.sh).
import { runCli } from '../dist/cli/main.js';

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  // NO_COLOR is read with the other settings.
  color: process.stdout.isTTY === true,
});
process.exitCode = code;
