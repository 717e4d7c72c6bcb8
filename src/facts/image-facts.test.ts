/**
 * Gathering image facts with the real builder (buildah, chroot isolation, vfs storage) and
 * the real scanner (osv-scanner, offline, against a fixture OSV database): tiny FROM-scratch
 * images whose one layer is a hand-made Alpine root filesystem. Which Dockerfiles are built,
 * approval, the merge base, the content cache, build and scan failures; and the result
 * against the policy input schema.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import {
  ALPINE_VULNERABILITIES,
  alpineRootfs,
  type FixturePackage,
  rootfsTar,
  writeContext,
  writeOsvDatabase,
} from '../../test/support/images.js';
import { describeWithTools } from '../../test/support/required-tools.js';
import { BuildahBuilder } from '../build/buildah.js';
import type { BuildOutcome, BuildRequest, ImageBuilder } from '../build/builder.js';
import { mergeFacts } from '../core/facts.js';
import type { DockerfileInput } from '../input/policy-input.js';
import { OsvScanner } from '../scan/osv-scanner.js';
import type { ImageScanner, ScanResult } from '../scan/scanner.js';
import { dockerfileInput } from '../targets/dockerfile/index.js';
import {
  buildSettingsFrom,
  DEFAULT_BUILD_SETTINGS,
  gatherImageFacts,
  type ImageFactsOptions,
  needsBuild,
} from './image-facts.js';

const unwrap = <T>(m: T | { default: T }): T => (m as { default: T }).default ?? (m as T);
const ajv = new (unwrap(Ajv2020))({ allErrors: true, strict: true });
unwrap(addFormats)(ajv);
const validate = ajv.compile(
  JSON.parse(readFileSync(join(process.cwd(), 'docs', 'policy-input.schema.json'), 'utf8')),
);

const DOCKERFILE = 'FROM scratch\nENV PASSWORD=hunter2hunter2\nADD app.tar /\nUSER 1000\n';

// musl 1.2.4-r0 has ALPINE-CVE-2024-0004, zlib 1.3-r2 ALPINE-CVE-2024-0003, openssl 3.1.4-r1 ALPINE-CVE-2024-0001.
const MUSL: FixturePackage = { name: 'musl', version: '1.2.4-r0' };
const ZLIB: FixturePackage = { name: 'zlib', version: '1.3-r2' };
const OPENSSL: FixturePackage = { name: 'libcrypto3', version: '3.1.4-r1', source: 'openssl' };
/** The head's image: 0004 (also at the base) and 0003 (new). */
const HEAD_PACKAGES = [MUSL, ZLIB];
/** The base's image: 0004 and 0001 (which the head fixes). */
const BASE_PACKAGES = [MUSL, OPENSSL];

/** The real builder, counted: every request is recorded, then handed to it. */
class CountingBuilder implements ImageBuilder {
  readonly requests: BuildRequest[] = [];
  constructor(readonly inner: ImageBuilder) {}
  get name() {
    return this.inner.name;
  }
  build(request: BuildRequest): Promise<BuildOutcome> {
    this.requests.push(request);
    return this.inner.build(request);
  }
}

/** The real scanner, counted. */
class CountingScanner implements ImageScanner {
  scans = 0;
  constructor(readonly inner: ImageScanner) {}
  get name() {
    return this.inner.name;
  }
  version() {
    return this.inner.version();
  }
  databaseFingerprint() {
    return this.inner.databaseFingerprint();
  }
  scan(archive: string): Promise<ScanResult> {
    this.scans++;
    return this.inner.scan(archive);
  }
}

let dir: string;
let db: string;
/** Shared by the tests that build the head's packages: the image is built once for them all. */
let sharedCache: string;
let trees = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-image-facts-'));
  db = writeOsvDatabase(join(dir, 'osv'), ALPINE_VULNERABILITIES);
  sharedCache = join(dir, 'shared-cache');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const builder = () => new CountingBuilder(new BuildahBuilder({ workRoot: join(dir, 'work') }));
const scanner = (options: Partial<ConstructorParameters<typeof OsvScanner>[0]> = {}) =>
  new CountingScanner(new OsvScanner({ database: db, ...options }));

/** A repository with `svc/Dockerfile` whose image holds `packages`, or other `svc/` files. */
function tree(svc: Record<string, string | Buffer>): string {
  return writeContext(join(dir, `tree-${++trees}`), {
    ...Object.fromEntries(Object.entries(svc).map(([name, contents]) => [`svc/${name}`, contents])),
    'README.md': 'x',
  });
}
const app = (packages: FixturePackage[], dockerfile = DOCKERFILE) => ({
  Dockerfile: dockerfile,
  'app.tar': rootfsTar(alpineRootfs(packages)),
});

