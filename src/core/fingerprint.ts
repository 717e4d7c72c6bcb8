/**
 * A finding's identity across commits and policy versions: its rule, its path and the text
 * of its lines, not their number. The review recognises its earlier comments by it, the
 * policy impact report matches the findings of two policy sets with it, and SARIF gives it
 * to code scanning, which tracks an alert by it.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../policy/findings.js';
import { decodeSourceText } from '../repository/source-file.js';
import type { TargetFile } from './judge.js';

/** One algorithm, two spellings kept for what is already stored (review markers, code-scanning alerts). */
export interface FindingIdentity {
  /** SHA-256 (hex) of rule id, path and the offending lines' text. */
  hash: string;
  /** 1 for the first finding with this hash, 2 for the next identical one, … */
  occurrence: number;
}

/** The lines of each readable file, for fingerprinting. */
export function sourceLinesOf(files: Iterable<Pick<TargetFile, 'path' | 'content'>>): Map<string, string[]> {
  const sources = new Map<string, string[]>();
  for (const file of files) {
    if (!(file.content instanceof Uint8Array)) continue;
    const source = decodeSourceText(file.content);
    if (source.ok) sources.set(file.path, source.text.split(/\r?\n/));
  }
  return sources;
}

/**
 * Identities, aligned with `findings`: the offending lines with their whitespace
 * normalised (trimmed, runs of blanks as one space), so a finding keeps its identity when
 * lines above it move or its indentation changes. Without the text (a finding about the
 * waivers file, a line past the end), the message is the next most stable thing.
 */
export function findingIdentities(
  findings: readonly Finding[],
  sources: ReadonlyMap<string, readonly string[]>,
): FindingIdentity[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const lines = sources.get(finding.path)?.slice(finding.line - 1, finding.end_line);
    const text =
      lines && lines.length > 0
        ? lines.map((line) => line.trim().replace(/\s+/g, ' ')).join('\n')
        : finding.message;
    const hash = createHash('sha256').update(`${finding.rule_id}\0${finding.path}\0${text}`).digest('hex');
    const occurrence = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, occurrence);
    return { hash, occurrence };
  });
}

/**
 * Fingerprints as the review's comment markers and the impact report spell them: 16 hex
 * digits, `-n` for the nth identical finding. Changing the spelling orphans every comment
 * already posted.
 */
export function fingerprintFindings(
  findings: readonly Finding[],
  files: ReadonlyMap<string, TargetFile['content']>,
): string[] {
  const sources = sourceLinesOf([...files].map(([path, content]) => ({ path, content })));
  return findingIdentities(findings, sources).map(({ hash, occurrence }) =>
    occurrence === 1 ? hash.slice(0, 16) : `${hash.slice(0, 16)}-${occurrence}`,
  );
}
