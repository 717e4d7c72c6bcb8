/**
 * Faults a real registry cannot be made to produce, on tiny loopback HTTP servers: silence,
 * 503, 429 with Retry-After, redirects to another origin, pagination links, a hostile echo.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, test } from '@jest/globals';
import {
  imageRef,
  type LoopbackServer,
  MEDIA_TYPES,
  registryFailure,
  sha256,
  startLoopbackServer,
} from '../../test/support/registry.js';
import { RegistryClient } from './client.js';

const ref = imageRef;
const failure = registryFailure;

/** A one-layer-less OCI image held in memory. */
const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', config: { User: '1000' } }));
const configDigest = sha256(config);
const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.oci.manifest,
    config: { mediaType: MEDIA_TYPES.oci.config, digest: configDigest, size: config.length },
    layers: [],
  }),
);
const manifestDigest = sha256(manifest);

/** Answers the image's manifest (by tag `1.0` or digest) and config like a registry; false for anything else. */
function serveImage(request: IncomingMessage, response: ServerResponse): boolean {
  const path = new URL(request.url ?? '/', 'http://x').pathname;
  if (path === '/v2/acme/web/manifests/1.0' || path === `/v2/acme/web/manifests/${manifestDigest}`) {
    response.writeHead(200, {
      'content-type': MEDIA_TYPES.oci.manifest,
      'docker-content-digest': manifestDigest,
    });
    response.end(manifest);
    return true;
  }
  if (path === `/v2/acme/web/blobs/${configDigest}`) {
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    response.end(config);
    return true;
  }
  return false;
}

function notFound(response: ServerResponse): void {
  response.writeHead(404, { 'content-type': 'application/json' });
  response.end('{"errors":[{"code":"NOT_FOUND","message":"not here"}]}');
}

const servers: LoopbackServer[] = [];
async function server(handler: Parameters<typeof startLoopbackServer>[0]): Promise<LoopbackServer> {
  const started = await startLoopbackServer(handler);
  servers.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((each) => each.close()));
});

function clientFor(...hosts: string[]): RegistryClient {
  return new RegistryClient({ insecureRegistries: hosts, timeoutMs: 2000, retries: 2 });
}

