import { inspect } from 'node:util';
import { ENVIRONMENT_VARIABLES, loadSettings, SettingsError } from './settings.js';

const problems = (env: Record<string, string>): string[] => {
  try {
    loadSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadSettings', () => {
  it('gives the documented defaults for an empty environment', () => {
    const s = loadSettings({});
    expect(s).toMatchObject({
      port: 3000,
      host: 'localhost',
      webhookPath: '/api/github/webhooks',
      logLevel: 'info',
      offline: false,
      build: false,
      buildApprovalLabel: 'portcullis/build-approved',
      buildNetwork: 'none',
      buildTimeoutSeconds: 600,
      buildConcurrency: 1,
      checkTimeoutMinutes: 10,
      insecureRegistries: [],
      noColor: false,
    });
    expect(s.appId).toBeUndefined();
    expect(s.cacheDir).toBeUndefined();
  });

  it('reads booleans as 1, 0, true or false, lists split at commas, numbers in range', () => {
    const s = loadSettings({
      PORTCULLIS_BUILD: 'true',
      PORTCULLIS_OFFLINE: '1',
      PORTCULLIS_SCAN_REFERENCES: '0',
      PORTCULLIS_INSECURE_REGISTRIES: ' 127.0.0.1:5000, ,registry.local ',
      PORT: '65535',
      PORTCULLIS_CHECK_TIMEOUT_MINUTES: '0.5',
      PORTCULLIS_BUILD_NETWORK: 'host',
      APP_ID: '42',
    });
    expect(s).toMatchObject({
      build: true,
      offline: true,
      scanReferences: false,
      insecureRegistries: ['127.0.0.1:5000', 'registry.local'],
      port: 65535,
      checkTimeoutMinutes: 0.5,
      buildNetwork: 'host',
      appId: 42,
    });
  });

  it('counts an empty value as unset', () => {
    expect(loadSettings({ PORT: '', PORTCULLIS_CACHE_DIR: '', PORTCULLIS_BUILD: '' })).toMatchObject({
      port: 3000,
      cacheDir: undefined,
      build: false,
    });
  });

  it('refuses a bad value, naming every variable and what it expects', () => {
    expect(
      problems({
        PORT: '70000',
        PORTCULLIS_BUILD: 'yes',
        PORTCULLIS_BUILD_TIMEOUT: '10m',
        PORTCULLIS_BUILD_NETWORK: 'bridge',
        PORTCULLIS_CHECK_TIMEOUT_MINUTES: '-1',
        PORTCULLIS_DOCS_URL: 'javascript:alert(1)',
        APP_ID: 'my-app',
      }),
    ).toEqual([
      'APP_ID must be a whole number from 1 to 9007199254740991 (got "my-app")',
      'PORT must be a whole number from 1 to 65535 (got "70000")',
      'PORTCULLIS_BUILD must be 1, 0, true or false (got "yes")',
      'PORTCULLIS_BUILD_NETWORK must be one of none, host (got "bridge")',
      'PORTCULLIS_BUILD_TIMEOUT must be a whole number from 1 to 86400 (got "10m")',
      'PORTCULLIS_DOCS_URL must be an http(s) URL (got "javascript:alert(1)")',
      'PORTCULLIS_CHECK_TIMEOUT_MINUTES must be a number greater than 0 (got "-1")',
    ]);
    expect(() => loadSettings({ PORT: '0' })).toThrow(
      'PORT must be a whole number from 1 to 65535 (got "0")',
    );
  });

  it('never shows a secret: not in errors, JSON or inspect', () => {
    const canary = 'canary-5e3c-secret';
    const s = loadSettings({ WEBHOOK_SECRET: canary, PRIVATE_KEY: canary, PORTCULLIS_REGISTRY_AUTH: canary });
    expect(s.webhookSecret).toBe(canary);
    expect(JSON.stringify(s)).not.toContain(canary);
    expect(JSON.stringify(s)).toContain('"webhookSecret":"[redacted]"');
    expect(inspect(s)).not.toContain(canary);
    expect(`${inspect({ nested: s })}`).not.toContain(canary);
  });

  it('is frozen: the process reads its settings once', () => {
    const s = loadSettings({});
    expect(Object.isFrozen(s)).toBe(true);
  });
});

describe('ENVIRONMENT_VARIABLES', () => {
  it('names each variable once, each with a description', () => {
    const names = ENVIRONMENT_VARIABLES.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const v of ENVIRONMENT_VARIABLES) expect(v.description).toMatch(/\.$/);
  });
});
