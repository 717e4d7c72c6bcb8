/**
 * The Scanner on osv-scanner v2 (pinned and installed by scripts/setup.sh), reading a
 * local OSV database the operator keeps in the public export layout: `<Ecosystem>/all.zip`
 * (`Alpine/all.zip`, `Debian/all.zip`, …), configured with PORTCULLIS_OSV_DB.
 *
 * Offline by default: `--offline` turns off everything in osv-scanner that uses the
 * network, so a scan reads only the archive and the database. With `download: true`
 * (PORTCULLIS_OSV_DOWNLOAD=1) osv-scanner may fetch and refresh the ecosystems it needs
 * into the same folder instead.
 *
 * osv-scanner 2.5 looks for the database under `<local-db-path>/osv-scalibr/<Ecosystem>/`
 * (earlier 2.x releases: `osv-scanner/`). That is its business, not the operator's: each
 * scan gets a folder whose `osv-scalibr` and `osv-scanner` entries are links to the
 * operator's folder. And where an ecosystem's zip is missing it logs "could not load db"
 * and reports nothing, exiting 0: that line is turned into a ScanError here, since
 * "no vulnerabilities" would otherwise be a lie.
 *
 * An SBOM (a referenced image's verified SPDX or CycloneDX attestation) is scanned with
 * `scan source --lockfile`. osv-scanner matches its packages by the names the SBOM gives:
 * an Alpine or Debian binary package whose advisories are filed under its source package
 * (`libcrypto3` from `openssl`) is matched in an image, where the package database names
 * the source, and not in an SBOM, whose purls do not (osv-scanner 2.5 reads no `upstream`
 * qualifier).
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { errorMessage } from '../errors.js';
import { metrics, secondsSince } from '../metrics.js';
import { type Settings, settings } from '../settings.js';
import { cleanEnvironment, runProcess } from '../tool-process.js';
import { toolPath } from '../tools.js';
import { ensureDockerArchive, ImageArchiveError } from './archive.js';
import { parseOsvReport } from './osv-output.js';
import { type ImageScanner, type SbomFormat, ScanError, type ScanResult } from './scanner.js';

export interface OsvScannerOptions {
  /** The OSV database folder (`<Ecosystem>/all.zip`); null when none is configured. */
  database: string | null;
  /** Let osv-scanner download missing or stale ecosystems into `database`. Default false. */
  download?: boolean;
  timeoutMs?: number;
  /** Defaults to toolPath('osv-scanner'). */
  binary?: string;
}

/** osv-scanner's subcommand (before the common options) and what it scans (after them). */
interface ScanInput {
  command: string[];
  target: string[];
}

export class OsvScanner implements ImageScanner {
  readonly name = 'osv-scanner';
  readonly #database: string | null;
  readonly #download: boolean;
  readonly #timeoutMs: number;
  readonly #binary: string;
  #version: Promise<string | null> | undefined;

  constructor(options: OsvScannerOptions) {
    this.#database = options.database ? resolve(options.database) : null;
    this.#download = options.download ?? false;
    this.#timeoutMs = options.timeoutMs ?? 5 * 60_000;
    this.#binary = options.binary ?? toolPath('osv-scanner');
  }

