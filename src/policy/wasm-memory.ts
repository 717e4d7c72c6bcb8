/**
 * The WebAssembly memory a compiled policy needs to load. OPA's modules import their
 * memory (`env.memory`) with a declared minimum that covers their data segments (the
 * policy's constants); instantiating with less fails, so a policy with large constants
 * needs more than the engine's usual starting size. WebAssembly.Module.imports does not
 * give limits: this reads them from the binary's import section.
 */

/** The minimum, in 64 KiB pages, of the memory the module imports; 0 when it imports none. */
export function declaredMemoryPages(wasm: Uint8Array): number {
  let at = 8; // magic and version
  const u32 = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = wasm[at++];
      if (byte === undefined) throw new Error('The policy is not a complete WebAssembly module');
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  const limits = () => {
    const flags = u32();
    const minimum = u32();
    if (flags & 1) u32(); // maximum
    return minimum;
  };
  while (at < wasm.length) {
    const id = wasm[at++];
    const size = u32();
    if (id !== 2) {
      at += size;
      continue;
    }
    for (let count = u32(); count > 0; count--) {
      // Names are length-prefixed bytes (read the length before moving past it).
      for (let name = 0; name < 2; name++) {
        const length = u32();
        at += length;
      }
      const kind = wasm[at++];
      if (kind === 0x02) return limits();
      if (kind === 0x00)
        u32(); // function: type index
      else if (kind === 0x01) {
        at++; // table: element type
        limits();
      } else if (kind === 0x03)
        at += 2; // global: value type, mutability
      else if (kind === 0x04) {
        at++; // tag: attribute
        u32();
      } else throw new Error(`The policy's WebAssembly imports something unknown (kind ${kind})`);
    }
    return 0;
  }
  return 0;
}
