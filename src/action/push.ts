/**
 * `push` (and any event that is not a pull request's): the whole repository checked out
 * in GITHUB_WORKSPACE, judged as `portcullis check` judges a working tree, with its own
 * configuration and policies (the pushed commit is what the branch now holds), and
 * reported through the runner: annotations and the job summary.
 */

import { CONFIG_PATH } from '../config/configuration.js';
import { judgeTargets } from '../core/judge.js';
import { workingTreeTargets } from '../core/local-repository.js';
import { appRegistryOptions } from '../facts/registry-facts.js';
import { loadPolicySet, policyEngineFor } from '../policy/policy-set.js';
import { checkRunReport } from '../report/check-run.js';
import { type RepositorySnapshot, workingTreeSnapshot } from '../repository/snapshot.js';
import type { Settings } from '../settings.js';
import { readPushEvent } from './event.js';
import { exitStatus, logJudgement, writeSarif } from './report.js';
import { type Runner, summarySection } from './runner.js';

export async function judgeWorkspace(settings: Settings, runner: Runner): Promise<number> {
  const repo = settings.githubWorkspace ?? process.cwd();
  const set = await loadPolicySet(configuredSnapshot(workingTreeSnapshot(repo), settings.actionConfig));
  const engine = await policyEngineFor(set);
  const files = await workingTreeTargets(repo, [], set.config.targets);
  const build = settings.build ? await workspaceBuild(repo, settings, set.config.build, runner) : null;
  const judgement = await judgeTargets(files, engine, {
    ...appRegistryOptions(),
    policySet: set,
    ...(build ? { images: build.images } : {}),
  }).finally(() => build?.cleanup());
  const report = checkRunReport(judgement);
  runner.annotate(report.annotations);
  runner.summary(
    judgement.targets.length === 0
      ? `## Portcullis\n\nNo container files in the repository: nothing to check.\n`
      : summarySection('Portcullis', report),
  );
  logJudgement(judgement, settings, runner);
  writeSarif(judgement, engine.rules, files, settings, runner);
  return exitStatus(judgement, settings);
}

/** `build`: the Dockerfiles the push changed, built and scanned at the push and before it (the CLI's `check --build`). */
async function workspaceBuild(
  repo: string,
  settings: Settings,
  entries: Parameters<typeof import('../facts/image-facts.js').buildSettingsFrom>[0],
  runner: Runner,
) {
  const before = settings.githubEventPath ? readPushEvent(settings.githubEventPath).before : undefined;
  const { localImageFacts } = await import('../cli/local-build.js');
  const { buildSettingsFrom } = await import('../facts/image-facts.js');
  return localImageFacts(repo, {
    // A new branch's `before` is all zeros: the CLI's own choice of base then.
    ...(before && !/^0+$/.test(before) ? { base: before } : {}),
    progress: (title) => runner.log(`portcullis: ${title}`),
    settings: buildSettingsFrom(entries),
  });
}

/**
 * The working tree with the `config` input's file read as the configuration. A named file
 * that is missing is an error, not the defaults: the gate must not quietly loosen.
 */
function configuredSnapshot(snapshot: RepositorySnapshot, config: string | undefined): RepositorySnapshot {
  if (!config || config === CONFIG_PATH) return snapshot;
  return {
    ...snapshot,
    async readFile(path) {
      if (path !== CONFIG_PATH) return snapshot.readFile(path);
      const text = await snapshot.readFile(config);
      if (text === null) throw new Error(`config: ${config} does not exist in ${snapshot.label}`);
      return text;
    },
  };
}
