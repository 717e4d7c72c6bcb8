/**
 * The policy input document: one JSON document per target, the contract users write
 * Rego against. Documented in docs/policy-input.md, described by
 * docs/policy-input.schema.json. Bump POLICY_INPUT_VERSION on any breaking change.
 */
import type { ImageReference } from '../image/reference.js';
import type { AttestationFacts } from './attestations.js';
import type { SignatureFacts, TrustPolicyFacts } from './signatures.js';

export const POLICY_INPUT_VERSION = 1;

/** Which extractor read a target (src/targets/<kind>/); rules select on it. */
export type ReferenceFileKind = 'dockerfile' | 'kubernetes' | 'compose' | 'workflow' | 'helm' | 'kustomize';

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
  /** The image built from the Dockerfile and scanned; only when builds are enabled (src/facts/image-facts.ts). */
  image?: ImageFacts;
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
  /** The image config's `ExposedPorts`, like `8080/tcp`. */
  exposed_ports?: string[];
  /** Names of the image config's `Env` variables: names only, never values. */
  env_names?: string[];
  /** The image config's labels. */
  labels?: Record<string, string>;
  /** The base image the image says it was built on (`org.opencontainers.image.base.name` / `.digest`), or null. */
  base_image?: { name: string | null; digest: string | null } | null;
  /** The image config's creation time (RFC 3339), when it says. */
  created: string | null;
  /** Whole days from `created` to the time of the look-up (policies cannot parse dates under WebAssembly). */
  age_days: number | null;
  /** Compressed size of the platform manifest's layers, in bytes. */
  size: number | null;
  layer_count: number | null;
  /**
   * For a reference with tag `latest` or none: the version tags that name the same image
   * now, most specific first (`1.25.3`, `1.25`, `1`); the "explicit tag" fix uses the first.
   */
  tags_for_digest?: string[];
  /**
   * Only for a Dockerfile's final-stage base and a manifest's image reference, with a tag:
   * the same version's lighter tags the registry has (`3.12-slim`, `3.12-alpine`, `21-jre`),
   * smaller than this image for the same platform, smallest first. Which suffixes are tried
   * is `data.portcullis.image_variants`. Absent when not looked up or the registry did not
   * answer; empty when no variant is smaller. PC-IMG-012 recommends one.
   */
  lighter_variants?: LighterVariant[];
  /** Why the look-up failed: `not_found`, `unauthorized`, `unreachable`, `timeout`, …; null on success. */
  error: { code: string; message: string } | null;
  /** Only with a trust policy configured: the policy that covers the image (docs/signatures.md). */
  trust_policy?: TrustPolicyFacts;
  /**
   * Only with a trust policy configured: the cosign signatures of `digest`, each verified
   * against the policy; empty when unsigned; null when not checked (no policy matched, or no digest).
   */
  signatures?: SignatureFacts[] | null;
  /**
   * Only with a trust policy configured: the in-toto attestations of `digest` (`cosign attest`:
   * SLSA provenance, SBOMs, …), each verified against the policy's signers; empty when there are
   * none; null when not checked (no policy matched, or no digest).
   */
  attestations?: AttestationFacts[] | null;
  /**
   * Only with PORTCULLIS_SCAN_REFERENCES=1 and an OSV database: what scanning the image
   * (the platform's manifest) found. Absent when not scanned; see `scan_error`.
   */
  vulnerabilities?: ReferenceVulnerability[];
  /** Only with PORTCULLIS_SCAN_REFERENCES=1: why the image could not be scanned (`too_large`, `no_database`, …). */
  scan_error?: { code: string; message: string };
  /**
   * Only beside `vulnerabilities` or `scan_error`: what was scanned. `sbom`: the image's
   * verified SBOM attestation (about this digest, by a signer of the trust policy), the image
   * not pulled; `image`: the image, pulled.
   */
  scan_source?: 'sbom' | 'image';
}

