/**
 * OPA's `sprintf`: Go's fmt.Sprintf over the Rego arguments, each turned into a Go int64
 * (an integer number), a float64 (any other number) or a string (a string as it is,
 * anything else as Rego prints it, `{"a": 1}`, `[1, "x"]`). Written out here because no
 * JavaScript printf follows Go's verbs, flags, rounding (half to even on the exact
 * binary value) and error forms (`%!d(string=x)`, `%!(EXTRA …)`); the differential test
 * against `opa eval` (test/policy/builtins-differential.test.ts) holds it to OPA's.
 */

type GoValue =
  | { type: 'int64'; value: bigint }
  | { type: 'float64'; value: number }
  | { type: 'string'; value: string };

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number | null;
  prec: number | null;
}

const INT64_LIMIT = 2 ** 63;

export function goSprintf(format: string, args: readonly unknown[]): string {
  const values = args.map(goValue);
  const out: string[] = [];
  let argNum = 0;
  let reordered = false;
  let i = 0;
  const end = format.length;
  while (i < end) {
    const next = format.indexOf('%', i);
    if (next < 0) {
      out.push(format.slice(i));
      break;
    }
    out.push(format.slice(i, next));
    i = next + 1;
    const f = blankFlags();
    for (; i < end; i++) {
      const c = format[i];
      if (c === '#') f.sharp = true;
      else if (c === '0') f.zero = !f.minus;
      else if (c === '+') f.plus = true;
      else if (c === '-') {
        f.minus = true;
        f.zero = false;
      } else if (c === ' ') f.space = true;
      else break;
    }
    let goodArgNum = true;
    let afterIndex = false;
    const argNumber = () => {
      if (i >= end || format[i] !== '[') return;
      reordered = true;
      const close = format.indexOf(']', i + 1);
      const digits = close < 0 ? '' : format.slice(i + 1, close);
      if (close < 0 || !/^\d+$/.test(digits)) {
        goodArgNum = false;
        i = close < 0 ? end : close + 1;
        return;
      }
      const n = Number(digits) - 1;
      i = close + 1;
      if (n >= 0 && n < values.length) {
        argNum = n;
        afterIndex = true;
      } else goodArgNum = false;
    };
    const starArg = (): number | null => {
      const v = values[argNum];
      if (v?.type !== 'int64' || v.value > 1_000_000n || v.value < -1_000_000n) {
        if (argNum < values.length) argNum++;
        return null;
      }
      argNum++;
      return Number(v.value);
    };
    argNumber();
    if (i < end && format[i] === '*') {
      i++;
      const w = starArg();
      if (w === null) out.push('%!(BADWIDTH)');
      else if (w < 0) {
        f.minus = true;
        f.zero = false;
        f.wid = -w;
      } else f.wid = w;
      afterIndex = false;
    } else {
      const start = i;
      while (i < end && /\d/.test(format[i] as string)) i++;
      if (i > start) {
        f.wid = Number(format.slice(start, i));
        if (afterIndex) goodArgNum = false;
      }
    }
    if (i + 1 <= end && format[i] === '.') {
      i++;
      if (afterIndex) goodArgNum = false;
      afterIndex = false;
      argNumber();
      if (i < end && format[i] === '*') {
        i++;
        const p = starArg();
        if (p === null) out.push('%!(BADPREC)');
        else f.prec = p < 0 ? null : p;
        afterIndex = false;
      } else {
        const start = i;
        while (i < end && /\d/.test(format[i] as string)) i++;
        f.prec = Number(format.slice(start, i) || '0');
      }
    }
    if (!afterIndex) argNumber();
    if (i >= end) {
      out.push('%!(NOVERB)');
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) as number);
    i += verb.length;
    if (verb === '%') {
      out.push('%');
    } else if (!goodArgNum) {
      out.push(`%!${verb}(BADINDEX)`);
    } else if (argNum >= values.length) {
      out.push(`%!${verb}(MISSING)`);
    } else {
      if (verb === 'v') {
        f.sharpV = f.sharp;
        f.sharp = false;
        f.plusV = f.plus;
        f.plus = false;
      }
      out.push(printArg(values[argNum] as GoValue, verb, f));
      argNum++;
    }
  }
  if (!reordered && argNum < values.length) {
    const extra = values
      .slice(argNum)
      .map((v) => `${v.type}=${printArg(v, 'v', blankFlags())}`)
      .join(', ');
    out.push(`%!(EXTRA ${extra})`);
  }
  return out.join('');
}

