/**
 * The one interface every format's extractor implements, what it returns, and turning a
 * value found in a file into an `ImageReferenceSite`. Kept apart from `references.ts`,
 * which lists the extractors and so imports every one of them: the extractors import this.
 */
import { type ImageReference, parseImageReference } from '../image/reference.js';
import type { ReferenceFileKind } from '../input/policy-input.js';

/** Why a site has no image: a value only known where the file is used, or one that is not a reference. */
export interface ReferenceProblem {
  kind: 'unresolvable' | 'invalid';
  message: string;
}

/** Where a reference was found, before its value is judged. */
export interface SiteLocation {
  /** Repository-relative path with `/` separators. */
  path: string;
  /** 1-based line of the value (for a reference composed of several keys, the repository's). */
  line: number;
  kind: ReferenceFileKind;
  /** Where in the file, e.g. `spec.template.spec.containers[0].image`, `FROM`, `COPY --from`, `images[0]`. */
  field: string;
  /** The platform the file asks for (`FROM --platform=…`, Compose's `platform:`), when it says. */
  platform?: string;
}

/** One image reference as a file writes it, with the parsed image when it can be known. */
export interface ImageReferenceSite extends SiteLocation {
  /** The value as written (YAML-unquoted); for composed references (Helm, Kustomize) the composed text. */
  raw: string;
  /** The parsed reference; null exactly when `problem` is set. */
  image: ImageReference | null;
  problem: ReferenceProblem | null;
}

export interface ReferenceExtractor {
  kind: ReferenceFileKind;
  /** File globs, case-insensitive; without a slash they match the file name in any folder. */
  patterns: readonly string[];
  /** Content sniffing for patterns that are too broad (every `*.yaml` is not Kubernetes). */
  claims?(path: string, content: string): boolean;
  /** Throws `ReferenceExtractError` (with a line when known) on malformed input. */
  extract(path: string, content: string): ImageReferenceSite[];
}

/** A file an extractor cannot read (malformed YAML, hostile input); the message is for the user. */
export class ReferenceExtractError extends Error {
  override name = 'ReferenceExtractError';
  /** 1-based line of the problem, or null when it concerns the whole file. */
  readonly line: number | null;

  constructor(message: string, line: number | null = null) {
    super(message);
    this.line = line;
  }
}

export interface SiteOptions {
  /** The text to parse when it is not `raw` itself: `raw` without `docker://`, with ARG defaults substituted, composed from Helm's `repository`/`tag`… */
  reference?: string;
  /** A problem the extractor already knows of (a number where a string belongs, a tag left to the chart). */
  problem?: ReferenceProblem;
}

/**
 * The site of one image reference. A value that still holds a template expression or a
 * variable is `unresolvable`: its value is only known where the file is used, and a guess
 * would let a policy judge an image that never runs.
 */
export function toSite(at: SiteLocation, raw: string, options: SiteOptions = {}): ImageReferenceSite {
  const text = options.reference ?? raw;
  const problem = options.problem ?? unresolvedPart(text);
  if (problem) return { ...at, raw, image: null, problem };
  const parsed = parseImageReference(text);
  return parsed.ok
    ? { ...at, raw, image: parsed.reference, problem: null }
    : { ...at, raw, image: null, problem: { kind: 'invalid', message: parsed.error } };
}

// `$` and `{` are never part of a valid reference, so these cannot mistake a real image.
const GITHUB_EXPRESSION = /\$\{\{[\s\S]*?\}\}/;
const TEMPLATE_EXPRESSION = /\{\{[\s\S]*?\}\}/;
const VARIABLE = /\$(?:\{[^{}]*\}|[A-Za-z_][A-Za-z0-9_]*)/;

function unresolvedPart(text: string): ReferenceProblem | null {
  const expression = GITHUB_EXPRESSION.exec(text);
  if (expression) {
    return {
      kind: 'unresolvable',
      message: `"${text}" uses the GitHub Actions expression ${expression[0]}, known only when the workflow runs`,
    };
  }
  const template = TEMPLATE_EXPRESSION.exec(text);
  if (template) {
    return {
      kind: 'unresolvable',
      message: `"${text}" uses the template expression ${template[0]}, known only when the template is rendered`,
    };
  }
  const variable = VARIABLE.exec(text);
  if (variable) {
    return {
      kind: 'unresolvable',
      message: `"${text}" uses the variable ${variable[0]}, which has no value here`,
    };
  }
  return null;
}