function repositories(head: string, base: string | null) {
  return { head: async () => head, base: async () => base };
}

async function gather(
  options: Partial<ImageFactsOptions> & Pick<ImageFactsOptions, 'head' | 'base'>,
  dockerfile = DOCKERFILE,
) {
  const input = dockerfileInput('svc/Dockerfile', dockerfile) as DockerfileInput;
  const images = await gatherImageFacts([input], {
    builder: builder(),
    scanner: scanner(),
    changedPaths: ['svc/app.tar'],
    ...options,
  });
  mergeFacts([input], { images });
  return input;
}

describe('needsBuild', () => {
  it('builds a changed Dockerfile, or one whose folder (its build context) has a change', () => {
    expect(needsBuild('svc/Dockerfile', ['svc/Dockerfile'])).toBe(true);
    expect(needsBuild('svc/Dockerfile', ['svc/src/main.go'])).toBe(true);
    expect(needsBuild('svc/Dockerfile', ['svcx/main.go', 'README.md'])).toBe(false);
    expect(needsBuild('Dockerfile', ['anything/at/all'])).toBe(true);
  });
});

describeWithTools(['buildah', 'osv-scanner'], 'gatherImageFacts', () => {
  it('builds head and base, compares them, and the input matches the schema', async () => {
    const counting = builder();
    const input = await gather({
      builder: counting,
      ...repositories(tree(app(HEAD_PACKAGES)), tree(app(BASE_PACKAGES))),
    });
    const image = input.image;
    expect(image).toMatchObject({ status: 'built', builder: 'buildah', user: '1000', layer_count: 1 });
    expect(image?.scanner).toMatchObject({
      name: 'osv-scanner',
      database: expect.stringMatching(/^sha256:/),
    });
    expect(image?.vulnerabilities.map((v) => [v.id, v.status, v.layer?.line])).toEqual([
      ['ALPINE-CVE-2024-0004', 'unchanged', 3],
      ['ALPINE-CVE-2024-0003', 'introduced', 3],
    ]);
    expect(image?.base?.vulnerabilities.map((v) => [v.id, v.status])).toEqual([
      ['ALPINE-CVE-2024-0001', 'fixed'],
      ['ALPINE-CVE-2024-0004', 'unchanged'],
    ]);
    expect(image?.delta?.layers).toBe(0);
    // Two Alpine packages in each image, from the scan; the one layer is ADD's, wasting nothing.
    expect(image?.packages_count).toEqual({ total: 2, os: 2, language: 0 });
    expect(image?.base?.packages_count).toEqual({ total: 2, os: 2, language: 0 });
    expect(image?.layers).toEqual([
      expect.objectContaining({
        index: 0,
        instruction: 'ADD',
        line: 3,
        in_base_image: false,
        wasted_bytes: 0,
      }),
    ]);
    expect(image).toMatchObject({ efficiency: 1, wasted_bytes: 0, layers_error: null, build_tools: [] });
    expect(image?.env).toContainEqual({ name: 'PASSWORD', secret: true, line: 2 });
    expect(JSON.stringify(image)).not.toContain('hunter2');
    expect(
      counting.requests.map((r) => [r.contextDir.endsWith('/svc'), r.dockerfile.endsWith('svc/Dockerfile')]),
    ).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(validate(input) ? [] : validate.errors).toEqual([]);
  }, 60_000);

  it('builds nothing for untrusted code without approval, and says so', async () => {
    const counting = builder();
    const approval = { required: true, approved: false, label: 'portcullis/build-approved', reason: 'fork' };
    const same = tree(app(HEAD_PACKAGES));
    const input = await gather({ builder: counting, approval, ...repositories(same, same) });
    expect(counting.requests).toEqual([]);
    expect(input.image).toMatchObject({ status: 'awaiting_approval', built: false, approval });
    expect(input.image?.error).toMatch(/from a fork, and a maintainer has not approved/);
    expect(validate(input) ? [] : validate.errors).toEqual([]);
  });

  it('leaves Dockerfiles whose context the change does not touch alone', async () => {
    const counting = builder();
    const same = tree(app(HEAD_PACKAGES));
    const input = await gather({
      builder: counting,
      changedPaths: ['README.md'],
      ...repositories(same, same),
    });
    expect(counting.requests).toEqual([]);
    expect(input.image).toBeUndefined();
  });

  it('caches by content: the same context is built and scanned once', async () => {
    const counting = builder();
    const counted = scanner();
    const options = { builder: counting, scanner: counted, cacheDir: sharedCache };
    const trees = repositories(tree(app(HEAD_PACKAGES)), tree(app(HEAD_PACKAGES)));
    await gather({ ...options, ...trees });
    // Head and base have the same content: one build, then a hit.
    expect(counting.requests).toHaveLength(1);
    const again = await gather({ ...options, ...trees });
    expect(counting.requests).toHaveLength(1);
    expect(counted.scans).toBe(1);
    expect(again.image).toMatchObject({ status: 'built', built: true });
    expect(again.image?.vulnerabilities.map((v) => v.status)).toEqual(['unchanged', 'unchanged']);
  }, 60_000);

  it('takes every vulnerability as introduced when the Dockerfile is new', async () => {
    // The same content as the cache test's: its entry answers, and nothing is built.
    const counting = builder();
    const input = await gather({
      builder: counting,
      cacheDir: sharedCache,
      ...repositories(tree(app(HEAD_PACKAGES)), null),
    });
    expect(input.image?.base).toBeNull();
    expect(input.image?.delta).toBeNull();
    expect(input.image?.vulnerabilities.map((v) => v.status)).toEqual(['introduced', 'introduced']);
    expect(validate(input) ? [] : validate.errors).toEqual([]);
  }, 60_000);

  it('reports a failed build (a RUN step that fails) with its log excerpt, and does not build the base', async () => {
    const counting = builder();
    const failing = 'FROM scratch\nADD app.tar /\nRUN ["/no-such-program"]\nUSER 1000\n';
    const input = await gather(
      { builder: counting, ...repositories(tree(app(HEAD_PACKAGES, failing)), tree(app(BASE_PACKAGES))) },
      failing,
    );
    expect(counting.requests).toHaveLength(1);
    expect(input.image).toMatchObject({
      status: 'failed',
      built: false,
      error: expect.stringMatching(/buildah bud failed \(exit \d+\)/),
      log_excerpt: expect.stringContaining('no-such-program'),
      base: null,
      scanner: null,
    });
    expect(validate(input) ? [] : validate.errors).toEqual([]);
  }, 60_000);

  it('reports a failed build (a COPY source that is not in the context)', async () => {
    const counting = builder();
    const copying = 'FROM scratch\nCOPY missing.txt /missing.txt\n';
    const input = await gather(
      { builder: counting, ...repositories(tree({ Dockerfile: copying }), null) },
      copying,
    );
    expect(counting.requests).toHaveLength(1);
    expect(input.image).toMatchObject({ status: 'failed', built: false, base: null });
    expect(input.image?.log_excerpt).toMatch(/missing\.txt/);
    expect(validate(input) ? [] : validate.errors).toEqual([]);
  }, 60_000);

  it.each([
    [
      'a binary that is not there',
      { binary: '/nonexistent/osv-scanner' },
      /osv-scanner could not be started/,
    ],
    [
      'a database folder that is not there',
      { database: '/nonexistent/missing-db' },
      /The OSV database folder .*missing-db does not exist/,
    ],
  ])(
    'reports a scanner that cannot scan (%s), and does not cache that',
    async (_, options, error) => {
      const counting = builder();
      const cacheDir = join(dir, `scan-failure-cache-${++trees}`);
      const input = await gather({
        builder: counting,
        scanner: scanner(options),
        cacheDir,
        ...repositories(tree(app(HEAD_PACKAGES)), null),
      });
      expect(counting.requests).toHaveLength(1);
      expect(input.image).toMatchObject({ status: 'built', built: true });
      expect(input.image?.scan_error).toMatch(error);
      expect(validate(input) ? [] : validate.errors).toEqual([]);
      expect(existsSync(cacheDir)).toBe(false);
    },
    60_000,
  );
});

describe('buildSettingsFrom', () => {
  it('takes the first `build:` entry whose glob matches the Dockerfile, by file name without a slash', () => {
    const settings = buildSettingsFrom([
      { dockerfile: 'services/api/**', args: { GO_VERSION: '1.22' }, target: 'runtime' },
      { dockerfile: '*.Dockerfile', platform: 'linux/arm64' },
    ]);
    expect(settings('services/api/Dockerfile')).toEqual({
      buildArgs: { GO_VERSION: '1.22' },
      target: 'runtime',
      platform: null,
    });
    expect(settings('tools/worker.Dockerfile')).toEqual({
      buildArgs: {},
      target: null,
      platform: 'linux/arm64',
    });
    expect(settings('Dockerfile')).toEqual(DEFAULT_BUILD_SETTINGS);
  });
});
