/**
 * Built-in functions for policies compiled to WebAssembly.
 *
 * OPA's WebAssembly target leaves some built-ins to the host, and the JavaScript SDK
 * implements only part of them; its `sprintf` is sprintf-js, which rejects Go verbs
 * such as `%q` and prints `%v` of an array as "a,b". Conftest-style policies use those
 * all the time, so Portcullis supplies Go-compatible versions here. `wasmBuiltins()`
 * feeds the compiler's capabilities, so a policy that calls anything else fails at
 * compile time with OPA's own message instead of at evaluation.
 */
import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';
import { LRUCache } from 'lru-cache';
import type { RE2JS } from 're2js';
import { goSprintf } from './go-sprintf.js';
import { parseOpaCapabilities } from './opa-output.js';

type Builtin = (...args: unknown[]) => unknown;

/** Built-ins the SDK implements in JavaScript (its capabilities.json), less those we replace. */
const require = createRequire(import.meta.url);
// The SDK's package root: its `exports` hide capabilities.json and the built-in table.
const sdkRoot = join(dirname(require.resolve('@open-policy-agent/opa-wasm')), '..');

/**
 * The SDK requires its own YAML library (yaml 1.x) as it loads, for three built-ins
 * (yaml.marshal, yaml.unmarshal, yaml.is_valid) that the built-in pack never calls: ~14 ms of
 * every cold `portcullis check` and of every policy worker's start. Before the SDK loads, its
 * `require("yaml")` is answered from require.cache (which Node documents as open to new
 * entries) with the two functions it uses, which load the library on their first call.
 */
function deferSdkYaml(): void {
  try {
    const entry = createRequire(join(sdkRoot, 'src', 'builtins', 'yaml.js')).resolve('yaml');
    if (require.cache[entry]) return;
    let yaml: { parse(text: string): unknown; stringify(value: unknown): string } | undefined;
    // The package's entry is `module.exports = require('./dist').YAML`: its dist/ is the library.
    const library = () => {
      yaml ??= (require(join(dirname(entry), 'dist')) as { YAML: NonNullable<typeof yaml> }).YAML;
      return yaml;
    };
    const module = new Module(entry);
    module.filename = entry;
    module.loaded = true;
    module.exports = {
      parse: (text: string) => library().parse(text),
      stringify: (value: unknown) => library().stringify(value),
    };
    require.cache[entry] = module;
  } catch {
    // Laid out otherwise (another SDK version): the SDK loads its YAML as it always did.
  }
}
deferSdkYaml();

export const CUSTOM_BUILTINS: Record<string, Builtin> = {
  sprintf: (format, args) => {
    if (typeof format !== 'string' || !Array.isArray(args))
      throw new Error('sprintf: the format must be a string and the values an array');
    return goSprintf(format, args);
  },
  // Millisecond precision: the SDK passes values as JSON numbers.
  'time.now_ns': () => Date.now() * 1_000_000,
  'regex.replace': (s, pattern, value) =>
    regexReplace(text(s, 'regex.replace'), re2(pattern), text(value, 'regex.replace')),
  'regex.split': (pattern, s) => regexSplit(re2(pattern), text(s, 'regex.split')),
  'regex.find_n': (pattern, s, n) => {
    if (typeof n !== 'number' || !Number.isInteger(n)) throw new Error('regex.find_n: n must be an integer');
    const re = re2(pattern);
    const subject = text(s, 'regex.find_n');
    return findAll(re, subject, n).map(([start, end]) => subject.slice(start, end));
  },
  indexof_n: (s, search) => {
    const subject = text(s, 'indexof_n');
    const needle = text(search, 'indexof_n');
    if (needle.length === 0) throw new Error('indexof_n: empty search character');
    // String#indexOf, not a comparison at every code point: fixes call this on each
    // command's line, and a long RUN's line made that quadratic. Overlapping matches count,
    // as in OPA. OPA counts in code points, not UTF-16 units: a match starts on a code point
    // (the needle is well-formed text), and the code points before it are the units less
    // one per surrogate pair.
    const found: number[] = [];
    let points = 0;
    let counted = 0;
    for (let at = subject.indexOf(needle); at !== -1; at = subject.indexOf(needle, at + 1)) {
      for (; counted < at; counted++) if (!isLowSurrogate(subject.charCodeAt(counted))) points++;
      found.push(points);
    }
    return found;
  },
  'strings.any_prefix_match': (search, base) => anyMatch(search, base, (s, b) => s.startsWith(b)),
  'strings.any_suffix_match': (search, base) => anyMatch(search, base, (s, b) => s.endsWith(b)),
  'units.parse_bytes': (value) => parseBytes(text(value, 'units.parse_bytes')),
  'semver.compare': compareSemver,
  'semver.is_valid': isSemver,
};

