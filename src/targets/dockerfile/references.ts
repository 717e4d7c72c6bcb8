/**
 * Image references in Dockerfiles: each stage's base image (`FROM`, with global `ARG`
 * defaults substituted, as `docker build` does without `--build-arg`), and the images
 * `COPY --from=<image>` and `RUN --mount=…,from=<image>` read files from.
 */
import picomatch from 'picomatch';
import type { DockerfileFacts, DockerfileInstruction, DockerfileStage } from '../../input/policy-input.js';
import type { ImageReferenceSite, ReferenceExtractor } from '../extractor.js';
import { toSite } from '../extractor.js';
import { parseDockerfile } from './parse.js';
import { DOCKERFILE_EXCLUDED, DOCKERFILE_PATTERNS } from './patterns.js';

const excluded = picomatch(DOCKERFILE_EXCLUDED, { nocase: true, dot: true });

export const dockerfileReferenceExtractor: ReferenceExtractor = {
  kind: 'dockerfile',
  patterns: DOCKERFILE_PATTERNS,
  claims: (path) => !excluded(path.slice(path.lastIndexOf('/') + 1)),
  extract: extractDockerfileReferences,
};

export function extractDockerfileReferences(path: string, content: string): ImageReferenceSite[] {
  return dockerfileReferenceSites(path, parseDockerfile(content));
}

/** The references of an already parsed Dockerfile (the policy input parses once). */
export function dockerfileReferenceSites(path: string, { stages }: DockerfileFacts): ImageReferenceSite[] {
  const sites: ImageReferenceSite[] = [];
  for (const stage of stages) {
    const { base } = stage;
    if (base.stage === null && !base.scratch) {
      const at = {
        path,
        line: stage.line,
        kind: 'dockerfile' as const,
        field: 'FROM',
        ...(base.platform !== null ? { platform: base.platform } : {}),
      };
      const unresolved = base.unresolved_variables.length > 0 && base.error !== null;
      sites.push(
        toSite(at, base.raw, {
          reference: base.resolved,
          problem: unresolved ? { kind: 'unresolvable', message: base.error as string } : undefined,
        }),
      );
    }
    for (const instruction of stage.instructions) {
      for (const source of imageSources(instruction)) {
        if (namesStage(source.value, stages.slice(0, stage.index))) continue;
        const line = lineOf(instruction, `from=${source.value}`);
        sites.push(toSite({ path, line, kind: 'dockerfile', field: source.field }, source.value));
      }
    }
  }
  return sites;
}

/** The `--from` of a COPY and the `from=` of each RUN `--mount`: a stage or an image. */
function imageSources(instruction: DockerfileInstruction): { field: string; value: string }[] {
  const sources: { field: string; value: string }[] = [];
  for (const flag of instruction.flags) {
    if (flag.value === null) continue;
    if (instruction.keyword === 'COPY' && flag.name === 'from') {
      sources.push({ field: 'COPY --from', value: flag.value });
    } else if (instruction.keyword === 'RUN' && flag.name === 'mount') {
      const from = mountOption(flag.value, 'from');
      if (from !== null) sources.push({ field: 'RUN --mount from', value: from });
    }
  }
  return sources;
}

/** An option of a `--mount` value (`type=cache,from=builder,target=/x`); BuildKit reads keys case-insensitively. */
function mountOption(mount: string, name: string): string | null {
  for (const field of mount.split(',')) {
    const equals = field.indexOf('=');
    if (equals < 0) continue;
    if (field.slice(0, equals).trim().toLowerCase() === name) {
      return field
        .slice(equals + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
    }
  }
  return null;
}

/** A stage's index (`--from=0`) or the name of an earlier stage, compared case-insensitively as BuildKit does. */
function namesStage(value: string, earlier: readonly DockerfileStage[]): boolean {
  if (/^\d+$/.test(value)) return true;
  const name = value.toLowerCase();
  return earlier.some((stage) => stage.name === name);
}

/** The line of a continued instruction that holds `text`, for flags written after a line break. */
function lineOf(instruction: DockerfileInstruction, text: string): number {
  const offset = instruction.source.split('\n').findIndex((line) => line.includes(text));
  return instruction.line + Math.max(offset, 0);
}
