/**
 * Signing the demo's images with the real cosign (`npm run setup` builds it into tools/bin),
 * offline: a key pair made for the run (no password), signatures without a transparency
 * log, on the loopback registry. Each run gets a throw-away HOME and a proxy on a closed
 * loopback port, so anything cosign tries beyond 127.0.0.1 (Sigstore's TUF repository)
 * fails at once instead of leaving the machine.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cleanEnvironment, runProcess } from '../tool-process.js';
import { toolPath } from '../tools.js';

export interface SigningKey {
  /** cosign's encrypted private key (empty password). */
  privateKey: string;
  /** The public key, PEM (what a trust policy names). */
  publicKeyPem: string;
}

/** `cosign generate-key-pair` into `dir` (which is also cosign's HOME). */
export async function generateSigningKey(dir: string, signal?: AbortSignal): Promise<SigningKey> {
  const prefix = join(dir, 'release');
  await cosign(['generate-key-pair', '--output-key-prefix', prefix], dir, null, signal);
  return { privateKey: `${prefix}.key`, publicKeyPem: await readFile(`${prefix}.pub`, 'utf8') };
}

/**
 * `cosign sign --key` on `images` (each `host/repository@sha256:…`, all on one registry) in
 * one run, so the key is decrypted once: Sigstore bundles, which Portcullis finds through
 * the registry's referrers (or, as on this registry, the `sha256-<hex>` tag cosign keeps).
 */
export async function signImages(
  dir: string,
  images: readonly string[],
  key: SigningKey,
  signal?: AbortSignal,
) {
  const [first = ''] = images;
  const host = first.slice(0, first.indexOf('/'));
  await cosign(
    [
      'sign',
      '--key',
      key.privateKey,
      '--tlog-upload=false',
      '--allow-insecure-registry',
      '--new-bundle-format',
      '--yes',
      ...images,
    ],
    dir,
    host,
    signal,
  );
}

async function cosign(args: string[], home: string, registry: string | null, signal?: AbortSignal) {
  const env = cleanEnvironment(home, {
    COSIGN_PASSWORD: '',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: ['127.0.0.1', 'localhost', ...(registry ? [registry] : [])].join(','),
  });
  const result = await runProcess(toolPath('cosign'), args, {
    env,
    cwd: home,
    timeoutMs: 60_000,
    tailBytes: 4000,
    ...(signal ? { signal } : {}),
  });
  if (result.code !== 0) {
    throw new Error(`cosign ${args[0]} failed (${result.code ?? result.signal}): ${result.output.trim()}`);
  }
}
