/** Lighter variants against a real registry on 127.0.0.1, with the built-in variants table of policies/data.json. */

import {
  compressedSize,
  distrolessMirrorData,
  type PushedVariants,
  pushDistroless,
  pushPythonVariants,
} from '../../test/support/image-variants.js';
import { startRegistry, type TestRegistry } from '../../test/support/registry.js';
import { mergeFacts } from '../core/facts.js';
import type { PolicyInput } from '../input/policy-input.js';
import { RegistryClient } from '../registry/client.js';
import { dockerfileInput } from '../targets/dockerfile/index.js';
import { policyInputFor } from '../targets/input.js';
import { candidateTags, variantCatalog } from './lighter-variants.js';
import { gatherRegistryFacts, type ImageResolver } from './registry-facts.js';

let registry: TestRegistry;
let pushed: PushedVariants;
let distroless: Awaited<ReturnType<typeof pushDistroless>>;

beforeAll(async () => {
  registry = await startRegistry();
  pushed = await pushPythonVariants(registry);
  distroless = await pushDistroless(registry);
});
afterAll(async () => {
  await registry?.stop();
});

function countingClient() {
  const requests: string[] = [];
  const client = new RegistryClient({
    insecureRegistries: [registry.host],
    fetch: async (url, init) => {
      requests.push(String(url));
      return fetch(url, init);
    },
  });
  return { client, requests };
}

async function withRegistryFacts(
  inputs: PolicyInput[],
  resolver: ImageResolver,
  policyData?: Record<string, unknown>,
): Promise<void> {
  mergeFacts(inputs, { registry: await gatherRegistryFacts(inputs, resolver, new Date(), { policyData }) });
}

describe('candidateTags', () => {
  it.each([
    ['3.12', ['3.12-slim', '3.12-alpine', '3.12-jre', '3.12-minimal', '3.12-distroless']],
    ['3.12-slim', ['3.12-alpine', '3.12-slim-alpine', '3.12-jre', '3.12-slim-jre', '3.12-minimal']],
    ['21-jdk', ['21-jdk-slim', '21-jdk-alpine', '21-jre', '21-jdk-minimal', '21-jdk-distroless']],
    ['20-bookworm', ['20-bookworm-slim', '20-bookworm-alpine', '20-bookworm-jre']],
    ['3.12-alpine3.20', ['3.12-alpine3.20-slim', '3.12-alpine3.20-jre']],
  ])('%s → %j …', async (tag, expected) => {
    const catalog = await variantCatalog();
    if (!catalog) throw new Error('the built-in data has no image_variants');
    expect(candidateTags(tag, catalog).map((c) => c.tag)).toEqual(expect.arrayContaining(expected));
    expect(candidateTags(tag, catalog).map((c) => c.tag)).not.toContain(tag);
  });
});

describe('variantCatalog', () => {
  it('takes a repository’s data over the built-in table, and drops what is not a variant', async () => {
    const catalog = await variantCatalog({
      portcullis: {
        image_variants: {
          variants: {
            alpine: null,
            chiselled: { suffix: '-chiselled', libc: 'same', package_manager: 'none', has_shell: false },
            broken: { suffix: '../../etc', libc: 'musl', package_manager: 'apk', has_shell: true },
          },
        },
      },
    });
    const names = catalog?.variants.map(([name]) => name);
    expect(names).toContain('chiselled');
    expect(names).toContain('slim');
    expect(names).not.toContain('alpine');
    expect(names).not.toContain('broken');
  });
});

