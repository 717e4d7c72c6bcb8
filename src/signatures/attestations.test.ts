/**
 * Attestations made by the real `cosign attest` (both forms: the classic `.att` tag and the
 * Sigstore bundle referrer) on a real registry (docker-registry on 127.0.0.1), verified by
 * Portcullis.
 */
import { createPublicKey } from 'node:crypto';
import { githubProvenance } from '../../test/support/attestations.js';
import { type CosignKeyPair, type CosignWorkspace, cosignWorkspace } from '../../test/support/cosign.js';
import { pushImage, startRegistry, type TestRegistry } from '../../test/support/registry.js';
import { RegistryClient } from '../registry/client.js';
import {
  type ImageAttestations,
  provenanceFacts,
  SLSA_PROVENANCE_V1,
  verifyImageAttestations,
} from './attestations.js';
import { trustedKey } from './trust-policy.js';
import type { Signers } from './verify.js';

let registry: TestRegistry;
let cosign: CosignWorkspace;
let trusted: CosignKeyPair;
let other: CosignKeyPair;
let client: RegistryClient;
let signers: Signers;
let count = 0;

const GITHUB_HOSTED = 'https://github.com/actions/runner/github-hosted';

beforeAll(async () => {
  [registry, cosign] = await Promise.all([startRegistry(), cosignWorkspace()]);
  [trusted, other] = await Promise.all([cosign.generateKeyPair('trusted'), cosign.generateKeyPair('other')]);
  client = new RegistryClient({ insecureRegistries: [registry.host], retries: 0 });
  signers = { keys: [trustedKey(createPublicKey(trusted.publicKeyPem))], keyless: [], trustedRoot: null };
});
afterAll(async () => {
  await Promise.all([registry?.stop(), cosign?.close()]);
});

async function freshImage(): Promise<{ repository: string; digest: string; ref: string }> {
  const repository = `acme/web-${++count}`;
  const { digest } = await pushImage(registry, repository, '1.0', { layers: [{ 'id.txt': `${count}\n` }] });
  return { repository, digest, ref: `${registry.host}/${repository}@${digest}` };
}

function attestations(
  repository: string,
  digest: string,
  with_: Signers = signers,
): Promise<ImageAttestations> {
  return verifyImageAttestations(client, { registry: registry.host, repository }, digest, with_);
}

describe.each(['dsse', 'bundle'] as const)('%s attestations', (format) => {
  it('verifies SLSA provenance from a trusted key and reads its builder, source and materials', async () => {
    const image = await freshImage();
    await cosign.attest(image.ref, trusted, {
      predicate: githubProvenance(GITHUB_HOSTED),
      type: 'slsaprovenance1',
      format,
    });
    const { attestations: found, sboms } = await attestations(image.repository, image.digest);
    expect(found).toEqual([
      {
        predicate_type: SLSA_PROVENANCE_V1,
        format,
        verified: true,
        signer: signers.keys[0]?.fingerprint,
        issuer: null,
        reason: null,
        builder_id: GITHUB_HOSTED,
        source_repository: 'https://github.com/acme/web',
        source_ref: 'refs/tags/v1.2.0',
        build_type: 'https://actions.github.io/buildtypes/workflow/v1',
        materials: [
          {
            uri: 'git+https://github.com/acme/web@refs/tags/v1.2.0',
            digest: { gitCommit: '0123456789abcdef0123456789abcdef01234567' },
          },
        ],
      },
    ]);
    expect(sboms).toEqual([]);
  });

  it('does not count provenance signed with another key', async () => {
    const image = await freshImage();
    await cosign.attest(image.ref, other, {
      predicate: githubProvenance(GITHUB_HOSTED),
      type: 'slsaprovenance1',
      format,
    });
    const [found] = (await attestations(image.repository, image.digest)).attestations;
    expect(found).toMatchObject({
      verified: false,
      format,
      reason: { code: 'wrong_signer' },
      builder_id: null,
    });
  });

  it('returns a verified CycloneDX SBOM for the scanner', async () => {
    const image = await freshImage();
    const bom = { bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, components: [] };
    await cosign.attest(image.ref, trusted, { predicate: bom, type: 'cyclonedx', format });
    const { attestations: found, sboms } = await attestations(image.repository, image.digest);
    expect(found).toMatchObject([{ predicate_type: 'https://cyclonedx.org/bom', verified: true }]);
    expect(sboms.map((sbom) => ({ ...sbom, document: JSON.parse(sbom.document) }))).toEqual([
      { format: 'cyclonedx', document: bom },
    ]);
  });
});

