/**
 * `portcullis scan`: the vulnerabilities of one image, from an archive (docker-archive or
 * oci-archive) or pulled from its registry, against the local OSV database. With
 * `--dockerfile`, each vulnerability points at the Dockerfile line that brought it in.
 * Exit 1 when a critical or high vulnerability has a fix (what PC-BLD-001 denies when a
 * change introduces one), 0 otherwise, 2 when the image cannot be read or scanned.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage } from '../errors.js';
import { parseImageReference } from '../image/reference.js';
import type { BuiltImageFacts, VulnerabilityFacts } from '../input/policy-input.js';
import { readOperatorFile } from '../operator-file.js';
import { registryClientFromEnv } from '../registry/client.js';
import { plainLine, workflowSafe } from '../report/plain-text.js';
import { MAX_TARGET_BYTES } from '../repository/source-file.js';
import { readImageArchive } from '../scan/archive.js';
import { describeImage } from '../scan/describe.js';
import { analyseLayers } from '../scan/layers.js';
import { flatVulnerability } from '../scan/osv-output.js';
import { OsvScanner } from '../scan/osv-scanner.js';
import { pullImageArchive } from '../scan/registry-image.js';
import { ScanError, type ScannedPackage } from '../scan/scanner.js';
import { settings } from '../settings.js';
import { parseDockerfile } from '../targets/dockerfile/parse.js';
import { type CliCommand, EXIT, formatOption, parseOptions, UsageError } from './command.js';
import { COMMAND_TABLE } from './command-table.js';

export const scanCommand: CliCommand = {
  name: 'scan',
  async run(args, io) {
    const { values, positionals } = parseOptions(args, COMMAND_TABLE.scan.options);
    const format = formatOption(values.format, ['text', 'json']);
    const [subject, ...extra] = positionals;
    if (!subject || extra.length > 0) throw new UsageError('scan takes one ARCHIVE or IMAGE');
    const database = values['offline-db'] ?? values.db ?? settings().osvDb ?? null;
    if (!database)
      throw new UsageError('no vulnerability database: pass --offline-db DIR or set PORTCULLIS_OSV_DB');
    const dockerfile = values.dockerfile ? parseDockerfile(readDockerfile(values.dockerfile)) : null;

    const work = mkdtempSync(join(tmpdir(), 'portcullis-cli-scan-'));
    try {
      let archive: string;
      const transport = /^(docker-archive|oci-archive):(.+)$/.exec(subject);
      if (transport) {
        const path = transport[2] as string;
        if (!existsSync(path) || !statSync(path).isFile())
          throw new UsageError(`${transport[1]}: ${path} is not a file`);
        archive = path;
      } else if (existsSync(subject) && statSync(subject).isFile()) {
        archive = subject;
      } else {
        const parsed = parseImageReference(subject);
        if (!parsed.ok)
          throw new UsageError(`${subject} is neither a file nor an image reference: ${parsed.error}`);
        // The same time limits as check's look-ups and reference scans.
        const client = registryClientFromEnv(settings(), values['insecure-registry']);
        archive = join(work, 'image.tar');
        await pullImageArchive(
          client,
          parsed.reference,
          archive,
          values.platform ? { platform: values.platform } : {},
        );
      }
      const image = readImageArchive(archive);
      if (transport && image.format !== transport[1])
        throw new UsageError(`${transport[2]}: expected a ${transport[1]}, found an ${image.format}`);
      const scanner = new OsvScanner({ database });
      const scan = await scanner.scan(archive);
      // The same layer analysis as check --build: sizes, wasted bytes and efficiency per
      // layer; an unreadable layer is reported in the facts (layers_error), not fatal.
      const layers = await analyseLayers(archive, work).catch((error: unknown) => ({
        error: errorMessage(error),
      }));
      const facts = describeImage(image, scan, dockerfile, null, layers);
      const report = {
        subject,
        format: image.format,
        scanner: scan.scanner,
        packages: scan.package_count,
        packageList: scan.packages ?? [],
        os: image.config.os,
        architecture: image.config.architecture,
        image: facts,
      };
      io.stdout(
        format === 'json'
          ? JSON.stringify(jsonScan(report), null, 2)
          : workflowSafe(textScan(report, io.color)),
      );
      return facts.vulnerabilities.some(blocking) ? EXIT.deny : EXIT.ok;
    } catch (error) {
      if (error instanceof ScanError) {
        io.stderr(`portcullis: ${error.message}`);
        return EXIT.usage;
      }
      throw error;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};

/** The Dockerfile named with --dockerfile: a regular file no larger than a target file may be. */
function readDockerfile(path: string): string {
  try {
    return readOperatorFile(path, MAX_TARGET_BYTES).toString('utf8');
  } catch (error) {
    throw new Error(`--dockerfile ${path}: ${errorMessage(error)}`, { cause: error });
  }
}