function blankFlags(): Flags {
  return {
    plus: false,
    minus: false,
    sharp: false,
    space: false,
    zero: false,
    plusV: false,
    sharpV: false,
    wid: null,
    prec: null,
  };
}

function goValue(value: unknown): GoValue {
  if (typeof value === 'number') {
    return Number.isInteger(value) && Math.abs(value) < INT64_LIMIT
      ? { type: 'int64', value: BigInt(value) }
      : { type: 'float64', value };
  }
  return { type: 'string', value: typeof value === 'string' ? value : regoString(value) };
}

function printArg(v: GoValue, verb: string, f: Flags): string {
  if (verb === 'T') return pad('', f, v.type);
  switch (v.type) {
    case 'int64':
      return printInteger(v.value, verb, f) ?? badVerb(v, verb, f);
    case 'float64':
      return printFloat(v.value, verb, f) ?? badVerb(v, verb, f);
    default:
      return printString(v.value, verb, f) ?? badVerb(v, verb, f);
  }
}

function badVerb(v: GoValue, verb: string, f: Flags): string {
  return `%!${verb}(${v.type}=${printArg(v, 'v', { ...f, sharpV: false, plusV: false })})`;
}

/** Width padding in runes, with spaces (or zeros, left of the text) as the flags say. */
function pad(prefix: string, f: Flags, text: string, zeroAllowed = true): string {
  const width = f.wid ?? 0;
  const length = [...prefix].length + [...text].length;
  if (length >= width) return prefix + text;
  const fill = width - length;
  if (f.minus) return prefix + text + ' '.repeat(fill);
  return f.zero && zeroAllowed ? prefix + '0'.repeat(fill) + text : ' '.repeat(fill) + prefix + text;
}

function printInteger(n: bigint, verb: string, f: Flags): string | null {
  switch (verb) {
    case 'v':
    case 'd':
      return formatInteger(n, 10, verb, f);
    case 'b':
      return formatInteger(n, 2, verb, f);
    case 'o':
    case 'O':
      return formatInteger(n, 8, verb, f);
    case 'x':
    case 'X':
      return formatInteger(n, 16, verb, f);
    case 'c':
      return pad('', f, runeOf(n));
    case 'q':
      return pad('', f, quoteRune(runeOf(n)));
    case 'U': {
      const hex = (n < 0n ? n + 2n ** 64n : n)
        .toString(16)
        .toUpperCase()
        .padStart(Math.max(4, f.prec ?? 0), '0');
      const rune = runeOf(n);
      return pad('', f, `U+${hex}${f.sharp && isPrint(rune) ? ` '${rune}'` : ''}`, false);
    }
    default:
      return null;
  }
}

function formatInteger(n: bigint, base: number, verb: string, f: Flags): string {
  const negative = n < 0n;
  let digits = (negative ? -n : n).toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  let prec = 0;
  if (f.prec !== null) {
    prec = f.prec;
    if (prec === 0 && n === 0n) return ' '.repeat(f.wid ?? 0);
  } else if (f.zero && !f.minus && f.wid !== null) {
    prec = f.wid - (negative || f.plus || f.space ? 1 : 0);
  }
  digits = digits.padStart(prec, '0');
  if (f.sharp) {
    if (base === 2) digits = `0b${digits}`;
    else if (base === 8 && !digits.startsWith('0')) digits = `0${digits}`;
    else if (base === 16) digits = `0${verb === 'X' ? 'X' : 'x'}${digits}`;
  }
  if (verb === 'O') digits = `0o${digits}`;
  const sign = negative ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  return pad('', { ...f, zero: false }, sign + digits);
}

