/**
 * The policy input document: one JSON document per target, the contract users write
 * Rego against. Documented in docs/policy-input.md, described by
 * docs/policy-input.schema.json. Bump POLICY_INPUT_VERSION on any breaking change.
 */
import type { ImageReference } from '../image/reference.js';
import type { ShellCommand } from '../targets/dockerfile/shell.js';

export const POLICY_INPUT_VERSION = 1;

export interface PolicyInput {
  /** Version of this document's shape, so policies can refuse an input they do not understand. */
  input_version: number;
  target: {
    /** Which extractor produced the target; selects the rules that apply. */
    kind: 'dockerfile';
    /** Path relative to the repository root, forward slashes. */
    path: string;
  };
  dockerfile: DockerfileFacts;
}

export interface DockerfileFacts {
  /** Parser directives (`# syntax=…`, `# escape=…`, `# check=…`) from the top of the file. */
  directives: { name: string; value: string; line: number }[];
  /** `ARG`s declared before the first `FROM`; only these can be used in `FROM` lines. */
  global_args: { name: string; default: string | null; line: number }[];
  /** The escape character (`\` unless a directive says otherwise). */
  escape: string;
  stages: DockerfileStage[];
}

export interface DockerfileStage {
  /** 0-based position in the file; `COPY --from=0` refers to it. */
  index: number;
  /** The `AS` name, lower-cased because stage names are case-insensitive; null when unnamed. */
  name: string | null;
  /** True for the last stage: what `docker build` produces without `--target`. */
  final: boolean;
  /** Line of the `FROM` instruction; findings about something missing point here. */
  line: number;
  /** Last line of the stage (its last instruction). */
  end_line: number;
  base: StageBase;
  /** Every instruction after `FROM` up to the next `FROM`, in file order. */
  instructions: DockerfileInstruction[];
}

export interface StageBase {
  /** The image as written, e.g. `node:${NODE_VERSION}-alpine`. */
  raw: string;
  /** With global `ARG` defaults substituted, e.g. `node:20-alpine`. */
  resolved: string;
  /** Variables used in `raw` that have no default: `resolved` is then incomplete. */
  unresolved_variables: string[];
  /** The `--platform` flag as written, or null. */
  platform: string | null;
  /** Index of the earlier stage this one builds on (`FROM builder`), or null. */
  stage: number | null;
  /** True for `FROM scratch`: no base image at all. */
  scratch: boolean;
  /** The parsed reference when the base is a real image that could be parsed; else null. */
  image: ImageReference | null;
  /** Why the reference could not be parsed, or null. */
  error: string | null;
}

export interface DockerfileInstruction {
  /** Upper-cased keyword: `RUN`, `COPY`, … */
  keyword: string;
  /** 1-based first and last line; a continued or heredoc instruction spans several. */
  line: number;
  end_line: number;
  /** `--name=value` flags in order, e.g. `{name: "from", value: "builder"}`; value null for bare flags. */
  flags: { name: string; value: string | null }[];
  /** Arguments after the flags: JSON array elements in exec form, whitespace-split words otherwise. */
  arguments: string[];
  /** Everything after the keyword and flags, continuations folded: what a human reads as the value. */
  value: string;
  /** `exec` for JSON-array form, `shell` otherwise; null for keywords that have no such distinction. */
  form: 'exec' | 'shell' | null;
  /** `KEY=value` pairs of `ENV`, `ARG` and `LABEL`, each with its own line. */
  properties: { name: string; value: string | null; line: number }[];
  /** Here-documents attached to the instruction. */
  heredocs: { name: string; body: string; line: number; end_line: number }[];
  /** Shell commands of a shell-form `RUN` (and of its heredoc scripts), split per command. */
  commands: ShellCommand[];
  /** The instruction's source text, lines `line`..`end_line` exactly: fixes replace it. */
  source: string;
}
