/**
 * A real registry for tests: Debian's `docker-registry` (the CNCF distribution registry, 2.8)
 * started on 127.0.0.1 with a free port and a throw-away storage folder, anonymous, behind
 * htpasswd basic auth, or behind token auth with a token server started here. Plus helpers
 * that push synthetic images (config, gzipped tar layers, manifests and indexes, Docker v2
 * and OCI) over plain HTTP, and a tiny loopback HTTP server for the fault cases a real
 * registry cannot be made to produce (503, 429, redirects, silence).
 *
 * The bcrypt hashes of the htpasswd file come from Perl's `crypt()`: Perl is part of every
 * Debian system and its libcrypt (libxcrypt) speaks bcrypt, so no apache2-utils is needed.
 * The token server's key and self-signed certificate come from `openssl`; the registry
 * trusts tokens whose `x5c` header carries a certificate chaining to its `rootcertbundle`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, createSign, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type ImageReference, parseImageReference } from '../../src/image/reference.js';
import { RegistryError } from '../../src/registry/errors.js';
import { makeTar } from './fixture-images.js';
import { freePort } from './free-port.js';

export const REGISTRY_BINARY = process.env.PORTCULLIS_DOCKER_REGISTRY ?? '/usr/bin/docker-registry';

export type RegistryAuth = 'anonymous' | 'basic' | 'token';

/** A token request as the token server saw it. */
export interface TokenRequest {
  service: string | null;
  scopes: string[];
  /** The user named by the request's basic credentials, or null for an anonymous request. */
  user: string | null;
}

export interface TestRegistry {
  /** `127.0.0.1:<port>`, the registry part of image references. */
  host: string;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  auth: RegistryAuth;
  /** The one account of the basic and token variants. */
  username: string;
  password: string;
  /** Token variant: what the token server has been asked, in order. */
  tokenRequests: TokenRequest[];
  /** Token variant: the token server's base URL. */
  tokenServerUrl: string | null;
  /** An Authorization header value with pull and push rights on `repository`, for pushing. */
  authorization(repository: string): string | undefined;
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  auth?: RegistryAuth;
  /** Token variant: seconds a token lives (the `expires_in` of the token response). */
  tokenLifetimeSeconds?: number;
}

const SERVICE = 'portcullis-test-registry';
const ISSUER = 'portcullis-test-token-issuer';