it('finds neither form on an image without attestations, and leaves image signatures alone', async () => {
  const image = await freshImage();
  await cosign.sign(image.ref, trusted, 'bundle');
  expect(await attestations(image.repository, image.digest)).toEqual({ attestations: [], sboms: [] });
});

it('does not count an attestation about another image', async () => {
  const [first, second] = [await freshImage(), await freshImage()];
  await cosign.attest(first.ref, trusted, {
    predicate: githubProvenance(GITHUB_HOSTED),
    type: 'slsaprovenance1',
    format: 'dsse',
  });
  // The .att manifest of the first image, tagged for the second: a valid attestation copied over.
  const att = `${first.digest.replace(':', '-')}.att`;
  const manifest = await client.manifest({
    registry: registry.host,
    repository: first.repository,
    tag: att,
    digest: null,
  });
  const response = await fetch(`http://${registry.host}/v2/${first.repository}/manifests/${att}`, {
    headers: { accept: manifest.mediaType },
  });
  const body = Buffer.from(await response.arrayBuffer());
  await fetch(
    `http://${registry.host}/v2/${first.repository}/manifests/${second.digest.replace(':', '-')}.att`,
    {
      method: 'PUT',
      headers: { 'content-type': manifest.mediaType },
      body,
    },
  );
  const [found] = (await attestations(first.repository, second.digest)).attestations;
  expect(found).toMatchObject({ verified: false, reason: { code: 'digest_mismatch' } });
  expect(found?.reason?.message).toContain(first.digest);
});

describe('provenanceFacts', () => {
  it('takes the source from the git material when the build type names no workflow', () => {
    const facts = provenanceFacts(SLSA_PROVENANCE_V1, {
      buildDefinition: {
        buildType: 'https://example.com/buildtypes/make/v1',
        resolvedDependencies: [
          { uri: 'git+https://git.example.com/acme/web.git@refs/heads/main', digest: { sha1: 'abc' } },
        ],
      },
      runDetails: { builder: { id: 'https://ci.example.com/builder' } },
    });
    expect(facts).toMatchObject({
      builder_id: 'https://ci.example.com/builder',
      source_repository: 'https://git.example.com/acme/web.git',
      source_ref: 'refs/heads/main',
    });
  });

  it('reads SLSA v0.2 and keeps hostile keys out of the digests', () => {
    const materials = JSON.parse(
      '[{"uri":"git+https://github.com/acme/web@refs/heads/main","digest":{"__proto__":{"x":1},"sha1":"abc"}}]',
    );
    const facts = provenanceFacts('https://slsa.dev/provenance/v0.2', {
      builder: { id: 'https://github.com/slsa-framework/slsa-github-generator' },
      buildType: 'https://github.com/slsa-framework/slsa-github-generator/container@v1',
      materials,
    });
    expect(facts.source_repository).toBe('https://github.com/acme/web');
    expect(facts.materials[0]?.digest).toEqual({ sha1: 'abc' });
    expect(Object.getPrototypeOf(facts.materials[0]?.digest)).toBe(Object.prototype);
  });

  it('says nothing of predicates that are not provenance', () => {
    expect(provenanceFacts('https://spdx.dev/Document', { spdxVersion: 'SPDX-2.3' }).builder_id).toBeNull();
  });
});
