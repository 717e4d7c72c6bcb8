/**
 * The two Notary Project signature envelopes, read into one shape: JWS JSON serialization
 * (`application/jose+json`, signature-envelope-jws.md) and COSE_Sign1_Tagged
 * (`application/cose`, signature-envelope-cose.md). Reading checks the envelope's structure
 * and its headers; the cryptography and the trust decisions are notation.ts's.
 *
 * CBOR is decoded here rather than with `cbor-x` or `cbor2`: a Notary COSE envelope uses
 * definite-length integers, byte and text strings, arrays, maps, tag 18 (COSE_Sign1) and
 * tag 1 (epoch times), and nothing else. Those fit in the sixty lines below, which refuse
 * everything else (indefinite lengths, floats, other tags, duplicate map keys, trailing
 * bytes) instead of decoding it, which is what a verifier wants of a hostile blob; the
 * signed bytes are the envelope's own protected-header bytes, never a re-encoding. A general
 * decoder would be a dependency larger than this file that accepts far more than COSE allows.
 */
import { X509Certificate } from 'node:crypto';

export const JWS_MEDIA_TYPE = 'application/jose+json';
export const COSE_MEDIA_TYPE = 'application/cose';
export const NOTARY_PAYLOAD_TYPE = 'application/vnd.cncf.notary.payload.v1+json';

export type EnvelopeFormat = 'jws' | 'cose';

/** A signature algorithm the Notary Project allows, as Node's crypto needs it. */
export interface SignatureAlgorithm {
  name: 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';
  hash: 'sha256' | 'sha384' | 'sha512';
}

export interface NotaryEnvelope {
  format: EnvelopeFormat;
  algorithm: SignatureAlgorithm;
  /** `notary.x509` or `notary.x509.signingAuthority`. */
  signingScheme: string;
  /** `io.cncf.notary.signingTime` (notary.x509): when the signer says it signed, unauthenticated. */
  signingTime: Date | null;
  /** `io.cncf.notary.authenticSigningTime` (notary.x509.signingAuthority): vouched for by the signing authority. */
  authenticSigningTime: Date | null;
  /** `io.cncf.notary.expiry`: after it, the signature no longer counts. */
  expiry: Date | null;
  /** The certificate chain, leaf first, as the unprotected header carries it. */
  certificates: X509Certificate[];
  /** Whether an RFC 3161 timestamp countersignature is attached (not verified: see notation.ts). */
  timestamped: boolean;
  /** The bytes the signature covers. */
  signedBytes: Buffer;
  signature: Buffer;
  /** The signed payload (a Notary payload, JSON). */
  payload: Buffer;
}

/** An envelope that cannot be read, with the reason. */
export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
}

const SIGNING_SCHEME = 'io.cncf.notary.signingScheme';
const SIGNING_TIME = 'io.cncf.notary.signingTime';
const AUTHENTIC_SIGNING_TIME = 'io.cncf.notary.authenticSigningTime';
const EXPIRY = 'io.cncf.notary.expiry';
const TIMESTAMP_SIGNATURE = 'io.cncf.notary.timestampSignature';
const SCHEMES = ['notary.x509', 'notary.x509.signingAuthority'];
/** Headers the specification defines; any other critical header is one we cannot honour. */
const KNOWN_CRITICAL = new Set([SIGNING_SCHEME, EXPIRY, AUTHENTIC_SIGNING_TIME]);
const MAX_CERTIFICATES = 10;

const ALGORITHMS: Record<string, SignatureAlgorithm> = {
  PS256: { name: 'PS256', hash: 'sha256' },
  PS384: { name: 'PS384', hash: 'sha384' },
  PS512: { name: 'PS512', hash: 'sha512' },
  ES256: { name: 'ES256', hash: 'sha256' },
  ES384: { name: 'ES384', hash: 'sha384' },
  ES512: { name: 'ES512', hash: 'sha512' },
};
/** COSE algorithm identifiers (RFC 9053 and RFC 8230) for the same algorithms. */
const COSE_ALGORITHMS = new Map<number, string>([
  [-37, 'PS256'],
  [-38, 'PS384'],
  [-39, 'PS512'],
  [-7, 'ES256'],
  [-35, 'ES384'],
  [-36, 'ES512'],
]);

