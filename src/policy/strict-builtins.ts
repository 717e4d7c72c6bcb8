/**
 * OPA's strict built-in errors for policies compiled to WebAssembly.
 *
 * The wasm target has no strict mode: a built-in compiled into the module (OPA's C library,
 * wasm/src/*.c) signals an error, such as `1 / 0` or `to_number("a")`, by returning NULL,
 * and the planned code treats NULL as undefined, so a rule that hits one silently yields
 * nothing and the gate passes. This pass makes each such built-in trap instead: the body
 * of its function (found by name in the module's name section) moves to a new function at
 * the end of the module, and its own index gets a wrapper that calls it and executes
 * `unreachable` on NULL. No function index changes, so no instruction is decoded or
 * rewritten. The trap's stack names the built-in and the rule that called it
 * (`builtinFailure`).
 *
 * Not every NULL is an error, so the pass takes a list, from reading each function's C
 * source against the Go implementation (internal/compiler/wasm/wasm.go maps names):
 * - `is_number`, `is_string`… return NULL for false, and `max`/`min` return NULL for an
 *   empty collection (undefined in Go as well, without an error): never wrapped.
 * - Below, every NULL path is an operand of the wrong type or a value the built-in
 *   rejects (division or `rem` by zero, a string that is no number, an invalid regular
 *   expression, a negative substring offset…), all errors in OPA's Go built-ins.
 * Built-ins not listed (json.*, base64.*, net.cidr_*, glob.match, graph.reachable,
 * numbers.range, bits.*…) keep OPA's behaviour until someone checks their C source.
 */

/** C function → the Rego built-in(s) it implements. */
const STRICT_BUILTINS: Readonly<Record<string, string>> = {
  opa_arith_plus: '+ (plus)',
  opa_arith_minus: '- (minus)',
  opa_arith_multiply: '* (mul)',
  opa_arith_divide: '/ (div)',
  opa_arith_rem: '% (rem)',
  opa_arith_abs: 'abs',
  opa_arith_round: 'round',
  opa_arith_ceil: 'ceil',
  opa_arith_floor: 'floor',
  opa_to_number: 'to_number',
  opa_agg_count: 'count',
  opa_agg_sum: 'sum',
  opa_agg_product: 'product',
  opa_agg_sort: 'sort',
  opa_array_concat: 'array.concat',
  opa_array_slice: 'array.slice',
  opa_set_union: '| (or)',
  opa_set_intersection: '& (and)',
  opa_sets_union: 'union',
  opa_sets_intersection: 'intersection',
  builtin_object_get: 'object.get',
  builtin_object_union: 'object.union',
  builtin_object_filter: 'object.filter',
  builtin_object_remove: 'object.remove',
  opa_strings_concat: 'concat',
  opa_strings_contains: 'contains',
  opa_strings_startswith: 'startswith',
  opa_strings_endswith: 'endswith',
  opa_strings_indexof: 'indexof',
  opa_strings_format_int: 'format_int',
  opa_strings_lower: 'lower',
  opa_strings_upper: 'upper',
  opa_strings_split: 'split',
  opa_strings_replace: 'replace',
  opa_strings_replace_n: 'strings.replace_n',
  opa_strings_substring: 'substring',
  opa_strings_trim: 'trim',
  opa_strings_trim_left: 'trim_left',
  opa_strings_trim_right: 'trim_right',
  opa_strings_trim_prefix: 'trim_prefix',
  opa_strings_trim_suffix: 'trim_suffix',
  opa_strings_trim_space: 'trim_space',
  opa_regex_match: 'regex.match',
  opa_regex_find_all_string_submatch: 'regex.find_all_string_submatch_n',
};

/** The moved original body's name: a trap inside it is the C library's, not ours. */
const UNCHECKED_SUFFIX = '$unchecked';
const I32 = 0x7f;

interface Section {
  id: number;
  /** The whole section: id, size and payload. */
  bytes: Uint8Array;
  payload: Uint8Array;
}

