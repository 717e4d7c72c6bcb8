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
import { checkJson, type JsonSchema } from '../schema/parse-json.js';

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
  if (root.certificateAuthorities.length === 0) {
    throw new Error('it lists no certificate authority, so no keyless signature could ever verify');
  }
  return root;
}
