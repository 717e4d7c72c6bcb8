// The main thread's compilation of the prebuilt built-in pack (dist/policy-pack/, written by
// `npm run build`), started by bin/cli.js before the CLI's bundle loads and taken over by
// src/policy/wasm-module.ts (prewarmPrebuiltPack), which starts it itself when nothing did.
//
// Why so early, and why hints: V8 compiles a module's functions lazily, on the thread that
// first calls them. A cold one-file check called ~700 of the pack's 1,300 functions, and
// compiling them was ~35 ms of the main thread's time in its first evaluation. The build
// records which functions a typical check calls (`<hash>.hot.json`); here they go into the
// module as a compilation-hints section (V8's --experimental-wasm-compilation-hints: one byte
// per function, eager or lazy), so that V8 compiles those on its background threads while the
// main thread loads the CLI and the policy set, and the rest only if they are ever called.
// The hints change when code is compiled, never what it does: a module V8 would not compile
// with them is compiled without (wasm-module.ts).
//
// CommonJS, as bin/cli.js.
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { setFlagsFromString } = require('node:v8');

const SECTION = { custom: 0, import: 2, function: 3, code: 10 };
const IMPORT_KIND = { function: 0, table: 1, memory: 2, global: 3, tag: 4 };
/** A hint byte: bits 0-1 the strategy (1 lazy, 2 eager), bits 2-5 the tiers (0, V8's defaults). */
const HINT = { lazy: 1, eager: 2 };
/** The custom section that makes the main thread's module its own (wasm-module.ts says why). */
const MAIN_THREAD_SECTION = 'portcullis.main-thread';

/** V8's budget before a hot WebAssembly function is compiled again with TurboFan (V8 11–12's default). */
const DEFAULT_TIERING_BUDGET = 1_800_000;
/** A budget no one-file check exhausts. */
const NO_TIER_UP_BUDGET = 2_000_000_000;

/** The compilation bin/cli.js started, until wasm-module.ts takes it. */
let started;

/**
 * Starts the compilation of the prebuilt pack in `dir`, for takePrebuiltPackCompile to take;
 * returns it, or undefined for no prebuilt pack. V8 decodes the module in the background.
 */
function startPrebuiltPackCompile(dir) {
  started = compilePrebuiltPack(dir);
  return started;
}

/**
 * Lets V8 go on with the compilation `compile` (from either function here) with the flags the
 * main thread's module needs, and resolves after one turn of the event loop. V8 creates the
 * module, reading the flags, in a task for this thread once it is decoded, which runs only
 * when the thread is idle; the flags are set back when the module is compiled. Only the first
 * call for a compilation does anything.
 * - Eager compilation, of the functions the hints say eager only: the others stay lazy.
 * - No tier-up: V8 compiled ~33 of the module's hottest functions again with TurboFan in the
 *   background during a one-file check, which then waited for them before exiting (41
 *   alternated runs: 170 against 190 ms). The sandbox workers, which judge the files past the
 *   first few and gain from TurboFan (6% on 1,000 files), compile modules of their own: this
 *   one is made of other bytes (MAIN_THREAD_SECTION), as V8 hands the threads that compile the
 *   same bytes the same module.
 */
async function compileInBackground(compile) {
  if (compile.released) return;
  compile.released = true;
  if (compile.hinted) setFlagsFromString('--no-wasm-lazy-compilation');
  setFlagsFromString(`--wasm-tiering-budget=${NO_TIER_UP_BUDGET}`);
  const restore = () => {
    setFlagsFromString(`--wasm-tiering-budget=${DEFAULT_TIERING_BUDGET}`);
    if (compile.hinted) setFlagsFromString('--wasm-lazy-compilation');
  };
  compile.module.then(restore, restore);
  await new Promise((resolve) => setImmediate(resolve));
}

/**
 * The compilation of the prebuilt pack in `dir` started before, or started now:
 * `{ hash, bytes, module, hinted, released }`, the module a promise, or undefined when there is no
 * prebuilt pack to read. `bytes` are the pack's own, which the caller compares with the policy
 * it loads before it uses the module; `hinted`, whether the module has the compilation hints.
 */
function takePrebuiltPackCompile(dir) {
  const taken = started?.dir === dir ? started : compilePrebuiltPack(dir);
  started = undefined;
  return taken;
}

