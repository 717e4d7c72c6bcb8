/**
 * Compiled WebAssembly modules of policies, one compilation per module per thread, and the
 * built-in pack's compilation started at a command's very start (`prewarmPrebuiltPack`).
 *
 * V8 compiles a module's functions lazily, on the thread that first calls them: ~700 of the
 * built-in pack's 1,300 in a cold one-file check, ~35 ms of its main thread. All of them
 * eagerly, in the background, was slower still (72 ms of CPU competing for the second core:
 * 190 against 170 ms); only those a typical check calls (bin/prebuilt-pack.js, from the
 * build's record) is faster (31 alternated runs: 132 against 152 ms).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
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

/** bin/prebuilt-pack.js, which bin/cli.js may have used to start the compilation already. */
interface PrebuiltPackLauncher {
  takePrebuiltPackCompile(dir: string): PrebuiltPackCompile | undefined;
  compileInBackground(compile: PrebuiltPackCompile): Promise<void>;
}
interface PrebuiltPackCompile {
  hash: string;
  bytes: Uint8Array;
  module: Promise<WasmModule>;
}

/**
 * Takes over the main thread's compilation of the prebuilt built-in pack, started by bin/cli.js
 * before the CLI's bundle loaded, or starts it (bin/prebuilt-pack.js): for a command that will
 * most likely evaluate it (`check`). Resolves after one turn of the event loop, in which V8
 * starts compiling the functions a typical check calls on its background threads. Anything
 * amiss (no prebuilt pack, a torn file) is left to the ordinary path to find and say.
 */
export async function prewarmPrebuiltPack(dir = PREBUILT_DIR): Promise<void> {
  let launcher: PrebuiltPackLauncher;
  let started: PrebuiltPackCompile | undefined;
  try {
    launcher = createRequire(import.meta.url)(join(PROJECT_ROOT, 'bin', 'prebuilt-pack.js'));
    started = launcher.takePrebuiltPackCompile(dir);
  } catch {
    // No launcher to read: the check compiles as it would have.
    return;
  }
  if (!started) return;
  const { hash, bytes } = started;
  // A module V8 would not compile with the hints is compiled without them.
  const module = started.module.catch(() => WebAssembly.compile(bytes));
  module.catch(() => undefined);
  compiled.set(hash, { bytes, module });
  await launcher.compileInBackground(started);
}