/** The module with every listed built-in trapping on NULL instead of returning it. */
export function strictBuiltins(wasm: Uint8Array): Uint8Array {
  if (readU32(wasm, 0) !== 0x6d736100 || readU32(wasm, 4) !== 1) {
    throw new Error('strictBuiltins: not a WebAssembly module (version 1)');
  }
  const sections = splitSections(wasm);
  const find = (id: number, name?: string) =>
    sections.find((s) => s.id === id && (name === undefined || customName(s) === name));
  const typeSection = find(1);
  const functionSection = find(3);
  const codeSection = find(10);
  const nameSection = find(0, 'name');
  if (!typeSection || !functionSection || !codeSection || !nameSection) {
    // OPA's compiler always emits these (it looks its runtime's functions up by name).
    throw new Error('strictBuiltins: the module lacks a type, function, code or name section');
  }
  const types = readTypes(typeSection.payload);
  const importedFunctions = countFunctionImports(find(2)?.payload);
  const functionTypes = readVector(functionSection.payload, (r) => r.u32());
  const bodies = readVector(codeSection.payload, (r) => r.bytes(r.u32()));
  const names = readNames(nameSection.payload);

  let wrapped = 0;
  for (const [index, functionName] of [...names.functions]) {
    if (!Object.hasOwn(STRICT_BUILTINS, functionName)) continue;
    const defined = index - importedFunctions;
    const typeIndex = functionTypes[defined];
    const body = bodies[defined];
    if (defined < 0 || typeIndex === undefined || body === undefined) continue;
    const type = types[typeIndex];
    if (type?.results.length !== 1 || type.results[0] !== I32 || type.params.some((p) => p !== I32)) {
      throw new Error(`strictBuiltins: ${functionName} does not have the signature of an OPA built-in`);
    }
    const unchecked = importedFunctions + functionTypes.length;
    functionTypes.push(typeIndex);
    bodies.push(body);
    bodies[defined] = wrapperBody(type.params.length, unchecked);
    names.functions.set(unchecked, `${functionName}${UNCHECKED_SUFFIX}`);
    wrapped++;
  }
  if (wrapped === 0) return wasm;

  const replaced = new Map<Section, Uint8Array>([
    [functionSection, section(3, vector(functionTypes.map(u32)))],
    [codeSection, section(10, vector(bodies.map((b) => concat([u32(b.length), b]))))],
    [nameSection, section(0, concat([name('name'), writeNames(names)]))],
  ]);
  return concat([wasm.subarray(0, 8), ...sections.map((s) => replaced.get(s) ?? s.bytes)]);
}

/**
 * What failed, from a trap's stack: V8 names wasm frames `<module name>.<function name>`
 * after the name section, so the top frame is the wrapper (named after the built-in's C
 * function) and the next one the compiled rule that called it
 * (`g0.data.portcullis.rules.<package>.<rule>`).
 */
