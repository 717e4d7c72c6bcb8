/**
 * The Scanner seam: an image archive in, the vulnerable packages found in it out, each
 * with the history entry of the layer it came from. One real implementation
 * (osv-scanner.ts); the facts code and the CLI only know this interface.
 */

/** The SBOM formats a scanner reads instead of an image (the JSON form of each). */
export type SbomFormat = 'spdx' | 'cyclonedx';

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';

export interface ScannedPackage {
  /** The installed (binary) package: `libcrypto3`. */
  name: string;
  version: string;
  /** OSV ecosystem with release, e.g. `Alpine:v3.19`, `Debian:12`. */
  ecosystem: string;
  /** The source package vulnerability databases track: `openssl` for `libcrypto3`. */
  source_package: string;
}

export interface ScannedVulnerability {
  /** The advisory id the database files it under (`ALPINE-CVE-2024-0001`, `GHSA-…`). */
  id: string;
  /** Other ids of the same vulnerability (`CVE-2024-0001`), sorted. */
  aliases: string[];
  summary: string | null;
  package: ScannedPackage;
  severity: Severity;
  /** The highest CVSS base score the records give, when they give one. */
  cvss_score: number | null;
  /** The first version that fixes it; null when no fix is known. */
  fixed_version: string | null;
  /** 0-based index in the image's history of the step whose layer added the package; null when unknown. */
  history_index: number | null;
}

export interface ScanResult {
  scanner: { name: string; version: string | null; database: string | null };
  /** How many packages the scanner found, vulnerable or not. */
  package_count: number;
  /** The packages themselves, when the scanner lists them. */
  packages?: ScannedPackage[];
  vulnerabilities: ScannedVulnerability[];
}

export interface ImageScanner {
  readonly name: string;
  /**
   * Scans a docker-archive or oci-archive. Throws ScanError when the scan cannot be
   * trusted (no database for an ecosystem the image uses, the scanner failed). `signal`
   * stops the scan (the App's check timed out or its process is stopping).
   */
  scan(archivePath: string, signal?: AbortSignal): Promise<ScanResult>;
  /**
   * Scans an SBOM document (SPDX or CycloneDX JSON) instead of an image: what a verified
   * SBOM attestation lists, without pulling the image. Same errors as `scan`.
   */
  scanSbom?(document: string, format: SbomFormat, signal?: AbortSignal): Promise<ScanResult>;
  /** The scanner's own version, when it tells. */
  version(): Promise<string | null>;
  /** Changes when the vulnerability data changes: part of the cache key of a scan. */
  databaseFingerprint(): string;
}

export class ScanError extends Error {
  constructor(
    message: string,
    readonly code: 'no_database' | 'scanner_failed' | 'scanner_missing' | 'timeout' | 'bad_archive',
  ) {
    super(message);
  }
}

/** CVSS v3 qualitative ratings (FIRST's table). */
export function severityOfScore(score: number | null): Severity {
  if (score === null || !Number.isFinite(score) || score <= 0) return 'UNKNOWN';
  if (score >= 9) return 'CRITICAL';
  if (score >= 7) return 'HIGH';
  if (score >= 4) return 'MEDIUM';
  return 'LOW';
}
