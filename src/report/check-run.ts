/**
 * Renders a Judgement as the GitHub check run Portcullis posts: conclusion, summary
 * markdown and line annotations. Pure: the GitHub adapter only sends what this returns.
 */
import type { Judgement } from '../core/judge.js';
import type { Finding } from '../policy/findings.js';
import { markdownCode, markdownText } from './markdown.js';

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
  const counts = { deny: 0, warn: 0, info: 0 };
  for (const f of judgement.findings) counts[f.severity]++;
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
  const conclusion: CheckRunConclusion = counts.deny > 0 ? 'failure' : 'success';
  const title =
    judgement.findings.length === 0
      ? `${plural(files, 'container file')} checked: no findings`
      : `${counts.deny} deny, ${counts.warn} warn, ${counts.info} info in ${plural(files, 'container file')}`;

  const head = [
    conclusion === 'failure'
      ? `**${plural(counts.deny, 'finding')} at deny level block this pull request.** Fix them, or see each rule's remediation below.`
      : judgement.findings.length > 0
        ? '**No deny-level findings.** The warnings and notes below are worth a look.'
        : '**All container files pass the policies.**',
    '',
    '| Severity | Findings |',
    '| --- | ---: |',
    `| ${BADGE.deny} | ${counts.deny} |`,
    `| ${BADGE.warn} | ${counts.warn} |`,
    `| ${BADGE.info} | ${counts.info} |`,
    '',
  ];
  const sections = judgement.targets.map((target) => {
    const lines = [`### ${markdownCode(target.path)}`, ''];
    if (target.skipped) {
      lines.push(`Not checked: ${markdownText(target.skipped)}`, '');
    } else if (target.findings.length === 0) {
      lines.push('No findings.', '');
    } else {
      lines.push('| Line | Severity | Rule | Finding |', '| ---: | --- | --- | --- |');
      for (const f of target.findings) {
        lines.push(
          `| ${f.line} | ${BADGE[f.severity]} | ${markdownText(f.rule_id)} | ${markdownText(f.message)}${f.fix ? ' *(fix available)*' : ''} |`,
        );
      }
      lines.push('');
    }
    return lines.join('\n');
  });
  const footer = '\n---\nPolicies: the Portcullis built-in pack.';
  return {
    conclusion,
    title,
    summary: fitSummary(head.join('\n'), sections, footer),
    annotations: judgement.findings.map(toAnnotation),
    ...(judgement.findings.some((f) => f.fix) ? { actions: [APPLY_FIXES_ACTION] } : {}),
  };
}

/** The report for a run that could not finish: the check run still ends, and says why. */
export function errorReport(what: string, error: string): CheckRunReport {
  const summary = [
    `**Portcullis could not finish checking this pull request.** ${markdownText(what)}`,
    '',
    '```text',
    error.replace(/```/g, "'''").slice(0, 10_000),
    '```',
    '',
    'Nothing was judged, so the check fails rather than letting changes through unchecked. Use **Re-run** once the cause is fixed.',
  ].join('\n');
  return { conclusion: 'failure', title: 'Portcullis could not finish', summary, annotations: [] };
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
    title: `${f.rule_id}: ${f.title}`.slice(0, 255),
    message: f.message.slice(0, ANNOTATION_MESSAGE_LIMIT),
  };
  if (f.fix) {
    annotation.raw_details =
      `Suggested fix (${f.fix.description}), lines ${f.fix.line}-${f.fix.end_line}:\n${f.fix.replacement}`.slice(
        0,
        ANNOTATION_MESSAGE_LIMIT,
      );
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
