import { parse as parseYaml } from 'yaml';
import { formatKeyPath, MAX_DATA_DEPTH, mergeData, plainDataProblem } from './plain-data.js';

describe('how the parsers treat `__proto__` (what plainDataProblem relies on)', () => {
  // Both parsers make `__proto__` an own key and leave the prototype alone: the danger is
  // in what is done with the parsed value afterwards, so that is where it is refused.
  it.each([
    ['JSON.parse', () => JSON.parse('{"__proto__": {"polluted": true}}')],
    ['yaml', () => parseYaml('__proto__:\n  polluted: true\n')],
    [
      'yaml with a merge key',
      () => parseYaml('a: &a\n  __proto__: {polluted: true}\nb:\n  <<: *a\n', { merge: true }),
    ],
  ])('%s creates an own key and pollutes nothing', (_, parse) => {
    const value = parse() as Record<string, Record<string, unknown>>;
    const owner = Object.hasOwn(value, '__proto__') ? value : (value.b as Record<string, unknown>);
    expect(Object.hasOwn(owner, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('plainDataProblem', () => {
  it('finds a reserved key at any depth, in mappings and lists', () => {
    expect(plainDataProblem(JSON.parse('{"a": {"b": [1, {"__proto__": {}}]}}'))).toEqual({
      path: ['a', 'b', 1, '__proto__'],
      message: expect.stringContaining('"__proto__" is a reserved key'),
    });
    expect(plainDataProblem({ constructor: { prototype: {} } })?.path).toEqual(['constructor']);
    expect(plainDataProblem({ a: { prototype: 1 } })?.path).toEqual(['a', 'prototype']);
  });

  it('accepts plain data, and reserved words as values', () => {
    expect(plainDataProblem({ a: ['__proto__', { b: 'constructor' }], c: null })).toBeNull();
    expect(plainDataProblem('text')).toBeNull();
  });

  it('refuses data nested deeper than the limit instead of overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(plainDataProblem(deep)).toEqual({
      path: expect.any(Array),
      message: `nested deeper than ${MAX_DATA_DEPTH} levels`,
    });
  });

  it('writes key paths the way configuration messages do', () => {
    expect(formatKeyPath(['trust', 'policies', 0, 'keys', 1])).toBe('trust.policies[0].keys[1]');
    expect(formatKeyPath([0, '__proto__'])).toBe('[0].__proto__');
  });
});

describe('mergeData', () => {
  it('merges mappings key by key and leaves its inputs unchanged', () => {
    const base = { a: { b: 1, c: [1] }, d: 1 };
    expect(mergeData(base, { a: { c: [2], e: 3 }, d: { f: 1 } })).toEqual({
      a: { b: 1, c: [2], e: 3 },
      d: { f: 1 },
    });
    expect(base).toEqual({ a: { b: 1, c: [1] }, d: 1 });
  });

  it('refuses a reserved key rather than walk into a prototype', () => {
    expect(() => mergeData({ a: {} }, JSON.parse('{"a": {"__proto__": {"polluted": true}}}'))).toThrow(
      /reserved key/,
    );
    expect(() => mergeData({}, JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'))).toThrow(
      /reserved key/,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never merges into what an object only inherits', () => {
    expect(mergeData({}, { toString: { a: 1 } })).toEqual({ toString: { a: 1 } });
  });
});
