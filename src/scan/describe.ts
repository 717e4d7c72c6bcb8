/**
 * A built (or pulled) image as policy facts: the archive's config and history, the
 * scanner's findings, and the Dockerfile that built it, joined so that every
 * vulnerability knows the instruction whose layer brought its package in.
 */
import type { BuiltImageFacts, DockerfileFacts, VulnerabilityFacts } from '../input/policy-input.js';
import type { ArchiveImage } from './archive.js';
import { mapHistory, stageChain, targetStage } from './history.js';
import type { ScanResult } from './scanner.js';
import { secretKind } from './secrets.js';

export function describeImage(
  archive: ArchiveImage,
  scan: ScanResult | { error: string },
  dockerfile: DockerfileFacts | null,
  target: string | null = null,
): BuiltImageFacts {
  const history = mapHistory(archive.config.history, dockerfile, target);
  const envLines = dockerfile ? envLinesOf(dockerfile, target) : new Map<string, number>();
  const vulnerabilities: VulnerabilityFacts[] =
    'error' in scan
      ? []
      : scan.vulnerabilities.map((v) => {
          const step = v.history_index === null ? undefined : history[v.history_index];
          return {
            id: v.id,
            aliases: v.aliases,
            summary: v.summary,
            package: v.package,
            severity: v.severity,
            cvss_score: v.cvss_score,
            fixed_version: v.fixed_version,
            layer: step
              ? {
                  history_index: step.index,
                  created_by: step.created_by,
                  keyword: step.keyword,
                  line: step.line,
                  end_line: step.end_line,
                  in_base_image: step.in_base_image,
                }
              : null,
            status: 'introduced',
          };
        });
  return {
    built: true,
    error: null,
    log_excerpt: null,
    id: archive.id,
    size: archive.size,
    layer_count: archive.layers.length,
    user: archive.config.user ?? '',
    env: archive.config.env.map((entry) => {
      const equals = entry.indexOf('=');
      const name = equals < 0 ? entry : entry.slice(0, equals);
      const value = equals < 0 ? '' : entry.slice(equals + 1);
      return { name, secret: secretKind(name, value) !== null, line: envLines.get(name) ?? null };
    }),
    history,
    vulnerabilities,
    scan_error: 'error' in scan ? scan.error : null,
  };
}

/** Facts of an image that was not built, with the reason (and the log's end). */
export function notBuilt(error: string, logExcerpt: string | null = null): BuiltImageFacts {
  return {
    built: false,
    error,
    log_excerpt: logExcerpt,
    id: null,
    size: null,
    layer_count: null,
    user: null,
    env: [],
    history: [],
    vulnerabilities: [],
    scan_error: null,
  };
}

/** The line of the last ENV (or ARG, which buildah and BuildKit also export) setting each name in the built stage's chain. */
function envLinesOf(dockerfile: DockerfileFacts, target: string | null): Map<string, number> {
  const lines = new Map<string, number>();
  const stage = targetStage(dockerfile, target);
  if (!stage) return lines;
  for (const s of stageChain(dockerfile, stage)) {
    for (const instruction of s.instructions) {
      if (instruction.keyword !== 'ENV') continue;
      for (const property of instruction.properties) lines.set(property.name, property.line);
    }
  }
  return lines;
}
