/**
 * The real cosign for tests (built by `npm run setup` into tools/bin), kept offline: key
 * pairs without a password, signatures without a transparency log, images on a loopback
 * registry. cosign asks Sigstore's TUF repository for a trusted root on `verify` whatever
 * the flags, so every run gets a throw-away HOME and a proxy on a closed loopback port:
 * anything cosign tries beyond 127.0.0.1 fails at once instead of leaving the machine.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const COSIGN_BINARY = process.env.PORTCULLIS_COSIGN ?? resolve('tools', 'bin', 'cosign');

export interface CosignKeyPair {
  /** cosign's encrypted private key (empty password). */
  privateKey: string;
  /** PEM public key (cosign.pub). */
  publicKey: string;
  publicKeyPem: string;
}

export interface CosignResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The folder of one test file's keys and cosign home; `close` removes it. */
export interface CosignWorkspace {
  dir: string;
  generateKeyPair(name: string): Promise<CosignKeyPair>;
  /**
   * `cosign sign --key` on `image` (which should name a digest), without a transparency log:
   * as a Sigstore bundle referrer (`bundle`) or a `.sig` tag (`simplesigning`).
   */
  sign(image: string, key: CosignKeyPair, format: 'bundle' | 'simplesigning'): Promise<void>;
  /**
   * `cosign attest --key` of a predicate (by default a custom one, as a Sigstore bundle): an
   * attestation, not a signature. `format: 'dsse'` writes cosign's classic `.att` tag.
   */
  attest(image: string, key: CosignKeyPair, options?: AttestOptions): Promise<void>;
  /** `cosign verify --key --insecure-ignore-tlog`, against an empty trusted root. */
  verify(image: string, key: CosignKeyPair, format: 'bundle' | 'simplesigning'): Promise<CosignResult>;
  close(): Promise<void>;
}

export interface AttestOptions {
  predicate?: unknown;
  /** cosign's `--type`: a short name (`slsaprovenance1`, `spdxjson`, `cyclonedx`) or a URI. */
  type?: string;
  format?: 'bundle' | 'dsse';
}

export async function cosignWorkspace(): Promise<CosignWorkspace> {
  if (!existsSync(COSIGN_BINARY)) {
    throw new Error(
      `cosign not found at ${COSIGN_BINARY}: run \`npm run setup\` (it builds cosign into tools/bin) or set PORTCULLIS_COSIGN`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-cosign-'));
  // cosign's verify insists on a trusted root; for keys with --insecure-ignore-tlog an empty one does.
  const emptyRoot = join(dir, 'trusted_root.json');
  await writeFile(
    emptyRoot,
    JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [],
      certificateAuthorities: [],
      ctlogs: [],
      timestampAuthorities: [],
    }),
  );
  let attestations = 0;
  const registryHost = (image: string) => image.slice(0, image.indexOf('/'));
  const formatFlags = (format: 'bundle' | 'simplesigning') =>
    format === 'bundle' ? ['--new-bundle-format'] : [];

  return {
    dir,
    async generateKeyPair(name) {
      const prefix = join(dir, name);
      await expectOk(cosign(['generate-key-pair', '--output-key-prefix', prefix], dir));
      return {
        privateKey: `${prefix}.key`,
        publicKey: `${prefix}.pub`,
        publicKeyPem: await readFile(`${prefix}.pub`, 'utf8'),
      };
    },
    async sign(image, key, format) {
      await expectOk(
        cosign(
          [
            'sign',
            '--key',
            key.privateKey,
            '--tlog-upload=false',
            '--allow-insecure-registry',
            '--yes',
            ...formatFlags(format),
            image,
          ],
          dir,
          registryHost(image),
        ),
      );
    },
    async attest(image, key, options = {}) {
      const predicate = join(dir, `predicate-${++attestations}.json`);
      await writeFile(predicate, JSON.stringify(options.predicate ?? { built_by: 'portcullis tests' }));
      await expectOk(
        cosign(
          [
            'attest',
            '--key',
            key.privateKey,
            '--predicate',
            predicate,
            '--type',
            options.type ?? 'https://portcullis.dev/test/v1',
            '--tlog-upload=false',
            '--allow-insecure-registry',
            '--yes',
            ...(options.format === 'dsse' ? [] : ['--new-bundle-format']),
            image,
          ],
          dir,
          registryHost(image),
        ),
      );
    },
    verify(image, key, format) {
      return cosign(
        [
          'verify',
          '--key',
          key.publicKey,
          '--insecure-ignore-tlog',
          '--trusted-root',
          emptyRoot,
          '--allow-insecure-registry',
          ...formatFlags(format),
          image,
        ],
        dir,
        registryHost(image),
      );
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

function cosign(args: string[], home: string, registry?: string): Promise<CosignResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    COSIGN_PASSWORD: '',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: ['127.0.0.1', 'localhost', registry].filter(Boolean).join(','),
  };
  return new Promise((done) => {
    execFile(COSIGN_BINARY, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

async function expectOk(run: Promise<CosignResult>): Promise<CosignResult> {
  const result = await run;
  if (result.code !== 0) throw new Error(`cosign failed (${result.code}): ${result.stderr.trim()}`);
  return result;
}
