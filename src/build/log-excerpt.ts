/**
 * The end of a failed build's log, fit for a check run: ANSI colours stripped, the last
 * lines only, and secrets cut out: the values of build args (configured by the operator,
 * possibly secret), anything shaped like a credential, and `NAME=value` under a
 * secret-like name.
 */
import { REDACTED, redactHistory } from '../scan/secrets.js';

export const EXCERPT_LINES = 40;
export const EXCERPT_CHARS = 4000;

export function logExcerpt(log: string, knownSecrets: readonly string[] = []): string {
  const plain = log
    .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g'), '')
    .replace(/\r(?!\n)/g, '\n');
  const lines = plain.split('\n').filter((line, i, all) => line.trim() !== '' || i < all.length - 1);
  let excerpt = lines.slice(-EXCERPT_LINES).join('\n').trimEnd();
  if (excerpt.length > EXCERPT_CHARS) excerpt = `…${excerpt.slice(-EXCERPT_CHARS)}`;
  return redactLog(excerpt, knownSecrets);
}

export function redactLog(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  // Longest first, so a secret containing another is cut whole.
  for (const secret of [...knownSecrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(REDACTED);
  }
  return out
    .split('\n')
    .map((line) => redactHistory(line).text)
    .join('\n');
}