/** Read on first use, not at import: the sandbox workers import this module and never need it. */
let wasmBuiltinNames: ReadonlySet<string> | undefined;
export function wasmBuiltins(): ReadonlySet<string> {
  const path = join(sdkRoot, 'capabilities.json');
  wasmBuiltinNames ??= new Set([
    ...parseOpaCapabilities(readFileSync(path, 'utf8'), path).builtins.map((b) => b.name),
    ...Object.keys(CUSTOM_BUILTINS),
  ]);
  return wasmBuiltinNames;
}

/**
 * The SDK looks up its own built-ins before the custom ones; remove the ones we replace
 * from its table (a CommonJS module object shared with the SDK's loader) once.
 */
let installed = false;
export function installBuiltinOverrides(): void {
  if (installed) return;
  installed = true;
  const table = require(join(sdkRoot, 'src', 'builtins', 'index.js')) as Record<string, unknown>;
  for (const name of Object.keys(CUSTOM_BUILTINS)) delete table[name];
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** A string operand, or OPA's type error. */
function text(value: unknown, builtin: string): string {
  if (typeof value !== 'string') throw new Error(`${builtin}: operand must be a string`);
  return value;
}

/**
 * OPA's regular expressions are Go's (RE2 syntax): re2js, a JavaScript port of RE2, parses
 * them exactly as Go does (no lookarounds or backreferences, `\z`, `[[:alpha:]]`, `\pL`,
 * `(?U)`…), where JavaScript's RegExp reads many of the same patterns differently.
 */
const compiled = new LRUCache<string, RE2JS>({ max: 256 });
/**
 * re2js, loaded on the first call: most evaluations call none of these built-ins, and loading
 * its 270 KB cost every cold `portcullis check` and every policy worker's start ~10 ms.
 */
let re2js: typeof import('re2js') | undefined;
function re2(pattern: unknown): RE2JS {
  const source = text(pattern, 'regex');
  let re = compiled.get(source);
  if (!re) {
    re2js ??= require('re2js') as typeof import('re2js');
    re = re2js.RE2JS.compile(source);
    compiled.set(source, re);
  }
  return re;
}

/**
 * The matches Go's FindAll would return (at most `n`, all when `n` < 0), as
 * `[start, end, group starts and ends…]` in UTF-16 units: an empty match right after the
 * previous match is skipped, and the search moves on by one code point after an empty one.
 */
function findAll(re: RE2JS, s: string, n: number): number[][] {
  const limit = n < 0 ? s.length + 1 : n;
  const matcher = re.matcher(s);
  const found: number[][] = [];
  let prevEnd = -1;
  for (let pos = 0; found.length < limit && pos <= s.length; ) {
    if (!matcher.find(pos)) break;
    const start = matcher.start();
    const end = matcher.end();
    let accept = true;
    if (end === pos) {
      if (start === prevEnd) accept = false;
      pos += pos < s.length ? ((s.codePointAt(pos) as number) > 0xffff ? 2 : 1) : 1;
    } else {
      pos = end;
    }
    prevEnd = end;
    if (accept) {
      const match = [start, end];
      for (let g = 1; g <= re.groupCount(); g++) match.push(matcher.start(g), matcher.end(g));
      found.push(match);
    }
  }
  return found;
}

/** Go's Regexp.Split(s, -1). */
function regexSplit(re: RE2JS, s: string): string[] {
  if (re.pattern() !== '' && s === '') return [''];
  const parts: string[] = [];
  let begin = 0;
  let end = 0;
  for (const [start, stop] of findAll(re, s, -1) as [number, number][]) {
    end = start;
    if (stop !== 0) parts.push(s.slice(begin, end));
    begin = stop;
  }
  if (end !== s.length) parts.push(s.slice(begin));
  return parts;
}

/**
 * Go's ReplaceAllString: the template's `$1`, `${1}`, `$name`, `${name}` and `$$`
 * expanded per match (a `$name` runs as long as letters, digits and `_` follow, so `$1x`
 * names the group `1x`); no replacement for an empty match right after another match.
 */
function regexReplace(s: string, re: RE2JS, template: string): string {
  const names = re.namedGroups() as Record<string, number>;
  const out: string[] = [];
  let lastEnd = 0;
  const matcher = re.matcher(s);
  for (let pos = 0; pos <= s.length; ) {
    if (!matcher.find(pos)) break;
    const start = matcher.start();
    const end = matcher.end();
    out.push(s.slice(lastEnd, start));
    if (end > lastEnd || start === 0) {
      const group = (g: number) =>
        g <= re.groupCount() && matcher.start(g) >= 0 ? (matcher.group(g) ?? '') : '';
      out.push(
        expandTemplate(template, (name) => {
          if (/^(0|[1-9]\d{0,7})$/.test(name)) return group(Number(name));
          return Object.hasOwn(names, name) ? group(names[name] as number) : '';
        }),
      );
    }
    lastEnd = end;
    const width = pos < s.length && (s.codePointAt(pos) as number) > 0xffff ? 2 : 1;
    pos = Math.max(pos + width, end);
  }
  out.push(s.slice(lastEnd));
  return out.join('');
}

function expandTemplate(template: string, value: (name: string) => string): string {
  let out = '';
  let rest = template;
  for (;;) {
    const dollar = rest.indexOf('$');
    if (dollar < 0) return out + rest;
    out += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const name = rest.startsWith('{')
      ? /^\{([\p{L}\p{Nd}_]+)\}/u.exec(rest)
      : /^([\p{L}\p{Nd}_]+)/u.exec(rest);
    if (!name) {
      // Malformed: the `$` stays as text.
      out += '$';
      continue;
    }
    rest = rest.slice(name[0].length);
    out += value(name[1] as string);
  }
}

/** A string, or an array or set (an array here) of strings; anything else is OPA's type error. */
function anyMatch(search: unknown, base: unknown, test: (s: string, b: string) => boolean): boolean {
  const strings = (value: unknown) => {
    const list = Array.isArray(value) ? value : [value];
    if (!list.every((v) => typeof v === 'string'))
      throw new Error('strings.any_*_match: operands must be strings');
    return list as string[];
  };
  const searches = strings(search);
  const bases = strings(base);
  return searches.some((s) => bases.some((b) => test(s, b)));
}

/** OPA's units: decimal and binary multiples, with or without a trailing `b`. */
const UNITS: Record<string, bigint> = {
  '': 1n,
  k: 10n ** 3n,
  m: 10n ** 6n,
  g: 10n ** 9n,
  t: 10n ** 12n,
  p: 10n ** 15n,
  e: 10n ** 18n,
  ki: 2n ** 10n,
  mi: 2n ** 20n,
  gi: 2n ** 30n,
  ti: 2n ** 40n,
  pi: 2n ** 50n,
  ei: 2n ** 60n,
};

/**
 * OPA's units.parse_bytes: quotes trimmed, lower-cased, no spaces; a number as Go's
 * big.Float reads it (sign, decimals, exponent) at its default 64-bit precision, times
 * the unit (rounded to 64 bits again), truncated to an integer. Large results leave as
 * raw JSON (an ArrayBuffer the SDK parses as it is), so they keep every digit.
 */
function parseBytes(raw: string): number | ArrayBuffer {
  const s = raw.replace(/^"+|"+$/g, '').toLowerCase();
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)([a-z]*)$/.exec(s);
  // "kb" is "k"; a bare "b" is no unit.
  const unitName = (match?.[2] ?? '').replace(/(.)b$/, '$1');
  const unit = Object.hasOwn(UNITS, unitName) ? UNITS[unitName] : undefined;
  if (!match || unit === undefined) throw new Error(`units.parse_bytes: could not parse "${raw}"`);
  const value = truncate(round64(times(decimal(match[1] as string), unit)));
  const big = value < 0n ? -value : value;
  return big <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : new TextEncoder().encode(value.toString()).buffer;
}

