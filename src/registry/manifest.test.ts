import { describe, expect, test } from '@jest/globals';
import {
  type ImageIndex,
  isDigest,
  MEDIA_TYPE,
  parseManifest,
  parsePlatform,
  selectPlatform,
} from './manifest.js';

const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const entry = (n: number, platform: { os: string; architecture: string; variant?: string }) => ({
  mediaType: MEDIA_TYPE.ociManifest,
  digest: digest(n),
  size: 100,
  platform,
});
const index: ImageIndex = {
  kind: 'index',
  mediaType: MEDIA_TYPE.ociIndex,
  manifests: [
    entry(1, { os: 'linux', architecture: 'amd64' }),
    entry(2, { os: 'linux', architecture: 'arm', variant: 'v6' }),
    entry(3, { os: 'linux', architecture: 'arm', variant: 'v7' }),
    entry(4, { os: 'linux', architecture: 'arm64' }),
    entry(5, { os: 'unknown', architecture: 'unknown' }),
  ],
};
const pick = (text: string) => {
  const platform = parsePlatform(text);
  if (!platform) throw new Error(`bad platform ${text}`);
  return selectPlatform(index, platform)?.digest ?? null;
};

describe('selectPlatform', () => {
  test('os and architecture; the variant when asked; arm64 means arm64/v8', () => {
    expect(pick('linux/amd64')).toBe(digest(1));
    expect(pick('linux/arm')).toBe(digest(2));
    expect(pick('linux/arm/v7')).toBe(digest(3));
    expect(pick('linux/arm64')).toBe(digest(4));
    expect(pick('linux/arm64/v8')).toBe(digest(4));
    expect(pick('linux/arm/v5')).toBeNull();
    expect(pick('windows/amd64')).toBeNull();
    expect(pick('unknown/unknown')).toBe(digest(5));
  });

  test('platform syntax', () => {
    expect(parsePlatform('linux')).toBeNull();
    expect(parsePlatform('linux/amd64/v3/x')).toBeNull();
    expect(parsePlatform('Linux/AMD64')).toBeNull();
  });
});

describe('parseManifest', () => {
  const bytes = (json: unknown) => Buffer.from(JSON.stringify(json));
  const config = { mediaType: MEDIA_TYPE.ociConfig, digest: digest(7), size: 2 };

  test('the mediaType field wins over the header; without either, the shape decides', () => {
    const withField = parseManifest(
      bytes({ schemaVersion: 2, mediaType: MEDIA_TYPE.dockerManifest, config, layers: [] }),
      'application/json',
    );
    expect(withField).toMatchObject({ kind: 'manifest', mediaType: MEDIA_TYPE.dockerManifest });
    expect(parseManifest(bytes({ schemaVersion: 2, config, layers: [] }), null)).toMatchObject({
      kind: 'manifest',
      mediaType: MEDIA_TYPE.ociManifest,
    });
    expect(parseManifest(bytes({ schemaVersion: 2, manifests: [] }), null)).toMatchObject({ kind: 'index' });
  });

  test('schema 1, broken JSON and bad descriptors are errors with a reason', () => {
    expect(
      parseManifest(
        bytes({ schemaVersion: 1, name: 'x' }),
        'application/vnd.docker.distribution.manifest.v1+prettyjws',
      ),
    ).toEqual({
      error:
        'it is a Docker schema 1 manifest, which is deprecated: push the image again with a current tool',
    });
    expect(parseManifest(Buffer.from('{'), null)).toEqual({ error: 'it is not JSON' });
    expect(
      parseManifest(
        bytes({ schemaVersion: 2, config: { ...config, digest: 'sha256:abc' }, layers: [] }),
        null,
      ),
    ).toEqual({ error: 'config: the descriptor has no valid digest' });
    expect(
      parseManifest(bytes({ schemaVersion: 2, config, layers: [{ ...config, size: -1 }] }), null),
    ).toEqual({
      error: 'layers[0]: the descriptor has no valid size',
    });
  });
});

describe('isDigest', () => {
  test('checks the length of registered algorithms only; an inherited property name is just another algorithm', () => {
    expect(isDigest(`sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(isDigest(`sha256:${'a'.repeat(63)}`)).toBe(false);
    expect(isDigest(`constructor:${'a'.repeat(64)}`)).toBe(true);
  });
});
