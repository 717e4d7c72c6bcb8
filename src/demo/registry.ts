/**
 * The demo's registry: Debian's `docker-registry` (the CNCF distribution registry, which
 * `npm run setup` installs) on 127.0.0.1 with a free port, anonymous, storing in a folder
 * the demo removes; and pushing small images to it over plain HTTP (blobs, then the
 * manifest), as a registry client would, with no Docker involved.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { toolPath } from '../tools.js';
import { makeTar } from './fixture-images.js';

export interface LocalRegistry {
  /** `127.0.0.1:<port>`, the registry part of image references. */
  host: string;
  stop(): Promise<void>;
}

/** Starts the registry with its storage under `dir`; resolves once it answers `/v2/`. */
export async function startLocalRegistry(dir: string): Promise<LocalRegistry> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePort(dir);
    } catch (error) {
      // Another process may take the free port between the probe and the registry's bind.
      if (attempt === 3 || !String(error).includes('address already in use')) throw error;
    }
  }
}

async function startOnFreePort(dir: string): Promise<LocalRegistry> {
  const port = await freePort();
  const config = join(dir, 'config.yml');
  // JSON is YAML, and spares a YAML writer.
  writeFileSync(
    config,
    JSON.stringify({
      version: 0.1,
      log: { level: 'error', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: join(dir, 'data') } },
      http: { addr: `127.0.0.1:${port}`, secret: randomBytes(16).toString('hex') },
    }),
  );
  const child = spawn(toolPath('docker-registry'), ['serve', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  // However the demo ends (an exception, Ctrl-C, process.exit), the registry goes with it.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  const polling = new AbortController();
  const exited = new Promise<Error>((resolve) => {
    child.once('error', (error) => resolve(error));
    child.once('exit', () => resolve(new Error(`docker-registry exited: ${stderr.trim()}`)));
  }).finally(() => polling.abort());
  child.once('exit', () => process.off('exit', reap));
  const host = `127.0.0.1:${port}`;
  const registry = { host, stop: () => stopProcess(child) };
  try {
    await Promise.race([
      exited.then((error) => Promise.reject(error)),
      answering(`http://${host}/v2/`, polling.signal),
    ]);
  } catch (error) {
    polling.abort();
    await registry.stop();
    throw error;
  }
  polling.abort();
  return registry;
}

async function answering(url: string, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !signal.aborted) {
    try {
      const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(1000)]) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (!signal.aborted) throw new Error(`docker-registry did not answer ${url} within 10 s`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface DemoImage {
  /** Files by path, one layer each. */
  layers: Record<string, string>[];
  /** Merged into the config's `config` object (User, Env, Cmd, …). */
  config?: Record<string, unknown>;
  /** When the image was built (RFC 3339). */
  created: string;
}

/** Pushes an OCI image for linux/amd64 as `repository:tag`; resolves its manifest digest. */
export async function pushImage(
  host: string,
  repository: string,
  tag: string,
  image: DemoImage,
): Promise<string> {
  const url = `http://${host}/v2/${repository}`;
  const layers: { mediaType: string; digest: string; size: number }[] = [];
  const diffIds: string[] = [];
  for (const files of image.layers) {
    const tar = makeTar(files);
    const gzipped = gzipSync(tar);
    diffIds.push(sha256(tar));
    layers.push({
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      digest: await pushBlob(url, gzipped),
      size: gzipped.length,
    });
  }
  const config = Buffer.from(
    JSON.stringify({
      created: image.created,
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], ...image.config },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: image.layers.map(() => ({ created: image.created, created_by: 'ADD rootfs /' })),
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: await pushBlob(url, config),
        size: config.length,
      },
      layers,
    }),
  );
  const response = await fetch(`${url}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    body: manifest,
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`pushing ${repository}:${tag}: ${response.status} ${text}`);
  return sha256(manifest);
}

/** A monolithic upload: POST opens the session, PUT sends the whole blob with its digest. */
async function pushBlob(url: string, bytes: Uint8Array): Promise<string> {
  const digest = sha256(bytes);
  const start = await fetch(`${url}/blobs/uploads/`, { method: 'POST' });
  await start.arrayBuffer();
  const location = start.headers.get('location');
  if (start.status !== 202 || !location) throw new Error(`blob upload answered ${start.status}`);
  const upload = new URL(location, url);
  upload.searchParams.set('digest', digest);
  const put = await fetch(upload, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  const text = await put.text();
  if (put.status !== 201) throw new Error(`blob upload answered ${put.status}: ${text}`);
  return digest;
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
