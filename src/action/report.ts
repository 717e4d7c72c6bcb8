/** What the step shows of a judgement, whichever event it came from: the log, SARIF, the exit status. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Judgement, judgementFails, PIPELINE_RULES, type TargetFile } from '../core/judge.js';
import type { RuleMetadata } from '../policy/compile.js';
import { sarifReport } from '../report/sarif.js';
import { jsonReportLines, textReport } from '../report/terminal.js';
import type { Settings } from '../settings.js';
import { portcullisVersion } from '../tools.js';
import type { Runner } from './runner.js';

/** The findings in the step's log, as `format` asks. */
export function logJudgement(judgement: Judgement, settings: Settings, runner: Runner): void {
  if (settings.actionFormat === 'json') for (const line of jsonReportLines(judgement)) runner.log(line);
  else runner.log(textReport(judgement, false));
}

/** The SARIF report, when `sarif-file` names where (relative to the workspace), and the output naming it. */
export function writeSarif(
  judgement: Judgement,
  rules: Readonly<Record<string, RuleMetadata>>,
  files: readonly TargetFile[],
  settings: Settings,
  runner: Runner,
): void {
  if (!settings.actionSarifFile) return;
  const path = resolve(settings.githubWorkspace ?? '.', settings.actionSarifFile);
  const all = { ...rules, ...Object.fromEntries(PIPELINE_RULES.map((rule) => [rule.id, rule])) };
  writeFileSync(
    path,
    JSON.stringify(sarifReport(judgement, all, { version: portcullisVersion() }, files), null, 2),
  );
  runner.output('sarif-file', path);
}

/** Exit status 1 when a finding at a `fail-on` severity (the configuration's when not given) is not waived, or a file went unjudged. */
export function exitStatus(judgement: Judgement, settings: Settings): number {
  return judgementFails({ ...judgement, failOn: settings.actionFailOn ?? judgement.failOn }) ? 1 : 0;
}
