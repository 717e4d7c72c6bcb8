/**
 * Whether a `NAME=value` from an image's config (Env) or history (build args recorded in
 * `created_by`) looks like a secret. The same judgement as PC-DF-007 makes on the Dockerfile
 * text (policies/dockerfile/secret_in_env.rego), made here because the values themselves
 * never enter the policy input: a policy sees the name and the verdict, and a check run can
 * never print the value.
 */

/** Shapes of well-known credentials, by what they are (as in PC-DF-007). */
const CREDENTIAL_PATTERNS: [string, RegExp][] = [
  ['an AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['a GitHub token', /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/],
  ['a GitLab token', /\bglpat-[A-Za-z0-9_-]{20,}/],
  ['an npm token', /\bnpm_[A-Za-z0-9]{36}\b/],
  ['a Slack token', /\bxox[baprs]-[A-Za-z0-9-]{10,}/],
  ['a private key', /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----/],
  ['a JSON Web Token', /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
];

/** Why `value` under `name` looks like a secret, or null when it does not. */
export function secretKind(name: string, value: string): string | null {
  for (const [kind, pattern] of CREDENTIAL_PATTERNS) if (pattern.test(value)) return kind;
  return secretName(name) && literal(value) ? 'a literal value under a secret-like name' : null;
}

/** GITHUB_TOKEN, db-password, apiKey … but not where a secret lives (DB_PASSWORD_FILE, TOKEN_URL). */
export function secretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[-.]/g, '_')
    .toLowerCase();
  return (
    /(^|_)(tokens?|passwords?|passwd|secrets?|credentials?|api_?key|apikey|private_?key|access_?key)(_|$)/.test(
      words,
    ) && !/_(file|path|dir|url|uri|endpoint|host|name|length|len|ttl|header|env|enabled)$/.test(words)
  );
}

function literal(value: string): boolean {
  if (/^(true|false|yes|no|on|off|0|1|null|none)$/i.test(value)) return false;
  if (value.startsWith('/run/secrets/')) return false;
  return /[A-Za-z0-9]/.test(value.replace(/\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)/g, ''));
}

/** `NAME=value` words of a history entry's `created_by` (build args, ENV), with where the value is. */
export function assignmentsIn(text: string): { name: string; value: string; start: number; end: number }[] {
  const found: { name: string; value: string; start: number; end: number }[] = [];
  const pattern = /(?:^|[\s|])([A-Za-z_][A-Za-z0-9_.-]*)=("[^"]*"|'[^']*'|\S*)/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const [whole, name = '', raw = ''] = match;
    const start = match.index + whole.length - raw.length;
    const value = /^(["']).*\1$/.test(raw) ? raw.slice(1, -1) : raw;
    found.push({ name, value, start, end: start + raw.length });
  }
  return found;
}

export const REDACTED = '***';

/** `created_by` with the values of secret-looking assignments replaced, and those names. */
export function redactHistory(text: string): { text: string; secrets: string[] } {
  const secrets: string[] = [];
  let out = text;
  for (const assignment of assignmentsIn(text).reverse()) {
    if (!secretKind(assignment.name, assignment.value)) continue;
    secrets.unshift(assignment.name);
    out = `${out.slice(0, assignment.start)}${REDACTED}${out.slice(assignment.end)}`;
  }
  // A credential-shaped value outside an assignment (a token on a RUN line) is cut out too.
  for (const [, pattern] of CREDENTIAL_PATTERNS) {
    out = out.replace(new RegExp(pattern.source, 'g'), REDACTED);
  }
  return { text: out, secrets };
}
