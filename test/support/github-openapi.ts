/**
 * Validates the HTTP requests the App sends to GitHub against GitHub's published OpenAPI
 * description: the operations in test/fixtures/github-openapi-operations.json, extracted by
 * scripts/extract-openapi.mjs (add an operationId there when the App starts calling a new route).
 *
 * In nock-based App tests, call `useGitHubValidation()` once at the top of the test file: from
 * then on every request that a nock scope for https://api.github.com intercepts (GETs included)
 * has its route, path and query parameters and JSON body checked against the description, and
 * each test whose App sent an invalid request fails in an afterEach hook, listing the problems.
 * Interceptors are written as usual:
 *
 *   useGitHubValidation();
 *   nock('https://api.github.com')
 *     .post('/repos/acme/web/check-runs', (body) => body.name === 'Portcullis')
 *     .reply(201, { id: 1 });
 *
 * Without that hook, `githubApi()` (a validating `nock('https://api.github.com')`) and the body
 * matcher wrapper `expectValid(predicate?)` record problems one scope or interceptor at a time;
 * read them with `takeGitHubProblems()` or throw with `assertNoGitHubProblems()`.
 *
 * Invalid requests are recorded rather than made to fail the nock match: a non-matching
 * interceptor only shows up as "Nock: No match for request", far from the cause. A request that
 * matches no interceptor at all is not seen here (nock already makes it fail).
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import nock from 'nock';
import { formatAjvErrors } from './github-webhooks.js';

export const GITHUB_API = 'https://api.github.com';
const FIXTURE_URL = new URL('../fixtures/github-openapi-operations.json', import.meta.url);
/** Path parameters that may hold slashes when a client does not percent-encode them. */
const MULTI_SEGMENT_PARAMS = new Set(['path', 'ref']);

type JsonSchema = Record<string, unknown>;

export interface GitHubParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
}

export interface GitHubOperation {
  method: string;
  path: string;
  parameters: GitHubParameter[];
  requestBody?: { required: boolean; contentType: string; schema: JsonSchema };
  successStatuses: number[];
  /** 2xx response schemas by status, for those small enough to keep. */
  responses: Record<string, JsonSchema>;
}

interface OperationsFixture {
  source: { package: string; openapi: string };
  schemaDialect: string;
  operations: Record<string, GitHubOperation>;
}

interface CompiledOperation {
  id: string;
  operation: GitHubOperation;
  pattern: RegExp;
  paramNames: string[];
  literalLength: number;
}

export interface MatchedOperation {
  operationId: string;
  operation: GitHubOperation;
  pathParams: Record<string, string>;
  query: URLSearchParams;
}

let fixture: OperationsFixture | undefined;
let compiledOperations: CompiledOperation[] | undefined;
let ajv: Ajv2020 | undefined;
let coercingAjv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction>();

function loadFixture(): OperationsFixture {
  if (!fixture) {
    fixture = JSON.parse(readFileSync(FIXTURE_URL, 'utf8')) as OperationsFixture;
    if (fixture.schemaDialect !== 'https://json-schema.org/draft/2020-12/schema') {
      throw new Error(
        `unexpected schema dialect ${fixture.schemaDialect}: re-run scripts/extract-openapi.mjs`,
      );
    }
  }
  return fixture;
}

function makeAjv(coerceTypes: boolean): Ajv2020 {
  const instance = new Ajv2020({ strict: false, allErrors: true, logger: false, coerceTypes });
  addFormats.default(instance);
  return instance;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileOperations(): CompiledOperation[] {
  if (!compiledOperations) {
    compiledOperations = Object.entries(loadFixture().operations).map(([id, operation]) => {
      const paramNames: string[] = [];
      let literalLength = 0;
      const source = operation.path
        .split(/(\{[^}]+\})/)
        .map((part) => {
          const param = /^\{([^}]+)\}$/.exec(part)?.[1];
          if (!param) {
            literalLength += part.length;
            return escapeRegExp(part);
          }
          paramNames.push(param);
          return MULTI_SEGMENT_PARAMS.has(param) ? '(.+)' : '([^/]+)';
        })
        .join('');
      return { id, operation, pattern: new RegExp(`^${source}/?$`), paramNames, literalLength };
    });
  }
  return compiledOperations;
}

function splitUrl(url: string): { pathname: string; query: URLSearchParams } | string {
  let rest = url;
  if (/^[a-z]+:\/\//i.test(rest)) {
    const parsed = new URL(rest);
    if (parsed.origin !== GITHUB_API) return `request to ${parsed.origin}, not ${GITHUB_API}`;
    rest = `${parsed.pathname}${parsed.search}`;
  }
  const queryStart = rest.indexOf('?');
  const pathname = queryStart === -1 ? rest : rest.slice(0, queryStart);
  const query = new URLSearchParams(queryStart === -1 ? '' : rest.slice(queryStart + 1));
  return { pathname: pathname.startsWith('/') ? pathname : `/${pathname}`, query };
}

