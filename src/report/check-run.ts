/**
 * Renders a Judgement as the GitHub check run Portcullis posts: conclusion, summary
 * markdown and line annotations. Pure: the GitHub adapter only sends what this returns.
 */
import type { Judgement } from '../core/judge.js';
import { isFailing } from '../core/repository-rules.js';
import type { Finding } from '../policy/findings.js';
import { settings } from '../settings.js';
import { portcullisVersion } from '../tools.js';
import { layerChartMarkdown } from './layer-chart.js';
import { htmlText, markdownFence, markdownText } from './markdown.js';
import { plainText } from './plain-text.js';
import { containsSecret } from './redact.js';

export const CHECK_RUN_NAME = 'Portcullis';
/** GitHub accepts at most 50 annotations per create/update request. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** GitHub rejects a summary or text longer than 65,535 characters. */
export const SUMMARY_LIMIT = 65_535;
const ANNOTATION_MESSAGE_LIMIT = 64 * 1024 - 1;

export type CheckRunConclusion = 'success' | 'failure' | 'neutral';

export interface CheckRunAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  title: string;
  message: string;
  raw_details?: string;
}

export interface CheckRunReport {
  conclusion: CheckRunConclusion;
  title: string;
  summary: string;
  annotations: CheckRunAnnotation[];
  /** Buttons on the completed check run; GitHub sends `check_run.requested_action` on a click. */
  actions?: CheckRunAction[];
}

/** GitHub limits: label 20 characters, description 40, identifier 20. */
export interface CheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

/** Commits every fix of the check run's findings to the pull request's branch (src/github/apply-fixes.ts). */
export const APPLY_FIXES_ACTION: CheckRunAction = {
  label: 'Apply fixes',
  description: 'Commit the suggested fixes to the branch',
  identifier: 'apply-fixes',
};

const LEVEL: Record<Finding['severity'], CheckRunAnnotation['annotation_level']> = {
  deny: 'failure',
  warn: 'warning',
  info: 'notice',
};
export const BADGE: Record<Finding['severity'], string> = { deny: '❌ deny', warn: '⚠️ warn', info: 'ℹ️ info' };

export function checkRunReport(judgement: Judgement): CheckRunReport {
  const files = judgement.targets.length;
  if (files === 0) {
    return {
      conclusion: 'success',
      title: 'No container files changed',
      summary:
        'This pull request changes no Dockerfile or other container file, so there is nothing for Portcullis to check.',
      annotations: [],
    };
  }
  const active = judgement.findings.filter((f) => !f.waived);
  const waived = judgement.findings.length - active.length;
  const counts = { deny: 0, warn: 0, info: 0 };
  for (const f of active) counts[f.severity]++;
  const failing = judgement.findings.filter((f) => isFailing(f, judgement.failOn));
  const unjudged = judgement.targets.filter((t) => t.evaluationFailed).length;
  const conclusion: CheckRunConclusion = failing.length > 0 || unjudged > 0 ? 'failure' : 'success';
  const title =
    judgement.findings.length === 0
      ? `${plural(files, 'container file')} checked: no findings`
      : `${counts.deny} deny, ${counts.warn} warn, ${counts.info} info${waived > 0 ? `, ${waived} waived` : ''} in ${plural(files, 'container file')}`;

  const failOn = judgement.failOn.join(' or ');
  const head = [
    unjudged > 0 && failing.length === 0
      ? `**The policies failed on ${plural(unjudged, 'file')}, so ${unjudged === 1 ? 'it was' : 'they were'} not judged.** Portcullis fails closed: see the file${unjudged === 1 ? '' : 's'} below.`
      : conclusion === 'failure'
        ? `**${plural(failing.length, 'finding')} at ${failOn} level block this pull request.** Fix them, or see each rule's remediation.`
        : active.length > 0
          ? `**Nothing at ${failOn} level.** The findings below are still worth a look.`
          : '**All container files pass the policies.**',
    '',
    ...severityTable(active, waived),
    '',
  ];
  const sections = judgement.targets.map((target) => targetSection(target, judgement.failOn));
  const footer = `\n---\nPolicies: ${markdownText(judgement.policySource)}. Portcullis ${portcullisVersion()}.`;
  return {
    conclusion,
    title,
    summary: fitSummary(head.join('\n'), sections, footer),
    annotations: judgement.findings.map(toAnnotation),
    ...(judgement.findings.some((f) => f.fix) ? { actions: [APPLY_FIXES_ACTION] } : {}),
  };
}

/** Counts by severity; with a `New` column when the findings were compared with the base. */
function severityTable(active: readonly Finding[], waived: number): string[] {
  const compared = active.some((f) => f.new !== undefined);
  const row = (label: string, findings: readonly Finding[]) =>
    compared
      ? `| ${label} | ${findings.length} | ${findings.filter((f) => f.new).length} |`
      : `| ${label} | ${findings.length} |`;
  return [
    compared ? '| Severity | Findings | New in this pull request |' : '| Severity | Findings |',
    compared ? '| --- | ---: | ---: |' : '| --- | ---: |',
    ...(['deny', 'warn', 'info'] as const).map((s) =>
      row(
        BADGE[s],
        active.filter((f) => f.severity === s),
      ),
    ),
    ...(waived > 0 ? [compared ? `| 🏳️ waived | ${waived} | |` : `| 🏳️ waived | ${waived} |`] : []),
  ];
}