/** A lighter tag of the same image version (`registry_facts.lighter_variants[]`). */
export interface LighterVariant {
  /** The entry of `data.portcullis.image_variants.variants` it matched: `slim`, `alpine`, `jre`, … */
  variant: string;
  /** The tag, e.g. `3.12-slim`. */
  tag: string;
  /**
   * `registry/repository:tag`, normalised; for an image of another repository
   * (`other_repository`), the reference as the data writes it.
   */
  reference: string;
  /**
   * Only for an image of another repository (`data.portcullis.image_variants.single_binary`:
   * distroless for a final stage that runs one binary): true. The fix writes `reference`.
   */
  other_repository?: boolean;
  /** What the tag points at now (the index digest for a multi-platform image): a digest pin names it. */
  digest: string;
  /** The platform's own manifest digest. */
  platform_digest: string;
  /** Sum of the platform manifest's compressed layer sizes, in bytes: comparable with `size`. */
  compressed_size: number;
  /** `glibc` or `musl` (from the data, not from the image). */
  libc: string;
  /** False when the variant's libc differs from this image's. */
  same_libc: boolean;
  /** `apt`, `apk`, `dnf` or `none` (from the data). */
  package_manager: string;
  /** False for variants without `/bin/sh` (distroless). */
  has_shell: boolean;
  /** What switching costs, for people: libc, package manager or shell changes, and the data's note. */
  caveats: string[];
}

/** A vulnerability found in a referenced image (`registry_facts.vulnerabilities[]`). */
export interface ReferenceVulnerability {
  /** The advisory id (`ALPINE-CVE-2024-0001`, `GHSA-…`). */
  id: string;
  /** Other ids of the same vulnerability (`CVE-2024-0001`). */
  aliases: string[];
  /** The installed package (`libcrypto3`). */
  package: string;
  installed_version: string;
  /** The first version that fixes it; null when no fix is known. */
  fixed_version: string | null;
  severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';
}

export interface DockerfileFacts {
  /** Parser directives (`# syntax=…`, `# escape=…`, `# check=…`) from the top of the file. */
  directives: { name: string; value: string; line: number }[];
  /** `ARG`s declared before the first `FROM`; only these can be used in `FROM` lines. */
  global_args: { name: string; default: string | null; line: number }[];
  /**
   * Instructions other than `ARG` before the first `FROM` (all of them when there is none):
   * they belong to no stage, and BuildKit refuses the file. Only where they are is kept.
   */
  preamble: { keyword: string; line: number; end_line: number }[];
  /** The escape character (`\` unless a directive says otherwise). */
  escape: string;
  stages: DockerfileStage[];
  /**
   * The build context's `.dockerignore`, when the caller could read the repository (the CLI,
   * the App) and there is one; absent otherwise. `copy.ignored` of each COPY/ADD follows it.
   */
  dockerignore?: DockerignoreFacts;
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
  /** The `FROM` instruction as written (its lines joined), keeping the case of `AS` and of the name. */
  source: string;
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
  /**
   * Variables used in `raw` that no global `ARG` declares: BuildKit makes them empty (and so
   * does `resolved`: `FROM alpine$TAG` is `alpine`), and `docker build --check` warns (UndefinedArgInFrom).
   */
  undefined_variables: string[];
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
  /** Shell commands of a shell-form `RUN` (and of its heredoc scripts), split per command; [] when `shell` is not a POSIX shell. */
  commands: ShellCommand[];
  /**
   * The `SHELL` in effect, which shell-form `RUN`, `CMD` and `ENTRYPOINT` run with: `["/bin/sh", "-c"]`
   * unless a `SHELL` before it in the stage (or in the stage it is built `FROM`) says otherwise;
   * `["cmd", "/S", "/C"]` when the stage's platform or base image is Windows.
   */
  shell: string[];
  /** `COPY` and `ADD` only (absent on other keywords): what is copied where, as BuildKit reads it. */
  copy?: CopyFacts;
  /** Set (true) on the instruction an `ONBUILD` carries: `ONBUILD RUN …` is a `RUN` on the ONBUILD's lines. */
  onbuild?: true;
  /**
   * ShellCheck's findings on a shell-form `RUN` (its command line and heredoc scripts) when its
   * shell is sh, bash, dash or ksh; absent when ShellCheck did not run (not installed, other shells).
   */
  shellcheck?: ShellCheckFinding[];
  /** The instruction's source text, lines `line`..`end_line` exactly: fixes replace it. */
  source: string;
}

/**
 * The build context's ignore file (src/facts/dockerignore.ts), read where BuildKit reads it
 * for a context that is the Dockerfile's folder: `<Dockerfile name>.dockerignore` beside the
 * Dockerfile, else `.dockerignore` there.
 */
