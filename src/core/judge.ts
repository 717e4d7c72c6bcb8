/**
 * The pipeline in one place: targets → facts → policy input → decisions.
 * Callers (the App, the CLI, the demo) supply the files and render the Judgement.
 */

import type { Severity } from '../config/configuration.js';
import { errorMessage } from '../errors.js';
import { type RepositoryFileReader, readDockerignore } from '../facts/dockerignore.js';
import type { ImageResolver } from '../facts/registry-facts.js';
import type { ShellCheckGatherer } from '../facts/shellcheck.js';
import type { BuiltImageFacts, PolicyInput } from '../input/policy-input.js';
import { applyShellCheckFacts, type ShellCheckByLine } from '../input/shellcheck-facts.js';
import { metrics, phase, secondsSince } from '../metrics.js';
import { loadPolicyDirectory } from '../policy/bundle.js';
import { compilePolicy, type RuleMetadata } from '../policy/compile.js';
import { compareFindings, type Finding, type TargetError } from '../policy/findings.js';
import type { PolicySet } from '../policy/policy-set.js';
import { type PolicyEvaluator, SANDBOX_RULES, SandboxedPolicyEngine } from '../policy/sandbox.js';
import type { SourceFacts } from '../policy/sandbox-protocol.js';
import { readTarget } from '../policy/target-reading.js';
import type { InlineIgnore } from '../policy/waivers.js';
import { decodeSourceText, MAX_TARGET_BYTES } from '../repository/source-file.js';
import { isDockerfilePath, type TargetKind } from '../targets/detect.js';
import { BUILTIN_POLICY_DIR } from '../tools.js';
import { gatherFacts, type ImageFactsGatherer, mergeFacts } from './facts.js';
import { applyTargetRules, isFailing, waiversFileFindings } from './repository-rules.js';
import { INPUT_RULES, isContainerFile, unjudgedFinding } from './unjudged.js';

/** The rules the pipeline itself raises, not the policies: described wherever policy rules are (SARIF, the catalog). */
export const PIPELINE_RULES: readonly RuleMetadata[] = [
  ...Object.values(SANDBOX_RULES),
  ...Object.values(INPUT_RULES),
];

/** A file that may be a target, as read from a repository or pull request. */
export interface TargetFile {
  path: string;
  /** Forces the format (a file named on the command line); else the extractor that claims it decides. */
  kind?: TargetKind;
  /** The file's bytes, or why they could not be had (deleted, unreadable, …). */
  content: Uint8Array | { unavailable: string };
  /**
   * Reads other files of the repository the file was read from, at the same commit or working
   * tree: a Dockerfile's build context `.dockerignore`. Without it there are no such facts.
   */
  repository?: RepositoryFileReader;
}

export interface TargetResult {
  path: string;
  /** A Dockerfile's `# portcullis ignore=…` comments. */
  ignores?: InlineIgnore[];
  /** Null when the file could not be read far enough to know its format. */
  kind: TargetKind | null;
  findings: Finding[];
  /**
   * Set when the target was not judged: too large, binary, malformed, or the policy failed
   * on it. A container file left unjudged also gets a PC-INPUT-001 finding (src/core/unjudged.ts).
   */
  skipped?: string;
  /** The policy itself failed on this target: the check fails rather than let it through. */
  evaluationFailed?: boolean;
  /** A Dockerfile built with `--build` or by the App: its layers and packages, for the reports' chart. */
  image?: ImageSummary;
}

/** The built image at the head and at the merge base, as much as the size chart shows (src/report/layer-chart.ts). */
export interface ImageSummary {
  head: BuiltImageSummary;
  base: BuiltImageSummary | null;
}

export type BuiltImageSummary = Pick<
  BuiltImageFacts,
  'size' | 'layers' | 'efficiency' | 'wasted_bytes' | 'packages_count'
>;

export interface Judgement {
  targets: TargetResult[];
  /** Every finding of every target, sorted by path, line and severity. */
  findings: Finding[];
  errors: TargetError[];
  /** Severities that fail the check (`fail_on`); waived findings never fail it. */
  failOn: Severity[];
  /** Where the policies came from, for the report's footer. */
  policySource: string;
}

