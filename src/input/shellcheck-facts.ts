/**
 * ShellCheck's findings written into a Dockerfile's input, each RUN's under
 * `instructions[].shellcheck`: where the pipeline merges gathered facts (src/core/facts.ts)
 * and where a policy worker reads a Dockerfile whose findings were known beforehand
 * (src/policy/sandbox-job.ts). Imports nothing but types: a worker loads it with the reader.
 */
import type { PolicyInput, ShellCheckFinding } from './policy-input.js';

/** A Dockerfile's findings by the line of their RUN, as `[line, findings]` pairs across threads. */
export type ShellCheckByLine = ReadonlyMap<number, ShellCheckFinding[]>;

export function applyShellCheckFacts(input: PolicyInput, byLine: ShellCheckByLine): void {
  if (!('dockerfile' in input)) return;
  for (const stage of input.dockerfile.stages)
    for (const instruction of stage.instructions) {
      const findings = byLine.get(instruction.line);
      if (findings) instruction.shellcheck = findings;
    }
}
