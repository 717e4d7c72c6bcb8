/**
 * Policies run in a sandbox: the WebAssembly policy is evaluated in worker threads
 * (sandbox-worker.ts) with a time limit and a memory limit. A policy that runs too long
 * is stopped by terminating its worker; one that grows too big runs out of its
 * WebAssembly memory (capped in evaluate.ts) or its worker's heap (`resourceLimits`).
 * Either way the target gets a deny finding that says what happened, the worker is
 * replaced, and everything else carries on.
 *
 * Workers are kept between evaluations (loading the policy costs far more than
 * evaluating it) and each keeps the last few policies loaded, by bundle hash and data.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { PolicyInput } from '../input/policy-input.js';
import type { CompiledPolicy, RuleMetadata } from './compile.js';
import type { PolicyEngine } from './evaluate.js';
import type { Finding } from './findings.js';
import { isWasmOutOfMemory, runSandboxJob, targetReader } from './sandbox-job.js';
import {
  SANDBOX_PHASES,
  type SandboxJob,
  type SandboxOutcome,
  type SandboxPhase,
  type SandboxPolicy,
  type SandboxReply,
  type SandboxRequest,
  type SandboxWorkerData,
  type SourceToJudge,
} from './sandbox-protocol.js';
import type { JudgedSource } from './target-reading.js';

/** What the pipeline needs of a policy engine: in-process (PolicyEngine) or sandboxed. */
export interface PolicyEvaluator {
  /** Rule metadata by package name under data.portcullis.rules. */
  readonly rules: Readonly<Record<string, RuleMetadata>>;
  /** Findings for one target. Fails when the policy itself fails (e.g. a built-in error). */
  evaluate(input: PolicyInput): Finding[] | Promise<Finding[]>;
  /**
   * Reads a file's text into its input and evaluates it, where the engine can do that off
   * the calling thread (the sandbox's workers); the pipeline reads the file itself otherwise.
   */
  judgeSource?(source: SourceToJudge): Promise<JudgedSource>;
}

export interface SandboxOptions {
  /** Worker threads evaluating at once. */
  workers?: number;
  /** Wall-clock limit of one target's reading and evaluation. */
  timeLimitMs?: number;
  /**
   * Each worker's JavaScript heap (V8 old generation), where results are decoded. The
   * policy's WebAssembly memory (at most 256 MiB, evaluate.ts) is outside it, but V8
   * collects garbage at every growth of that memory once it nears the heap limit: at
   * 128 MiB a policy that grows to 100 MiB of WebAssembly memory ran 15 times slower.
   */
  heapLimitMb?: number;
  /** Policies each worker keeps loaded (bundle hash + data), least recently used evicted. */
  loadedPolicies?: number;
  /** A worker idle this long exits, releasing its memory; the next evaluation starts one. */
  idleMs?: number;
  /**
   * Workers that stay however long they idle: a service keeps one, so that the first pull
   * request after a quiet spell does not start a thread and load its policy again. A CLI
   * run keeps none (an idle worker is unref'd either way and never holds a process up).
   */
  idleWorkers?: number;
}

const DEFAULTS: Required<SandboxOptions> = {
  workers: Math.min(2, availableParallelism()),
  // The built-in pack takes 5–120 ms on real Dockerfiles and about linear time in a RUN's
  // commands (300 chained commands well under a second). Past 5 s the policy or the file is
  // pathological (60,000 ENV lines, 5,000 stages).
  timeLimitMs: 5000,
  heapLimitMb: 512,
  loadedPolicies: 8,
  idleMs: 60_000,
  idleWorkers: 0,
};

/** The sandbox's own findings, documented in the rule catalog like the policies' rules. */
export const SANDBOX_RULES = {
  time: {
    id: 'PC-SANDBOX-001',
    title: 'Policy exceeded its time limit',
    severity: 'deny',
    description:
      'The policy ran past the time limit on this file and was stopped, so the file was not judged. The finding is at deny level so that a file which makes the policy run away cannot pass the check unjudged.',
    remediation:
      'Make the named rules cheaper (avoid iterating over large ranges or cross products), or, if the file itself is pathological, split it.',
    package: 'sandbox',
    file: 'src/policy/sandbox.ts',
  },
  memory: {
    id: 'PC-SANDBOX-002',
    title: 'Policy exceeded its memory limit',
    severity: 'deny',
    description:
      'The policy needed more memory than its sandbox allows on this file and was stopped, so the file was not judged. The finding is at deny level so that a file which makes the policy blow up cannot pass the check unjudged.',
    remediation:
      'Make the named rules build smaller values (avoid materialising large arrays, strings or sets), or, if the file itself is pathological, split it.',
    package: 'sandbox',
    file: 'src/policy/sandbox.ts',
  },
} as const satisfies Record<string, RuleMetadata>;

