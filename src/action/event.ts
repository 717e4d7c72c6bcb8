/** The workflow's event, as the runner wrote it to GITHUB_EVENT_PATH: only what the action reads of it, validated. */
import { readFileSync } from 'node:fs';
import { type JsonSchema, parseJson } from '../schema/parse-json.js';

export interface PullRequestEvent {
  pull_request: { number: number; head: { sha: string }; base: { sha: string } };
  repository: { name: string; owner: { login: string } };
}

export interface PushEvent {
  /** The branch's commit before the push; all zeros for a new branch. */
  before?: string;
}

const SHA = { type: 'string', pattern: '^[0-9a-f]{40}$' };

const PULL_REQUEST_EVENT: JsonSchema<PullRequestEvent> = {
  type: 'object',
  required: ['pull_request', 'repository'],
  properties: {
    pull_request: {
      type: 'object',
      required: ['number', 'head', 'base'],
      properties: {
        number: { type: 'integer', minimum: 1 },
        head: { type: 'object', required: ['sha'], properties: { sha: SHA } },
        base: { type: 'object', required: ['sha'], properties: { sha: SHA } },
      },
    },
    repository: {
      type: 'object',
      required: ['name', 'owner'],
      properties: {
        name: { type: 'string', minLength: 1 },
        owner: {
          type: 'object',
          required: ['login'],
          properties: { login: { type: 'string', minLength: 1 } },
        },
      },
    },
  },
};

const PUSH_EVENT: JsonSchema<PushEvent> = {
  type: 'object',
  properties: { before: SHA },
};

export function readPullRequestEvent(path: string): PullRequestEvent {
  return parseJson(readFileSync(path), PULL_REQUEST_EVENT, `the event payload ${path}`);
}

export function readPushEvent(path: string): PushEvent {
  return parseJson(readFileSync(path), PUSH_EVENT, `the event payload ${path}`);
}
