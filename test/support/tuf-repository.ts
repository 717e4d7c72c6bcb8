/**
 * A TUF repository served on 127.0.0.1, laid out as Sigstore's (https://tuf-repo-cdn.sigstore.dev):
 * consistent snapshots, `<version>.root.json`, `timestamp.json`, `<version>.snapshot.json`,
 * `<version>.targets.json`, targets under `targets/<sha256>.<name>`. Its metadata is signed for
 * real: one ed25519 key per top-level role (node:crypto), signatures over the canonical JSON
 * of `signed` (@tufjs/canonical-json, the encoder tuf-js verifies with), key ids the SHA-256 of
 * the key's canonical JSON, as the TUF specification says.
 */
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { canonicalize } from '@tufjs/canonical-json';

type Role = 'root' | 'timestamp' | 'snapshot' | 'targets';
const ROLES: readonly Role[] = ['root', 'timestamp', 'snapshot', 'targets'];
const DAY = 24 * 60 * 60 * 1000;

interface RoleKey {
  keyid: string;
  key: { keytype: 'ed25519'; scheme: 'ed25519'; keyval: { public: string } };
  privateKey: KeyObject;
}

function roleKey(): RoleKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  // The raw 32-byte key is the end of its SubjectPublicKeyInfo.
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const key = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: raw.toString('hex') } } as const;
  return { keyid: createHash('sha256').update(canonicalize(key)).digest('hex'), key, privateKey };
}

/** TUF's dates: UTC, whole seconds. */
function tufDate(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface Publication {
  /** The bytes of the `trusted_root.json` target. */
  trustedRoot: string;
  /** When the new timestamp metadata expires; default a day from now. */
  timestampExpires?: Date;
  /** Serve other bytes (of the same length) than the targets metadata's hashes and length describe. */
  tamperTarget?: boolean;
}

export class TufRepository {
  private readonly keys = Object.fromEntries(ROLES.map((role) => [role, roleKey()])) as Record<Role, RoleKey>;
  private readonly files = new Map<string, Buffer>();
  private version = 0;
  private server: Server | undefined;
  /** The signed root metadata (version 1): the trust a client is seeded with. */
  readonly rootJson: string;
  url = '';

  constructor() {
    this.rootJson = this.signed('root', {
      _type: 'root',
      spec_version: '1.0.31',
      version: 1,
      expires: tufDate(new Date(Date.now() + 365 * DAY)),
      consistent_snapshot: true,
      keys: Object.fromEntries(ROLES.map((role) => [this.keys[role].keyid, this.keys[role].key])),
      roles: Object.fromEntries(
        ROLES.map((role) => [role, { keyids: [this.keys[role].keyid], threshold: 1 }]),
      ),
    });
    this.files.set('/1.root.json', Buffer.from(this.rootJson));
  }

  /** A new version of targets, snapshot and timestamp, each signed by its role's key. */
  publish(publication: Publication): void {
    const version = ++this.version;
    const expires = tufDate(new Date(Date.now() + DAY));
    const target = Buffer.from(publication.trustedRoot);
    const sha256 = createHash('sha256').update(target).digest('hex');
    const served = publication.tamperTarget
      ? Buffer.from(target.toString().replace('"tlogs"', '"tlogz"'))
      : target;
    if (served.length !== target.length) throw new Error('a tampered target keeps its length');
    this.files.set(`/targets/${sha256}.trusted_root.json`, served);
    const targets = this.signed('targets', {
      _type: 'targets',
      spec_version: '1.0.31',
      version,
      expires,
      targets: { 'trusted_root.json': { length: target.length, hashes: { sha256 } } },
    });
    this.files.set(`/${version}.targets.json`, Buffer.from(targets));
    const snapshot = this.signed('snapshot', {
      _type: 'snapshot',
      spec_version: '1.0.31',
      version,
      expires,
      meta: { 'targets.json': { version } },
    });
    this.files.set(`/${version}.snapshot.json`, Buffer.from(snapshot));
    const timestamp = this.signed('timestamp', {
      _type: 'timestamp',
      spec_version: '1.0.31',
      version,
      expires: tufDate(publication.timestampExpires ?? new Date(Date.now() + DAY)),
      meta: { 'snapshot.json': { version } },
    });
    this.files.set('/timestamp.json', Buffer.from(timestamp));
  }

  /** Serves the repository on a free loopback port; `url` is its base. */
  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const file = this.files.get(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      if (req.method !== 'GET' || !file) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': file.length }).end(file);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('the TUF repository has no port');
    this.server = server;
    this.url = `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private signed(role: Role, signed: Record<string, unknown>): string {
    const { keyid, privateKey } = this.keys[role];
    const sig = sign(null, Buffer.from(canonicalize(signed)), privateKey).toString('hex');
    return JSON.stringify({ signed, signatures: [{ keyid, sig }] }, null, 2);
  }
}
