/**
 * Signatures made by the real cosign on a real registry (docker-registry 2.8 on 127.0.0.1,
 * which has no referrers API: bundles are found through the `sha256-<hex>` tag fallback),
 * verified by Portcullis; one loopback registry front adds the referrers API itself.
 */
import { createPublicKey } from 'node:crypto';
import { type CosignKeyPair, type CosignWorkspace, cosignWorkspace } from '../../test/support/cosign.js';
import {
  MEDIA_TYPES,
  pushBlob,
  pushImage,
  pushManifest,
  startLoopbackServer,
  startRegistry,
  type TestRegistry,
} from '../../test/support/registry.js';
import type { SignatureFacts } from '../input/signatures.js';
import { RegistryClient } from '../registry/client.js';
import { trustedKey } from './trust-policy.js';
import { type Signers, verifyImageSignatures } from './verify.js';

let registry: TestRegistry;
let cosign: CosignWorkspace;
let trusted: CosignKeyPair;
let other: CosignKeyPair;
let client: RegistryClient;
let signers: Signers;
let count = 0;

beforeAll(async () => {
  [registry, cosign] = await Promise.all([startRegistry(), cosignWorkspace()]);
  [trusted, other] = await Promise.all([cosign.generateKeyPair('trusted'), cosign.generateKeyPair('other')]);
  client = new RegistryClient({ insecureRegistries: [registry.host], retries: 0 });
  signers = { keys: [trustedKey(createPublicKey(trusted.publicKeyPem))], keyless: [], trustedRoot: null };
});
afterAll(async () => {
  await Promise.all([registry?.stop(), cosign?.close()]);
});

/** A fresh image in a repository of its own, so signatures of one case never meet another's. */
async function freshImage(): Promise<{ repository: string; digest: string; ref: string }> {
  const repository = `acme/app-${++count}`;
  const { digest } = await pushImage(registry, repository, '1.0', { layers: [{ 'id.txt': `${count}\n` }] });
  return { repository, digest, ref: `${registry.host}/${repository}@${digest}` };
}

function verify(repository: string, digest: string, with_: Signers = signers): Promise<SignatureFacts[]> {
  return verifyImageSignatures(client, { registry: registry.host, repository }, digest, with_);
}

describe.each(['simplesigning', 'bundle'] as const)('%s signatures', (format) => {
  it('verifies an image signed with a trusted key, as cosign verify does', async () => {
    const image = await freshImage();
    await cosign.sign(image.ref, trusted, format);
    const [signature, ...rest] = await verify(image.repository, image.digest);
    expect(rest).toEqual([]);
    expect(signature).toEqual({
      verified: true,
      format,
      signer: signers.keys[0]?.fingerprint,
      issuer: null,
      digest: image.digest,
      error: null,
    });
    expect((await cosign.verify(image.ref, trusted, format)).code).toBe(0);
  });

  it('rejects a signature made with another key', async () => {
    const image = await freshImage();
    await cosign.sign(image.ref, other, format);
    const [signature] = await verify(image.repository, image.digest);
    expect(signature).toMatchObject({ verified: false, format, error: { code: 'wrong_signer' } });
    expect(signature?.error?.message).toContain(signers.keys[0]?.fingerprint);
    expect((await cosign.verify(image.ref, trusted, format)).code).not.toBe(0);
  });

  it('finds no signature on an unsigned image', async () => {
    const image = await freshImage();
    expect(await verify(image.repository, image.digest)).toEqual([]);
  });

  it('keeps a valid signature of one image from vouching for another (re-tagged)', async () => {
    const signed = await freshImage();
    const target = await freshImage();
    await cosign.sign(signed.ref, trusted, format);
    await copySignatures(signed, target, format);
    const [signature] = await verify(target.repository, target.digest);
    expect(signature).toMatchObject({
      verified: false,
      format,
      signer: signers.keys[0]?.fingerprint,
      digest: signed.digest,
      error: { code: 'digest_mismatch' },
    });
  });

  it('rejects a payload altered after signing', async () => {
    const image = await freshImage();
    const elsewhere = await freshImage();
    await cosign.sign(image.ref, trusted, format);
    // The attacker's aim: make the signature vouch for another digest.
    await rewritePayload(image, (text) => text.replaceAll(hex(image.digest), hex(elsewhere.digest)), format);
    const [signature] = await verify(image.repository, image.digest);
    // A bundle names its key, so the change shows as tampering; a .sig layer names none.
    expect(signature).toMatchObject({
      verified: false,
      error: { code: format === 'bundle' ? 'tampered' : 'wrong_signer' },
    });
  });
});