function runeOf(n: bigint): string {
  const valid = n >= 0n && n <= 0x10ffffn && !(n >= 0xd800n && n <= 0xdfffn);
  return String.fromCodePoint(valid ? Number(n) : 0xfffd);
}

function printString(s: string, verb: string, f: Flags): string | null {
  const truncated = f.prec === null ? s : [...s].slice(0, f.prec).join('');
  switch (verb) {
    case 'v':
      return pad('', f, f.sharpV ? goQuote(truncated) : truncated);
    case 's':
      return pad('', f, truncated);
    case 'q':
      return pad('', f, f.sharp && canBackquote(truncated) ? `\`${truncated}\`` : goQuote(truncated, f.plus));
    case 'x':
    case 'X': {
      let bytes = [...Buffer.from(s, 'utf8')];
      if (f.prec !== null) bytes = bytes.slice(0, f.prec);
      const hexes = bytes.map((b) => b.toString(16).padStart(2, '0'));
      const prefix = verb === 'X' ? '0X' : '0x';
      let text: string;
      if (f.space) text = hexes.map((h) => (f.sharp ? prefix + h : h)).join(' ');
      else text = (f.sharp && hexes.length > 0 ? prefix : '') + hexes.join('');
      return pad('', f, verb === 'X' ? text.toUpperCase() : text);
    }
    default:
      return null;
  }
}

/** Go's strconv.Quote (QuoteToASCII with `ascii`). */
export function goQuote(s: string, ascii = false): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (isPrint(ch) && (!ascii || code < 0x80)) out += ch;
    else out += escapeRune(code);
  }
  return `${out}"`;
}

function quoteRune(ch: string): string {
  const code = ch.codePointAt(0) as number;
  if (ch === "'" || ch === '\\') return `'\\${ch}'`;
  return `'${isPrint(ch) ? ch : escapeRune(code)}'`;
}

const ESCAPES: Record<number, string> = {
  7: '\\a',
  8: '\\b',
  12: '\\f',
  10: '\\n',
  13: '\\r',
  9: '\\t',
  11: '\\v',
};

function escapeRune(code: number): string {
  if (Object.hasOwn(ESCAPES, code)) return ESCAPES[code] as string;
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}

/**
 * Non-ASCII printable characters, made on first use: even creating the expression costs ~1 ms
 * (compiling it ~3 ms), so ASCII is answered without it.
 */
let printable: RegExp | undefined;

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isPrint(ch: string): boolean {
  const code = ch.charCodeAt(0);
  // In ASCII, exactly the space and what lies between it and DEL.
  if (code < 0x80) return code >= 0x20 && code < 0x7f;
  printable ??= /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
  return printable.test(ch);
}

function canBackquote(s: string): boolean {
  // Go's strconv.CanBackquote: no backquote, no control character but tab, no BOM.
  return ![...s].some((ch) => {
    const code = ch.codePointAt(0) as number;
    return ch === '`' || ch === '\ufeff' || code === 0x7f || (code < 0x20 && code !== 9);
  });
}

