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
import { parseOpaCapabilities } from './opa-output.js';

type Builtin = (...args: unknown[]) => unknown;

/** Built-ins the SDK implements in JavaScript (its capabilities.json), less those we replace. */
const require = createRequire(import.meta.url);
// The SDK's package root: its `exports` hide capabilities.json and the built-in table.
const sdkRoot = join(dirname(require.resolve('@open-policy-agent/opa-wasm')), '..');

export const CUSTOM_BUILTINS: Record<string, Builtin> = {
  sprintf: (format, args) => goSprintf(String(format), Array.isArray(args) ? args : []),
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
  'semver.compare': (a, b) => compareSemver(String(a), String(b)),
  'semver.is_valid': (v) => SEMVER.test(String(v)),
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

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
function compareSemver(a: string, b: string): number {
  const pa = SEMVER.exec(a.replace(/^v/, ''));
  const pb = SEMVER.exec(b.replace(/^v/, ''));
  if (!pa || !pb) throw new Error(`semver.compare: invalid version "${pa ? b : a}"`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return Math.sign(d);
  }
  if (pa[4] === pb[4]) return 0;
  if (pa[4] === undefined) return 1;
  if (pb[4] === undefined) return -1;
  return pa[4] < pb[4] ? -1 : 1;
}

/** Go's fmt verbs as OPA's sprintf applies them to Rego values. */
export function goSprintf(format: string, args: unknown[]): string {
  let next = 0;
  return format.replace(
    /%([-+# 0]*)(\d+)?(?:\.(\d+))?([vsqdfxXtegbocT%])/g,
    (_all, flags: string, width, precision, verb: string) => {
      if (verb === '%') return '%';
      if (next >= args.length) return `%!${verb}(MISSING)`;
      const value = args[next++];
      let out = formatVerb(verb, value, precision === undefined ? undefined : Number(precision));
      if (flags.includes('+') && typeof value === 'number' && value >= 0 && 'dfeg'.includes(verb))
        out = `+${out}`;
      const w = width === undefined ? 0 : Number(width);
      if (out.length < w) {
        const pad = (flags.includes('0') && !flags.includes('-') ? '0' : ' ').repeat(w - out.length);
        out = flags.includes('-') ? out + pad : pad + out;
      }
      return out;
    },
  );
}

function formatVerb(verb: string, value: unknown, precision: number | undefined): string {
  switch (verb) {
    case 's':
    case 'v':
      return typeof value === 'string' ? value : regoValue(value);
    case 'q':
      return typeof value === 'string' ? JSON.stringify(value) : regoValue(value);
    case 'd':
      return typeof value === 'number' || typeof value === 'bigint'
        ? BigInt(Math.trunc(Number(value))).toString()
        : `%!d(${regoValue(value)})`;
    case 'f':
      return typeof value === 'number' ? value.toFixed(precision ?? 6) : `%!f(${regoValue(value)})`;
    case 'e':
      return typeof value === 'number' ? value.toExponential(precision ?? 6) : `%!e(${regoValue(value)})`;
    case 'g':
      return typeof value === 'number' ? String(value) : `%!g(${regoValue(value)})`;
    case 'x':
    case 'X': {
      const hex =
        typeof value === 'number'
          ? Math.trunc(value).toString(16)
          : Buffer.from(String(value)).toString('hex');
      return verb === 'X' ? hex.toUpperCase() : hex;
    }
    case 'o':
      return typeof value === 'number' ? Math.trunc(value).toString(8) : `%!o(${regoValue(value)})`;
    case 'b':
      return typeof value === 'number' ? Math.trunc(value).toString(2) : `%!b(${regoValue(value)})`;
    case 'c':
      return typeof value === 'number' ? String.fromCodePoint(value) : `%!c(${regoValue(value)})`;
    case 't':
      return typeof value === 'boolean' ? String(value) : `%!t(${regoValue(value)})`;
    case 'T':
      return regoTypeName(value);
    default:
      return regoValue(value);
  }
}

/** A value printed as Rego prints it: JSON with `", "` and `": "` separators. */
function regoValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(regoValue).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${regoValue(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function regoTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}
