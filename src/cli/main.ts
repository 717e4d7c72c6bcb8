/**
 * `portcullis` command line: the same core as the App, on a local repository.
 * Exit codes: 0 no deny finding, 1 a deny finding, 2 usage or configuration error.
 */

import { errorMessage } from '../errors.js';
import { plainText, workflowSafe } from '../report/plain-text.js';
import { settings } from '../settings.js';
import { type CliCommand, type CliIO, EXIT, UsageError } from './command.js';

export type { CliIO };
export { EXIT };

/**
 * One entry per command, each in its own module, imported only when it runs: `check` on
 * one file is a pre-commit hook's or an editor's call, and must not load the scanner,
 * the signature verifier or the diff library of the other commands.
 */
const COMMANDS: Readonly<Record<string, () => Promise<CliCommand>>> = {
  check: async () => (await import('./check.js')).checkCommand,
  fix: async () => (await import('./fix.js')).fixCommand,
  policy: async () => (await import('./policy.js')).policyCommand,
  refs: async () => (await import('./refs.js')).refsCommand,
  scan: async () => (await import('./scan.js')).scanCommand,
  verify: async () => (await import('./verify.js')).verifyCommand,
};

/** The help text loads every command for its usage: it is shown rarely, and never on the way to work. */
async function help(): Promise<string> {
  // One at a time: jest's ESM loader fails concurrent imports that share modules.
  const commands: CliCommand[] = [];
  for (const load of Object.values(COMMANDS)) commands.push(await load());
  return `Usage: portcullis <command> [options]

Commands:
${commands.map((c) => `  ${c.usage}`).join('\n')}
  help
      Show this help.

Exit status: 0 when nothing is denied, 1 when a finding is at deny level,
2 on a usage or configuration error.`;
}

export async function runCli(argv: readonly string[], terminal: CliIO): Promise<number> {
  // Everything on stderr is a message that may quote a path, a registry's answer or git's:
  // no escape sequence, control character or workflow command reaches the terminal or an Actions log.
  const io: CliIO = { ...terminal, stderr: (text) => terminal.stderr(workflowSafe(plainText(text))) };
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(await help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  try {
    // Own properties only: `portcullis constructor` is an unknown command, not Object's.
    const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!load) throw new UsageError(`unknown command "${name}"`);
    const command = await load();
    // Read before the command starts, so a bad variable stops it before any work.
    const { noColor } = settings();
    return await command.run(rest, { ...io, color: io.color && !noColor });
  } catch (error) {
    // A configuration or policy compile error is shown by its message, as any other.
    io.stderr(
      error instanceof UsageError
        ? `portcullis: ${error.message}\n\n${await help()}`
        : `portcullis: ${errorMessage(error)}`,
    );
    return EXIT.usage;
  }
}
