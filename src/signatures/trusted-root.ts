/**
 * The Sigstore trusted root (`trusted_root.json`): the certificate authorities (Fulcio),
 * transparency logs (Rekor), certificate-transparency logs and timestamp authorities whose
 * word keyless signatures and transparency-log proofs rest on. The operator's file wins (the
 * one `cosign` keeps in ~/.sigstore/root/, or one written by `cosign trusted-root create` for
 * a private Sigstore); without one, the public-good root: the one shipped in the package
 * (trust/sigstore-public-good/, with its provenance), or, when the operator allows the App to
 * refresh it, the last one fetched through TUF (sigstore-tuf.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { checkJson, type JsonSchema } from '../schema/parse-json.js';
import { PROJECT_ROOT } from '../tools.js';

/** The public-good instance's root, as @sigstore/tuf 5.0.1 embeds it (trust/sigstore-public-good/PROVENANCE.md). */
export const PUBLIC_GOOD_TRUSTED_ROOT = join(
  PROJECT_ROOT,
  'trust',
  'sigstore-public-good',
  'trusted_root.json',
);

let publicGood: TrustedRoot | undefined;
/** The shipped public-good root, read once. */
export function publicGoodTrustedRoot(): TrustedRoot {
  publicGood ??= loadTrustedRoot(PUBLIC_GOOD_TRUSTED_ROOT);
  return publicGood;
}

let refreshed: TrustedRoot | undefined;
/** The root used when the operator names none: the last one fetched through TUF, else the shipped one. */
export function defaultTrustedRoot(): TrustedRoot {
  return refreshed ?? publicGoodTrustedRoot();
}

/**
 * Puts a root whose TUF metadata chain verified (or its verified copy from the cache) in use
 * for the checks that start from now on; undefined goes back to the shipped one.
 */
export function useRefreshedTrustedRoot(root: TrustedRoot | undefined): void {
  refreshed = root;
}

const MEDIA_TYPES = [
  'application/vnd.dev.sigstore.trustedroot.v0.1+json',
  'application/vnd.dev.sigstore.trustedroot.v0.2+json',
  'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
];

export function loadTrustedRoot(path: string): TrustedRoot {
  return parseTrustedRoot(readFileSync(path, 'utf8'));
}

/** What is checked before the protobuf reader, which fills in defaults rather than complain. */
const TRUSTED_ROOT: JsonSchema<{ mediaType: string; certificateAuthorities?: object[] }> = {
  type: 'object',
  required: ['mediaType'],
  properties: {
    mediaType: { type: 'string' },
    certificateAuthorities: { type: 'array', items: { type: 'object' } },
    tlogs: { type: 'array', items: { type: 'object' } },
    ctlogs: { type: 'array', items: { type: 'object' } },
    timestampAuthorities: { type: 'array', items: { type: 'object' } },
  },
};

export function parseTrustedRoot(text: string): TrustedRoot {
  const checked = checkJson(text, TRUSTED_ROOT);
  if ('problem' in checked) throw new Error(`${checked.problem} (expected a Sigstore trusted_root.json)`);
  const json = checked.value;
  if (!MEDIA_TYPES.includes(json.mediaType)) {
    throw new Error(`its mediaType ${JSON.stringify(json.mediaType)} is not a Sigstore trusted root's`);
  }
  const root = TrustedRoot.fromJSON(json);
  // A root with logs only serves key signatures under `require_tlog`; with neither, nothing.
  if (root.certificateAuthorities.length === 0 && root.tlogs.length === 0) {
    throw new Error(
      'it lists no certificate authority and no transparency log, so neither a keyless signature nor a log entry could ever verify',
    );
  }
  return root;
}
