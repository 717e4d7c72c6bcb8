/** The CLI's renderings of a Judgement: readable text for people, JSON for scripts. */
import type { Judgement, TargetResult } from '../core/judge.js';
import type { Finding } from '../policy/findings.js';
import { layerChartText } from './layer-chart.js';
import { plainFinding, plainLine, plainText, workflowSafe } from './plain-text.js';

export interface JsonReport {
  findings: (Omit<Finding, 'fix'> & { fix?: Finding['fix'] })[];
  errors: { path: string; message: string }[];
}

export function jsonReport(
  judgement: Judgement,
  errors: { path: string; message: string }[] = [],
): JsonReport {
  return {
    findings: judgement.findings.map(plainFinding),
    errors: [...judgement.errors, ...errors].map((e) => ({ path: e.path, message: plainText(e.message) })),
  };
}

/**
 * The JSON report as `JSON.stringify(jsonReport(…), null, 2)` spells it, in pieces that
 * joined by newlines are that text: a large repository's report is never one string
 * (nor every finding copied at once) in memory. Findings come some 64 KiB at a time: one
 * piece each made the CLI's 17,000 findings on 1,000 files as many writes (~150 ms).
 */
const PIECE_CHARS = 64 * 1024;

export function* jsonReportLines(
  judgement: Judgement,
  errors: { path: string; message: string }[] = [],
): Generator<string> {
  const nested = (value: unknown, indent: string) =>
    indent + JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
  const { findings } = judgement;
  if (findings.length === 0) {
    yield '{\n  "findings": [],';
  } else {
    yield '{\n  "findings": [';
    let piece: string[] = [];
    let size = 0;
    for (const [index, finding] of findings.entries()) {
      const entry = `${nested(plainFinding(finding), '    ')}${index < findings.length - 1 ? ',' : ''}`;
      piece.push(entry);
      size += entry.length;
      if (size >= PIECE_CHARS) {
        yield piece.join('\n');
        piece = [];
        size = 0;
      }
    }
    if (piece.length > 0) yield piece.join('\n');
    yield '  ],';
  }
  yield `  "errors": ${nested(jsonReport({ ...judgement, findings: [] }, errors).errors, '  ').slice(2)}\n}`;
}

const STYLE = { deny: '31;1', warn: '33', info: '36', dim: '2', bold: '1' } as const;

export function textReport(judgement: Judgement, color: boolean): string {
  return [
    ...judgement.targets.map((target) => textTarget(target, color)),
    textSummary(judgement, color),
  ].join('\n');
}

/** One target's part of the text report (ending in a blank line), written as soon as the target is judged. */
export function textTarget(target: TargetResult, color: boolean): string {
  const paint = painter(color);
  const out: string[] = [];
  out.push(paint('bold', plainLine(target.path)));
  if (target.skipped) out.push(`  ${paint('dim', plainText(target.skipped))}`);
  else if (target.findings.length === 0) out.push(`  ${paint('dim', 'no findings')}`);
  const width = Math.max(0, ...target.findings.map((f) => String(f.line).length));
  for (const f of target.findings) {
    const label = f.waived ? paint('dim', 'WAIVED') : paint(f.severity, f.severity.toUpperCase().padEnd(6));
    out.push(
      `  ${String(f.line).padStart(width)}  ${label}  ${paint('dim', plainLine(f.rule_id))}  ${plainText(f.message)}`,
    );
    const indent = `  ${' '.repeat(width)}  `;
    if (f.waived) {
      const until = f.waived.expires ? ` until ${f.waived.expires}` : '';
      const waiver = plainLine(`waived${until} (${f.waived.source}): ${f.waived.reason}`);
      out.push(`${indent}${paint('dim', waiver)}`);
    } else if (f.fix) {
      out.push(`${indent}${paint('dim', `fix: ${plainLine(f.fix.description)}`)}`);
    }
  }
  if (target.image) out.push('', ...layerChartText(target.image).map((line) => `  ${line}`));
  out.push('');
  return workflowSafe(out.join('\n'));
}

/** The last line of the text report: counts and what fails the check. */
export function textSummary(judgement: Judgement, color: boolean): string {
  const paint = painter(color);
  const counts = { deny: 0, warn: 0, info: 0 };
  let waived = 0;
  for (const f of judgement.findings) {
    if (f.waived) waived++;
    else counts[f.severity]++;
  }
  const files = `${judgement.targets.length} file${judgement.targets.length === 1 ? '' : 's'}`;
  return workflowSafe(
    `${files} checked: ${paint('deny', `${counts.deny} deny`)}, ${paint('warn', `${counts.warn} warn`)}, ${paint('info', `${counts.info} info`)}${waived > 0 ? `, ${waived} waived` : ''}; failing on ${judgement.failOn.join(', ')}`,
  );
}

function painter(color: boolean) {
  return (style: keyof typeof STYLE, text: string) =>
    color ? `\u001b[${STYLE[style]}m${text}\u001b[0m` : text;
}