/** A policy stopped by a limit: which one, and what the worker was doing. */
export class PolicyLimitError extends Error {
  constructor(
    readonly limit: 'time' | 'memory',
    readonly phase: SandboxPhase | null,
    /** The limit as a user reads it: "2000 ms", "the worker's 128 MiB heap". */
    readonly what: string,
  ) {
    super(`The policy exceeded ${what}${phase ? ` while ${phase}` : ''} and was stopped`);
    this.name = 'PolicyLimitError';
  }
}

interface Job {
  policy: SandboxPolicy;
  job?: SandboxJob;
  resolve: (outcome: SandboxOutcome) => void;
  reject: (error: Error) => void;
}

interface SandboxThread {
  worker: Worker;
  /** See SandboxWorkerData.progress. */
  progress: Int32Array;
  ready: boolean;
  /** Terminated on purpose (time limit, idle, wasm memory spent): its exit is expected. */
  retired: boolean;
  job?: Job & { id: number };
  timer?: NodeJS.Timeout;
  idleTimer?: NodeJS.Timeout;
  /** The last 'error' event, read when the worker exits. */
  failure?: Error & { code?: string };
}

/** A small pool of policy workers shared by every SandboxedPolicyEngine that uses it. */
export class PolicySandbox {
  readonly options: Readonly<Required<SandboxOptions>>;
  private readonly threads = new Set<SandboxThread>();
  private readonly idle: SandboxThread[] = [];
  private readonly queue: Job[] = [];
  private starting = 0;
  private nextId = 1;
  private closed = false;

