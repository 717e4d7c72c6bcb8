/**
 * Validates SARIF logs against the SARIF 2.1.0 JSON schema that @microsoft/jest-sarif ships.
 *
 *   expect(sarifSchemaProblems(log)).toEqual([]);
 *
 * The schema is draft-04; apart from naming its id `id` it only uses keywords that mean
 * the same in draft-07, so ajv's draft-07 class reads it once that is renamed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

const SCHEMA_PATH = createRequire(import.meta.url).resolve(
  '@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json',
);

let validate: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!validate) {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as { id: string; $schema?: string };
    const { $schema: _draft, id, ...rest } = schema;
    // The schema's `language` pattern has a stray `]`, an error only under the `u` flag.
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false, unicodeRegExp: false });
    addFormats.default(ajv);
    validate = ajv.compile({ $id: id, ...rest });
  }
  return validate;
}

/** The schema violations of `log`, one line each; empty when it is valid SARIF 2.1.0. */
export function sarifSchemaProblems(log: unknown): string[] {
  const check = validator();
  if (check(log)) return [];
  return (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
}
