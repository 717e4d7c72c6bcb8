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
import type { ReferenceVulnerability } from '../input/policy-input.js';
import { type JsonSchema, parseJson } from '../schema/parse-json.js';
import { type ScannedPackage, type ScannedVulnerability, type Severity, severityOfScore } from './scanner.js';

/**
 * The part of the report read here. Fields osv-scanner leaves out for some packages are
 * optional (such a package is skipped, or the value unknown); a field of the wrong type is
 * a report we cannot read, and an error.
 */
interface OsvReport {
  results: {
    packages?: {
      package: {
        name?: string;
        version?: string;
        ecosystem?: string;
        os_package_name?: string;
        image_origin_details?: { index?: number };
      };
      vulnerabilities?: OsvRecord[];
      groups?: { ids: string[]; aliases?: string[]; max_severity?: string }[];
    }[];
  }[];
}

/** An OSV record (https://ossf.github.io/osv-schema/), the fields read here. */
interface OsvRecord {
  id: string;
  aliases?: string[];
  summary?: string;
  affected?: {
    package?: { name?: string; ecosystem?: string };
    ranges?: { type: string; events: { fixed?: string }[] }[];
    ecosystem_specific?: SeverityWords;
    database_specific?: SeverityWords;
  }[];
  severity?: { type: string; score: string }[];
  database_specific?: SeverityWords;
}

/** Free-form in OSV; a word here is only a hint, so anything else is ignored rather than refused. */
type SeverityWords = { severity?: unknown; urgency?: unknown };

const STRING = { type: 'string' };
const STRINGS = { type: 'array', items: STRING };
const OBJECT = { type: 'object' };
const OSV_RECORD = {
  type: 'object',
  required: ['id'],
  properties: {
    id: STRING,
    aliases: STRINGS,
    summary: STRING,
    affected: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          package: { type: 'object', properties: { name: STRING, ecosystem: STRING } },
          ranges: {
            type: 'array',
            items: {
              type: 'object',
              required: ['type', 'events'],
              properties: {
                type: STRING,
                events: { type: 'array', items: { type: 'object', properties: { fixed: STRING } } },
              },
            },
          },
          ecosystem_specific: OBJECT,
          database_specific: OBJECT,
        },
      },
    },
    severity: {
      type: 'array',
      items: { type: 'object', required: ['type', 'score'], properties: { type: STRING, score: STRING } },
    },
    database_specific: OBJECT,
  },
};
/** Exported for scripts/generate-validators.mjs, which precompiles it. */
export const OSV_REPORT: JsonSchema<OsvReport> = {
  type: 'object',
  required: ['results'],
  properties: {
    results: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          packages: {
            type: 'array',
            items: {
              type: 'object',
              required: ['package'],
              properties: {
                package: {
                  type: 'object',
                  properties: {
                    name: STRING,
                    version: STRING,
                    ecosystem: STRING,
                    os_package_name: STRING,
                    image_origin_details: { type: 'object', properties: { index: { type: 'integer' } } },
                  },
                },
                vulnerabilities: { type: 'array', items: OSV_RECORD },
                groups: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['ids'],
                    properties: { ids: STRINGS, aliases: STRINGS, max_severity: STRING },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

/** Parses the report osv-scanner wrote; `source` names it in the error when it has another shape. */
export function parseOsvReport(
  text: string,
  source: string,
): {
  packages: number;
  /** Every package found, vulnerable or not, in the scanner's order. */
  packageList: ScannedPackage[];
  vulnerabilities: ScannedVulnerability[];
} {
  const report = parseJson<OsvReport>(text, OSV_REPORT, source);
  let packages = 0;
  const packageList: ScannedPackage[] = [];
  const out: ScannedVulnerability[] = [];
  for (const result of report.results) {
    for (const entry of result.packages ?? []) {
      packages++;
      const pkg = entry.package;
      const source = pkg.name;
      const version = pkg.version;
      const ecosystem = pkg.ecosystem;
      if (!source || version === undefined || !ecosystem) continue;
      packageList.push({
        name: pkg.os_package_name || source,
        version,
        ecosystem,
        source_package: source,
      });
      const index = pkg.image_origin_details?.index;
      const historyIndex = index !== undefined && index >= 0 ? index : null;
      const records = new Map((entry.vulnerabilities ?? []).map((v) => [v.id, v]));
      for (const group of entry.groups ?? []) {
        const ids = group.ids;
        const [id] = ids;
        if (!id) continue;
        const groupRecords = ids.flatMap((i) => records.get(i) ?? []);
        const score = Number.parseFloat(group.max_severity ?? '');
        const cvss = Number.isFinite(score) && score > 0 ? score : null;
        out.push({
          id,
          aliases: [...new Set([...(group.aliases ?? []), ...groupRecords.flatMap((r) => r.aliases ?? [])])]
            .filter((alias) => alias !== id)
            .sort(),
          summary: groupRecords.map((r) => r.summary).find((s) => s) ?? null,
          package: {
            name: pkg.os_package_name || source,
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
function fixedVersion(records: OsvRecord[], name: string, ecosystem: string): string | null {
  const fixed: string[] = [];
  for (const record of records) {
    for (const affected of record.affected ?? []) {
      if (affected.package?.name !== name) continue;
      const affectedEcosystem = affected.package.ecosystem ?? '';
      if (affectedEcosystem !== ecosystem && affectedEcosystem !== ecosystem.split(':')[0]) continue;
      for (const range of affected.ranges ?? []) {
        if (range.type === 'GIT') continue;
        for (const event of range.events) {
          const value = event.fixed;
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
function textSeverity(records: OsvRecord[], name: string): Severity {
  const order: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
  let best: Severity = 'UNKNOWN';
  const consider = (value: unknown) => {
    const found = typeof value === 'string' ? TEXT_SEVERITY[value.toLowerCase()] : undefined;
    if (found && (best === 'UNKNOWN' || order.indexOf(found) < order.indexOf(best))) best = found;
  };
  for (const record of records) {
    consider(record.database_specific?.severity);
    for (const affected of record.affected ?? []) {
      if (affected.package?.name !== name) continue;
      for (const specific of [affected.ecosystem_specific, affected.database_specific]) {
        consider(specific?.severity);
        consider(specific?.urgency);
      }
    }
    for (const severity of record.severity ?? []) {
      if (severity.type === 'Ubuntu') consider(severity.score);
    }
  }
  return best;
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
