import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compiledWasm, PREBUILT_DIR, prewarmPrebuiltPack, withCustomSection } from './wasm-module.js';

declare const WebAssembly: {
  compile(bytes: Uint8Array): Promise<object>;
  Module: {
    exports(module: object): { name: string }[];
    customSections(module: object, name: string): ArrayBuffer[];
  };
};

const prebuilt = () => {
  const file = readdirSync(PREBUILT_DIR).find((name) => name.endsWith('.wasm')) as string;
  return { hash: file.slice(0, -'.wasm'.length), bytes: readFileSync(join(PREBUILT_DIR, file)) };
};

describe('the prewarmed built-in pack', () => {
  it('is the same module with one empty custom section more, under long and short names alike', async () => {
    const { bytes } = prebuilt();
    const original = await WebAssembly.compile(bytes);
    for (const name of ['portcullis.main-thread', 'x'.repeat(200)]) {
      const variant = await WebAssembly.compile(withCustomSection(bytes, name));
      expect(WebAssembly.Module.exports(variant)).toEqual(WebAssembly.Module.exports(original));
      expect(WebAssembly.Module.customSections(variant, name).map((s) => s.byteLength)).toEqual([0]);
    }
  });

  it("is what the check's engine gets for the prebuilt bytes, and nothing else is", async () => {
    const { hash, bytes } = prebuilt();
    prewarmPrebuiltPack();
    const warmed = compiledWasm(hash, bytes);
    expect(compiledWasm(hash, Buffer.from(bytes))).toBe(warmed);
    // A torn copy under the same hash is compiled on its own (and fails there).
    const torn = compiledWasm(hash, bytes.subarray(0, bytes.length - 10));
    expect(torn).not.toBe(warmed);
    await expect(torn).rejects.toThrow();
  });
});
