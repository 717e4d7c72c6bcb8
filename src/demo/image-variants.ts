/**
 * Images with lighter siblings of the same version, as files by layer, for the demo's
 * registry and the tests' (each pushes them with its own client): `example/python:3.12`
 * (about 3 MB compressed), `3.12-slim` (about 600 kB) and `3.12-alpine` (about 300 kB), plus
 * `3.12-slim-bookworm`, a tag the variants table does not name; and stand-ins for distroless
 * (`distroless/static-debian12:nonroot`, `distroless/base-debian12:nonroot`) that a
 * repository's data points PC-IMG-012 at instead of gcr.io. The layer contents are
 * pseudo-random (deterministic) so gzip cannot shrink them away, and the sizes differ the
 * way real variants do.
 */
import { createHash } from 'node:crypto';

export const VARIANT_REPOSITORY = 'example/python';

/** `bytes` of base64 text that gzip keeps at about three quarters of its length. */
export function noise(seed: string, bytes: number): string {
  const chunks: Buffer[] = [];
  let block = createHash('sha256').update(seed).digest();
  for (let made = 0; made < (bytes * 3) / 4; made += block.length) {
    chunks.push(block);
    block = createHash('sha256').update(block).digest();
  }
  return Buffer.concat(chunks).toString('base64').slice(0, bytes);
}

export interface VariantImage {
  repository: string;
  tag: string;
  /** Files by path, one layer each. */
  layers: Record<string, string>[];
}

function python(tag: string, bytes: number): VariantImage {
  return {
    repository: VARIANT_REPOSITORY,
    tag,
    layers: [{ 'etc/os-release': `ID=${tag}\n` }, { 'usr/lib/python3.12/stdlib.bin': noise(tag, bytes) }],
  };
}

/** `example/python`'s tags, in push order: full, slim, alpine, then one no variant names. */
export const PYTHON_VARIANTS = {
  full: python('3.12', 3_000_000),
  slim: python('3.12-slim', 600_000),
  alpine: python('3.12-alpine', 300_000),
  slimBookworm: python('3.12-slim-bookworm', 600_000),
};

/** Distroless stand-ins: smaller than every python tag, static smaller than base. */
export const DISTROLESS = {
  static: {
    repository: 'distroless/static-debian12',
    tag: 'nonroot',
    layers: [
      {
        'etc/ssl/certs/ca-certificates.crt': noise('static', 150_000),
        'etc/passwd': 'nonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n',
      },
    ],
  },
  base: {
    repository: 'distroless/base-debian12',
    tag: 'nonroot',
    layers: [
      {
        'lib/x86_64-linux-gnu/libc.so.6': noise('base', 250_000),
        'etc/passwd': 'nonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n',
      },
    ],
  },
} satisfies Record<string, VariantImage>;

/**
 * `image_variants.single_binary` of a repository's policy data that points the distroless
 * candidates at `host`'s stand-ins: how a mirror replaces gcr.io.
 */
export function distrolessMirrorData(host: string): Record<string, unknown> {
  const entry = (image: VariantImage) => ({ image: `${host}/${image.repository}:${image.tag}` });
  return {
    portcullis: {
      image_variants: {
        single_binary: {
          'distroless-static': entry(DISTROLESS.static),
          'distroless-base': entry(DISTROLESS.base),
        },
      },
    },
  };
}
