/**
 * Validates webhook payloads (our fixtures in test/fixtures/webhooks) against GitHub's published
 * webhook schemas from @octokit/openapi-webhooks (an OpenAPI 3.1 description, validated with
 * ajv's draft 2020-12 dialect).
 *
 *   const problems = validateWebhookPayload('pull_request', 'opened', payload); // [] when valid
 *
 * The description is read once per test file (jest gives each file its own module registry), and
 * only the schemas a payload needs are compiled, each once.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const SPEC_PATH = createRequire(import.meta.url).resolve(
  '@octokit/openapi-webhooks/generated/api.github.com.json',
);
const SCHEMA_PREFIX = '#/components/schemas/';
const DOC_ID = 'https://portcullis.test/github-webhooks.json';

type JsonObject = Record<string, unknown>;

interface WebhooksDescription {
  webhooks: Record<
    string,
    { post?: { requestBody?: { content?: Record<string, { schema?: JsonObject }> } } }
  >;
  components: { schemas: Record<string, JsonObject> };
}

let description: WebhooksDescription | undefined;
let ajv: Ajv2020 | undefined;
/** Component schemas already added to `ajv`, by name. */
const added = new Set<string>();
const validators = new Map<string, ValidateFunction>();

function loadDescription(): WebhooksDescription {
  description ??= JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as WebhooksDescription;
  return description;
}

function getAjv(): Ajv2020 {
  if (!ajv) {
    ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
    // int64 is an OpenAPI format ajv-formats also knows; the unknown ones are ignored (strict: false).
    addFormats.default(ajv);
  }
  return ajv;
}

/** Names of the component schemas that `schema` refers to, directly or not, not yet added. */
function collectRefs(schema: unknown, schemas: Record<string, JsonObject>, found: Set<string>): void {
  if (Array.isArray(schema)) {
    for (const item of schema) collectRefs(item, schemas, found);
    return;
  }
  if (schema === null || typeof schema !== 'object') return;
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith(SCHEMA_PREFIX)) {
      const name = value.slice(SCHEMA_PREFIX.length);
      if (!found.has(name) && !added.has(name) && schemas[name]) {
        found.add(name);
        collectRefs(schemas[name], schemas, found);
      }
    } else {
      collectRefs(value, schemas, found);
    }
  }
}

/** The component schema name for an event and action, e.g. `webhook-pull-request-opened`. */
export function webhookSchemaName(name: string, action: string | undefined): string {
  const spec = loadDescription();
  const key = [name, action].filter(Boolean).join('-').replace(/_/g, '-');
  const ref = spec.webhooks[key]?.post?.requestBody?.content?.['application/json']?.schema?.$ref;
  if (typeof ref === 'string' && ref.startsWith(SCHEMA_PREFIX)) return ref.slice(SCHEMA_PREFIX.length);
  return `webhook-${key}`;
}

function validatorFor(schemaName: string): ValidateFunction | undefined {
  const cached = validators.get(schemaName);
  if (cached) return cached;
  const { components } = loadDescription();
  if (!components.schemas[schemaName]) return undefined;
  const needed = new Set<string>();
  collectRefs({ $ref: `${SCHEMA_PREFIX}${schemaName}` }, components.schemas, needed);
  const instance = getAjv();
  // Each batch of newly needed component schemas is its own document; refs between documents go
  // through the `$id`s, so a JSON pointer `#/components/schemas/x` is rewritten to the shared id.
  for (const name of needed) {
    instance.addSchema(rewriteRefs(components.schemas[name]) as JsonObject, `${DOC_ID}/${name}`);
    added.add(name);
  }
  const validate = instance.compile({ $ref: `${DOC_ID}/${schemaName}` });
  validators.set(schemaName, validate);
  return validate;
}

/** A copy of a component schema whose `#/components/schemas/x` refs point at the added `$id`s. */
function rewriteRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rewriteRefs);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith(SCHEMA_PREFIX)
        ? `${DOC_ID}/${value.slice(SCHEMA_PREFIX.length)}`
        : rewriteRefs(value);
  }
  return out;
}

export function formatAjvErrors(prefix: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => {
    const where = error.instancePath || '(root)';
    const params = error.params as Record<string, unknown>;
    let detail = error.message ?? 'is invalid';
    if (Array.isArray(params.allowedValues)) detail += `: ${params.allowedValues.join(', ')}`;
    if (typeof params.additionalProperty === 'string') detail += `: ${params.additionalProperty}`;
    return `${prefix} ${where} ${detail}`;
  });
}

/**
 * Problems with a webhook payload for event `name` (e.g. `check_run`) and `action`
 * (e.g. `rerequested`; undefined for events without actions, such as `push`), or [] when valid.
 */
export function validateWebhookPayload(name: string, action: string | undefined, payload: unknown): string[] {
  const schemaName = webhookSchemaName(name, action);
  const validate = validatorFor(schemaName);
  if (!validate) return [`no webhook schema for ${name}${action ? `.${action}` : ''} (${schemaName})`];
  if (validate(payload)) return [];
  return formatAjvErrors(`${name}${action ? `.${action}` : ''} payload`, validate.errors);
}
