/**
 * One sandbox job run on a loaded PolicyEngine: what a sandbox worker does for its parent
 * (sandbox-worker.ts), and what LocalFirstPolicyEngine (sandbox.ts) does on the calling
 * thread for the built-in pack on small files. One function, so the two ways agree.
 */
import { applyShellCheckFacts } from '../input/shellcheck-facts.js';
import type { PolicyEngine } from './evaluate.js';
import type { SandboxJob, SandboxOutcome, SandboxPhase } from './sandbox-protocol.js';
import type { readTarget } from './target-reading.js';

/** The extractors, imported with the first file to read: a worker that only evaluates documents starts without them. */
let reader: Promise<typeof readTarget> | undefined;
export function targetReader(): Promise<typeof readTarget> {
  reader ??= import('./target-reading.js').then((m) => m.readTarget);
  return reader;
}

export async function runSandboxJob(
  engine: PolicyEngine,
  job: SandboxJob,
  enter: (phase: SandboxPhase) => void = () => undefined,
): Promise<SandboxOutcome> {
  if ('json' in job) {
    enter('evaluating');
    return { findings: engine.evaluateJson(job.json, job.path) };
  }
  const { path, text, kind, facts } = job.source;
  enter('reading');
  const reading = (await targetReader())(path, text, kind);
  if (reading === null || 'unreadable' in reading) return { judged: reading };
  if (facts?.shellcheck) applyShellCheckFacts(reading.input, new Map(facts.shellcheck));
  enter('evaluating');
  const findings = engine.evaluate(reading.input);
  return { judged: { kind: reading.input.target.kind, ignores: reading.ignores, findings } };
}

/**
 * The policy's WebAssembly memory has a maximum (evaluate.ts); past it OPA's allocator
 * aborts (the SDK throws the bare string "opa_malloc: failed"), or growing the memory
 * fails with a RangeError when the SDK copies the input in.
 */
export function isWasmOutOfMemory(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof RangeError || /^opa_malloc|out of memory/i.test(message);
}
