/**
 * Node's child_process, loaded on first use: with the net and dgram modules it brings, it was
 * ~2 ms of every cold `portcullis check`, which on one file starts no process (the compiled
 * built-in pack, ShellCheck's cached findings). The modules that start processes take it from
 * here rather than importing it.
 */
import type * as ChildProcess from 'node:child_process';
import { createRequire } from 'node:module';

let loaded: typeof ChildProcess | undefined;

export function childProcess(): typeof ChildProcess {
  loaded ??= createRequire(import.meta.url)('node:child_process') as typeof ChildProcess;
  return loaded;
}
