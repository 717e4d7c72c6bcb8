import { CUSTOM_BUILTINS, wasmBuiltins } from './builtins.js';
import { goSprintf } from './go-sprintf.js';

describe('goSprintf (OPA sprintf semantics)', () => {
  it.each([
    ['%s uses %q', ['alpine', 'latest'], 'alpine uses "latest"'],
    // Go's strconv.Quote: printable ASCII is space to `~`; DEL and controls are escaped, as a no-break space.
    ['%q', [' ~a\tb\x7f\x1fé\u00a0'], '" ~a\\tb\\x7f\\x1fé\\u00a0"'],
    ['%v', [['a', 'b']], '["a", "b"]'],
    ['%v', [{ a: 1 }], '{"a": 1}'],
    ['%d findings', [3], '3 findings'],
    ['%5d|%-4s|', [42, 'x'], '   42|x   |'],
    ['%.2f', [1.005], '1.00'],
    ['100%%', [], '100%'],
    ['%s and %s', ['one'], 'one and %!s(MISSING)'],
    ['%x', [255], 'ff'],
    // OPA hands Go every value that is no number as a string, so %t never sees a boolean.
    ['%t', [true], '%!t(string=true)'],
    ['%v', [{ z: 1, a: 2 }], '{"a": 2, "z": 1}'],
    ['%.0f %.1f', [2.5, 2.25], '2 2.2'],
    ['%e %v', [1.5e-7, 1.5e-7], '1.500000e-07 1.5e-07'],
    ['%s', [42], '%!s(int64=42)'],
    ['plain', ['x'], 'plain%!(EXTRA string=x)'],
  ])('%s with %j', (format, args, expected) => {
    expect(goSprintf(format, args)).toBe(expected);
  });
});

describe('custom built-ins', () => {
  it('are offered to the compiler alongside the SDK ones', () => {
    for (const name of ['sprintf', 'regex.replace', 'time.now_ns', 'count', 'regex.match']) {
      expect(wasmBuiltins().has(name)).toBe(true);
    }
  });

  it('implement regex.replace, semver.compare and units.parse_bytes as OPA does', () => {
    expect(CUSTOM_BUILTINS['regex.replace']?.('a-b-c', '-', '_')).toBe('a_b_c');
    expect(CUSTOM_BUILTINS['semver.compare']?.('1.2.3', '1.10.0')).toBe(-1);
    expect(CUSTOM_BUILTINS['semver.compare']?.('2.0.0', '2.0.0-rc.1')).toBe(1);
    expect(CUSTOM_BUILTINS['semver.compare']?.('1.0.0-alpha.10', '1.0.0-alpha.2')).toBe(1);
    expect(CUSTOM_BUILTINS['semver.compare']?.('v1.2.3', '1.2.3')).toBe(0);
    expect(CUSTOM_BUILTINS['semver.is_valid']?.('01.2.3')).toBe(false);
    expect(CUSTOM_BUILTINS['units.parse_bytes']?.('10MiB')).toBe(10 * 1024 * 1024);
    expect(CUSTOM_BUILTINS['units.parse_bytes']?.('1KB')).toBe(1000);
    // A unit named after an inherited property is an error, not NaN.
    expect(() => CUSTOM_BUILTINS['units.parse_bytes']?.('1constructor')).toThrow(/could not parse/);
  });
});

describe('indexof_n', () => {
  it('returns every index, counted in code points', () => {
    expect(CUSTOM_BUILTINS.indexof_n?.('a-b-c', '-')).toEqual([1, 3]);
    expect(CUSTOM_BUILTINS.indexof_n?.('é-x', '-')).toEqual([1]);
    expect(CUSTOM_BUILTINS.indexof_n?.('abc', 'z')).toEqual([]);
    expect(CUSTOM_BUILTINS.indexof_n?.('😀-x😀-', '-')).toEqual([1, 4]);
    expect(CUSTOM_BUILTINS.indexof_n?.('😀😀', '😀')).toEqual([0, 1]);
  });

  it('counts overlapping matches, as OPA does', () => {
    expect(CUSTOM_BUILTINS.indexof_n?.('aaaa', 'aa')).toEqual([0, 1, 2]);
  });
});

describe('RE2 flag groups', () => {
  it('turn a leading (?i) into a case-insensitive match', () => {
    expect(CUSTOM_BUILTINS['regex.replace']?.('Token TOKEN', '(?i)token', 'x')).toBe('x x');
    expect(CUSTOM_BUILTINS['regex.find_n']?.('(?i)ab', 'AB ab aB', -1)).toEqual(['AB', 'ab', 'aB']);
  });
});
