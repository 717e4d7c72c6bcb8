/** What every CLI command shares: its shape, its I/O, exit codes and option parsing. */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import type { OptionTable } from './command-table.js';

export { UsageError };

export const EXIT = { ok: 0, deny: 1, usage: 2 } as const;

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  color: boolean;
  /** `--quiet`: only what needs attention (files with findings, errors); no summary or progress. */
  quiet?: boolean;
}

export interface CliCommand {
  name: string;
  run(args: readonly string[], io: CliIO): Promise<number>;
}

/**
 * node:util parseArgs on a command's options from src/cli/command-table.ts (which also
 * makes its help and completion), its errors turned into usage errors (exit 2).
 */
export function parseOptions<T extends OptionTable>(args: readonly string[], table: T) {
  // parseArgs is given only the keys it knows; the table's other keys are for help and completion.
  const options = Object.fromEntries(
    Object.entries(table).map(([name, { type, multiple, short, default: value }]) => [
      name,
      {
        type,
        ...(multiple !== undefined ? { multiple } : {}),
        ...(short !== undefined ? { short } : {}),
        ...(value !== undefined ? { default: value } : {}),
      },
    ]),
  ) as T;
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true as const });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** `--format` values a command accepts; anything else is a usage error. */
export function formatOption<F extends string>(value: string | undefined, allowed: readonly F[]): F {
  if (value !== undefined && (allowed as readonly string[]).includes(value)) return value as F;
  throw new UsageError(`--format must be ${allowed.join(', ')}, not "${value}"`);
}
