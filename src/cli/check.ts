/** `portcullis check`: judge a repository's container files with the policies. */
import type { Judgement, TargetFile } from '../core/judge.js';
import { portcullisVersion } from '../tools.js';
import { type CliCommand, EXIT, formatOption, parseOptions, UsageError } from './command.js';
import { COMMAND_TABLE } from './command-table.js';
import { type FileLocation, locateFiles } from './locate.js';
import { cliPolicy } from './policy-context.js';

// The pipeline is imported once the policy is on its way (below); the registry client, the
// builders and scanners (--build) and SARIF when an option asks for them: a one-file
// offline check is a pre-commit hook's, and starts cold.

export const checkCommand: CliCommand = {
  name: 'check',
  async run(args, io) {
    const { values, positionals } = parseOptions(args, COMMAND_TABLE.check.options);
    if (!values.build && (values.base || values['offline-db']))
      throw new UsageError('--base and --offline-db go with --build');
    const format = formatOption(values.format, ['text', 'json', 'sarif']);
    // The policy sandbox's worker starts (on another core) while this thread loads the
    // pipeline's modules; a failure is awaited below, not left unhandled meanwhile.
    const where = locateFiles(values.repo, positionals);
    const policy = cliPolicy(where, values['policy-ref']);
    policy.catch(() => undefined);
    // One at a time: jest's ESM loader fails concurrent imports that share modules.
    const { judgementFails, judgeTargets, PIPELINE_RULES } = await import('../core/judge.js');
    const { workingTreeStream, workingTreeTargets } = await import('../core/local-repository.js');
    const { jsonReportLines, textSummary, textTarget } = await import('../report/terminal.js');
    const { set, engine } = await policy;
    // SARIF fingerprints read the files' text after judging: only then are they all kept.
    const files =
      format === 'sarif'
        ? await workingTreeTargets(where.root, where.paths, set.config.targets)
        : await workingTreeStream(where.root, where.paths, set.config.targets);
    const registry = values.offline
      ? {}
      : { registry: (await import('../facts/registry-facts.js')).registryResolverFromEnv() };
    const build = values.build
      ? await (await import('./local-build.js')).localImageFacts(where.root, {
          ...(values.base ? { base: values.base } : {}),
          ...(values['offline-db'] ? { database: values['offline-db'] } : {}),
          progress: (title) => io.quiet || io.stderr(`portcullis: ${title}`),
          settings: (await import('../facts/image-facts.js')).buildSettingsFrom(set.config.build),
        })
      : null;
    const { shellCheckOptions } = await import('../facts/shellcheck.js');
    const judgement = await judgeTargets(files, engine, {
      ...registry,
      ...shellCheckOptions((note) => io.quiet || io.stderr(`portcullis: ${note}`)),
      policySet: set,
      ...(build ? { images: build.images } : {}),
      // Text is written as each target is judged, in path order; JSON and SARIF are one document.
      ...(format === 'text'
        ? {
            onTarget: (target) => {
              // Quiet: a file with nothing to say is not listed.
              if (io.quiet && target.findings.length === 0 && !target.skipped) return;
              io.stdout(
                textTarget(where.shown ? { ...target, path: where.shown(target.path) } : target, io.color),
              );
            },
          }
        : {}),
    }).finally(() => build?.cleanup());
    if (format === 'sarif') {
      const rules = { ...engine.rules, ...Object.fromEntries(PIPELINE_RULES.map((rule) => [rule.id, rule])) };
      const { sarifReport } = await import('../report/sarif.js');
      const sarif = sarifReport(judgement, rules, { version: portcullisVersion() }, files as TargetFile[]);
      io.stdout(JSON.stringify(sarif, null, 2));
    } else if (format === 'json') {
      for (const line of jsonReportLines(shownPaths(judgement, where.shown))) io.stdout(line);
    } else if (!io.quiet) {
      io.stdout(textSummary(judgement, io.color));
    }
    return judgementFails(judgement) ? EXIT.deny : EXIT.ok;
  },
};

/**
 * The JSON report names files as the user does from the current folder (`../x/Dockerfile`,
 * `/tmp/x/Dockerfile`) when they are judged from another repository's root; SARIF keeps
 * root-relative paths, which code scanning resolves against the repository.
 */
function shownPaths(judgement: Judgement, shown: FileLocation['shown']): Judgement {
  if (!shown) return judgement;
  return {
    ...judgement,
    findings: judgement.findings.map((f) => ({ ...f, path: shown(f.path) })),
    errors: judgement.errors.map((e) => ({ ...e, path: shown(e.path) })),
  };
}
