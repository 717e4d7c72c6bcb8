/**
 * What the operator names on the command line is read with care: only a regular file, up to
 * a size that suits it (`--key /dev/zero` would never end, a FIFO would block); a database
 * that is no folder is refused; and `scan` waits on a registry no longer than `check` does.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeDockerArchive } from '../../src/scan/archive.js';
import { resetSettings } from '../../src/settings.js';
import { cli } from '../support/cli.js';
import { makeTar, sha256 } from '../support/registry.js';

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portcullis-operator-files-'));
  await run('mkfifo', [join(dir, 'fifo')]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const IMAGE = 'registry.invalid/acme/web:1';

describe('verify --key', () => {
  it.each([
    ['/dev/zero', 'is not a regular file (a device)'],
    ['fifo', 'is not a regular file (a named pipe)'],
    ['.', 'is not a regular file (a folder)'],
  ])('refuses %s as not a regular file', async (name, why) => {
    const path = name.startsWith('/') ? name : join(dir, name);
    const { code, stdout, stderr } = await cli('verify', IMAGE, '--key', path);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr.split('\n')[0]).toBe(
      `portcullis: --key ${path}: cannot read the key file ${path}: ${path} ${why}`,
    );
  });

  it('refuses a key file over 64 KiB without reading it as a key', async () => {
    const big = join(dir, 'big.pub');
    await writeFile(big, `-----BEGIN PUBLIC KEY-----\n${'A'.repeat(70 * 1024)}\n-----END PUBLIC KEY-----\n`);
    const { code, stderr } = await cli('verify', IMAGE, '--key', big);
    expect(code).toBe(2);
    expect(stderr).toContain(`${big} is 70.1 KiB, over the 64.0 KiB limit`);
  });

  it('refuses a key file with no PEM header, rather than reading its text as another path', async () => {
    const name = join(dir, 'name.pub');
    await writeFile(name, '/etc/hostname\n');
    const { code, stderr } = await cli('verify', IMAGE, '--key', name);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe(`portcullis: --key ${name}: not a PEM public key (as cosign.pub is)`);
  });
});

describe('scan', () => {
  let archive: string;
  beforeAll(() => {
    const layer = makeTar({ 'etc/os-release': 'ID=alpine\n' });
    const config = Buffer.from(
      JSON.stringify({
        os: 'linux',
        architecture: 'amd64',
        rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
      }),
    );
    archive = join(dir, 'image.tar');
    writeDockerArchive(archive, { config, layers: [{ digest: sha256(layer), data: layer }] });
  });

  it.each(['/dev/zero', 'fifo'])('refuses --dockerfile %s as not a regular file', async (name) => {
    const path = name.startsWith('/') ? name : join(dir, name);
    const { code, stdout, stderr } = await cli('scan', archive, '--offline-db', dir, '--dockerfile', path);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(
      new RegExp(`^portcullis: --dockerfile ${path}: ${path} is not a regular file \\(`),
    );
  });

  it('refuses a --dockerfile over 1 MiB', async () => {
    const big = join(dir, 'Dockerfile.big');
    await writeFile(big, `FROM alpine:3.20\n${'# padding\n'.repeat(110_000)}`);
    const { code, stderr } = await cli('scan', archive, '--offline-db', dir, '--dockerfile', big);
    expect(code).toBe(2);
    expect(stderr).toBe(`portcullis: --dockerfile ${big}: ${big} is 1.0 MiB, over the 1.0 MiB limit`);
  });

  it('refuses an --offline-db that is not a folder', async () => {
    const { code, stderr } = await cli('scan', archive, '--offline-db', archive);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^portcullis: The OSV database .*image\.tar is not a folder/);
  });

  describe('against a registry that keeps failing', () => {
    let server: Server;
    let host: string;
    let requests = 0;
    beforeAll(async () => {
      server = createServer((_request, response) => {
        requests++;
        response.writeHead(503).end();
      });
      await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
      host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((closed) => server.close(() => closed())));

    it('gives up after as many attempts as check does', async () => {
      const repo = await mkdtemp(join(dir, 'repo-'));
      await writeFile(join(repo, 'Dockerfile'), `FROM ${host}/acme/web:1\nUSER 10001\n`);
      process.env.PORTCULLIS_INSECURE_REGISTRIES = host;
      resetSettings();
      try {
        requests = 0;
        await cli('check', '--repo', repo, '--format', 'json');
        const byCheck = requests;
        requests = 0;
        const scan = await cli('scan', `${host}/acme/web:1`, '--offline-db', dir);
        expect(scan.code).toBe(2);
        expect(byCheck).toBeGreaterThan(1);
        expect(requests).toBe(byCheck);
      } finally {
        delete process.env.PORTCULLIS_INSECURE_REGISTRIES;
        resetSettings();
      }
    });
  });
});