interface ScanReport {
  subject: string;
  format: string;
  scanner: { name: string; version: string | null; database: string | null };
  packages: number;
  packageList: ScannedPackage[];
  os: string;
  architecture: string;
  image: BuiltImageFacts;
}

function blocking(v: VulnerabilityFacts): boolean {
  return (v.severity === 'CRITICAL' || v.severity === 'HIGH') && v.fixed_version !== null;
}

/**
 * The contract: `{image: {digest, os, size, …}, packages: [...], vulnerabilities: [{id,
 * aliases, package, installed_version, fixed_version, severity, layer, …}]}`, those keys
 * first and in that order; extra keys after them. `image.digest` is the config digest (the
 * image id), which every archive has; a docker-archive has no manifest digest.
 */
function jsonScan(report: ScanReport) {
  const { vulnerabilities, ...image } = report.image;
  return {
    image: {
      digest: image.id,
      os: report.os,
      size: image.size,
      architecture: report.architecture,
      id: image.id,
      format: report.format,
      layer_count: image.layer_count,
      user: image.user,
      env: image.env,
      history: image.history,
      package_count: report.packages,
      layers: image.layers,
      efficiency: image.efficiency,
      wasted_bytes: image.wasted_bytes,
      layers_error: image.layers_error,
      build_tools: image.build_tools,
    },
    packages: report.packageList,
    vulnerabilities: vulnerabilities.map((v) => ({
      // The contract's keys first, in its order.
      ...flatVulnerability(v),
      layer: v.layer,
      ecosystem: v.package.ecosystem,
      source_package: v.package.source_package,
      summary: v.summary,
      cvss_score: v.cvss_score,
      line: v.layer?.line ?? null,
    })),
    subject: report.subject,
    scanner: report.scanner,
  };
}

const ORDER = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];
const COLOR: Record<string, string> = { CRITICAL: '31;1', HIGH: '31', MEDIUM: '33', LOW: '2', UNKNOWN: '2' };

function textScan(report: ScanReport, color: boolean): string {
  const paint = (style: string | undefined, text: string) =>
    color && style ? `\u001b[${style}m${text}\u001b[0m` : text;
  const { image } = report;
  const sorted = [...image.vulnerabilities].sort(
    (a, b) =>
      ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity) || a.package.name.localeCompare(b.package.name),
  );
  // Every cell and name comes from the image, its database or the command line: escaped
  // before the columns are measured, so no escape sequence or line break reaches a terminal.
  const rows = sorted.map((v) =>
    [
      v.severity,
      v.id,
      `${v.package.name} ${v.package.version}`,
      v.fixed_version ?? '(no fix)',
      v.layer?.line
        ? `line ${v.layer.line} (${v.layer.keyword})`
        : v.layer?.in_base_image
          ? 'base image'
          : v.layer
            ? `step ${v.layer.history_index}`
            : '',
    ].map(plainLine),
  );
  const widths = [0, 1, 2, 3].map((i) => Math.max(0, ...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) =>
        i === 0
          ? paint(COLOR[cell], cell.padEnd(widths[0] ?? 0))
          : i < 4
            ? cell.padEnd(widths[i] ?? 0)
            : cell,
      )
      .join('  ')
      .trimEnd(),
  );
  const counts = ORDER.map((s) => [s, image.vulnerabilities.filter((v) => v.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s.toLowerCase()}`);
  const root = image.user === '' || /^(0|root)(:|$)/.test(image.user ?? '') ? ', runs as root' : '';
  const secrets = image.env.filter((e) => e.secret).map((e) => plainLine(e.name));
  return [
    `${plainLine(report.subject)}: ${(image.size ?? 0).toLocaleString('en')} bytes in ${image.layer_count} layers${root}; ${report.packages} packages`,
    ...(secrets.length > 0 ? [`secret-looking values in Env: ${secrets.join(', ')}`] : []),
    '',
    ...(lines.length > 0 ? lines : ['no known vulnerabilities']),
    '',
    `${image.vulnerabilities.length} vulnerabilities${counts.length > 0 ? `: ${counts.join(', ')}` : ''} (${plainLine(`${report.scanner.name} ${report.scanner.version ?? ''}`)})`.replace(
      ' )',
      ')',
    ),
  ].join('\n');
}
