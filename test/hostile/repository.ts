/** Small builders for the solo cases: a temp repository with files, and the verdicts they expect. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { oneLine, parseJsonReport } from './model.js';
import type { ProcessRun } from './runner.js';

export const ROOT_DOCKERFILE = 'FROM alpine:latest\nUSER root\n';
/** Nothing for the built-in pack to deny: exit 0 unless a repository policy says otherwise. */
export const CLEAN_DOCKERFILE = `FROM alpine:3.20@sha256:${'a'.repeat(64)}\nUSER 10001\nHEALTHCHECK NONE\nCMD ["true"]\n`;

export type Files = Record<string, string | Buffer | ((repo: string) => void)>;

/** A git repository in `dir` holding `files`; committed when `commit` is set (for --policy-ref). */
export function makeRepository(dir: string, files: Files, commit = false): string {
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '--quiet', dir]);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    if (typeof content === 'function') content(dir);
    else writeFileSync(join(dir, path), content);
  }
  if (commit) {
    execFileSync('git', ['-C', dir, 'add', '-A']);
    execFileSync('git', [
      '-C',
      dir,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      'commit',
      '--quiet',
      '-m',
      'x',
    ]);
  }
  return dir;
}

/** A configuration or usage error: exit 2, and a `portcullis:` line naming the file or key. */
export function configError(names: RegExp) {
  return (run: ProcessRun): string[] => {
    const problems: string[] = [];
    if (run.code !== 2)
      problems.push(`expected a configuration error (exit 2), got exit ${run.code}${brief(run)}`);
    else if (!/^portcullis: /m.test(run.stderr))
      problems.push(`exit 2 without a "portcullis:" line: ${oneLine(run.stderr)}`);
    else if (!names.test(run.stderr))
      problems.push(`the error does not name ${names}: ${oneLine(run.stderr)}`);
    return problems;
  };
}

/** The gate still holds: the root Dockerfile is denied (PC-DF-002, not waived) and the exit is 1. */
export function gateHolds(path = 'Dockerfile') {
  return (run: ProcessRun): string[] => {
    const report = parseJsonReport(run);
    if (typeof report === 'string') return [report];
    const root = report.findings.find(
      (f) => f.path === path && f.rule_id === 'PC-DF-002' && f.severity === 'deny' && !f.waived,
    );
    if (!root) return [`the gate opened: no PC-DF-002 deny for ${path} (exit ${run.code})`];
    return run.code === 1 ? [] : [`PC-DF-002 denied but exit ${run.code}`];
  };
}

/** Either a clear configuration error naming the file, or the gate holds. */
export function errorOrHolds(names: RegExp, path = 'Dockerfile') {
  return (run: ProcessRun): string[] => (run.code === 2 ? configError(names)(run) : gateHolds(path)(run));
}

/** Fails closed: exit 1 (a deny) or 2 (an error), never 0. */
export function failsClosed(run: ProcessRun): string[] {
  return run.code === 1 || run.code === 2 ? [] : [`fail-open: exit ${run.code}${brief(run)}`];
}

export function exitIn(codes: number[]) {
  return (run: ProcessRun): string[] =>
    run.code !== null && codes.includes(run.code)
      ? []
      : [`expected exit ${codes.join(' or ')}, got ${run.code}${brief(run)}`];
}

function brief(run: ProcessRun): string {
  const line = oneLine(run.stderr || run.stdout).slice(0, 140);
  return line ? ` (${line})` : '';
}
