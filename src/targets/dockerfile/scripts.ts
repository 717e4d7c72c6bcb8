/**
 * The shell scripts of a Dockerfile's `RUN`s as a shell receives them, laid out on the
 * Dockerfile's own lines and columns, for ShellCheck (src/facts/shellcheck.ts): a finding at
 * line n, column c of a script is at line `firstLine + n - 1`, column c of the Dockerfile.
 *
 * Columns stay exact because nothing is moved: the keyword and flags before the command are
 * blanked with spaces, a continuation's escape character becomes the shell's backslash in
 * place, and the comment and empty lines BuildKit drops inside a continuation become a lone
 * backslash (a continuation to the shell too).
 */
import type { DockerfileFacts, DockerfileInstruction } from '../../input/policy-input.js';
import { heredocScripts } from './parse.js';
import { shellCheckDialect, splitShellCommands } from './shell.js';

export type ShellDialect = 'sh' | 'bash' | 'dash' | 'ksh';

export interface RunScript {
  /** Line of the `RUN` the script belongs to (its `line` in the facts). */
  instructionLine: number;
  dialect: ShellDialect;
  /** The script; its first line is Dockerfile line `firstLine`. */
  text: string;
  firstLine: number;
  /** Codes a `# shellcheck disable=` (or `# hadolint ignore=SC…`) comment turns off for this RUN. */
  disabled: ReadonlySet<string>;
}

/** `disable=all` in a comment: every code. */
export const ALL_CODES = 'all';

/**
 * Every script of every shell-form `RUN` whose shell ShellCheck reads (sh, bash, dash, ksh),
 * `ONBUILD RUN` included. `text` is the Dockerfile, for the comments above each `RUN`.
 */
export function runScripts(dockerfile: DockerfileFacts, text: string): RunScript[] {
  const lines = text.split(/\r?\n/);
  const scripts: RunScript[] = [];
  for (const stage of dockerfile.stages) {
    for (const instruction of stage.instructions) {
      if (instruction.keyword !== 'RUN' || instruction.form !== 'shell') continue;
      const dialect = shellCheckDialect(instruction.shell);
      if (!dialect) continue;
      const disabled = new Set([
        ...disabledAbove(lines, instruction.line),
        ...disabledIn(instruction.source.split('\n').slice(1)),
      ]);
      for (const script of instructionScripts(instruction, dockerfile.escape, dialect)) {
        scripts.push({ instructionLine: instruction.line, disabled, ...script });
      }
    }
  }
  return scripts;
}

function instructionScripts(
  instruction: DockerfileInstruction,
  escapeChar: string,
  dialect: ShellDialect,
): { dialect: ShellDialect; text: string; firstLine: number }[] {
  const source = blankKeywordAndFlags(instruction.source, escapeChar);
  if (instruction.heredocs.length === 0) {
    return [{ dialect, text: asShellContinuations(source, escapeChar), firstLine: instruction.line }];
  }
  // Heredocs: the line that opens them, as the shell receives it with the bodies that follow.
  const rows = source.split('\n');
  const headerIndex = rows.findIndex((row) => /<</.test(row));
  const header = rows[headerIndex] ?? '';
  const program = splitShellCommands(header.replace(/<<-?\s*(["']?)[\w.-]+\1/g, ' '), 1, escapeChar);
  const bodies = heredocScripts(program, instruction.heredocs).map((h) => ({
    dialect:
      shebangDialect(h.body) ?? (program[0] ? (shellCheckDialect(program[0].argv) ?? dialect) : dialect),
    text: h.body,
    firstLine: h.line,
  }));
  if (program.length === 0) return bodies; // `RUN <<EOF`: the body is the whole script.
  return [
    { dialect, text: rows.slice(headerIndex).join('\n'), firstLine: instruction.line + headerIndex },
    ...bodies,
  ];
}

/** A body's `#!/bin/bash` (or `#!/usr/bin/env bash`) decides its dialect. */
function shebangDialect(body: string): ShellDialect | null {
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(body);
  if (!shebang) return null;
  const interpreter = shebang[1]?.endsWith('/env') ? shebang[2] : shebang[1];
  return interpreter ? shellCheckDialect([interpreter]) : null;
}

/**
 * `[ONBUILD] RUN --flag=… \` up to the command, blanked with spaces (line breaks kept): what
 * BuildKit does not hand to the shell. Flags are the `--` words before the first other word.
 */
function blankKeywordAndFlags(source: string, escapeChar: string): string {
  const keyword = /^\s*(?:ONBUILD\s+)?RUN\b/i.exec(source);
  let end = keyword ? keyword[0].length : 0;
  for (;;) {
    const gap = new RegExp(`^(?:[ \\t]|${escapeRegExp(escapeChar)}[ \\t]*\\r?\\n|\\n[ \\t]*#[^\\n]*)*`).exec(
      source.slice(end),
    );
    const at = end + (gap?.[0].length ?? 0);
    if (!source.startsWith('--', at)) break;
    const flag = /^--(?:"[^"]*"|'[^']*'|[^\s"'])*/.exec(source.slice(at));
    end = at + (flag?.[0].length ?? 2);
  }
  return source.slice(0, end).replace(/[^\n]/g, ' ') + source.slice(end);
}

/**
 * The Dockerfile's continuations as the shell's: BuildKit joins a line ending in the escape
 * character (blanks after it allowed) with the next, skipping comment and empty lines.
 */
function asShellContinuations(source: string, escapeChar: string): string {
  const rows = source.split('\n');
  const continued = new RegExp(`${escapeRegExp(escapeChar)}[ \\t]*\\r?$`);
  let inContinuation = false;
  return rows
    .map((row, index) => {
      if (inContinuation && /^\s*(?:#.*)?\r?$/.test(row)) return '\\';
      const last = index === rows.length - 1;
      const match = last ? null : continued.exec(row);
      inContinuation = match !== null;
      return match ? `${row.slice(0, match.index)}\\` : row.replace(/\r$/, '');
    })
    .join('\n');
}

/** The comment lines right above line `line` (1-based), nearest first, up to a line that is not one. */
function disabledAbove(lines: readonly string[], line: number): string[] {
  const comments: string[] = [];
  for (let i = line - 2; i >= 0 && /^\s*#/.test(lines[i] ?? ''); i--) comments.push(lines[i] as string);
  return disabledIn(comments);
}

/** Codes named by `# shellcheck disable=SC2086,SC2046` or Hadolint's `# hadolint ignore=SC2086` comments. */
function disabledIn(rows: readonly string[]): string[] {
  const codes: string[] = [];
  for (const row of rows) {
    const directive = /^\s*#\s*(?:shellcheck\s+(?:\S+=\S*\s+)*disable|hadolint\s+ignore)=([\w,\s]+)/i.exec(
      row,
    );
    for (const word of directive?.[1]?.split(/[,\s]+/) ?? []) {
      if (/^all$/i.test(word)) codes.push(ALL_CODES);
      else if (/^SC\d+$/i.test(word)) codes.push(word.toUpperCase());
      else if (/^\d+$/.test(word)) codes.push(`SC${word}`);
    }
  }
  return codes;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
