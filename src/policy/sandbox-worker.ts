/**
 * The inside of the policy sandbox (sandbox.ts): a worker thread that keeps compiled
 * policies loaded with PolicyEngine and evaluates one input at a time for its parent.
 * The parent enforces the limits: it terminates this thread when an evaluation runs too
 * long, and Node ends it when its heap outgrows the worker's resourceLimits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PolicyInput } from '../input/policy-input.js';
import { type CompiledPolicy, RESULT_SETS, type ResultSet } from './compile.js';
import { PolicyEngine } from './evaluate.js';
import type { Finding } from './findings.js';

/** A compiled policy with its `data`, under a key naming both (bundle hash + data hash). */
export interface SandboxPolicy {
  key: string;
  compiled: CompiledPolicy;
  data: Record<string, unknown>;
}

export type SandboxRequest =
  /** Evaluates `input`, or only loads the policy when there is none. `policy` comes when the worker asked for it. */
  { id: number; key: string; input?: PolicyInput; policy?: SandboxPolicy };

export type SandboxReply =
  /** Sent once, when the worker has loaded its modules and takes requests. */
  | { ready: true }
  | { id: number; findings: Finding[] }
  /** The worker does not hold `key` (never loaded, or evicted): send the request again with `policy`. */
  | { id: number; missing: true }
  /** `resultSet`: the one being evaluated when the policy failed, if it had got that far. */
  | { id: number; error: string; outOfMemory: boolean; resultSet: ResultSet | null };

export interface SandboxWorkerData {
  /** Policies kept loaded, least recently used evicted first. */
  loadedPolicies: number;
  /**
   * progress[0]: 1 + the index in RESULT_SETS of the result set being evaluated, 0 between
   * evaluations. Shared memory, so the parent can read it while this thread is busy.
   */
  progress: Int32Array;
}

const { loadedPolicies, progress } = workerData as SandboxWorkerData;
const port = parentPort;
if (!port) throw new Error('sandbox-worker.ts runs as a worker thread of sandbox.ts');

const engines = new Map<string, PolicyEngine>();
/** The result set being evaluated, named in the error reply when the policy fails. */
let failedIn: ResultSet | null = null;

port.on('message', (request: SandboxRequest) => {
  handle(request).then(
    (reply) => port.postMessage(reply),
    (error: unknown) =>
      port.postMessage({
        id: request.id,
        error: error instanceof Error ? error.message : String(error),
        outOfMemory: isWasmOutOfMemory(error),
        resultSet: failedIn,
      } satisfies SandboxReply),
  );
});
port.postMessage({ ready: true } satisfies SandboxReply);

async function handle({ id, key, input, policy }: SandboxRequest): Promise<SandboxReply> {
  Atomics.store(progress, 0, 0);
  failedIn = null;
  let engine = engines.get(key);
  if (engine) {
    // Refresh its place: the map's insertion order is the eviction order.
    engines.delete(key);
  } else if (policy) {
    // Buffers arrive as Uint8Array after the structured clone.
    const compiled = { ...policy.compiled, wasm: Buffer.from(policy.compiled.wasm) };
    engine = await PolicyEngine.load(compiled, policy.data);
  } else {
    return { id, missing: true };
  }
  engines.set(key, engine);
  if (engines.size > loadedPolicies) engines.delete(engines.keys().next().value as string);
  if (!input) return { id, findings: [] };
  const findings: Finding[] = [];
  for (const [index, set] of RESULT_SETS.entries()) {
    Atomics.store(progress, 0, index + 1);
    failedIn = set;
    findings.push(...engine.evaluate(input, [set]));
  }
  Atomics.store(progress, 0, 0);
  failedIn = null;
  return { id, findings };
}

/**
 * The policy's WebAssembly memory has a maximum (evaluate.ts); past it OPA's allocator
 * aborts (the SDK throws the bare string "opa_malloc: failed"), or growing the memory
 * fails with a RangeError when the SDK copies the input in.
 */
function isWasmOutOfMemory(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof RangeError || /^opa_malloc|out of memory/i.test(message);
}
