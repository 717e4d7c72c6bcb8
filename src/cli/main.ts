/**
 * `portcullis` command line: the same core as the App, on a local repository.
 * Exit codes: 0 no deny finding, 1 a deny finding, 2 usage or configuration error.
 */

import { closeSync, openSync, writeSync } from 'node:fs';
import { errorMessage } from '../errors.js';
import { prewarmPrebuiltPack } from '../policy/wasm-module.js';
import { plainText, workflowSafe } from '../report/plain-text.js';
import { settings } from '../settings.js';
import { portcullisVersion } from '../tools.js';
import { type CliCommand, type CliIO, EXIT, UsageError } from './command.js';
import { type CommandName, commandSpec, GLOBAL_OPTIONS, helpText, subcommandSpec } from './command-table.js';

export type { CliIO };
export { EXIT };

/**
 * Each command's module, imported only when it runs: `check` on one file is a pre-commit
 * hook's or an editor's call, and must not load the scanner, the signature verifier or the
 * diff library of the other commands. Help and completion come from the command table.
 */
const COMMANDS: Readonly<Record<CommandName, () => Promise<CliCommand>>> = {
  check: async () => {
    // The built-in pack compiles in the background while the check's modules load.
    await prewarmPrebuiltPack();
    return (await import('./check.js')).checkCommand;
  },
  fix: async () => (await import('./fix.js')).fixCommand,
  policy: async () => (await import('./policy.js')).policyCommand,
  refs: async () => (await import('./refs.js')).refsCommand,
  scan: async () => (await import('./scan.js')).scanCommand,
  verify: async () => (await import('./verify.js')).verifyCommand,
  init: async () => (await import('./init.js')).initCommand,
  migrate: async () => (await import('./migrate.js')).migrateCommand,
  completion: async () => (await import('./completion.js')).completionCommand,
};

interface GlobalOptions {
  help: boolean;
  version: boolean;
  quiet: boolean;
  noColor: boolean;
  output: string | undefined;
}

/**
 * The global options, wherever they are written (`portcullis -q check …`, `portcullis
 * check … --quiet`), taken out of the arguments; after `--` everything is the command's.
 */
function globalOptions(argv: readonly string[]): { options: GlobalOptions; rest: string[] } {
  const options: GlobalOptions = {
    help: false,
    version: false,
    quiet: false,
    noColor: false,
    output: undefined,
  };
  const flags: Record<string, keyof GlobalOptions> = {};
  for (const [name, spec] of Object.entries(GLOBAL_OPTIONS)) {
    const key = (name === 'no-color' ? 'noColor' : name) as keyof GlobalOptions;
    flags[`--${name}`] = key;
    if ('short' in spec) flags[`-${spec.short}`] = key;
  }
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const key = Object.hasOwn(flags, flag as string) ? flags[flag as string] : undefined;
    if (key === 'output') {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError(`${flag} needs a FILE`);
      options.output = value;
    } else if (key && inline === undefined) {
      options[key] = true as never;
    } else {
      rest.push(arg);
    }
  }
  return { options, rest };
}

/** `check`, or `policy impact` when the second word is a subcommand: what the hint's --help names. */
function commandPath(rest: readonly string[]): string[] {
  const [name, sub] = rest;
  const spec = name === undefined ? undefined : commandSpec(name);
  if (!spec || name === undefined) return [];
  return sub !== undefined && subcommandSpec(spec, sub) ? [name, sub] : [name];
}

/** `--output FILE`: the report goes to the file, written as it comes (a large report is never held whole). */
function outputFile(path: string): { stdout: (text: string) => void; close: () => void } {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (error) {
    throw new UsageError(`--output ${path}: ${errorMessage(error)}`);
  }
  return { stdout: (text) => writeSync(fd, `${text}\n`), close: () => closeSync(fd) };
}

export async function runCli(argv: readonly string[], terminal: CliIO): Promise<number> {
  // Everything on stderr is a message that may quote a path, a registry's answer or git's:
  // no escape sequence, control character or workflow command reaches the terminal or an Actions log.
  const stderr = (text: string) => terminal.stderr(workflowSafe(plainText(text)));
  let path: string[] = [];
  let output: ReturnType<typeof outputFile> | undefined;
  try {
    const { options, rest } = globalOptions(argv);
    path = commandPath(rest);
    if (options.version) {
      terminal.stdout(`portcullis ${portcullisVersion()}`);
      return EXIT.ok;
    }
    const [name, ...args] = rest;
    if (name === 'help' || options.help) {
      terminal.stdout(helpText(name === 'help' ? args : rest));
      return EXIT.ok;
    }
    if (name === undefined) {
      terminal.stdout(helpText());
      return EXIT.usage;
    }
    const spec = commandSpec(name);
    if (!spec) throw new UsageError(`unknown command "${name}"`);
    // Read before the command starts, so a bad variable stops it before any work.
    const { noColor } = settings();
    output = options.output === undefined ? undefined : outputFile(options.output);
    const io: CliIO = {
      stdout: output?.stdout ?? terminal.stdout,
      stderr,
      color: terminal.color && !noColor && !options.noColor && !output,
      quiet: options.quiet,
    };
    const command = await COMMANDS[name as CommandName]();
    return await command.run(args, io);
  } catch (error) {
    // One line, and where to read more; a configuration or policy error is its own message.
    stderr(
      error instanceof UsageError
        ? `portcullis: ${error.message}\nsee portcullis ${[...path, '--help'].join(' ')}`
        : `portcullis: ${errorMessage(error)}`,
    );
    return EXIT.usage;
  } finally {
    output?.close();
  }
}
