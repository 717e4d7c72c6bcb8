/** Locating the external programs Portcullis runs (installed by scripts/setup.sh). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type JsonSchema, parseJson } from './schema/parse-json.js';
import { settings } from './settings.js';

/**
 * The project root: the folder holding package.json, policies/ and tools/. Found upwards
 * from this module, which runs from src/ (tests), dist/ or the bundle in dist/bundle/.
 */
export const PROJECT_ROOT = projectRoot(dirname(fileURLToPath(import.meta.url)));

function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return join(from, '..');
  }
}

/** The built-in policy pack shipped with Portcullis. */
export const BUILTIN_POLICY_DIR = join(PROJECT_ROOT, 'policies');

/**
 * Path of a tool: `PORTCULLIS_<NAME>` from the settings, else the project's tools/bin
 * (where the set-up script puts the pinned version), else the bare name for PATH lookup.
 */
export function toolPath(name: string): string {
  const s = settings();
  const configured: Record<string, string | undefined> = {
    opa: s.opaPath,
    buildah: s.buildahPath,
    docker: s.dockerPath,
    'osv-scanner': s.osvScannerPath,
  };
  const fromEnv = configured[name];
  if (fromEnv) return fromEnv;
  const local = join(PROJECT_ROOT, 'tools', 'bin', name);
  return existsSync(local) ? local : name;
}

/** What portcullisVersion reads of package.json (exported for scripts/generate-validators.mjs). */
export const PACKAGE_JSON: JsonSchema<{ version: string }> = {
  type: 'object',
  required: ['version'],
  properties: { version: { type: 'string' } },
};

let version: string | undefined;
/** This package's version, for report footers and SARIF; read on first use. */
export function portcullisVersion(): string {
  const path = join(PROJECT_ROOT, 'package.json');
  version ??= parseJson(readFileSync(path), PACKAGE_JSON, path).version;
  return version;
}
