/**
 * Build-time variable substitution as BuildKit does it for `FROM` lines:
 * `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME-word}`, `${NAME:+word}`, `${NAME+word}`.
 */

export interface Substitution {
  /** The text with every known variable replaced. */
  value: string;
  /** Variables that were referenced but have no value: the result cannot be trusted. */
  unresolved: string[];
}

/** `values` maps a name to its value, or to null when it is declared without a default. */
export function substituteVariables(
  text: string,
  values: ReadonlyMap<string, string | null>,
  escapeChar = '\\',
): Substitution {
  const unresolved: string[] = [];
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
    const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}/.exec(text.slice(i + 1));
    const plain = braced ? null : /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
    const name = braced?.[1] ?? plain?.[0];
    if (!name) {
      out += c;
      continue;
    }
    const value = values.get(name) ?? null;
    const operator = braced?.[2];
    const word = braced?.[3] ?? '';
    const isSet = values.has(name) && value !== null;
    const isNonEmpty = isSet && value !== '';
    if (operator === ':-' || operator === '-') {
      out += (operator === ':-' ? isNonEmpty : isSet) ? value : word;
    } else if (operator === ':+' || operator === '+') {
      out += (operator === ':+' ? isNonEmpty : isSet) ? word : '';
    } else if (isSet) {
      out += value;
    } else {
      unresolved.push(name);
      out += braced ? `\${${name}}` : `$${name}`;
    }
    i += (braced ?? plain)?.[0].length ?? 0;
  }
  return { value: out, unresolved };
}
