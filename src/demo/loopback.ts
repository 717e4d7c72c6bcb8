/**
 * What the demo's pull request needs around it, made on this machine in a second or two:
 * a loopback registry holding Acme's base image, the worker's images and a Python image
 * with a `-slim` sibling, the worker's
 * image (and the base image) signed with a key made for the run, and a fixture OSV
 * database that knows the packages those images carry. A missing tool skips only the part
 * that needs it, and the demo says which and why.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../errors.js';
import { settings } from '../settings.js';
import { runProcess } from '../tool-process.js';
import { toolPath } from '../tools.js';
import { generateSigningKey, signImages } from './cosign.js';
import {
  ALPINE_VULNERABILITIES,
  alpineRootfs,
  type FixturePackage,
  writeOsvDatabase,
} from './fixture-images.js';
import { PYTHON_VARIANTS } from './image-variants.js';
import { type LocalRegistry, pushImage, startLocalRegistry } from './registry.js';

/** Acme's base image: Alpine 3.19 with a busybox that has a known (unfixed) vulnerability. */
export const BASE_PACKAGES: readonly FixturePackage[] = [
  { name: 'musl', version: '1.2.4-r2' },
  { name: 'busybox', version: '1.36.1-r15' },
];

export interface Loopback {
  /** `127.0.0.1:<port>`, or null without docker-registry (then nothing is looked up). */
  registry: string | null;
  /** The release key's public half, PEM: what the example's trust policy names. */
  publicKeyPem: string;
  /** The images pushed, `repository:tag` → whether they were signed. */
  images: { reference: string; digest: string; signed: boolean }[];
  /** The OSV database folder (PORTCULLIS_OSV_DB). */
  osvDatabase: string;
  /** Whether builds and scans can run here (buildah, osv-scanner, root). */
  builds: boolean;
  /** One line per part skipped, saying why. */
  skipped: string[];
  stop(): Promise<void>;
}

/** Sets up under `dir` (which the caller removes); `stop` ends the registry. */
export async function startLoopback(dir: string, signal: AbortSignal): Promise<Loopback> {
  const skipped: string[] = [];
  const osvDatabase = writeOsvDatabase(join(dir, 'osv'), ALPINE_VULNERABILITIES);
  // The slow parts at once: cosign's key (scrypt), the registry's start, the tool probes.
  const [builds, key, registry] = await Promise.all([
    canBuild(signal, skipped),
    signingKey(dir, signal, skipped),
    localRegistry(join(dir, 'registry'), skipped),
  ]);
  const images: Loopback['images'] = [];
  const loopback: Loopback = {
    registry: registry?.host ?? null,
    publicKeyPem: key.publicKeyPem,
    images,
    osvDatabase,
    builds: builds && registry !== null,
    skipped,
    stop: async () => registry?.stop(),
  };
  if (!registry) return loopback;
  try {
    const host = registry.host;
    const rootfs = alpineRootfs(BASE_PACKAGES);
    // Built last week: the images' age is a fact the policies judge (PC-IMG-007).
    const created = new Date(Date.now() - 7 * 24 * 3600_000).toISOString();
    const pushed = await Promise.all([
      pushImage(host, 'acme/alpine', '3.19', { layers: [rootfs], config: { Cmd: ['/bin/sh'] }, created }),
      pushImage(host, 'acme/worker', '1.4.2', {
        layers: [rootfs, { 'usr/local/bin/worker': '#!/bin/sh\necho worker\n' }],
        config: { User: '10001', Cmd: ['/usr/local/bin/worker'] },
        created,
      }),
      pushImage(host, 'acme/log-shipper', '2.0', {
        layers: [rootfs, { 'usr/local/bin/ship': '#!/bin/sh\necho shipping\n' }],
        config: { User: '10001', Cmd: ['/usr/local/bin/ship'] },
        created,
      }),
      // The reports service's base and its lighter sibling: PC-IMG-012 compares the two.
      ...[PYTHON_VARIANTS.full, PYTHON_VARIANTS.slim].map((image) =>
        pushImage(host, image.repository, image.tag, { layers: image.layers, created }),
      ),
    ]);
    const [alpine, worker, shipper, python, slim] = pushed as [string, string, string, string, string];
    // The release pipeline signs what it publishes; the log shipper came from elsewhere.
    const toSign = [`${host}/acme/alpine@${alpine}`, `${host}/acme/worker@${worker}`];
    const cosignKey = key.cosign;
    const signed = cosignKey
      ? await signImages(dir, toSign, cosignKey, signal).then(
          () => true,
          (error: unknown) => {
            skipped.push(`Signing failed (${errorMessage(error)}): every image shows as unsigned.`);
            return false;
          },
        )
      : false;
    images.push(
      { reference: `${host}/acme/alpine:3.19`, digest: alpine, signed },
      { reference: `${host}/acme/worker:1.4.2`, digest: worker, signed },
      { reference: `${host}/acme/log-shipper:2.0`, digest: shipper, signed: false },
      {
        reference: `${host}/${PYTHON_VARIANTS.full.repository}:${PYTHON_VARIANTS.full.tag}`,
        digest: python,
        signed: false,
      },
      {
        reference: `${host}/${PYTHON_VARIANTS.slim.repository}:${PYTHON_VARIANTS.slim.tag}`,
        digest: slim,
        signed: false,
      },
    );
    return loopback;
  } catch (error) {
    await registry.stop();
    throw error;
  }
}

async function localRegistry(dir: string, skipped: string[]): Promise<LocalRegistry | null> {
  try {
    mkdirSync(dir);
    return await startLocalRegistry(dir);
  } catch (error) {
    const why =
      (error as { code?: string }).code === 'ENOENT'
        ? 'docker-registry is not installed'
        : errorMessage(error);
    skipped.push(
      `No registry (${why}; \`npm run setup\` installs Debian's docker-registry): no image look-ups, signatures, builds or scans, so the references stay unresolved.`,
    );
    return null;
  }
}

/** cosign's key pair, or (without cosign) a key nobody signs with, so the trust policy still reads. */
async function signingKey(dir: string, signal: AbortSignal, skipped: string[]) {
  try {
    const key = await generateSigningKey(dir, signal);
    return { publicKeyPem: key.publicKeyPem, cosign: key };
  } catch (error) {
    skipped.push(
      `No signatures (cosign: ${errorMessage(error).split('\n')[0]}; \`npm run setup\` builds it into tools/bin): every image shows as unsigned.`,
    );
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return { publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), cosign: null };
  }
}

/** Builds need buildah and osv-scanner, and root (chroot builds, RUN steps without a network). */
async function canBuild(signal: AbortSignal, skipped: string[]): Promise<boolean> {
  const missing: string[] = [];
  for (const tool of ['buildah', 'osv-scanner']) {
    const result = await runProcess(toolPath(tool), ['--version'], {
      env: { PATH: settings().path ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
      timeoutMs: 10_000,
      signal,
    }).catch(() => null);
    if (result?.code !== 0) missing.push(tool);
  }
  if (missing.length > 0) {
    skipped.push(
      `No builds or scans: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not installed (\`npm run setup\` installs them).`,
    );
    return false;
  }
  if (process.getuid?.() !== 0) {
    skipped.push(
      "No builds or scans: buildah's chroot builds and their network-less RUN steps need root (run the demo as root, or in the project's container image).",
    );
    return false;
  }
  return true;
}
