import { type ImageReference, parseImageReference } from './reference.js';

const SHA256 = `sha256:${'0123456789abcdef'.repeat(4)}`;

function parsed(text: string): ImageReference {
  const result = parseImageReference(text);
  if (!result.ok) throw new Error(`expected "${text}" to parse, got: ${result.error}`);
  return result.reference;
}

function failure(text: string): string {
  const result = parseImageReference(text);
  if (result.ok) throw new Error(`expected "${text}" to be rejected, got ${result.reference.normalized}`);
  return result.error;
}

describe('parseImageReference: Docker Hub', () => {
  it('puts official images under docker.io/library and fills in :latest only in normalized', () => {
    expect(parsed('alpine')).toEqual({
      registry: 'docker.io',
      repository: 'library/alpine',
      tag: null,
      digest: null,
      name: 'docker.io/library/alpine',
      normalized: 'docker.io/library/alpine:latest',
    });
  });

  it('keeps the tag of an official image', () => {
    expect(parsed('alpine:3.20')).toMatchObject({
      repository: 'library/alpine',
      tag: '3.20',
      normalized: 'docker.io/library/alpine:3.20',
    });
  });

  it('leaves user repositories without library/', () => {
    expect(parsed('bitnami/redis:7.2')).toMatchObject({
      registry: 'docker.io',
      repository: 'bitnami/redis',
      tag: '7.2',
      name: 'docker.io/bitnami/redis',
    });
  });

  it.each([
    ['docker.io/nginx', 'docker.io/library/nginx:latest'],
    ['docker.io/library/nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['index.docker.io/library/nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['index.docker.io/nginx', 'docker.io/library/nginx:latest'],
    ['registry-1.docker.io/bitnami/redis', 'docker.io/bitnami/redis:latest'],
  ])('normalises the Docker Hub aliases: %s → %s', (text, normalized) => {
    const reference = parsed(text);
    expect(reference.registry).toBe('docker.io');
    expect(reference.normalized).toBe(normalized);
  });

  it('accepts the separators the grammar allows inside a path component', () => {
    expect(parsed('a__b/c--d.e_f').repository).toBe('a__b/c--d.e_f');
  });
});

describe('parseImageReference: other registries', () => {
  it('recognises a registry by its dot', () => {
    expect(parsed('ghcr.io/acme/tools/app:v1.2.3')).toEqual({
      registry: 'ghcr.io',
      repository: 'acme/tools/app',
      tag: 'v1.2.3',
      digest: null,
      name: 'ghcr.io/acme/tools/app',
      normalized: 'ghcr.io/acme/tools/app:v1.2.3',
    });
  });

  it('recognises a registry with a port, and does not take the port for a tag', () => {
    expect(parsed('localhost:5000/team/app:dev')).toMatchObject({
      registry: 'localhost:5000',
      repository: 'team/app',
      tag: 'dev',
      normalized: 'localhost:5000/team/app:dev',
    });
    expect(parsed('registry.example.com:443/a/b/c')).toMatchObject({
      registry: 'registry.example.com:443',
      repository: 'a/b/c',
      tag: null,
      normalized: 'registry.example.com:443/a/b/c:latest',
    });
  });

  it('recognises localhost without a port as a registry, but not on its own', () => {
    expect(parsed('localhost/x')).toMatchObject({
      registry: 'localhost',
      repository: 'x',
      name: 'localhost/x',
      normalized: 'localhost/x:latest',
    });
    expect(parsed('localhost').name).toBe('docker.io/library/localhost');
  });

  it('reads host:port without a path as a Docker Hub image and a tag', () => {
    expect(parsed('myhost:5000')).toMatchObject({ name: 'docker.io/library/myhost', tag: '5000' });
  });

  it('accepts an IPv6 registry address', () => {
    expect(parsed('[::1]:5000/app')).toMatchObject({ registry: '[::1]:5000', repository: 'app' });
  });
});

describe('parseImageReference: digests', () => {
  it('keeps both the tag and the digest', () => {
    expect(parsed(`gcr.io/distroless/static-debian12:nonroot@${SHA256}`)).toEqual({
      registry: 'gcr.io',
      repository: 'distroless/static-debian12',
      tag: 'nonroot',
      digest: SHA256,
      name: 'gcr.io/distroless/static-debian12',
      normalized: `gcr.io/distroless/static-debian12:nonroot@${SHA256}`,
    });
  });

  it('does not add :latest to a digest-only reference', () => {
    expect(parsed(`alpine@${SHA256}`)).toMatchObject({
      tag: null,
      digest: SHA256,
      normalized: `docker.io/library/alpine@${SHA256}`,
    });
  });

  it('accepts sha384 and sha512 digests of the right length', () => {
    expect(parsed(`alpine@sha384:${'c'.repeat(96)}`).digest).toBe(`sha384:${'c'.repeat(96)}`);
    expect(parsed(`alpine@sha512:${'b'.repeat(128)}`).digest).toBe(`sha512:${'b'.repeat(128)}`);
  });

  it.each([
    ['too short', 'alpine@sha256:abc', 'a sha256 digest has 64 hex digits, not 3'],
    ['too long', `alpine@sha256:${'a'.repeat(65)}`, 'a sha256 digest has 64 hex digits, not 65'],
    [
      'sha512 of sha256 length',
      `alpine@sha512:${'a'.repeat(64)}`,
      'a sha512 digest has 128 hex digits, not 64',
    ],
    ['upper-case hex', `alpine@sha256:${'A'.repeat(64)}`, 'the digest must be lower-case hexadecimal'],
    ['unknown algorithm', `alpine@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm "md5"'],
    // An inherited property is no algorithm.
    [
      'named after a prototype property',
      `alpine@constructor:${'a'.repeat(64)}`,
      'unsupported digest algorithm "constructor"',
    ],
    ['empty', 'alpine@', 'the digest must look like sha256:<64 hex digits>'],
    ['without algorithm', `alpine@${'a'.repeat(64)}`, 'the digest must look like sha256:<64 hex digits>'],
  ])('rejects a digest that is %s', (_label, text, why) => {
    expect(failure(text)).toBe(`invalid image reference "${text}": ${why}`);
  });
});

describe('parseImageReference: invalid references', () => {
  it('rejects an upper-case repository, on Docker Hub and elsewhere', () => {
    expect(failure('Nginx')).toBe('invalid image reference "Nginx": repository names must be lower-case');
    expect(failure('docker.io/Library/nginx')).toMatch(/repository names must be lower-case$/);
    // A capitalised first component is a registry host in the grammar; the rest is still checked.
    expect(failure('Library/Ubuntu')).toMatch(/repository names must be lower-case$/);
  });

  it.each([
    ['starting with a dash', 'nginx:-bad', '"-bad" is not a valid tag'],
    ['empty', 'nginx:', '"" is not a valid tag'],
    ['with a +', 'nginx:a+b', '"a+b" is not a valid tag'],
    ['of 129 characters', `nginx:${'a'.repeat(129)}`, `"${'a'.repeat(129)}" is not a valid tag`],
  ])('rejects a tag %s', (_label, text, why) => {
    expect(failure(text)).toBe(`invalid image reference "${text}": ${why}`);
  });

  it('accepts a tag of exactly 128 characters', () => {
    expect(parsed(`nginx:${'a'.repeat(128)}`).tag).toHaveLength(128);
  });

  it.each([
    ['', 'it is empty'],
    ['nginx latest', 'it contains white space'],
    ['a___b', '"a___b" is not a valid repository name component'],
    ['-a', '"-a" is not a valid repository name component'],
    ['foo//bar', '"" is not a valid repository name component'],
    ['foo/bar:baz/qux', '"bar:baz" is not a valid repository name component'],
    ['ghcr.io/', 'the repository name is missing'],
    ['bad_host.io/app', '"bad_host.io" is not a valid registry host'],
  ])('rejects %j', (text, why) => {
    expect(failure(text)).toBe(`invalid image reference "${text}": ${why}`);
  });

  it('rejects a reference longer than the grammar allows', () => {
    expect(failure('x'.repeat(600))).toMatch(/: it is too long$/);
  });
});
