/**
 * Build-time variable substitution as BuildKit does it for `FROM` lines:
 * `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME-word}`, `${NAME:+word}`, `${NAME+word}`,
 * where the word may itself use variables. Other forms are left as written.
 *
 * A name no ARG declares is the empty string, as in BuildKit's shell lexer (`FROM alpine$TAG`
 * builds `alpine`); it is listed in `undefined`. A name declared without a default keeps its
 * place and is listed in `unresolved`: `docker build` would also make it empty, but such an
 * ARG is there to be given with `--build-arg`, so the result is not what gets built.
 */

export interface Substitution {
  /** The text with every known variable replaced. */
  value: string;
  /** Variables declared without a value that were referenced: the result cannot be trusted. */
  unresolved: string[];
  /** Variables referenced that nothing declares: each was replaced by the empty string. */
  undefined: string[];
}

/** Words nest `${…}` at most this deep; deeper ones are left as written (hostile input). */
const MAX_DEPTH = 8;
/**
 * No real build argument comes near this; a chain of ARGs that each double the one before
 * (`ARG B=$A$A`) would otherwise grow until V8 gives up with `Invalid string length`.
 */
export const MAX_SUBSTITUTED_LENGTH = 64 * 1024;
/** Variables one substitution may expand; each costs at most a copy of a value under the cap above. */
const MAX_EXPANSIONS = 10_000;

/** A value built to exhaust the parser: the file is reported as one Portcullis could not judge. */
export class VariableLimitError extends Error {
  override name = 'VariableLimitError';
}

/** `values` maps a name to its value, or to null when it is declared without a default. */
export function substituteVariables(
  text: string,
  values: ReadonlyMap<string, string | null>,
  escapeChar = '\\',
): Substitution {
  return substitute(text, values, escapeChar, 0, { expansions: 0 });
}

function substitute(
  text: string,
  values: ReadonlyMap<string, string | null>,
  escapeChar: string,
  depth: number,
  budget: { expansions: number },
): Substitution {
  if (depth > MAX_DEPTH) return { value: text, unresolved: [], undefined: [] };
  const unresolved: string[] = [];
  const undeclared: string[] = [];
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
    if (++budget.expansions > MAX_EXPANSIONS) {
      throw new VariableLimitError(
        `more than ${MAX_EXPANSIONS} variable expansions in one value: the file looks built to exhaust its reader`,
      );
    }
    const value = values.get(name) ?? null;
    const operator = braced?.operator;
    const isSet = values.has(name) && value !== null;
    const isNonEmpty = isSet && value !== '';
    // The word is itself substituted, and only when it is used: `${TAG:-${DEFAULT_TAG}}`.
    const word = () => {
      const inner = substitute(braced?.word ?? '', values, escapeChar, depth + 1, budget);
      unresolved.push(...inner.unresolved);
      undeclared.push(...inner.undefined);
      return inner.value;
    };
    if (operator === ':-' || operator === '-') {
      out += (operator === ':-' ? isNonEmpty : isSet) ? value : word();
    } else if (operator === ':+' || operator === '+') {
      out += (operator === ':+' ? isNonEmpty : isSet) ? word() : '';
    } else if (isSet) {
      out += value;
    } else if (!values.has(name)) {
      undeclared.push(name);
    } else {
      unresolved.push(name);
      out += braced ? `\${${name}}` : `$${name}`;
    }
    i += braced ? braced.length : (plain?.[0].length ?? 0);
    // A text as long as the file wrote it is bounded by the file's size; growth is not.
    if (out.length > Math.max(MAX_SUBSTITUTED_LENGTH, text.length)) {
      throw new VariableLimitError(
        `a variable expands to more than ${MAX_SUBSTITUTED_LENGTH / 1024} KiB: the file looks built to exhaust its reader`,
      );
    }
  }
  return { value: out, unresolved: [...new Set(unresolved)], undefined: [...new Set(undeclared)] };
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
