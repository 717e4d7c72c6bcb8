/**
 * The JSON the `opa` binary prints (`check`, `test`, `inspect`, `capabilities`, a bundle's
 * data.json), with a schema for the fields read, so a different OPA release or a broken run
 * is an error naming the command rather than a TypeError in the caller.
 */
import { checkJson, type JsonSchema, parseJson } from '../schema/parse-json.js';

const STRING = { type: 'string' };
const LOCATION = {
  type: 'object',
  required: ['file', 'row'],
  properties: { file: STRING, row: { type: 'integer' } },
};

/** `opa check --format json`: the errors, each with OPA's code and, mostly, a location. */
export interface OpaCheckReport {
  errors?: { code: string; message: string; location?: { file: string; row: number } }[];
}
const CHECK_REPORT: JsonSchema<OpaCheckReport> = {
  type: 'object',
  properties: {
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: STRING, message: STRING, location: LOCATION },
      },
    },
  },
};

/** The report, or why the text is not one (then the caller falls back to OPA's text). */
export function checkOpaCheckReport(text: string): { value: OpaCheckReport } | { problem: string } {
  return checkJson(text, CHECK_REPORT);
}

/** `opa test --format json`: one entry per test. */
export interface OpaTestResult {
  location: { file: string; row: number };
  package: string;
  name: string;
  fail?: boolean;
  error?: { message?: string };
  /** What the test printed, base64. */
  output?: string;
}
const TEST_REPORT: JsonSchema<OpaTestResult[]> = {
  type: 'array',
  items: {
    type: 'object',
    required: ['location', 'package', 'name'],
    properties: {
      location: LOCATION,
      package: STRING,
      name: STRING,
      fail: { type: 'boolean' },
      error: { type: 'object', properties: { message: STRING } },
      output: STRING,
    },
  },
};

export function checkOpaTestReport(text: string): { value: OpaTestResult[] } | { problem: string } {
  return checkJson(text, TEST_REPORT);
}

/** `opa inspect -a --format json`: the `# METADATA` annotations with where they apply. */
export interface OpaInspectOutput {
  annotations?: {
    annotations: { title?: string; description?: string; scope?: string; custom?: Record<string, unknown> };
    location: { file: string; row?: number };
    path: { value: string }[];
  }[];
}
const INSPECT_OUTPUT: JsonSchema<OpaInspectOutput> = {
  type: 'object',
  properties: {
    annotations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['annotations', 'location', 'path'],
        properties: {
          annotations: {
            type: 'object',
            properties: { title: STRING, description: STRING, scope: STRING, custom: { type: 'object' } },
          },
          location: {
            type: 'object',
            required: ['file'],
            properties: { file: STRING, row: { type: 'integer' } },
          },
          path: {
            type: 'array',
            items: { type: 'object', required: ['value'], properties: { value: STRING } },
          },
        },
      },
    },
  },
};

export function parseOpaInspectOutput(text: string): OpaInspectOutput {
  return parseJson(text, INSPECT_OUTPUT, 'opa inspect output');
}

/** `opa capabilities` and the WebAssembly SDK's capabilities.json: the built-ins. */
export interface OpaCapabilities {
  builtins: { name: string; nondeterministic?: boolean }[];
}
const CAPABILITIES: JsonSchema<OpaCapabilities> = {
  type: 'object',
  required: ['builtins'],
  properties: {
    builtins: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        properties: { name: STRING, nondeterministic: { type: 'boolean' } },
      },
    },
  },
};

export function parseOpaCapabilities(text: string, source: string): OpaCapabilities {
  return parseJson(text, CAPABILITIES, source);
}

/** A bundle's data.json: any document, as long as it is an object (it is `data`). */
const BUNDLE_DATA: JsonSchema<Record<string, unknown>> = { type: 'object' };

export function parseBundleData(text: string, source: string): Record<string, unknown> {
  return parseJson(text, BUNDLE_DATA, source);
}
