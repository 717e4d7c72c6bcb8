/**
 * Renders what a policy change does: the `Portcullis policy` check run (opa check and
 * opa test on the head policies as annotations, the impact on the repository's targets in
 * the summary), and the CLI's `policy test` and `policy impact` output. Pure.
 */
import type { ChangedFinding, PolicyImpact } from '../core/impact.js';
import type { Finding } from '../policy/findings.js';
import type { PolicyExamination, PolicyTestResult } from '../policy/opa-tools.js';
import {
  BADGE,
  type CheckRunAnnotation,
  type CheckRunReport,
  type LocatedProblem,
  SUMMARY_LIMIT,
} from './check-run.js';
import { htmlText, markdownCellCode, markdownCode, markdownFence, markdownText } from './markdown.js';
import { plainFinding, plainLine, plainText, workflowSafe } from './plain-text.js';

export const POLICY_CHECK_NAME = 'Portcullis policy';

const MESSAGE_LIMIT = 64 * 1024 - 1;
/** Problems and failed tests listed in the summary, at most; every one is an annotation too. */
const LISTED_LIMIT = 30;

export interface PolicyChangeOutcome {
  /** The head commit's configuration could not be loaded: its problems; nothing else ran. */
  configError?: { message: string; located: LocatedProblem[] };
  examination?: PolicyExamination;
  /** The impact on the repository's targets, or why it was not computed. */
  impact?: PolicyImpact | { notComputed: string };
  /** Where the base and head policies come from, for the footer. */
  baseSource?: string;
  headSource?: string;
  /** Anything else the reader should know (a truncated tree, …). */
  notes?: string[];
}

export function policyCheckReport(outcome: PolicyChangeOutcome): CheckRunReport {
  const { examination, configError } = outcome;
  const failedTests = examination?.tests?.filter((t) => !t.passed) ?? [];
  const errors = examination?.errors ?? [];
  const failing = Boolean(configError) || errors.length > 0 || failedTests.length > 0;
  const impact = outcome.impact && 'added' in outcome.impact ? outcome.impact : undefined;

  const sections: string[] = [];
  if (configError) {
    sections.push(
      '**The configuration at the head commit has problems**, so its policies could not be loaded:',
      '',
      markdownFence(configError.message.slice(0, 10_000)),
    );
  } else if (examination) {
    sections.push(
      verdict(examination, failedTests.length),
      '',
      checkSection(examination),
      testSection(examination),
    );
  }
  if (outcome.impact) sections.push(impactSection(outcome.impact));
  for (const note of outcome.notes ?? []) sections.push(`> ${markdownText(note)}`, '');
  const footer = [
    '',
    '---',
    'The head policies only produce this report: the **Portcullis** check judges this pull request by the base policies.',
    ...(outcome.baseSource ? [`Base policies: ${markdownText(outcome.baseSource)}.`] : []),
    ...(outcome.headSource ? [`Head policies: ${markdownText(outcome.headSource)}.`] : []),
  ].join('\n');

  const files = impact ? impactFileSections(impact) : [];
  return {
    conclusion: failing ? 'failure' : 'success',
    title: title(outcome, failedTests.length, impact),
    summary: fitSummary(sections.join('\n'), files, footer),
    annotations: [
      ...(configError?.located ?? []).map((p) =>
        annotation(p.path, p.line, 'failure', 'Portcullis configuration', p.message),
      ),
      ...errors
        .filter((p) => examination?.isRepositoryFile(p.file))
        .map((p) => annotation(p.file, p.line, 'failure', `opa check: ${p.code}`, p.message)),
      ...(examination?.warnings ?? [])
        .filter((p) => examination?.isRepositoryFile(p.file))
        .map((p) => annotation(p.file, p.line, 'warning', `opa check --strict: ${p.code}`, p.message)),
      ...failedTests.map((t) => ({
        ...annotation(t.file, t.line, 'failure', `opa test: ${testName(t)} failed`, testFailure(t)),
        ...(t.output ? { raw_details: plainText(t.output).slice(0, MESSAGE_LIMIT) } : {}),
      })),
    ],
  };
}

function verdict(examination: PolicyExamination, failedTests: number): string {
  if (!examination.engine) {
    return '**The policies at the head commit do not compile:** once merged, Portcullis would fail every pull request.';
  }
  if (examination.errors.length > 0)
    return '**The tests at the head commit do not compile**, so they did not run.';
  if (failedTests > 0) return `**${plural(failedTests, 'test')} of the head policies failed.**`;
  return '**The policies at the head commit compile and their tests pass.**';
}

