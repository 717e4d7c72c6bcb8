/**
 * Real buildah builds (chroot isolation, vfs storage in a temp folder) of tiny images:
 * FROM a base image pushed to a real registry on 127.0.0.1, FROM scratch with a static
 * probe program for the network policy and the time limit.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ALPINE_BASE_PACKAGES,
  ALPINE_VULNERABILITIES,
  alpineRootfs,
  apkInstalled,
  rootfsTar,
  writeContext,
  writeOsvDatabase,
} from '../../test/support/images.js';
import { pushImage, startRegistry, type TestRegistry } from '../../test/support/registry.js';
import { describeWithTools, missingTool } from '../../test/support/required-tools.js';
import { readImageArchive } from '../scan/archive.js';
import { describeImage } from '../scan/describe.js';
import { OsvScanner } from '../scan/osv-scanner.js';
import { parseDockerfile } from '../targets/dockerfile/parse.js';
import { BuildahBuilder } from './buildah.js';
import { DEFAULT_BUILD_LIMITS } from './builder.js';

const TOOLS = ['buildah', 'osv-scanner'] as const;
const missing = missingTool(TOOLS);

let dir: string;
let registry: TestRegistry;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-buildah-test-'));
  if (!missing) registry = await startRegistry();
});
afterAll(async () => {
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A static program: `probe HOST:PORT` connects (exit 3 when it cannot), `probe sleep` sleeps. */
function buildProbe(target: string): void {
  const source = mkdtempSync(join(dir, 'probe-src-'));
  writeFileSync(join(source, 'go.mod'), 'module probe\n\ngo 1.21\n');
  writeFileSync(
    join(source, 'main.go'),
    `package main

import (
	"fmt"
	"net"
	"os"
	"time"
)

func main() {
	if os.Args[1] == "sleep" {
		time.Sleep(10 * time.Minute)
	}
	c, err := net.DialTimeout("tcp", os.Args[1], 2*time.Second)
	if err != nil {
		fmt.Println("dial failed:", err)
		os.Exit(3)
	}
	c.Close()
}
`,
  );
  execFileSync('go', ['build', '-o', target, '.'], {
    cwd: source,
    env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
    stdio: 'ignore',
  });
}

describeWithTools(TOOLS, 'BuildahBuilder', () => {
  it('builds FROM a registry image without network for the build, and the scan points each package at its line', async () => {
    await pushImage(registry, 'base/alpine', '3.19', { layers: [alpineRootfs(ALPINE_BASE_PACKAGES)] });
    const context = writeContext(join(dir, 'app'), {
      Dockerfile: [
        `FROM ${registry.host}/base/alpine:3.19`,
        'ENV API_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789AB',
        'ADD app.tar /',
        'USER 1000',
      ].join('\n'),
      'app.tar': rootfsTar({
        'lib/apk/db/installed': apkInstalled([...ALPINE_BASE_PACKAGES, { name: 'zlib', version: '1.3-r2' }]),
      }),
    });
    const workRoot = join(dir, 'work');
    const builder = new BuildahBuilder({ workRoot, insecureRegistries: [registry.host] });
    const archive = join(dir, 'app.tar');
    const outcome = await builder.build({
      contextDir: context,
      dockerfile: 'Dockerfile',
      buildArgs: {},
      target: null,
      platform: null,
      pullImages: [`${registry.host}/base/alpine:3.19`],
      outputArchive: archive,
    });
    expect(outcome).toMatchObject({ ok: true, archive });
    // Storage, images and containers went with the build.
    expect(readdirSync(workRoot)).toEqual([]);

    const image = readImageArchive(archive);
    expect(image.format).toBe('docker-archive');
    expect(image.layers).toHaveLength(2);
    expect(image.config.user).toBe('1000');

    const db = writeOsvDatabase(join(dir, 'osv'), ALPINE_VULNERABILITIES);
    const scan = await new OsvScanner({ database: db }).scan(archive);
    const dockerfile = parseDockerfile(readFileSync(join(context, 'Dockerfile'), 'utf8'));
    const facts = describeImage(image, scan, dockerfile);
    expect(
      facts.vulnerabilities.map((v) => [
        v.id,
        v.layer?.keyword ?? null,
        v.layer?.line ?? null,
        v.layer?.in_base_image,
      ]),
    ).toEqual([
      ['ALPINE-CVE-2024-0002', null, null, true],
      ['ALPINE-CVE-2024-0001', null, null, true],
      ['ALPINE-CVE-2024-0003', 'ADD', 3, false],
    ]);
    expect(facts.env).toEqual([
      { name: 'PATH', secret: false, line: null },
      { name: 'API_TOKEN', secret: true, line: 2 },
    ]);
    expect(facts.history.find((h) => h.keyword === 'ENV')).toMatchObject({ line: 2, secrets: ['API_TOKEN'] });
    expect(JSON.stringify(facts)).not.toContain('ghp_');
  });

  it('gives RUN steps no network, and a failed build a redacted log excerpt', async () => {
    const server: Server = createServer((_request, response) => response.end('hi'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const context = join(dir, 'probe');
      writeContext(context, {
        Dockerfile: [
          'FROM scratch',
          'ARG NPM_TOKEN',
          'COPY probe /probe',
          `RUN ["/probe", "127.0.0.1:${port}"]`,
        ].join('\n'),
      });
      buildProbe(join(context, 'probe'));
      const request = {
        contextDir: context,
        dockerfile: 'Dockerfile',
        buildArgs: { NPM_TOKEN: 'super-secret-npm-token' },
        target: null,
        platform: null,
        outputArchive: join(dir, 'probe.tar'),
      };
      const isolated = await new BuildahBuilder({ workRoot: join(dir, 'work') }).build(request);
      expect(isolated).toMatchObject({ ok: false, reason: 'failed' });
      if (isolated.ok) throw new Error('expected a failure');
      expect(isolated.logExcerpt).toMatch(/dial failed: .*network is unreachable/);
      expect(isolated.message).toMatch(/buildah bud failed/);

      // With the host's network, the same step connects: the failure above was the policy.
      const open = await new BuildahBuilder({
        workRoot: join(dir, 'work'),
        limits: { ...DEFAULT_BUILD_LIMITS, network: 'host' },
      }).build(request);
      expect(open).toMatchObject({ ok: true });
    } finally {
      server.close();
    }
  });

  it('stops a build at the time limit and removes its storage', async () => {
    const context = join(dir, 'sleeper');
    writeContext(context, {
      Dockerfile: ['FROM scratch', 'COPY probe /probe', 'RUN ["/probe", "sleep"]'].join('\n'),
    });
    buildProbe(join(context, 'probe'));
    const workRoot = join(dir, 'work-sleep');
    const started = Date.now();
    const outcome = await new BuildahBuilder({
      workRoot,
      limits: { ...DEFAULT_BUILD_LIMITS, timeoutMs: 3000 },
    }).build({
      contextDir: context,
      dockerfile: 'Dockerfile',
      buildArgs: {},
      target: null,
      platform: null,
      outputArchive: join(dir, 'sleep.tar'),
    });
    expect(outcome).toMatchObject({ ok: false, reason: 'timed_out' });
    if (!outcome.ok) expect(outcome.message).toMatch(/did not finish within 3 s/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(readdirSync(workRoot)).toEqual([]);
    // Nothing of the build is still running: killed processes may take a moment to be reaped.
    const running = () => /\/probe sleep/.test(execFileSync('ps', ['-eo', 'args']).toString());
    for (let waited = 0; running() && waited < 5000; waited += 100)
      await new Promise((r) => setTimeout(r, 100));
    expect(running()).toBe(false);
  });
});
