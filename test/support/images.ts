/**
 * Real images without Docker Hub (fixture-images.ts, shared with the benchmarks),
 * and what only the tests need: writing build contexts, and skipping when the tools are absent.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolPath } from '../../src/tools.js';

export * from './fixture-images.js';

/** Writes a build context: `files` (relative paths) under `dir`, tar buffers included. */
export function writeContext(dir: string, files: Record<string, string | Buffer>): string {
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), contents);
  }
  return dir;
}

/** Why the image tests cannot run (buildah or osv-scanner missing: `npm run setup`), or null. */
export function imageToolsMissing(): string | null {
  for (const tool of ['buildah', 'osv-scanner']) {
    try {
      execFileSync(toolPath(tool), ['--version'], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed: run \`npm run setup\``;
    }
  }
  return null;
}