export interface JudgeOptions {
  /** Looks referenced images up in their registries; without it (offline) there are no registry facts. */
  registry?: ImageResolver;
  /** The repository's configuration, waivers and overrides; without it, the built-in pack as is. */
  policySet?: PolicySet;
  /** "Today" for waiver expiry; defaults to now. */
  today?: Date;
  /** Builds and scans the Dockerfiles that need it (src/facts/image-facts.ts); without it, no image facts. */
  images?: ImageFactsGatherer;
  /** Runs ShellCheck on Dockerfiles' RUNs (src/facts/shellcheck.ts `shellCheckFromEnv`); without it, no `shellcheck` facts. */
  shellcheck?: ShellCheckGatherer;
  /**
   * Each target's result, repository rules applied, as soon as it and every target before
   * it are judged, in the order of the files: a report can be written as results come.
   */
  onTarget?: (target: TargetResult) => void;
}

/** Whether any finding fails the check. */
export function judgementFails(judgement: Judgement): boolean {
  return (
    judgement.findings.some((f) => isFailing(f, judgement.failOn)) ||
    judgement.targets.some((t) => t.evaluationFailed)
  );
}

/** The built-in policy pack, compiled once per process (and cached on disk by content), evaluated in the sandbox. */
let builtinEngine: Promise<PolicyEvaluator> | undefined;
export function builtinPolicyEngine(): Promise<PolicyEvaluator> {
  builtinEngine ??= compilePolicy(loadPolicyDirectory(BUILTIN_POLICY_DIR)).then((compiled) =>
    SandboxedPolicyEngine.load(compiled),
  );
  builtinEngine.catch(() => {
    builtinEngine = undefined;
  });
  return builtinEngine;
}

/**
 * Files judged at once: enough to keep every worker busy while this thread reads and
 * decodes the next ones, few enough that memory stays flat however large the repository.
 */
const IN_FLIGHT = 16;

/**
 * Files whose RUNs go to ShellCheck together: large enough that its processes start
 * rarely, small enough that a batch's texts and inputs are a few MiB at most.
 */
const SHELLCHECK_BATCH = 200;
/** How long reading a batch into inputs may hold the event loop before it lets it turn. */
const YIELD_EVERY_MS = 4;

/**
 * targets → facts → policy input → decisions. Files no extractor claims (a `*.yaml`
 * that is not a manifest) are dropped; `engine` may be null only when no file is a target.
 *
 * Without facts to gather (offline, no builds), files stream through: each is read into
 * its input and evaluated in a worker (PolicyEvaluator.judgeSource) while the next are
 * read, and only its findings are kept. Registry and build facts are gathered for all
 * inputs at once (one look-up per image however many files name it), so those inputs are
 * read here first; ShellCheck facts alone, a batch of files at a time.
 */
export async function judgeTargets(
  files: Iterable<TargetFile> | AsyncIterable<TargetFile>,
  engine: PolicyEvaluator | null,
  options: JudgeOptions = {},
): Promise<Judgement> {
  const set = options.policySet;
  const today = options.today ?? new Date();
  const targets: TargetResult[] = [];
  const done = (target: TargetResult | null) => {
    if (!target) return;
    if (set) applyTargetRules(target, set, engine?.rules ?? {}, today);
    targets.push(target);
    options.onTarget?.(target);
  };
  const judgePrepared = ({ result, input, known, plain }: PreparedTarget) => {
    if (plain) return judgeFile(plain, engine);
    if (known) return judgeText(known.file, known.text, engine, { shellcheck: [...known.shellcheck] });
    return input ? evaluate(result, input, engine) : Promise.resolve(result);
  };
  if (options.registry || options.images) {
    // Registry look-ups and builds see every input at once (one look-up per image however
    // many files name it).
    const prepared = await withFacts(await collect(files), options, set, today);
    const evaluating = performance.now();
    await phase('evaluation', () => inOrder(handOver(prepared), judgePrepared, done));
    metrics().observe('policyEvaluation', secondsSince(evaluating));
  } else if (options.shellcheck) {
    // ShellCheck alone: batch by batch, so that memory stays flat and one ShellCheck process
    // takes many scripts; the next batch is prepared (and its ShellCheck run) while this one
    // is evaluated, and the batches flow into one stream of evaluations, so the workers do
    // not wait at the end of each batch. Facts and evaluation overlap: one phase for both.
    const evaluating = performance.now();
    await phase('evaluation', () => inOrder(preparedStream(files, options, set, today), judgePrepared, done));
    metrics().observe('policyEvaluation', secondsSince(evaluating));
  } else {
    // Reading the files into inputs is part of their evaluation here (both run in the workers).
    const evaluating = performance.now();
    await phase('evaluation', () => inOrder(files, (file) => judgeFile(file, engine), done));
    metrics().observe('policyEvaluation', secondsSince(evaluating));
  }
  if (set) {
    const aboutWaivers = waiversFileFindings(set, today);
    if (aboutWaivers.length > 0) {
      const target: TargetResult = { path: set.config.waivers, kind: null, findings: aboutWaivers };
      targets.push(target);
      options.onTarget?.(target);
    }
  }
  return {
    targets,
    findings: targets.flatMap((t) => t.findings).sort(compareFindings),
    errors: targets.flatMap((t) => (t.skipped ? [{ path: t.path, message: t.skipped }] : [])),
    failOn: set?.config.fail_on ?? ['deny'],
    policySource: set?.source ?? 'the built-in pack',
  };
}