function printFloat(x: number, verb: string, f: Flags): string | null {
  let text: string;
  switch (verb) {
    case 'v':
    case 'g':
    case 'G':
      text = formatG(x, f.prec ?? -1, f.sharp);
      if (verb === 'G') text = text.toUpperCase();
      break;
    case 'e':
    case 'E':
      text = formatE(x, f.prec ?? 6);
      if (verb === 'E') text = text.toUpperCase();
      break;
    case 'f':
    case 'F':
      text = formatF(x, f.prec ?? 6);
      break;
    case 'x':
    case 'X':
      text = formatHexFloat(x, f.prec ?? -1);
      // `#` keeps six digits in all ("0x1.0000p-01"), counting the 0 of "0x" as Go does.
      if (f.sharp && f.prec === null)
        text = text.replace(
          /0x(\d)(?:\.([0-9a-f]*))?p/,
          (_m, lead: string, fraction = '') => `0x${lead}.${fraction.padEnd(4, '0')}p`,
        );
      if (verb === 'X') text = text.toUpperCase();
      break;
    case 'b':
      text = formatBinaryFloat(x);
      break;
    default:
      return null;
  }
  let sign = text.startsWith('-') ? '-' : '+';
  const body = text.replace(/^[-+]/, '');
  if (f.space && sign === '+' && !f.plus) sign = ' ';
  const finite = Number.isFinite(x);
  if (f.plus || sign !== '+') {
    if (finite && f.zero && !f.minus && f.wid !== null && f.wid > body.length + 1) {
      return sign + '0'.repeat(f.wid - body.length - 1) + body;
    }
    return pad('', { ...f, zero: f.zero && finite }, sign + body);
  }
  return pad('', { ...f, zero: f.zero && finite }, body);
}

/** The exact decimal digits of a finite double and its decimal point position. */
function exactDecimal(x: number): { digits: string; dp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let e = exponent - 1075;
  if (exponent === 0) e = -1074;
  else mantissa |= 1n << 52n;
  if (mantissa === 0n) return { digits: '', dp: 0 };
  let digits: string;
  let dp: number;
  if (e >= 0) {
    digits = (mantissa << BigInt(e)).toString();
    dp = digits.length;
  } else {
    digits = (mantissa * 5n ** BigInt(-e)).toString();
    dp = digits.length + e;
  }
  digits = digits.replace(/0+$/, '');
  return { digits, dp };
}

/** `nd` significant digits, rounded half to even (Go's strconv on the exact value). */
function roundDigits(d: { digits: string; dp: number }, nd: number): { digits: string; dp: number } {
  if (nd < 0 || d.digits.length <= nd) return d;
  const next = d.digits.charCodeAt(nd) - 48;
  const rest = d.digits.slice(nd + 1);
  let up =
    next > 5 ||
    (next === 5 && (/[1-9]/.test(rest) || (nd > 0 && (d.digits.charCodeAt(nd - 1) - 48) % 2 === 1)));
  if (next === 5 && rest === '' && nd === 0) up = false;
  let digits = d.digits.slice(0, nd);
  let dp = d.dp;
  if (up) {
    const bumped = (BigInt(digits || '0') + 1n).toString();
    if (bumped.length > nd) dp++;
    digits = bumped.slice(0, Math.max(nd, 1));
    if (nd === 0) digits = '1';
  }
  return { digits: digits.replace(/0+$/, ''), dp };
}

/** Shortest digits that read back as `x` (JavaScript's and Go's agree). */
function shortestDecimal(x: number): { digits: string; dp: number } {
  if (x === 0) return { digits: '', dp: 0 };
  const [mantissa, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '').replace(/0+$/, '');
  return { digits, dp: Number(exp) + 1 };
}

function special(x: number): string | null {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  return null;
}

