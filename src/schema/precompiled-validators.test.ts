import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { CACHE_ENTRY_HEADER } from '../cache/disk-cache.js';
import { configurationSchema, SCHEMA_DOCUMENT } from '../config/configuration.js';
import { builtImageFactsSchema, INPUT_SCHEMA_DEFS } from '../facts/image-facts.js';
import { SHELLCHECK_CACHE_ENTRY } from '../facts/shellcheck.js';
import { COMPILED_META } from '../policy/compile.js';
import { IMAGE_CONFIG } from '../registry/image-config.js';
import { MANIFEST_DOCUMENT } from '../registry/manifest.js';
import { DOCKER_ARCHIVE_MANIFEST } from '../scan/archive.js';
import { OSV_REPORT } from '../scan/osv-output.js';
import { PROJECT_ROOT } from '../tools.js';
import { compiledSchema, type JsonSchema, schemaKey } from './parse-json.js';
import { PRECOMPILED } from './precompiled-validators.js';

const HOT: Record<string, JsonSchema<unknown>> = {
  CACHE_ENTRY_HEADER,
  SHELLCHECK_CACHE_ENTRY,
  COMPILED_META,
  builtImageFacts: builtImageFactsSchema(),
  INPUT_SCHEMA_DEFS,
  configuration: configurationSchema(),
  SCHEMA_DOCUMENT,
  DOCKER_ARCHIVE_MANIFEST,
  IMAGE_CONFIG,
  MANIFEST_DOCUMENT,
  OSV_REPORT,
};

describe('the precompiled validators (scripts/generate-validators.mjs)', () => {
  it.each(Object.keys(HOT))(
    'serve %s: a cold command loads no ajv for it (else: npm run validators)',
    (name) => {
      const schema = HOT[name] as JsonSchema<unknown>;
      expect(Object.hasOwn(PRECOMPILED, schemaKey(schema))).toBe(true);
      expect(compiledSchema(schema)).toBe(PRECOMPILED[schemaKey(schema)]);
    },
  );

  it('report what ajv compiling the schema at run time reports, every problem of a configuration', () => {
    const runtime = new Ajv2020({ allErrors: true, strict: false }).compile(configurationSchema());
    const precompiled = compiledSchema(configurationSchema());
    const samples: unknown[] = [
      {},
      { severity_threshold: 'loud', rules: { 'PC-DF-001': 'sometimes' }, unknown_key: 1 },
      { trusted_registries: 'docker.io', wasted_space: { layer_bytes: -1, min_efficiency: 2 } },
      { rules: [], waivers: { file: 7 } },
    ];
    for (const sample of samples) {
      expect(precompiled(sample)).toBe(runtime(sample));
      expect(precompiled.errors ?? null).toEqual(runtime.errors ?? null);
    }
    expect(
      compiledSchema(CACHE_ENTRY_HEADER)({ key: 'k', value: 1, payload: { bytes: -1, sha256: 'x' } }),
    ).toBe(false);
  });

  it('are what the generator writes today', async () => {
    // dist/ is what the generator reads the schemas from: `npm run test:jest` builds it first.
    await expect(
      promisify(execFile)(process.execPath, [
        join(PROJECT_ROOT, 'scripts', 'generate-validators.mjs'),
        '--check',
      ]),
    ).resolves.toBeDefined();
  });
});
