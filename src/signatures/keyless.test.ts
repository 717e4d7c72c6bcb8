/**
 * Keyless (certificate) signatures in the Sigstore bundle format, verified against an
 * operator-supplied trusted root. Offline there is no Fulcio to ask for a certificate, so a
 * small Sigstore is made here with openssl: a certificate authority issuing a short-lived
 * certificate with Fulcio's OIDC-issuer extension and a workflow URI as its subject, and a
 * timestamp authority (`openssl ts`) vouching for when the signature was made. The bundle
 * itself is written as cosign writes it: a DSSE envelope around an in-toto statement.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dsse } from '@sigstore/core';
import type { KeylessIdentity } from './trust-policy.js';
import { parseTrustedRoot } from './trusted-root.js';
import { type Signers, verifyBundle } from './verify.js';

const ISSUER = 'https://token.actions.githubusercontent.com';
const SUBJECT = 'https://github.com/acme/web/.github/workflows/release.yml@refs/tags/v1.0.0';
const DIGEST = `sha256:${createHash('sha256').update('an image').digest('hex')}`;

const dir = mkdtempSync(join(tmpdir(), 'portcullis-keyless-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function der(name: string): string {
  const pem = readFileSync(join(dir, name), 'utf8');
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/** A self-signed EC P-256 CA, `name.key` and `name.crt`. */
function authority(name: string): void {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-subj',
    `/O=portcullis-test/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
}

/** A certificate for `name.key` signed by `ca`, with the extensions given. */
function issue(name: string, ca: string, extensions: string[]): void {
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  openssl('req', '-new', '-key', `${name}.key`, '-subj', `/O=portcullis-test`, '-out', `${name}.csr`);
  writeFileSync(join(dir, `${name}.ext`), `${extensions.join('\n')}\n`);
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-set_serial',
    String(Date.now()),
    '-days',
    '1',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  );
}

/** An RFC 3161 timestamp response over `data`, from the test TSA. */
function timestamp(data: Buffer): Buffer {
  writeFileSync(join(dir, 'signature.bin'), data);
  openssl('ts', '-query', '-data', 'signature.bin', '-sha256', '-cert', '-out', 'request.tsq');
  openssl(
    'ts',
    '-reply',
    '-config',
    'tsa.cnf',
    '-queryfile',
    'request.tsq',
    '-signer',
    'tsa.crt',
    '-inkey',
    'tsa.key',
    '-out',
    'response.tsr',
  );
  return readFileSync(join(dir, 'response.tsr'));
}

interface BundleOptions {
  certificate?: string;
  digest?: string;
  /** Changes the payload after signing. */
  tamper?: boolean;
}

/** A bundle as `cosign sign --new-bundle-format` writes it, signed by the `leaf` certificate's key. */
function keylessBundle(options: BundleOptions = {}): Buffer {
  const statement = (digest: string) =>
    Buffer.from(
      JSON.stringify({
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ digest: { sha256: digest.slice('sha256:'.length) } }],
        predicateType: 'https://sigstore.dev/cosign/sign/v1',
      }),
    );
  const payload = statement(options.digest ?? DIGEST);
  const payloadType = 'application/vnd.in-toto+json';
  const key = createPrivateKey(readFileSync(join(dir, 'leaf.key')));
  const signature = sign('sha256', dsse.preAuthEncoding(payloadType, payload), key);
  const signed = options.tamper ? statement(`sha256:${'0'.repeat(64)}`) : payload;
  return Buffer.from(
    JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: {
        certificate: { rawBytes: der(options.certificate ?? 'leaf.crt') },
        tlogEntries: [],
        timestampVerificationData: {
          rfc3161Timestamps: [{ signedTimestamp: timestamp(signature).toString('base64') }],
        },
      },
      dsseEnvelope: {
        payload: signed.toString('base64'),
        payloadType,
        signatures: [{ sig: signature.toString('base64'), keyid: '' }],
      },
    }),
  );
}

function trustedRoot(ca: string) {
  const chain = (names: string[]) => ({ certificates: names.map((name) => ({ rawBytes: der(name) })) });
  return parseTrustedRoot(
    JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [],
      ctlogs: [],
      certificateAuthorities: [
        {
          subject: { organization: 'portcullis-test', commonName: ca },
          uri: 'https://fulcio.invalid',
          certChain: chain([`${ca}.crt`]),
          validFor: { start: '2020-01-01T00:00:00Z' },
        },
      ],
      timestampAuthorities: [
        {
          subject: { organization: 'portcullis-test', commonName: 'tsa' },
          certChain: chain(['tsa.crt', 'tsa-root.crt']),
          validFor: { start: '2020-01-01T00:00:00Z' },
        },
      ],
    }),
  );
}

const identity: KeylessIdentity = {
  issuer: ISSUER,
  subject: 'https://github.com/acme/*/.github/workflows/*@refs/tags/*',
};
let signers: Signers;

beforeAll(() => {
  authority('fulcio');
  authority('other-ca');
  authority('tsa-root');
  const fulcioExtensions = [
    `subjectAltName=critical,URI:${SUBJECT}`,
    // Fulcio's OIDC issuer (v2), a DER UTF8String.
    `1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:${ISSUER}`,
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=codeSigning',
  ];
  issue('leaf', 'fulcio', fulcioExtensions);
  issue('stranger', 'other-ca', fulcioExtensions);
  issue('tsa', 'tsa-root', ['keyUsage=critical,digitalSignature', 'extendedKeyUsage=critical,timeStamping']);
  writeFileSync(
    join(dir, 'tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = tsa_config',
      '[ tsa_config ]',
      `serial = ${join(dir, 'tsa.serial')}`,
      'signer_digest = sha256',
      'default_policy = 1.3.6.1.4.1.57264.2',
      'digests = sha256',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'tsa.serial'), '01\n');
  signers = { keys: [], keyless: [identity], trustedRoot: trustedRoot('fulcio') };
});

describe('keyless bundles', () => {
  it('verifies a certificate from the trusted root whose identity the policy accepts', () => {
    expect(verifyBundle(keylessBundle(), DIGEST, signers)).toEqual({
      verified: true,
      format: 'bundle',
      signer: SUBJECT,
      issuer: ISSUER,
      digest: DIGEST,
      error: null,
    });
  });

  it('rejects another identity, and another issuer', () => {
    const bundle = keylessBundle();
    const otherRepo = { ...signers, keyless: [{ issuer: ISSUER, subject: 'https://github.com/evil/*' }] };
    expect(verifyBundle(bundle, DIGEST, otherRepo)).toMatchObject({
      verified: false,
      signer: SUBJECT,
      issuer: ISSUER,
      error: { code: 'wrong_signer' },
    });
    const otherIssuer = { ...signers, keyless: [{ ...identity, issuer: 'https://accounts.google.com' }] };
    expect(verifyBundle(bundle, DIGEST, otherIssuer).error?.code).toBe('wrong_signer');
  });

  it('rejects a certificate from an authority the trusted root does not list', () => {
    const result = verifyBundle(keylessBundle({ certificate: 'stranger.crt' }), DIGEST, signers);
    expect(result).toMatchObject({ verified: false, error: { code: 'untrusted_certificate' } });
  });

  it('rejects a payload changed after signing, and a signature for another digest', () => {
    expect(verifyBundle(keylessBundle({ tamper: true }), DIGEST, signers).error?.code).toBe('tampered');
    const elsewhere = `sha256:${'a'.repeat(64)}`;
    expect(verifyBundle(keylessBundle({ digest: elsewhere }), DIGEST, signers)).toMatchObject({
      verified: false,
      signer: SUBJECT,
      digest: elsewhere,
      error: { code: 'digest_mismatch' },
    });
  });

  it('cannot verify without a trusted root, and does not accept keyless where only keys are', () => {
    const bundle = keylessBundle();
    expect(verifyBundle(bundle, DIGEST, { ...signers, trustedRoot: null }).error).toMatchObject({
      code: 'unsupported',
      message: expect.stringContaining('PORTCULLIS_SIGSTORE_TRUSTED_ROOT'),
    });
    expect(verifyBundle(bundle, DIGEST, { ...signers, keyless: [] }).error?.code).toBe('wrong_signer');
  });

  it('reads a malformed bundle as malformed', () => {
    expect(verifyBundle(Buffer.from('{"mediaType":"nope"}'), DIGEST, signers).error?.code).toBe('malformed');
  });
});
