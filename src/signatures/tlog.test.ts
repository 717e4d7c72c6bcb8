/**
 * `require_tlog`: a bundle made by the real cosign (key-signed, no log upload: Rekor is out of
 * reach) is given a Rekor entry by a test log (test/support/attestations.ts: a signed entry
 * timestamp and an RFC 6962 inclusion proof against a signed checkpoint), and Portcullis
 * verifies it offline against a trusted root naming that log; then the entry is tampered with.
 */
import { createPublicKey } from 'node:crypto';
import { type TestRekor, testRekor, withTlogEntry } from '../../test/support/attestations.js';
import { type CosignKeyPair, type CosignWorkspace, cosignWorkspace } from '../../test/support/cosign.js';
import { pushImage, startRegistry, type TestRegistry } from '../../test/support/registry.js';
import { RegistryClient } from '../registry/client.js';
import { trustedKey } from './trust-policy.js';
import { parseTrustedRoot, publicGoodTrustedRoot } from './trusted-root.js';
import { type Signers, verifyBundle } from './verify.js';

let registry: TestRegistry;
let cosign: CosignWorkspace;
let key: CosignKeyPair;
let rekor: TestRekor;
let signers: Signers;
let bundle: Record<string, unknown>;
let digest: string;

beforeAll(async () => {
  [registry, cosign] = await Promise.all([startRegistry(), cosignWorkspace()]);
  key = await cosign.generateKeyPair('release');
  rekor = testRekor();
  signers = {
    keys: [trustedKey(createPublicKey(key.publicKeyPem))],
    keyless: [],
    trustedRoot: parseTrustedRoot(JSON.stringify(rekor.trustedRoot)),
    requireTlog: true,
  };
  const pushed = await pushImage(registry, 'acme/web', '1.0', { layers: [{ 'id.txt': 'tlog\n' }] });
  digest = pushed.digest;
  await cosign.sign(`${registry.host}/acme/web@${digest}`, key, 'bundle');
  // The bundle cosign wrote, as a referrer of the image.
  const client = new RegistryClient({ insecureRegistries: [registry.host], retries: 0 });
  const name = { registry: registry.host, repository: 'acme/web' };
  const [referrer] = await client.referrers(name, digest);
  const manifest = (await client.manifest({ ...name, digest: referrer?.digest ?? '' })).manifest;
  if (manifest.kind !== 'manifest') throw new Error('expected the bundle manifest');
  const layer = manifest.layers[0];
  bundle = JSON.parse((await client.blob(name, layer?.digest ?? '')).toString('utf8'));
});
afterAll(async () => {
  await Promise.all([registry?.stop(), cosign?.close()]);
});

const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));
type Entry = {
  integratedTime: string;
  canonicalizedBody: string;
  inclusionProof: { hashes: string[]; checkpoint: { envelope: string } };
};
function tampered(change: (entry: Entry) => void): unknown {
  const logged = structuredClone(withTlogEntry(bundle, key.publicKeyPem, rekor)) as {
    verificationMaterial: { tlogEntries: Entry[] };
  };
  change(logged.verificationMaterial.tlogEntries[0] as Entry);
  return logged;
}

it('cosign wrote a key-signed bundle without a log entry', () => {
  expect((bundle.verificationMaterial as { tlogEntries?: unknown[] }).tlogEntries ?? []).toEqual([]);
  expect(verifyBundle(bytes(bundle), digest, { ...signers, requireTlog: false }).verified).toBe(true);
});

it('verifies an entry whose SET, checkpoint and inclusion proof verify against the trusted log', () => {
  const signature = verifyBundle(bytes(withTlogEntry(bundle, key.publicKeyPem, rekor)), digest, signers);
  expect(signature).toMatchObject({ verified: true, error: null, signer: signers.keys[0]?.fingerprint });
});

it('fails without an entry when require_tlog is set', () => {
  const signature = verifyBundle(bytes(bundle), digest, signers);
  expect(signature).toMatchObject({ verified: false, error: { code: 'tlog_unverified' } });
  expect(signature.error?.message).toContain('no transparency-log entry');
});

it.each([
  [
    'a changed integrated time (the SET no longer verifies)',
    (e: Entry) => {
      e.integratedTime = String(Number(e.integratedTime) + 60);
    },
    'TLOG_INCLUSION_PROMISE_ERROR',
  ],
  [
    'a changed proof hash (the path no longer reaches the checkpoint root)',
    (e: Entry) => {
      const hash = Buffer.from(e.inclusionProof.hashes[1] as string, 'base64');
      hash[0] = (hash[0] as number) ^ 1;
      e.inclusionProof.hashes[1] = hash.toString('base64');
    },
    'TLOG_INCLUSION_PROOF_ERROR',
  ],
  [
    'a checkpoint for another tree (its signature no longer verifies)',
    (e: Entry) => {
      e.inclusionProof.checkpoint.envelope = e.inclusionProof.checkpoint.envelope.replace('\n7\n', '\n8\n');
    },
    'TLOG_INCLUSION_PROOF_ERROR',
  ],
])('fails on %s', (_, change, code) => {
  const signature = verifyBundle(bytes(tampered(change)), digest, signers);
  expect(signature).toMatchObject({ verified: false, error: { code: 'tlog_unverified' } });
  expect(signature.error?.message).toContain(code);
});

it('fails on an entry signed by a log the trusted root does not list', () => {
  const signature = verifyBundle(
    bytes(withTlogEntry(bundle, key.publicKeyPem, testRekor())),
    digest,
    signers,
  );
  expect(signature).toMatchObject({ verified: false, error: { code: 'tlog_unverified' } });
});

it('fails on an entry for another signature (the body names other content)', () => {
  const other = structuredClone(bundle) as { dsseEnvelope: { payload: string } };
  other.dsseEnvelope.payload = Buffer.from('{"another":"statement"}').toString('base64');
  const logged = withTlogEntry(other as unknown as Record<string, unknown>, key.publicKeyPem, rekor) as {
    verificationMaterial: unknown;
  };
  const signature = verifyBundle(
    bytes({ ...bundle, verificationMaterial: logged.verificationMaterial }),
    digest,
    signers,
  );
  expect(signature).toMatchObject({ verified: false, error: { code: 'tlog_unverified' } });
  expect(signature.error?.message).toContain('TLOG_BODY_ERROR');
});

it('without require_tlog, the key alone decides (a tampered entry is not read)', () => {
  const broken = tampered((e) => {
    e.integratedTime = '1';
  });
  expect(verifyBundle(bytes(broken), digest, { ...signers, requireTlog: false }).verified).toBe(true);
});

it('ships the public-good trusted root, with Rekor logs and Fulcio authorities', () => {
  const root = publicGoodTrustedRoot();
  expect(root.tlogs.map((log) => log.baseUrl)).toContain('https://rekor.sigstore.dev');
  expect(root.certificateAuthorities.length).toBeGreaterThan(0);
});
