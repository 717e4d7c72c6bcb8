#!/usr/bin/env node
// Extracts the GitHub REST operations that Portcullis calls from GitHub's published OpenAPI
// description (the dereferenced api.github.com file of @octokit/openapi) into a small fixture,
// test/fixtures/github-openapi-operations.json, which test/support/github-openapi.ts validates
// every request of the App's tests against.
//
// The package is large (~400 MB unpacked), so it is installed into a temporary folder and never
// added to package.json. Run `npm run openapi:extract` after changing OPERATION_IDS or the version.
// `--from <dir>` reuses an already installed copy (a folder holding node_modules/@octokit/openapi).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The operations the App calls, by operationId as GitHub's description names them. */
const OPERATION_IDS = [
  'apps/create-installation-access-token',
  'apps/get-repo-installation',
  'checks/create',
  'checks/list-for-ref',
  'checks/update',
  'git/create-blob',
  'git/create-commit',
  'git/create-tree',
  'git/get-blob',
  'git/get-ref',
  'git/get-tree',
  'git/update-ref',
  'issues/list-events',
  'issues/list-labels-on-issue',
  'issues/remove-label',
  'pulls/create-review',
  'pulls/get',
  'pulls/list-files',
  'pulls/list-review-comments',
  'pulls/list-reviews',
  'pulls/update-review-comment',
  'repos/compare-commits-with-basehead',
  'repos/download-tarball-archive',
  'repos/get-collaborator-permission-level',
  'repos/get-content',
  'repos/list-pull-requests-associated-with-commit',
];

const PACKAGE = '@octokit/openapi';
const VERSION = '23.0.2';
/** The description of github.com itself; the other files are GHEC and GHES. */
const SPEC_FILE = 'api.github.com.deref.json';
/** Response schemas are only kept while the whole fixture stays under this size. */
const MAX_BYTES = 1.5 * 1024 * 1024;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(root, 'test', 'fixtures', 'github-openapi-operations.json');
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
/** Keywords that only annotate a schema: dropped to keep the fixture small. */
const ANNOTATIONS = new Set(['description', 'example', 'examples', 'externalDocs', 'title', '$comment']);
/** Keywords whose value maps arbitrary names (not keywords) to schemas. */
const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

/**
 * Removes annotations and `x-` extensions from a schema, leaving property names alone, and turns
 * OpenAPI 3.0's `nullable: true` into JSON Schema 2020-12 (the dialect of OpenAPI 3.1), so that one
 * validator (ajv's 2020 dialect) reads the fixture whichever OpenAPI version it came from.
 */
function strip(schema) {
  if (Array.isArray(schema)) return schema.map(strip);
  if (schema === null || typeof schema !== 'object') return schema;
  if (schema.nullable === true) {
    const { nullable: _, ...rest } = schema;
    return nullableOf(strip(rest));
  }
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key) || key.startsWith('x-') || key === 'nullable') continue;
    if (key === 'enum' || key === 'const' || key === 'default' || key === 'required') {
      out[key] = value;
    } else if (NAME_MAPS.has(key) && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, strip(sub)]));
    } else {
      out[key] = strip(value);
    }
  }
  return out;
}

/** `schema` that also accepts null. */
function nullableOf(schema) {
  if (typeof schema.type === 'string' || Array.isArray(schema.type)) {
    const types = [schema.type].flat();
    const out = { ...schema, type: types.includes('null') ? types : [...types, 'null'] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) out.enum = [...schema.enum, null];
    return out;
  }
  return { anyOf: [schema, { type: 'null' }] };
}