describe('lighter_variants in the registry facts', () => {
  it('finds the same version’s smaller tags with their compressed sizes, smallest first', async () => {
    const input = dockerfileInput(
      'Dockerfile',
      `FROM ${registry.host}/example/python:3.12-slim AS build\nRUN true\nFROM ${registry.host}/example/python:3.12\nCOPY --from=build /app /app\n`,
    );
    await withRegistryFacts([input], countingClient().client);
    const [builder, final] = input.dockerfile.stages;
    expect(final?.base.registry_facts?.size).toBe(compressedSize(pushed.full));
    expect(final?.base.registry_facts?.lighter_variants).toEqual([
      {
        variant: 'alpine',
        tag: '3.12-alpine',
        reference: `${registry.host}/example/python:3.12-alpine`,
        digest: pushed.alpine.digest,
        platform_digest: pushed.alpine.digest,
        compressed_size: compressedSize(pushed.alpine),
        libc: 'musl',
        same_libc: false,
        package_manager: 'apk',
        has_shell: true,
        caveats: [
          'musl libc instead of glibc: native code built for glibc may not load',
          'apk instead of apt',
          'BusyBox instead of GNU tools',
        ],
      },
      expect.objectContaining({
        variant: 'slim',
        tag: '3.12-slim',
        digest: pushed.slim.digest,
        compressed_size: compressedSize(pushed.slim),
        same_libc: true,
        has_shell: true,
      }),
    ]);
    expect(compressedSize(pushed.slim)).toBeLessThan(compressedSize(pushed.full) / 3);
    // A builder stage does not ship: its base (which has a smaller -alpine) is not compared.
    expect(builder?.base.registry_facts?.lighter_variants).toBeUndefined();
  });

  it('compares a manifest’s references; one tag list and a few manifests, then the cache', async () => {
    const { client, requests } = countingClient();
    const k8s = () =>
      policyInputFor(
        'k8s/app.yaml',
        `apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n    - name: app\n      image: ${registry.host}/example/python:3.12-slim\n`,
      ) as PolicyInput;
    const first = k8s();
    await withRegistryFacts([first], client);
    expect(first.references[0]?.registry_facts?.lighter_variants?.map((v) => v.tag)).toEqual(['3.12-alpine']);
    const variantRequests = requests.filter((r) => r.includes('3.12-alpine') || r.includes('tags/list'));
    expect(requests.filter((r) => r.includes('tags/list'))).toHaveLength(1);
    expect(variantRequests.length).toBeLessThanOrEqual(1 + 3 * 4);
    const before = requests.length;
    const again = k8s();
    await withRegistryFacts([again], client);
    expect(requests.length).toBe(before);
    expect(again.references[0]?.registry_facts?.lighter_variants?.[0]?.tag).toBe('3.12-alpine');
  });

  it('a repository’s data can take a variant away', async () => {
    const input = dockerfileInput('Dockerfile', `FROM ${registry.host}/example/python:3.12\n`);
    await withRegistryFacts([input], countingClient().client, {
      portcullis: { image_variants: { variants: { alpine: null } } },
    });
    expect(input.dockerfile.stages[0]?.base.registry_facts?.lighter_variants?.map((v) => v.tag)).toEqual([
      '3.12-slim',
    ]);
  });

  it('a registry that will not list tags gives no variants and no error', async () => {
    const { client } = countingClient();
    const failing: ImageResolver = {
      resolve: (reference, options) => client.resolve(reference, options),
      tags: () => Promise.reject(new Error('connection refused')),
    };
    const input = dockerfileInput('Dockerfile', `FROM ${registry.host}/example/python:3.12\n`);
    await withRegistryFacts([input], failing);
    const facts = input.dockerfile.stages[0]?.base.registry_facts;
    expect(facts?.error).toBeNull();
    expect(facts?.digest).toBe(pushed.full.digest);
    expect(facts).not.toHaveProperty('lighter_variants');
  });

  it('nothing is compared for an image without a version tag', async () => {
    const { client, requests } = countingClient();
    const input = dockerfileInput(
      'Dockerfile',
      `FROM ${registry.host}/example/python@${pushed.full.digest}\n`,
    );
    await withRegistryFacts([input], client);
    expect(input.dockerfile.stages[0]?.base.registry_facts).not.toHaveProperty('lighter_variants');
    expect(requests.some((r) => r.includes('tags/list'))).toBe(false);
  });
});

describe('distroless for a final stage that runs one binary', () => {
  // The final stage copies one binary from the builder and runs it; the builder's RUN decides.
  const dockerfile = (build: string) =>
    dockerfileInput(
      'Dockerfile',
      `FROM ${registry.host}/example/python:3.12 AS build\nRUN ${build}\nFROM ${registry.host}/example/python:3.12\nCOPY --from=build /out/server /server\nENTRYPOINT ["/server"]\n`,
    );
  const others = (input: PolicyInput) =>
    ('dockerfile' in input ? input.dockerfile.stages[1]?.base.registry_facts?.lighter_variants : [])?.filter(
      (v) => v.other_repository,
    );

  it('CGO_ENABLED=0 in the builder: distroless/static from the mirror the data names, with its caveats', async () => {
    const { client, requests } = countingClient();
    const input = dockerfile('CGO_ENABLED=0 go build -o /out/server ./cmd/server');
    await withRegistryFacts([input], client, distrolessMirrorData(registry.host));
    expect(others(input)).toEqual([
      {
        variant: 'distroless-static',
        tag: 'nonroot',
        reference: `${registry.host}/distroless/static-debian12:nonroot`,
        other_repository: true,
        digest: distroless.static.digest,
        platform_digest: distroless.static.digest,
        compressed_size: compressedSize(distroless.static),
        libc: 'none',
        same_libc: false,
        package_manager: 'none',
        has_shell: false,
        caveats: [
          'no shell: RUN and shell-form commands fail',
          'no package manager',
          expect.stringContaining('nonroot user (65532)'),
        ],
      },
    ]);
    expect(requests.some((r) => r.includes('base-debian12'))).toBe(false);
  });

  it('a Rust musl target is static too; a go build without flags gets distroless/base (glibc)', async () => {
    const rust = dockerfile('cargo build --release --target x86_64-unknown-linux-musl');
    const go = dockerfile('go build -o /out/server ./cmd/server');
    await withRegistryFacts([rust], countingClient().client, distrolessMirrorData(registry.host));
    await withRegistryFacts([go], countingClient().client, distrolessMirrorData(registry.host));
    expect(others(rust)?.map((v) => v.variant)).toEqual(['distroless-static']);
    expect(others(go)?.map((v) => [v.variant, v.libc, v.same_libc])).toEqual([
      ['distroless-base', 'glibc', true],
    ]);
  });

  it('no evidence of a binary being built, or a RUN in the final stage: distroless is not looked up', async () => {
    const { client, requests } = countingClient();
    const noBuild = dockerfile('true');
    const withRun = dockerfileInput(
      'Dockerfile',
      `FROM ${registry.host}/example/python:3.12 AS build\nRUN CGO_ENABLED=0 go build -o /out/server .\nFROM ${registry.host}/example/python:3.12\nCOPY --from=build /out/server /server\nRUN chmod +x /server\n`,
    );
    await withRegistryFacts([noBuild, withRun], client, distrolessMirrorData(registry.host));
    expect(requests.some((r) => r.includes('distroless'))).toBe(false);
    expect(others(noBuild)).toEqual([]);
  });
});