  constructor(options: SandboxOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Workers started and not yet gone, busy or idle. */
  get workerCount(): number {
    return this.threads.size;
  }

  /** Runs `job` with `policy`; without a job, only loads the policy into a worker. */
  run(policy: SandboxPolicy, job?: SandboxJob): Promise<SandboxOutcome> {
    if (this.closed) return Promise.reject(new Error('The policy sandbox is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ policy, ...(job ? { job } : {}), resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every worker; queued evaluations fail. */
  async close(): Promise<void> {
    this.closed = true;
    const threads = [...this.threads];
    const jobs = [...this.queue.splice(0), ...threads.flatMap((t) => (t.job ? [t.job] : []))];
    for (const thread of threads) {
      this.finish(thread);
      this.retire(thread);
    }
    for (const job of jobs) job.reject(new Error('The policy sandbox was closed'));
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const thread = this.idle.pop();
      if (thread) {
        clearTimeout(thread.idleTimer);
        this.assign(thread, this.queue.shift() as Job);
      } else if (this.threads.size < this.options.workers && this.starting < this.queue.length) {
        this.spawn();
      } else {
        return;
      }
    }
  }

  private spawn(): void {
    const progress = new Int32Array(new SharedArrayBuffer(4));
    // A small young generation: a worker's garbage is each file's input and findings, short-lived
    // and small, and V8's default let each worker hold tens of MiB of it. Measured on 5,000 files:
    // peak RSS 290-307 MiB → 240-254 MiB, the time the same.
    const worker = startWorker(
      { loadedPolicies: this.options.loadedPolicies, progress },
      { maxOldGenerationSizeMb: this.options.heapLimitMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    );
    const thread: SandboxThread = { worker, progress, ready: false, retired: false };
    this.threads.add(thread);
    this.starting++;
    worker.on('message', (reply: SandboxReply) => this.receive(thread, reply));
    worker.on('error', (error) => {
      thread.failure = error;
    });
    worker.on('exit', (code) => this.exited(thread, code));
  }

  private assign(thread: SandboxThread, job: Job): void {
    const id = this.nextId++;
    thread.job = { ...job, id };
    // A busy worker keeps the process alive (a CLI run awaits it); an idle one does not.
    thread.worker.ref();
    thread.timer = setTimeout(() => this.timedOut(thread), this.options.timeLimitMs);
    this.send(thread, { id, key: job.policy.key, ...(job.job ? { job: job.job } : {}) });
  }

  private send(thread: SandboxThread, request: SandboxRequest): void {
    thread.worker.postMessage(request);
  }

  private receive(thread: SandboxThread, reply: SandboxReply): void {
    if ('ready' in reply) {
      thread.ready = true;
      this.starting--;
      this.release(thread);
      return;
    }
    const job = thread.job;
    if (!job || job.id !== reply.id) return;
    if ('missing' in reply) {
      const { id, policy, job: work } = job;
      this.send(thread, { id, key: policy.key, policy, ...(work ? { job: work } : {}) });
      return;
    }
    if ('error' in reply && reply.outOfMemory) {
      // Its WebAssembly memory stays grown: replace the worker rather than keep it.
      this.finish(thread);
      this.retire(thread);
      job.reject(new PolicyLimitError('memory', reply.phase, "the policy's WebAssembly memory limit"));
      this.dispatch();
      return;
    }
    this.finish(thread);
    if ('error' in reply) job.reject(new Error(reply.error));
    else job.resolve(reply);
    this.release(thread);
  }

  private timedOut(thread: SandboxThread): void {
    const job = thread.job;
    if (!job) return;
    const phase = phaseOf(thread);
    this.finish(thread);
    this.retire(thread);
    job.reject(new PolicyLimitError('time', phase, `its ${this.options.timeLimitMs} ms time limit`));
    this.dispatch();
  }

  private exited(thread: SandboxThread, code: number): void {
    if (!thread.ready) this.starting--;
    const job = thread.job;
    this.finish(thread);
    if (!thread.retired) this.retire(thread);
    const failure = thread.failure;
    if (job) {
      job.reject(
        failure?.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new PolicyLimitError('memory', phaseOf(thread), `the ${this.options.heapLimitMb} MiB heap limit`)
          : new Error(`The policy sandbox stopped unexpectedly: ${failure?.message ?? `exit code ${code}`}`),
      );
    } else if (!thread.ready && failure && !this.closed) {
      // A worker that cannot start would fail the same way again: fail the job it was started for.
      this.queue.shift()?.reject(new Error(`The policy sandbox could not start: ${failure.message}`));
    }
    if (!this.closed) this.dispatch();
  }

  /** The thread's job is settled (by the caller): stop its clock. */
  private finish(thread: SandboxThread): void {
    clearTimeout(thread.timer);
    thread.job = undefined;
  }

  /** Gives a free thread the next job, or parks it. */
  private release(thread: SandboxThread): void {
    if (thread.retired) return;
    const next = this.queue.shift();
    if (next) {
      this.assign(thread, next);
      return;
    }
    thread.worker.unref();
    this.idle.push(thread);
    thread.idleTimer = setTimeout(() => {
      if (this.threads.size > this.options.idleWorkers) this.retire(thread);
    }, this.options.idleMs);
    thread.idleTimer.unref();
  }

  /** Takes the thread out of the pool and terminates it; `exited` sees that it was meant. */
  private retire(thread: SandboxThread): void {
    if (thread.retired) return;
    thread.retired = true;
    clearTimeout(thread.idleTimer);
    this.threads.delete(thread);
    const index = this.idle.indexOf(thread);
    if (index >= 0) this.idle.splice(index, 1);
    void thread.worker.terminate();
  }
}

let defaultSandbox: PolicySandbox | undefined;
/**
 * The process' sandbox, with the default limits, or `options` given by the first call (the
 * service's, before anything evaluates a policy).
 */
export function defaultPolicySandbox(options?: SandboxOptions): PolicySandbox {
  if (options && defaultSandbox)
    throw new Error('The policy sandbox has started already: its options are set');
  defaultSandbox ??= new PolicySandbox(options);
  return defaultSandbox;
}

/** A compiled policy evaluated in a PolicySandbox: PolicyEngine's findings, within limits. */
export class SandboxedPolicyEngine implements PolicyEvaluator {
  private constructor(
    private readonly sandbox: PolicySandbox,
    private readonly policy: SandboxPolicy,
    readonly rules: Readonly<Record<string, RuleMetadata>>,
  ) {}

  /**
   * `data` is merged over the bundle's own data documents (configuration, allowlists).
   * Loads the policy into a worker right away, so that a policy that cannot load fails
   * here, as with PolicyEngine.load, and the first evaluation is quick.
   */
  static async load(
    compiled: CompiledPolicy,
    data: Record<string, unknown> = {},
    sandbox: PolicySandbox = defaultPolicySandbox(),
  ): Promise<SandboxedPolicyEngine> {
    const key = createHash('sha256')
      .update(compiled.hash)
      .update('\0')
      .update(JSON.stringify(data))
      .digest('hex');
    const policy: SandboxPolicy = { key, compiled, data };
    await sandbox.run(policy);
    return new SandboxedPolicyEngine(sandbox, policy, compiled.rules);
  }

  /** Findings for one target; a policy stopped by a limit yields one deny finding saying so. */
  async evaluate(input: PolicyInput): Promise<Finding[]> {
    const path = input.target.path;
    try {
      const outcome = await this.sandbox.run(this.policy, { json: utf8Json(input), path });
      return 'findings' in outcome ? outcome.findings : [];
    } catch (error) {
      if (!(error instanceof PolicyLimitError)) throw error;
      return [limitFinding(error, path, this.rules)];
    }
  }

  /** The file read and evaluated in a worker; a limit stops the reading as it stops the policy. */
  async judgeSource(source: SourceToJudge): Promise<JudgedSource> {
    try {
      const outcome = await this.sandbox.run(this.policy, { source });
      return 'judged' in outcome ? outcome.judged : null;
    } catch (error) {
      if (!(error instanceof PolicyLimitError)) throw error;
      // Whatever the file is, it was chosen as a target and is not judged: deny.
      return {
        kind: source.kind ?? null,
        ignores: [],
        findings: [limitFinding(error, source.path, this.rules)],
      };
    }
  }
}

/**
 * What the built-in pack may judge outside the sandbox (LocalFirstPolicyEngine). The pack
 * grows faster than linearly with a file's commands (one RUN of 306 `&&`-chained commands,
 * 8 KiB, took 6.3 s; 16 KiB ran out of WebAssembly memory), so only small files qualify:
 * at 4 KiB the slowest shape measured took 137 ms, and a typical Dockerfile (1–2 KiB)
 * 2–5 ms. The input document of such a file is 8–13 times its text. A few files only:
 * this thread cannot stop an evaluation, and a repository's many files are judged faster
 * by the workers in parallel. Data (configuration, data files) is bounded as the rules
 * iterate over it.
 */
export const IN_PROCESS_LIMITS = {
  files: 8,
  textBytes: 4096,
  inputBytes: 32 * 1024,
  dataBytes: 4096,
  /** Once the evaluations here have taken this long together, the rest go to the sandbox. */
  totalMs: 250,
};

/**
 * The built-in pack, prebuilt into the package (CompiledPolicy.prebuilt), judging a few
 * small files on the calling thread, and anything more in the sandbox. It is our own code:
 * the sandbox's time limit guards against a policy or file that runs away, and on small
 * files the pack cannot (IN_PROCESS_LIMITS). Starting a worker thread and loading the
 * policy into it is most of a cold one-file `portcullis check`. Repository policies
 * never come here: they hash otherwise and are not prebuilt.
 */
export class LocalFirstPolicyEngine implements PolicyEvaluator {
  private filesLeft = IN_PROCESS_LIMITS.files;
  private spentMs = 0;
  private sandboxed: Promise<SandboxedPolicyEngine> | undefined;

  private constructor(
    /** Null once it failed: the rest go to the sandbox, which loads the policy afresh. */
    private local: PolicyEngine | null,
    private readonly compiled: CompiledPolicy,
    private readonly data: Record<string, unknown>,
    private readonly sandbox: () => PolicySandbox,
  ) {}

  get rules(): Readonly<Record<string, RuleMetadata>> {
    return this.compiled.rules;
  }

  /** Whether `compiled` with `data` may be judged here: the prebuilt pack with little data. */
  static suits(compiled: CompiledPolicy, data: Record<string, unknown>): boolean {
    return compiled.prebuilt === true && JSON.stringify(data).length <= IN_PROCESS_LIMITS.dataBytes;
  }

  static async load(
    compiled: CompiledPolicy,
    data: Record<string, unknown> = {},
    sandbox: () => PolicySandbox = defaultPolicySandbox,
  ): Promise<LocalFirstPolicyEngine> {
    if (!LocalFirstPolicyEngine.suits(compiled, data))
      throw new Error('Only the prebuilt built-in pack, with little data, is evaluated outside the sandbox');
    const { PolicyEngine } = await import('./evaluate.js');
    return new LocalFirstPolicyEngine(await PolicyEngine.load(compiled, data), compiled, data, sandbox);
  }

  async evaluate(input: PolicyInput): Promise<Finding[]> {
    const json = utf8Json(input);
    if (!this.takes(json.byteLength, IN_PROCESS_LIMITS.inputBytes))
      return (await this.inSandbox()).evaluate(input);
    const path = input.target.path;
    const outcome = await this.here({ json, path }, path);
    if ('limit' in outcome) return [outcome.limit];
    return 'findings' in outcome ? outcome.findings : [];
  }

  async judgeSource(source: SourceToJudge): Promise<JudgedSource> {
    if (!this.takes(Buffer.byteLength(source.text), IN_PROCESS_LIMITS.textBytes))
      return (await this.inSandbox()).judgeSource(source);
    const outcome = await this.here({ source }, source.path);
    if ('limit' in outcome) return { kind: source.kind ?? null, ignores: [], findings: [outcome.limit] };
    return 'judged' in outcome ? outcome.judged : null;
  }

  private takes(bytes: number, limit: number): boolean {
    if (!this.local || this.filesLeft <= 0 || this.spentMs >= IN_PROCESS_LIMITS.totalMs || bytes > limit)
      return false;
    this.filesLeft--;
    return true;
  }

  /** The job run here as a worker would run it, its failures reported as the sandbox reports them. */
  private async here(job: SandboxJob, path: string): Promise<SandboxOutcome | { limit: Finding }> {
    const engine = this.local as PolicyEngine;
    let phase: SandboxPhase | null = null;
    // The extractors' one-time import is not the evaluation the time budget bounds.
    if ('source' in job) await targetReader();
    const started = performance.now();
    try {
      return await runSandboxJob(engine, job, (entered) => {
        phase = entered;
      });
    } catch (error) {
      // As in a worker: the instance may be left half-way, so it is not used again.
      this.local = null;
      if (isWasmOutOfMemory(error))
        return {
          limit: limitFinding(
            new PolicyLimitError('memory', phase, "the policy's WebAssembly memory limit"),
            path,
            this.rules,
          ),
        };
      // The message alone, as a worker's error crosses to its parent.
      throw new Error(error instanceof Error ? error.message : String(error));
    } finally {
      this.spentMs += performance.now() - started;
    }
  }

  private inSandbox(): Promise<SandboxedPolicyEngine> {
    this.sandboxed ??= SandboxedPolicyEngine.load(this.compiled, this.data, this.sandbox());
    return this.sandboxed;
  }
}

/** An input document as JSON bytes in a buffer of their own (what the worker hands the policy). */
function utf8Json(input: PolicyInput): ArrayBuffer {
  const bytes = new TextEncoder().encode(JSON.stringify(input));
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : (bytes.slice().buffer as ArrayBuffer);
}

function phaseOf(thread: SandboxThread): SandboxPhase | null {
  return SANDBOX_PHASES[Atomics.load(thread.progress, 0) - 1] ?? null;
}

const DOING: Record<SandboxPhase, string> = {
  loading: 'while loading',
  reading: 'while reading the file',
  evaluating: 'while evaluating its rules',
};

/**
 * Names the files whose rules were running: OPA's WebAssembly has no per-rule clock, and
 * one evaluation computes every result set, so every rule file is a suspect.
 */
function limitFinding(error: PolicyLimitError, path: string, rules: Readonly<Record<string, RuleMetadata>>) {
  const rule = SANDBOX_RULES[error.limit];
  const files = [...new Set(Object.values(rules).map((r) => r.file))].sort();
  const shown = files.length > 6 ? [...files.slice(0, 5), `${files.length - 5} more`] : files;
  const where =
    error.phase === 'evaluating'
      ? ` ${DOING.evaluating} (${shown.join(', ')})`
      : error.phase
        ? ` ${DOING[error.phase]}`
        : '';
  const finding: Finding = {
    rule_id: rule.id,
    severity: 'deny',
    path,
    line: 1,
    end_line: 1,
    message: `The policy exceeded ${error.what}${where} and was stopped: ${path} was not judged. ${rule.remediation}`,
    title: rule.title,
  };
  return finding;
}

/**
 * The compiled worker. Built, this module sits beside it in dist/; run from its TypeScript
 * source (the tests, through ts-jest), it starts the one `npm run build` put in dist/ (the
 * test script builds first): a worker thread runs only compiled JavaScript, so production
 * code carries no TypeScript loader.
 */
const WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('../../dist/policy/sandbox-worker.js', import.meta.url)
  : new URL('./sandbox-worker.js', import.meta.url);

/** The young generation of a policy worker's heap (see spawn). */
const YOUNG_GENERATION_MB = 12;

/** Node's worker_threads, loaded with the first worker: a one-file check starts none. */
let workerThreads: typeof import('node:worker_threads') | undefined;

function startWorker(data: SandboxWorkerData, resourceLimits: Worker['resourceLimits']): Worker {
  workerThreads ??= createRequire(import.meta.url)(
    'node:worker_threads',
  ) as typeof import('node:worker_threads');
  return new workerThreads.Worker(WORKER_URL, { workerData: data, resourceLimits });
}
