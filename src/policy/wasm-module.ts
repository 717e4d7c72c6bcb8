/**
 * Compiled WebAssembly modules of policies, one compilation per module per thread, and the
 * built-in pack's compilation started at a command's very start (`prewarmPrebuiltPack`).
 *
 * Why: V8 compiles a module's functions lazily, on the thread that first calls them; for the
 * built-in pack that is ~55 ms inside a cold check's first evaluation, after every module is
 * loaded. Compiled eagerly in the background from the first millisecond, the same work
 * runs beside the module loading and the file's parsing (the machine has at least two cores)
 * and the first evaluation finds it done.
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

/**
 * Starts compiling the prebuilt built-in pack in the background. For a command that will most
 * likely evaluate it (`check`); anything amiss (no prebuilt pack, a torn file) is left to the
 * ordinary path to find and say. A repository with its own policies wasted ~100 ms of a
 * background thread, against the seconds its OPA compilation takes.
 */
export function prewarmPrebuiltPack(dir = PREBUILT_DIR): void {
  try {
    const file = readdirSync(dir).find((name) => name.endsWith('.wasm'));
    if (!file) return;
    // Eager compilation on two background tasks: ~30 ms, against ~50 ms on one, which the
    // main thread, loading the CLI from V8's code cache (bin/code-cache.js), ended up waiting
    // for (31 alternated runs on two cores: 241 against 259 ms; lazily, 255 ms). Lazy
    // compilation again afterwards: a sandbox worker that compiles a policy itself compiles
    // only the functions it calls.
    setFlagsFromString('--no-wasm-lazy-compilation');
    setFlagsFromString('--wasm-num-compilation-tasks=2');
    const restore = () => {
      setFlagsFromString('--wasm-lazy-compilation');
      setFlagsFromString('--wasm-num-compilation-tasks=128');
    };
    compiledWasm(file.slice(0, -'.wasm'.length), readFileSync(join(dir, file))).then(restore, restore);
  } catch {
    // Nothing to warm: the check compiles as it would have.
  }
}
