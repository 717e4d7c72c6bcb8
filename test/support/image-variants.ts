/**
 * The demo's variant images (src/demo/image-variants.ts) pushed to a test registry with the
 * test client, which reports layer sizes: `example/python:3.12` with `-slim` and `-alpine`
 * siblings, and distroless stand-ins.
 */
import { DISTROLESS, PYTHON_VARIANTS, type VariantImage } from '../../src/demo/image-variants.js';
import { type PushedImage, pushImage, type TestRegistry } from './registry.js';

export { distrolessMirrorData, VARIANT_REPOSITORY } from '../../src/demo/image-variants.js';

export interface PushedVariants {
  full: PushedImage;
  slim: PushedImage;
  alpine: PushedImage;
}

/** Compressed size as a registry reports it: the sum of the layers. */
export function compressedSize(image: PushedImage): number {
  return image.layers.reduce((total, layer) => total + layer.size, 0);
}

function push(registry: TestRegistry, image: VariantImage): Promise<PushedImage> {
  return pushImage(registry, image.repository, image.tag, { layers: image.layers });
}

export async function pushPythonVariants(registry: TestRegistry): Promise<PushedVariants> {
  const full = await push(registry, PYTHON_VARIANTS.full);
  const slim = await push(registry, PYTHON_VARIANTS.slim);
  const alpine = await push(registry, PYTHON_VARIANTS.alpine);
  await push(registry, PYTHON_VARIANTS.slimBookworm);
  return { full, slim, alpine };
}

export async function pushDistroless(
  registry: TestRegistry,
): Promise<{ static: PushedImage; base: PushedImage }> {
  return { static: await push(registry, DISTROLESS.static), base: await push(registry, DISTROLESS.base) };
}
