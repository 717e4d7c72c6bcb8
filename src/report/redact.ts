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

/**
 * Each pattern with what a text must hold for it to match (any of `needs`, looked for in the
 * lower-cased text): a text that holds one of these words mostly holds one, so one or two
 * patterns run instead of sixteen, and a pattern never needed is never compiled (a cold
 * one-file check compiled all sixteen for its first message with a `key` in it).
 */
interface SecretPattern {
  needs: readonly string[];
  pattern: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

const PATTERNS: readonly SecretPattern[] = [
  // PEM private keys, also cut short by a size limit.
  {
    needs: ['private key'],
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)/g,
    replace: () => REDACTED,
  },
  // URL userinfo, up to the last `@` of the authority: https://user:p@ss@host.
  {
    needs: ['@'],
    pattern: /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/)[^\s/?#"'<>`]+@/g,
    replace: (_, scheme) => `${scheme}${REDACTED}@`,
  },
  // The same without a scheme, in front of a registry host: FROM user:pass@registry.example.com/app.
  {
    needs: ['@'],
    pattern:
      /(?<=^|[\s"'=(,[])[^\s/@"':=]{1,128}:[^\s/@"']{1,128}@(?=[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?\/)/g,
    replace: () => `${REDACTED}@`,
  },
  // Authorization headers, and bearer tokens wherever they appear.
  {
    needs: ['authorization'],
    pattern: /\b(authorization["']?\s*[:=]\s*["']?)(?:(bearer|basic|token|bot|digest)\s+)?[^\s"',;]+/gi,
    replace: (_, header, scheme) => `${header}${scheme ? `${scheme} ` : ''}${REDACTED}`,
  },
  {
    needs: ['bearer'],
    pattern: /\b(bearer\s+)(?=[A-Za-z]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]+/gi,
    replace: (_, bearer) => `${bearer}${REDACTED}`,
  },
  // Token shapes of well-known services (the ones PC-DF-007 recognises, and a few more).
  {
    needs: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
    replace: () => REDACTED,
  },
  { needs: ['akia', 'asia'], pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, replace: () => REDACTED },
  { needs: ['glpat-'], pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g, replace: () => REDACTED },
  { needs: ['npm_'], pattern: /\bnpm_[A-Za-z0-9]{36}\b/g, replace: () => REDACTED },
  { needs: ['xox'], pattern: /\bxox[baprs]-[A-Za-z0-9-]{10,}/g, replace: () => REDACTED },
  { needs: ['aiza'], pattern: /\bAIza[0-9A-Za-z_-]{35}/g, replace: () => REDACTED },
  { needs: ['k_live_'], pattern: /\b[rs]k_live_[0-9A-Za-z]{16,}/g, replace: () => REDACTED },
  {
    needs: ['eyj'],
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
    replace: () => REDACTED,
  },
  // curl -u user:password (a numeric pair is a uid:gid, as in docker run -u 1000:1000).
  {
    needs: ['-u'],
    pattern: /(?<=\s|^)(-u\s*|--user[=\s]\s*)([^\s:"']+):(?![0-9]+(?:\s|$))[^\s"']+/g,
    replace: (_, flag, user) => `${flag}${user}:${REDACTED}`,
  },
  // --password hunter2, --token abc (not docker's --secret, which takes a specification).
  {
    needs: ['password', 'passwd', 'token', 'api-key', 'access-key'],
    pattern:
      /(?<=\s|^)(--(?:[a-z]+-){0,4}(?:password|passwd|token|api-key|access-key)\s+)(?!-)([^\s"']+|"[^"\r\n]*"?|'[^'\r\n]*'?)/gi,
    replace: (match, flag, value) => (NOT_A_SECRET.test(value as string) ? match : `${flag}${REDACTED}`),
  },
  // NAME=value anywhere; NAME: "value" only when quoted, since prose says "a GitHub token: …".
  {
    needs: ['passw', 'secret', 'token', 'key', 'credential'],
    pattern: new RegExp(
      String.raw`(?<![A-Za-z0-9_.-])(["']?${SECRET_NAME}["']?)(\s*=\s*("[^"\r\n]*"?|'[^'\r\n]*'?|[^\s"'\x60,;&|)]+)|\s*:\s*("[^"\r\n]*"?|'[^'\r\n]*'?))`,
      'gi',
    ),
    replace: (match, name, assignment, equalsValue, colonValue) => {
      const value = (equalsValue ?? colonValue) as string;
      if (LOCATOR_NAME.test(name as string) || NOT_A_SECRET.test(value)) return match;
      return `${name}${(assignment as string).slice(0, (assignment as string).length - value.length)}${REDACTED}`;
    },
  },
];

/**
 * Any pattern's need, tested first in one pass: most of what a report says (17,000 findings'
 * messages on a 1,000-file repository) holds none, and sixteen passes over each cost a tenth
 * of a second. Case-insensitive, as the look-ups in the lower-cased text below: a superset of
 * what each pattern can match (an `i` pattern matches ASCII letters only case-insensitively,
 * and lower-casing maps every ASCII capital to its small letter).
 */
const MAYBE_SECRET = new RegExp(
  [...new Set(PATTERNS.flatMap(({ needs }) => needs))]
    .map((need) => need.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|'),
  'i',
);

/** `text` with every credential-shaped value replaced by `***`. */
export function redactSecrets(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  const lower = text.toLowerCase();
  let redacted = text;
  for (const { needs, pattern, replace } of PATTERNS) {
    if (needs.some((need) => lower.includes(need))) redacted = redacted.replace(pattern, replace);
  }
  return redacted;
}

/** Whether `text` holds a credential-shaped value. */
export function containsSecret(text: string): boolean {
  return redactSecrets(text) !== text;
}
