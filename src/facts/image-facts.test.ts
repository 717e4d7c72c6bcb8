/**
 * Gathering image facts with a stand-in builder (it writes a docker-archive, as buildah
 * would) and a stand-in scanner: which Dockerfiles are built, approval, the merge base,
 * the content cache, failures; and the result against the policy input schema.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { writeContext } from '../../test/support/images.js';
import { makeTar, sha256 } from '../../test/support/registry.js';
import type { BuildOutcome, BuildRequest, ImageBuilder } from '../build/builder.js';
import type { DockerfileInput } from '../policy/input.js';
import { writeDockerArchive } from '../scan/archive.js';
import type { ImageScanner, ScannedVulnerability, ScanResult } from '../scan/scanner.js';
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

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-image-facts-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const DOCKERFILE = 'FROM scratch\nENV PASSWORD=hunter2hunter2\nCOPY app /app\nUSER 1000\n';

/** Builds "images" whose layers are the context's files; records each request. */
class StandInBuilder implements ImageBuilder {
  readonly name = 'stand-in';
  readonly requests: BuildRequest[] = [];
  constructor(readonly fail: BuildOutcome | null = null) {}
  async build(request: BuildRequest): Promise<BuildOutcome> {
    this.requests.push(request);
    if (this.fail) return this.fail;
    const app = readFileSync(join(request.contextDir, 'app'), 'utf8');
    const layer = makeTar({ app: `${app}\n`.repeat(app.length) });
    writeDockerArchive(request.outputArchive, {
      config: Buffer.from(
        JSON.stringify({
          os: 'linux',
          architecture: 'amd64',
          config: { User: '1000', Env: ['PASSWORD=hunter2hunter2'] },
          rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
          history: [
            { created_by: '/bin/sh -c #(nop) ENV PASSWORD=hunter2hunter2', empty_layer: true },
            { created_by: '/bin/sh -c #(nop) COPY file:x in /app ' },
            { created_by: '/bin/sh -c #(nop) USER 1000', empty_layer: true },
          ],
        }),
      ),
      layers: [{ digest: sha256(layer), data: layer }],
    });
    return { ok: true, archive: request.outputArchive, durationMs: 1 };
  }
}

/** Finds `vulnerable-<id>` words in the app file's layer: one vulnerability each, in history step 1. */
class StandInScanner implements ImageScanner {
  readonly name = 'stand-in-scanner';
  scans = 0;
  async version() {
    return '1.0';
  }
  databaseFingerprint() {
    return 'db-1';
  }
  async scan(archive: string): Promise<ScanResult> {
    this.scans++;
    const ids = [...new Set(readFileSync(archive, 'latin1').match(/vulnerable-[a-z0-9]+/g) ?? [])];
    return {
      scanner: { name: this.name, version: '1.0', database: 'db-1' },
      package_count: ids.length,
      vulnerabilities: ids.map(
        (id): ScannedVulnerability => ({
          id,
          aliases: [],
          summary: null,
          package: { name: 'pkg', version: '1', ecosystem: 'Alpine:v3.19', source_package: 'pkg' },
          severity: 'HIGH',
          cvss_score: 7.5,
          fixed_version: '2',
          history_index: 1,
        }),
      ),
    };
  }
}

function repositories(head: string, base: string | null) {
  const headRoot = writeContext(join(dir, 'head'), {
    'svc/Dockerfile': DOCKERFILE,
    'svc/app': head,
    'README.md': 'x',
  });
  const baseRoot =
    base === null ? null : writeContext(join(dir, 'base'), { 'svc/Dockerfile': DOCKERFILE, 'svc/app': base });
  return { head: async () => headRoot, base: async () => baseRoot };
}

