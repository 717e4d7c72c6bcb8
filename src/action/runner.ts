/**
 * What a step says to the Actions runner: workflow commands on stdout (annotations,
 * warnings), the job summary (GITHUB_STEP_SUMMARY) and the step's outputs (GITHUB_OUTPUT),
 * both files the runner reads after the step. Written by hand: @actions/core would be a
 * dependency for three file appends and two escapes, and its escapes are in plain-text.ts
 * (tested against the runner's parser).
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { CheckRunAnnotation, CheckRunReport } from '../report/check-run.js';
import { escapeData, escapeProperty, plainText, workflowSafe } from '../report/plain-text.js';

export interface Runner {
  /** A line of the step's log (made safe: nothing in it becomes a workflow command). */
  log(text: string): void;
  warning(message: string): void;
  error(message: string, properties?: Record<string, string | number>): void;
  /** Each annotation of a report as a workflow command, which the runner shows on the file's line. */
  annotate(annotations: readonly CheckRunAnnotation[]): void;
  /** Markdown appended to the job summary; nothing without GITHUB_STEP_SUMMARY. */
  summary(markdown: string): void;
  /** A step output; nothing without GITHUB_OUTPUT. */
  output(name: string, value: string): void;
}

const COMMAND: Record<CheckRunAnnotation['annotation_level'], string> = {
  failure: 'error',
  warning: 'warning',
  notice: 'notice',
};

/**
 * A workflow command line. The message is plain text (plainText: no `##[`, no escape
 * sequence, no credential) before escaping, so nothing of a repository's text can end
 * the command or start another.
 */
export function workflowCommand(
  command: string,
  properties: Record<string, string | number>,
  message: string,
): string {
  const props = Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeProperty(plainText(String(value)))}`)
    .join(',');
  return `::${command}${props ? ` ${props}` : ''}::${escapeData(plainText(message))}`;
}

/** An annotation as the runner's `::error file=…,line=…,endLine=…,title=…::message`, its fix in the message. */
export function annotationCommand(annotation: CheckRunAnnotation): string {
  const details = annotation.raw_details ? `\n\n${annotation.raw_details}` : '';
  return workflowCommand(
    COMMAND[annotation.annotation_level],
    {
      file: annotation.path,
      line: annotation.start_line,
      endLine: annotation.end_line,
      title: annotation.title,
    },
    `${annotation.message}${details}`,
  );
}

/** A check run's report as a section of the job summary. */
export function summarySection(
  name: string,
  report: Pick<CheckRunReport, 'conclusion' | 'title' | 'summary'>,
) {
  return `## ${name}: ${plainText(report.title).replace(/\n/g, ' ')} (${report.conclusion})\n\n${report.summary}\n`;
}

export function processRunner(files: { summary?: string; output?: string }): Runner {
  const line = (text: string) => process.stdout.write(`${text}\n`);
  return {
    log: (text) => line(workflowSafe(plainText(text))),
    warning: (message) => line(workflowCommand('warning', {}, message)),
    error: (message, properties = {}) => line(workflowCommand('error', properties, message)),
    annotate(annotations) {
      for (const annotation of annotations) line(annotationCommand(annotation));
    },
    summary(markdown) {
      if (files.summary) appendFileSync(files.summary, `${markdown}\n`);
    },
    output(name, value) {
      if (!files.output) return;
      // The runner's multi-line form, with a delimiter the value cannot contain.
      const delimiter = `ghadelimiter_${randomUUID()}`;
      appendFileSync(files.output, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
    },
  };
}
