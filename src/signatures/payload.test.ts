/**
 * Signed payloads of the wrong shape: the signature verifies (so the payload is believed to
 * come from the signer), yet what it says cannot be read. A reason naming the place, not a crash.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { trustedKey } from './trust-policy.js';
import { type Signers, verifySimpleSigning } from './verify.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signers: Signers = { keys: [trustedKey(publicKey)], keyless: [], trustedRoot: null };

function signed(payload: unknown): [Buffer, Record<string, string>] {
  const bytes = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  return [
    bytes,
    { 'dev.cosignproject.cosign/signature': sign('sha256', bytes, privateKey).toString('base64') },
  ];
}

describe('simple-signing payloads', () => {
  test('a payload naming the image verifies', () => {
    const [bytes, annotations] = signed({
      critical: { type: 'cosign container image signature', image: { 'docker-manifest-digest': DIGEST } },
    });
    expect(verifySimpleSigning(bytes, annotations, DIGEST, signers)).toMatchObject({
      verified: true,
      digest: DIGEST,
    });
  });

  test('a payload of the wrong shape is malformed, with the place', () => {
    const [bytes, annotations] = signed({
      critical: { type: 'cosign container image signature', image: 'x' },
    });
    expect(verifySimpleSigning(bytes, annotations, DIGEST, signers)).toMatchObject({
      verified: false,
      error: { message: expect.stringContaining('/critical/image must be object') },
    });
    const [notJson, notJsonAnnotations] = signed('{"critical":');
    expect(verifySimpleSigning(notJson, notJsonAnnotations, DIGEST, signers)).toMatchObject({
      verified: false,
      error: { message: expect.stringContaining('it is not JSON') },
    });
  });
});
