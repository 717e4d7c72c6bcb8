/**
 * JSON from outside the process (registries, OPA, osv-scanner, cosign payloads, files)
 * parsed and validated against a JSON Schema in one step, so the code past the boundary can
 * trust its types and a malformed document is one clear error naming where it came from,
 * not a TypeError deep inside.
 *
 * Imports nothing of the pipeline, so the lowest layers can use it.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Ajv2020 as Ajv, ErrorObject, JSONSchemaType, ValidateFunction } from 'ajv/dist/2020.js';
import { PRECOMPILED } from './precompiled-validators.js';

/**
 * A schema for `T`. `JSONSchemaType<T>` where it can say the type; a plain schema object
 * (typed by the caller) where it cannot, e.g. for optional fields `JSONSchemaType` wants nullable.
 */
export type JsonSchema<T> = JSONSchemaType<T> | (Record<string, unknown> & { readonly __type?: T });

/** A document that is not JSON, or not of the expected shape. */
export class InvalidJsonError extends Error {
  override name = 'InvalidJsonError';
  constructor(
    /** What the document is and where it came from: "osv-scanner output for /tmp/x.tar". */
    readonly source: string,
    /** What is wrong with it: "/results/0/packages must be array". */
    readonly problem: string,
  ) {
    super(`${source}: ${problem}`);
  }
}

/** Parses `text` and validates it against `schema`; throws InvalidJsonError naming `source`. */
export function parseJson<T>(text: string | Uint8Array, schema: JsonSchema<T>, source: string): T {
  const checked = checkJson(text, schema);
  if ('problem' in checked) throw new InvalidJsonError(source, checked.problem);
  return checked.value;
}

/** Validates a value already parsed (YAML, a worker's answer); throws InvalidJsonError naming `source`. */
export function validateJson<T>(value: unknown, schema: JsonSchema<T>, source: string): T {
  const problem = schemaProblem(value, schema);
  if (problem !== null) throw new InvalidJsonError(source, problem);
  return value as T;
}

/** As parseJson, the problem as a value: for callers that phrase their own error around it. */
export function checkJson<T>(
  text: string | Uint8Array,
  schema: JsonSchema<T>,
): { value: T } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(typeof text === 'string' ? text : Buffer.from(text).toString('utf8'));
  } catch {
    // JSON.parse's message quotes the text around the fault, which may be a secret.
    return { problem: 'it is not JSON' };
  }
  const problem = schemaProblem(value, schema);
  return problem === null ? { value: value as T } : { problem };
}

/** The first way `value` breaks `schema`, as "/path must be …"; null when it conforms. */
export function schemaProblem(value: unknown, schema: JsonSchema<unknown>): string | null {
  const validate = compiledSchema(schema);
  if (validate(value)) return null;
  const [first] = validate.errors ?? [];
  return first ? describeSchemaError(first) : 'it does not match its schema';
}

/** "/results/0/packages must be array"; at the top, "the document must …". */
export function describeSchemaError(error: ErrorObject): string {
  // The path holds the document's own keys: keep it short for a message.
  const path = error.instancePath.length > 200 ? `${error.instancePath.slice(0, 200)}…` : error.instancePath;
  const message =
    error.keyword === 'enum'
      ? `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
      : (error.message ?? 'is invalid');
  return `${path || 'the document'} ${message}`;
}

const compiled = new WeakMap<object, ValidateFunction>();
let ajv: Ajv | undefined;

/**
 * The validator for `schema`: precompiled when it is one of the schemas a cold command checks
 * (scripts/generate-validators.mjs), else compiled on first use; kept either way. ajv (≈45 ms
 * to load) is loaded only for the others: a CLI run pays only for the boundaries it crosses.
 */
export function compiledSchema<T>(schema: JsonSchema<T>): ValidateFunction<T> {
  let validate = compiled.get(schema);
  if (!validate) {
    const key = schemaKey(schema);
    if (Object.hasOwn(PRECOMPILED, key)) {
      validate = PRECOMPILED[key] as ValidateFunction;
    } else {
      ajv ??= newAjv();
      validate = ajv.compile(schema);
    }
    compiled.set(schema, validate);
  }
  return validate as ValidateFunction<T>;
}

/** What a precompiled validator is filed under: its schema's exact JSON text, hashed. */
export function schemaKey(schema: JsonSchema<unknown>): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

function newAjv(): Ajv {
  const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  // allErrors: the configuration lists every problem at once; elsewhere the first one is shown.
  // validateSchema: every schema here is our own code, and checking one against the 2020-12
  // meta-schema compiles that meta-schema first (~70 ms, most of a cold check's ajv cost).
  // The test suite (NODE_ENV=test, inherited by the CLI processes it starts) still checks them.
  return new Ajv2020({ allErrors: true, strict: false, validateSchema: process.env.NODE_ENV === 'test' });
}