describe('timeouts and retries', () => {
  test('a registry that never answers: timeout after every attempt, bounded and fast', async () => {
    const silent = await server(() => undefined);
    const client = new RegistryClient({ insecureRegistries: [silent.host], timeoutMs: 150, retries: 1 });
    const started = Date.now();
    const error = await failure(client.resolve(ref(`${silent.host}/acme/web:1.0`)));
    // 2 × 150 ms plus one backoff of at most 250 ms; the margin is for a busy CI machine.
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error.code).toBe('timeout');
    expect(error.message).toBe(
      `The registry ${silent.host} did not answer within 150 ms (2 attempts, http://${silent.host})`,
    );
    expect(silent.requests).toHaveLength(2);
  });

  test('a closed port: unreachable, after the retries', async () => {
    const gone = await startLoopbackServer(() => undefined);
    await gone.close();
    const client = new RegistryClient({ insecureRegistries: [gone.host], timeoutMs: 1000, retries: 1 });
    const error = await failure(client.resolve(ref(`${gone.host}/acme/web:1.0`)));
    expect(error.code).toBe('unreachable');
    expect(error.message).toBe(
      `Could not reach the registry ${gone.host} at http://${gone.host} (ECONNREFUSED, 2 attempts): check the host name and port`,
    );
  });

  test('503 twice, then the answer', async () => {
    const flaky = await server((request, response, index) => {
      if (index < 2) {
        response.writeHead(503);
        response.end();
      } else if (!serveImage(request, response)) notFound(response);
    });
    const image = await clientFor(flaky.host).resolve(ref(`${flaky.host}/acme/web:1.0`));
    expect(image.digest).toBe(manifestDigest);
    expect(image.config.user).toBe('1000');
    expect(flaky.requests.map((request) => request.url)).toEqual([
      '/v2/acme/web/manifests/1.0',
      '/v2/acme/web/manifests/1.0',
      '/v2/acme/web/manifests/1.0',
      `/v2/acme/web/blobs/${configDigest}`,
    ]);
  });

  test('503 on every attempt: server_error saying how often it was tried', async () => {
    const down = await server((_request, response) => {
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end('{"errors":[{"code":"UNAVAILABLE","message":"service unavailable"}]}');
    });
    const error = await failure(clientFor(down.host).resolve(ref(`${down.host}/acme/web:1.0`)));
    expect(error.code).toBe('server_error');
    expect(error.status).toBe(503);
    expect(error.message).toBe(
      `Registry ${down.host} answered 503 (UNAVAILABLE: service unavailable) for acme/web:1.0 after 3 attempts: the registry is failing; try again later`,
    );
    expect(down.requests).toHaveLength(3);
  });

  test('429 with Retry-After: waits as asked, then succeeds', async () => {
    const limited = await server((request, response, index) => {
      if (index === 0) {
        response.writeHead(429, { 'retry-after': '1' });
        response.end();
      } else if (!serveImage(request, response)) notFound(response);
    });
    const started = Date.now();
    const image = await clientFor(limited.host).resolve(ref(`${limited.host}/acme/web:1.0`));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(image.digest).toBe(manifestDigest);
  });

  test('429 asking for a long wait: no waiting, rate_limited with the delay and the fix', async () => {
    const limited = await server((_request, response) => {
      response.writeHead(429, { 'retry-after': '120' });
      response.end();
    });
    const error = await failure(clientFor(limited.host).resolve(ref(`${limited.host}/acme/web:1.0`)));
    expect(error.code).toBe('rate_limited');
    expect(error.message).toBe(
      `Registry ${limited.host} answered 429 for acme/web:1.0 after 1 attempt: too many requests; it asks to wait 120 s; try again later, or add credentials for ${limited.host} for a higher limit (PORTCULLIS_REGISTRY_AUTH)`,
    );
    expect(limited.requests).toHaveLength(1);
  });

  test('no retry on other 4xx', async () => {
    const strict = await server((_request, response) => {
      response.writeHead(400);
      response.end();
    });
    const error = await failure(clientFor(strict.host).resolve(ref(`${strict.host}/acme/web:1.0`)));
    expect(error.code).toBe('server_error');
    expect(error.status).toBe(400);
    expect(strict.requests).toHaveLength(1);
  });
});

describe('redirects', () => {
  test('a blob redirected to another origin is fetched without the Authorization header', async () => {
    const storage = await server((request, response) => {
      if (request.url === '/storage/config') {
        response.writeHead(200);
        response.end(config);
      } else notFound(response);
    });
    const registry = await server((request, response) => {
      if (request.headers.authorization !== `Basic ${Buffer.from('alice:pw-1234').toString('base64')}`) {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="test"' });
        response.end();
      } else if (request.url === `/v2/acme/web/blobs/${configDigest}`) {
        response.writeHead(307, { location: `http://${storage.host}/storage/config` });
        response.end();
      } else if (!serveImage(request, response)) notFound(response);
    });
    const client = new RegistryClient({
      insecureRegistries: [registry.host],
      credentials: { [registry.host]: { username: 'alice', password: 'pw-1234' } },
    });
    const image = await client.resolve(ref(`${registry.host}/acme/web:1.0`));
    expect(image.config.user).toBe('1000');
    expect(storage.requests).toHaveLength(1);
    expect(storage.requests[0]?.headers.authorization).toBeUndefined();
    const blobRequest = registry.requests.find((request) => request.url.includes('/blobs/'));
    expect(blobRequest?.headers.authorization).toMatch(/^Basic /);
  });

  test('a redirect on the same origin keeps the Authorization header', async () => {
    const registry = await server((request, response) => {
      if (!request.headers.authorization) {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="test"' });
        response.end();
      } else if (request.url === `/v2/acme/web/blobs/${configDigest}`) {
        response.writeHead(302, { location: '/elsewhere/config' });
        response.end();
      } else if (request.url === '/elsewhere/config') {
        response.writeHead(200);
        response.end(config);
      } else if (!serveImage(request, response)) notFound(response);
    });
    const client = new RegistryClient({
      insecureRegistries: [registry.host],
      credentials: { [registry.host]: { username: 'alice', password: 'pw-1234' } },
    });
    expect((await client.resolve(ref(`${registry.host}/acme/web:1.0`))).config.user).toBe('1000');
    expect(
      registry.requests.find((request) => request.url === '/elsewhere/config')?.headers.authorization,
    ).toMatch(/^Basic /);
  });
});

