/**
 * A target file's text read into its policy input document and inline ignores. The
 * pipeline (src/core/judge.ts) reads files itself when facts must be gathered first; the
 * sandbox's workers read them when none are, so that parsing runs in parallel with the
 * evaluation of other files. One function, so the two ways agree.
 */
import { errorMessage } from '../errors.js';
import type { DockerfileFacts, PolicyInput, ReferenceFileKind } from '../input/policy-input.js';
import { ReferenceExtractError } from '../targets/extractor.js';
import { policyInputFor } from '../targets/input.js';
import type { Finding } from './findings.js';
import { type InlineIgnore, inlineIgnores } from './waivers.js';

export type TargetReading =
  | { input: PolicyInput; ignores: InlineIgnore[] }
  /** An extractor claimed the file (or the caller named its format), then could not read it. */
  | { unreadable: string }
  /** No extractor claims the file: not a target after all (a `*.yaml` that is no manifest). */
  | null;

/** What a worker returns for a file's text: its findings, or why it was not judged. */
export type JudgedSource =
  /** `kind` is null when a limit stopped the worker before it knew the format. */
  | { kind: ReferenceFileKind | null; ignores: InlineIgnore[]; findings: Finding[] }
  | { unreadable: string }
  | null;

export function readTarget(path: string, text: string, kind?: ReferenceFileKind): TargetReading {
  try {
    const input = policyInputFor(path, text, kind);
    if (!input) return null;
    const ignores = 'dockerfile' in input ? inlineIgnores(text, instructionRanges(input.dockerfile)) : [];
    return { input, ignores };
  } catch (error) {
    const where = error instanceof ReferenceExtractError && error.line !== null ? `line ${error.line}: ` : '';
    return { unreadable: `could not be read: ${where}${errorMessage(error)}` };
  }
}

/** Every instruction's lines, `FROM` included, in file order: what an inline ignore can cover. */
function instructionRanges(dockerfile: DockerfileFacts): { line: number; end_line: number }[] {
  return dockerfile.stages
    .flatMap((stage) => [{ line: stage.line, end_line: stage.line }, ...stage.instructions])
    .map(({ line, end_line }) => ({ line, end_line }))
    .sort((a, b) => a.line - b.line);
}
