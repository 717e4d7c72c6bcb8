/**
 * The shape of a hostile case and the assertions every process must pass, whatever the case:
 * an exit code of 0, 1 or 2, no signal, no stack trace, bounded time and memory, no canary
 * or credential from the input in any output, nothing changed outside the repository.
 */
import { readFileSync } from 'node:fs';
import { CANARY_VALUES, filesUnder, LIMITS, type ProcessRun, treeDigest } from './runner.js';

export type Category =
  | 'dockerfile'
  | 'manifest'
  | 'configuration'
  | 'policy'
  | 'fix'
  | 'report'
  | 'archive'
  | 'key';

/** Where the suite works: a temp folder holding the repositories, and a sentinel outside them all. */
export interface Workspace {
  root: string;
  /** Files that symlinks and hard links inside repositories point at; hashed around every run. */
  sentinel: string;
  /** Text stored in every sentinel file: seeing it in an output means a file outside was read. */
  sentinelCanary: string;
  /** GNU time reports, HOME, the shared policy cache. */
  work: string;
  /** A fixture OSV database for `scan`. */
  osvDatabase: string;
  /** An HTTP server on 127.0.0.1 that counts requests: no policy may reach it. */
  trap: { url: string; hits(path: string): number };
}

/** What a file in a grouped repository must get, read from `check --format json`. */
export type Verdict =
  /** Not judged: a PC-INPUT-001 deny finding on line 1 for the path (contract of issue 10). */
  | { kind: 'input' }
  /** Judged: a deny finding of one of these rules for the path (PC-INPUT-001 if listed). */
  | { kind: 'deny'; rules: string[] }
  /** Only the process-level assertions and "an error is never silent". */
  | { kind: 'any' };

export interface RepoFile {
  id: string;
  category: Category;
  /** Repository-relative path as the report should name it. */
  path: string;
  /** Writes the file (or link) into the repository. */
  write(repo: string, ws: Workspace): void;
  verdict: Verdict;
  /** Credential-shaped values inside the input that must not come back verbatim. */
  secrets?: string[];
  /** Why this case exists, for the failure message. */
  why: string;
  /** Text with control characters that a terminal rendering must never print as it is. */
  raw?: string;
}

/** Many files of one kind in one repository, judged by one `check --format json` run. */
export interface RepoGroup {
  name: string;
  files: RepoFile[];
  /** Runs whose output is for a terminal: no control bytes, no workflow-command lines, no file's `raw`. */
  textRuns?: string[][];
  /** Further runs held only to the process-level assertions (e.g. `--format sarif`). */
  otherRuns?: string[][];
}

/** A case that needs its own repository, configuration or command. */
export interface SoloCase {
  id: string;
  category: Category;
  why: string;
  prepare(ws: Workspace, dir: string): Promise<SoloSetup> | SoloSetup;
  secrets?: string[];
  /**
   * The id of a case that takes the same path through the code as a CLI process: this one then
   * runs the same command in the suite's own process (`runCli` of dist/, `--repo` for the
   * working folder), which spares a Node start and a policy load per variant while the twin
   * keeps the process-level assertions (exit, memory, time, environment) for that path. Only
   * for paths the twin shows to be bounded: an in-process hang cannot be stopped.
   */
  samePathAs?: string;
}

export interface SoloSetup {
  cwd: string;
  args: string[];
  env?: Record<string, string>;
  /** The case's own verdict on the run; problems as one line each. */
  expect(run: ProcessRun): string[];
  /** Checked after the run (files written, servers hit…). */
  after?(): string[];
  /** A folder whose written files must not hold a canary (the repository, for `fix --write`). */
  writtenFiles?: string;
}

export const STACK_TRACE =
  /\n\s+at \S.*[(\s][^\s()]+:\d+:\d+\)?|at Object\.<anonymous>|\b(TypeError|RangeError|ReferenceError)\b/;

