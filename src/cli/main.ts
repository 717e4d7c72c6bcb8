/**
 * `portcullis` command line: the same core as the App, on a local repository.
 * Exit codes: 0 no deny finding, 1 a deny finding, 2 usage or configuration error.
 */
import { parseArgs } from 'node:util';
import { builtinPolicyEngine, errorMessage, judgeTargets } from '../core/judge.js';
import { UsageError, workingTreeTargets } from '../core/local-repository.js';
import { PolicyCompileError } from '../policy/compile.js';
import { jsonReport, textReport } from '../report/terminal.js';

export const EXIT = { ok: 0, deny: 1, usage: 2 } as const;

const HELP = `Usage: portcullis <command> [options]

Commands:
  check [--repo DIR] [--format text|json] [--offline] [PATH...]
      Judge container files with the policies. With no PATH, every container
      file in the repository (tracked, or untracked and not ignored).
  help
      Show this help.

Exit status: 0 when nothing is denied, 1 when a finding is at deny level,
2 on a usage or configuration error.`;

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  color: boolean;
}

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await check(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(HELP);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`portcullis: ${error.message}\n\n${HELP}`);
      return EXIT.usage;
    }
    if (error instanceof PolicyCompileError) {
      io.stderr(`portcullis: ${error.message}`);
      return EXIT.usage;
    }
    io.stderr(`portcullis: ${errorMessage(error)}`);
    return EXIT.usage;
  }
}

async function check(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    repo: { type: 'string', default: '.' },
    format: { type: 'string', default: 'text' },
    // Accepted now so scripts can rely on it: registry look-ups, when added, are skipped with it.
    offline: { type: 'boolean', default: false },
  });
  const format = values.format;
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`--format must be text or json, not "${format}"`);
  const repo = values.repo;
  const [files, engine] = await Promise.all([workingTreeTargets(repo, positionals), builtinPolicyEngine()]);
  const judgement = judgeTargets(files, engine);
  io.stdout(
    format === 'json' ? JSON.stringify(jsonReport(judgement), null, 2) : textReport(judgement, io.color),
  );
  return judgement.findings.some((f) => f.severity === 'deny') ? EXIT.deny : EXIT.ok;
}

type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;
function parseOptions<T extends Options>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true as const });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
