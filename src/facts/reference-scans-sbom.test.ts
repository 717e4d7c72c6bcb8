/**
 * Referenced images scanned from their SBOM attestations instead of being pulled: real
 * `cosign attest --type spdxjson|cyclonedx` on a loopback registry, the real osv-scanner
 * and the fixture OSV database, through the pipeline's own gatherers (core/facts.ts).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CosignKeyPair, type CosignWorkspace, cosignWorkspace } from '../../test/support/cosign.js';
import { ALPINE_VULNERABILITIES, alpineRootfs, writeOsvDatabase } from '../../test/support/images.js';
import { pushImage, startRegistry, type TestRegistry } from '../../test/support/registry.js';
import { describeWithTools } from '../../test/support/required-tools.js';
import { gatherFacts, mergeFacts } from '../core/facts.js';
import type { PolicyInput, RegistryFacts } from '../input/policy-input.js';
import { RegistryClient } from '../registry/client.js';
import { loadSettings, resetSettings, useSettings } from '../settings.js';
import { policyInputFor } from '../targets/input.js';
import { clearReferenceScanCache } from './reference-scans.js';

/** Packages whose advisories are filed under their own name: what an SBOM scan can match. */
const PACKAGES = [
  { name: 'musl', version: '1.2.4-r2' },
  { name: 'busybox', version: '1.36.1-r15' },
];

/** An SPDX 2.3 document as syft writes one for an Alpine image (the fields osv-scanner reads). */
function spdx(packages: readonly { name: string; version: string }[]): unknown {
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: 'acme/app',
    documentNamespace: 'https://portcullis.invalid/spdx/acme-app',
    creationInfo: { created: '2024-05-01T00:00:00Z', creators: ['Tool: syft-1.4.1'] },
    packages: packages.map(({ name, version }) => ({
      SPDXID: `SPDXRef-Package-apk-${name}`,
      name,
      versionInfo: version,
      downloadLocation: 'NOASSERTION',
      externalRefs: [
        {
          referenceCategory: 'PACKAGE-MANAGER',
          referenceType: 'purl',
          referenceLocator: `pkg:apk/alpine/${name}@${version}?arch=x86_64&distro=alpine-3.19.1`,
        },
      ],
    })),
  };
}

/** A CycloneDX 1.5 BOM of the same packages. */
function cyclonedx(packages: readonly { name: string; version: string }[]): unknown {
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    components: packages.map(({ name, version }) => ({
      type: 'library',
      name,
      version,
      purl: `pkg:apk/alpine/${name}@${version}?arch=x86_64&distro=alpine-3.19.1`,
    })),
  };
}

let registry: TestRegistry;
let cosign: CosignWorkspace;
let trusted: CosignKeyPair;
let other: CosignKeyPair;
let dir: string;
let database: string;
let count = 0;

