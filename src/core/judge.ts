/**
 * The pipeline in one place: targets → facts → policy input → decisions.
 * Callers (the App, the CLI, the demo) supply the files and render the Judgement.
 */

import type { Severity } from '../config/configuration.js';
import { errorMessage } from '../errors.js';
import type { ImageResolver } from '../facts/registry-facts.js';
import type { DockerfileFacts, PolicyInput } from '../input/policy-input.js';
import { metrics, secondsSince } from '../metrics.js';
import { loadPolicyDirectory } from '../policy/bundle.js';
import { compilePolicy, type RuleMetadata } from '../policy/compile.js';
import { compareFindings, type Finding, type TargetError } from '../policy/findings.js';
import type { PolicySet } from '../policy/policy-set.js';
import { type PolicyEvaluator, SANDBOX_RULES, SandboxedPolicyEngine } from '../policy/sandbox.js';
import { type InlineIgnore, inlineIgnores } from '../policy/waivers.js';
import { decodeSourceText, MAX_TARGET_BYTES } from '../repository/source-file.js';
import type { TargetKind } from '../targets/detect.js';
import { ReferenceExtractError } from '../targets/extractor.js';
import { policyInputFor } from '../targets/input.js';
import { BUILTIN_POLICY_DIR } from '../tools.js';
import { gatherFacts, type ImageFactsGatherer, mergeFacts } from './facts.js';
import { applyRepositoryRules, isFailing } from './repository-rules.js';
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
}

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
  builtinEngine ??= loadPolicyDirectory(BUILTIN_POLICY_DIR)
    .then(compilePolicy)
    .then((compiled) => SandboxedPolicyEngine.load(compiled));
  builtinEngine.catch(() => {
    builtinEngine = undefined;
  });
  return builtinEngine;
}

/**
 * targets → facts → policy input → decisions. Files no extractor claims (a `*.yaml`
 * that is not a manifest) are dropped; `engine` may be null only when no file is a target.
 */
export async function judgeTargets(
  files: readonly TargetFile[],
  engine: PolicyEvaluator | null,
  options: JudgeOptions = {},
): Promise<Judgement> {
  const prepared = files.map(prepareTarget).filter((p) => p !== null);
  const inputs = prepared.flatMap((p) => (p.input ? [p.input] : []));
  if (inputs.length > 0) {
    const facts = await gatherFacts(inputs, {
      registry: options.registry,
      trust: options.policySet?.trust,
      now: options.today ?? new Date(),
      images: options.images,
    });
    mergeFacts(inputs, facts);
  }
  const evaluating = performance.now();
  const targets = await Promise.all(
    prepared.map(({ result, input }) => (input ? evaluate(result, input, engine) : result)),
  );
  metrics().observe('policyEvaluation', secondsSince(evaluating));
  const set = options.policySet;
  if (set) {
    const aboutWaivers = applyRepositoryRules(targets, set, options.today ?? new Date());
    if (aboutWaivers.length > 0)
      targets.push({ path: set.config.waivers, kind: null, findings: aboutWaivers });
  }
  return {
    targets,
    findings: targets.flatMap((t) => t.findings).sort(compareFindings),
    errors: targets.flatMap((t) => (t.skipped ? [{ path: t.path, message: t.skipped }] : [])),
    failOn: set?.config.fail_on ?? ['deny'],
    policySource: set?.source ?? 'the built-in pack',
  };
}

function prepareTarget(file: TargetFile): { result: TargetResult; input?: PolicyInput } | null {
  const result: TargetResult = { path: file.path, kind: file.kind ?? null, findings: [] };
  const unjudged = (reason: string, containerFile: boolean) => ({
    result: {
      ...result,
      skipped: reason,
      findings: containerFile ? [unjudgedFinding(file.path, reason)] : [],
    },
  });
  if (!(file.content instanceof Uint8Array))
    return unjudged(file.content.unavailable, isContainerFile(file.path, file.kind, null));
  const source = decodeSourceText(file.content);
  if (!source.ok)
    return unjudged(source.reason, isContainerFile(file.path, file.kind, lenientText(file.content)));
  try {
    const input = policyInputFor(file.path, source.text, file.kind);
    if (!input) return null;
    const ignores =
      'dockerfile' in input ? inlineIgnores(source.text, instructionRanges(input.dockerfile)) : [];
    return {
      result: { ...result, kind: input.target.kind, ...(ignores.length > 0 ? { ignores } : {}) },
      input,
    };
  } catch (error) {
    // An extractor claimed the file (or the caller named its format), then could not read it.
    const where = error instanceof ReferenceExtractError && error.line !== null ? `line ${error.line}: ` : '';
    return unjudged(`could not be read: ${where}${errorMessage(error)}`, true);
  }
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
  try {
    return { ...result, findings: (await engine.evaluate(input)).sort(compareFindings) };
  } catch (error) {
    // Fails closed: an input that makes the policy throw must not pass unjudged.
    return { ...result, skipped: `policy evaluation failed: ${errorMessage(error)}`, evaluationFailed: true };
  }
}

/** Every instruction's lines, `FROM` included, in file order: what an inline ignore can cover. */
function instructionRanges(dockerfile: DockerfileFacts): { line: number; end_line: number }[] {
  return dockerfile.stages
    .flatMap((stage) => [{ line: stage.line, end_line: stage.line }, ...stage.instructions])
    .map(({ line, end_line }) => ({ line, end_line }))
    .sort((a, b) => a.line - b.line);
}
