/**
 * `portcullis` command line: the same core as the App, on a local repository.
 * Exit codes: 0 no deny finding, 1 a deny finding, 2 usage or configuration error.
 */

import { ConfigError } from '../config/configuration.js';
import { errorMessage } from '../errors.js';
import { PolicyCompileError } from '../policy/compile.js';
import { plainText, workflowSafe } from '../report/plain-text.js';
import { settings } from '../settings.js';
import { checkCommand } from './check.js';
import { type CliCommand, type CliIO, EXIT, UsageError } from './command.js';
import { fixCommand } from './fix.js';
import { policyCommand } from './policy.js';
import { refsCommand } from './refs.js';
import { scanCommand } from './scan.js';
import { verifyCommand } from './verify.js';

export type { CliIO };
export { EXIT };

/** One entry per command, each in its own module. */
const COMMANDS: readonly CliCommand[] = [
  checkCommand,
  fixCommand,
  policyCommand,
  refsCommand,
  scanCommand,
  verifyCommand,
];

const HELP = `Usage: portcullis <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.usage}`).join('\n')}
  help
      Show this help.

Exit status: 0 when nothing is denied, 1 when a finding is at deny level,
2 on a usage or configuration error.`;

export async function runCli(argv: readonly string[], terminal: CliIO): Promise<number> {
  // Everything on stderr is a message that may quote a path, a registry's answer or git's:
  // no escape sequence, control character or workflow command reaches the terminal or an Actions log.
  const io: CliIO = { ...terminal, stderr: (text) => terminal.stderr(workflowSafe(plainText(text))) };
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  try {
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) throw new UsageError(`unknown command "${name}"`);
    // Read before the command starts, so a bad variable stops it before any work.
    const { noColor } = settings();
    return await command.run(rest, { ...io, color: io.color && !noColor });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`portcullis: ${error.message}\n\n${HELP}`);
    } else if (error instanceof PolicyCompileError || error instanceof ConfigError) {
      io.stderr(`portcullis: ${error.message}`);
    } else {
      io.stderr(`portcullis: ${errorMessage(error)}`);
    }
    return EXIT.usage;
  }
}