describe('content checks', () => {
  test('a manifest whose bytes do not match Docker-Content-Digest is refused', async () => {
    const liar = await server((_request, response) => {
      response.writeHead(200, {
        'content-type': MEDIA_TYPES.oci.manifest,
        'docker-content-digest': sha256('other'),
      });
      response.end(manifest);
    });
    const error = await failure(clientFor(liar.host).manifest(ref(`${liar.host}/acme/web:1.0`)));
    expect(error.code).toBe('digest_mismatch');
    expect(error.message).toContain('refusing it');
  });

  test('content fetched by digest is verified by its sha256', async () => {
    const liar = await server((_request, response) => {
      response.writeHead(200, { 'content-type': MEDIA_TYPES.oci.manifest });
      response.end(manifest);
    });
    const wanted = sha256('something else');
    const error = await failure(clientFor(liar.host).manifest(ref(`${liar.host}/acme/web@${wanted}`)));
    expect(error.code).toBe('digest_mismatch');
    const fine = await clientFor(liar.host).manifest(ref(`${liar.host}/acme/web@${manifestDigest}`));
    expect(fine.digest).toBe(manifestDigest);
  });

  test('without Docker-Content-Digest, the digest is computed', async () => {
    const quiet = await server((_request, response) => {
      response.writeHead(200, { 'content-type': MEDIA_TYPES.oci.manifest });
      response.end(manifest);
    });
    expect((await clientFor(quiet.host).manifest(ref(`${quiet.host}/acme/web:1.0`))).digest).toBe(
      manifestDigest,
    );
  });

  test('a Helm chart (an OCI artifact, not an image) is invalid_manifest, not a crash', async () => {
    const chart = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: configDigest, size: 1 },
        layers: [],
      }),
    );
    const helm = await server((_request, response) => {
      response.writeHead(200, { 'content-type': MEDIA_TYPES.oci.manifest });
      response.end(chart);
    });
    const error = await failure(clientFor(helm.host).resolve(ref(`${helm.host}/acme/chart:1.0`)));
    expect(error.code).toBe('invalid_manifest');
    expect(error.message).toBe(
      `Registry ${helm.host} sent an unusable manifest for acme/chart: it is not a container image (its config is application/vnd.cncf.helm.config.v1+json)`,
    );
  });
});

