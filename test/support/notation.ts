/**
 * Notary Project signing for tests: certificate authorities and code-signing certificates
 * made with openssl, images signed with tools/bin/notation-sign (the Notary Project's own
 * notation-go, built by `npm run setup` from tools/notation-sign).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const NOTATION_SIGN_BINARY =
  process.env.PORTCULLIS_NOTATION_SIGN ?? resolve('tools', 'bin', 'notation-sign');

export interface TestCa {
  /** PEM of the self-signed root: what a trust store holds. */
  certificatePem: string;
  certificatePath: string;
  /**
   * A code-signing leaf certificate issued by this CA (EKU codeSigning, not a CA). `notBefore`
   * and `notAfter` as openssl's YYYYMMDDHHMMSSZ; default: valid from a day ago for a year.
   */
  issue(name: string, options?: LeafOptions): Promise<SigningCertificate>;
}

export interface LeafOptions {
  subject?: string;
  key?: 'ec' | 'rsa';
  notBefore?: string;
  notAfter?: string;
}

export interface SigningCertificate {
  keyPath: string;
  /** Leaf then root, as `notation` wants the chain. */
  chainPath: string;
}

export interface NotationWorkspace {
  dir: string;
  /** A root CA with the given subject (`/C=US/ST=WA/O=Acme/CN=Acme Root`). */
  ca(name: string, subject: string): Promise<TestCa>;
  /** `notation sign` of `image` (HOST/REPO@DIGEST), pushing the signature into the registry. */
  sign(
    image: string,
    signer: SigningCertificate,
    options?: { envelope?: 'jws' | 'cose'; signingTime?: string },
  ): Promise<void>;
  close(): Promise<void>;
}

const ROOT_EXTENSIONS = `
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
`;

const DAY = 24 * 3600 * 1000;
/** openssl's GeneralizedTime, YYYYMMDDHHMMSSZ. */
const stamp = (date: Date) => `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

const LEAF_EXTENSIONS = `
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

export async function notationWorkspace(): Promise<NotationWorkspace> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-notation-'));
  const keyArgs = (type: 'ec' | 'rsa') =>
    type === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:3072'];
  return {
    dir,
    async ca(name, subject) {
      const home = join(dir, name);
      await mkdir(join(home, 'issued'), { recursive: true });
      const certificatePath = join(home, 'ca.pem');
      const keyPath = join(home, 'ca.key');
      // `openssl ca`, not `req -x509` or `x509 -req`: OpenSSL 3.0 sets a validity window in the
      // past only there, and the root must have been valid when an expired leaf signed "in 2024".
      await writeFile(join(home, 'index.txt'), '');
      await writeFile(join(home, 'serial'), '1000\n');
      await writeFile(
        join(home, 'ca.cnf'),
        `[ca]\ndefault_ca = issuing\n[issuing]\ndatabase = ${home}/index.txt\nnew_certs_dir = ${home}/issued\nserial = ${home}/serial\ndefault_md = sha256\npolicy = any\nunique_subject = no\ndefault_days = 365\n[any]\ncommonName = supplied\n[root]${ROOT_EXTENSIONS}[leaf]${LEAF_EXTENSIONS}`,
      );
      const rootRequest = join(home, 'ca.csr');
      await run('openssl', [
        'req',
        '-new',
        ...keyArgs('ec'),
        '-nodes',
        '-keyout',
        keyPath,
        '-out',
        rootRequest,
        '-subj',
        subject,
      ]);
      await run('openssl', [
        'ca',
        '-batch',
        '-notext',
        '-preserveDN',
        '-selfsign',
        '-config',
        join(home, 'ca.cnf'),
        '-extensions',
        'root',
        '-keyfile',
        keyPath,
        '-in',
        rootRequest,
        '-out',
        certificatePath,
        '-startdate',
        '20200101000000Z',
        '-enddate',
        stamp(new Date(Date.now() + 3650 * DAY)),
      ]);
      const certificatePem = await readFile(certificatePath, 'utf8');
      let queue: Promise<unknown> = Promise.resolve();
      return {
        certificatePem,
        certificatePath,
        issue(leafName, options = {}) {
          // One issuance at a time: `openssl ca` rewrites its index and serial files.
          const issued = queue.then(() => issueLeaf(leafName, options));
          queue = issued.catch(() => undefined);
          return issued;
        },
      };
      async function issueLeaf(leafName: string, options: LeafOptions): Promise<SigningCertificate> {
        const leafKey = join(home, `${leafName}.key`);
        const request = join(home, `${leafName}.csr`);
        const leaf = join(home, `${leafName}.pem`);
        await run('openssl', [
          'req',
          '-new',
          ...keyArgs(options.key ?? 'ec'),
          '-nodes',
          '-keyout',
          leafKey,
          '-out',
          request,
          '-subj',
          options.subject ?? '/C=US/ST=WA/O=Acme/CN=release',
        ]);
        await run('openssl', [
          'ca',
          '-batch',
          '-notext',
          '-preserveDN',
          '-config',
          join(home, 'ca.cnf'),
          '-extensions',
          'leaf',
          '-cert',
          certificatePath,
          '-keyfile',
          keyPath,
          '-in',
          request,
          '-out',
          leaf,
          '-startdate',
          options.notBefore ?? stamp(new Date(Date.now() - DAY)),
          '-enddate',
          options.notAfter ?? stamp(new Date(Date.now() + 365 * DAY)),
        ]);
        const chainPath = join(home, `${leafName}.chain.pem`);
        await writeFile(chainPath, (await readFile(leaf, 'utf8')) + certificatePem);
        return { keyPath: leafKey, chainPath };
      }
    },
    async sign(image, signer, options = {}) {
      const args = [
        '--key',
        signer.keyPath,
        '--cert',
        signer.chainPath,
        '--envelope',
        options.envelope ?? 'jws',
      ];
      if (options.signingTime) args.push('--signing-time', options.signingTime);
      await run(NOTATION_SIGN_BINARY, [...args, image], { env: { PATH: process.env.PATH ?? '', HOME: dir } });
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