/**
 * Runs `work` on up to IN_FLIGHT items at once and hands the results to `done` in the
 * items' order (a queue: a slow item holds back the report of later ones, not their work).
 */
async function inOrder<T, R>(
  items: Iterable<T> | AsyncIterable<T>,
  work: (item: T) => Promise<R>,
  done: (result: R) => void,
): Promise<void> {
  // Settled wrappers: a rejection waiting its turn in the queue is not an unhandled one.
  const queue: Promise<{ value: R } | { error: unknown }>[] = [];
  const next = async () => {
    const settled = await (queue.shift() as (typeof queue)[number]);
    if ('error' in settled) throw settled.error;
    done(settled.value);
  };
  for await (const item of items) {
    queue.push(
      work(item).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
    );
    if (queue.length >= IN_FLIGHT) await next();
  }
  while (queue.length > 0) await next();
}

/**
 * Files in batches of SHELLCHECK_BATCH, each prepared while the previous one is consumed.
 * Until the first Dockerfile ShellCheck has not checked before (or one with a .dockerignore,
 * whose facts are gathered here), files go one by one instead: a repository checked before
 * streams to the policy workers as it would without ShellCheck, where each batch boundary
 * left them idle while the next 200 files were looked up (a tenth of a 1,000-file check).
 * The order of the files is kept either way.
 */
async function* preparedStream(
  files: Iterable<TargetFile> | AsyncIterable<TargetFile>,
  options: JudgeOptions,
  set: PolicySet | undefined,
  today: Date,
): AsyncGenerator<PreparedTarget> {
  // Only ShellCheck gathers facts on this path (judgeTargets sends registry look-ups and builds elsewhere).
  const known = options.shellcheck?.known;
  let streaming = known !== undefined;
  let batch: TargetFile[] = [];
  let pending: Promise<PreparedTarget[]> | undefined;
  for await (const file of files) {
    if (streaming && known) {
      // Not a Dockerfile (a manifest, a Compose file): nothing for ShellCheck, no facts to gather.
      if (file.kind !== undefined && file.kind !== 'dockerfile') {
        yield { result: { path: file.path, kind: file.kind, findings: [] }, plain: file };
        continue;
      }
      const found = await knownDockerfile(file, known);
      if (found) {
        yield { result: { path: file.path, kind: file.kind ?? null, findings: [] }, known: found };
        continue;
      }
      streaming = false;
    }
    batch.push(file);
    if (batch.length < SHELLCHECK_BATCH) continue;
    const next = withFacts(batch, options, set, today);
    next.catch(() => undefined); // awaited in turn; a failure meanwhile is not unhandled
    batch = [];
    if (pending) yield* handOver(await pending);
    pending = next;
  }
  const last = batch.length > 0 ? withFacts(batch, options, set, today) : undefined;
  last?.catch(() => undefined);
  if (pending) yield* handOver(await pending);
  if (last) yield* handOver(await last);
}

/** The items in order, each let go by the array as it is handed on: its evaluation alone holds its input. */
function* handOver(prepared: (PreparedTarget | undefined)[]): Generator<PreparedTarget> {
  for (let i = 0; i < prepared.length; i++) {
    const item = prepared[i] as PreparedTarget;
    prepared[i] = undefined;
    yield item;
  }
}