export function builtinFailure(error: unknown): { builtin: string; rule: string | null } | null {
  // A WebAssembly.RuntimeError (the trap); Node's types do not declare the WebAssembly namespace.
  if (!(error instanceof Error) || error.name !== 'RuntimeError' || typeof error.stack !== 'string')
    return null;
  const [top, caller] = [...error.stack.matchAll(/^\s*at (\S+) \(wasm:/gm)].map((m) => m[1] as string);
  const function_ = top?.slice(top.lastIndexOf('.') + 1);
  if (function_ === undefined || !Object.hasOwn(STRICT_BUILTINS, function_)) return null;
  const rule = caller?.includes('g0.data.')
    ? caller.slice(caller.indexOf('g0.data.') + 'g0.data.'.length)
    : null;
  return { builtin: STRICT_BUILTINS[function_] as string, rule };
}

/** `(local $r i32) call $unchecked(params…); if (r == 0) unreachable; return r`. */
function wrapperBody(params: number, unchecked: number): Uint8Array {
  const result = u32(params);
  const code = [
    vector([concat([u32(1), Uint8Array.of(I32)])]),
    ...Array.from({ length: params }, (_, i) => concat([Uint8Array.of(0x20), u32(i)])),
    Uint8Array.of(0x10),
    u32(unchecked),
    Uint8Array.of(0x22),
    result,
    // i32.eqz; if (empty block type); unreachable; end
    Uint8Array.of(0x45, 0x04, 0x40, 0x00, 0x0b, 0x20),
    result,
    Uint8Array.of(0x0b),
  ];
  return concat(code);
}

function splitSections(wasm: Uint8Array): Section[] {
  const sections: Section[] = [];
  const reader = new Reader(wasm, 8);
  while (reader.offset < wasm.length) {
    const start = reader.offset;
    const id = reader.byte();
    const size = reader.u32();
    const payload = reader.bytes(size);
    sections.push({ id, bytes: wasm.subarray(start, reader.offset), payload });
  }
  return sections;
}

function customName(s: Section): string | null {
  if (s.id !== 0) return null;
  const reader = new Reader(s.payload);
  return new TextDecoder().decode(reader.bytes(reader.u32()));
}

function readTypes(payload: Uint8Array): { params: number[]; results: number[] }[] {
  return readVector(payload, (r) => {
    if (r.byte() !== 0x60) throw new Error('strictBuiltins: unexpected type form');
    const params = r.vector(() => r.byte());
    const results = r.vector(() => r.byte());
    return { params, results };
  });
}

function countFunctionImports(payload: Uint8Array | undefined): number {
  if (!payload) return 0;
  let functions = 0;
  readVector(payload, (r) => {
    r.bytes(r.u32());
    r.bytes(r.u32());
    const kind = r.byte();
    if (kind === 0) {
      functions++;
      r.u32();
    } else if (kind === 1) {
      r.byte();
      r.limits();
    } else if (kind === 2) {
      r.limits();
    } else if (kind === 3) {
      r.byte();
      r.byte();
    } else {
      throw new Error(`strictBuiltins: unexpected import kind ${kind}`);
    }
  });
  return functions;
}

interface Names {
  /** Subsections before and after the function names (module and local names), as they were. */
  before: Uint8Array[];
  functions: Map<number, string>;
  after: Uint8Array[];
}

function readNames(payload: Uint8Array): Names {
  const reader = new Reader(payload);
  reader.bytes(reader.u32());
  const names: Names = { before: [], functions: new Map(), after: [] };
  let seen = false;
  while (reader.offset < payload.length) {
    const start = reader.offset;
    const id = reader.byte();
    const content = reader.bytes(reader.u32());
    if (id === 1) {
      seen = true;
      readVector(content, (r) => {
        const index = r.u32();
        names.functions.set(index, new TextDecoder().decode(r.bytes(r.u32())));
      });
    } else {
      (seen ? names.after : names.before).push(payload.subarray(start, reader.offset));
    }
  }
  return names;
}

function writeNames(names: Names): Uint8Array {
  const entries = [...names.functions].sort(([a], [b]) => a - b).map(([i, n]) => concat([u32(i), name(n)]));
  const functions = vector(entries);
  return concat([...names.before, Uint8Array.of(1), u32(functions.length), functions, ...names.after]);
}

class Reader {
  constructor(
    private readonly data: Uint8Array,
    public offset = 0,
  ) {}

  byte(): number {
    if (this.offset >= this.data.length) throw new Error('strictBuiltins: unexpected end of module');
    return this.data[this.offset++] as number;
  }

  /** Unsigned LEB128, up to 64 bits (memory64 limits), as a JavaScript number. */
  u32(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return value;
      scale *= 128;
    }
  }

  bytes(length: number): Uint8Array {
    if (this.offset + length > this.data.length) throw new Error('strictBuiltins: unexpected end of module');
    const out = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  vector<T>(item: () => T): T[] {
    return Array.from({ length: this.u32() }, item);
  }

  limits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}

function readVector<T>(payload: Uint8Array, item: (r: Reader) => T): T[] {
  const reader = new Reader(payload);
  return reader.vector(() => item(reader));
}

function readU32(data: Uint8Array, offset: number): number {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(offset, true);
}

function u32(value: number): Uint8Array {
  const out: number[] = [];
  let rest = value;
  do {
    const b = rest & 0x7f;
    rest = Math.floor(rest / 128);
    out.push(rest === 0 ? b : b | 0x80);
  } while (rest !== 0);
  return Uint8Array.from(out);
}

function name(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  return concat([u32(bytes.length), bytes]);
}

function vector(items: Uint8Array[]): Uint8Array {
  return concat([u32(items.length), ...items]);
}

function section(id: number, payload: Uint8Array): Uint8Array {
  return concat([Uint8Array.of(id), u32(payload.length), payload]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
