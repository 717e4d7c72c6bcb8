// `node --import ./test/support/loaded-modules.mjs …`: at exit, writes to stderr one JSON line
// naming the Node built-ins and the CommonJS files the process loaded beyond Node's own start,
// so a test can tell what a command's path costs (test/cli/cold-path.test.ts).
import { createRequire } from 'node:module';

const before = new Set(process.moduleLoadList);
process.on('exit', () => {
  const builtins = process.moduleLoadList
    .filter((name) => !before.has(name) && name.startsWith('NativeModule '))
    .map((name) => name.slice('NativeModule '.length));
  const commonjs = Object.keys(createRequire(import.meta.url).cache);
  process.stderr.write(`\nLOADED ${JSON.stringify({ builtins, commonjs })}\n`);
});
