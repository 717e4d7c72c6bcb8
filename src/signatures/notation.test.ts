/**
 * Notary Project signatures made by the Notary Project's own signing code (notation-go, in
 * tools/bin/notation-sign) with CAs made by openssl, on a real registry (docker-registry 2.8
 * on 127.0.0.1, which has no referrers API: signatures are found through the `sha256-<hex>`
 * tag index notation-go keeps instead), verified by Portcullis.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Ajv2020 from 'ajv/dist/2020.js';
import { cli } from '../../test/support/cli.js';
import {
  type NotationWorkspace,
  notationWorkspace,
  type SigningCertificate,
  type TestCa,
} from '../../test/support/notation.js';
import { pushImage, startRegistry, type TestRegistry } from '../../test/support/registry.js';
import { describeWithTools } from '../../test/support/required-tools.js';
import { RegistryClient } from '../registry/client.js';
import { resetSettings } from '../settings.js';
import { NOTATION_ARTIFACT_TYPE, verifyNotationEnvelope, verifyNotationSignatures } from './notation.js';
import { decodeCbor } from './notation-envelope.js';
import { type NotationPolicy, notationPolicyFromDocument } from './notation-policy.js';
import { TrustPolicyError, trustPolicyFromDocument } from './trust-policy.js';

let registry: TestRegistry;
let notary: NotationWorkspace;
let acme: TestCa;
let other: TestCa;
let release: SigningCertificate;
let releaseRsa: SigningCertificate;
let stranger: SigningCertificate;
let expired: SigningCertificate;
let client: RegistryClient;
let count = 0;

const fail = (where: string, why: string): never => {
  throw new TrustPolicyError(`${where}: ${why}`);
};
function policy(document: Record<string, unknown> = {}): NotationPolicy {
  return notationPolicyFromDocument(
    {
      trust_store: [acme.certificatePem],
      identities: ['x509.subject: C=US, O=Acme, CN=release'],
      ...document,
    },
    'notation',
    '/',
    fail,
  ) as NotationPolicy;
}

/** A fresh image in a repository of its own. */
async function freshImage(): Promise<{ repository: string; digest: string; ref: string }> {
  const repository = `acme/notary-${++count}`;
  const { digest } = await pushImage(registry, repository, '1.0', { layers: [{ 'id.txt': `${count}\n` }] });
  return { repository, digest, ref: `${registry.host}/${repository}@${digest}` };
}

function verify(image: { repository: string; digest: string }, with_: NotationPolicy = policy()) {
  return verifyNotationSignatures(
    client,
    { registry: registry.host, repository: image.repository },
    image.digest,
    with_,
  );
}

/** The envelope blob of the image's only Notation signature, and its media type. */
async function envelopeOf(image: {
  repository: string;
  digest: string;
}): Promise<{ mediaType: string; bytes: Buffer }> {
  const name = { registry: registry.host, repository: image.repository };
  const [referrer] = await client.referrers(name, image.digest, { artifactType: NOTATION_ARTIFACT_TYPE });
  const artifact = await client.manifest({ ...name, digest: referrer?.digest ?? null });
  if (artifact.manifest.kind !== 'manifest') throw new Error('not a manifest');
  const layer = artifact.manifest.layers[0];
  if (!layer) throw new Error('no layer');
  return { mediaType: layer.mediaType, bytes: await client.blob(name, layer.digest) };
}

