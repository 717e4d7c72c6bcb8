/** Runs the `portcullis` command line in process and captures what it prints. */
import { runCli } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  /** Each piece of output on its own line, as bin/portcullis.js writes them. */
  stdout: string;
  stderr: string;
}

export async function cli(...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), color: false });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
