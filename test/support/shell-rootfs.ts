/**
 * A root filesystem with a shell and a few programs for RUN steps, made from the host's
 * own binaries and the shared libraries `ldd` says they need: images that RUN commands
 * without pulling a base image from Docker Hub.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Copies `/bin/sh` and `programs` (looked up on PATH) with their libraries under `dir`. */
export function writeShellRootfs(dir: string, programs: readonly string[] = ['head', 'rm']): string {
  const binaries = [
    '/bin/sh',
    ...programs.map((p) =>
      execFileSync('sh', ['-c', `command -v ${p}`])
        .toString()
        .trim(),
    ),
  ];
  const files = new Set<string>();
  for (const binary of binaries) {
    files.add(binary);
    const libraries = execFileSync('ldd', [binary]).toString();
    for (const match of libraries.matchAll(/(\/\S+\.so[.\d]*)/g)) files.add(match[1] as string);
  }
  for (const file of files) {
    const target = join(dir, binaries.includes(file) ? `bin/${file.split('/').pop()}` : file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(realpathSync(file), target);
  }
  return dir;
}