function compilePrebuiltPack(dir) {
  let name;
  let bytes;
  try {
    name = readdirSync(dir).find((file) => file.endsWith('.wasm'));
    if (!name) return undefined;
    bytes = readFileSync(join(dir, name));
  } catch {
    return undefined;
  }
  const hash = name.slice(0, -'.wasm'.length);
  const eager = hotFunctions(join(dir, `${hash}.hot.json`));
  let input = withCustomSection(bytes, MAIN_THREAD_SECTION);
  let hinted = false;
  let module;
  if (eager) {
    try {
      input = withCompilationHints(input, eager);
      hinted = true;
    } catch {
      // Not a module this code can read: compiled as it is, for the caller to find out.
    }
  }
  if (hinted) {
    // V8 reads the feature when the compilation starts; set back at once, as V8 checks its
    // flags against the code cache of the bundle that loads next (bin/code-cache.js).
    setFlagsFromString('--experimental-wasm-compilation-hints');
    try {
      module = WebAssembly.compile(input);
    } finally {
      setFlagsFromString('--no-experimental-wasm-compilation-hints');
    }
  } else {
    module = WebAssembly.compile(input);
  }
  // A failure is the caller's to handle, when it asks; no unhandled rejection in the meantime.
  module.catch(() => undefined);
  return { dir, hash, bytes, module, hinted, released: false };
}

/** The declared-function indexes in the build's record `file`, or undefined for none or a torn one. */
function hotFunctions(file) {
  try {
    const { functions } = JSON.parse(readFileSync(file, 'utf8'));
    return Array.isArray(functions) && functions.every(Number.isInteger) ? functions : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `bytes`, a WebAssembly module, with a compilation-hints section: eager for the declared
 * functions (counted without the imported ones) in `eager`, lazy for the others. V8 reads the
 * section only between the function and the code sections, hence the splice.
 */
function withCompilationHints(bytes, eager) {
  const sections = wasmSections(bytes);
  const functions = sections.find((section) => section.id === SECTION.function);
  const code = sections.find((section) => section.id === SECTION.code);
  if (!functions || !code) throw new Error('the module has no functions');
  const declared = readLeb128(bytes, functions.payload).value;
  const hints = Buffer.alloc(declared, HINT.lazy);
  for (const index of eager) if (index >= 0 && index < declared) hints[index] = HINT.eager;
  const section = customSection('compilationHints', Buffer.concat([leb128(declared), hints]));
  return Buffer.concat([bytes.subarray(0, code.start), section, bytes.subarray(code.start)]);
}

/** How many functions the module imports: the first declared function's index. */
function importedFunctionCount(bytes) {
  const imports = wasmSections(bytes).find((section) => section.id === SECTION.import);
  if (!imports) return 0;
  let at = imports.payload;
  const next = () => {
    const read = readLeb128(bytes, at);
    at = read.next;
    return read.value;
  };
  let functions = 0;
  for (let count = next(); count > 0; count--) {
    // Each name: its length, then its bytes (the length is read before `at` moves past them).
    const moduleName = next();
    at += moduleName;
    const fieldName = next();
    at += fieldName;
    const kind = bytes[at++];
    if (kind === IMPORT_KIND.function || kind === IMPORT_KIND.tag) {
      if (kind === IMPORT_KIND.tag) at++; // its attribute
      next(); // the type index
      if (kind === IMPORT_KIND.function) functions++;
    } else if (kind === IMPORT_KIND.table || kind === IMPORT_KIND.memory) {
      if (kind === IMPORT_KIND.table) at++; // the element type
      const flags = next();
      next(); // the minimum
      if (flags & 1) next(); // the maximum
    } else if (kind === IMPORT_KIND.global) {
      at += 2; // its type and mutability
    } else {
      throw new Error(`unknown import kind ${kind}`);
    }
  }
  return functions;
}

/** The module's sections, in order: `{ id, start, payload, end }`, offsets into `bytes`. */
function wasmSections(bytes) {
  const sections = [];
  let at = 8; // the magic number and the version
  while (at < bytes.length) {
    const start = at;
    const id = bytes[at++];
    const size = readLeb128(bytes, at);
    const end = size.next + size.value;
    if (end > bytes.length) throw new Error('a section runs past the end of the module');
    sections.push({ id, start, payload: size.next, end });
    at = end;
  }
  return sections;
}

/** `bytes`, a WebAssembly module, with an empty custom section `name` at its end. */
function withCustomSection(bytes, name) {
  return Buffer.concat([bytes, customSection(name, Buffer.alloc(0))]);
}

function customSection(name, payload) {
  const nameBytes = Buffer.from(name, 'utf8');
  const content = Buffer.concat([leb128(nameBytes.length), nameBytes, payload]);
  return Buffer.concat([Buffer.from([SECTION.custom]), leb128(content.length), content]);
}

function readLeb128(bytes, at) {
  let value = 0;
  let shift = 0;
  let next = at;
  for (;;) {
    if (next >= bytes.length || shift > 28) throw new Error('a malformed number in the module');
    const byte = bytes[next++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return { value, next };
  }
}

function leb128(value) {
  const out = [];
  let rest = value;
  do {
    const low = rest & 0x7f;
    rest >>>= 7;
    out.push(rest === 0 ? low : low | 0x80);
  } while (rest !== 0);
  return Buffer.from(out);
}

module.exports = {
  MAIN_THREAD_SECTION,
  compileInBackground,
  importedFunctionCount,
  startPrebuiltPackCompile,
  takePrebuiltPackCompile,
  withCompilationHints,
  withCustomSection,
};