/** A file's findings as a table, folded away unless something in it fails the check. */
function targetSection(target: Judgement['targets'][number], failOn: Judgement['failOn']): string {
  const counts = { deny: 0, warn: 0, info: 0 };
  for (const f of target.findings) if (!f.waived) counts[f.severity]++;
  const tally = target.skipped
    ? 'not checked'
    : target.findings.length === 0
      ? 'no findings'
      : (['deny', 'warn', 'info'] as const)
          .filter((s) => counts[s] > 0)
          .map((s) => `${counts[s]} ${s}`)
          .join(', ') || 'all waived';
  const open = target.findings.some((f) => isFailing(f, failOn)) ? ' open' : '';
  // GitHub renders no markdown inside this HTML line: the path is HTML-escaped, not a code span.
  const lines = [`<details${open}><summary><code>${htmlText(target.path)}</code>: ${tally}</summary>`, ''];
  if (target.skipped) {
    lines.push(`Not checked: ${markdownText(target.skipped)}`);
  } else if (target.findings.length > 0) {
    lines.push('| Line | Severity | Rule | Finding |', '| ---: | --- | --- | --- |');
    for (const f of target.findings) {
      const severity = f.waived ? `🏳️ waived (${f.severity})` : BADGE[f.severity];
      const note = f.waived
        ? ` *Waived: ${markdownText(f.waived.reason)}${f.waived.expires ? ` (until ${markdownText(f.waived.expires)})` : ''}.*`
        : f.fix
          ? ' *(fix available)*'
          : '';
      const fresh = f.new ? '🆕 ' : '';
      lines.push(
        `| ${f.line} | ${severity} | ${ruleLink(f.rule_id)} | ${fresh}${markdownText(f.message)}${note} |`,
      );
    }
  }
  if (target.image) lines.push('', layerChartMarkdown(target.image));
  lines.push('', '</details>', '');
  return lines.join('\n');
}

/** A rule id, linked to its entry in the rule catalog when PORTCULLIS_DOCS_URL says where that is. */
function ruleLink(ruleId: string): string {
  const base = settings().docsUrl;
  const text = markdownText(ruleId);
  return base && /^[A-Za-z0-9-]+$/.test(ruleId)
    ? `[${text}](${base.replace(/\/$/, '')}/rules.md#${ruleId.toLowerCase()})`
    : text;
}

/** The report for a run that could not finish: the check run still ends, and says why. */
/** Problems located in a file (configuration, waivers, policies) become annotations on their lines. */
export interface LocatedProblem {
  path: string;
  line: number;
  message: string;
}

export function errorReport(
  what: string,
  error: string,
  located: readonly LocatedProblem[] = [],
): CheckRunReport {
  const summary = [
    `**Portcullis could not finish checking this pull request.** ${markdownText(what)}`,
    '',
    markdownFence(error.slice(0, 10_000)),
    '',
    'Nothing was judged, so the check fails rather than letting changes through unchecked. Use **Re-run** once the cause is fixed.',
  ].join('\n');
  const annotations = located.map((p) => ({
    path: p.path,
    start_line: p.line,
    end_line: p.line,
    annotation_level: 'failure' as const,
    title: 'Portcullis configuration',
    message: plainText(p.message).slice(0, ANNOTATION_MESSAGE_LIMIT),
  }));
  return { conclusion: 'failure', title: 'Portcullis could not finish', summary, annotations };
}

export function chunkAnnotations(annotations: readonly CheckRunAnnotation[]): CheckRunAnnotation[][] {
  const chunks: CheckRunAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    chunks.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  }
  return chunks;
}

function toAnnotation(f: Finding): CheckRunAnnotation {
  const annotation: CheckRunAnnotation = {
    path: f.path,
    start_line: f.line,
    end_line: f.end_line,
    annotation_level: LEVEL[f.severity],
    title: plainText(`${f.rule_id}: ${f.title}`).slice(0, 255),
    message: plainText(f.message).slice(0, ANNOTATION_MESSAGE_LIMIT),
  };
  if (f.fix) {
    // Details are only read, never applied: a credential in the fix is shown as ***.
    const note = containsSecret(f.fix.replacement) ? ' (credential-shaped values shown as ***)' : '';
    annotation.raw_details = plainText(
      `Suggested fix (${f.fix.description}), lines ${f.fix.line}-${f.fix.end_line}${note}:\n${f.fix.replacement}`,
    ).slice(0, ANNOTATION_MESSAGE_LIMIT);
  }
  return annotation;
}

/** Adds per-file sections while they fit, then says how many were left out. */
function fitSummary(head: string, sections: string[], footer: string): string {
  let summary = head;
  for (let i = 0; i < sections.length; i++) {
    const notice = `\n> **Summary truncated:** ${plural(sections.length - i, 'more file')} not shown here; every finding is still in the annotations.\n`;
    if (summary.length + (sections[i] as string).length + notice.length + footer.length > SUMMARY_LIMIT) {
      return summary + notice + footer;
    }
    summary += `\n${sections[i]}`;
  }
  return summary + footer;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