export function readEnvelope(mediaType: string, bytes: Buffer): NotaryEnvelope {
  if (mediaType === JWS_MEDIA_TYPE) return readJws(bytes);
  if (mediaType === COSE_MEDIA_TYPE) return readCose(bytes);
  throw new EnvelopeError(
    `its envelope type ${mediaType} is neither ${JWS_MEDIA_TYPE} nor ${COSE_MEDIA_TYPE}`,
  );
}

function readJws(bytes: Buffer): NotaryEnvelope {
  let envelope: unknown;
  try {
    envelope = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new EnvelopeError(`the JWS envelope is not JSON: ${(error as Error).message}`);
  }
  if (!isRecord(envelope)) throw new EnvelopeError('the JWS envelope is not a JSON object');
  const { protected: protectedText, payload, signature, header } = envelope;
  if (typeof protectedText !== 'string' || typeof payload !== 'string' || typeof signature !== 'string') {
    throw new EnvelopeError(
      'the JWS envelope lacks `protected`, `payload` or `signature` (the JSON serialization)',
    );
  }
  let headers: unknown;
  try {
    headers = JSON.parse(base64url(protectedText, 'protected').toString('utf8'));
  } catch (error) {
    throw error instanceof EnvelopeError ? error : new EnvelopeError('the JWS protected header is not JSON');
  }
  if (!isRecord(headers)) throw new EnvelopeError('the JWS protected header is not a JSON object');
  const unprotected = isRecord(header) ? header : {};
  const chain = unprotected.x5c;
  if (!Array.isArray(chain) || !chain.every((entry) => typeof entry === 'string')) {
    throw new EnvelopeError('the JWS unprotected header has no `x5c` certificate chain');
  }
  const algorithm = ALGORITHMS[String(headers.alg)];
  if (!algorithm)
    throw new EnvelopeError(`its algorithm ${JSON.stringify(headers.alg)} is not one Notation allows`);
  return {
    format: 'jws',
    algorithm,
    ...signedAttributes(
      headers,
      (value) => (typeof value === 'string' ? rfc3339(value) : null),
      headers.cty,
      ['alg', 'cty', 'crit'],
    ),
    certificates: certificates(chain.map((entry) => Buffer.from(entry, 'base64'))),
    timestamped: unprotected[TIMESTAMP_SIGNATURE] !== undefined,
    // RFC 7515 §5.2: the signature covers ASCII(BASE64URL(protected) || '.' || BASE64URL(payload)).
    signedBytes: Buffer.from(`${protectedText}.${payload}`, 'ascii'),
    signature: base64url(signature, 'signature'),
    payload: base64url(payload, 'payload'),
  };
}