function installPackage() {
  const fromIndex = process.argv.indexOf('--from');
  if (fromIndex !== -1) {
    const dir = process.argv[fromIndex + 1];
    if (!dir) throw new Error('--from needs a folder');
    return { dir, cleanup: () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-openapi-'));
  console.error(`[extract-openapi] installing ${PACKAGE}@${VERSION} into ${dir}`);
  execFileSync(
    'npm',
    ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, `${PACKAGE}@${VERSION}`],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function findSpec(dir) {
  const generated = join(dir, 'node_modules', ...PACKAGE.split('/'), 'generated');
  if (!existsSync(generated)) throw new Error(`no ${generated}: is ${PACKAGE} installed there?`);
  const candidates = readdirSync(generated).filter((name) => name.endsWith('.deref.json'));
  if (!candidates.includes(SPEC_FILE)) {
    throw new Error(`no ${SPEC_FILE} in ${generated}; found: ${candidates.join(', ') || 'none'}`);
  }
  return join(generated, SPEC_FILE);
}

/** The JSON schema of a request or response body, when it has one. */
function jsonSchemaOf(content) {
  if (!content) return undefined;
  const type = Object.keys(content).find((t) => t === 'application/json' || /\+json$|\/json$/.test(t));
  return type ? { contentType: type, schema: content[type].schema } : undefined;
}

function extract(spec) {
  const byId = new Map();
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (HTTP_METHODS.has(method) && op?.operationId) byId.set(op.operationId, { path, method, op, item });
    }
  }
  const missing = OPERATION_IDS.filter((id) => !byId.has(id));
  if (missing.length > 0) {
    throw new Error(`operationIds not in the description: ${missing.join(', ')}`);
  }

  const operations = {};
  const responseCandidates = [];
  for (const id of [...OPERATION_IDS].sort()) {
    const { path, method, op, item } = byId.get(id);
    const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])]
      .filter((p) => p.in === 'path' || p.in === 'query')
      .map((p) => ({ name: p.name, in: p.in, required: p.required === true, schema: strip(p.schema ?? {}) }));
    const operation = { method: method.toUpperCase(), path, parameters };
    const body = jsonSchemaOf(op.requestBody?.content);
    if (body) {
      operation.requestBody = {
        required: op.requestBody.required === true,
        contentType: body.contentType,
        schema: strip(body.schema),
      };
    }
    const successes = Object.keys(op.responses ?? {}).filter((status) => /^2\d\d$/.test(status));
    operation.successStatuses = successes.map(Number);
    operation.responses = {};
    for (const status of successes) {
      const response = jsonSchemaOf(op.responses[status].content);
      if (response) {
        const schema = strip(response.schema);
        responseCandidates.push({ id, status, schema, size: JSON.stringify(schema).length });
      }
    }
    operations[id] = operation;
  }

  const fixture = {
    source: {
      package: `${PACKAGE}@${VERSION}`,
      file: `generated/${SPEC_FILE}`,
      openapi: spec.openapi,
      descriptionVersion: spec.info?.version,
    },
    schemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    generatedBy: 'scripts/extract-openapi.mjs',
    operations,
  };
  // Add response schemas smallest first while the file stays under the budget.
  let size = JSON.stringify(fixture).length;
  const skipped = [];
  for (const candidate of responseCandidates.sort((a, b) => a.size - b.size)) {
    if (size + candidate.size + 16 > MAX_BYTES) {
      skipped.push(`${candidate.id} ${candidate.status}`);
      continue;
    }
    operations[candidate.id].responses[candidate.status] = candidate.schema;
    size += candidate.size + candidate.status.length + 4;
  }
  return { fixture, skipped };
}

function main() {
  const { dir, cleanup } = installPackage();
  try {
    const specPath = findSpec(dir);
    console.error(`[extract-openapi] reading ${specPath}`);
    const spec = JSON.parse(readFileSync(specPath, 'utf8'));
    const { fixture, skipped } = extract(spec);
    const text = `${JSON.stringify(fixture)}\n`;
    writeFileSync(OUT, text);
    console.error(
      `[extract-openapi] wrote ${Object.keys(fixture.operations).length} operations (OpenAPI ${spec.openapi}) ` +
        `to ${OUT}: ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB`,
    );
    if (skipped.length > 0)
      console.error(`[extract-openapi] response schemas left out: ${skipped.join(', ')}`);
  } finally {
    cleanup();
  }
}

main();