export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  if (!existsSync(REGISTRY_BINARY)) {
    throw new Error(
      `docker-registry not found at ${REGISTRY_BINARY}: run \`npm run setup\` (it installs Debian's docker-registry) or set PORTCULLIS_DOCKER_REGISTRY`,
    );
  }
  const auth = options.auth ?? 'anonymous';
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-registry-'));
  const username = 'alice';
  const password = randomBytes(12).toString('base64url');
  const tokenRequests: TokenRequest[] = [];
  let tokenServer: Server | null = null;
  let tokenServerUrl: string | null = null;
  let signer: TokenSigner | null = null;
  let authConfig: Record<string, unknown> | undefined;

  if (auth === 'basic') {
    writeFileSync(join(dir, 'htpasswd'), `${username}:${bcrypt(password)}\n`);
    authConfig = { htpasswd: { realm: 'portcullis-test', path: join(dir, 'htpasswd') } };
  }
  if (auth === 'token') {
    signer = makeTokenSigner(dir);
    const lifetime = options.tokenLifetimeSeconds ?? 300;
    const tokenSigner = signer;
    tokenServer = await listen((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const user = basicUser(request.headers.authorization, username, password);
      const scopes = url.searchParams.getAll('scope');
      tokenRequests.push({ service: url.searchParams.get('service'), scopes, user: user ?? null });
      if (user === undefined) {
        response.writeHead(401, { 'content-type': 'application/json' });
        response.end('{"details":"incorrect username or password"}');
        return;
      }
      // Like Docker Hub: an anonymous caller gets a token, but one that grants nothing.
      const token = tokenSigner(user ?? '', user === null ? [] : scopes, lifetime);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ token, expires_in: lifetime, issued_at: new Date().toISOString() }));
    });
    tokenServerUrl = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}`;
    authConfig = {
      token: {
        realm: `${tokenServerUrl}/token`,
        service: SERVICE,
        issuer: ISSUER,
        rootcertbundle: join(dir, 'token.crt'),
      },
    };
  }

  let child: ChildProcess | null = null;
  let port = 0;
  for (let attempt = 0; child === null; attempt++) {
    port = await freePort();
    writeFileSync(join(dir, 'config.yml'), registryConfig(dir, port, authConfig));
    try {
      child = await spawnRegistry(join(dir, 'config.yml'), `http://127.0.0.1:${port}/v2/`);
    } catch (error) {
      // Another process may take the free port between our probe and the registry's bind.
      if (attempt >= 2 || !String(error).includes('address already in use')) {
        tokenServer?.close();
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  const running = child;
  const host = `127.0.0.1:${port}`;
  return {
    host,
    url: `http://${host}`,
    auth,
    username,
    password,
    tokenRequests,
    tokenServerUrl,
    authorization(repository) {
      if (auth === 'basic') return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
      if (signer) return `Bearer ${signer(username, [`repository:${repository}:pull,push`], 300)}`;
      return undefined;
    },
    async stop() {
      await stopProcess(running);
      await new Promise<void>((resolve) => (tokenServer ? tokenServer.close(() => resolve()) : resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function registryConfig(dir: string, port: number, auth: Record<string, unknown> | undefined): string {
  // JSON is YAML, and spares a YAML writer.
  return JSON.stringify({
    version: 0.1,
    log: { level: 'error', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: join(dir, 'data') },
      delete: { enabled: true },
      cache: { blobdescriptor: 'inmemory' },
    },
    http: { addr: `127.0.0.1:${port}`, secret: randomBytes(16).toString('hex') },
    ...(auth ? { auth } : {}),
  });
}

async function spawnRegistry(configPath: string, probeUrl: string): Promise<ChildProcess> {
  const child = spawn(REGISTRY_BINARY, ['serve', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  // A test file that crashes before its afterAll must not leave a registry behind.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  child.once('exit', () => {
    exited = true;
    process.off('exit', reap);
  });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`docker-registry exited before answering: ${stderr.trim()}`);
    try {
      const response = await fetch(probeUrl, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200 || response.status === 401) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await stopProcess(child);
  throw new Error(`docker-registry did not answer ${probeUrl} within 10 s: ${stderr.trim()}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/** bcrypt with cost 5: the registry checks every request's password, so keep it cheap. */
function bcrypt(password: string): string {
  const alphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const salt = Array.from(randomBytes(22), (byte) => alphabet[byte % 64]).join('');
  // Bcrypt ignores the low 4 bits of the salt's last character; keep them zero, as htpasswd does.
  const settings = `$2b$05$${salt.slice(0, 21)}${alphabet[alphabet.indexOf(salt[21] ?? '.') & 0x30]}`;
  const hash = execFileSync('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', '--', password, settings], {
    encoding: 'utf8',
  });
  if (!hash.startsWith('$2b$05$')) throw new Error("Perl's crypt() does not support bcrypt on this system");
  return hash;
}

/** The user a request's basic credentials name: undefined when wrong, null when absent. */
function basicUser(
  header: string | undefined,
  username: string,
  password: string,
): string | null | undefined {
  if (!header) return null;
  const [scheme, value] = header.split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !value) return undefined;
  return Buffer.from(value, 'base64').toString() === `${username}:${password}` ? username : undefined;
}

type TokenSigner = (subject: string, scopes: string[], lifetimeSeconds: number) => string;

function makeTokenSigner(dir: string): TokenSigner {
  const key = join(dir, 'token.key');
  const cert = join(dir, 'token.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      `/CN=${ISSUER}`,
    ],
    { stdio: 'ignore' },
  );
  return makeSigner(readFileSync(key, 'utf8'), readFileSync(cert, 'utf8'));
}

function makeSigner(privateKey: string, certificate: string): TokenSigner {
  const der = certificate.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [der] }));
  return (subject, scopes, lifetimeSeconds) => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: ISSUER,
      sub: subject,
      aud: SERVICE,
      exp: now + lifetimeSeconds,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access: scopes.flatMap(parseScope),
    };
    const signingInput = `${header}.${base64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKey, 'base64url');
    return `${signingInput}.${signature}`;
  };
}

/** `repository:acme/web:pull,push` → the JWT `access` entry; a test server grants all it is asked. */
function parseScope(scope: string): { type: string; name: string; actions: string[] }[] {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last <= first) return [];
  return [
    {
      type: scope.slice(0, first),
      name: scope.slice(first + 1, last),
      actions: scope.slice(last + 1).split(','),
    },
  ];
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

// ---------------------------------------------------------------------------------------------
// Pushing synthetic images

export const MEDIA_TYPES = {
  docker: {
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    index: 'application/vnd.docker.distribution.manifest.list.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  },
  oci: {
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    index: 'application/vnd.oci.image.index.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  },
} as const;

export type ImageFormat = keyof typeof MEDIA_TYPES;

export interface SyntheticImage {
  format?: ImageFormat;
  /** `os/arch[/variant]`, default `linux/amd64`. */
  platform?: string;
  /** Merged into the config's `config` object (User, Env, Cmd, …). */
  config?: Record<string, unknown>;
  /** File contents, one layer each; default two small layers. */
  layers?: Record<string, string>[];
}

export interface PushedDescriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface PushedImage extends PushedDescriptor {
  platform: string;
  config: PushedDescriptor & { json: Record<string, unknown> };
  layers: PushedDescriptor[];
}

export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Pushes an image (blobs, then the manifest under `reference`, a tag or its digest). */
export async function pushImage(
  registry: TestRegistry,
  repository: string,
  reference: string | null,
  image: SyntheticImage = {},
): Promise<PushedImage> {
  const format = image.format ?? 'docker';
  const types = MEDIA_TYPES[format];
  const platform = image.platform ?? 'linux/amd64';
  const [os, architecture, variant] = platform.split('/');
  const files = image.layers ?? [{ 'etc/motd': `hello from ${platform}\n` }, { 'app/run.sh': 'echo hi\n' }];
  const layers: PushedDescriptor[] = [];
  const diffIds: string[] = [];
  for (const contents of files) {
    const tar = makeTar(contents);
    const gzipped = gzipSync(tar);
    diffIds.push(sha256(tar));
    layers.push({
      mediaType: types.layer,
      digest: await pushBlob(registry, repository, gzipped),
      size: gzipped.length,
    });
  }
  const json: Record<string, unknown> = {
    created: '2024-05-01T12:00:00Z',
    architecture,
    os,
    ...(variant ? { variant } : {}),
    config: { Env: ['PATH=/usr/local/bin:/usr/bin:/bin'], Cmd: ['/bin/sh'], ...image.config },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: files.map((_, index) => ({
      created: '2024-05-01T12:00:00Z',
      created_by: `COPY layer-${index} /`,
    })),
  };
  const configBytes = Buffer.from(JSON.stringify(json));
  const config = {
    mediaType: types.config,
    digest: await pushBlob(registry, repository, configBytes),
    size: configBytes.length,
    json,
  };
  const manifest = {
    schemaVersion: 2,
    mediaType: types.manifest,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers,
  };
  const pushed = await pushManifest(registry, repository, reference, types.manifest, manifest);
  return { ...pushed, platform, config, layers };
}

/** Pushes an index (Docker manifest list or OCI index) of images already pushed. */
export async function pushIndex(
  registry: TestRegistry,
  repository: string,
  reference: string | null,
  format: ImageFormat,
  manifests: (PushedDescriptor & { platform?: string; annotations?: Record<string, string> })[],
  extra: Record<string, unknown> = {},
): Promise<PushedDescriptor> {
  const index = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES[format].index,
    manifests: manifests.map(({ mediaType, digest, size, platform, annotations }) => {
      const [os, architecture, variant] = (platform ?? 'unknown/unknown').split('/');
      return {
        mediaType,
        digest,
        size,
        platform: { architecture, os, ...(variant ? { variant } : {}) },
        ...(annotations ? { annotations } : {}),
      };
    }),
    ...extra,
  };
  return pushManifest(registry, repository, reference, MEDIA_TYPES[format].index, index);
}

/** PUTs a manifest by tag, or by its own digest when `reference` is null. */
export async function pushManifest(
  registry: TestRegistry,
  repository: string,
  reference: string | null,
  mediaType: string,
  manifest: unknown,
): Promise<PushedDescriptor> {
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = sha256(bytes);
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${reference ?? digest}`, {
    method: 'PUT',
    headers: { 'content-type': mediaType, ...authorizationHeader(registry, repository) },
    body: bytes,
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`manifest PUT answered ${response.status}: ${text}`);
  return { mediaType, digest, size: bytes.length };
}

/** A monolithic blob upload: POST to open an upload session, PUT the whole blob with its digest. */
export async function pushBlob(
  registry: TestRegistry,
  repository: string,
  bytes: Uint8Array,
): Promise<string> {
  const digest = sha256(bytes);
  const headers = authorizationHeader(registry, repository);
  const start = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers });
  await start.arrayBuffer();
  const location = start.headers.get('location');
  if (start.status !== 202 || !location) throw new Error(`blob upload POST answered ${start.status}`);
  const url = new URL(location, registry.url);
  url.searchParams.set('digest', digest);
  const put = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', ...headers },
    body: bytes,
  });
  const text = await put.text();
  if (put.status !== 201) throw new Error(`blob upload PUT answered ${put.status}: ${text}`);
  return digest;
}

function authorizationHeader(registry: TestRegistry, repository: string): Record<string, string> {
  const value = registry.authorization(repository);
  return value ? { authorization: value } : {};
}

// ---------------------------------------------------------------------------------------------
// Loopback servers for the fault cases

export { makeTar };

export interface LoopbackServer {
  /** `127.0.0.1:<port>`. */
  host: string;
  url: string;
  /** Every request received, in order. */
  requests: { method: string; url: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 that answers with `handler`; it may also never answer. */
export async function startLoopbackServer(
  handler: (request: IncomingMessage, response: ServerResponse, index: number) => void,
): Promise<LoopbackServer> {
  const requests: LoopbackServer['requests'] = [];
  const server = await listen((request, response) => {
    requests.push({ method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers });
    handler(request, response, requests.length - 1);
  });
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    url: `http://${host}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function listen(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** A parsed image reference, for tests (throws on a bad one). */
export function imageRef(text: string): ImageReference {
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.reference;
}

/** The RegistryError `promise` rejects with; fails the test when it resolves or throws anything else. */
export async function registryFailure(promise: Promise<unknown>): Promise<RegistryError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryError);
    return error as RegistryError;
  }
  throw new Error('expected a RegistryError');
}