function readCose(bytes: Buffer): NotaryEnvelope {
  const top = decodeCbor(bytes);
  if (!(top instanceof CborTag) || top.tag !== 18) {
    throw new EnvelopeError('the COSE envelope is not a COSE_Sign1_Tagged message (CBOR tag 18)');
  }
  const parts = top.value;
  if (!Array.isArray(parts) || parts.length !== 4)
    throw new EnvelopeError('COSE_Sign1 is not an array of four');
  const [protectedBytes, unprotected, payload, signature] = parts;
  if (!Buffer.isBuffer(protectedBytes) || !(unprotected instanceof Map)) {
    throw new EnvelopeError('COSE_Sign1 has no protected header bytes or no unprotected header map');
  }
  if (!Buffer.isBuffer(payload)) throw new EnvelopeError('COSE_Sign1 has a detached or missing payload');
  if (!Buffer.isBuffer(signature)) throw new EnvelopeError('COSE_Sign1 has no signature bytes');
  const decoded = decodeCbor(protectedBytes);
  if (!(decoded instanceof Map)) throw new EnvelopeError('the COSE protected header is not a map');
  // Labels 1 (alg), 2 (crit) and 3 (content type) as JWS names, so both envelopes share one check.
  const headers: Record<string, unknown> = {};
  for (const [label, value] of decoded) {
    const name = label === 1 ? 'alg' : label === 2 ? 'crit' : label === 3 ? 'cty' : label;
    if (typeof name !== 'string')
      throw new EnvelopeError(`the COSE protected header has label ${String(label)}`);
    headers[name] = value;
  }
  const algorithmName = typeof headers.alg === 'number' ? COSE_ALGORITHMS.get(headers.alg) : undefined;
  const algorithm = algorithmName ? ALGORITHMS[algorithmName] : undefined;
  if (!algorithm)
    throw new EnvelopeError(`its algorithm ${JSON.stringify(headers.alg)} is not one Notation allows`);
  const chain = unprotected.get(33); // x5chain (RFC 9360): one certificate, or an array leaf first
  const ders = Buffer.isBuffer(chain) ? [chain] : Array.isArray(chain) ? chain : null;
  if (!ders?.every((der) => Buffer.isBuffer(der))) {
    throw new EnvelopeError('the COSE unprotected header has no x5chain certificate chain');
  }
  return {
    format: 'cose',
    algorithm,
    ...signedAttributes(
      headers,
      (value) =>
        value instanceof CborTag && value.tag === 1 && typeof value.value === 'number'
          ? new Date(value.value * 1000)
          : null,
      headers.cty,
      ['alg', 'cty', 'crit'],
    ),
    certificates: certificates(ders as Buffer[]),
    timestamped: unprotected.has(TIMESTAMP_SIGNATURE),
    // RFC 9052 §4.4: Sig_structure = ["Signature1", body_protected, external_aad (empty), payload].
    signedBytes: Buffer.concat([
      Buffer.from([0x84]),
      cborHead(3, 10),
      Buffer.from('Signature1', 'ascii'),
      cborHead(2, protectedBytes.length),
      protectedBytes,
      Buffer.from([0x40]),
      cborHead(2, payload.length),
      payload,
    ]),
    signature,
    payload,
  };
}

/** The signed attributes both envelopes share, with the specification's rules on `crit`. */
function signedAttributes(
  headers: Record<string, unknown>,
  time: (value: unknown) => Date | null,
  contentType: unknown,
  envelopeHeaders: string[],
): Pick<NotaryEnvelope, 'signingScheme' | 'signingTime' | 'authenticSigningTime' | 'expiry'> {
  if (contentType !== NOTARY_PAYLOAD_TYPE) {
    throw new EnvelopeError(`its payload type is ${JSON.stringify(contentType)}, not ${NOTARY_PAYLOAD_TYPE}`);
  }
  const scheme = headers[SIGNING_SCHEME];
  if (typeof scheme !== 'string' || !SCHEMES.includes(scheme)) {
    throw new EnvelopeError(`its signing scheme ${JSON.stringify(scheme)} is not ${SCHEMES.join(' or ')}`);
  }
  const critical = headers.crit;
  if (!Array.isArray(critical) || !critical.every((name) => typeof name === 'string')) {
    throw new EnvelopeError('it has no `crit` list of critical headers');
  }
  const at = (name: string): Date | null => {
    if (headers[name] === undefined) return null;
    const value = time(headers[name]);
    if (!value || Number.isNaN(value.getTime())) throw new EnvelopeError(`its ${name} is not a time`);
    return value;
  };
  const signingTime = at(SIGNING_TIME);
  const authenticSigningTime = at(AUTHENTIC_SIGNING_TIME);
  const expiry = at(EXPIRY);
  if (scheme === 'notary.x509' && (!signingTime || authenticSigningTime)) {
    throw new EnvelopeError(`notary.x509 needs ${SIGNING_TIME} and no ${AUTHENTIC_SIGNING_TIME}`);
  }
  if (scheme === 'notary.x509.signingAuthority' && (!authenticSigningTime || signingTime)) {
    throw new EnvelopeError(
      `notary.x509.signingAuthority needs ${AUTHENTIC_SIGNING_TIME} and no ${SIGNING_TIME}`,
    );
  }
  // Headers that must be marked critical when present, and critical headers nobody here understands
  // (a verification plugin's, say): a verifier that ignored one would accept what its signer forbade.
  const mustBeCritical = [
    SIGNING_SCHEME,
    ...(expiry ? [EXPIRY] : []),
    ...(authenticSigningTime ? [AUTHENTIC_SIGNING_TIME] : []),
  ];
  const unmarked = mustBeCritical.filter((name) => !critical.includes(name));
  if (unmarked.length > 0) throw new EnvelopeError(`${unmarked.join(', ')} must be listed in crit`);
  const unknown = critical.filter((name) => !KNOWN_CRITICAL.has(name) || envelopeHeaders.includes(name));
  if (unknown.length > 0) {
    throw new EnvelopeError(
      `it marks critical a header Portcullis does not understand: ${unknown.join(', ')}`,
    );
  }
  const missing = critical.filter((name) => headers[name] === undefined);
  if (missing.length > 0) throw new EnvelopeError(`crit names ${missing.join(', ')}, which the header lacks`);
  return { signingScheme: scheme, signingTime, authenticSigningTime, expiry };
}

