/** `portcullis check`: judge a repository's container files with the policies. */
import { builtinPolicyEngine, judgeTargets } from '../core/judge.js';
import { workingTreeTargets } from '../core/local-repository.js';
import { registryResolverFromEnv } from '../facts/registry-facts.js';
import { portcullisVersion, sarifReport } from '../report/sarif.js';
import { jsonReport, textReport } from '../report/terminal.js';
import { type CliCommand, EXIT, formatOption, parseOptions } from './command.js';

export const checkCommand: CliCommand = {
  name: 'check',
  usage: `check [--repo DIR] [--format text|json|sarif] [--offline] [PATH...]
      Judge container files with the policies. With no PATH, every container
      file in the repository (tracked, or untracked and not ignored).`,

  async run(args, io) {
    const { values, positionals } = parseOptions(args, {
      repo: { type: 'string', default: '.' },
      format: { type: 'string', default: 'text' },
      // No registry look-ups: no registry facts, so no digest-pinning fixes or image-config rules.
      offline: { type: 'boolean', default: false },
    });
    const format = formatOption(values.format, ['text', 'json', 'sarif']);
    const [files, engine] = await Promise.all([
      workingTreeTargets(values.repo, positionals),
      builtinPolicyEngine(),
    ]);
    const judgement = await judgeTargets(
      files,
      engine,
      values.offline ? {} : { registry: registryResolverFromEnv() },
    );
    if (format === 'sarif') {
      const sarif = sarifReport(judgement, engine.rules, { version: await portcullisVersion() }, files);
      io.stdout(JSON.stringify(sarif, null, 2));
    } else {
      io.stdout(
        format === 'json' ? JSON.stringify(jsonReport(judgement), null, 2) : textReport(judgement, io.color),
      );
    }
    return judgement.findings.some((f) => f.severity === 'deny') ? EXIT.deny : EXIT.ok;
  },
};
