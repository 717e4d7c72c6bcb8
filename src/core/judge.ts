/**
 * The pipeline in one place: targets → facts → policy input → decisions.
 * Callers (the App, the CLI, the demo) supply the files and render the Judgement.
 */
import { loadPolicyDirectory } from '../policy/bundle.js';
import { compilePolicy } from '../policy/compile.js';
import { PolicyEngine } from '../policy/evaluate.js';
import { compareFindings, type Finding, type TargetError } from '../policy/findings.js';
import type { TargetKind } from '../targets/detect.js';
import { dockerfileInput } from '../targets/dockerfile/index.js';
import { BUILTIN_POLICY_DIR } from '../tools.js';
import { decodeSourceText } from './source-file.js';

/** A target file as read from a repository or pull request. */
export interface TargetFile {
  path: string;
  kind: TargetKind;
  /** The file's bytes, or why they could not be had (deleted, unreadable, …). */
  content: Uint8Array | { unavailable: string };
}

export interface TargetResult {
  path: string;
  kind: TargetKind;
  findings: Finding[];
  /** Set when the target was not judged: too large, binary, or the policy failed on it. */
  skipped?: string;
}

export interface Judgement {
  targets: TargetResult[];
  /** Every finding of every target, sorted by path, line and severity. */
  findings: Finding[];
  errors: TargetError[];
}

/** The built-in policy pack, compiled once per process (and cached on disk by content). */
let builtinEngine: Promise<PolicyEngine> | undefined;
export function builtinPolicyEngine(): Promise<PolicyEngine> {
  builtinEngine ??= loadPolicyDirectory(BUILTIN_POLICY_DIR)
    .then(compilePolicy)
    .then((compiled) => PolicyEngine.load(compiled));
  builtinEngine.catch(() => {
    builtinEngine = undefined;
  });
  return builtinEngine;
}

/** `engine` may be null only when there are no files to judge. */
export function judgeTargets(files: readonly TargetFile[], engine: PolicyEngine | null): Judgement {
  const targets = files.map((file) => judgeTarget(file, engine));
  return {
    targets,
    findings: targets.flatMap((t) => t.findings).sort(compareFindings),
    errors: targets.flatMap((t) => (t.skipped ? [{ path: t.path, message: t.skipped }] : [])),
  };
}

function judgeTarget(file: TargetFile, engine: PolicyEngine | null): TargetResult {
  const base = { path: file.path, kind: file.kind, findings: [] };
  if (!(file.content instanceof Uint8Array)) return { ...base, skipped: file.content.unavailable };
  const source = decodeSourceText(file.content);
  if (!source.ok) return { ...base, skipped: source.reason };
  if (!engine) throw new Error('judgeTargets needs a policy engine to judge files');
  try {
    return {
      ...base,
      findings: engine.evaluate(dockerfileInput(file.path, source.text)).sort(compareFindings),
    };
  } catch (error) {
    return { ...base, skipped: `policy evaluation failed: ${errorMessage(error)}` };
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error !== null && typeof error === 'object' && 'message' in error) return String(error.message);
  return String(error);
}
