import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { loadSettings } from '../settings.js';
import { registryCredentialsFromEnv } from './credentials.js';
import { RegistryError } from './errors.js';

const folders: string[] = [];
function dockerConfig(json: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-docker-config-'));
  folders.push(dir);
  writeFileSync(join(dir, 'config.json'), typeof json === 'string' ? json : JSON.stringify(json));
  return dir;
}
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const nowhere = { HOME: '/nonexistent-home' };
const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('registryCredentialsFromEnv', () => {
  test('nothing configured: no credentials', () => {
    expect(registryCredentialsFromEnv(loadSettings(nowhere))).toEqual({});
  });

  test('PORTCULLIS_REGISTRY_AUTH: username/password or token, hosts normalised', () => {
    const env = {
      ...nowhere,
      PORTCULLIS_REGISTRY_AUTH: JSON.stringify({
        'ghcr.io': { username: 'octo', password: 'ghp_secret' },
        'https://index.docker.io/v1/': { token: 'dckr_pat_x' },
        '127.0.0.1:5000': { username: 'alice', password: 'pw' },
      }),
    };
    expect(registryCredentialsFromEnv(loadSettings(env))).toEqual({
      'ghcr.io': { username: 'octo', password: 'ghp_secret' },
      'docker.io': { token: 'dckr_pat_x' },
      '127.0.0.1:5000': { username: 'alice', password: 'pw' },
    });
  });

  test("Docker's config.json auths from DOCKER_CONFIG, overridden per host by PORTCULLIS_REGISTRY_AUTH", () => {
    const dir = dockerConfig({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass:with:colons') },
        'quay.io': { auth: b64('q:qpass') },
        'ghcr.io': { auth: b64('old:old') },
        'identity.example.com': { identitytoken: 'refresh-token' },
      },
      credsStore: 'desktop',
    });
    const env = {
      ...nowhere,
      DOCKER_CONFIG: dir,
      PORTCULLIS_REGISTRY_AUTH: JSON.stringify({ 'ghcr.io': { token: 'new' } }),
    };
    expect(registryCredentialsFromEnv(loadSettings(env))).toEqual({
      'docker.io': { username: 'hubuser', password: 'hub:pass:with:colons' },
      'quay.io': { username: 'q', password: 'qpass' },
      'ghcr.io': { token: 'new' },
    });
  });

  test('~/.docker/config.json when DOCKER_CONFIG is unset', () => {
    const home = mkdtempSync(join(tmpdir(), 'portcullis-home-'));
    folders.push(home);
    mkdirSync(join(home, '.docker'));
    writeFileSync(
      join(home, '.docker', 'config.json'),
      JSON.stringify({ auths: { 'gcr.io': { auth: b64('_json_key:k') } } }),
    );
    expect(registryCredentialsFromEnv(loadSettings({ HOME: home }))).toEqual({
      'gcr.io': { username: '_json_key', password: 'k' },
    });
  });

  test('malformed configuration: an error naming the source, never echoing its content', () => {
    const secret = 'sup3r-s3cret-value';
    const bad = [
      { ...nowhere, PORTCULLIS_REGISTRY_AUTH: `{"ghcr.io": {"password": "${secret}"` },
      { ...nowhere, PORTCULLIS_REGISTRY_AUTH: JSON.stringify({ 'ghcr.io': { password: secret } }) },
      { ...nowhere, DOCKER_CONFIG: dockerConfig(`{"auths": {"x.io": {"auth": "${secret}"`) },
      { ...nowhere, DOCKER_CONFIG: dockerConfig({ auths: { 'x.io': { auth: b64(secret) } } }) },
    ];
    const messages = bad.map((env) => {
      try {
        registryCredentialsFromEnv(loadSettings(env));
      } catch (error) {
        expect(error).toBeInstanceOf(RegistryError);
        expect((error as RegistryError).code).toBe('invalid_credentials');
        return (error as Error).message;
      }
      throw new Error('expected an error');
    });
    expect(messages[0]).toBe(
      'PORTCULLIS_REGISTRY_AUTH is not usable: it is not valid JSON (expected {"host": {"username": "…", "password": "…"}})',
    );
    expect(messages[1]).toBe(
      'PORTCULLIS_REGISTRY_AUTH is not usable: the entry for ghcr.io needs "username" and "password", or "token"',
    );
    expect(messages[2]).toMatch(/^Docker config .*config\.json is not valid JSON$/);
    expect(messages[3]).toMatch(/: the "auth" of x\.io is not user:password$/);
    for (const message of messages) expect(message).not.toContain(secret);
  });
});