/** An exact rational: numerator / denominator, denominator > 0. */
type Rational = [bigint, bigint];

function decimal(text: string): Rational {
  const [mantissa = '', exponent = '0'] = text.split('e');
  const negative = mantissa.startsWith('-');
  const [whole = '', fraction = ''] = mantissa.replace(/^[+-]/, '').split('.');
  const exp = Number(exponent) - fraction.length;
  const digits = BigInt(`${whole}${fraction}` || '0') * (negative ? -1n : 1n);
  // Exponents beyond any real size: the result is 0 or beyond every unit anyway.
  const scale = 10n ** BigInt(Math.min(Math.abs(exp), 10_000));
  return round64(exp >= 0 ? [digits * scale, 1n] : [digits, scale]);
}

function times([n, d]: Rational, factor: bigint): Rational {
  return [n * factor, d];
}

/** Rounded to a 64-bit mantissa, half to even: big.Float's default precision. */
function round64([n, d]: Rational): Rational {
  if (n === 0n) return [0n, 1n];
  const negative = n < 0n;
  let num = negative ? -n : n;
  let den = d;
  // Scale so that 2^63 <= num/den < 2^64.
  let shift = BigInt(num.toString(2).length - den.toString(2).length) - 64n;
  if (shift > 0n) den <<= shift;
  else num <<= -shift;
  while (num / den >= 1n << 64n) {
    den <<= 1n;
    shift++;
  }
  while (num / den < 1n << 63n) {
    num <<= 1n;
    shift--;
  }
  let q = num / den;
  const r = num % den;
  if (2n * r > den || (2n * r === den && (q & 1n) === 1n)) q++;
  const value = negative ? -q : q;
  return shift >= 0n ? [value << shift, 1n] : [value, 1n << -shift];
}

