/**
 * Build-time variable substitution as BuildKit does it for `FROM` lines:
 * `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME-word}`, `${NAME:+word}`, `${NAME+word}`,
 * where the word may itself use variables. Other forms are left as written.
 */

export interface Substitution {
  /** The text with every known variable replaced. */
  value: string;
  /** Variables that were referenced but have no value: the result cannot be trusted. */
  unresolved: string[];
}

/** Words nest `${…}` at most this deep; deeper ones are left as written (hostile input). */
const MAX_DEPTH = 8;

/** `values` maps a name to its value, or to null when it is declared without a default. */
export function substituteVariables(
  text: string,
  values: ReadonlyMap<string, string | null>,
  escapeChar = '\\',
): Substitution {
  return substitute(text, values, escapeChar, 0);
}

function substitute(
  text: string,
  values: ReadonlyMap<string, string | null>,
  escapeChar: string,
  depth: number,
): Substitution {
  if (depth > MAX_DEPTH) return { value: text, unresolved: [] };
  const unresolved: string[] = [];
  const closing = matchBraces(text, escapeChar);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === escapeChar && text[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    if (c !== '$') {
      out += c;
      continue;
    }
    const braced = readBraced(text, i + 1, closing);
    const plain = braced ? null : /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
    const name = braced?.name ?? plain?.[0];
    if (!name) {
      out += c;
      continue;
    }
    const value = values.get(name) ?? null;
    const operator = braced?.operator;
    const isSet = values.has(name) && value !== null;
    const isNonEmpty = isSet && value !== '';
    // The word is itself substituted, and only when it is used: `${TAG:-${DEFAULT_TAG}}`.
    const word = () => {
      const inner = substitute(braced?.word ?? '', values, escapeChar, depth + 1);
      unresolved.push(...inner.unresolved);
      return inner.value;
    };
    if (operator === ':-' || operator === '-') {
      out += (operator === ':-' ? isNonEmpty : isSet) ? value : word();
    } else if (operator === ':+' || operator === '+') {
      out += (operator === ':+' ? isNonEmpty : isSet) ? word() : '';
    } else if (isSet) {
      out += value;
    } else {
      unresolved.push(name);
      out += braced ? `\${${name}}` : `$${name}`;
    }
    i += braced ? braced.length : (plain?.[0].length ?? 0);
  }
  return { value: out, unresolved: [...new Set(unresolved)] };
}

/**
 * `{NAME}` or `{NAME<operator>word}` at `open` (the brace after `$`), with its length; the word
 * may hold nested `${…}`. Null when the text there is not one of the supported forms.
 */
function readBraced(
  text: string,
  open: number,
  closing: ReadonlyMap<number, number>,
): { name: string; operator: string | undefined; word: string; length: number } | null {
  const head = /^\{([A-Za-z_][A-Za-z0-9_]*)(:?[-+])?/.exec(text.slice(open));
  const close = closing.get(open);
  if (!head || close === undefined) return null;
  const word = text.slice(open + head[0].length, close);
  // Without an operator only `${NAME}` itself is supported.
  if (head[2] === undefined && word !== '') return null;
  return { name: head[1] as string, operator: head[2], word, length: close - open + 1 };
}

/** Index of the `}` that closes each `{`, in one pass; escaped characters do not count. */
function matchBraces(text: string, escapeChar: string): Map<number, number> {
  const closing = new Map<number, number>();
  if (!text.includes('{')) return closing;
  const open: number[] = [];
  for (let j = 0; j < text.length; j++) {
    if (text[j] === escapeChar) j++;
    else if (text[j] === '{') open.push(j);
    else if (text[j] === '}' && open.length > 0) closing.set(open.pop() as number, j);
  }
  return closing;
}
