import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compiledWasm, PREBUILT_DIR, prewarmPrebuiltPack } from './wasm-module.js';

const prebuilt = () => {
  const file = readdirSync(PREBUILT_DIR).find((name) => name.endsWith('.wasm')) as string;
  return { hash: file.slice(0, -'.wasm'.length), bytes: readFileSync(join(PREBUILT_DIR, file)) };
};

describe('the prewarmed built-in pack', () => {
  it("is what the check's engine gets for the prebuilt bytes, and nothing else is", async () => {
    const { hash, bytes } = prebuilt();
    await prewarmPrebuiltPack();
    const warmed = compiledWasm(hash, bytes);
    expect(compiledWasm(hash, Buffer.from(bytes))).toBe(warmed);
    await expect(warmed).resolves.toBeDefined();
    // A torn copy under the same hash is compiled on its own (and fails there).
    const torn = compiledWasm(hash, bytes.subarray(0, bytes.length - 10));
    expect(torn).not.toBe(warmed);
    await expect(torn).rejects.toThrow();
  });

  it('is not there to warm in a folder without a prebuilt pack, and the check compiles as always', async () => {
    await expect(prewarmPrebuiltPack(join(PREBUILT_DIR, 'missing'))).resolves.toBeUndefined();
  });
});
