/**
 * New versus existing: a head finding is new when the base version of its file had no
 * finding with the same fingerprint (rule, path, text of the offending lines). Reviewers
 * look at what the pull request brings in first; what was already there stays visible.
 */
import type { Finding } from '../policy/findings.js';
import { fingerprintFindings } from './fingerprint.js';
import type { Judgement, TargetFile } from './judge.js';

export function markNewFindings(
  head: Judgement,
  headFiles: ReadonlyMap<string, TargetFile['content']>,
  base: Pick<Judgement, 'findings'>,
  baseFiles: ReadonlyMap<string, TargetFile['content']>,
): void {
  const existing = new Set(fingerprintFindings(base.findings, baseFiles));
  const marks = new Map<Finding, boolean>();
  fingerprintFindings(head.findings, headFiles).forEach((fingerprint, i) => {
    marks.set(head.findings[i] as Finding, !existing.has(fingerprint));
  });
  // Targets hold the same finding objects as `head.findings`, sorted differently.
  for (const finding of [...head.findings, ...head.targets.flatMap((t) => t.findings)]) {
    const isNew = marks.get(finding);
    if (isNew !== undefined) finding.new = isNew;
  }
}