/**
 * The operation a request goes to, or a problem saying why none does. `url` is a path
 * (`/repos/acme/web/pulls/7?per_page=100`) or a full URL on api.github.com.
 */
export function findGitHubOperation(method: string, url: string): MatchedOperation | string {
  const parts = splitUrl(url);
  if (typeof parts === 'string') return parts;
  const upper = method.toUpperCase();
  const candidates = compileOperations()
    .map((compiled) => ({ compiled, match: compiled.pattern.exec(parts.pathname) }))
    .filter((c): c is { compiled: CompiledOperation; match: RegExpExecArray } => c.match !== null);
  const sameMethod = candidates
    .filter((c) => c.compiled.operation.method === upper)
    .sort((a, b) => b.compiled.literalLength - a.compiled.literalLength);
  const best = sameMethod[0];
  if (!best) {
    const others = candidates.map((c) => `${c.compiled.operation.method} ${c.compiled.id}`);
    return (
      `${upper} ${parts.pathname}: request to an operation not in the extracted fixture: add its operationId ` +
      `to scripts/extract-openapi.mjs${others.length > 0 ? ` (the path matches ${others.join(', ')})` : ''}`
    );
  }
  const pathParams: Record<string, string> = {};
  best.compiled.paramNames.forEach((name, index) => {
    const raw = best.match[index + 1] ?? '';
    try {
      pathParams[name] = decodeURIComponent(raw);
    } catch {
      pathParams[name] = raw;
    }
  });
  return {
    operationId: best.compiled.id,
    operation: best.compiled.operation,
    pathParams,
    query: parts.query,
  };
}

function cachedValidator(key: string, schema: JsonSchema, coerce = false): ValidateFunction {
  const cacheKey = `${coerce ? 'coerce:' : ''}${key}`;
  let validate = validators.get(cacheKey);
  if (!validate) {
    coercingAjv ??= makeAjv(true);
    ajv ??= makeAjv(false);
    const instance = coerce ? coercingAjv : ajv;
    validate = instance.compile(schema);
    validators.set(cacheKey, validate);
  }
  return validate;
}

function validateParameters(label: string, matched: MatchedOperation): string[] {
  const { operation, pathParams, query } = matched;
  const values: Record<string, string | string[]> = {};
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const parameter of operation.parameters) {
    const key = `${parameter.in}:${parameter.name}`;
    properties[key] = parameter.schema;
    if (parameter.required) required.push(key);
    if (parameter.in === 'path' && parameter.name in pathParams) {
      values[key] = pathParams[parameter.name] ?? '';
    } else if (parameter.in === 'query' && query.has(parameter.name)) {
      const all = query.getAll(parameter.name);
      values[key] = all.length === 1 && parameter.schema.type !== 'array' ? (all[0] ?? '') : all;
    }
  }
  const validate = cachedValidator(
    `params:${matched.operationId}`,
    { type: 'object', properties, required },
    true,
  );
  // Coercion rewrites the object it validates, so hand it a copy.
  if (validate({ ...values })) return [];
  return formatAjvErrors(`${label} parameter`, validate.errors).map((problem) =>
    problem.replace(/parameter \/(path|query):/, 'parameter $1 '),
  );
}

function parseBody(body: unknown): { value: unknown; present: boolean } | string {
  if (body === undefined || body === null || body === '') return { value: undefined, present: false };
  if (Buffer.isBuffer(body)) return parseBody(body.toString('utf8'));
  if (typeof body !== 'string') return { value: body, present: true };
  try {
    return { value: JSON.parse(body), present: true };
  } catch {
    return `request body is not JSON: ${body.length > 80 ? `${body.slice(0, 80)}…` : body}`;
  }
}

/**
 * Problems with a request the App sends to GitHub (an empty list when it is valid): an operation
 * not in the fixture, path or query parameters of the wrong type or missing, or a JSON body that
 * does not match the operation's request body schema. `body` is the parsed JSON, its text, or
 * undefined/'' for none.
 */
export function validateGitHubRequest(method: string, url: string, body: unknown): string[] {
  const matched = findGitHubOperation(method, url);
  if (typeof matched === 'string') return [matched];
  const label = `${method.toUpperCase()} ${url.replace(GITHUB_API, '')} (${matched.operationId})`;
  const problems = validateParameters(label, matched);
  const parsed = parseBody(body);
  if (typeof parsed === 'string') return [...problems, `${label}: ${parsed}`];
  const { requestBody } = matched.operation;
  if (!requestBody) {
    if (parsed.present) problems.push(`${label}: sends a body, but the operation takes none`);
    return problems;
  }
  if (!parsed.present) {
    if (requestBody.required) problems.push(`${label}: the operation requires a request body`);
    return problems;
  }
  const validate = cachedValidator(`body:${matched.operationId}`, requestBody.schema);
  if (!validate(parsed.value)) problems.push(...formatAjvErrors(`${label} request body`, validate.errors));
  return problems;
}

