/**
 * The Sigstore trusted root (`trusted_root.json`): the certificate authorities (Fulcio),
 * transparency logs (Rekor), certificate-transparency logs and timestamp authorities whose
 * word keyless signatures rest on. Portcullis never fetches it (no TUF client runs here,
 * and a pull-request gate should not trust the network for its trust anchors): the operator
 * supplies the file, e.g. the one `cosign` keeps in ~/.sigstore/root/ or one written by
 * `cosign trusted-root create` for a private Sigstore.
 */
import { readFileSync } from 'node:fs';
import { TrustedRoot } from '@sigstore/protobuf-specs';

const MEDIA_TYPES = [
  'application/vnd.dev.sigstore.trustedroot.v0.1+json',
  'application/vnd.dev.sigstore.trustedroot.v0.2+json',
  'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
];

export function loadTrustedRoot(path: string): TrustedRoot {
  return parseTrustedRoot(readFileSync(path, 'utf8'));
}

export function parseTrustedRoot(text: string): TrustedRoot {
  const json: unknown = JSON.parse(text);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error('expected a JSON object (a Sigstore trusted_root.json)');
  }
  const mediaType = (json as { mediaType?: unknown }).mediaType;
  if (typeof mediaType !== 'string' || !MEDIA_TYPES.includes(mediaType)) {
    throw new Error(`its mediaType ${JSON.stringify(mediaType)} is not a Sigstore trusted root's`);
  }
  const root = TrustedRoot.fromJSON(json);
  if (root.certificateAuthorities.length === 0) {
    throw new Error('it lists no certificate authority, so no keyless signature could ever verify');
  }
  return root;
}
