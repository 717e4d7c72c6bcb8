/**
 * Scanning referenced images with the real registry client, registry and osv-scanner: the
 * cache by digest and database, the size cap, and a scanner that cannot run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ALPINE_BASE_PACKAGES,
  ALPINE_VULNERABILITIES,
  alpineRootfs,
  writeOsvDatabase,
} from '../../test/support/images.js';
import { pushImage, startRegistry, type TestRegistry } from '../../test/support/registry.js';
import { describeWithTools, missingTool } from '../../test/support/required-tools.js';
import { parseImageReference } from '../image/reference.js';
import type { RegistryFacts } from '../input/policy-input.js';
import { RegistryClient } from '../registry/client.js';
import { OsvScanner } from '../scan/osv-scanner.js';
import type { ImageScanner } from '../scan/scanner.js';
import { clearReferenceScanCache, SCAN_SIZE_LIMIT, scanReferencedImages } from './reference-scans.js';
import { factsAt } from './sites.js';

const TOOLS = ['buildah', 'osv-scanner'] as const;
const missing = missingTool(TOOLS);

let registry: TestRegistry;
let dir: string;
let database: string;
let digest: string;

beforeAll(async () => {
  if (missing) return;
  registry = await startRegistry();
  digest = (await pushImage(registry, 'acme/web', '2.0', { layers: [alpineRootfs(ALPINE_BASE_PACKAGES)] }))
    .digest;
  dir = await mkdtemp(join(tmpdir(), 'portcullis-refscan-unit-'));
  database = writeOsvDatabase(join(dir, 'osv'), ALPINE_VULNERABILITIES);
});
afterAll(async () => {
  await registry?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});
beforeEach(() => clearReferenceScanCache());

function client() {
  const requests: string[] = [];
  const registryClient = new RegistryClient({
    insecureRegistries: [registry.host],
    fetch: async (url, init) => {
      requests.push(String(url));
      return fetch(url, init);
    },
  });
  return { registryClient, requests };
}

const image = () => {
  const parsed = parseImageReference(`${registry.host}/acme/web:2.0`);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.reference;
};
const facts = (overrides: Partial<RegistryFacts> = {}): RegistryFacts => ({
  digest,
  platform_digest: digest,
  media_type: null,
  platforms: [],
  user: '',
  created: null,
  age_days: null,
  size: 1000,
  layer_count: 1,
  error: null,
  ...overrides,
});

/** The registry facts of one reference to the image, with what scanning found added. */
async function scanned(
  registryFacts: RegistryFacts,
  registryClient: RegistryClient,
  scanner: Pick<ImageScanner, 'scan' | 'databaseFingerprint'>,
): Promise<RegistryFacts> {
  const site = { path: 'pod.yaml', line: 8, image: image(), platform: null };
  const found = await scanReferencedImages([{ ...site, facts: registryFacts }], registryClient, scanner);
  return { ...registryFacts, ...factsAt(found, site) };
}

describeWithTools(TOOLS, 'scanReferencedImages', () => {
  it('scans an image once per digest and database, and serves repeats from its cache', async () => {
    const { registryClient, requests } = client();
    const scanner = new OsvScanner({ database });
    const first = await scanned(facts(), registryClient, scanner);
    expect(first.vulnerabilities?.map((v) => v.id)).toContain('ALPINE-CVE-2024-0001');
    const pulls = requests.length;
    expect(pulls).toBeGreaterThan(0);

    const again = await scanned(facts(), registryClient, scanner);
    expect(requests.length).toBe(pulls); // nothing pulled the second time
    expect(again.vulnerabilities).toEqual(first.vulnerabilities);
  });

  it('does not pull an image over the size cap, and says why', async () => {
    const { registryClient, requests } = client();
    const big = await scanned(
      facts({ size: SCAN_SIZE_LIMIT + 1 }),
      registryClient,
      new OsvScanner({ database }),
    );
    expect(requests).toEqual([]);
    expect(big.scan_error).toMatchObject({ code: 'too_large' });
    expect(big.vulnerabilities).toBeUndefined();
  });

  it('records a scanner that cannot run as a scan error, and does not cache it', async () => {
    const { registryClient } = client();
    const scanner = new OsvScanner({ database, binary: join(dir, 'no-such-osv-scanner') });
    const broken = await scanned(facts(), registryClient, scanner);
    expect(broken.scan_error?.message).toMatch(/osv-scanner/);
    const retried = await scanned(facts(), registryClient, new OsvScanner({ database }));
    expect(retried.vulnerabilities?.length).toBeGreaterThan(0);
  });
});

describeWithTools(TOOLS, 'scanReferencedImages with an attested SBOM', () => {
  const busybox = 'pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=alpine-3.19.1';
  const sbom = {
    format: 'spdx' as const,
    document: JSON.stringify({
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'acme/web',
      documentNamespace: 'https://portcullis.invalid/spdx/acme-web',
      creationInfo: { created: '2024-05-01T00:00:00Z', creators: ['Tool: syft-1.4.1'] },
      packages: [
        {
          SPDXID: 'SPDXRef-Package-apk-busybox',
          name: 'busybox',
          versionInfo: '1.36.1-r15',
          downloadLocation: 'NOASSERTION',
          externalRefs: [
            { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: busybox },
          ],
        },
      ],
    }),
  };

  it('scans the SBOM of an image over the size cap instead of refusing it, pulling nothing', async () => {
    const { registryClient, requests } = client();
    const site = { path: 'pod.yaml', line: 8, image: image(), platform: null };
    const found = await scanReferencedImages(
      [{ ...site, facts: facts({ size: SCAN_SIZE_LIMIT + 1 }) }],
      registryClient,
      new OsvScanner({ database }),
      new Map([[`${image().name}@${digest}`, [sbom]]]),
    );
    expect(requests).toEqual([]);
    expect(factsAt(found, site)).toEqual({
      scan_source: 'sbom',
      vulnerabilities: [expect.objectContaining({ id: 'ALPINE-CVE-2024-0002', package: 'busybox' })],
    });
  });

  it('does not take an SBOM about another digest (an index) for the platform manifest scanned', async () => {
    const { registryClient, requests } = client();
    const site = { path: 'pod.yaml', line: 8, image: image(), platform: null };
    const index = `sha256:${'1'.repeat(64)}`;
    const found = await scanReferencedImages(
      [{ ...site, facts: facts({ digest: index }) }],
      registryClient,
      new OsvScanner({ database }),
      new Map([[`${image().name}@${index}`, [sbom]]]),
    );
    expect(requests.length).toBeGreaterThan(0);
    expect(factsAt(found, site)).toMatchObject({ scan_source: 'image' });
  });
});
