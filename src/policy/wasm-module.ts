/**
 * Compiled WebAssembly modules of policies, one compilation per module per thread, and the
 * built-in pack's compilation started at a command's very start (`prewarmPrebuiltPack`).
 *
 * V8 compiles a module's functions lazily, on the thread that first calls them: only those a
 * check calls (~30 ms of the built-in pack's on a cold check's first evaluation). Compiling
 * every function eagerly in the background instead (~72 ms of CPU for 1,300 functions) won
 * while the rest of a cold check was slower; since the CLI loads from V8's code cache and Node
 * starts without the root certificates, that work only competes with the main thread for the
 * second core (41 alternated runs of a cold one-file check: 170 ms lazily, 190 ms eagerly on
 * two background tasks; CPU 200 against 240 ms).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PROJECT_ROOT } from '../tools.js';

/**
 * Where `npm run build` puts the built-in pack, compiled (compile.ts reads it): shipped in the
 * package, so a cold `portcullis check` runs no OPA at all.
 */
export const PREBUILT_DIR = join(PROJECT_ROOT, 'dist', 'policy-pack');

/** Node's WebAssembly, which the project's libraries (ES2023, no DOM) do not declare. */
declare const WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> };
/** A compiled module, as opa-wasm's loaders take it. */
export type WasmModule = object;

const compiled = new Map<string, { bytes: Uint8Array; module: Promise<WasmModule> }>();

/**
 * The module of the policy `hash` whose code is `bytes`. A module compiled before under the
 * same hash is used only for the very same bytes: a torn prebuilt file compiled early must not
 * stand in for the policy compiled again after it was found torn.
 */
export function compiledWasm(hash: string, bytes: Uint8Array): Promise<WasmModule> {
  const known = compiled.get(hash);
  if (known && Buffer.compare(known.bytes, bytes) === 0) return known.module;
  const module = WebAssembly.compile(bytes);
  // A failure is the caller's to report, when it asks; no unhandled rejection in the meantime.
  module.catch(() => undefined);
  compiled.set(hash, { bytes, module });
  return module;
}

/** V8's budget before a hot WebAssembly function is compiled again with TurboFan (V8 11–12's default). */
const DEFAULT_TIERING_BUDGET = 1_800_000;
/** A budget no one-file check exhausts. */
const NO_TIER_UP_BUDGET = 2_000_000_000;

/**
 * Starts compiling the prebuilt built-in pack in the background: with lazy compilation, its
 * decoding and validation, off the main thread while the check's modules load. For a command
 * that will most likely evaluate it (`check`); anything amiss (no prebuilt pack, a torn file)
 * is left to the ordinary path to find and say.
 */
export function prewarmPrebuiltPack(dir = PREBUILT_DIR): void {
  try {
    const file = readdirSync(dir).find((name) => name.endsWith('.wasm'));
    if (!file) return;
    const bytes = readFileSync(join(dir, file));
    // No tier-up for this thread's module: V8 compiled ~33 of its hottest functions again with
    // TurboFan in the background during a one-file check, which then waited for them before
    // exiting (41 alternated runs: 170 against 190 ms, CPU 180 against 230 ms). A module takes
    // the budget when it is created, and V8 hands the threads that compile the same bytes the
    // same module: so this one is made of other bytes (a custom section more, no other
    // difference), and the sandbox workers, which judge the files past the first few
    // (IN_PROCESS_LIMITS) and gain from TurboFan (6% on 1,000 files), compile their own after
    // the budget is restored.
    setFlagsFromString(`--wasm-tiering-budget=${NO_TIER_UP_BUDGET}`);
    const restore = () => setFlagsFromString(`--wasm-tiering-budget=${DEFAULT_TIERING_BUDGET}`);
    const module = WebAssembly.compile(withCustomSection(bytes, 'portcullis.main-thread'));
    module.then(restore, restore);
    compiled.set(file.slice(0, -'.wasm'.length), { bytes, module });
  } catch {
    // Nothing to warm: the check compiles as it would have.
  }
}

/** `bytes`, a WebAssembly module, with an empty custom section `name` at its end. */
export function withCustomSection(bytes: Uint8Array, name: string): Uint8Array {
  const nameBytes = Buffer.from(name, 'utf8');
  const payload = Buffer.concat([leb128(nameBytes.length), nameBytes]);
  return Buffer.concat([bytes, Buffer.from([0]), leb128(payload.length), payload]);
}

function leb128(value: number): Buffer {
  const out: number[] = [];
  let rest = value;
  do {
    const low = rest & 0x7f;
    rest >>>= 7;
    out.push(rest === 0 ? low : low | 0x80);
  } while (rest !== 0);
  return Buffer.from(out);
}
