/**
 * The policy input document: one JSON document per target, the contract users write
 * Rego against. Documented in docs/policy-input.md, described by
 * docs/policy-input.schema.json. Bump POLICY_INPUT_VERSION on any breaking change.
 */
import type { ImageReference } from '../image/reference.js';
import type { ShellCommand } from '../targets/dockerfile/shell.js';
import type { ReferenceFileKind } from '../targets/references.js';

export const POLICY_INPUT_VERSION = 1;

/** What every target's document has. */
interface PolicyInputBase {
  /** Version of this document's shape, so policies can refuse an input they do not understand. */
  input_version: number;
  target: {
    /** Which extractor produced the target; selects the rules that apply. */
    kind: ReferenceFileKind;
    /** Path relative to the repository root, forward slashes. */
    path: string;
  };
  /**
   * Every image reference the file writes, for every kind: a Dockerfile's `FROM`,
   * `COPY --from=<image>` and `RUN --mount=from=<image>` too.
   */
  references: ReferenceFacts[];
}

export interface DockerfileInput extends PolicyInputBase {
  target: { kind: 'dockerfile'; path: string };
  dockerfile: DockerfileFacts;
}

/** A Kubernetes manifest, Compose file, workflow, Helm values or Kustomization: references only. */
export interface ReferenceFileInput extends PolicyInputBase {
  target: { kind: Exclude<ReferenceFileKind, 'dockerfile'>; path: string };
}

export type PolicyInput = DockerfileInput | ReferenceFileInput;

/** One image reference as written, with what its registry says about it. */
export interface ReferenceFacts {
  /** 1-based line of the value. */
  line: number;
  /** Where in the file, e.g. `spec.template.spec.containers[0].image`, `FROM`, `COPY --from`. */
  field: string;
  /** The value as written (YAML-unquoted); for references composed of several keys, the composed text. */
  raw: string;
  /** The whole text of line `line`, so a rule can offer a fix that rewrites it. */
  source: string;
  /** The platform the file asks for (`FROM --platform=…`, Compose `platform:`), or null. */
  platform: string | null;
  /** The parsed, normalised reference; null exactly when `problem` is set. */
  image: ImageReference | null;
  /** `unresolvable` for template expressions and unset variables, `invalid` for bad references. */
  problem: { kind: 'unresolvable' | 'invalid'; message: string } | null;
  /** What the registry says about the image now; null when not looked up (offline, or no image). */
  registry_facts: RegistryFacts | null;
}

/** Facts from the image's registry, gathered before policy evaluation. */
export interface RegistryFacts {
  /** Digest the reference points at now: the index digest for multi-platform images. Null on error. */
  digest: string | null;
  /** Digest of the manifest chosen for the platform (linux/amd64 unless the file says). */
  platform_digest: string | null;
  media_type: string | null;
  /** Platforms an index offers, e.g. `linux/amd64`; empty for a single manifest. */
  platforms: string[];
  /** The image config's `User`; an empty string means root. */
  user: string | null;
  /** The image config's creation time (RFC 3339), when it says. */
  created: string | null;
  /** Whole days from `created` to the time of the look-up (policies cannot parse dates under WebAssembly). */
  age_days: number | null;
  /** Compressed size of the platform manifest's layers, in bytes. */
  size: number | null;
  layer_count: number | null;
  /** Why the look-up failed: `not_found`, `unauthorized`, `unreachable`, `timeout`, …; null on success. */
  error: { code: string; message: string } | null;
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
  /** What the registry says about `image` now; null when not looked up. */
  registry_facts: RegistryFacts | null;
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