function title(outcome: PolicyChangeOutcome, failedTests: number, impact: PolicyImpact | undefined): string {
  if (outcome.configError) return 'The head configuration has problems';
  const parts: string[] = [];
  const examination = outcome.examination;
  if (examination) {
    if (examination.errors.length > 0) parts.push(plural(examination.errors.length, 'policy error'));
    else parts.push('policies compile');
    if (examination.tests && examination.tests.length > 0) {
      parts.push(
        failedTests > 0
          ? `${failedTests} of ${plural(examination.tests.length, 'test')} failed`
          : `${plural(examination.tests.length, 'test')} passed`,
      );
    }
  }
  if (impact) parts.push(`impact: +${impact.totals.added} −${impact.totals.removed} findings`);
  const text = parts.join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function checkSection(examination: PolicyExamination): string {
  const { errors, warnings } = examination;
  const lines = ['### `opa check --strict`', ''];
  if (errors.length === 0 && warnings.length === 0) {
    lines.push('No problems.', '');
    return lines.join('\n');
  }
  lines.push(
    `${plural(errors.length, 'error')} (the policies would not compile, or the tests not load), ${plural(warnings.length, 'warning')} (\`--strict\` only).`,
    '',
    '| Level | Where | Problem |',
    '| --- | --- | --- |',
  );
  const rows = [
    ...errors.map((p) => ({ level: '❌ error', p })),
    ...warnings.map((p) => ({ level: '⚠️ warning', p })),
  ];
  for (const { level, p } of rows.slice(0, LISTED_LIMIT)) {
    lines.push(`| ${level} | ${where(p)} | ${markdownText(p.message)} (${markdownText(p.code)}) |`);
  }
  if (rows.length > LISTED_LIMIT)
    lines.push('', `…and ${rows.length - LISTED_LIMIT} more, in the annotations.`);
  lines.push('');
  return lines.join('\n');
}

function testSection(examination: PolicyExamination): string {
  const tests = examination.tests;
  const lines = ['### `opa test`', ''];
  if (tests === null) {
    lines.push('Not run: `opa check` found errors.', '');
    return lines.join('\n');
  }
  if (tests.length === 0) {
    lines.push('The policy folder has no tests (`*_test.rego`).', '');
    return lines.join('\n');
  }
  const failed = tests.filter((t) => !t.passed);
  lines.push(`${tests.length - failed.length} of ${plural(tests.length, 'test')} passed.`, '');
  if (failed.length > 0) {
    lines.push('| Where | Failed test | Why |', '| --- | --- | --- |');
    for (const t of failed.slice(0, LISTED_LIMIT)) {
      lines.push(
        `| ${where({ file: t.file, line: t.line })} | ${markdownCellCode(testName(t))} | ${markdownText(testFailure(t))} |`,
      );
    }
    if (failed.length > LISTED_LIMIT)
      lines.push('', `…and ${failed.length - LISTED_LIMIT} more, in the annotations.`);
    lines.push('');
  }
  return lines.join('\n');
}

function impactSection(impact: PolicyImpact | { notComputed: string }): string {
  const lines = ['### Impact on the repository', ''];
  if ('notComputed' in impact) {
    lines.push(`Not computed: ${markdownText(impact.notComputed)}`, '');
    return lines.join('\n');
  }
  const { totals } = impact;
  lines.push(
    `Every container file at the head commit (${plural(totals.targets, 'file')}), judged by the base policies and by the head policies:`,
    '',
    '| | Findings |',
    '| --- | ---: |',
    `| base policies | ${totals.base} |`,
    `| head policies | ${totals.head} |`,
    `| ➕ newly reported | ${totals.added} |`,
    `| ➖ no longer reported | ${totals.removed} |`,
    ...(totals.changed > 0 ? [`| 🔁 other severity or waiver | ${totals.changed} |`] : []),
    '',
  );
  const byRule = ruleTotals(impact);
  if (byRule.length > 0) {
    lines.push('| Rule | ➕ Added | ➖ Removed | 🔁 Changed |', '| --- | ---: | ---: | ---: |');
    for (const [rule, counts] of byRule) {
      lines.push(`| ${markdownText(rule)} | ${counts.added} | ${counts.removed} | ${counts.changed} |`);
    }
    lines.push('');
  } else {
    lines.push('**No finding would change.**', '');
  }
  if (impact.errors.length > 0) {
    lines.push(`${plural(impact.errors.length, 'file')} left out of the comparison:`, '');
    for (const e of impact.errors.slice(0, LISTED_LIMIT))
      lines.push(`- ${markdownCode(e.path)}: ${markdownText(e.message)}`);
    if (impact.errors.length > LISTED_LIMIT) lines.push(`- …and ${impact.errors.length - LISTED_LIMIT} more`);
    lines.push('');
  }
  for (const note of impact.notes ?? []) lines.push(`> ${markdownText(note)}`, '');
  return lines.join('\n');
}

type Change = { sign: '➕ added' | '➖ removed' | '🔁 changed'; finding: Finding; before?: Finding };

/** One folded section per file: its changed findings, by rule then line. */
function impactFileSections(impact: PolicyImpact): string[] {
  const byFile = new Map<string, Change[]>();
  const add = (change: Change) => {
    const list = byFile.get(change.finding.path) ?? [];
    list.push(change);
    byFile.set(change.finding.path, list);
  };
  for (const finding of impact.added) add({ sign: '➕ added', finding });
  for (const finding of impact.removed) add({ sign: '➖ removed', finding });
  for (const { before, after } of impact.changed) add({ sign: '🔁 changed', finding: after, before });
  return [...byFile]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, changes]) => {
      const count = (sign: Change['sign']) => changes.filter((c) => c.sign === sign).length;
      const tally = [
        `+${count('➕ added')}`,
        `−${count('➖ removed')}`,
        ...(count('🔁 changed') ? [`~${count('🔁 changed')}`] : []),
      ];
      const rows = changes
        .sort((a, b) => a.finding.rule_id.localeCompare(b.finding.rule_id) || a.finding.line - b.finding.line)
        .map(({ sign, finding, before }) => {
          const severity = before
            ? `${severityLabel(before)} → ${severityLabel(finding)}`
            : severityLabel(finding);
          return `| ${sign} | ${markdownText(finding.rule_id)} | ${finding.line} | ${severity} | ${markdownText(finding.message)} |`;
        });
      return [
        // GitHub renders no markdown inside this HTML line: the path is HTML-escaped, not a code span.
        `<details><summary><code>${htmlText(path)}</code>: ${tally.join(' ')}</summary>`,
        '',
        '| Change | Rule | Line | Severity | Finding |',
        '| --- | --- | ---: | --- | --- |',
        ...rows,
        '',
        '</details>',
        '',
      ].join('\n');
    });
}