function truncate([n, d]: Rational): bigint {
  return n / d;
}

/**
 * OPA's semver (v1/internal/semver): semver.org's grammar with an optional lower-case `v`,
 * no leading zeros, and major, minor and patch within an int64. The `semver` npm package
 * differs where policies notice: it trims spaces (" 1.2.3" is valid) and refuses numbers
 * above 2^53, so this is written out to OPA's rules, checked by the differential test.
 */
const IDENTIFIER = '(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)';
const SEMVER = new RegExp(
  `^v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-(${IDENTIFIER}(?:\\.${IDENTIFIER})*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$`,
);
const INT64_MAX = 2n ** 63n - 1n;

interface Semver {
  release: bigint[];
  prerelease: string[];
}

function parseSemver(v: unknown): Semver | null {
  const match = typeof v === 'string' ? SEMVER.exec(v) : null;
  if (!match) return null;
  const release = [match[1], match[2], match[3]].map((n) => BigInt(n as string));
  if (release.some((n) => n > INT64_MAX)) return null;
  return { release, prerelease: match[4] === undefined ? [] : match[4].split('.') };
}

function isSemver(v: unknown): boolean {
  return parseSemver(v) !== null;
}

function compareSemver(a: unknown, b: unknown): number {
  const pa = parseSemver(a);
  const pb = parseSemver(b);
  if (!pa || !pb) throw new Error(`semver.compare: invalid version ${JSON.stringify(pa ? b : a)}`);
  for (let i = 0; i < 3; i++) {
    const d = compareBig(pa.release[i] as bigint, pb.release[i] as bigint);
    if (d !== 0) return d;
  }
  // A release ranks above its prereleases.
  if (pa.prerelease.length === 0 || pb.prerelease.length === 0)
    return Math.sign(pb.prerelease.length) - Math.sign(pa.prerelease.length);
  for (let i = 0; i < Math.min(pa.prerelease.length, pb.prerelease.length); i++) {
    const d = comparePrerelease(pa.prerelease[i] as string, pb.prerelease[i] as string);
    if (d !== 0) return d;
  }
  return Math.sign(pa.prerelease.length - pb.prerelease.length);
}

/** Numeric identifiers compare as numbers and rank below alphanumeric ones, compared in ASCII. */
function comparePrerelease(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) return compareBig(BigInt(a), BigInt(b));
  if (numeric.test(a)) return -1;
  if (numeric.test(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
