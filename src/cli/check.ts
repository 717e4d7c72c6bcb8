/** `portcullis check`: judge a repository's container files with the policies. */
import type { TargetFile } from '../core/judge.js';
import { portcullisVersion } from '../tools.js';
import { type CliCommand, EXIT, formatOption, parseOptions, UsageError } from './command.js';
import { cliPolicy } from './policy-context.js';

// The pipeline is imported once the policy is on its way (below); the registry client, the
// builders and scanners (--build) and SARIF when an option asks for them: a one-file
// offline check is a pre-commit hook's, and starts cold.

export const checkCommand: CliCommand = {
  name: 'check',
  usage: `check [--repo DIR] [--format text|json|sarif] [--offline] [--policy-ref REF] [PATH...]
      Judge container files with the policies. With no PATH, every container
      file in the repository (tracked, or untracked and not ignored). The
      configuration, policies and waivers come from the working tree, or from
      commit REF with --policy-ref.
      --build [--base REF] [--offline-db DIR]: also build and scan the Dockerfiles
      changed since the merge base of REF (default HEAD's upstream, else HEAD~1)
      and HEAD, at the working tree and at that base (docs/build-and-scan.md).`,

  async run(args, io) {
    const { values, positionals } = parseOptions(args, {
      repo: { type: 'string', default: '.' },
      format: { type: 'string', default: 'text' },
      // No registry look-ups: no registry facts, so no digest-pinning fixes or image-config rules.
      offline: { type: 'boolean', default: false },
      'policy-ref': { type: 'string' },
      build: { type: 'boolean', default: false },
      base: { type: 'string' },
      'offline-db': { type: 'string' },
    });
    if (!values.build && (values.base || values['offline-db']))
      throw new UsageError('--base and --offline-db go with --build');
    const format = formatOption(values.format, ['text', 'json', 'sarif']);
    // The policy sandbox's worker starts (on another core) while this thread loads the
    // pipeline's modules; a failure is awaited below, not left unhandled meanwhile.
    const policy = cliPolicy(values.repo, values['policy-ref']);
    policy.catch(() => undefined);
    // One at a time: jest's ESM loader fails concurrent imports that share modules.
    const { judgementFails, judgeTargets, PIPELINE_RULES } = await import('../core/judge.js');
    const { workingTreeStream, workingTreeTargets } = await import('../core/local-repository.js');
    const { jsonReportLines, textSummary, textTarget } = await import('../report/terminal.js');
    const { set, engine } = await policy;
    // SARIF fingerprints read the files' text after judging: only then are they all kept.
    const files =
      format === 'sarif'
        ? await workingTreeTargets(values.repo, positionals, set.config.targets)
        : await workingTreeStream(values.repo, positionals, set.config.targets);
    const registry = values.offline
      ? {}
      : { registry: (await import('../facts/registry-facts.js')).registryResolverFromEnv() };
    const build = values.build
      ? await (await import('./local-build.js')).localImageFacts(values.repo, {
          ...(values.base ? { base: values.base } : {}),
          ...(values['offline-db'] ? { database: values['offline-db'] } : {}),
          progress: (title) => io.stderr(`portcullis: ${title}`),
          settings: (await import('../facts/image-facts.js')).buildSettingsFrom(set.config.build),
        })
      : null;
    const judgement = await judgeTargets(files, engine, {
      ...registry,
      policySet: set,
      ...(build ? { images: build.images } : {}),
      // Text is written as each target is judged, in path order; JSON and SARIF are one document.
      ...(format === 'text' ? { onTarget: (target) => io.stdout(textTarget(target, io.color)) } : {}),
    }).finally(() => build?.cleanup());
    if (format === 'sarif') {
      const rules = { ...engine.rules, ...Object.fromEntries(PIPELINE_RULES.map((rule) => [rule.id, rule])) };
      const { sarifReport } = await import('../report/sarif.js');
      const sarif = sarifReport(judgement, rules, { version: portcullisVersion() }, files as TargetFile[]);
      io.stdout(JSON.stringify(sarif, null, 2));
    } else if (format === 'json') {
      for (const line of jsonReportLines(judgement)) io.stdout(line);
    } else {
      io.stdout(textSummary(judgement, io.color));
    }
    return judgementFails(judgement) ? EXIT.deny : EXIT.ok;
  },
};
