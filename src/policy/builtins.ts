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
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { goSprintf } from './go-sprintf.js';
import { parseOpaCapabilities } from './opa-output.js';

type Builtin = (...args: unknown[]) => unknown;

/** Built-ins the SDK implements in JavaScript (its capabilities.json), less those we replace. */
const require = createRequire(import.meta.url);
// The SDK's package root: its `exports` hide capabilities.json and the built-in table.
const sdkRoot = join(dirname(require.resolve('@open-policy-agent/opa-wasm')), '..');

export const CUSTOM_BUILTINS: Record<string, Builtin> = {
  sprintf: (format, args) => {
    if (typeof format !== 'string' || !Array.isArray(args))
      throw new Error('sprintf: the format must be a string and the values an array');
    return goSprintf(format, args);
  },
  // Millisecond precision: the SDK passes values as JSON numbers.
  'time.now_ns': () => Date.now() * 1_000_000,
  'regex.replace': (s, pattern, value) => String(s).replace(re2(pattern, 'g'), goReplacement(value)),
  'regex.split': (pattern, s) => String(s).split(re2(pattern, '')),
  'regex.find_n': (pattern, s, n) => {
    const all = [...String(s).matchAll(re2(pattern, 'g'))].map((m) => m[0]);
    return Number(n) < 0 ? all : all.slice(0, Number(n));
  },
  indexof_n: (s, search) => {
    const text = String(s);
    const needle = String(search);
    const found: number[] = [];
    // OPA counts in code points, not UTF-16 units.
    const points = [...text];
    const needlePoints = [...needle];
    for (let i = 0; needlePoints.length > 0 && i + needlePoints.length <= points.length; i++) {
      if (points.slice(i, i + needlePoints.length).join('') === needle) found.push(i);
    }
    return found;
  },
  'strings.any_prefix_match': (search, base) => anyMatch(search, base, (s, b) => s.startsWith(b)),
  'strings.any_suffix_match': (search, base) => anyMatch(search, base, (s, b) => s.endsWith(b)),
  'units.parse_bytes': (text) => parseBytes(String(text)),
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

/**
 * OPA's regular expressions are RE2; JavaScript's agree on everything policies commonly
 * use except leading flag groups such as `(?i)`, which become RegExp flags here.
 */
function re2(pattern: unknown, flags: string): RegExp {
  const text = String(pattern);
  const group = /^\(\?([imsU]+)\)/.exec(text);
  const extra = (group?.[1] ?? '').replace(/U/g, '');
  return new RegExp(group ? text.slice(group[0].length) : text, flags + extra);
}

function anyMatch(search: unknown, base: unknown, test: (s: string, b: string) => boolean): boolean {
  const searches = Array.isArray(search) ? search.map(String) : [String(search)];
  const bases = Array.isArray(base) ? base.map(String) : [String(base)];
  return searches.some((s) => bases.some((b) => test(s, b)));
}

/** Go's regexp uses `${1}`/`$1` like JavaScript, but `$$` differently enough not to matter here. */
function goReplacement(value: unknown): string {
  return String(value).replace(/\$\{(\d+)\}/g, '$$$1');
}

const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  t: 1e12,
  p: 1e15,
  e: 1e18,
  ki: 2 ** 10,
  mi: 2 ** 20,
  gi: 2 ** 30,
  ti: 2 ** 40,
  pi: 2 ** 50,
  ei: 2 ** 60,
};
function parseBytes(text: string): number {
  const match = /^\s*"?([0-9.]+)\s*([a-zA-Z]*?)(?:b|B)?"?\s*$/.exec(text);
  const suffix = (match?.[2] ?? 'x').toLowerCase();
  // Own properties only: `constructor` is no unit.
  const unit = Object.hasOwn(UNITS, suffix) ? UNITS[suffix] : undefined;
  if (!match || unit === undefined) throw new Error(`units.parse_bytes: could not parse "${text}"`);
  return Math.round(Number(match[1]) * unit);
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
