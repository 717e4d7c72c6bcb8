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
import { RegistryError } from './errors.js';
import { isObject } from './manifest.js';

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
export function registryCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): RegistryCredentials {
  const credentials: RegistryCredentials = {};
  const dockerConfig = join(env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), '.docker'), 'config.json');
  const dockerText = readOptional(dockerConfig);
  if (dockerText !== null) Object.assign(credentials, fromDockerConfig(dockerText, dockerConfig));
  const own = env[REGISTRY_AUTH_VARIABLE];
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

function fromPortcullisVariable(text: string): RegistryCredentials {
  // JSON.parse's message quotes the text around the fault, so it must not reach the user.
  const invalid = (why: string) =>
    new RegistryError('invalid_credentials', `${REGISTRY_AUTH_VARIABLE} is not usable: ${why}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid('it is not valid JSON (expected {"host": {"username": "…", "password": "…"}})');
  }
  if (!isObject(json)) throw invalid('expected a JSON object keyed by registry host');
  const credentials: RegistryCredentials = {};
  for (const [host, entry] of Object.entries(json)) {
    if (isObject(entry) && typeof entry.token === 'string' && entry.token !== '') {
      credentials[registryCredentialKey(host)] = { token: entry.token };
    } else if (isObject(entry) && typeof entry.username === 'string' && typeof entry.password === 'string') {
      credentials[registryCredentialKey(host)] = { username: entry.username, password: entry.password };
    } else {
      throw invalid(`the entry for ${host} needs "username" and "password", or "token"`);
    }
  }
  return credentials;
}

function fromDockerConfig(text: string, path: string): RegistryCredentials {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RegistryError('invalid_credentials', `Docker config ${path} is not valid JSON`);
  }
  if (!isObject(json) || !isObject(json.auths)) return {};
  const credentials: RegistryCredentials = {};
  for (const [host, entry] of Object.entries(json.auths)) {
    if (!isObject(entry)) continue;
    const key = registryCredentialKey(host);
    if (typeof entry.registrytoken === 'string' && entry.registrytoken !== '') {
      credentials[key] = { token: entry.registrytoken };
    } else if (typeof entry.auth === 'string' && entry.auth !== '') {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw new RegistryError(
          'invalid_credentials',
          `Docker config ${path}: the "auth" of ${host} is not user:password`,
        );
      }
      credentials[key] = { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    } else if (typeof entry.username === 'string' && typeof entry.password === 'string') {
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