describeWithTools(['notation-sign'], 'Notation signatures', () => {
  beforeAll(async () => {
    [registry, notary] = await Promise.all([startRegistry(), notationWorkspace()]);
    [acme, other] = await Promise.all([
      notary.ca('acme', '/C=US/ST=WA/O=Acme/CN=Acme Root'),
      notary.ca('other', '/C=US/ST=WA/O=Other/CN=Other Root'),
    ]);
    [release, releaseRsa, stranger, expired] = await Promise.all([
      acme.issue('release'),
      acme.issue('release-rsa', { key: 'rsa' }),
      other.issue('release', { subject: '/C=US/ST=WA/O=Acme/CN=release' }),
      // Valid through 2024 only: signed in 2024, expired now.
      acme.issue('expired', { notBefore: '20240101000000Z', notAfter: '20250101000000Z' }),
    ]);
    client = new RegistryClient({ insecureRegistries: [registry.host], retries: 0 });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([registry?.stop(), notary?.close()]);
  });

  it.each(['jws', 'cose'] as const)(
    'verifies a %s signature from the trusted CA (EC key)',
    async (envelope) => {
      const image = await freshImage();
      await notary.sign(image.ref, release, { envelope });
      expect(await verify(image)).toEqual([
        {
          kind: 'notation',
          verified: true,
          format: envelope,
          signer: 'C=US, ST=WA, O=Acme, CN=release',
          issuer: 'C=US, ST=WA, O=Acme, CN=Acme Root',
          digest: image.digest,
          error: null,
          level: 'strict',
          logged: [],
        },
      ]);
    },
  );

  it.each(['jws', 'cose'] as const)(
    'verifies a %s signature made with an RSA key (PS384)',
    async (envelope) => {
      const image = await freshImage();
      await notary.sign(image.ref, releaseRsa, { envelope });
      expect(await verify(image)).toMatchObject([{ verified: true, format: envelope, error: null }]);
    },
  );

  it.each(['jws', 'cose'] as const)('fails a %s signature from another CA, saying so', async (envelope) => {
    const image = await freshImage();
    await notary.sign(image.ref, stranger, { envelope });
    const [signature] = await verify(image);
    expect(signature).toMatchObject({ verified: false, issuer: 'C=US, ST=WA, O=Other, CN=Other Root' });
    expect(signature?.error?.code).toBe('untrusted_certificate');
    expect(signature?.error?.message).toMatch(
      /leads to no CA in the trust policy's trust store \(C=US, ST=WA, O=Acme, CN=Acme Root\): it was signed under another CA/,
    );
    // At level audit, authenticity is only logged (as in Notation).
    const [audited] = await verify(image, policy({ level: 'audit' }));
    expect(audited).toMatchObject({ verified: true, level: 'audit' });
    expect(audited?.logged).toEqual([expect.stringMatching(/^authenticity: its certificate chain/)]);
  });

  it.each(['jws', 'cose'] as const)(
    'fails a %s signature whose certificate has expired (strict), logs it (permissive)',
    async (envelope) => {
      const image = await freshImage();
      // notation-go signs only with a certificate valid at the signing time: sign "in 2024".
      await notary.sign(image.ref, expired, { envelope, signingTime: '2024-06-01T12:00:00Z' });
      const [signature] = await verify(image);
      expect(signature).toMatchObject({ verified: false, error: { code: 'expired' } });
      expect(signature?.error?.message).toBe(
        'its certificate C=US, ST=WA, O=Acme, CN=release expired on 2025-01-01T00:00:00Z, and no verified timestamp shows the signature was made while it was valid',
      );
      const [permissive] = await verify(image, policy({ level: 'permissive' }));
      expect(permissive).toMatchObject({
        verified: true,
        logged: [expect.stringMatching(/^authenticTimestamp: its certificate .* expired/)],
      });
      const [overridden] = await verify(image, policy({ override: { authenticTimestamp: 'log' } }));
      expect(overridden?.verified).toBe(true);
    },
  );

  it('fails a signature whose identity is not trusted, and compares subjects whatever their order', async () => {
    const image = await freshImage();
    await notary.sign(image.ref, release);
    const [wrong] = await verify(image, policy({ identities: ['x509.subject: C=US, O=Acme, CN=nightly'] }));
    expect(wrong).toMatchObject({ verified: false, error: { code: 'wrong_signer' } });
    expect(wrong?.error?.message).toMatch(
      /signed by C=US, ST=WA, O=Acme, CN=release, not by an identity the trust policy trusts/,
    );
    const [reordered] = await verify(
      image,
      policy({ identities: ['x509.subject: CN=release, S=WA, O=Acme, C=US'] }),
    );
    expect(reordered?.verified).toBe(true);
    const [any] = await verify(image, policy({ identities: ['*'] }));
    expect(any?.verified).toBe(true);
  });

  it.each(['jws', 'cose'] as const)(
    'fails a %s envelope whose payload was altered, and one for another digest',
    async (envelope) => {
      const image = await freshImage();
      await notary.sign(image.ref, release, { envelope });
      const { mediaType, bytes } = await envelopeOf(image);
      const otherDigest = `sha256:${'0'.repeat(64)}`;
      let tampered: Buffer;
      if (envelope === 'jws') {
        const jws = JSON.parse(bytes.toString('utf8'));
        const payload = Buffer.from(jws.payload, 'base64url')
          .toString('utf8')
          .replace(image.digest, otherDigest);
        tampered = Buffer.from(
          JSON.stringify({ ...jws, payload: Buffer.from(payload).toString('base64url') }),
        );
      } else {
        // The digest's hex sits in the payload bytes as text: change one character of it.
        const at = bytes.indexOf(Buffer.from(image.digest.slice(7)));
        expect(at).toBeGreaterThan(0);
        tampered = Buffer.from(bytes);
        tampered[at] = tampered[at] === 0x30 ? 0x31 : 0x30;
        expect(() => decodeCbor(tampered)).not.toThrow();
      }
      expect(verifyNotationEnvelope(mediaType, tampered, image.digest, policy())).toMatchObject({
        verified: false,
        error: { code: 'tampered', message: expect.stringMatching(/altered after signing/) },
      });
      // The untouched envelope names this image, not another.
      expect(verifyNotationEnvelope(mediaType, bytes, otherDigest, policy())).toMatchObject({
        verified: false,
        digest: image.digest,
        error: { code: 'digest_mismatch' },
      });
    },
  );

  it('refuses envelopes that are not what they claim, without throwing', () => {
    const p = policy();
    for (const [mediaType, bytes] of [
      ['application/jose+json', Buffer.from('not json')],
      [
        'application/jose+json',
        Buffer.from('{"protected":"e30","payload":"e30","signature":"","header":{}}'),
      ],
      ['application/cose', Buffer.from([0xd2, 0x84, 0x40, 0xa0, 0xf6, 0x40])],
      ['application/cose', Buffer.from([0x9f, 0xff])],
    ] as const) {
      expect(verifyNotationEnvelope(mediaType, bytes, `sha256:${'1'.repeat(64)}`, p)).toMatchObject({
        kind: 'notation',
        verified: false,
        error: { code: 'malformed' },
      });
    }
  });

  it('looks for nothing at level skip, and finds nothing on an unsigned image', async () => {
    const image = await freshImage();
    expect(await verify(image)).toEqual([]);
    await notary.sign(image.ref, release);
    expect(await verify(image, policy({ level: 'skip' }))).toEqual([]);
  });

  it('reads `notation:` in a trust policy, and refuses a bad one with the place', () => {
    const document = (notation: unknown) => ({ policies: [{ images: ['**'], notation }] });
    const set = trustPolicyFromDocument(
      document({ trust_store: [acme.certificatePath], identities: ['*'] }),
      {
        baseDir: '/',
        source: 'test',
      },
    );
    expect(set.policies[0]?.notation).toMatchObject({ level: 'strict', identities: [{ any: true }] });
    expect(() =>
      trustPolicyFromDocument(document({ trust_store: [], identities: ['*'] }), {
        baseDir: '/',
        source: 't',
      }),
    ).toThrow(/policies\[0\]\.notation\.trust_store: name at least one CA certificate/);
    expect(() =>
      trustPolicyFromDocument(
        document({ trust_store: [acme.certificatePath], identities: ['*'], level: 'lenient' }),
        { baseDir: '/', source: 't' },
      ),
    ).toThrow(/notation\.level: expected strict, permissive, audit or skip/);
    expect(() =>
      trustPolicyFromDocument(document({ trust_store: [acme.certificatePath], identities: ['CN=release'] }), {
        baseDir: '/',
        source: 't',
      }),
    ).toThrow(/identities\[0\]: expected "x509\.subject: <distinguished name>" or "\*"/);
    expect(() =>
      trustPolicyFromDocument(
        document({ trust_store: [acme.certificatePath], identities: ['*'], override: { integrity: 'log' } }),
        {
          baseDir: '/',
          source: 't',
        },
      ),
    ).toThrow(/override\.integrity: cannot be overridden/);
  });

  describe('portcullis verify', () => {
    afterAll(() => {
      delete process.env.PORTCULLIS_TRUST_POLICY;
      resetSettings();
    });

    it('lists the Notation signature, and exits 0 only when it satisfies the trust policy', async () => {
      const [good, foreign] = [await freshImage(), await freshImage()];
      await notary.sign(good.ref, release, { envelope: 'cose' });
      await notary.sign(foreign.ref, stranger);
      const file = join(notary.dir, 'trust-policy.yaml');
      await writeFile(
        file,
        [
          'policies:',
          '  - images: ["127.0.0.1:*/acme/**"]',
          '    notation:',
          `      trust_store: [${JSON.stringify(acme.certificatePath)}]`,
          '      identities: ["x509.subject: C=US, O=Acme, CN=release"]',
          '      level: strict',
          '',
        ].join('\n'),
      );
      process.env.PORTCULLIS_TRUST_POLICY = file;
      resetSettings();
      const insecure = ['--insecure-registry', registry.host];
      const passed = await cli('verify', good.ref, ...insecure);
      expect(passed).toMatchObject({ code: 0, stderr: '' });
      expect(passed.stdout).toBe(
        `Verified: ${registry.host}/${good.repository}@${good.digest} (${good.digest}) is signed by C=US, ST=WA, O=Acme, CN=release (C=US, ST=WA, O=Acme, CN=Acme Root), Notation COSE signature.`,
      );
      const failed = await cli('verify', foreign.ref, ...insecure, '--format', 'json');
      expect(failed.code).toBe(1);
      const report = JSON.parse(failed.stdout);
      expect(report).toMatchObject({
        verified: false,
        reason: 'untrusted certificate',
        signers: [
          { kind: 'notation', key: null, subject: 'x509.subject: C=US, O=Acme, CN=release', level: 'strict' },
        ],
        signatures: [
          { kind: 'notation', format: 'jws', verified: false, error: { code: 'untrusted_certificate' } },
        ],
      });
    });
  });

  it('writes facts the policy-input schema accepts', async () => {
    const image = await freshImage();
    await notary.sign(image.ref, release, { envelope: 'cose' });
    await notary.sign(image.ref, stranger);
    const unwrap = <T>(m: T | { default: T }): T => (m as { default: T }).default ?? (m as T);
    const ajv = new (unwrap(Ajv2020))({ allErrors: true, strict: false });
    ajv.addSchema(JSON.parse(readFileSync(join('docs', 'policy-input.schema.json'), 'utf8')));
    const validate = ajv.getSchema(
      'https://portcullis.dev/schemas/policy-input/v1.json#/$defs/RegistryFacts/properties/signatures',
    );
    const facts = await verify(image, policy({ level: 'permissive' }));
    expect(facts.map((f) => f.verified).sort()).toEqual([false, true]);
    expect(validate?.(facts)).toBe(true);
  });

  describe('portcullis check', () => {
    let repo: string;
    afterAll(async () => {
      if (repo) await rm(repo, { recursive: true, force: true });
      delete process.env.PORTCULLIS_INSECURE_REGISTRIES;
      resetSettings();
    });

    it('denies with PC-SIG-001 what the Notation trust policy of the repository does not accept, saying why', async () => {
      const [good, foreign, old] = [await freshImage(), await freshImage(), await freshImage()];
      await notary.sign(good.ref, release);
      await notary.sign(foreign.ref, stranger, { envelope: 'cose' });
      await notary.sign(old.ref, expired, { signingTime: '2024-06-01T12:00:00Z' });
      repo = await mkdtemp(join(tmpdir(), 'portcullis-notation-check-'));
      await promisify(execFile)('git', ['init', '--quiet', repo]);
      await mkdir(join(repo, '.github', 'certs'), { recursive: true });
      await mkdir(join(repo, 'deploy'));
      await writeFile(join(repo, '.github', 'certs', 'acme.pem'), acme.certificatePem);
      await writeFile(
        join(repo, '.github', 'portcullis.yml'),
        [
          'trust:',
          '  policies:',
          '    - images: ["127.0.0.1:*/acme/**"]',
          '      notation:',
          '        trust_store: [.github/certs/acme.pem]',
          '        identities: ["x509.subject: C=US, O=Acme, CN=release"]',
          '',
        ].join('\n'),
      );
      const pod = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: app', 'spec:', '  containers:'];
      for (const [name, image] of [
        ['good', good],
        ['foreign', foreign],
        ['old', old],
      ] as const) {
        pod.push(`    - name: ${name}`, `      image: ${registry.host}/${image.repository}:1.0`);
      }
      await writeFile(join(repo, 'deploy', 'app.yaml'), `${pod.join('\n')}\n`);
      process.env.PORTCULLIS_INSECURE_REGISTRIES = registry.host;
      resetSettings();
      const result = await cli('check', '--repo', repo, '--format', 'json');
      expect(result.code).toBe(1);
      const findings = (
        JSON.parse(result.stdout) as { findings: { rule_id: string; line: number; message: string }[] }
      ).findings.filter((f) => f.rule_id === 'PC-SIG-001');
      expect(findings.map((f) => f.line)).toEqual([10, 12]);
      expect(findings[0]?.message).toMatch(
        /untrusted certificate \(Notation COSE signature\): .*signed under another CA\.$/,
      );
      expect(findings[1]?.message).toMatch(
        /expired \(Notation JWS signature\): its certificate C=US, ST=WA, O=Acme, CN=release expired on 2025-01-01T00:00:00Z/,
      );
    });
  });
});