describeWithTools(['osv-scanner'], 'referenced images scanned from their SBOM attestations', () => {
  beforeAll(async () => {
    [registry, cosign] = await Promise.all([startRegistry(), cosignWorkspace()]);
    [trusted, other] = await Promise.all([
      cosign.generateKeyPair('trusted'),
      cosign.generateKeyPair('other'),
    ]);
    dir = await mkdtemp(join(tmpdir(), 'portcullis-sbom-scan-'));
    database = writeOsvDatabase(join(dir, 'osv'), ALPINE_VULNERABILITIES);
    await writeFile(
      join(cosign.dir, 'trust.yaml'),
      `policies:\n  - images: ["${registry.host}/acme/**"]\n    keys: [trusted.pub]\n`,
    );
  });
  afterAll(async () => {
    resetSettings();
    await Promise.all([registry?.stop(), cosign?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => clearReferenceScanCache());

  /** A fresh Alpine image (its own layer digest), optionally attested with `sbom` by `key`. */
  async function image(attest?: { key: CosignKeyPair; type: 'spdxjson' | 'cyclonedx'; sbom: unknown }) {
    const repository = `acme/app-${++count}`;
    const pushed = await pushImage(registry, repository, '1.0', {
      layers: [{ ...alpineRootfs(PACKAGES), 'etc/id': `${count}\n` }],
    });
    const ref = `${registry.host}/${repository}@${pushed.digest}`;
    if (attest) await cosign.attest(ref, attest.key, { predicate: attest.sbom, type: attest.type });
    return { ref, layers: pushed.layers.map((layer) => layer.digest) };
  }

  /** A pod naming `ref`, its facts gathered as the pipeline does; and every URL the registry client asked for. */
  async function scanned(ref: string, trust: boolean): Promise<{ facts: RegistryFacts; urls: string[] }> {
    const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: ${ref}\n`;
    const input = policyInputFor('pod.yaml', text) as PolicyInput;
    const urls: string[] = [];
    const client = new RegistryClient({
      insecureRegistries: [registry.host],
      retries: 0,
      fetch: (url, init) => {
        urls.push(String(url));
        return fetch(url, init);
      },
    });
    useSettings(
      loadSettings({
        PORTCULLIS_SCAN_REFERENCES: '1',
        PORTCULLIS_OSV_DB: database,
        ...(trust ? { PORTCULLIS_TRUST_POLICY: join(cosign.dir, 'trust.yaml') } : {}),
      }),
    );
    try {
      mergeFacts([input], await gatherFacts([input], { registry: client, now: new Date() }));
    } finally {
      resetSettings();
    }
    return { facts: input.references[0]?.registry_facts as RegistryFacts, urls };
  }

  const ids = (facts: RegistryFacts) =>
    (facts.vulnerabilities ?? []).map((v) => `${v.package} ${v.id}`).sort();

  it.each([
    ['SPDX', 'spdxjson', spdx(PACKAGES)],
    ['CycloneDX', 'cyclonedx', cyclonedx(PACKAGES)],
  ] as const)(
    'scans a verified %s attestation instead of pulling, finding what the image scan finds',
    async (_, type, sbom) => {
      const { ref, layers } = await image({ key: trusted, type, sbom });
      const viaSbom = await scanned(ref, true);
      expect(viaSbom.facts.scan_source).toBe('sbom');
      expect(viaSbom.urls.filter((url) => layers.some((layer) => url.endsWith(layer)))).toEqual([]);

      clearReferenceScanCache();
      const viaImage = await scanned(ref, false); // no trust policy: nothing verified, so pulled
      expect(viaImage.facts.scan_source).toBe('image');
      expect(viaImage.urls.some((url) => layers.some((layer) => url.endsWith(layer)))).toBe(true);

      expect(ids(viaSbom.facts)).toEqual(['busybox ALPINE-CVE-2024-0002']);
      expect(viaSbom.facts.vulnerabilities).toEqual(viaImage.facts.vulnerabilities);
    },
  );

  it('pulls the image when its SBOM attestation is not from a signer of the trust policy', async () => {
    // The unverified SBOM lists nothing vulnerable: believing it would hide busybox's advisory.
    const { ref } = await image({ key: other, type: 'spdxjson', sbom: spdx([]) });
    const { facts } = await scanned(ref, true);
    expect(facts.attestations).toMatchObject([{ verified: false, reason: { code: 'wrong_signer' } }]);
    expect(facts.scan_source).toBe('image');
    expect(ids(facts)).toEqual(['busybox ALPINE-CVE-2024-0002']);
  });

  it('pulls the image when the scanner cannot read the verified SBOM', async () => {
    const { ref } = await image({ key: trusted, type: 'spdxjson', sbom: { spdxVersion: 42 } });
    const { facts } = await scanned(ref, true);
    expect(facts.attestations).toMatchObject([{ verified: true }]);
    expect(facts.scan_source).toBe('image');
    expect(ids(facts)).toEqual(['busybox ALPINE-CVE-2024-0002']);
  });
});
