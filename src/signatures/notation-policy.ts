/**
 * The `notation:` part of a trust-policy entry: which Notary Project signatures an image's
 * policy accepts, with Notation's own trust-policy semantics (trust-store-trust-policy.md):
 *
 * ```yaml
 * policies:
 *   - images: ["registry.acme.com/team/**"]   # Notation's registryScopes
 *     notation:
 *       trust_store: ["certs/acme-root.pem"]   # CA certificates: a path (relative to the policy) or PEM
 *       identities: ["x509.subject: C=US, O=Acme, CN=release"]   # or ["*"]
 *       level: strict                          # strict | permissive | audit | skip
 *       override: {expiry: log}                # per-check action: enforce | log | skip
 * ```
 */
import { X509Certificate } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { errorMessage } from '../errors.js';
import { readOperatorFile } from '../operator-file.js';

/** Notation's verification levels: which checks fail a signature and which are only logged. */
export type NotationLevel = 'strict' | 'permissive' | 'audit' | 'skip';
export type NotationCheck = 'integrity' | 'authenticity' | 'authenticTimestamp' | 'expiry' | 'revocation';
export type NotationAction = 'enforce' | 'log' | 'skip';

/** Notation's table (notation-go verifier/trustpolicy): `skip` skips all, `integrity` is never merely logged. */
export const NOTATION_LEVELS: Record<NotationLevel, Record<NotationCheck, NotationAction>> = {
  strict: {
    integrity: 'enforce',
    authenticity: 'enforce',
    authenticTimestamp: 'enforce',
    expiry: 'enforce',
    revocation: 'enforce',
  },
  permissive: {
    integrity: 'enforce',
    authenticity: 'enforce',
    authenticTimestamp: 'log',
    expiry: 'log',
    revocation: 'log',
  },
  audit: {
    integrity: 'enforce',
    authenticity: 'log',
    authenticTimestamp: 'log',
    expiry: 'log',
    revocation: 'log',
  },
  skip: {
    integrity: 'skip',
    authenticity: 'skip',
    authenticTimestamp: 'skip',
    expiry: 'skip',
    revocation: 'skip',
  },
};

/** A trusted identity: the leaf certificate's subject, as attribute type → value (order does not matter). */
export type NotationIdentity =
  | { any: true; text: '*' }
  | { any: false; text: string; subject: Map<string, string> };

export interface NotationPolicy {
  /** CA certificates a signature's chain must lead to. */
  trustStore: X509Certificate[];
  identities: NotationIdentity[];
  level: NotationLevel;
  /** The level's action per check, with the policy's overrides applied. */
  actions: Record<NotationCheck, NotationAction>;
}

const MAX_TRUST_STORE_BYTES = 1 << 20;
const CHECKS: readonly NotationCheck[] = [
  'integrity',
  'authenticity',
  'authenticTimestamp',
  'expiry',
  'revocation',
];

/**
 * Validates a policy entry's `notation:` mapping and loads its trust store. `fail(where, why)`
 * throws; paths are relative to `baseDir`.
 */
export function notationPolicyFromDocument(
  value: unknown,
  where: string,
  baseDir: string,
  fail: (where: string, why: string) => never,
): NotationPolicy | null {
  if (value === undefined) return null;
  if (!isRecord(value)) return fail(where, 'expected {trust_store: [...], identities: [...], level}');
  const unknown = Object.keys(value).filter(
    (key) => !['trust_store', 'identities', 'level', 'override'].includes(key),
  );
  if (unknown.length > 0)
    fail(`${where}.${unknown[0]}`, 'expected trust_store, identities, level or override');
  const store = strings(value.trust_store, `${where}.trust_store`, fail);
  const level = (value.level ?? 'strict') as NotationLevel;
  if (!(level in NOTATION_LEVELS)) {
    fail(`${where}.level`, `expected strict, permissive, audit or skip, not ${JSON.stringify(value.level)}`);
  }
  const actions = { ...NOTATION_LEVELS[level] };
  if (value.override !== undefined) {
    if (!isRecord(value.override)) return fail(`${where}.override`, 'expected {check: enforce | log | skip}');
    for (const [check, action] of Object.entries(value.override)) {
      if (!CHECKS.includes(check as NotationCheck))
        fail(`${where}.override.${check}`, `expected one of ${CHECKS.join(', ')}`);
      if (!['enforce', 'log', 'skip'].includes(action as string))
        fail(`${where}.override.${check}`, 'expected enforce, log or skip');
      // As Notation: integrity cannot be overridden, and a `skip` level has nothing to override.
      if (check === 'integrity' || level === 'skip')
        fail(`${where}.override.${check}`, `cannot be overridden${level === 'skip' ? ' at level skip' : ''}`);
      actions[check as NotationCheck] = action as NotationAction;
    }
  }
  if (level !== 'skip' && store.length === 0)
    fail(`${where}.trust_store`, 'name at least one CA certificate');
  const trustStore = store.flatMap((entry, k) =>
    loadCertificates(entry, baseDir, (why) => fail(`${where}.trust_store[${k}]`, why)),
  );
  const identityTexts = strings(value.identities ?? [], `${where}.identities`, fail);
  if (level !== 'skip' && identityTexts.length === 0) {
    fail(
      `${where}.identities`,
      'name the trusted identities ("x509.subject: C=US, O=Acme, CN=release"), or "*" for any the trust store vouches for',
    );
  }
  const identities = identityTexts.map((text, k) =>
    parseIdentity(text, (why) => fail(`${where}.identities[${k}]`, why)),
  );
  if (identities.some((identity) => identity.any) && identities.length > 1) {
    fail(`${where}.identities`, '"*" stands alone, as in Notation');
  }
  return { trustStore, identities, level, actions };
}

