/**
 * Registry authentication: anonymous, Basic, and the bearer-token flow of the distribution
 * token spec (a 401 names a token server in `WWW-Authenticate: Bearer realm=…,service=…,
 * scope=…`; the client asks it for a token, with Basic credentials when it has some).
 *
 * The challenge of each registry is remembered, so after the first 401 a request for another
 * repository fetches its token up front instead of being refused first. Tokens are cached
 * per registry and scope until shortly before they expire.
 */

import { checkJson, type JsonSchema } from '../schema/parse-json.js';
import { type RegistryCredential, type RegistryCredentials, registryCredentialKey } from './credentials.js';
import { RegistryError } from './errors.js';
import { type HttpResponse, send, type TransportOptions } from './http.js';

export interface Challenge {
  scheme: 'basic' | 'bearer';
  realm: string | null;
  service: string | null;
  scope: string | null;
}

/** The first challenge of a WWW-Authenticate header (RFC 9110 §11.6.1), or null. */
export function parseChallenge(header: string | null): Challenge | null {
  const match = header?.match(/^\s*(Basic|Bearer)\b(.*)$/is);
  if (!match) return null;
  // No prototype: the names come from the registry's answer (`constructor=…` is just a name).
  const params: Record<string, string> = Object.create(null);
  for (const param of (match[2] ?? '').matchAll(/([A-Za-z_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g)) {
    const key = param[1]?.toLowerCase() ?? '';
    if (!(key in params)) params[key] = param[2]?.replace(/\\(.)/g, '$1') ?? param[3] ?? '';
  }
  return {
    scheme: match[1]?.toLowerCase() === 'basic' ? 'basic' : 'bearer',
    realm: params.realm ?? null,
    service: params.service ?? null,
    scope: params.scope ?? null,
  };
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** A token lives 60 s when the server does not say (token spec, `expires_in`). */
const DEFAULT_TOKEN_SECONDS = 60;
const TOKEN_RESPONSE_LIMIT = 1024 * 1024;

export class RegistryAuthenticator {
  readonly #credentials: RegistryCredentials;
  readonly #transport: TransportOptions;
  readonly #isInsecure: (host: string) => boolean;
  readonly #challenges = new Map<string, Challenge>();
  readonly #tokens = new Map<string, Promise<CachedToken>>();
  /** Every secret we hold or were handed, for redacting error messages. */
  readonly secrets = new Set<string>();

  constructor(
    credentials: RegistryCredentials,
    transport: TransportOptions,
    isInsecure: (host: string) => boolean,
  ) {
    this.#credentials = Object.fromEntries(
      Object.entries(credentials).map(([host, credential]) => [registryCredentialKey(host), credential]),
    );
    this.#transport = transport;
    this.#isInsecure = isInsecure;
    for (const credential of Object.values(this.#credentials)) {
      if ('token' in credential) this.secrets.add(credential.token);
      else {
        this.secrets.add(credential.password);
        this.secrets.add(basic(credential));
      }
    }
  }

  credential(registry: string): RegistryCredential | undefined {
    const key = registryCredentialKey(registry);
    // Own properties only: the host comes from a repository's file.
    return Object.hasOwn(this.#credentials, key) ? this.#credentials[key] : undefined;
  }

  /** The Authorization header to send up front, from what earlier answers taught us. */
  async authorization(registry: string, scope: string | null): Promise<string | undefined> {
    const credential = this.credential(registry);
    const challenge = this.#challenges.get(registry);
    if (credential && 'token' in credential) return `Bearer ${credential.token}`;
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') return credential ? `Basic ${basic(credential)}` : undefined;
    return `Bearer ${await this.#token(registry, challenge, scope)}`;
  }

  /**
   * After a 401: remembers the challenge and returns the header a second attempt should
   * carry, or undefined when a second attempt would send nothing new.
   */
  async retryAuthorization(
    registry: string,
    scope: string | null,
    response: HttpResponse,
    sent: string | undefined,
  ): Promise<string | undefined> {
    const challenge = parseChallenge(response.headers.get('www-authenticate'));
    if (!challenge) return undefined;
    this.#challenges.set(registry, { ...challenge, scope: null });
    const credential = this.credential(registry);
    let header: string | undefined;
    if (credential && 'token' in credential) header = `Bearer ${credential.token}`;
    else if (challenge.scheme === 'basic') header = credential ? `Basic ${basic(credential)}` : undefined;
    else {
      // Ask for the scope the registry names. Drop a cached token only if it is the one just
      // refused: concurrent first requests all get a 401 and must share one token request.
      const wanted = challenge.scope ?? scope;
      const key = tokenKey(registry, wanted);
      const cached = this.#tokens.get(key);
      const cachedToken = cached ? await cached.then((entry) => entry.token).catch(() => null) : null;
      if (cached && sent === `Bearer ${cachedToken}` && this.#tokens.get(key) === cached)
        this.#tokens.delete(key);
      header = `Bearer ${await this.#token(registry, challenge, wanted)}`;
    }
    return header !== sent ? header : undefined;
  }

  async #token(
    registry: string,
    challenge: Challenge,
    scope: string | null,
    renewing = false,
  ): Promise<string> {
    const key = tokenKey(registry, scope);
    let pending = this.#tokens.get(key);
    if (!pending) {
      // Shared by concurrent requests for the same scope, so they ask the token server once.
      const fetching = this.#fetchToken(registry, challenge, scope);
      pending = fetching;
      this.#tokens.set(key, fetching);
      fetching.catch(() => {
        if (this.#tokens.get(key) === fetching) this.#tokens.delete(key);
      });
    }
    const entry = await pending;
    if (entry.expiresAt > Date.now() || renewing) return entry.token;
    if (this.#tokens.get(key) === pending) this.#tokens.delete(key);
    return this.#token(registry, challenge, scope, true);
  }

  async #fetchToken(registry: string, challenge: Challenge, scope: string | null): Promise<CachedToken> {
    let realm: URL;
    try {
      realm = new URL(challenge.realm ?? '');
    } catch {
      throw new RegistryError(
        'server_error',
        `Registry ${registry} asked for a bearer token without a usable token server URL (realm)`,
        { registry },
      );
    }
    const peer = `token server ${realm.host} of registry ${registry}`;
    // Credentials and tokens cross the network in the clear over HTTP: only where the user said so.
    if (realm.protocol !== 'https:' && !(this.#isInsecure(registry) || this.#isInsecure(realm.host))) {
      throw new RegistryError(
        'unauthorized',
        `Registry ${registry} sends clients to a plain-HTTP ${peer}; refusing. List ${realm.host} in insecureRegistries if that is intended`,
        { registry },
      );
    }
    if (challenge.service) realm.searchParams.set('service', challenge.service);
    if (scope) realm.searchParams.set('scope', scope);
    const credential = this.credential(registry);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (credential && !('token' in credential)) headers.authorization = `Basic ${basic(credential)}`;
    const response = await send(
      { url: realm, headers, maxBytes: TOKEN_RESPONSE_LIMIT, peer, registry },
      this.#transport,
    );
    if (response.status === 401 || response.status === 403) {
      throw new RegistryError(
        'unauthorized',
        credential
          ? `The ${peer} answered ${response.status}: the credentials for ${registry} were rejected; check them (PORTCULLIS_REGISTRY_AUTH)`
          : `The ${peer} answered ${response.status} for ${scope ?? 'the registry'}: add credentials for ${registry} (PORTCULLIS_REGISTRY_AUTH)`,
        { registry, status: response.status },
      );
    }
    if (response.status !== 200) {
      throw new RegistryError('server_error', `The ${peer} answered ${response.status} to a token request`, {
        registry,
        status: response.status,
      });
    }
    const checked = checkJson(response.body, TOKEN_RESPONSE);
    const json = 'value' in checked ? checked.value : {};
    const token = json.token || json.access_token;
    if (!token) {
      // Not the problem itself: the body of a token response is a secret, and so may be its keys.
      throw new RegistryError('server_error', `The ${peer} answered without a token`, { registry });
    }
    this.secrets.add(token);
    const seconds =
      json.expires_in !== undefined && json.expires_in > 0 ? json.expires_in : DEFAULT_TOKEN_SECONDS;
    // Renew a little early, so a token does not expire between our check and the registry's.
    const margin = Math.min(10, seconds / 2);
    return { token, expiresAt: Date.now() + (seconds - margin) * 1000 };
  }
}

/** The distribution token spec: `token`, or OAuth's `access_token`, valid for `expires_in` seconds. */
const TOKEN_RESPONSE: JsonSchema<{ token?: string; access_token?: string; expires_in?: number }> = {
  type: 'object',
  properties: { token: { type: 'string' }, access_token: { type: 'string' }, expires_in: { type: 'number' } },
};

function tokenKey(registry: string, scope: string | null): string {
  return `${registry} ${scope ?? ''}`;
}

function basic(credential: { username: string; password: string }): string {
  return Buffer.from(`${credential.username}:${credential.password}`).toString('base64');
}
