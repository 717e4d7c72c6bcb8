/**
 * The inside of the policy sandbox (sandbox.ts): a worker thread that keeps compiled
 * policies loaded with PolicyEngine and judges one file (its text, or its input document)
 * at a time for its parent.
 * The parent enforces the limits: it terminates this thread when an evaluation runs too
 * long, and Node ends it when its heap outgrows the worker's resourceLimits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PolicyEngine } from './evaluate.js';
import { isWasmOutOfMemory, runSandboxJob } from './sandbox-job.js';
import {
  SANDBOX_PHASES,
  type SandboxOutcome,
  type SandboxPhase,
  type SandboxReply,
  type SandboxRequest,
  type SandboxWorkerData,
} from './sandbox-protocol.js';

const { loadedPolicies, progress } = workerData as SandboxWorkerData;
const port = parentPort;
if (!port) throw new Error('sandbox-worker.ts runs as a worker thread of sandbox.ts');

const engines = new Map<string, PolicyEngine>();

const enter = (phase: SandboxPhase | null) =>
  Atomics.store(progress, 0, phase === null ? 0 : SANDBOX_PHASES.indexOf(phase) + 1);
const current = (): SandboxPhase | null => SANDBOX_PHASES[Atomics.load(progress, 0) - 1] ?? null;

port.on('message', (request: SandboxRequest) => {
  handle(request).then(
    (reply) => port.postMessage(reply),
    (error: unknown) =>
      port.postMessage({
        id: request.id,
        error: error instanceof Error ? error.message : String(error),
        outOfMemory: isWasmOutOfMemory(error),
        phase: current(),
      } satisfies SandboxReply),
  );
});
port.postMessage({ ready: true } satisfies SandboxReply);

async function handle({ id, key, job, policy }: SandboxRequest): Promise<SandboxReply> {
  enter(null);
  let engine = engines.get(key);
  if (engine) {
    // Refresh its place: the map's insertion order is the eviction order.
    engines.delete(key);
  } else if (policy) {
    enter('loading');
    // Buffers arrive as Uint8Array after the structured clone.
    const compiled = { ...policy.compiled, wasm: Buffer.from(policy.compiled.wasm) };
    engine = await PolicyEngine.load(compiled, policy.data);
  } else {
    return { id, missing: true };
  }
  engines.set(key, engine);
  if (engines.size > loadedPolicies) engines.delete(engines.keys().next().value as string);
  let outcome: SandboxOutcome;
  try {
    outcome = job ? await runSandboxJob(engine, job, enter) : { findings: [] };
  } catch (error) {
    // An error inside the policy (a trap such as OPA's C `json.is_valid("true")` reading out
    // of bounds, a strict built-in's failure) can leave its memory and allocator half-way:
    // the same instance then answered every later file with no findings. Fail closed for
    // this file, and load the policy afresh for the next one.
    engines.delete(key);
    throw error;
  }
  enter(null);
  return { id, ...outcome };
}
