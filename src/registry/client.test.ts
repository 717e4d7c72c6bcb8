/**
 * The client against a real distribution registry (Debian's docker-registry) on 127.0.0.1:
 * anonymous, behind htpasswd basic auth, and behind token auth with a token server.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  imageRef,
  MEDIA_TYPES,
  type PushedImage,
  pushBlob,
  pushImage,
  pushIndex,
  pushManifest,
  registryFailure,
  sha256,
  startRegistry,
  type TestRegistry,
} from '../../test/support/registry.js';
import { RegistryClient } from './client.js';

const ref = imageRef;
const failure = registryFailure;

describe('anonymous registry', () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  let docker: PushedImage;
  let ociAmd64: PushedImage;
  let ociArm64: PushedImage;
  let index: { digest: string; mediaType: string };

  beforeAll(async () => {
    registry = await startRegistry();
    client = new RegistryClient({ insecureRegistries: [registry.host], timeoutMs: 5000 });
    docker = await pushImage(registry, 'acme/web', '1.0', {
      format: 'docker',
      config: {
        User: 'app:app',
        Env: ['PATH=/usr/bin:/bin', 'NODE_ENV=production'],
        Cmd: ['node', 'server.js'],
        Entrypoint: ['/usr/bin/tini', '--'],
        ExposedPorts: { '8080/tcp': {}, '9090/tcp': {} },
        Labels: { 'org.opencontainers.image.source': 'https://example.com/acme/web' },
      },
    });
    ociAmd64 = await pushImage(registry, 'acme/multi', null, { format: 'oci', platform: 'linux/amd64' });
    ociArm64 = await pushImage(registry, 'acme/multi', null, { format: 'oci', platform: 'linux/arm64/v8' });
    await pushImage(registry, 'acme/multi', 'amd64-only', { format: 'oci', platform: 'linux/amd64' });
    const attestation = await pushImage(registry, 'acme/multi', null, {
      format: 'oci',
      platform: 'unknown/unknown',
    });
    index = await pushIndex(registry, 'acme/multi', '2.0', 'oci', [
      ociAmd64,
      ociArm64,
      {
        ...attestation,
        platform: 'unknown/unknown',
        annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
      },
    ]);
  });
  afterAll(async () => {
    await registry?.stop();
  });

  test('resolves a Docker v2 image by tag: digest, config fields, layers and size', async () => {
    const image = await client.resolve(ref(`${registry.host}/acme/web:1.0`));
    expect(image.digest).toBe(docker.digest);
    expect(image.manifestDigest).toBe(docker.digest);
    expect(image.mediaType).toBe(MEDIA_TYPES.docker.manifest);
    expect(image.platform).toBe('linux/amd64');
    expect(image.platforms).toEqual(['linux/amd64']);
    expect(image.configDigest).toBe(docker.config.digest);
    expect(image.config).toEqual({
      user: 'app:app',
      env: ['PATH=/usr/bin:/bin', 'NODE_ENV=production'],
      cmd: ['node', 'server.js'],
      entrypoint: ['/usr/bin/tini', '--'],
      exposedPorts: ['8080/tcp', '9090/tcp'],
      labels: { 'org.opencontainers.image.source': 'https://example.com/acme/web' },
      created: '2024-05-01T12:00:00Z',
      history: [
        { created: '2024-05-01T12:00:00Z', createdBy: 'COPY layer-0 /', comment: null, emptyLayer: false },
        { created: '2024-05-01T12:00:00Z', createdBy: 'COPY layer-1 /', comment: null, emptyLayer: false },
      ],
      os: 'linux',
      architecture: 'amd64',
      variant: null,
    });
    expect(image.layers).toEqual(docker.layers);
    expect(image.size).toBe(docker.layers.reduce((total, layer) => total + layer.size, 0));
    expect(image.size).toBeGreaterThan(0);
  });

  test('resolves by digest, with or without a tag beside it', async () => {
    const byDigest = await client.resolve(ref(`${registry.host}/acme/web@${docker.digest}`));
    expect(byDigest.digest).toBe(docker.digest);
    expect(byDigest.config.user).toBe('app:app');
    const both = await client.resolve(ref(`${registry.host}/acme/web:ignored@${docker.digest}`));
    expect(both.digest).toBe(docker.digest);
  });

  test('resolves an OCI index: index digest, the platform manifest, the platforms offered', async () => {
    const amd64 = await client.resolve(ref(`${registry.host}/acme/multi:2.0`));
    expect(amd64.digest).toBe(index.digest);
    expect(amd64.mediaType).toBe(MEDIA_TYPES.oci.index);
    expect(amd64.manifestDigest).toBe(ociAmd64.digest);
    expect(amd64.platform).toBe('linux/amd64');
    expect(amd64.platforms).toEqual(['linux/amd64', 'linux/arm64/v8']);
    expect(amd64.layers.map((layer) => layer.mediaType)).toEqual([
      MEDIA_TYPES.oci.layer,
      MEDIA_TYPES.oci.layer,
    ]);

    const arm64 = await client.resolve(ref(`${registry.host}/acme/multi:2.0`), { platform: 'linux/arm64' });
    expect(arm64.digest).toBe(index.digest);
    expect(arm64.manifestDigest).toBe(ociArm64.digest);
    expect(arm64.platform).toBe('linux/arm64/v8');
    expect(arm64.config.architecture).toBe('arm64');

    const byDigest = await client.resolve(ref(`${registry.host}/acme/multi@${index.digest}`), {
      platform: 'linux/arm64/v8',
    });
    expect(byDigest.manifestDigest).toBe(ociArm64.digest);
  });

  test('resolves a Docker manifest list, by variant', async () => {
    const amd64 = await pushImage(registry, 'acme/multi', null, {
      format: 'docker',
      platform: 'linux/amd64',
    });
    const armV6 = await pushImage(registry, 'acme/multi', null, {
      format: 'docker',
      platform: 'linux/arm/v6',
    });
    const armV7 = await pushImage(registry, 'acme/multi', null, {
      format: 'docker',
      platform: 'linux/arm/v7',
    });
    const list = await pushIndex(registry, 'acme/multi', 'docker-list', 'docker', [amd64, armV6, armV7]);
    const image = await client.resolve(ref(`${registry.host}/acme/multi:docker-list`), {
      platform: 'linux/arm/v7',
    });
    expect(image.mediaType).toBe(MEDIA_TYPES.docker.index);
    expect(image.digest).toBe(list.digest);
    expect(image.manifestDigest).toBe(armV7.digest);
    expect(image.platform).toBe('linux/arm/v7');
    expect(image.platforms).toEqual(['linux/amd64', 'linux/arm/v6', 'linux/arm/v7']);
    expect(image.layers[0]?.mediaType).toBe(MEDIA_TYPES.docker.layer);
  });

  test('an OCI image with one platform is resolved whatever platform is asked', async () => {
    const image = await client.resolve(ref(`${registry.host}/acme/multi:amd64-only`), {
      platform: 'linux/arm64',
    });
    expect(image.platform).toBe('linux/amd64');
    expect(image.mediaType).toBe(MEDIA_TYPES.oci.manifest);
  });

  test('a platform the index lacks is a clear error listing what it has', async () => {
    const error = await failure(
      client.resolve(ref(`${registry.host}/acme/multi:2.0`), { platform: 'linux/s390x' }),
    );
    expect(error.code).toBe('no_matching_platform');
    expect(error.message).toBe(
      `${registry.host}/acme/multi:2.0 has no linux/s390x image; it offers linux/amd64, linux/arm64/v8`,
    );
  });

  test('manifest() and blob() return verified content', async () => {
    const manifest = await client.manifest(ref(`${registry.host}/acme/web:1.0`));
    expect(manifest.digest).toBe(docker.digest);
    expect(sha256(manifest.bytes)).toBe(docker.digest);
    expect(manifest.manifest.kind).toBe('manifest');
    const config = await client.blob(ref(`${registry.host}/acme/web`), docker.config.digest);
    expect(JSON.parse(config.toString())).toEqual(docker.config.json);
  });

  test('tags lists every tag', async () => {
    expect((await client.tags(ref(`${registry.host}/acme/multi`))).sort()).toEqual([
      '2.0',
      'amd64-only',
      'docker-list',
    ]);
  });

  test('an unknown tag or repository is not_found, naming registry and reference', async () => {
    const tag = await failure(client.resolve(ref(`${registry.host}/acme/web:nope`)));
    expect(tag.code).toBe('not_found');
    expect(tag.status).toBe(404);
    expect(tag.message).toBe(
      `Registry ${registry.host} answered 404 (MANIFEST_UNKNOWN: manifest unknown) for acme/web:nope: check the repository name, tag or digest`,
    );
    const repository = await failure(client.tags(ref(`${registry.host}/acme/nothing`)));
    expect(repository.code).toBe('not_found');
    expect(repository.message).toContain('NAME_UNKNOWN');
  });

  test('referrers falls back to the sha256-<hex> tag where the registry has no referrers API', async () => {
    expect(await client.referrers(ref(`${registry.host}/acme/web`), docker.digest)).toEqual([]);
    // An OCI 1.1 artifact (a signature) whose subject is the image, and the fallback index a
    // pusher maintains for it under the tag sha256-<hex of the subject>.
    const empty = await pushBlob(registry, 'acme/web', Buffer.from('{}'));
    const artifactType = 'application/vnd.dev.sigstore.bundle.v0.3+json';
    const signature = await pushManifest(registry, 'acme/web', null, MEDIA_TYPES.oci.manifest, {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.oci.manifest,
      artifactType,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: empty, size: 2 },
      layers: [{ mediaType: 'application/vnd.oci.empty.v1+json', digest: empty, size: 2 }],
      subject: { mediaType: docker.mediaType, digest: docker.digest, size: docker.size },
    });
    await pushManifest(registry, 'acme/web', docker.digest.replace(':', '-'), MEDIA_TYPES.oci.index, {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.oci.index,
      manifests: [{ ...signature, artifactType }],
    });
    const found = await client.referrers(ref(`${registry.host}/acme/web`), docker.digest);
    expect(found).toEqual([{ ...signature, artifactType }]);
    const artifact = await client.manifest({ ...ref(`${registry.host}/acme/web`), digest: signature.digest });
    expect(artifact.manifest.subject?.digest).toBe(docker.digest);
    expect(artifact.manifest.artifactType).toBe(artifactType);
    const other = { artifactType: 'application/spdx+json' };
    expect(await client.referrers(ref(`${registry.host}/acme/web`), docker.digest, other)).toEqual([]);
  });

  test('plain HTTP only when listed: otherwise HTTPS is tried and the error says what to do', async () => {
    const strict = new RegistryClient({ timeoutMs: 2000, retries: 0 });
    const error = await failure(strict.resolve(ref(`${registry.host}/acme/web:1.0`)));
    expect(error.code).toBe('tls');
    expect(error.message).toMatch(
      new RegExp(
        `^Could not open a TLS connection to the registry ${registry.host} at https://${registry.host} \\(ERR_SSL_[A-Z_]+\\): if it serves plain HTTP, list ${registry.host} in insecureRegistries`,
      ),
    );
  });
});

describe('registry with basic auth', () => {
  let registry: TestRegistry;
  let image: PushedImage;

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'basic' });
    image = await pushImage(registry, 'acme/private', 'v1');
  });
  afterAll(async () => {
    await registry?.stop();
  });

  test('without credentials: unauthorized, naming the host and how to fix it', async () => {
    const client = new RegistryClient({ insecureRegistries: [registry.host] });
    const error = await failure(client.resolve(ref(`${registry.host}/acme/private:v1`)));
    expect(error.code).toBe('unauthorized');
    expect(error.status).toBe(401);
    expect(error.message).toBe(
      `Registry ${registry.host} answered 401 (UNAUTHORIZED: authentication required) for acme/private:v1: add credentials for ${registry.host} (PORTCULLIS_REGISTRY_AUTH)`,
    );
  });

  test('with credentials it resolves', async () => {
    const client = new RegistryClient({
      insecureRegistries: [registry.host],
      credentials: { [registry.host]: { username: registry.username, password: registry.password } },
    });
    const resolved = await client.resolve(ref(`${registry.host}/acme/private:v1`));
    expect(resolved.digest).toBe(image.digest);
    expect(await client.tags(ref(`${registry.host}/acme/private`))).toEqual(['v1']);
  });

  test('rejected credentials: a clear error that contains no credential', async () => {
    const password = 'hunter2-very-secret-password';
    const client = new RegistryClient({
      insecureRegistries: [registry.host],
      credentials: { [registry.host]: { username: registry.username, password } },
    });
    const error = await failure(client.resolve(ref(`${registry.host}/acme/private:v1`)));
    expect(error.code).toBe('unauthorized');
    expect(error.message).toContain(
      `the credentials for ${registry.host} were rejected; check them (PORTCULLIS_REGISTRY_AUTH)`,
    );
    const basic = Buffer.from(`${registry.username}:${password}`).toString('base64');
    for (const text of [error.message, error.stack ?? '', JSON.stringify(error), String(error)]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(basic);
    }
  });
});

describe('registry with token auth', () => {
  let registry: TestRegistry;
  let image: PushedImage;

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'token' });
    image = await pushImage(registry, 'acme/secure', 'v1');
    await pushImage(registry, 'acme/other', 'v1');
  });
  afterAll(async () => {
    await registry?.stop();
  });

  test('bearer flow with credentials; the token is cached per scope', async () => {
    const client = new RegistryClient({
      insecureRegistries: [registry.host],
      credentials: { [registry.host]: { username: registry.username, password: registry.password } },
    });
    registry.tokenRequests.length = 0;
    const first = await client.resolve(ref(`${registry.host}/acme/secure:v1`));
    const second = await client.resolve(ref(`${registry.host}/acme/secure@${image.digest}`));
    expect(first.digest).toBe(image.digest);
    expect(second.config.os).toBe('linux');
    expect(registry.tokenRequests).toEqual([
      {
        service: 'portcullis-test-registry',
        scopes: ['repository:acme/secure:pull'],
        user: registry.username,
      },
    ]);
    // Another repository is another scope: one more token, asked for up front, not after a 401.
    await client.resolve(ref(`${registry.host}/acme/other:v1`));
    expect(registry.tokenRequests.map((request) => request.scopes)).toEqual([
      ['repository:acme/secure:pull'],
      ['repository:acme/other:pull'],
    ]);
  });

  test('anonymous: the token grants nothing, and the error names the host and the fix', async () => {
    const client = new RegistryClient({ insecureRegistries: [registry.host] });
    const error = await failure(client.resolve(ref(`${registry.host}/acme/secure:v1`)));
    expect(error.code).toBe('unauthorized');
    expect(error.message).toBe(
      `Registry ${registry.host} answered 401 (UNAUTHORIZED: authentication required) for acme/secure:v1: add credentials for ${registry.host} (PORTCULLIS_REGISTRY_AUTH)`,
    );
  });

  test('the token server refusing credentials: unauthorized, naming it', async () => {
    const client = new RegistryClient({
      insecureRegistries: [registry.host],
      credentials: { [registry.host]: { username: 'mallory', password: 'not-the-password' } },
    });
    const error = await failure(client.resolve(ref(`${registry.host}/acme/secure:v1`)));
    expect(error.code).toBe('unauthorized');
    expect(error.message).toMatch(
      /^The token server 127\.0\.0\.1:\d+ of registry 127\.0\.0\.1:\d+ answered 401: the credentials for 127\.0\.0\.1:\d+ were rejected; check them \(PORTCULLIS_REGISTRY_AUTH\)$/,
    );
  });

  test('wrong password at the token server: no credential in the error', async () => {
    const password = 'correct-horse-battery-staple';
    const client = new RegistryClient({
      insecureRegistries: [registry.host],
      credentials: { [registry.host]: { username: registry.username, password } },
    });
    const error = await failure(client.resolve(ref(`${registry.host}/acme/secure:v1`)));
    expect(error.code).toBe('unauthorized');
    expect(error.message).toContain(`the credentials for ${registry.host} were rejected`);
    expect(`${error.message}${error.stack}`).not.toContain(password);
  });

  test('a token realm over plain HTTP is refused unless the registry is listed as insecure', async () => {
    // The registry itself is reached over HTTP by a fake fetch that rewrites https to http,
    // so only the realm's scheme decides.
    const client = new RegistryClient({
      fetch: (input, init) => fetch(String(input).replace(/^https:/, 'http:'), init),
      credentials: { [registry.host]: { username: registry.username, password: registry.password } },
    });
    const error = await failure(client.resolve(ref(`${registry.host}/acme/secure:v1`)));
    expect(error.code).toBe('unauthorized');
    expect(error.message).toContain('plain-HTTP token server');
    expect(error.message).not.toContain(registry.password);
  });
});