it('reports both formats when an image carries both', async () => {
  const image = await freshImage();
  await cosign.sign(image.ref, trusted, 'simplesigning');
  await cosign.sign(image.ref, other, 'bundle');
  const signatures = await verify(image.repository, image.digest);
  expect(signatures.map((s) => [s.format, s.verified])).toEqual([
    ['bundle', false],
    ['simplesigning', true],
  ]);
});

it('leaves attestations aside: they are no signatures of the image', async () => {
  const image = await freshImage();
  await cosign.attest(image.ref, trusted);
  const name = { registry: registry.host, repository: image.repository };
  expect(await client.referrers(name, image.digest)).toHaveLength(1); // the attestation is there
  expect(await verify(image.repository, image.digest)).toEqual([]);
  await cosign.sign(image.ref, trusted, 'bundle');
  expect(await verify(image.repository, image.digest)).toEqual([
    expect.objectContaining({ verified: true, format: 'bundle' }),
  ]);
});

it('uses the referrers API where the registry has one', async () => {
  const image = await freshImage();
  await cosign.sign(image.ref, trusted, 'bundle');
  const fallbackTag = image.digest.replace(':', '-');
  const index = await (
    await fetch(`${registry.url}/v2/${image.repository}/manifests/${fallbackTag}`, {
      headers: { accept: MEDIA_TYPES.oci.index },
    })
  ).text();
  // A front for the registry that answers the referrers API and hides the tag fallback.
  const front = await startLoopbackServer((request, response) => {
    const url = request.url ?? '/';
    if (url.startsWith(`/v2/${image.repository}/referrers/${image.digest}`)) {
      response.writeHead(200, { 'content-type': MEDIA_TYPES.oci.index });
      response.end(index);
    } else if (url.endsWith(`/manifests/${fallbackTag}`)) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
    } else {
      void proxy(url, request.headers.accept, response);
    }
  });
  try {
    const viaFront = new RegistryClient({ insecureRegistries: [front.host], retries: 0 });
    const signatures = await verifyImageSignatures(
      viaFront,
      { registry: front.host, repository: image.repository },
      image.digest,
      signers,
    );
    expect(signatures).toEqual([expect.objectContaining({ verified: true, format: 'bundle' })]);
    expect(front.requests.map((r) => r.url)).toContain(`/v2/${image.repository}/referrers/${image.digest}`);
  } finally {
    await front.close();
  }
});

it('reports a registry that cannot be asked as lookup_failed', async () => {
  const down = new RegistryClient({ insecureRegistries: ['127.0.0.1:9'], retries: 0, timeoutMs: 2000 });
  const signatures = await verifyImageSignatures(
    down,
    { registry: '127.0.0.1:9', repository: 'acme/app' },
    `sha256:${'a'.repeat(64)}`,
    signers,
  );
  expect(signatures).toEqual([
    expect.objectContaining({
      verified: false,
      format: null,
      error: expect.objectContaining({ code: 'lookup_failed' }),
    }),
  ]);
});

async function proxy(
  url: string,
  accept: string | string[] | undefined,
  response: import('node:http').ServerResponse,
) {
  const upstream = await fetch(`${registry.url}${url}`, {
    headers: typeof accept === 'string' ? { accept } : {},
  });
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'docker-content-digest']) {
    const value = upstream.headers.get(name);
    if (value) headers[name] = value;
  }
  response.writeHead(upstream.status, headers);
  response.end(Buffer.from(await upstream.arrayBuffer()));
}

function hex(digest: string): string {
  return digest.slice('sha256:'.length);
}

