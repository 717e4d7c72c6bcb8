/**
 * Report rendering: hostile file names through the real CLI (JSON verdict, text output with
 * no escape bytes or workflow-command lines), and hostile paths, messages and waiver
 * reasons through the in-process renderers of the check run, the policy report and the
 * terminal (no raw HTML, no mentions, no lone CR in markdown; no control bytes in text).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Judgement } from '../../src/core/judge.js';
import type { Finding } from '../../src/policy/findings.js';
import { checkRunReport } from '../../src/report/check-run.js';
import { policyCheckReport } from '../../src/report/policy-report.js';
import { textReport } from '../../src/report/terminal.js';
import { type RepoFile, type RepoGroup, terminalProblems } from './model.js';
import { NAME_PAYLOADS, PAYLOADS, type Payload } from './payloads.js';

const ROOT_DOCKERFILE = 'FROM alpine:latest\nUSER root\n';
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what is checked
const TERMINAL_HOSTILE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Hostile file and folder names, each judged by the CLI: the name must not open the gate or the terminal. */
export function reportGroups(): RepoGroup[] {
  const files: RepoFile[] = [];
  for (const payload of NAME_PAYLOADS) {
    for (const placement of ['file', 'folder'] as const) {
      const id = `report-${payload.id}-${placement}`;
      const path =
        placement === 'file'
          ? `names/${id}-${payload.text}.Dockerfile`
          : `names/${id}-${payload.text}/Dockerfile`;
      files.push({
        id,
        category: 'report',
        path,
        why: `${payload.id} as a ${placement} name`,
        ...(TERMINAL_HOSTILE.test(payload.text) ? { raw: payload.text } : {}),
        verdict: { kind: 'deny', rules: ['PC-DF-002'] },
        write: (repo) => {
          mkdirSync(join(repo, path, '..'), { recursive: true });
          writeFileSync(join(repo, path), ROOT_DOCKERFILE);
        },
      });
    }
  }
  return [
    {
      name: 'report-names',
      files,
      textRuns: [
        ['check', '--format', 'text', '--offline'],
        ['fix', '--offline'],
      ],
      otherRuns: [['check', '--format', 'sarif', '--offline']],
    },
  ];
}

export interface RenderCase {
  id: string;
  why: string;
  problems(): string[];
}

function judgementWith(payload: Payload): Judgement {
  const path = `svc/${payload.text}/Dockerfile`;
  const finding: Finding = {
    rule_id: 'PC-DF-002',
    severity: 'deny',
    path,
    line: 1,
    end_line: 1,
    message: `The final stage runs as root because of "USER ${payload.text}"`,
    title: 'Final stage runs as root',
  };
  const waived: Finding = {
    ...finding,
    rule_id: 'PC-DF-003',
    severity: 'warn',
    line: 2,
    end_line: 2,
    waived: { reason: payload.text, owner: '@acme', expires: null, source: '.github/portcullis/waivers.yml' },
  };
  const skippedPath = `skipped/${payload.text}.Dockerfile`;
  return {
    targets: [
      { path, kind: 'dockerfile', findings: [finding, waived] },
      { path: skippedPath, kind: null, findings: [], skipped: `could not be read: ${payload.text}` },
    ],
    findings: [finding, waived],
    errors: [{ path: skippedPath, message: `could not be read: ${payload.text}` }],
    failOn: ['deny'],
    policySource: 'the built-in pack',
  };
}

/**
 * What GitHub renders of our markdown: fenced blocks and code spans show their text as it is
 * (HTML and mentions are inert there), except on HTML lines such as `<details><summary>…`,
 * where GitHub renders no markdown and a code span protects nothing.
 */
export function renderedMarkdown(markdown: string): string {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    out.push(/^\s*<\/?[A-Za-z]/.test(line) ? line : stripCodeSpans(line));
  }
  return out.join('\n');
}

/** CommonMark code spans: a run of n backticks up to the next run of exactly n. */
function stripCodeSpans(line: string): string {
  let result = '';
  let i = 0;
  while (i < line.length) {
    const open = /^`+/.exec(line.slice(i));
    if (!open || (i > 0 && line[i - 1] === '\\')) {
      result += line[i];
      i++;
      continue;
    }
    const run = open[0];
    const rest = line.slice(i + run.length);
    const close = new RegExp(`(^|[^\`])${run}(?!\`)`).exec(rest);
    if (!close) {
      result += run;
      i += run.length;
      continue;
    }
    result += '<code-span>';
    i += run.length + close.index + close[0].length;
  }
  return result;
}

/** Markdown that GitHub renders: only our own HTML tags, balanced; no live mention; no lone CR. */
export function markdownProblems(markdown: string, payload: Payload): string[] {
  const problems: string[] = [];
  const rendered = renderedMarkdown(markdown);
  const tags = rendered.match(/<\/?[A-Za-z][^>]*>/g) ?? [];
  const foreign = tags.find((t) => !/^<\/?(details|summary|code|code-span)( open)?>$/.test(t));
  if (foreign) problems.push(`raw HTML tag in markdown: ${foreign.slice(0, 40)}`);
  const count = (re: RegExp) => (rendered.match(re) ?? []).length;
  if (count(/<summary>/g) !== count(/<\/summary>/g) || count(/<details[ >]/g) !== count(/<\/details>/g))
    problems.push('unbalanced <details>/<summary>: the path broke out of its HTML');
  if (/(^|[^\w`])@(?!\u200b)[A-Za-z0-9]/.test(rendered) && payload.text.includes('@'))
    problems.push('a live @mention from the input');
  if (/\r(?!\n)/.test(markdown)) problems.push('a lone CR in markdown (a table row could break)');
  return problems;
}

export function renderCases(): RenderCase[] {
  const cases: RenderCase[] = [];
  for (const payload of [...PAYLOADS, ...NAME_PAYLOADS]) {
    const judgement = () => judgementWith(payload);
    cases.push(
      {
        id: `render-check-run-${payload.id}`,
        why: `check-run summary with ${payload.id} in path, message and waiver reason`,
        problems: () => {
          const report = checkRunReport(judgement());
          return markdownProblems(report.summary, payload);
        },
      },
      {
        id: `render-policy-report-${payload.id}`,
        why: `policy impact report with ${payload.id} in path and message`,
        problems: () => {
          const j = judgement();
          const added = j.findings.filter((f) => !f.waived);
          const report = policyCheckReport({
            impact: {
              added,
              removed: [],
              changed: [],
              totals: {
                targets: 1,
                base: 0,
                head: added.length,
                added: added.length,
                removed: 0,
                changed: 0,
              },
              errors: j.errors,
            },
          });
          return markdownProblems(report.summary, payload);
        },
      },
      {
        id: `render-terminal-${payload.id}`,
        why: `terminal text with ${payload.id} in path, message and waiver reason`,
        problems: () => terminalProblems(textReport(judgement(), false)),
      },
    );
  }
  return cases;
}