/** `x509.subject: C=US, O=Acme, CN=release`, or `*`. */
export function parseIdentity(text: string, fail: (why: string) => never): NotationIdentity {
  if (text.trim() === '*') return { any: true, text: '*' };
  const match = /^\s*x509\.subject\s*:\s*(.+)$/.exec(text);
  if (!match?.[1]) return fail('expected "x509.subject: <distinguished name>" or "*"');
  const subject = parseDistinguishedName(match[1]);
  if ('error' in subject) return fail(subject.error);
  return { any: false, text: text.trim(), subject: subject.value };
}

/**
 * A distinguished name as `C=US, O=Acme, CN=release` into attribute → value. Commas escaped
 * with `\` stay in a value; an attribute given twice is refused (Notation does too: an
 * identity must be unambiguous).
 */
export function parseDistinguishedName(text: string): { value: Map<string, string> } | { error: string } {
  const value = new Map<string, string>();
  // Hex-encoded (`=#…`) values are refused, as Notation refuses them: they would compare unequal to the decoded subject.
  if (text.includes('=#')) return { error: 'hex-encoded attribute values (=#…) are not supported' };
  for (const part of text.split(/(?<!\\),/)) {
    const at = part.indexOf('=');
    if (at <= 0) return { error: `"${part.trim()}" is not ATTRIBUTE=value` };
    const given = part.slice(0, at).trim().toUpperCase();
    const type = given === 'S' ? 'ST' : given; // Notation takes S for ST
    const attributeValue = part
      .slice(at + 1)
      .trim()
      .replace(/\\,/g, ',');
    if (!/^[A-Z][A-Z0-9.-]*$/.test(type) || attributeValue === '')
      return { error: `"${part.trim()}" is not ATTRIBUTE=value` };
    if (value.has(type)) return { error: `the attribute ${type} appears twice` };
    value.set(type, attributeValue);
  }
  return { value };
}

/**
 * Whether a certificate subject (Node's `X509Certificate.subject`: one `TYPE=value` per line)
 * matches a trusted identity. As Notation: every attribute the identity names must be in the
 * subject with that value; the subject may have more. The order of attributes does not matter.
 */
export function identityMatches(identity: NotationIdentity, certificateSubject: string): boolean {
  if (identity.any) return true;
  const subject = new Map<string, string>();
  for (const line of certificateSubject.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) subject.set(line.slice(0, at).trim().toUpperCase(), line.slice(at + 1).trim());
  }
  for (const [type, value] of identity.subject) {
    if (subject.get(type) !== value) return false;
  }
  return true;
}

/** Every certificate in a PEM given inline or as a file (a bundle may hold several). */
function loadCertificates(value: string, baseDir: string, fail: (why: string) => never): X509Certificate[] {
  let pem = value;
  if (!value.includes('-----BEGIN')) {
    const path = isAbsolute(value) ? value : resolve(baseDir, value);
    try {
      pem = readOperatorFile(path, MAX_TRUST_STORE_BYTES).toString('utf8');
    } catch (error) {
      return fail(`cannot read the certificate file ${path}: ${errorMessage(error)}`);
    }
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return fail('holds no PEM certificate');
  return blocks.map((block) => {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(block);
    } catch (error) {
      return fail(`not a PEM certificate: ${errorMessage(error)}`);
    }
    if (!certificate.ca)
      fail(`${certificate.subject.replace(/\n/g, ', ')} is no CA certificate (basicConstraints CA:TRUE)`);
    return certificate;
  });
}

function strings(value: unknown, where: string, fail: (where: string, why: string) => never): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.trim() !== '')) {
    return fail(where, 'expected a list of non-empty strings');
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