describe('answers of the wrong shape', () => {
  /** A registry answering `body` (JSON) for every request. */
  async function answering(
    body: unknown,
    contentType: string = MEDIA_TYPES.oci.manifest,
  ): Promise<LoopbackServer> {
    return server((_request, response) => {
      response.writeHead(200, { 'content-type': contentType });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
  }

  test('a manifest whose layers are not a list is invalid_manifest naming the field, not a crash', async () => {
    const wrong = await answering({
      schemaVersion: 2,
      config: { mediaType: MEDIA_TYPES.oci.config, digest: configDigest, size: config.length },
      layers: { digest: configDigest },
    });
    const error = await failure(clientFor(wrong.host).resolve(ref(`${wrong.host}/acme/web:1.0`)));
    expect(error.code).toBe('invalid_manifest');
    expect(error.message).toBe(
      `Registry ${wrong.host} sent an unusable manifest for acme/web:1.0: /layers must be array`,
    );
  });

  test('an index entry with a size that is not a number names the entry', async () => {
    const wrong = await answering({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.oci.index,
      manifests: [{ mediaType: MEDIA_TYPES.oci.manifest, digest: manifestDigest, size: '12' }],
    });
    const error = await failure(clientFor(wrong.host).resolve(ref(`${wrong.host}/acme/web:1.0`)));
    expect(error.message).toBe(
      `Registry ${wrong.host} sent an unusable manifest for acme/web:1.0: manifests[0]: the descriptor has no valid size`,
    );
  });

  test('an image config with Env that is not a list of strings is named, not read as empty', async () => {
    const badConfig = Buffer.from(
      JSON.stringify({ os: 'linux', architecture: 'amd64', config: { Env: 'A=1' } }),
    );
    const badManifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.oci.manifest,
        config: { mediaType: MEDIA_TYPES.oci.config, digest: sha256(badConfig), size: badConfig.length },
        layers: [],
      }),
    );
    const wrong = await server((request, response) => {
      const blob = new URL(request.url ?? '/', 'http://x').pathname.includes('/blobs/');
      response.writeHead(200, {
        'content-type': blob ? 'application/octet-stream' : MEDIA_TYPES.oci.manifest,
      });
      response.end(blob ? badConfig : badManifest);
    });
    const error = await failure(clientFor(wrong.host).resolve(ref(`${wrong.host}/acme/web:1.0`)));
    expect(error.code).toBe('invalid_manifest');
    expect(error.message).toBe(
      `Registry ${wrong.host} sent an unusable manifest for acme/web: the image config: /config/Env must be array,null`,
    );
  });

  test('a tag list of the wrong shape says where', async () => {
    const wrong = await answering({ name: 'acme/web', tags: [1, 2] }, 'application/json');
    const error = await failure(clientFor(wrong.host).tags(ref(`${wrong.host}/acme/web`)));
    expect(error.message).toBe(`Registry ${wrong.host} sent an unreadable tag list: /tags/0 must be string`);
  });
});

describe('pagination and referrers', () => {
  test('tags follows Link rel="next" pages, with the credentials on each', async () => {
    const pages: Record<string, { tags: string[]; next?: string }> = {
      '/v2/acme/web/tags/list': { tags: ['a', 'b'], next: '/v2/acme/web/tags/list?last=b&n=2' },
      '/v2/acme/web/tags/list?last=b&n=2': { tags: ['c', 'd'], next: '/v2/acme/web/tags/list?last=d&n=2' },
      '/v2/acme/web/tags/list?last=d&n=2': { tags: ['e'] },
    };
    const registry = await server((request, response) => {
      const page = pages[request.url ?? ''];
      if (!page) return notFound(response);
      response.writeHead(200, {
        'content-type': 'application/json',
        ...(page.next ? { link: `<${page.next}>; rel="next"` } : {}),
      });
      response.end(JSON.stringify({ name: 'acme/web', tags: page.tags }));
    });
    const client = new RegistryClient({
      insecureRegistries: [registry.host],
      credentials: { [registry.host]: { token: 'static-token-1' } },
    });
    expect(await client.tags(ref(`${registry.host}/acme/web`))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(registry.requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer static-token-1',
      'Bearer static-token-1',
      'Bearer static-token-1',
    ]);
  });

  test('referrers uses the OCI referrers API where the registry has it', async () => {
    const signature = {
      mediaType: MEDIA_TYPES.oci.manifest,
      digest: sha256('signature'),
      size: 100,
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    };
    const sbom = {
      mediaType: MEDIA_TYPES.oci.manifest,
      digest: sha256('sbom'),
      size: 200,
      artifactType: 'application/spdx+json',
    };
    const registry = await server((request, response) => {
      if (!request.url?.startsWith(`/v2/acme/web/referrers/${manifestDigest}`)) return notFound(response);
      response.writeHead(200, { 'content-type': MEDIA_TYPES.oci.index });
      response.end(
        JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.oci.index, manifests: [signature, sbom] }),
      );
    });
    const client = clientFor(registry.host);
    expect(await client.referrers(ref(`${registry.host}/acme/web`), manifestDigest)).toEqual([
      signature,
      sbom,
    ]);
    expect(
      await client.referrers(ref(`${registry.host}/acme/web`), manifestDigest, {
        artifactType: 'application/spdx+json',
      }),
    ).toEqual([sbom]);
    expect(registry.requests[1]?.url).toBe(
      `/v2/acme/web/referrers/${manifestDigest}?artifactType=application%2Fspdx%2Bjson`,
    );
  });
});

