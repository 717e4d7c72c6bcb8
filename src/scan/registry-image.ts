/**
 * A referenced image, pulled from its registry with Portcullis's own registry client (the
 * same credentials and plain-HTTP list as registry facts) into a docker-archive that the
 * scanner reads. Layers are verified against their digests as they arrive.
 */
import type { ImageReference } from '../image/reference.js';
import type { RegistryClient } from '../registry/client.js';
import { writeDockerArchive } from './archive.js';

/** A layer larger than this is refused: it is held in memory whole on its way to the archive. */
export const LAYER_LIMIT = 2 * 1024 * 1024 * 1024 - 1;

export async function pullImageArchive(
  client: RegistryClient,
  reference: ImageReference,
  target: string,
  options: { platform?: string } = {},
): Promise<void> {
  const resolved = await client.resolve(reference, options);
  const config = await client.blob(reference, resolved.configDigest);
  const layers: { digest: string; data: Buffer }[] = [];
  for (const layer of resolved.layers) {
    layers.push({
      digest: layer.digest,
      data: await client.blob(reference, layer.digest, { maxBytes: LAYER_LIMIT }),
    });
  }
  writeDockerArchive(target, {
    config,
    layers,
    repoTag: reference.normalized.split('@')[0] ?? reference.normalized,
  });
}
