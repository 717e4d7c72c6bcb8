/**
 * A base image with lighter siblings of the same version, pushed as real images to a test
 * registry: `example/python:3.12` (about 3 MB compressed), `3.12-slim` (about 600 kB) and
 * `3.12-alpine` (about 300 kB), plus `3.12-slim-bookworm`, a tag the variants table does not
 * name. The layer contents are pseudo-random (deterministic) so gzip cannot shrink them
 * away, and the sizes differ the way real variants do.
 */
import { createHash } from 'node:crypto';
import { type PushedImage, pushImage, type TestRegistry } from './registry.js';

export const VARIANT_REPOSITORY = 'example/python';

/** `bytes` of base64 text that gzip keeps at about three quarters of its length. */
function noise(seed: string, bytes: number): string {
  const chunks: Buffer[] = [];
  let block = createHash('sha256').update(seed).digest();
  for (let made = 0; made < (bytes * 3) / 4; made += block.length) {
    chunks.push(block);
    block = createHash('sha256').update(block).digest();
  }
  return Buffer.concat(chunks).toString('base64').slice(0, bytes);
}

export interface PushedVariants {
  full: PushedImage;
  slim: PushedImage;
  alpine: PushedImage;
}

/** Compressed size as a registry reports it: the sum of the layers. */
export function compressedSize(image: PushedImage): number {
  return image.layers.reduce((total, layer) => total + layer.size, 0);
}

export async function pushPythonVariants(registry: TestRegistry): Promise<PushedVariants> {
  const push = (tag: string, bytes: number) =>
    pushImage(registry, VARIANT_REPOSITORY, tag, {
      layers: [{ 'etc/os-release': `ID=${tag}\n` }, { 'usr/lib/python3.12/stdlib.bin': noise(tag, bytes) }],
    });
  const full = await push('3.12', 3_000_000);
  const slim = await push('3.12-slim', 600_000);
  const alpine = await push('3.12-alpine', 300_000);
  await push('3.12-slim-bookworm', 600_000);
  return { full, slim, alpine };
}
