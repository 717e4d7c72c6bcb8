// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile and shell text is full of literal ${…}.
import { substituteVariables, VariableLimitError } from './variables.js';

/** SET=value, EMPTY='', DECLARED declared without a default (null); MISSING not declared at all. */
const values = new Map<string, string | null>([
  ['SET', 'value'],
  ['EMPTY', ''],
  ['DECLARED', null],
  ['TAG', '20-alpine'],
  ['REGISTRY', 'ghcr.io/acme'],
]);
/** The substitution, with `undefined` only when some name was undeclared (most cases have none). */
const substitute = (text: string, escapeChar?: string) => {
  const { undefined: undeclared, ...rest } = substituteVariables(text, values, escapeChar);
  return undeclared.length > 0 ? { ...rest, undefined: undeclared } : rest;
};

describe('substituteVariables: plain references', () => {
  it('replaces $NAME and ${NAME}', () => {
    expect(substitute('node:$TAG')).toEqual({ value: 'node:20-alpine', unresolved: [] });
    expect(substitute('${REGISTRY}/app:${TAG}')).toEqual({
      value: 'ghcr.io/acme/app:20-alpine',
      unresolved: [],
    });
  });

  it('ends $NAME at the first character that cannot be in a name', () => {
    expect(substitute('$SET-$SET.$SET/$SET:x')).toEqual({
      value: 'value-value.value/value:x',
      unresolved: [],
    });
    expect(substitute('$SETx')).toEqual({ value: '', unresolved: [], undefined: ['SETx'] });
  });

  it('substitutes an empty value', () => {
    expect(substitute('a${EMPTY}b$EMPTY')).toEqual({ value: 'ab', unresolved: [] });
  });

  it('leaves names declared without a value as written and lists each once', () => {
    expect(substitute('${DECLARED}-$DECLARED')).toEqual({
      value: '${DECLARED}-$DECLARED',
      unresolved: ['DECLARED'],
    });
  });

  it('makes names nothing declares empty, as BuildKit does (`FROM alpine$TAG` is `alpine`), and lists each once', () => {
    expect(substitute('alpine$MISSING')).toEqual({ value: 'alpine', unresolved: [], undefined: ['MISSING'] });
    expect(substitute('$MISSING:${DECLARED}-${MISSING}')).toEqual({
      value: ':${DECLARED}-',
      unresolved: ['DECLARED'],
      undefined: ['MISSING'],
    });
  });

  it('leaves a $ that starts no name alone', () => {
    expect(substitute('cost: $5, $ alone, $')).toEqual({ value: 'cost: $5, $ alone, $', unresolved: [] });
    expect(substitute('${')).toEqual({ value: '${', unresolved: [] });
    expect(substitute('${SET')).toEqual({ value: '${SET', unresolved: [] });
  });
});

