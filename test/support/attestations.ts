/**
 * Attestation and transparency-log fixtures for the signature tests: predicates as real
 * builders write them, and Rekor entries signed by a test log key.
 */
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

/** SLSA provenance v1 as GitHub's `actions/attest-build-provenance` writes it (fields trimmed). */
export function githubProvenance(builder: string, repository = 'https://github.com/acme/web'): unknown {
  return {
    buildDefinition: {
      buildType: 'https://actions.github.io/buildtypes/workflow/v1',
      externalParameters: {
        workflow: { ref: 'refs/tags/v1.2.0', repository, path: '.github/workflows/release.yml' },
      },
      resolvedDependencies: [
        {
          uri: `git+${repository}@refs/tags/v1.2.0`,
          digest: { gitCommit: '0123456789abcdef0123456789abcdef01234567' },
        },
      ],
    },
    runDetails: { builder: { id: builder }, metadata: { invocationId: 'run-1' } },
  };
}

/** A transparency log of our own: a Rekor-like key, its log id, and a trusted root naming it. */
export interface TestRekor {
  baseUrl: string;
  /** SHA-256 of the log key's DER SubjectPublicKeyInfo, as Rekor derives its log id. */
  logId: Buffer;
  privateKey: KeyObject;
  /** A Sigstore trusted_root.json (JSON value) listing this log and no certificate authority. */
  trustedRoot: unknown;
}

export function testRekor(name = 'rekor.portcullis.test'): TestRekor {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const logId = createHash('sha256').update(der).digest();
  const baseUrl = `https://${name}`;
  return {
    baseUrl,
    logId,
    privateKey,
    trustedRoot: {
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [
        {
          baseUrl,
          hashAlgorithm: 'SHA2_256',
          publicKey: {
            rawBytes: der.toString('base64'),
            keyDetails: 'PKIX_ECDSA_P256_SHA_256',
            validFor: { start: '2020-01-01T00:00:00Z' },
          },
          logId: { keyId: logId.toString('base64') },
        },
      ],
      certificateAuthorities: [],
      ctlogs: [],
      timestampAuthorities: [],
    },
  };
}

const sha256 = (...parts: Buffer[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const leafHash = (leaf: Buffer) => sha256(Buffer.from([0]), leaf);
const nodeHash = (left: Buffer, right: Buffer) => sha256(Buffer.from([1]), left, right);

/** RFC 6962 §2.1: the Merkle tree hash of `leaves` (already leaf-hashed). */
function treeHash(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0] as Buffer;
  const k = largestPowerOfTwoBelow(leaves.length);
  return nodeHash(treeHash(leaves.slice(0, k)), treeHash(leaves.slice(k)));
}

/** RFC 6962 §2.1.1: the audit path of leaf `m`, deepest sibling first. */
function auditPath(m: number, leaves: readonly Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = largestPowerOfTwoBelow(leaves.length);
  return m < k
    ? [...auditPath(m, leaves.slice(0, k)), treeHash(leaves.slice(k))]
    : [...auditPath(m - k, leaves.slice(k)), treeHash(leaves.slice(0, k))];
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Canonical JSON (RFC 8785 for the values Rekor uses: objects, strings, integers). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * `bundle` (a Sigstore bundle's JSON, signed with the key whose PEM is `signerPem`) with a
 * Rekor `dsse` 0.0.1 entry for its envelope, as Rekor would have logged it: the entry is leaf
 * `index` of a log of `size` entries, with a signed entry timestamp and an RFC 6962 inclusion
 * proof against a checkpoint, both signed by `rekor`'s key.
 */
export function withTlogEntry(
  bundle: Record<string, unknown>,
  signerPem: string,
  rekor: TestRekor,
  { index = 4, size = 7, integratedTime = 1_760_000_000 } = {},
): Record<string, unknown> {
  const envelope = bundle.dsseEnvelope as { payload: string; signatures: { sig: string }[] };
  const signature = envelope.signatures[0]?.sig ?? '';
  const body = Buffer.from(
    canonical({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        envelopeHash: {
          algorithm: 'sha256',
          value: sha256(Buffer.from(JSON.stringify(envelope))).toString('hex'),
        },
        payloadHash: {
          algorithm: 'sha256',
          value: sha256(Buffer.from(envelope.payload, 'base64')).toString('hex'),
        },
        signatures: [{ signature, verifier: Buffer.from(signerPem).toString('base64') }],
      },
    }),
  );
  const leaves = Array.from({ length: size }, (_, i) =>
    leafHash(i === index ? body : Buffer.from(`another entry ${i}`)),
  );
  const root = treeHash(leaves);
  const origin = `${rekor.baseUrl.replace('https://', '')} - 1193050959916656506`;
  const note = `${origin}\n${size}\n${root.toString('base64')}\n`;
  const noteSignature = sign('sha256', Buffer.from(note), rekor.privateKey);
  const checkpoint = `${note}\n\u2014 ${rekor.baseUrl.replace('https://', '')} ${Buffer.concat([rekor.logId.subarray(0, 4), noteSignature]).toString('base64')}\n`;
  const set = sign(
    'sha256',
    Buffer.from(
      canonical({
        body: body.toString('base64'),
        integratedTime,
        logIndex: index,
        logID: rekor.logId.toString('hex'),
      }),
    ),
    rekor.privateKey,
  );
  const material = bundle.verificationMaterial as Record<string, unknown>;
  return {
    ...bundle,
    verificationMaterial: {
      ...material,
      tlogEntries: [
        {
          logIndex: String(index),
          logId: { keyId: rekor.logId.toString('base64') },
          kindVersion: { kind: 'dsse', version: '0.0.1' },
          integratedTime: String(integratedTime),
          inclusionPromise: { signedEntryTimestamp: set.toString('base64') },
          inclusionProof: {
            logIndex: String(index),
            rootHash: root.toString('base64'),
            treeSize: String(size),
            hashes: auditPath(index, leaves).map((hash) => hash.toString('base64')),
            checkpoint: { envelope: checkpoint },
          },
          canonicalizedBody: body.toString('base64'),
        },
      ],
    },
  };
}
