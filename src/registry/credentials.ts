/**
 * Registry credentials from the environment: `PORTCULLIS_REGISTRY_AUTH` and Docker's
 * `config.json`. Credential helpers (`credsStore`, `credHelpers`) are not run: they are
 * programs on the user's machine, and a gate that runs in CI should get its secrets from
 * the CI's secret store through the environment instead.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_HUB } from '../image/reference.js';
import { checkJson, type JsonSchema } from '../schema/parse-json.js';
import { type Settings, settings } from '../settings.js';
import { RegistryError } from './errors.js';

/**
 * `username`/`password` go to the registry (Basic) or to its token server (which returns a
 * bearer token); a `token` is sent as is as a bearer token, like Docker's `registrytoken`.
 */
export type RegistryCredential = { username: string; password: string } | { token: string };

/** Keyed by registry host as image references name it: `docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
export type RegistryCredentials = Record<string, RegistryCredential>;

export const REGISTRY_AUTH_VARIABLE = 'PORTCULLIS_REGISTRY_AUTH';

/**
 * Reads Docker's config (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`), then
 * `PORTCULLIS_REGISTRY_AUTH` (JSON: `{"host": {"username": …, "password": …} | {"token": …}}`),
 * which wins for a host both name. Error messages name the source, never its content.
 */
export function registryCredentialsFromEnv(from: Settings = settings()): RegistryCredentials {
  const credentials: RegistryCredentials = {};
  const dockerConfig = join(from.dockerConfig ?? join(from.home ?? homedir(), '.docker'), 'config.json');
  const dockerText = readOptional(dockerConfig);
  if (dockerText !== null) Object.assign(credentials, fromDockerConfig(dockerText, dockerConfig));
  const own = from.registryAuth;
  if (own !== undefined && own.trim() !== '') Object.assign(credentials, fromPortcullisVariable(own));
  return credentials;
}

/** The key a host's credentials are filed under: Docker Hub's many names become `docker.io`. */
export function registryCredentialKey(host: string): string {
  const bare = host
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
  return bare === 'index.docker.io' || bare === 'registry-1.docker.io' ? DOCKER_HUB : bare;
}

/** PORTCULLIS_REGISTRY_AUTH: `{"host": {"username": "…", "password": "…"}}` or `{"host": {"token": "…"}}`. */
const PORTCULLIS_AUTH: JsonSchema<Record<string, { token?: string; username?: string; password?: string }>> =
  {
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: { token: { type: 'string' }, username: { type: 'string' }, password: { type: 'string' } },
    },
  };

function fromPortcullisVariable(text: string): RegistryCredentials {
  const invalid = (why: string) =>
    new RegistryError('invalid_credentials', `${REGISTRY_AUTH_VARIABLE} is not usable: ${why}`);
  const checked = checkJson(text, PORTCULLIS_AUTH);
  if ('problem' in checked) {
    // The problem names keys and types only, never a value: those are secrets.
    throw invalid(
      checked.problem === 'it is not JSON'
        ? 'it is not valid JSON (expected {"host": {"username": "…", "password": "…"}})'
        : checked.problem.startsWith('the document')
          ? 'expected a JSON object keyed by registry host'
          : `${checked.problem} (expected {"host": {"username": "…", "password": "…"}})`,
    );
  }
  const credentials: RegistryCredentials = {};
  for (const [host, entry] of Object.entries(checked.value)) {
    if (entry.token) {
      credentials[registryCredentialKey(host)] = { token: entry.token };
    } else if (entry.username !== undefined && entry.password !== undefined) {
      credentials[registryCredentialKey(host)] = { username: entry.username, password: entry.password };
    } else {
      throw invalid(`the entry for ${host} needs "username" and "password", or "token"`);
    }
  }
  return credentials;
}

/** Docker's config.json, the part read: `auths` by host. Other keys (credsStore, proxies…) are Docker's. */
const DOCKER_CONFIG: JsonSchema<{
  auths?: Record<string, { registrytoken?: string; auth?: string; username?: string; password?: string }>;
}> = {
  type: 'object',
  properties: {
    auths: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: {
          registrytoken: { type: 'string' },
          auth: { type: 'string' },
          username: { type: 'string' },
          password: { type: 'string' },
        },
      },
    },
  },
};

function fromDockerConfig(text: string, path: string): RegistryCredentials {
  const checked = checkJson(text, DOCKER_CONFIG);
  if ('problem' in checked) {
    throw new RegistryError(
      'invalid_credentials',
      checked.problem === 'it is not JSON'
        ? `Docker config ${path} is not valid JSON`
        : `Docker config ${path} is not usable: ${checked.problem}`,
    );
  }
  const credentials: RegistryCredentials = {};
  for (const [host, entry] of Object.entries(checked.value.auths ?? {})) {
    const key = registryCredentialKey(host);
    if (entry.registrytoken) {
      credentials[key] = { token: entry.registrytoken };
    } else if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw new RegistryError(
          'invalid_credentials',
          `Docker config ${path}: the "auth" of ${host} is not user:password`,
        );
      }
      credentials[key] = { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    } else if (entry.username !== undefined && entry.password !== undefined) {
      credentials[key] = { username: entry.username, password: entry.password };
    }
    // An `identitytoken` alone needs Docker's OAuth refresh flow; without it the host stays anonymous.
  }
  return credentials;
}

function readOptional(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new RegistryError('invalid_credentials', `cannot read Docker config ${path}`);
  }
}