export interface DockerignoreFacts {
  /** Repository-relative path of the file read. */
  path: string;
  /** Its patterns as Docker reads them (comments dropped, cleaned, a leading `/` removed; `!` exceptions kept). */
  patterns: string[];
  /** Why it could not be used (unreadable, too large, a pattern Docker refuses), with `patterns` empty; else null. */
  error: string | null;
}

/**
 * The sources and destination of a `COPY` or `ADD`, split as BuildKit's `parseSourcesAndDest`
 * does: the last word is the destination, a `<<NAME` word is an inline here-document (its
 * body is in `heredocs`, written to a file of that name), every other word a path or URL.
 */
export interface CopyFacts {
  /** Paths, patterns and URLs as written (quotes kept, variables unexpanded); no `<<NAME` markers. */
  sources: string[];
  /** Names of the here-documents copied, in order: inline text, never a file of the context. */
  heredoc_sources: string[];
  /** The destination as written; null when the instruction names fewer than two arguments. */
  destination: string | null;
  /**
   * The `sources` the build context's `.dockerignore` excludes (src/facts/dockerignore.ts), so
   * BuildKit never sends them; absent when no `.dockerignore` was read for this Dockerfile.
   */
  ignored?: string[];
}

/** One ShellCheck finding (src/facts/shellcheck.ts), placed on the Dockerfile's lines and columns. */
export interface ShellCheckFinding {
  /** ShellCheck's code, e.g. `SC2086`; `limit` when ShellCheck could not analyse the RUN within its time or memory limit. */
  code: string;
  level: 'error' | 'warning' | 'info' | 'style';
  message: string;
  /** 1-based Dockerfile line and column (a tab is one column) where the finding starts and ends. */
  line: number;
  column: number;
  end_line: number;
  end_column: number;
}

/**
 * One simple command of a shell-form `RUN`: the words a program receives, and where it was
 * written. src/targets/dockerfile/shell.ts splits them.
 */
export interface ShellCommand {
  /** Words after quote removal, without leading `VAR=value` assignments and redirections. */
  argv: string[];
  /** Leading `VAR=value` assignments, e.g. `DEBIAN_FRONTEND=noninteractive`. */
  assignments: string[];
  /** The command as written (continuations folded), for messages and fixes. */
  text: string;
  /** 1-based line of the command's first word. */
  line: number;
  /** Commands joined by `|` share a pipeline number; `&&`, `||`, `;` and newlines start a new one. */
  pipeline: number;
  /** 0-based position inside the pipeline: `curl … | sh` has curl at 0 and sh at 1. */
  position: number;
}

/**
 * What building the Dockerfile at the pull request's head (and at its merge base) and
 * scanning the images showed. Gathered before policy evaluation by src/facts/image-facts.ts;
 * judged by policies/build/. Secret values never appear: names and verdicts only.
 */
export interface ImageFacts extends BuiltImageFacts {
  /**
   * `built`: built (and scanned, unless `scan_error`); `awaiting_approval`: untrusted code
   * not built until a maintainer approves; `failed`, `timed_out`: the build did not finish.
   */
  status: 'built' | 'awaiting_approval' | 'failed' | 'timed_out';
  /** Whether this head needed a maintainer's approval to be built, and whether it has it. */
  approval: {
    required: boolean;
    approved: boolean;
    /** The label that approves a build of this head commit. */
    label: string | null;
    /** Why approval is required: `fork`, `author_without_write_access`; null when not required. */
    reason: string | null;
  };
  /** `buildah`, `docker-buildx`; null when nothing was built. */
  builder: string | null;
  scanner: { name: string; version: string | null; database: string | null } | null;
  /** The same facts for the merge base; null when the Dockerfile is new or the base was not built. */
  base: BuiltImageFacts | null;
  /** Head minus base; null without a built base. */
  delta: { size: number; layers: number } | null;
}