async function getJson(
  url: string,
  accept: string,
): Promise<{ text: string; json: Record<string, unknown> }> {
  const response = await fetch(url, { headers: { accept } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${text}`);
  return { text, json: JSON.parse(text) as Record<string, unknown> };
}

/**
 * Copies `from`'s signature artifacts to `to`: the `.sig` manifest to `to`'s `.sig` tag (its
 * blobs into `to`'s repository), or the bundle referrers into `to`'s fallback index.
 */
async function copySignatures(
  from: { repository: string; digest: string },
  to: { repository: string; digest: string },
  format: 'bundle' | 'simplesigning',
): Promise<void> {
  const tag = format === 'bundle' ? from.digest.replace(':', '-') : `${from.digest.replace(':', '-')}.sig`;
  const mediaType = format === 'bundle' ? MEDIA_TYPES.oci.index : MEDIA_TYPES.oci.manifest;
  const top = await getJson(`${registry.url}/v2/${from.repository}/manifests/${tag}`, mediaType);
  const manifests =
    format === 'bundle'
      ? await Promise.all(
          (top.json.manifests as { digest: string }[]).map(async ({ digest }) => {
            const entry = await getJson(
              `${registry.url}/v2/${from.repository}/manifests/${digest}`,
              MEDIA_TYPES.oci.manifest,
            );
            return entry;
          }),
        )
      : [top];
  for (const manifest of manifests) {
    const json = manifest.json as { config: { digest: string }; layers: { digest: string }[] };
    for (const { digest } of [json.config, ...json.layers]) {
      const blob = await fetch(`${registry.url}/v2/${from.repository}/blobs/${digest}`);
      await pushBlob(registry, to.repository, Buffer.from(await blob.arrayBuffer()));
    }
    await pushManifest(
      registry,
      to.repository,
      format === 'bundle' ? null : `${to.digest.replace(':', '-')}.sig`,
      MEDIA_TYPES.oci.manifest,
      json,
    );
  }
  if (format === 'bundle') {
    await pushManifest(registry, to.repository, to.digest.replace(':', '-'), MEDIA_TYPES.oci.index, top.json);
  }
}

/** Rewrites the signed payload of `image`'s signature in place, keeping the signature itself. */
async function rewritePayload(
  image: { repository: string; digest: string },
  change: (payload: string) => string,
  format: 'bundle' | 'simplesigning',
): Promise<void> {
  const base = `${registry.url}/v2/${image.repository}`;
  if (format === 'simplesigning') {
    const tag = `${image.digest.replace(':', '-')}.sig`;
    const { json } = await getJson(`${base}/manifests/${tag}`, MEDIA_TYPES.oci.manifest);
    const layers = json.layers as { digest: string; size: number }[];
    const layer = layers[0] as { digest: string; size: number };
    const payload = Buffer.from(change(await (await fetch(`${base}/blobs/${layer.digest}`)).text()));
    layer.digest = await pushBlob(registry, image.repository, payload);
    layer.size = payload.length;
    await pushManifest(registry, image.repository, tag, MEDIA_TYPES.oci.manifest, json);
    return;
  }
  const fallback = image.digest.replace(':', '-');
  const index = await getJson(`${base}/manifests/${fallback}`, MEDIA_TYPES.oci.index);
  const entries = index.json.manifests as { digest: string; size: number }[];
  const entry = entries[0] as { digest: string; size: number };
  const { json } = await getJson(`${base}/manifests/${entry.digest}`, MEDIA_TYPES.oci.manifest);
  const layer = (json.layers as { digest: string; size: number }[])[0] as { digest: string; size: number };
  const bundle = JSON.parse(await (await fetch(`${base}/blobs/${layer.digest}`)).text()) as {
    dsseEnvelope: { payload: string };
  };
  bundle.dsseEnvelope.payload = Buffer.from(
    change(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')),
  ).toString('base64');
  const bytes = Buffer.from(JSON.stringify(bundle));
  layer.digest = await pushBlob(registry, image.repository, bytes);
  layer.size = bytes.length;
  const pushed = await pushManifest(registry, image.repository, null, MEDIA_TYPES.oci.manifest, json);
  entry.digest = pushed.digest;
  entry.size = pushed.size;
  await pushManifest(registry, image.repository, fallback, MEDIA_TYPES.oci.index, index.json);
}