function certificates(ders: Buffer[]): X509Certificate[] {
  if (ders.length === 0) throw new EnvelopeError('its certificate chain is empty');
  if (ders.length > MAX_CERTIFICATES)
    throw new EnvelopeError(`its certificate chain has over ${MAX_CERTIFICATES} certificates`);
  return ders.map((der, index) => {
    try {
      return new X509Certificate(der);
    } catch {
      throw new EnvelopeError(`certificate ${index + 1} of its chain is not an X.509 certificate`);
    }
  });
}

function base64url(text: string, what: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new EnvelopeError(`the JWS ${what} is not base64url`);
  return Buffer.from(text, 'base64url');
}

/** RFC 3339 with a time zone, as the JWS envelope writes its times. */
function rfc3339(text: string): Date | null {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)
    ? new Date(text)
    : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- The CBOR subset a Notary COSE envelope uses (RFC 8949) ----

export class CborTag {
  constructor(
    readonly tag: number,
    readonly value: unknown,
  ) {}
}

const MAX_DEPTH = 8;

export function decodeCbor(bytes: Buffer): unknown {
  let offset = 0;
  const fail = (why: string): never => {
    throw new EnvelopeError(`the COSE envelope is not valid CBOR: ${why} at byte ${offset}`);
  };
  const take = (length: number): Buffer => {
    if (length > bytes.length - offset) fail('it ends early');
    const slice = bytes.subarray(offset, offset + length);
    offset += length;
    return slice;
  };
  const item = (depth: number): unknown => {
    if (depth > MAX_DEPTH) fail('it nests too deep');
    const initial = take(1)[0] as number;
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === 7)
      return info === 20 ? false : info === 21 ? true : info === 22 ? null : fail('a float or simple value');
    let argument: number;
    if (info < 24) argument = info;
    else if (info === 24) argument = take(1).readUInt8(0);
    else if (info === 25) argument = take(2).readUInt16BE(0);
    else if (info === 26) argument = take(4).readUInt32BE(0);
    else if (info === 27) {
      const big = take(8).readBigUInt64BE(0);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) fail('an integer too large');
      argument = Number(big);
    } else return fail('an indefinite length');
    switch (major) {
      case 0:
        return argument;
      case 1:
        return -1 - argument;
      case 2:
        return Buffer.from(take(argument));
      case 3:
        return take(argument).toString('utf8');
      case 4: {
        if (argument > bytes.length - offset) fail('an array longer than the envelope');
        return Array.from({ length: argument }, () => item(depth + 1));
      }
      case 5: {
        if (argument > bytes.length - offset) fail('a map longer than the envelope');
        const map = new Map<unknown, unknown>();
        for (let i = 0; i < argument; i++) {
          const key = item(depth + 1);
          if (typeof key !== 'string' && typeof key !== 'number')
            fail('a map key that is neither text nor integer');
          if (map.has(key)) fail(`a duplicate map key ${String(key)}`);
          map.set(key, item(depth + 1));
        }
        return map;
      }
      default: // 6: a tag
        if (argument !== 1 && argument !== 18) fail(`tag ${argument}`);
        return new CborTag(argument, item(depth + 1));
    }
  };
  const value = item(0);
  if (offset !== bytes.length) fail('bytes after the message');
  return value;
}

/** The head of a CBOR item of `major` type with `length`. */
function cborHead(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) {
    const head = Buffer.alloc(3);
    head[0] = (major << 5) | 25;
    head.writeUInt16BE(length, 1);
    return head;
  }
  const head = Buffer.alloc(5);
  head[0] = (major << 5) | 26;
  head.writeUInt32BE(length, 1);
  return head;
}
