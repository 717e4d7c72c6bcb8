/**
 * GitHub's GraphQL API (POST https://api.github.com/graphql) faked with nock, with every request
 * validated against GitHub's public schema from @octokit/graphql-schema: the document (fields,
 * arguments, fragments on the right types) and the variables (declared types, enums, non-null).
 *
 *   useGitHubGraphQLValidation();               // once per test file: a test fails on an invalid request
 *   const requests = fakeGitHubGraphQL((request) => ({ data: {...} }));
 *
 * GraphQL is not in the REST OpenAPI description that test/support/github-openapi.ts checks every
 * api.github.com scope against. Its scope must still be an api.github.com one (nock looks for a
 * request's interceptors in the first scope whose origin matches), so it carries the mark by which
 * that module recognises a scope it already watches, and is validated here instead.
 */
import { schema as githubSchemaSource } from '@octokit/graphql-schema';
import {
  buildClientSchema,
  type GraphQLSchema,
  getVariableValues,
  type IntrospectionQuery,
  Kind,
  type OperationDefinitionNode,
  parse,
  validate,
} from 'graphql';
import nock from 'nock';

export interface GraphQLRequest {
  query: string;
  variables: Record<string, unknown>;
  /** The name of the document's operation (`query PortcullisX(...)`), when it has one. */
  operationName?: string;
}

/** The mark of a scope that test/support/github-openapi.ts already validates (see its `WATCHED`). */
const REST_VALIDATION = Symbol.for('portcullis.github-openapi.watched');

let schema: GraphQLSchema | undefined;

/** GitHub's public GraphQL schema, built once (the loopback simulator executes queries against it). */
export function githubSchema(): GraphQLSchema {
  schema ??= buildClientSchema(githubSchemaSource.json as IntrospectionQuery);
  return schema;
}

/** Problems with a GraphQL request (an empty list when GitHub's schema accepts it). */
export function validateGraphQLRequest(query: string, variables: Record<string, unknown> = {}): string[] {
  let document: ReturnType<typeof parse>;
  try {
    document = parse(query);
  } catch (error) {
    return [`GraphQL syntax error: ${(error as Error).message}`];
  }
  const problems = validate(githubSchema(), document).map((e) => `GraphQL: ${e.message}`);
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operations.length !== 1) problems.push(`GraphQL: expected one operation, found ${operations.length}`);
  const [operation] = operations;
  if (operation && problems.length === 0) {
    const coerced = getVariableValues(githubSchema(), operation.variableDefinitions ?? [], variables);
    for (const error of coerced.errors ?? []) problems.push(`GraphQL variables: ${error.message}`);
  }
  return problems;
}

const recorded: string[] = [];

/** Fails each test of the file whose App sent an invalid GraphQL request (in an afterEach hook). */
export function useGitHubGraphQLValidation(): void {
  beforeEach(() => {
    recorded.length = 0;
  });
  afterEach(() => {
    const problems = recorded.splice(0);
    if (problems.length > 0) {
      throw new Error(`the App sent invalid GraphQL requests to GitHub:\n  ${problems.join('\n  ')}`);
    }
  });
}

/**
 * Answers up to `times` GraphQL requests with `respond(request)` (a GraphQL response: `{ data }`
 * or `{ errors }`), after validating each; an invalid request gets GitHub's kind of error answer.
 * Returns the requests as they arrive.
 */
export function fakeGitHubGraphQL(
  respond: (request: GraphQLRequest) => unknown,
  times = 100,
): GraphQLRequest[] {
  const requests: GraphQLRequest[] = [];
  const scope = nock('https://api.github.com') as nock.Scope & { [REST_VALIDATION]?: true };
  scope[REST_VALIDATION] = true;
  scope
    .post('/graphql')
    .times(times)
    .reply(200, (_uri, body) => {
      const { query = '', variables = {} } = (typeof body === 'string' ? JSON.parse(body) : body) as {
        query?: string;
        variables?: Record<string, unknown>;
      };
      const problems = validateGraphQLRequest(query, variables);
      const operation = /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1];
      const request: GraphQLRequest = {
        query,
        variables,
        ...(operation ? { operationName: operation } : {}),
      };
      requests.push(request);
      if (problems.length > 0) {
        recorded.push(...problems);
        return { errors: problems.map((message) => ({ message })) } as nock.Body;
      }
      return respond(request) as nock.Body;
    });
  return requests;
}
