/**
 * A finding's identity across commits and policy versions: its rule, its path and the text
 * of its lines, not their number. The review recognises its earlier comments by it, and the
 * policy impact report matches the findings of two policy sets with it.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../policy/findings.js';
import { decodeSourceText } from '../repository/source-file.js';
import type { TargetFile } from './judge.js';

/**
 * Fingerprints, aligned with `findings`: rule id, path and a hash of the offending lines'
 * text (trimmed), so a finding keeps its fingerprint when lines above it move. Identical
 * findings on identical lines are told apart by their order (`hash-2`, `hash-3`, …).
 *
 * The review's comment markers hold these values: changing the format orphans every
 * comment already posted.
 */
export function fingerprintFindings(
  findings: readonly Finding[],
  files: ReadonlyMap<string, TargetFile['content']>,
): string[] {
  const texts = new Map<string, string[] | null>();
  const linesOf = (path: string): string[] | null => {
    if (!texts.has(path)) {
      const content = files.get(path);
      const decoded = content instanceof Uint8Array ? decodeSourceText(content) : null;
      texts.set(path, decoded?.ok ? decoded.text.split(/\r?\n/) : null);
    }
    return texts.get(path) ?? null;
  };
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const lines = linesOf(f.path);
    // Without the text (a finding about the waivers file), the message is the next most stable thing.
    const offending = lines
      ? lines
          .slice(f.line - 1, f.end_line)
          .map((l) => l.trim())
          .join('\n')
      : f.message;
    const hash = createHash('sha256')
      .update(`${f.rule_id}\0${f.path}\0${offending}`)
      .digest('hex')
      .slice(0, 16);
    const count = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, count);
    return count === 1 ? hash : `${hash}-${count}`;
  });
}
