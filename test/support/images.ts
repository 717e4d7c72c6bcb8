/**
 * Real images without Docker Hub (fixture-images.ts, shared with the benchmarks),
 * and what only the tests need: writing build contexts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export * from './fixture-images.js';

/** Writes a build context: `files` (relative paths) under `dir`, tar buffers included. */
export function writeContext(dir: string, files: Record<string, string | Buffer>): string {
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), contents);
  }
  return dir;
}