async function gather(options: Partial<ImageFactsOptions> & Pick<ImageFactsOptions, 'head' | 'base'>) {
  const input = dockerfileInput('svc/Dockerfile', DOCKERFILE) as DockerfileInput;
  await gatherImageFacts([input], {
    builder: new StandInBuilder(),
    scanner: new StandInScanner(),
    changedPaths: ['svc/app'],
    ...options,
  });
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

describe('gatherImageFacts', () => {
  it('builds head and base, compares them, and the input matches the schema', async () => {
    const builder = new StandInBuilder();
    const input = await gather({
      builder,
      ...repositories('vulnerable-a vulnerable-b', 'vulnerable-a vulnerable-c'),
    });
    const image = input.image;
    expect(image).toMatchObject({ status: 'built', builder: 'stand-in', user: '1000', layer_count: 1 });
    expect(image?.vulnerabilities.map((v) => [v.id, v.status, v.layer?.line])).toEqual([
      ['vulnerable-a', 'unchanged', 3],
      ['vulnerable-b', 'introduced', 3],
    ]);
    expect(image?.base?.vulnerabilities.map((v) => [v.id, v.status])).toEqual([
      ['vulnerable-a', 'unchanged'],
      ['vulnerable-c', 'fixed'],
    ]);
    expect(image?.delta?.layers).toBe(0);
    expect(image?.env).toContainEqual({ name: 'PASSWORD', secret: true, line: 2 });
    expect(JSON.stringify(image)).not.toContain('hunter2');
    expect(
      builder.requests.map((r) => [r.contextDir.endsWith('/svc'), r.dockerfile.endsWith('svc/Dockerfile')]),
    ).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(validate(input) ? [] : validate.errors).toEqual([]);
  });

  it('builds nothing for untrusted code without approval, and says so', async () => {
    const builder = new StandInBuilder();
    const approval = { required: true, approved: false, label: 'portcullis/build-approved', reason: 'fork' };
    const input = await gather({ builder, approval, ...repositories('x', 'x') });
    expect(builder.requests).toEqual([]);
    expect(input.image).toMatchObject({ status: 'awaiting_approval', built: false, approval });
    expect(input.image?.error).toMatch(/from a fork, and a maintainer has not approved/);
    expect(validate(input) ? [] : validate.errors).toEqual([]);
  });

  it('leaves Dockerfiles whose context the change does not touch alone', async () => {
    const builder = new StandInBuilder();
    const input = await gather({ builder, changedPaths: ['README.md'], ...repositories('x', 'x') });
    expect(builder.requests).toEqual([]);
    expect(input.image).toBeUndefined();
  });

  it('takes every vulnerability as introduced when the Dockerfile is new', async () => {
    const input = await gather(repositories('vulnerable-a', null));
    expect(input.image?.base).toBeNull();
    expect(input.image?.delta).toBeNull();
    expect(input.image?.vulnerabilities.map((v) => v.status)).toEqual(['introduced']);
  });

  it('caches by content: the same context is built and scanned once', async () => {
    const builder = new StandInBuilder();
    const scanner = new StandInScanner();
    const cacheDir = join(dir, 'cache');
    const trees = repositories('vulnerable-a', 'vulnerable-a');
    await gather({ builder, scanner, cacheDir, ...trees });
    // Head and base have the same content: one build, then a hit.
    expect(builder.requests).toHaveLength(1);
    await gather({ builder, scanner, cacheDir, ...trees });
    expect(builder.requests).toHaveLength(1);
    expect(scanner.scans).toBe(1);
  });

  it('reports a failed build with its log excerpt, and does not build the base', async () => {
    const builder = new StandInBuilder({
      ok: false,
      reason: 'timed_out',
      message: 'The build did not finish within 600 s and was stopped',
      logExcerpt: 'STEP 2/3: RUN make',
      durationMs: 600_000,
    });
    const input = await gather({ builder, ...repositories('x', 'x') });
    expect(builder.requests).toHaveLength(1);
    expect(input.image).toMatchObject({
      status: 'timed_out',
      built: false,
      error: 'The build did not finish within 600 s and was stopped',
      log_excerpt: 'STEP 2/3: RUN make',
      base: null,
    });
    expect(validate(input) ? [] : validate.errors).toEqual([]);
  });
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