function severityLabel(finding: Finding): string {
  return finding.waived ? `🏳️ waived (${finding.severity})` : BADGE[finding.severity];
}

function ruleTotals(impact: PolicyImpact): [string, { added: number; removed: number; changed: number }][] {
  const totals = new Map<string, { added: number; removed: number; changed: number }>();
  const count = (rule: string, kind: 'added' | 'removed' | 'changed') => {
    const entry = totals.get(rule) ?? { added: 0, removed: 0, changed: 0 };
    entry[kind]++;
    totals.set(rule, entry);
  };
  for (const f of impact.added) count(f.rule_id, 'added');
  for (const f of impact.removed) count(f.rule_id, 'removed');
  for (const c of impact.changed) count(c.after.rule_id, 'changed');
  return [...totals].sort(([a], [b]) => a.localeCompare(b));
}

/** Adds per-file sections while they fit, then says how many were left out. */
function fitSummary(head: string, sections: readonly string[], footer: string): string {
  let summary = head;
  for (let i = 0; i < sections.length; i++) {
    const notice = `\n> **Summary truncated:** ${plural(sections.length - i, 'more file')} not shown here; \`portcullis policy impact\` lists them all.\n`;
    if (summary.length + (sections[i] as string).length + notice.length + footer.length > SUMMARY_LIMIT) {
      return summary + notice + footer;
    }
    summary += `\n${sections[i]}`;
  }
  return (summary + footer).slice(0, SUMMARY_LIMIT);
}

function annotation(
  path: string,
  line: number,
  level: CheckRunAnnotation['annotation_level'],
  title: string,
  message: string,
): CheckRunAnnotation {
  return {
    path,
    start_line: Math.max(1, line),
    end_line: Math.max(1, line),
    annotation_level: level,
    title: plainText(title).slice(0, 255),
    message: plainText(message).slice(0, MESSAGE_LIMIT),
  };
}

function where(p: { file: string; line: number }): string {
  return p.file ? markdownCellCode(`${p.file}:${p.line}`) : '(no file)';
}

