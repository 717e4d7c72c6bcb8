/**
 * Vulnerabilities of referenced images (opt-in: PORTCULLIS_SCAN_REFERENCES=1 with an OSV
 * database in PORTCULLIS_OSV_DB): each distinct image the registry facts resolved is pulled
 * into a temporary docker-archive with Portcullis's own registry client and scanned, and
 * what the scanner found becomes `registry_facts.vulnerabilities` (or `scan_error`), for
 * PC-IMG-011 to judge. Scans are cached in process by digest and database fingerprint, two
 * run at a time, and the archive is always removed.
 *
 * An image with a verified SBOM attestation about that very digest (signature facts hand
 * them over, verified against the trust policy's signers) is not pulled: the SBOM is
 * scanned instead, which is faster and works for images too large to pull. Nothing else
 * counts: no trust policy, an unverified attestation, one about another digest (an index's
 * when the platform's manifest is scanned) and the image is pulled as before; so it is
 * when the scanner cannot read the SBOM. `scan_source` says which was scanned.
 */

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { errorMessage } from '../errors.js';
import type { ImageReference } from '../image/reference.js';
import type { ReferenceVulnerability, RegistryFacts } from '../input/policy-input.js';
import type { RegistryClient } from '../registry/client.js';
import { flatVulnerability } from '../scan/osv-output.js';
import { pullImageArchive } from '../scan/registry-image.js';
import type { ImageScanner, SbomFormat } from '../scan/scanner.js';
import { runLimited } from './run-limited.js';
import { type FactsBySite, type ImageSite, setFactsAt } from './sites.js';

/** Images larger than this (compressed, as the manifest declares) are not pulled. */
export const SCAN_SIZE_LIMIT = 1024 * 1024 * 1024;
const SCAN_CONCURRENCY = 2;

type ScanSource = NonNullable<RegistryFacts['scan_source']>;

type ScanOutcome = { source: ScanSource } & (
  | { vulnerabilities: ReferenceVulnerability[] }
  | { error: { code: string; message: string } }
);

/** What a scan adds to an image's `registry_facts`: `vulnerabilities` or `scan_error`, and `scan_source`. */
export type ReferenceScanFacts = Required<Pick<RegistryFacts, 'scan_source'>> &
  (Required<Pick<RegistryFacts, 'vulnerabilities'>> | Required<Pick<RegistryFacts, 'scan_error'>>);

/** A verified SBOM attestation's document (src/signatures/attestations.ts `AttestedSbom`). */
export interface ImageSbom {
  format: SbomFormat;
  document: string;
}

/** Verified SBOMs by `<image name>@<digest they are about>`, as signature facts gather them. */
export type AttestedSboms = ReadonlyMap<string, readonly ImageSbom[]>;

type Scanner = Pick<ImageScanner, 'scan' | 'databaseFingerprint' | 'scanSbom'>;

/** Failed scans are not kept: the next run tries again. */
const cache = new LRUCache<string, ScanOutcome>({ max: 500 });

/** `vulnerabilities` (or `scan_error`) of each resolved image, by site; nothing for an image not resolved. */
export async function scanReferencedImages(
  images: readonly (ImageSite & { facts: RegistryFacts })[],
  client: RegistryClient,
  scanner: Scanner,
  sboms: AttestedSboms = new Map(),
): Promise<FactsBySite<ReferenceScanFacts>> {
  const fingerprint = scanner.databaseFingerprint();
  const tasks = new Map<string, () => Promise<ScanOutcome>>();
  const pending: { site: ImageSite; key: string }[] = [];
  for (const site of images) {
    const { image, facts } = site;
    if (facts.error || !facts.digest) continue;
    // The manifest scanned is the platform's; an index digest names several.
    const digest = facts.platform_digest ?? facts.digest;
    const sbom = scanner.scanSbom ? sboms.get(`${image.name}@${digest}`)?.[0] : undefined;
    // The SBOM's own hash: another attested SBOM of the same digest is another scan.
    const source = sbom ? `sbom ${createHash('sha256').update(sbom.document).digest('hex')}` : 'image';
    const key = `${image.name}@${digest} ${fingerprint} ${source}`;
    pending.push({ site, key });
    if (tasks.has(key)) continue;
    const pinned: ImageReference = { ...image, tag: null, digest, normalized: `${image.name}@${digest}` };
    if (sbom) {
      tasks.set(key, () => cachedScan(key, pinned, client, scanner, sbom));
      continue;
    }
    if (typeof facts.size === 'number' && facts.size > SCAN_SIZE_LIMIT) {
      tasks.set(key, async () => ({
        source: 'image',
        error: {
          code: 'too_large',
          message: `The image is ${Math.round((facts.size as number) / 1024 / 1024)} MiB compressed, more than the ${SCAN_SIZE_LIMIT / 1024 / 1024} MiB Portcullis pulls to scan`,
        },
      }));
      continue;
    }
    tasks.set(key, () => cachedScan(key, pinned, client, scanner));
  }
  const results = await runLimited([...tasks.entries()], SCAN_CONCURRENCY);
  // One facts object per scan, shared by its sites; a copy of the cached list, which stays as scanned.
  const outcomes = new Map<string, ReferenceScanFacts>();
  for (const [key, outcome] of results) {
    outcomes.set(
      key,
      'error' in outcome
        ? { scan_error: outcome.error, scan_source: outcome.source }
        : { vulnerabilities: structuredClone(outcome.vulnerabilities), scan_source: outcome.source },
    );
  }
  const found: FactsBySite<ReferenceScanFacts> = new Map();
  for (const { site, key } of pending) {
    const outcome = outcomes.get(key);
    if (outcome) setFactsAt(found, site, outcome);
  }
  return found;
}

async function cachedScan(
  key: string,
  image: ImageReference,
  client: RegistryClient,
  scanner: Scanner,
  sbom?: ImageSbom,
): Promise<ScanOutcome> {
  const hit = cache.get(key);
  if (hit) return hit;
  const outcome = (sbom && (await scanSbom(sbom, scanner))) || (await scanImage(image, client, scanner));
  if ('vulnerabilities' in outcome) cache.set(key, outcome);
  return outcome;
}

/** What the SBOM lists, scanned; null when the scanner cannot read it (the image is pulled instead). */
async function scanSbom(sbom: ImageSbom, scanner: Scanner): Promise<ScanOutcome | null> {
  if (!scanner.scanSbom) return null;
  try {
    const result = await scanner.scanSbom(sbom.document, sbom.format);
    return { source: 'sbom', vulnerabilities: result.vulnerabilities.map(flatVulnerability) };
  } catch {
    return null;
  }
}

async function scanImage(
  image: ImageReference,
  client: RegistryClient,
  scanner: Scanner,
): Promise<ScanOutcome> {
  const work = mkdtempSync(join(tmpdir(), 'portcullis-refscan-'));
  try {
    const archive = join(work, 'image.tar');
    try {
      await pullImageArchive(client, image, archive);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return {
        source: 'image',
        error: { code: typeof code === 'string' ? code : 'pull_failed', message: errorMessage(error) },
      };
    }
    try {
      const result = await scanner.scan(archive);
      return { source: 'image', vulnerabilities: result.vulnerabilities.map(flatVulnerability) };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return {
        source: 'image',
        error: { code: typeof code === 'string' ? code : 'scan_failed', message: errorMessage(error) },
      };
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Forgets cached scans (tests). */
export function clearReferenceScanCache(): void {
  cache.clear();
}