  /** Names, sizes and times of the database's zips: a refresh changes it. */
  databaseFingerprint(): string {
    const hash = createHash('sha256').update(this.#database ?? '(none)');
    if (this.#database && existsSync(this.#database)) {
      for (const name of readdirSync(this.#database).sort()) {
        const zip = join(this.#database, name, 'all.zip');
        if (!existsSync(zip)) continue;
        const info = statSync(zip);
        hash.update(`\n${name} ${info.size} ${info.mtimeMs}`);
      }
    }
    return `sha256:${hash.digest('hex')}`;
  }

  version(): Promise<string | null> {
    this.#version ??= runProcess(this.#binary, ['--version'], {
      env: cleanEnvironment(tmpdir()),
      timeoutMs: 10_000,
    }).then(
      (result) => /osv-scanner version:\s*(\S+)/.exec(result.output)?.[1] ?? null,
      () => null,
    );
    return this.#version;
  }

  scan(archivePath: string, signal?: AbortSignal): Promise<ScanResult> {
    return this.#measured(archivePath, signal, (work) => {
      let archive: string;
      try {
        archive = ensureDockerArchive(archivePath, work);
      } catch (error) {
        if (error instanceof ImageArchiveError) throw new ScanError(error.message, 'bad_archive');
        throw error;
      }
      return { command: ['scan', 'image', '--archive'], target: [archive] };
    });
  }

  /**
   * osv-scanner reads an SBOM as a lockfile (`scan source --lockfile`), choosing its parser
   * by the file name the SBOM specs give (`*.spdx.json`, `*.cdx.json`): the document is
   * written under such a name, whatever the attestation called it.
   */
  scanSbom(document: string, format: SbomFormat, signal?: AbortSignal): Promise<ScanResult> {
    return this.#measured(`the ${format === 'spdx' ? 'SPDX' : 'CycloneDX'} SBOM`, signal, (work) => {
      const file = join(work, format === 'spdx' ? 'image.spdx.json' : 'image.cdx.json');
      writeFileSync(file, document);
      return { command: ['scan', 'source'], target: ['--lockfile', file] };
    });
  }

  #measured(
    what: string,
    signal: AbortSignal | undefined,
    input: (work: string) => ScanInput,
  ): Promise<ScanResult> {
    const started = performance.now();
    // The report names the scanner's version: asked beside the scan, not after it (a second
    // Go process, ~100 ms of a one-image `portcullis scan` when run in turn). Never rejects.
    void this.version();
    const outcome = (label: string) =>
      metrics().observe('scanDuration', secondsSince(started), { outcome: label });
    return this.#scan(what, signal, input).then(
      (result) => {
        outcome('scanned');
        return result;
      },
      (error: unknown) => {
        outcome(error instanceof ScanError ? error.code : 'failed');
        throw error;
      },
    );
  }

  /** Runs osv-scanner on what `input` prepares in a work folder and reads its report. */
  async #scan(
    what: string,
    signal: AbortSignal | undefined,
    input: (work: string) => ScanInput,
  ): Promise<ScanResult> {
    const database = this.#database;
    if (!database || (!this.#download && !existsSync(database))) {
      throw new ScanError(
        database
          ? `The OSV database folder ${database} does not exist: create it with the refresh command in docs/build-and-scan.md`
          : 'No vulnerability database is configured: set PORTCULLIS_OSV_DB to a folder of OSV exports (`<Ecosystem>/all.zip`, see docs/build-and-scan.md)',
        'no_database',
      );
    }
    if (existsSync(database) && !statSync(database).isDirectory()) {
      throw new ScanError(
        `The OSV database ${database} is not a folder: name the folder of OSV exports (\`<Ecosystem>/all.zip\`, see docs/build-and-scan.md)`,
        'no_database',
      );
    }
    const work = mkdtempSync(join(tmpdir(), 'portcullis-scan-'));
    try {
      const { command, target } = input(work);
      const dbRoot = join(work, 'db');
      linkDatabase(dbRoot, database);
      const reportPath = join(work, 'report.json');
      const args = [
        ...command,
        '--format',
        'json',
        '--output-file',
        reportPath,
        '--all-packages',
        '--local-db-path',
        dbRoot,
        ...(this.#download ? ['--offline-vulnerabilities', '--download-offline-databases'] : ['--offline']),
        ...target,
      ];
      let run: Awaited<ReturnType<typeof runProcess>>;
      try {
        run = await runProcess(this.#binary, args, {
          env: cleanEnvironment(work),
          timeoutMs: this.#timeoutMs,
          tailBytes: 64 * 1024,
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        throw new ScanError(
          `osv-scanner could not be started (${errorMessage(error)}): run \`npm run setup\` or set PORTCULLIS_OSV_SCANNER`,
          'scanner_missing',
        );
      }
      if (run.timedOut) {
        throw new ScanError(
          `osv-scanner did not finish within ${Math.round(this.#timeoutMs / 1000)} s`,
          'timeout',
        );
      }
      const missing = [...run.output.matchAll(/could not load db for (\S+) ecosystem: ([^\n]*)/g)];
      if (missing.length > 0) {
        const names = missing.map((m) => m[1]).join(', ');
        throw new ScanError(
          `The OSV database at ${database} has no data for ${names} (${missing[0]?.[2]}): add ${missing
            .map((m) => `${m[1]}/all.zip`)
            .join(', ')} with the refresh command in docs/build-and-scan.md`,
          'no_database',
        );
      }
      // 0: nothing found, 1: vulnerabilities found, 128: no package sources in the image.
      if (run.code === 128) {
        return { scanner: await this.#describe(), package_count: 0, packages: [], vulnerabilities: [] };
      }
      if ((run.code !== 0 && run.code !== 1) || !existsSync(reportPath)) {
        const tail = run.output.trim().split('\n').slice(-5).join('\n');
        throw new ScanError(`osv-scanner failed (exit ${run.code ?? run.signal}): ${tail}`, 'scanner_failed');
      }
      let report: ReturnType<typeof parseOsvReport>;
      try {
        report = parseOsvReport(readFileSync(reportPath, 'utf8'), `osv-scanner output for ${what}`);
      } catch (error) {
        throw new ScanError(errorMessage(error), 'scanner_failed');
      }
      const { packages, packageList, vulnerabilities } = report;
      return {
        scanner: await this.#describe(),
        package_count: packages,
        packages: packageList,
        vulnerabilities,
      };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  async #describe(): Promise<ScanResult['scanner']> {
    return { name: this.name, version: await this.version(), database: this.databaseFingerprint() };
  }
}

/** A folder holding the two links osv-scanner versions look under, both to the operator's database. */
function linkDatabase(root: string, database: string): void {
  mkdirSync(database, { recursive: true });
  mkdirSync(root, { recursive: true });
  for (const name of ['osv-scalibr', 'osv-scanner']) symlinkSync(database, join(root, name), 'dir');
}

/** The scanner as the operator configures it: PORTCULLIS_OSV_DB, PORTCULLIS_OSV_DOWNLOAD. */
export function scannerFromEnv(from: Settings = settings()): OsvScanner {
  return new OsvScanner({
    database: from.osvDb ?? null,
    download: from.osvDownload,
  });
}