/** `data.portcullis.rules.acme_test.test_x` → `acme_test.test_x`. */
function testName(t: PolicyTestResult): string {
  return t.name.replace(/^data\.(portcullis\.rules\.)?/, '');
}

function testFailure(t: PolicyTestResult): string {
  return t.error ? `The test stopped on an error: ${t.error}` : 'The test is false.';
}

// ---------------------------------------------------------------------------------------------
// The command line.

export interface ImpactJson {
  added: Finding[];
  removed: Finding[];
  changed: ChangedFinding[];
  totals: PolicyImpact['totals'];
  errors: PolicyImpact['errors'];
  notes: string[];
}

/** `policy impact --format json`: `added` and `removed` first, as scripts expect them. */
export function impactJsonReport(impact: PolicyImpact): ImpactJson {
  return {
    added: impact.added.map(plainFinding),
    removed: impact.removed.map(plainFinding),
    changed: impact.changed.map(({ before, after }) => ({
      before: plainFinding(before),
      after: plainFinding(after),
    })),
    totals: impact.totals,
    errors: impact.errors.map((e) => ({ path: e.path, message: plainText(e.message) })),
    notes: (impact.notes ?? []).map(plainText),
  };
}

const STYLE = {
  deny: '31;1',
  warn: '33',
  info: '36',
  dim: '2',
  bold: '1',
  added: '32',
  removed: '31',
} as const;

export function impactTextReport(impact: PolicyImpact, color: boolean): string {
  const paint = (style: keyof typeof STYLE, text: string) =>
    color ? `\u001b[${STYLE[style]}m${text}\u001b[0m` : text;
  const severity = (f: Finding) => paint(f.severity, f.severity.toUpperCase().padEnd(4));
  const out: string[] = [];
  const byFile = new Map<string, string[]>();
  const push = (path: string, line: string) => byFile.set(path, [...(byFile.get(path) ?? []), line]);
  const rule = (f: Finding) => paint('dim', plainLine(f.rule_id));
  for (const f of impact.added)
    push(
      f.path,
      `  ${paint('added', '+')} ${String(f.line).padStart(4)}  ${severity(f)}  ${rule(f)}  ${plainText(f.message)}`,
    );
  for (const f of impact.removed)
    push(
      f.path,
      `  ${paint('removed', '-')} ${String(f.line).padStart(4)}  ${severity(f)}  ${rule(f)}  ${plainText(f.message)}`,
    );
  for (const { before, after } of impact.changed) {
    const waived = (f: Finding) => (f.waived ? ' (waived)' : '');
    push(
      after.path,
      `  ~ ${String(after.line).padStart(4)}  ${before.severity}${waived(before)} -> ${after.severity}${waived(after)}  ${rule(after)}  ${plainText(after.message)}`,
    );
  }
  for (const [path, lines] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(paint('bold', plainLine(path)), ...lines, '');
  }
  for (const e of impact.errors)
    out.push(paint('bold', plainLine(e.path)), `  ${paint('dim', plainText(e.message))}`, '');
  const { totals } = impact;
  out.push(
    `${plural(totals.targets, 'file')} judged by both policy sets: ${paint('added', `${totals.added} added`)}, ${paint('removed', `${totals.removed} removed`)}, ${totals.changed} changed (base ${plural(totals.base, 'finding')}, head ${totals.head})`,
  );
  for (const note of impact.notes ?? []) out.push(paint('dim', plainText(note)));
  return workflowSafe(out.join('\n'));
}

export function policyTestTextReport(
  tests: readonly PolicyTestResult[],
  folder: string,
  color: boolean,
): string {
  const paint = (style: keyof typeof STYLE, text: string) =>
    color ? `\u001b[${STYLE[style]}m${text}\u001b[0m` : text;
  if (tests.length === 0) return workflowSafe(`No tests (*_test.rego) in ${plainLine(folder)}.`);
  const out: string[] = [];
  for (const t of tests) {
    const label = t.passed ? paint('added', 'PASS') : paint('deny', 'FAIL');
    out.push(`${label}  ${plainLine(t.file)}:${t.line}  ${plainLine(testName(t))}`);
    if (!t.passed) {
      if (t.error) out.push(`      ${plainText(t.error)}`);
      for (const line of plainText(t.output).trimEnd().split('\n').filter(Boolean))
        out.push(`      ${paint('dim', line)}`);
    }
  }
  const failed = tests.filter((t) => !t.passed).length;
  out.push('', `${tests.length - failed}/${tests.length} passed${failed > 0 ? `, ${failed} failed` : ''}`);
  return workflowSafe(out.join('\n'));
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