describe('bearer tokens', () => {
  /** A registry that wants `Bearer <token>` from its own token server, which issues short-lived tokens. */
  async function bearerRegistry(expiresIn: number) {
    let issued = 0;
    const tokens = await server((request, response) => {
      issued++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ access_token: `token-${issued}`, expires_in: expiresIn }));
      void request;
    });
    const registry = await server((request, response) => {
      if (!request.headers.authorization?.startsWith('Bearer token-')) {
        response.writeHead(401, {
          'www-authenticate': `Bearer realm="http://${tokens.host}/token",service="fake",scope="repository:acme/web:pull"`,
        });
        response.end();
      } else if (!serveImage(request, response)) notFound(response);
    });
    return { tokens, registry };
  }

  test('concurrent first requests share one token request; an expired token is renewed', async () => {
    const { tokens, registry } = await bearerRegistry(1);
    const client = clientFor(registry.host, tokens.host);
    await Promise.all([
      client.resolve(ref(`${registry.host}/acme/web:1.0`)),
      client.resolve(ref(`${registry.host}/acme/web@${manifestDigest}`)),
      client.tags(ref(`${registry.host}/acme/web`)).catch(() => []),
    ]);
    expect(tokens.requests).toHaveLength(1);
    expect(tokens.requests[0]?.url).toBe('/token?service=fake&scope=repository%3Aacme%2Fweb%3Apull');
    // expires_in 1: renewed half a second early.
    await new Promise((resolve) => setTimeout(resolve, 600));
    await client.resolve(ref(`${registry.host}/acme/web:1.0`));
    expect(tokens.requests).toHaveLength(2);
    expect(registry.requests.at(-1)?.headers.authorization).toBe('Bearer token-2');
  });

  test('a registry echoing credentials back: the error shows none of them', async () => {
    const password = 'p4ssw0rd-that-must-not-leak';
    const echo = await server((request, response) => {
      response.writeHead(403, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          errors: [{ code: 'DENIED', message: `denied for ${request.headers.authorization} (${password})` }],
        }),
      );
    });
    const client = new RegistryClient({
      insecureRegistries: [echo.host],
      credentials: { [echo.host]: { token: password } },
    });
    const error = await failure(client.resolve(ref(`${echo.host}/acme/web:1.0`)));
    expect(error.code).toBe('denied');
    expect(error.message).toBe(
      `Registry ${echo.host} answered 403 (DENIED: denied for Bearer *** (***)) for acme/web:1.0: the credentials for ${echo.host} do not grant pull access to acme/web`,
    );
    expect(error.stack).not.toContain(password);
  });
});

describe('Docker Hub', () => {
  test('docker.io is served by registry-1.docker.io over HTTPS', async () => {
    const urls: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      const url = new URL(String(input));
      urls.push(url.href);
      if (url.pathname.endsWith('/manifests/3.20')) {
        return new Response(manifest, { headers: { 'content-type': MEDIA_TYPES.oci.manifest } });
      }
      return new Response(config);
    };
    const client = new RegistryClient({ fetch: fakeFetch });
    const image = await client.resolve(ref('alpine:3.20'));
    expect(image.digest).toBe(manifestDigest);
    expect(urls).toEqual([
      'https://registry-1.docker.io/v2/library/alpine/manifests/3.20',
      `https://registry-1.docker.io/v2/library/alpine/blobs/${configDigest}`,
    ]);
  });
});