function sign(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

function formatE(x: number, prec: number, decimal?: { digits: string; dp: number }): string {
  const s = special(x);
  if (s) return s;
  const d = decimal ?? roundDigits(exactDecimal(x), prec + 1);
  const digits = d.digits.padEnd(prec + 1, '0');
  const exp = d.digits === '' ? 0 : d.dp - 1;
  const mantissa = prec > 0 ? `${digits[0]}.${digits.slice(1, prec + 1)}` : (digits[0] as string);
  const e = Math.abs(exp).toString().padStart(2, '0');
  return `${sign(x)}${mantissa}e${exp < 0 ? '-' : '+'}${e}`;
}

function formatF(x: number, prec: number, decimal?: { digits: string; dp: number }): string {
  const s = special(x);
  if (s) return s;
  const exact = exactDecimal(x);
  const d = decimal ?? roundDigits(exact, Math.max(0, exact.dp + prec));
  // Rounding below the first digit leaves nothing: zero.
  const dp = d.digits === '' ? 0 : d.dp;
  const digits = d.digits;
  const integer = dp > 0 ? digits.slice(0, dp).padEnd(dp, '0') : '0';
  let fraction = '';
  for (let k = 0; k < prec; k++) {
    const index = dp + k;
    fraction += index >= 0 && index < digits.length ? digits[index] : '0';
  }
  // Digits that rounding dropped beyond the kept ones (exact.dp + prec < 0) are zeros.
  return `${sign(x)}${integer}${prec > 0 ? `.${fraction}` : ''}`;
}

function formatG(x: number, prec: number, sharp: boolean): string {
  const s = special(x);
  if (s) return s;
  let d: { digits: string; dp: number };
  let eprec: number;
  if (prec < 0) {
    d = shortestDecimal(x);
    eprec = 6;
  } else {
    const p = prec === 0 ? 1 : prec;
    d = roundDigits(exactDecimal(x), p);
    eprec = p;
    if (eprec > d.digits.length && d.digits.length >= d.dp) eprec = d.digits.length;
  }
  if (sharp) eprec = prec < 0 ? 6 : prec === 0 ? 1 : prec;
  const nd = Math.max(d.digits.length, 1);
  const exp = d.dp - 1;
  if (d.digits !== '' && (exp < -4 || exp >= eprec)) {
    const p = sharp ? eprec - 1 : nd - 1;
    return formatE(x, p, d);
  }
  const fractionDigits = sharp ? Math.max(eprec - Math.max(d.dp, 1), 0) : Math.max(d.digits.length - d.dp, 0);
  return formatF(x, fractionDigits, d);
}

function formatHexFloat(x: number, prec: number): string {
  const s = special(x);
  if (s) return s;
  if (x === 0) return `${sign(x)}0x0${prec > 0 ? `.${'0'.repeat(prec)}` : ''}p+00`;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exp = exponent - 1023;
  if (exponent === 0) {
    // Subnormal: normalise so that the leading bit is 1.
    exp = -1022;
    while (mantissa < 1n << 52n) {
      mantissa <<= 1n;
      exp--;
    }
    mantissa &= (1n << 52n) - 1n;
  }
  let fraction = mantissa.toString(16).padStart(13, '0');
  let lead = 1n;
  if (prec >= 0 && prec < 13) {
    const shift = BigInt((13 - prec) * 4);
    const full = (1n << 52n) | mantissa;
    const kept = full >> shift;
    const rest = full & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    let rounded = kept;
    if (rest > half || (rest === half && (kept & 1n) === 1n)) rounded++;
    lead = rounded >> BigInt(prec * 4);
    if (lead > 1n) {
      exp++;
      rounded >>= 1n;
      lead = 1n;
    }
    fraction = prec === 0 ? '' : (rounded & ((1n << BigInt(prec * 4)) - 1n)).toString(16).padStart(prec, '0');
  } else {
    fraction = fraction.replace(/0+$/, '');
    if (prec > 13) fraction = fraction.padEnd(prec, '0');
  }
  const e = Math.abs(exp).toString().padStart(2, '0');
  return `${sign(x)}0x${lead}${fraction ? `.${fraction}` : ''}p${exp < 0 ? '-' : '+'}${e}`;
}

function formatBinaryFloat(x: number): string {
  const s = special(x);
  if (s) return s;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  if (exponent !== 0) mantissa |= 1n << 52n;
  const exp = (exponent === 0 ? 1 : exponent) - 1075;
  return `${sign(x)}${mantissa}p${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
}

/** A value as Rego prints it (`ast.Value.String()`): keys sorted, strings Go-quoted. */
export function regoString(value: unknown): string {
  if (typeof value === 'string') return goQuote(value);
  if (Array.isArray(value)) return `[${value.map(regoString).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return `{${keys.map((k) => `${goQuote(k)}: ${regoString((value as Record<string, unknown>)[k])}`).join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
