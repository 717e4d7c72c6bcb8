/**
 * `portcullis policy test|impact`: the repository's own policies, tested with `opa test`,
 * and what a change to them would change across every container file of the repository.
 */
import { gitCommitTree, type ImpactSide, policyImpact, resolveCommit } from '../core/impact.js';
import { opaTest, policyFolder, readPolicyTests, withPolicyWorkspace } from '../policy/opa-tools.js';
import { loadPolicySet, policyEngineFor } from '../policy/policy-set.js';
import { impactJsonReport, impactTextReport, policyTestTextReport } from '../report/policy-report.js';
import { gitCommitSnapshot, workingTreeSnapshot } from '../repository/snapshot.js';
import { type CliCommand, type CliIO, EXIT, formatOption, parseOptions, UsageError } from './command.js';
import { COMMAND_TABLE } from './command-table.js';

const SUBCOMMANDS: Record<string, (args: readonly string[], io: CliIO) => Promise<number>> = {
  test: policyTest,
  impact: policyImpactCommand,
};

export const policyCommand: CliCommand = {
  name: 'policy',
  async run(args, io) {
    const [sub, ...rest] = args;
    const run = sub !== undefined && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
    if (!run)
      throw new UsageError(
        sub === undefined
          ? 'policy needs a subcommand: test or impact'
          : `unknown policy subcommand "${sub}"`,
      );
    return run(rest, io);
  },
};

async function policyTest(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseOptions(args, COMMAND_TABLE.policy.subcommands.test.options);
  if (positionals.length > 0)
    throw new UsageError(`policy test takes no paths (got ${positionals.join(' ')})`);
  const snapshot = workingTreeSnapshot(values.repo);
  const set = await loadPolicySet(snapshot);
  const tests = await readPolicyTests(snapshot, set);
  const results = await withPolicyWorkspace(set, tests, opaTest);
  io.stdout(policyTestTextReport(results, policyFolder(set), io.color));
  return results.some((t) => !t.passed) ? EXIT.deny : EXIT.ok;
}

async function policyImpactCommand(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseOptions(args, COMMAND_TABLE.policy.subcommands.impact.options);
  if (positionals.length > 0)
    throw new UsageError(`policy impact takes no paths (got ${positionals.join(' ')})`);
  if (!values.base || !values.head) throw new UsageError('policy impact needs --base REF and --head REF');
  const format = formatOption(values.format, ['text', 'json']);
  const [base, head] = await Promise.all([
    resolveCommit(values.repo, values.base),
    resolveCommit(values.repo, values.head),
  ]);
  const side = async (commit: string): Promise<ImpactSide> => {
    const set = await loadPolicySet(gitCommitSnapshot(values.repo, commit));
    return { set, engine: await policyEngineFor(set) };
  };
  const [before, after, tree] = await Promise.all([side(base), side(head), gitCommitTree(values.repo, head)]);
  const impact = await policyImpact(tree, before, after);
  io.stdout(
    format === 'json'
      ? JSON.stringify(impactJsonReport(impact), null, 2)
      : impactTextReport(impact, io.color),
  );
  return EXIT.ok;
}
