/**
 * osv-scanner's JSON report (`--format json`, v2) → ScannedVulnerability[]: one entry per
 * vulnerability (osv-scanner's group of aliased ids) and package. Validated here, at the
 * boundary, so nothing past it trusts the scanner's shape.
 *
 * Where osv-scanner puts things (v2.5):
 * - `results[].packages[].package`: `name` is the source package the advisory names
 *   (`openssl`), `os_package_name` the installed one (`libcrypto3`), `ecosystem` with release
 *   (`Alpine:v3.19`), `image_origin_details.index` the history entry (empty steps counted)
 *   whose layer added the package;
 * - `groups[]`: ids that are the same vulnerability, their aliases and `max_severity`, the
 *   highest CVSS base score as text ("9.8", or "" when no record has a vector);
 * - `vulnerabilities[]`: the OSV records, for fixed versions, summaries and severities that
 *   are not CVSS (GHSA `database_specific.severity`, Debian/Ubuntu urgency).
 */
import type { ReferenceVulnerability } from '../policy/input.js';
import { isObject } from '../registry/manifest.js';
import { type ScannedPackage, type ScannedVulnerability, type Severity, severityOfScore } from './scanner.js';

type Json = Record<string, unknown>;

export function normaliseOsvReport(report: unknown): {
  packages: number;
  /** Every package found, vulnerable or not, in the scanner's order. */
  packageList: ScannedPackage[];
  vulnerabilities: ScannedVulnerability[];
} {
  if (!isObject(report) || !Array.isArray(report.results)) {
    throw new Error('osv-scanner printed JSON without a "results" list');
  }
  let packages = 0;
  const packageList: ScannedPackage[] = [];
  const out: ScannedVulnerability[] = [];
  for (const result of report.results.filter(isObject)) {
    for (const entry of array(result.packages)) {
      packages++;
      const pkg = isObject(entry.package) ? entry.package : {};
      const source = str(pkg.name);
      const version = str(pkg.version);
      const ecosystem = str(pkg.ecosystem);
      if (!source || version === null || !ecosystem) continue;
      packageList.push({
        name: str(pkg.os_package_name) || source,
        version,
        ecosystem,
        source_package: source,
      });
      const origin = isObject(pkg.image_origin_details) ? pkg.image_origin_details : {};
      const historyIndex = typeof origin.index === 'number' && origin.index >= 0 ? origin.index : null;
      const records = new Map(array(entry.vulnerabilities).map((v) => [str(v.id) ?? '', v]));
      for (const group of array(entry.groups)) {
        const ids = strings(group.ids);
        const [id] = ids;
        if (!id) continue;
        const groupRecords = ids.flatMap((i) => (records.has(i) ? [records.get(i) as Json] : []));
        const score = Number.parseFloat(str(group.max_severity) ?? '');
        const cvss = Number.isFinite(score) && score > 0 ? score : null;
        out.push({
          id,
          aliases: [
            ...new Set([...strings(group.aliases), ...groupRecords.flatMap((r) => strings(r.aliases))]),
          ]
            .filter((alias) => alias !== id)
            .sort(),
          summary: groupRecords.map((r) => str(r.summary)).find((s) => s) ?? null,
          package: {
            name: str(pkg.os_package_name) || source,
            version,
            ecosystem,
            source_package: source,
          },
          severity: cvss !== null ? severityOfScore(cvss) : textSeverity(groupRecords, source),
          cvss_score: cvss,
          fixed_version: fixedVersion(groupRecords, source, ecosystem),
          history_index: historyIndex,
        });
      }
    }
  }
  out.sort(
    (a, b) =>
      a.package.name.localeCompare(b.package.name) ||
      a.id.localeCompare(b.id) ||
      a.package.version.localeCompare(b.package.version),
  );
  return { packages, packageList, vulnerabilities: out };
}

/**
 * The first fixed version in the records' ranges for this package. With several ranges
 * (backports), the version that fixes the range the installed version is in cannot be told
 * without the ecosystem's version ordering: the last `fixed` listed is taken, which OSV
 * exporters write in ascending order.
 */
function fixedVersion(records: Json[], name: string, ecosystem: string): string | null {
  const fixed: string[] = [];
  for (const record of records) {
    for (const affected of array(record.affected)) {
      const pkg = isObject(affected.package) ? affected.package : {};
      if (str(pkg.name) !== name) continue;
      const affectedEcosystem = str(pkg.ecosystem) ?? '';
      if (affectedEcosystem !== ecosystem && affectedEcosystem !== ecosystem.split(':')[0]) continue;
      for (const range of array(affected.ranges)) {
        if (range.type === 'GIT') continue;
        for (const event of array(range.events)) {
          const value = str(event.fixed);
          if (value) fixed.push(value);
        }
      }
    }
  }
  return fixed.length > 0 ? (fixed[fixed.length - 1] as string) : null;
}

const TEXT_SEVERITY: Record<string, Severity> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  important: 'HIGH',
  moderate: 'MEDIUM',
  medium: 'MEDIUM',
  low: 'LOW',
  negligible: 'LOW',
  unimportant: 'LOW',
};

/** A severity written as a word: GHSA's `database_specific.severity`, Debian's urgency, Ubuntu's priority. */
function textSeverity(records: Json[], name: string): Severity {
  const order: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
  let best: Severity = 'UNKNOWN';
  const consider = (value: unknown) => {
    const found = typeof value === 'string' ? TEXT_SEVERITY[value.toLowerCase()] : undefined;
    if (found && (best === 'UNKNOWN' || order.indexOf(found) < order.indexOf(best))) best = found;
  };
  for (const record of records) {
    if (isObject(record.database_specific)) consider(record.database_specific.severity);
    for (const affected of array(record.affected)) {
      const pkg = isObject(affected.package) ? affected.package : {};
      if (str(pkg.name) !== name) continue;
      for (const specific of [affected.ecosystem_specific, affected.database_specific]) {
        if (!isObject(specific)) continue;
        consider(specific.severity);
        consider(specific.urgency);
      }
    }
    for (const severity of array(record.severity)) {
      if (severity.type === 'Ubuntu') consider(severity.score);
    }
  }
  return best;
}

function array(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A vulnerability as the `scan` JSON and the referenced-image facts list it: package name, installed and fixed versions. */
export function flatVulnerability(
  v: Pick<ScannedVulnerability, 'id' | 'aliases' | 'package' | 'fixed_version' | 'severity'>,
): ReferenceVulnerability {
  return {
    id: v.id,
    aliases: v.aliases,
    package: v.package.name,
    installed_version: v.package.version,
    fixed_version: v.fixed_version,
    severity: v.severity,
  };
}
