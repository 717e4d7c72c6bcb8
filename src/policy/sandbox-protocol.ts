/**
 * The messages between the policy sandbox (sandbox.ts) and its workers (sandbox-worker.ts),
 * apart from both: the worker module runs only as a worker thread.
 */
import type { ReferenceFileKind, ShellCheckFinding } from '../input/policy-input.js';
import type { CompiledPolicy } from './compile.js';
import type { Finding } from './findings.js';
import type { JudgedSource } from './target-reading.js';

/** What a worker is doing, as it tells its parent through shared memory (SandboxWorkerData.progress). */
export const SANDBOX_PHASES = ['loading', 'reading', 'evaluating'] as const;
export type SandboxPhase = (typeof SANDBOX_PHASES)[number];

/** A compiled policy with its `data`, under a key naming both (bundle hash + data hash). */
export interface SandboxPolicy {
  key: string;
  compiled: CompiledPolicy;
  data: Record<string, unknown>;
}

/** What to judge: an input document, or a file's text that the worker reads into one. */
export type SandboxJob =
  /**
   * The document as JSON (UTF-8), encoded once by the parent: the policy reads these bytes
   * as they are (PolicyEngine.evaluateJson), where a document object would be cloned to
   * cross the thread and then encoded again.
   */
  | { json: ArrayBuffer; path: string }
  /**
   * The file's text, read here (target-reading.ts): parsing runs in parallel too. With the
   * facts already known of it (a Dockerfile's ShellCheck findings, as `[line, findings]`).
   */
  | { source: SourceToJudge };

/** A file's text to read into its input and judge, with its kind when the caller knows it. */
export interface SourceToJudge {
  path: string;
  text: string;
  kind?: ReferenceFileKind;
  facts?: SourceFacts;
}

/** Facts about a file's text known before it is read (they cross to a worker as plain data). */
export interface SourceFacts {
  shellcheck?: [number, ShellCheckFinding[]][];
}

/** The job's outcome: `judged` for a source, `findings` for a document. */
export type SandboxOutcome = { findings: Finding[] } | { judged: JudgedSource };

export type SandboxRequest =
  /** Runs `job`, or only loads the policy when there is none. `policy` comes when the worker asked for it. */
  { id: number; key: string; job?: SandboxJob; policy?: SandboxPolicy };

export type SandboxReply =
  /** Sent once, when the worker has loaded its modules and takes requests. */
  | { ready: true }
  | ({ id: number } & SandboxOutcome)
  /** The worker does not hold `key` (never loaded, or evicted): send the request again with `policy`. */
  | { id: number; missing: true }
  /** `phase`: what the worker was doing when the policy failed. */
  | { id: number; error: string; outOfMemory: boolean; phase: SandboxPhase | null };

export interface SandboxWorkerData {
  /** Policies kept loaded, least recently used evicted first. */
  loadedPolicies: number;
  /**
   * progress[0]: 1 + the index in SANDBOX_PHASES of what the worker is doing, 0 between
   * jobs. Shared memory, so the parent can read it while this thread is busy.
   */
  progress: Int32Array;
}
