/**
 * `portcullis refs`: every image reference a repository writes down (Dockerfiles,
 * Kubernetes manifests, Compose files, workflows, Helm values, kustomizations), with the
 * line it is written on and the normalised reference, or why it has none.
 */
import { readWorkingFile, selectRepositoryPaths } from '../core/local-repository.js';
import { errorMessage } from '../errors.js';
import { decodeSourceText } from '../repository/source-file.js';
import { dockerfileReferenceExtractor } from '../targets/dockerfile/references.js';
import {
  type ImageReferenceSite,
  ReferenceExtractError,
  type ReferenceExtractor,
} from '../targets/extractor.js';
import { extractorFor, mayHoldReferences } from '../targets/references.js';
import { type CliCommand, EXIT, formatOption, parseOptions } from './command.js';
import { COMMAND_TABLE } from './command-table.js';
import { type FileLocation, locateFiles } from './locate.js';

/** A file that could not be read or parsed; `line` when the parser knows where. */
export interface ReferenceListingError {
  path: string;
  line?: number;
  message: string;
}

export interface ReferenceListing {
  refs: ImageReferenceSite[];
  errors: ReferenceListingError[];
}

export const refsCommand: CliCommand = {
  name: 'refs',
  async run(args, io) {
    const { values, positionals } = parseOptions(args, COMMAND_TABLE.refs.options);
    const format = formatOption(values.format, ['text', 'json']);
    const where = locateFiles(values.repo, positionals);
    const listing = shownPaths(await listReferences(where.root, where.paths), where.shown);
    io.stdout(
      format === 'json' ? JSON.stringify(jsonListing(listing), null, 2) : textListing(listing, io.color),
    );
    return EXIT.ok;
  },
};

/** The references of the repository's files, or of the given PATHs (files or folders), sorted by path and line. */
export async function listReferences(repo: string, paths: readonly string[]): Promise<ReferenceListing> {
  const files = await selectFiles(repo, paths);
  const results = await Promise.all([...files].map(([path, named]) => fileReferences(repo, path, named)));
  const byPath = (a: { path: string }, b: { path: string }) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
  return {
    refs: results.flatMap((r) => r.refs).sort((a, b) => byPath(a, b) || a.line - b.line),
    errors: results.flatMap((r) => r.errors).sort(byPath),
  };
}

/** Files named as the user names them from the current folder (see FileLocation). */
function shownPaths(listing: ReferenceListing, shown: FileLocation['shown']): ReferenceListing {
  if (!shown) return listing;
  return {
    refs: listing.refs.map((site) => ({ ...site, path: shown(site.path) })),
    errors: listing.errors.map((error) => ({ ...error, path: shown(error.path) })),
  };
}

/** Chosen as `check` chooses them (see selectRepositoryPaths): path → whether it was named. */
async function selectFiles(repo: string, paths: readonly string[]): Promise<Map<string, boolean>> {
  const selected = await selectRepositoryPaths(repo, paths, mayHoldReferences);
  return new Map([...selected].map(([path, { named }]) => [path, named]));
}

async function fileReferences(repo: string, path: string, named: boolean): Promise<ReferenceListing> {
  const failed = (message: string, line?: number | null): ReferenceListing => ({
    refs: [],
    errors: [{ path, ...(line ? { line } : {}), message }],
  });
  const bytes = await readWorkingFile(repo, path);
  if (!(bytes instanceof Uint8Array)) return failed(bytes.unavailable);
  const text = decodeSourceText(bytes);
  if (!text.ok) return failed(text.reason);
  const extractor = extractorFor(path, text.text) ?? (named ? namedFileExtractor(path) : null);
  // A YAML file found by the walk that is none of the formats is not an error: most YAML is not.
  if (!extractor) return named ? failed(NOT_A_REFERENCE_FILE) : { refs: [], errors: [] };
  try {
    return { refs: extractor.extract(path, text.text), errors: [] };
  } catch (error) {
    if (error instanceof ReferenceExtractError) return failed(error.message, error.line);
    return failed(`could not be read: ${errorMessage(error)}`);
  }
}

const NOT_A_REFERENCE_FILE =
  'not a Kubernetes manifest (no document with apiVersion and kind), nor by its name a Compose file, workflow, Helm values file or kustomization';

/**
 * A file named on the command line is read as a Dockerfile whatever its name, as `check`
 * does; except YAML, which is surely no Dockerfile.
 */
function namedFileExtractor(path: string): ReferenceExtractor | null {
  return /\.ya?ml$/i.test(path) ? null : dockerfileReferenceExtractor;
}

/** `{"refs": [{path, line, image, raw, kind, …}], "errors": […]}`: the documented keys first, in that order. */
export function jsonListing(listing: ReferenceListing) {
  return {
    refs: listing.refs.map((site) => ({
      path: site.path,
      line: site.line,
      image: site.image?.normalized ?? null,
      raw: site.raw,
      kind: site.kind,
      field: site.field,
      ...(site.platform !== undefined ? { platform: site.platform } : {}),
      problem: site.problem,
    })),
    errors: listing.errors,
  };
}

const STYLE = { invalid: '31', error: '31;1', unresolvable: '33', dim: '2' } as const;

/** `path:line  kind  image  (raw if different)`, aligned, then the errors and a count. */
export function textListing(listing: ReferenceListing, color: boolean): string {
  const paint = (style: keyof typeof STYLE, text: string) =>
    color ? `\u001b[${STYLE[style]}m${text}\u001b[0m` : text;
  const where = (entry: { path: string; line?: number }) =>
    entry.line !== undefined ? `${entry.path}:${entry.line}` : entry.path;
  const width = Math.max(0, ...[...listing.refs, ...listing.errors].map((entry) => where(entry).length));
  const out = listing.refs.map((site) => {
    const head = `${where(site).padEnd(width)}  ${site.kind.padEnd(10)}`;
    if (site.problem)
      return `${head}  ${paint(site.problem.kind, site.problem.kind)}  ${site.problem.message}`;
    const normalized = site.image?.normalized ?? '';
    return `${head}  ${normalized}${site.raw !== normalized ? `  ${paint('dim', `(${site.raw})`)}` : ''}`;
  });
  for (const error of listing.errors) {
    out.push(`${where(error).padEnd(width)}  ${paint('error', 'error'.padEnd(10))}  ${error.message}`);
  }
  const count = (kind: string) => listing.refs.filter((s) => s.problem?.kind === kind).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (out.length > 0) out.push('');
  out.push(
    `${plural(listing.refs.length, 'image reference')}: ${count('unresolvable')} unresolvable, ${count('invalid')} invalid; ${plural(listing.errors.length, 'file error')}`,
  );
  return out.join('\n');
}
