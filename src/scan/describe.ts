/**
 * A built (or pulled) image as policy facts: the archive's config and history, the
 * scanner's findings, and the Dockerfile that built it, joined so that every
 * vulnerability knows the instruction whose layer brought its package in.
 */
import type {
  BuiltImageFacts,
  DockerfileFacts,
  ImageLayerFacts,
  VulnerabilityFacts,
} from '../input/policy-input.js';
import type { ArchiveImage } from './archive.js';
import { entryForLayer, type MappedHistoryEntry, mapHistory, stageChain, targetStage } from './history.js';
import type { LayerAnalysis } from './layers.js';
import type { ScannedPackage, ScanResult } from './scanner.js';
import { secretKind } from './secrets.js';

export function describeImage(
  archive: ArchiveImage,
  scan: ScanResult | { error: string },
  dockerfile: DockerfileFacts | null,
  target: string | null = null,
  layers: LayerAnalysis | { error: string } | null = null,
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
    ...layerFacts(archive, history, layers),
    packages_count: 'error' in scan ? null : packagesCount(scan),
  };
}

function layerFacts(
  archive: ArchiveImage,
  history: MappedHistoryEntry[],
  analysis: LayerAnalysis | { error: string } | null,
): Pick<BuiltImageFacts, 'layers' | 'efficiency' | 'wasted_bytes' | 'layers_error' | 'build_tools'> {
  const read = analysis && !('error' in analysis) ? analysis : null;
  const stepOf = (index: number) => entryForLayer(history, index);
  const layers: ImageLayerFacts[] = archive.layers.map((layer, index) => {
    const step = stepOf(index);
    const waste = read?.layers[index];
    const removedBy = waste?.removed_by ?? null;
    return {
      index,
      history_index: step?.index ?? null,
      instruction: step?.keyword ?? null,
      line: step?.line ?? null,
      end_line: step?.end_line ?? null,
      in_base_image: step?.in_base_image ?? false,
      size: layer.size,
      wasted_bytes: waste?.wasted_bytes ?? 0,
      removed_by_layer: removedBy,
      removed_at_line: removedBy === null ? null : (stepOf(removedBy)?.line ?? null),
    };
  });
  return {
    layers,
    efficiency: read ? read.efficiency : null,
    wasted_bytes: read ? read.wasted_bytes : null,
    layers_error: analysis && 'error' in analysis ? analysis.error : null,
    build_tools: (read?.build_tools ?? []).map((tool) => {
      const step = stepOf(tool.layer_index);
      return {
        path: `/${tool.path}`,
        tool: tool.tool,
        kind: tool.kind,
        bytes: tool.bytes,
        layer_index: tool.layer_index,
        line: step?.line ?? null,
        in_base_image: step?.in_base_image ?? false,
      };
    }),
  };
}

/**
 * OSV ecosystems of operating-system packages (osv-scanner's OS extractors); every other
 * ecosystem (npm, PyPI, Go, Maven, crates.io…) is a language's.
 */
const OS_ECOSYSTEMS =
  /^(alpine|debian|ubuntu|wolfi|chainguard|red hat|rocky linux|almalinux|suse|opensuse|sles|photon os|mageia|azure linux|cbl-mariner|openeuler|amazon linux|oracle linux|centos|fedora|arch linux|minimos)\b/i;

function packagesCount(scan: ScanResult): BuiltImageFacts['packages_count'] {
  const packages: ScannedPackage[] = scan.packages ?? [];
  const os = packages.filter((p) => OS_ECOSYSTEMS.test(p.ecosystem)).length;
  // The scanner may count packages it does not list: the total is its count.
  const total = Math.max(scan.package_count, packages.length);
  return { total, os, language: total - os };
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
    layers: [],
    efficiency: null,
    wasted_bytes: null,
    layers_error: null,
    build_tools: [],
    packages_count: null,
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