describe('substituteVariables: ${NAME<operator>word}', () => {
  it.each([
    // ${NAME:-word}: the word when unset or empty
    ['${SET:-word}', 'value'],
    ['${EMPTY:-word}', 'word'],
    ['${DECLARED:-word}', 'word'],
    ['${MISSING:-word}', 'word'],
    // ${NAME-word}: the word only when unset
    ['${SET-word}', 'value'],
    ['${EMPTY-word}', ''],
    ['${DECLARED-word}', 'word'],
    ['${MISSING-word}', 'word'],
    // ${NAME:+word}: the word when set and not empty
    ['${SET:+word}', 'word'],
    ['${EMPTY:+word}', ''],
    ['${DECLARED:+word}', ''],
    ['${MISSING:+word}', ''],
    // ${NAME+word}: the word when set, even empty
    ['${SET+word}', 'word'],
    ['${EMPTY+word}', 'word'],
    ['${DECLARED+word}', ''],
    ['${MISSING+word}', ''],
  ])('%s → %j', (text, value) => {
    expect(substitute(text)).toEqual({ value, unresolved: [] });
  });

  it('accepts an empty word and words with blanks and colons', () => {
    expect(substitute('${MISSING:-}x')).toEqual({ value: 'x', unresolved: [] });
    expect(substitute('${MISSING:-a b:c}')).toEqual({ value: 'a b:c', unresolved: [] });
  });

  it('substitutes variables inside the word, nested or not', () => {
    expect(substitute('node:${MISSING:-$TAG}')).toEqual({ value: 'node:20-alpine', unresolved: [] });
    expect(substitute('node:${MISSING:-${TAG}}-x')).toEqual({ value: 'node:20-alpine-x', unresolved: [] });
    expect(substitute('${MISSING:-${DECLARED:-${SET}}}')).toEqual({ value: 'value', unresolved: [] });
  });

  it('reports variables of the word only when the word is used', () => {
    expect(substitute('${MISSING:-${DECLARED}}')).toEqual({ value: '${DECLARED}', unresolved: ['DECLARED'] });
    expect(substitute('${MISSING:-${OTHER}}')).toEqual({ value: '', unresolved: [], undefined: ['OTHER'] });
    expect(substitute('${SET:-${OTHER}}')).toEqual({ value: 'value', unresolved: [] });
    expect(substitute('${MISSING:+${OTHER}}')).toEqual({ value: '', unresolved: [] });
  });

  it('survives hostile nesting quickly, leaving words nested too deep as written', () => {
    const deep = `${'${A:-'.repeat(20_000)}x${'}'.repeat(20_000)}`;
    const started = Date.now();
    const result = substitute(deep);
    expect(result.value).toMatch(/^(\$\{A:-)+x\}+$/);
    expect(result.value.length).toBeLessThan(deep.length);
    expect(substitute('${A:-'.repeat(50_000)).value).toBe('${A:-'.repeat(50_000));
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('leaves forms it does not support as written', () => {
    for (const text of ['${TAG%-*}', '${TAG#*-}', '${SET:?required}', '${TAG/alpine/slim}', '${#TAG}']) {
      expect(substitute(text)).toEqual({ value: text, unresolved: [] });
    }
  });
});

describe('substituteVariables: escapes', () => {
  it('turns an escaped \\$ into a literal $ that starts no reference', () => {
    expect(substitute('\\$SET and \\${SET} and $SET')).toEqual({
      value: '$SET and ${SET} and value',
      unresolved: [],
    });
  });

  it('uses the Dockerfile escape character, so ` escapes under # escape=`', () => {
    expect(substitute('`$SET \\$SET', '`')).toEqual({ value: '$SET \\value', unresolved: [] });
  });

  it('keeps an escape character that does not precede $', () => {
    expect(substitute('C:\\path\\$SET')).toEqual({ value: 'C:\\path$SET', unresolved: [] });
    expect(substitute('a\\b')).toEqual({ value: 'a\\b', unresolved: [] });
  });
});

describe('substituteVariables: bounded', () => {
  it('stops a value that grows past 64 KiB with a VariableLimitError, not `Invalid string length`', () => {
    const doubling = new Map<string, string | null>([['A', 'x'.repeat(40 * 1024)]]);
    expect(substituteVariables('$A', doubling).value).toHaveLength(40 * 1024);
    expect(() => substituteVariables('$A$A', doubling)).toThrow(VariableLimitError);
    expect(() => substituteVariables('$A$A', doubling)).toThrow(/more than 64 KiB/);
  });

  it('stops a value with too many expansions, nested words included', () => {
    const empty = new Map<string, string | null>([['E', '']]);
    expect(substituteVariables('$E'.repeat(10_000), empty).value).toBe('');
    expect(() => substituteVariables('$E'.repeat(10_001), empty)).toThrow(
      /more than 10000 variable expansions/,
    );
    expect(() => substituteVariables(`\${U:-${'$E'.repeat(10_000)}}`, empty)).toThrow(VariableLimitError);
  });
});
