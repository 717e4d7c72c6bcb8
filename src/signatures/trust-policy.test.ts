import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseImageReference } from '../image/reference.js';
import { loadSettings } from '../settings.js';
import {
  matchTrustPolicy,
  subjectMatches,
  TrustPolicyError,
  trustPolicyFromDocument,
  trustPolicyFromEnv,
} from './trust-policy.js';

const dir = mkdtempSync(join(tmpdir(), 'portcullis-trust-'));
const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();
writeFileSync(join(dir, 'cosign.pub'), pem);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const load = (document: unknown) => trustPolicyFromDocument(document, { baseDir: dir, source: 'trust.yaml' });
const image = (text: string) => {
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.reference;
};

describe('trust policies', () => {
  it('loads keys from files (relative to the policy) and inline PEM, with the same fingerprint', () => {
    const set = load({ policies: [{ images: ['ghcr.io/acme/**'], keys: ['cosign.pub', pem] }] });
    const [fromFile, inline] = set.policies[0]?.keys ?? [];
    expect(fromFile?.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(inline?.fingerprint).toBe(fromFile?.fingerprint);
    expect(set.unmatched).toBe('info');
    expect(set.trustedRoot).toBeNull();
  });

  it('refuses a reserved key, naming where it is', () => {
    const document = parseYaml(
      `policies:\n  - images: [a/**]\n    keys: [${JSON.stringify(pem)}]\n    __proto__: {keyless: []}\n`,
    );
    expect(() => load(document)).toThrow(TrustPolicyError);
    expect(() => load(document)).toThrow(/policies\[0\]\.__proto__: "__proto__" is a reserved key/);
  });

  it('picks the first policy whose pattern matches the normalised name', () => {
    const set = load({
      policies: [
        { images: ['127.0.0.1:*/acme/**'], keys: ['cosign.pub'] },
        {
          images: ['docker.io/library/*', 'ghcr.io/acme/*'],
          keyless: [{ issuer: 'https://i', subject: 's' }],
        },
      ],
      unmatched: 'deny',
    });
    expect(matchTrustPolicy(set, image('127.0.0.1:5000/acme/team/web:1'))?.pattern).toBe(
      '127.0.0.1:*/acme/**',
    );
    expect(matchTrustPolicy(set, image('nginx:1.27'))?.pattern).toBe('docker.io/library/*');
    // Registry hosts are case-insensitive.
    expect(matchTrustPolicy(set, image('GHCR.io/acme/web'))?.pattern).toBe('ghcr.io/acme/*');
    // `*` stops at `/`.
    expect(matchTrustPolicy(set, image('ghcr.io/acme/team/web'))).toBeNull();
    expect(matchTrustPolicy(set, image('quay.io/acme/web'))).toBeNull();
  });

  it('matches keyless subjects with globs, case-sensitively', () => {
    const workflow = 'https://github.com/acme/*/.github/workflows/release.yml@refs/tags/*';
    expect(
      subjectMatches(workflow, 'https://github.com/acme/web/.github/workflows/release.yml@refs/tags/v1.2'),
    ).toBe(true);
    expect(
      subjectMatches(workflow, 'https://github.com/acme/web/.github/workflows/ci.yml@refs/heads/main'),
    ).toBe(false);
    expect(subjectMatches('*@acme.com', 'alice@acme.com')).toBe(true);
    expect(subjectMatches('*@acme.com', 'alice@ACME.com')).toBe(false);
  });

  it.each([
    [[], 'the document: expected a mapping'],
    [{ policies: 'x' }, 'policies: expected a list'],
    [
      { policies: [{ images: [], keys: ['cosign.pub'] }] },
      'policies[0].images: name at least one image pattern',
    ],
    [{ policies: [{ images: ['x/**'] }] }, 'policies[0]: name the signers'],
    [
      { policies: [{ images: ['x/**'], keys: ['missing.pub'] }] },
      'policies[0].keys[0]: cannot read the key file',
    ],
    [
      { policies: [{ images: ['x/**'], keys: ['-----BEGIN PUBLIC KEY-----\nnope\n'] }] },
      'not a PEM public key',
    ],
    [
      { policies: [{ images: ['x/**'], keyless: [{ issuer: 'i' }] }] },
      'policies[0].keyless[0]: expected {issuer, subject}',
    ],
    [{ policies: [], unmatched: 'loud' }, 'unmatched: expected one of info, warn, deny, ignore, not "loud"'],
  ])('rejects %j', (document, message) => {
    expect(() => load(document)).toThrow(TrustPolicyError);
    expect(() => load(document)).toThrow(message);
  });

  it('reads PORTCULLIS_TRUST_POLICY, and is off without it', () => {
    expect(trustPolicyFromEnv(loadSettings({}))).toBeNull();
    const file = join(dir, 'trust.yaml');
    writeFileSync(file, 'policies:\n  - images: ["ghcr.io/**"]\n    keys: [cosign.pub]\nunmatched: ignore\n');
    expect(trustPolicyFromEnv(loadSettings({ PORTCULLIS_TRUST_POLICY: file }))).toMatchObject({
      unmatched: 'ignore',
      policies: [{ images: ['ghcr.io/**'] }],
    });
    expect(() =>
      trustPolicyFromEnv(loadSettings({ PORTCULLIS_TRUST_POLICY: join(dir, 'none.yaml') })),
    ).toThrow(/trust policy .*none\.yaml \(PORTCULLIS_TRUST_POLICY\) cannot be read/);
    expect(() =>
      trustPolicyFromEnv(
        loadSettings({ PORTCULLIS_TRUST_POLICY: file, PORTCULLIS_SIGSTORE_TRUSTED_ROOT: file }),
      ),
    ).toThrow(/Sigstore trusted root .* cannot be read/);
  });
});
