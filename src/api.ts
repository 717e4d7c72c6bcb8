/**
 * Portcullis as a library (`import … from 'portcullis'`): the same pipeline the App and the
 * CLI run, for a script or another tool. Three steps, each its own export:
 *
 * - **policies**: `loadPolicySet(snapshot)` reads a repository's configuration, policies and
 *   waivers (`workingTreeSnapshot(dir)`, `gitCommitSnapshot(dir, ref)`), and
 *   `policyEngineFor(set)` compiles them with the built-in pack (OPA to WebAssembly, cached by
 *   content) into the sandboxed evaluator; `compilePolicy(bundle)` alone gives the module.
 * - **judging**: `judgeTargets(files, engine, {policySet})` judges target files (as
 *   `workingTreeTargets(dir, paths)` reads them, or any `{path, content}` you supply) and
 *   returns a `Judgement`: findings with fixes, errors, and what fails (`judgementFails`).
 * - **reports**: `textReport`, `jsonReport` and `sarifReport` render a judgement.
 *
 * Only what is exported here is the package's API; its other modules may change in any release.
 */
export { ConfigError, type PortcullisConfig, parseConfig, type Severity } from './config/configuration.js';
export {
  builtinPolicyEngine,
  type Judgement,
  type JudgeOptions,
  judgementFails,
  judgeTargets,
  PIPELINE_RULES,
  type TargetFile,
  type TargetResult,
} from './core/judge.js';
export { workingTreeTargets } from './core/local-repository.js';
export { POLICY_INPUT_VERSION, type PolicyInput } from './input/policy-input.js';
export {
  type CompiledPolicy,
  compilePolicy,
  PolicyCompileError,
  type RuleMetadata,
} from './policy/compile.js';
export type { Finding, Fix, TargetError } from './policy/findings.js';
export { loadPolicySet, type PolicySet, policyEngineFor } from './policy/policy-set.js';
export type { PolicyEvaluator } from './policy/sandbox.js';
export { type SarifTool, sarifReport } from './report/sarif.js';
export { type JsonReport, jsonReport, textReport } from './report/terminal.js';
export { gitCommitSnapshot, type RepositorySnapshot, workingTreeSnapshot } from './repository/snapshot.js';
export { portcullisVersion } from './tools.js';