async function collect<T>(items: Iterable<T> | AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

type PreparedTarget = {
  result: TargetResult;
  input?: PolicyInput;
  /** A Dockerfile whose ShellCheck findings were known: read and judged in a worker, as without facts. */
  known?: { file: TargetFile; text: string; shellcheck: ShellCheckByLine };
  /** A file without facts to gather: judged as without ShellCheck (judgeFile). */
  plain?: TargetFile;
};

/** Files read into inputs, their facts gathered and merged in: ready for evaluation. */
async function withFacts(
  files: readonly TargetFile[],
  options: JudgeOptions,
  set: PolicySet | undefined,
  today: Date,
): Promise<PreparedTarget[]> {
  const prepared: PreparedTarget[] = [];
  // The Dockerfiles' text, for the `# shellcheck disable=` comments above their RUNs.
  const texts = new Map<string, string>();
  const repositories = new Map<string, RepositoryFileReader>();
  // ShellCheck alone, and a Dockerfile it checked before: no parsing here, its findings go
  // with its text to a policy worker, which parses it as it does every file without ShellCheck.
  const known = options.registry || options.images ? undefined : options.shellcheck?.known;
  // Looked up IN_FLIGHT at a time: one by one, each look-up's reads (its .dockerignore, the
  // facts' cache file) waited on the thread pool in turn, and the policy workers on them.
  const knownFiles: (PreparedTarget['known'] | null)[] = [];
  for (let start = 0; known && start < files.length; start += IN_FLIGHT) {
    const chunk = files.slice(start, start + IN_FLIGHT);
    knownFiles.push(...(await Promise.all(chunk.map((file) => knownDockerfile(file, known)))));
  }
  let since = performance.now();
  for (const [index, file] of files.entries()) {
    // Parsing is synchronous, and the previous batch's evaluations are dispatched and
    // collected on this thread: without a turn of the event loop now and then, the policy
    // workers finished their files and idled until the whole batch was parsed.
    if (performance.now() - since > YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      since = performance.now();
    }
    const found = knownFiles[index] ?? null;
    if (found) {
      prepared.push({ result: { path: file.path, kind: file.kind ?? null, findings: [] }, known: found });
      continue;
    }
    const target = prepareTarget(file);
    if (!target) continue;
    const { text, ...rest } = target;
    prepared.push(rest);
    if (options.shellcheck && text !== undefined && rest.result.kind === 'dockerfile')
      texts.set(file.path, text);
    if (file.repository && rest.result.kind === 'dockerfile') repositories.set(file.path, file.repository);
  }
  const inputs = prepared.flatMap((p) => (p.input ? [p.input] : []));
  if (inputs.length > 0) {
    const facts = await phase('facts', () =>
      gatherFacts(inputs, {
        registry: options.registry,
        trust: set?.trust,
        now: today,
        images: options.images,
        policyData: set?.data,
        ...(options.shellcheck ? { shellcheck: { gather: options.shellcheck, texts } } : {}),
        ...(repositories.size > 0 ? { repositories } : {}),
      }),
    );
    mergeFacts(inputs, facts);
  }
  return prepared;
}

/**
 * One file without facts to gather: read and evaluated by the engine where it can (a worker),
 * else here. A Dockerfile with a `.dockerignore` beside it is read here, to add what it excludes.
 */
async function judgeFile(file: TargetFile, engine: PolicyEvaluator | null): Promise<TargetResult | null> {
  const dockerfile = file.kind === 'dockerfile' || (file.kind === undefined && isDockerfilePath(file.path));
  const dockerignore =
    file.repository && dockerfile && file.content instanceof Uint8Array
      ? await readDockerignore(file.path, file.repository)
      : null;
  if (dockerignore) {
    const prepared = prepareTarget(file);
    if (!prepared?.input) return prepared?.result ?? null;
    mergeFacts([prepared.input], { dockerignore: new Map([[file.path, dockerignore]]) });
    return evaluate(prepared.result, prepared.input, engine);
  }
  if (!engine?.judgeSource || !(file.content instanceof Uint8Array)) {
    const prepared = prepareTarget(file);
    return prepared?.input ? evaluate(prepared.result, prepared.input, engine) : (prepared?.result ?? null);
  }
  const source = decodeSourceText(file.content);
  if (!source.ok)
    return unjudged(file, source.reason, isContainerFile(file.path, file.kind, lenientText(file.content)));
  return judgeText(file, source.text, engine);
}

/**
 * A Dockerfile ShellCheck checked before, with its findings (by the text's key, ShellCheckGatherer.known);
 * null for anything else, and for a Dockerfile with a .dockerignore (whose facts are gathered here).
 */
async function knownDockerfile(
  file: TargetFile,
  known: NonNullable<ShellCheckGatherer['known']>,
): Promise<PreparedTarget['known'] | null> {
  if (!(file.content instanceof Uint8Array)) return null;
  if (!(file.kind === 'dockerfile' || (file.kind === undefined && isDockerfilePath(file.path)))) return null;
  if (file.repository && (await readDockerignore(file.path, file.repository))) return null;
  const source = decodeSourceText(file.content);
  if (!source.ok) return null;
  const shellcheck = await known(source.text);
  return shellcheck ? { file, text: source.text, shellcheck } : null;
}

/** A file's text judged where the engine reads it (a policy worker), with the facts known of it. */
async function judgeText(
  file: TargetFile,
  text: string,
  engine: PolicyEvaluator | null,
  facts?: SourceFacts,
): Promise<TargetResult | null> {
  if (!engine?.judgeSource) {
    const prepared = prepareTarget(file);
    if (!prepared?.input) return prepared?.result ?? null;
    if (facts?.shellcheck) applyShellCheckFacts(prepared.input, new Map(facts.shellcheck));
    return evaluate(prepared.result, prepared.input, engine);
  }
  const result: TargetResult = { path: file.path, kind: file.kind ?? null, findings: [] };
  try {
    const judged = await engine.judgeSource({
      path: file.path,
      text,
      ...(file.kind ? { kind: file.kind } : {}),
      ...(facts ? { facts } : {}),
    });
    if (judged === null) return null;
    if ('unreadable' in judged) return unjudged(file, judged.unreadable, true);
    const { kind, ignores, findings } = judged;
    return {
      ...result,
      kind,
      ...(ignores.length > 0 ? { ignores } : {}),
      findings: findings.sort(compareFindings),
    };
  } catch (error) {
    return failed(result, error);
  }
}

function prepareTarget(
  file: TargetFile,
): { result: TargetResult; input?: PolicyInput; text?: string } | null {
  if (!(file.content instanceof Uint8Array))
    return { result: unjudged(file, file.content.unavailable, isContainerFile(file.path, file.kind, null)) };
  const source = decodeSourceText(file.content);
  if (!source.ok)
    return {
      result: unjudged(file, source.reason, isContainerFile(file.path, file.kind, lenientText(file.content))),
    };
  const reading = readTarget(file.path, source.text, file.kind);
  if (!reading) return null;
  if ('unreadable' in reading) return { result: unjudged(file, reading.unreadable, true) };
  const { input, ignores } = reading;
  return {
    result: {
      path: file.path,
      kind: input.target.kind,
      findings: [],
      ...(ignores.length > 0 ? { ignores } : {}),
    },
    input,
    text: source.text,
  };
}

/** A target not judged, with why; a container file also gets a finding that fails the check. */
function unjudged(file: TargetFile, reason: string, containerFile: boolean): TargetResult {
  return {
    path: file.path,
    kind: file.kind ?? null,
    findings: containerFile ? [unjudgedFinding(file.path, reason)] : [],
    skipped: reason,
  };
}

/** Text good enough to tell whether bytes that are not clean UTF-8 look like a container file; none past the size limit. */
function lenientText(bytes: Uint8Array): string | null {
  return bytes.byteLength > MAX_TARGET_BYTES ? null : new TextDecoder('utf-8').decode(bytes);
}

async function evaluate(
  result: TargetResult,
  input: PolicyInput,
  engine: PolicyEvaluator | null,
): Promise<TargetResult> {
  if (!engine) throw new Error('judgeTargets needs a policy engine to judge files');
  const built = 'image' in input && input.image?.built ? input.image : null;
  const image = built ? { image: imageSummary(built) } : {};
  try {
    return { ...result, ...image, findings: (await engine.evaluate(input)).sort(compareFindings) };
  } catch (error) {
    return failed(result, error);
  }
}

function imageSummary(image: BuiltImageFacts & { base: BuiltImageFacts | null }): ImageSummary {
  const summary = (facts: BuiltImageFacts): BuiltImageSummary => ({
    size: facts.size,
    layers: facts.layers,
    efficiency: facts.efficiency,
    wasted_bytes: facts.wasted_bytes,
    packages_count: facts.packages_count,
  });
  return { head: summary(image), base: image.base?.built ? summary(image.base) : null };
}

/** Fails closed: an input that makes the policy throw must not pass unjudged. */
function failed(result: TargetResult, error: unknown): TargetResult {
  return { ...result, skipped: `policy evaluation failed: ${errorMessage(error)}`, evaluationFailed: true };
}