/** Throws an Error listing the problems of a request, if it has any. */
export function assertValidGitHubRequest(method: string, url: string, body: unknown): void {
  const problems = validateGitHubRequest(method, url, body);
  if (problems.length > 0) {
    throw new Error(`invalid GitHub request:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * Problems with a mocked GitHub response (opt-in: mocks are often partial on purpose): the body
 * checked against the operation's 2xx response schema, when the fixture kept it.
 */
export function validateGitHubResponse(method: string, url: string, status: number, body: unknown): string[] {
  const matched = findGitHubOperation(method, url);
  if (typeof matched === 'string') return [matched];
  const label = `${method.toUpperCase()} ${url.replace(GITHUB_API, '')} (${matched.operationId}) ${status} response`;
  if (!matched.operation.successStatuses.includes(status)) {
    return [`${label}: not a documented success status (${matched.operation.successStatuses.join(', ')})`];
  }
  const schema = matched.operation.responses[String(status)];
  if (!schema) return [];
  const validate = cachedValidator(`response:${matched.operationId}:${status}`, schema);
  return validate(body) ? [] : formatAjvErrors(`${label} body`, validate.errors);
}

// ---------------------------------------------------------------------------------------------
// Recording for nock-based tests.

const recorded = new Set<string>();

function record(problems: string[]): void {
  for (const problem of problems) recorded.add(problem);
}

/** The problems recorded since the last call, which clears them. */
export function takeGitHubProblems(): string[] {
  const problems = [...recorded];
  recorded.clear();
  return problems;
}

/** Throws if any problem was recorded since the last check (and clears them either way). */
export function assertNoGitHubProblems(): void {
  const problems = takeGitHubProblems();
  if (problems.length > 0) {
    throw new Error(`the App sent invalid requests to GitHub:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * Validates every request to api.github.com that any nock scope of this test file intercepts,
 * plain `nock('https://api.github.com')` ones included, and fails each test whose App sent an
 * invalid request (checked in an afterEach hook). Call it once, at the top of a test file or
 * describe block.
 */
export function useGitHubValidation(): void {
  validateAllGitHubScopes();
  beforeEach(() => {
    recorded.clear();
  });
  afterEach(() => {
    assertNoGitHubProblems();
  });
}

/** Marks a scope that records its requests (an own property: scopes share one prototype). */
const WATCHED = Symbol.for('portcullis.github-openapi.watched');
/** Marks nock's Scope prototype once its `intercept` is wrapped. */
const PATCHED = Symbol.for('portcullis.github-openapi.patched');
/** How nock spells the base path of a scope made for GITHUB_API. */
const NOCK_BASE_PATH = `${GITHUB_API}:443`;

type WatchableScope = nock.Scope & { [WATCHED]?: true; basePath?: unknown };

function watchScope(scope: WatchableScope): void {
  if (Object.hasOwn(scope, WATCHED)) return;
  scope[WATCHED] = true;
  scope.on('request', (req: { method?: string; path?: string }, _interceptor: unknown, body: string) => {
    record(validateGitHubRequest(req.method ?? 'GET', req.path ?? '/', body));
  });
}

/**
 * Makes every nock scope for api.github.com (in this test file: jest gives each its own nock)
 * validate and record the requests it intercepts, by wrapping nock's `Scope#intercept`, which all
 * of `.get()`, `.post()`, `.patch()`, ... go through. `useGitHubValidation` calls it.
 */
export function validateAllGitHubScopes(): void {
  const prototype = Object.getPrototypeOf(nock(GITHUB_API)) as {
    intercept: (this: WatchableScope, ...args: unknown[]) => nock.Interceptor;
    [PATCHED]?: true;
  };
  if (prototype[PATCHED]) return;
  prototype[PATCHED] = true;
  const intercept = prototype.intercept;
  prototype.intercept = function (this: WatchableScope, ...args: unknown[]): nock.Interceptor {
    if (this.basePath === NOCK_BASE_PATH) watchScope(this);
    return intercept.apply(this, args);
  };
}

/**
 * `nock('https://api.github.com')`, validating every request it intercepts and recording the
 * problems (see `useGitHubValidation`). Interceptors and replies are written as with plain nock.
 */
export function githubApi(options?: nock.Options): nock.Scope {
  const scope: WatchableScope = nock(GITHUB_API, options);
  watchScope(scope);
  return scope;
}

/** The request options nock binds `this` to when it calls a body matcher. */
interface NockRequestOptions {
  method?: string;
  path?: string;
}

/**
 * A nock body matcher (for `.post(path, matcher)`, `.patch(path, matcher)`, ...) that validates
 * the body against the operation of the request's own method and path, records the problems, and
 * matches as `predicate` says (always when there is none).
 */
// biome-ignore lint/suspicious/noExplicitAny: nock hands body matchers the parsed JSON untyped.
export function expectValid(predicate?: (body: any) => boolean): (body: any) => boolean {
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  return function (this: NockRequestOptions | undefined, body: any): boolean {
    if (this?.method && this.path) {
      record(validateGitHubRequest(this.method, this.path, body));
    } else {
      record(['expectValid: nock did not pass the request options, so the body could not be validated']);
    }
    return predicate ? predicate(body) : true;
  };
}
