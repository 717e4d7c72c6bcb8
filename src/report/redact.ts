/**
 * Credential-shaped values are never repeated in what Portcullis writes: a Dockerfile that
 * holds a token already leaks it once, and a check run, a review comment or a CI log must
 * not spread it further. Every escaper of the report contexts calls `redactSecrets` first.
 *
 * The patterns favour catching a secret over sparing a harmless value, but leave what the
 * built-in rules say alone (`RUN --mount=type=secret,id=…`, `ARG NPM_TOKEN=$NPM_TOKEN`).
 * Every pattern is anchored, bounded, or cannot fail once started (an unclosed quote runs to
 * the end of the line), so that hostile text cannot make it backtrack for long.
 */

export const REDACTED = '***';

/** Names that say their value is a secret: GITHUB_TOKEN, db-password, clientSecret, api_key. */
const SECRET_NAME =
  '[A-Za-z0-9_.-]{0,64}?(?:passwords?|passwd|secrets?|tokens?|api[_-]?keys?|access[_-]?keys?|private[_-]?keys?|credentials?)[A-Za-z0-9_.-]{0,64}';
/** …unless they name where the secret is rather than the secret (DB_PASSWORD_FILE, TOKEN_URL), as PC-DF-007 does. */
const LOCATOR_NAME =
  /[_.-](file|path|dir|url|uri|endpoint|host|name|length|len|ttl|header|env|enabled)["']?$/i;
/** Values that are not secrets: references to other variables, mounted secret files, booleans. */
const NOT_A_SECRET =
  /^["']?(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\/run\/secrets\/\S*|true|false|yes|no|on|off|null|none|\*\*\*)["']?$/i;

const PATTERNS: [RegExp, (match: string, ...groups: string[]) => string][] = [
  // PEM private keys, also cut short by a size limit.
  [
    /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)/g,
    () => REDACTED,
  ],
  // URL userinfo, up to the last `@` of the authority: https://user:p@ss@host.
  [
    /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/)[^\s/?#"'<>`]+@/g,
    (_, scheme) => `${scheme}${REDACTED}@`,
  ],
  // The same without a scheme, in front of a registry host: FROM user:pass@registry.example.com/app.
  [
    /(?<=^|[\s"'=(,[])[^\s/@"':=]{1,128}:[^\s/@"']{1,128}@(?=[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?\/)/g,
    () => `${REDACTED}@`,
  ],
  // Authorization headers, and bearer tokens wherever they appear.
  [
    /\b(authorization["']?\s*[:=]\s*["']?)(?:(bearer|basic|token|bot|digest)\s+)?[^\s"',;]+/gi,
    (_, header, scheme) => `${header}${scheme ? `${scheme} ` : ''}${REDACTED}`,
  ],
  [/\b(bearer\s+)(?=[A-Za-z]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]+/gi, (_, bearer) => `${bearer}${REDACTED}`],
  // Token shapes of well-known services (the ones PC-DF-007 recognises, and a few more).
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g, () => REDACTED],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, () => REDACTED],
  [/\bglpat-[A-Za-z0-9_-]{20,}/g, () => REDACTED],
  [/\bnpm_[A-Za-z0-9]{36}\b/g, () => REDACTED],
  [/\bxox[baprs]-[A-Za-z0-9-]{10,}/g, () => REDACTED],
  [/\bAIza[0-9A-Za-z_-]{35}/g, () => REDACTED],
  [/\b[rs]k_live_[0-9A-Za-z]{16,}/g, () => REDACTED],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, () => REDACTED],
  // curl -u user:password (a numeric pair is a uid:gid, as in docker run -u 1000:1000).
  [
    /(?<=\s|^)(-u\s*|--user[=\s]\s*)([^\s:"']+):(?![0-9]+(?:\s|$))[^\s"']+/g,
    (_, flag, user) => `${flag}${user}:${REDACTED}`,
  ],
  // --password hunter2, --token abc (not docker's --secret, which takes a specification).
  [
    /(?<=\s|^)(--(?:[a-z]+-){0,4}(?:password|passwd|token|api-key|access-key)\s+)(?!-)([^\s"']+|"[^"\r\n]*"?|'[^'\r\n]*'?)/gi,
    (match, flag, value) => (NOT_A_SECRET.test(value) ? match : `${flag}${REDACTED}`),
  ],
  // NAME=value anywhere; NAME: "value" only when quoted, since prose says "a GitHub token: …".
  [
    new RegExp(
      String.raw`(?<![A-Za-z0-9_.-])(["']?${SECRET_NAME}["']?)(\s*=\s*("[^"\r\n]*"?|'[^'\r\n]*'?|[^\s"'\x60,;&|)]+)|\s*:\s*("[^"\r\n]*"?|'[^'\r\n]*'?))`,
      'gi',
    ),
    (match, name, assignment, equalsValue, colonValue) => {
      const value = (equalsValue ?? colonValue) as string;
      if (LOCATOR_NAME.test(name) || NOT_A_SECRET.test(value)) return match;
      return `${name}${assignment.slice(0, assignment.length - value.length)}${REDACTED}`;
    },
  ],
];

/**
 * What every pattern above needs somewhere in the text (a literal of its own, or a word of
 * SECRET_NAME), tested first: most of what a report says (17,000 findings' messages on a
 * 1,000-file repository) holds none, and sixteen passes over each cost a tenth of a second.
 */
const MAYBE_SECRET =
  /@|authorization|bearer|pass|secret|token|key|credential|gh[pousr]_|github_pat_|AKIA|ASIA|glpat-|npm_|xox|AIza|k_live_|eyJ|-u/i;

/** `text` with every credential-shaped value replaced by `***`. */
export function redactSecrets(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  let redacted = text;
  for (const [pattern, replace] of PATTERNS) redacted = redacted.replace(pattern, replace);
  return redacted;
}

/** Whether `text` holds a credential-shaped value. */
export function containsSecret(text: string): boolean {
  return redactSecrets(text) !== text;
}