/** Terminal output must carry no escape or control characters that came from input. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what is checked
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** The assertions every process run passes. */
export function processProblems(run: ProcessRun, secrets: readonly string[] = []): string[] {
  const problems: string[] = [];
  if (run.timedOut) problems.push(`did not finish within ${LIMITS.timeMs / 1000} s`);
  else if (run.signal) problems.push(`ended by ${run.signal}`);
  else if (run.code === null || ![0, 1, 2].includes(run.code)) problems.push(`exit code ${run.code}`);
  for (const [name, text] of [
    ['stderr', run.stderr],
    ['stdout', run.stdout],
  ] as const) {
    const trace = STACK_TRACE.exec(text);
    if (trace) problems.push(`stack trace or JS error in ${name}: ${oneLine(trace[0])}`);
  }
  if (run.peakRssKiB !== null && run.peakRssKiB > LIMITS.peakRssKiB)
    problems.push(`peak RSS ${Math.round(run.peakRssKiB / 1024)} MiB over ${LIMITS.peakRssKiB / 1024} MiB`);
  for (const canary of CANARY_VALUES) {
    if (run.stdout.includes(canary) || run.stderr.includes(canary))
      problems.push(`environment secret ${canary.slice(0, 18)}… in the output`);
  }
  for (const secret of secrets) {
    if (run.stdout.includes(secret) || run.stderr.includes(secret))
      problems.push(`credential from the input echoed: ${secret.slice(0, 12)}…`);
  }
  return problems;
}

/** Text output: no ESC or other control bytes, no line a CI runner would take for a workflow command. */
export function terminalProblems(text: string): string[] {
  const problems: string[] = [];
  const control = CONTROL.exec(text);
  if (control)
    problems.push(
      `control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')} in text output`,
    );
  const lines = text.split(/\r\n|\n|\r|\u2028|\u2029|\u0085/);
  const command = lines.find((line) => /^\s*::/.test(line));
  if (command) problems.push(`a line starts a workflow command: ${oneLine(command).slice(0, 60)}`);
  return problems;
}

/** The sentinel around a run: its digest must not change, its canary text must not be read. */
export function sentinelProblems(ws: Workspace, before: string, run: ProcessRun): string[] {
  const problems: string[] = [];
  if (treeDigest(ws.sentinel) !== before) problems.push('a file outside the repository (sentinel) changed');
  if (run.stdout.includes(ws.sentinelCanary) || run.stderr.includes(ws.sentinelCanary))
    problems.push('the content of a file outside the repository appears in the output');
  return problems;
}

export function writtenCanaryProblems(dir: string): string[] {
  const problems: string[] = [];
  for (const file of filesUnder(dir)) {
    const text = readFileSync(file, 'latin1');
    if (CANARY_VALUES.some((c) => text.includes(c))) problems.push(`a canary was written into ${file}`);
  }
  return problems;
}

export interface JsonReportShape {
  findings: { rule_id: string; severity: string; path: string; line: number; waived?: unknown }[];
  errors: { path: string; message: string }[];
}

export function parseJsonReport(run: ProcessRun): JsonReportShape | string {
  try {
    const report = JSON.parse(run.stdout) as JsonReportShape;
    if (!Array.isArray(report.findings) || !Array.isArray(report.errors))
      return 'JSON report lacks findings/errors';
    return report;
  } catch {
    return `stdout is not a JSON report (exit ${run.code}): ${oneLine(run.stderr).slice(0, 160)}`;
  }
}

/** The per-file verdict, read from the JSON report of the run that judged the file. */
export function verdictProblems(file: RepoFile, report: JsonReportShape, code: number | null): string[] {
  const mine = report.findings.filter((f) => f.path === file.path);
  const denies = mine.filter((f) => f.severity === 'deny' && !f.waived);
  const input = denies.find((f) => f.rule_id === 'PC-INPUT-001');
  const errors = report.errors.filter((e) => e.path === file.path);
  const problems: string[] = [];
  // Never silent: a file the gate reports it could not judge must fail the gate.
  if (errors.length > 0 && !input)
    problems.push(`fail-open: "${oneLine(errors[0]?.message ?? '')}" without a PC-INPUT-001 deny finding`);
  const { verdict } = file;
  if (verdict.kind === 'input') {
    if (!input) problems.push(`expected PC-INPUT-001 (deny, line 1), got ${summary(mine)}`);
    else if (input.line !== 1) problems.push(`PC-INPUT-001 on line ${input.line}, expected line 1`);
  } else if (verdict.kind === 'deny') {
    if (!denies.some((f) => verdict.rules.includes(f.rule_id)))
      problems.push(`expected a deny of ${verdict.rules.join(' or ')}, got ${summary(mine)}`);
  }
  if (denies.length > 0 && code !== 1) problems.push(`deny finding but exit code ${code}`);
  return problems;
}

function summary(findings: JsonReportShape['findings']): string {
  if (findings.length === 0) return 'no finding';
  return [...new Set(findings.map((f) => `${f.rule_id}/${f.severity}`))].join(', ');
}

export function oneLine(text: string): string {
  return JSON.stringify(text.trim().split('\n')[0] ?? '').slice(1, -1);
}
