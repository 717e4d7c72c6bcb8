/** What every CLI command shares: its shape, its I/O, exit codes and option parsing. */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';

export { UsageError };

export const EXIT = { ok: 0, deny: 1, usage: 2 } as const;

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  color: boolean;
}

export interface CliCommand {
  name: string;
  /** Synopsis line(s) and a short description, for `portcullis help`. */
  usage: string;
  run(args: readonly string[], io: CliIO): Promise<number>;
}

type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

/** node:util parseArgs, with its errors turned into usage errors (exit 2). */
export function parseOptions<T extends Options>(args: readonly string[], options: T) {
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
