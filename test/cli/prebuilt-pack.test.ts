/**
 * bin/prebuilt-pack.js: the main thread's compilation of the built-in pack, with compilation
 * hints for the functions a typical check calls (recorded by the build), started before the
 * CLI's bundle loads. The hints may change when V8 compiles, never what the module does.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  importedFunctionCount,
  MAIN_THREAD_SECTION,
  takePrebuiltPackCompile,
  withCompilationHints,
  withCustomSection,
  // @ts-expect-error: plain JavaScript, run by bin/cli.js before any TypeScript is loaded.
} from '../../bin/prebuilt-pack.js';
import { PREBUILT_DIR } from '../../src/policy/wasm-module.js';

const run = promisify(execFile);

declare const WebAssembly: {
  compile(bytes: Uint8Array): Promise<object>;
  Module: {
    exports(module: object): { name: string; kind: string }[];
    imports(module: object): { kind: string }[];
    customSections(module: object, name: string): ArrayBuffer[];
  };
};

interface Started {
  hash: string;
  bytes: Uint8Array;
  module: Promise<object>;
  hinted: boolean;
}
const take = takePrebuiltPackCompile as (dir: string) => Started | undefined;
const hinted = withCompilationHints as (bytes: Uint8Array, eager: number[]) => Buffer;
const marked = withCustomSection as (bytes: Uint8Array, name: string) => Buffer;
const importedFunctions = importedFunctionCount as (bytes: Uint8Array) => number;

async function prebuilt(): Promise<{ hash: string; bytes: Buffer; hot: number[] }> {
  const files = await readdir(PREBUILT_DIR);
  const wasm = files.find((name) => name.endsWith('.wasm')) as string;
  const hash = wasm.slice(0, -'.wasm'.length);
  const { functions } = JSON.parse(await readFile(join(PREBUILT_DIR, `${hash}.hot.json`), 'utf8')) as {
    functions: number[];
  };
  return { hash, bytes: await readFile(join(PREBUILT_DIR, wasm)), hot: functions };
}

/** The hint bytes of `module`'s compilationHints section, after their count (checked). */
function hintsOf(module: object): Buffer {
  const [section] = WebAssembly.Module.customSections(module, 'compilationHints');
  const content = Buffer.from(section as ArrayBuffer);
  let count = 0;
  let at = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = content[at++] as number;
    count += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
  }
  expect(content.length - at).toBe(count);
  return content.subarray(at);
}

/** A folder holding a copy of the prebuilt pack, with the build's record or `hot` as its. */
async function packCopy(hot?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-pack-'));
  for (const name of await readdir(PREBUILT_DIR)) {
    if (name.endsWith('.hot.json') && hot !== undefined) await writeFile(join(dir, name), hot);
    else await copyFile(join(PREBUILT_DIR, name), join(dir, name));
  }
  return dir;
}

describe("the main thread's built-in pack", () => {
  it('has a record of the functions a typical check calls, from the build', async () => {
    const { bytes, hot } = await prebuilt();
    const declared = hintsOf(await WebAssembly.compile(hinted(bytes, []))).length;
    // Hundreds of the pack's functions, not all of them: the others are compiled when called.
    expect(hot.length).toBeGreaterThan(300);
    expect(hot.length).toBeLessThan(declared * 0.8);
    expect(new Set(hot).size).toBe(hot.length);
    expect(Math.min(...hot)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...hot)).toBeLessThan(declared);
  });

  it('counts the imported functions as WebAssembly.Module.imports does', async () => {
    const { bytes } = await prebuilt();
    const module = await WebAssembly.compile(bytes);
    const imported = WebAssembly.Module.imports(module).filter((entry) => entry.kind === 'function').length;
    expect(imported).toBeGreaterThan(0);
    expect(importedFunctions(bytes)).toBe(imported);
  });

  it('is the same module with the hints and the marker, one hint byte per declared function', async () => {
    const { bytes } = await prebuilt();
    const original = await WebAssembly.compile(bytes);
    const variant = await WebAssembly.compile(hinted(marked(bytes, MAIN_THREAD_SECTION), [0, 2, 99_999]));
    expect(WebAssembly.Module.exports(variant)).toEqual(WebAssembly.Module.exports(original));
    expect(WebAssembly.Module.customSections(variant, MAIN_THREAD_SECTION).map((s) => s.byteLength)).toEqual([
      0,
    ]);
    // A byte each: 2 eager, 1 lazy; an index past the end is ignored.
    const hints = hintsOf(variant);
    expect([...hints.subarray(0, 4)]).toEqual([2, 1, 2, 1]);
    expect(hints.filter((byte) => byte === 2).length).toBe(2);
    expect(hints.length).toBeGreaterThan(1000);
  });

  it('refuses what is not a module it can splice into', () => {
    expect(() => hinted(Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), [0])).toThrow(/no functions/);
    expect(() => hinted(Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 10, 0xff]), [0])).toThrow();
  });

  it('is compiled eagerly for the recorded functions only, and V8 reads the hints section', async () => {
    // A process of its own: the flags are V8's, for the whole process. Each function V8
    // compiles is named; nothing is called, so only the eager ones are compiled.
    const script = `
      const { takePrebuiltPackCompile } = require(${JSON.stringify(join(process.cwd(), 'bin', 'prebuilt-pack.js'))});
      const { setFlagsFromString } = require('node:v8');
      const started = takePrebuiltPackCompile(${JSON.stringify(PREBUILT_DIR)});
      setFlagsFromString('--no-wasm-lazy-compilation');
      started.module.then(() => console.log('HINTED ' + started.hinted));
    `;
    const { stdout } = await run(process.execPath, ['--trace-wasm-compilation-times', '-e', script]);
    const { bytes, hot } = await prebuilt();
    const imported = importedFunctions(bytes);
    const compiled = [...stdout.matchAll(/^Compiled function \S+#(\d+) using Liftoff/gm)].map(
      (match) => Number(match[1]) - imported,
    );
    expect(stdout).toContain('HINTED true');
    expect(compiled.sort((a, b) => a - b)).toEqual(hot);
  });

  it('is taken once, and only for the folder it was started for', async () => {
    const dir = await packCopy();
    try {
      const first = take(dir) as Started;
      expect(first.hinted).toBe(true);
      const { hash, bytes } = await prebuilt();
      expect(first.hash).toBe(hash);
      expect(Buffer.compare(first.bytes, bytes)).toBe(0);
      await expect(first.module).resolves.toBeDefined();
      // Taken again: a compilation of its own.
      expect(take(dir)?.module).not.toBe(first.module);
      expect(take(join(dir, 'missing'))).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('compiles without hints when the record is torn, or names no functions', async () => {
    for (const hot of ['{"functions": [1, 2', '{"functions": ["1"]}', '[]']) {
      const dir = await packCopy(hot);
      try {
        const started = take(dir) as Started;
        expect({ hot, hinted: started.hinted }).toEqual({ hot, hinted: false });
        await expect(started.module).resolves.toBeDefined();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  });
});