/** One built image: its configuration, history and vulnerabilities. */
export interface BuiltImageFacts {
  built: boolean;
  /** Why the image is not there (build failure, timeout, awaiting approval); null when built. */
  error: string | null;
  /** The end of the build log on failure, secrets redacted; null otherwise. */
  log_excerpt: string | null;
  /** The image id (`sha256:` of its config). */
  id: string | null;
  /** Bytes of the layers as the builder exported them (uncompressed for buildah). */
  size: number | null;
  layer_count: number | null;
  /** The config's `User`; an empty string means root. Null when not built. */
  user: string | null;
  /** The config's `Env` names, with whether the value looks like a secret; values are left out. */
  env: { name: string; secret: boolean; line: number | null }[];
  history: ImageHistoryFacts[];
  vulnerabilities: VulnerabilityFacts[];
  /** Why the scan failed (no database for an ecosystem, scanner error); null when it ran or nothing was built. */
  scan_error: string | null;
  /** Every layer, oldest first, with the Dockerfile line that made it and the bytes later layers throw away; [] when not built. */
  layers: ImageLayerFacts[];
  /**
   * dive's efficiency score, 0…1: over every path of every layer, the sum of each path's
   * smallest size over the sum of all its sizes (a file deleted later counts 0 at its
   * deletion). Null when not built or the layers could not be read (`layers_error`).
   */
  efficiency: number | null;
  /** Sum of the layers' `wasted_bytes`; null as `efficiency`. */
  wasted_bytes: number | null;
  /** Why the layers could not be read (a compression this Node cannot inflate); null otherwise. */
  layers_error: string | null;
  /** Compilers, build programs, `git` and package managers' caches present in the final filesystem. */
  build_tools: BuildToolFacts[];
  /** Packages the scanner found (OS: Debian, Alpine…; language: npm, PyPI, Go…); null without a scan. */
  packages_count: { total: number; os: number; language: number } | null;
}

/** One layer of a built image (src/scan/layers.ts reads them). */
export interface ImageLayerFacts {
  /** 0-based among the image's layers, oldest first. */
  index: number;
  /** The history step that added it; null when the history does not say. */
  history_index: number | null;
  /** The Dockerfile keyword (`RUN`, `COPY`…) of the step; null for base-image layers or when unknown. */
  instruction: string | null;
  line: number | null;
  end_line: number | null;
  in_base_image: boolean;
  /** Bytes of the layer as the builder exported it (uncompressed for buildah). */
  size: number;
  /** Bytes of files this layer adds that a later layer deletes (whiteout) or overwrites: they ship, unseen. */
  wasted_bytes: number;
  /** The later layer that deletes or overwrites most of those bytes; null when none does. */
  removed_by_layer: number | null;
  /** That layer's Dockerfile line; null when none or it has no line. */
  removed_at_line: number | null;
}

/** A build tool or cache in the final filesystem, with the line of the layer that put it there. */
export interface BuildToolFacts {
  /** Path in the image, from its root (`/usr/bin/gcc`). */
  path: string;
  /** `gcc`, `make`, `git`, `apt cache`… */
  tool: string;
  kind: 'compiler' | 'build' | 'vcs' | 'package-cache';
  bytes: number;
  layer_index: number;
  line: number | null;
  in_base_image: boolean;
}

export interface ImageHistoryFacts {
  index: number;
  /** `created_by` with secret-looking values replaced by `***`. */
  created_by: string;
  empty_layer: boolean;
  /** 0-based index of the layer the step added, among the image's layers; null for an empty step. */
  layer_index: number | null;
  /** The Dockerfile instruction that made this step; null for base-image steps or when unknown. */
  keyword: string | null;
  line: number | null;
  end_line: number | null;
  in_base_image: boolean;
  /** Names of build args or variables whose values in `created_by` look like secrets. */
  secrets: string[];
}

export interface VulnerabilityFacts {
  id: string;
  aliases: string[];
  summary: string | null;
  package: { name: string; version: string; ecosystem: string; source_package: string };
  /** `CRITICAL`, `HIGH`, `MEDIUM`, `LOW` or `UNKNOWN`: from the CVSS score, else the advisory's word. */
  severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';
  cvss_score: number | null;
  /** Null when no fixed version is known. */
  fixed_version: string | null;
  /** The step whose layer brought the package in, mapped to its Dockerfile line; null when unknown. */
  layer: {
    history_index: number;
    created_by: string;
    keyword: string | null;
    line: number | null;
    end_line: number | null;
    in_base_image: boolean;
  } | null;
  /**
   * Against the merge base: `introduced` (not in the base image), `unchanged`; in
   * `base.vulnerabilities`: `fixed` (gone from the head image) or `unchanged`.
   */
  status: 'introduced' | 'fixed' | 'unchanged';
}
