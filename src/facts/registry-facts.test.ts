/** Registry facts against a real registry on 127.0.0.1: what they hold, and the look-up cache. */

import { pushImage, startRegistry, type TestRegistry } from '../../test/support/registry.js';
import { mergeFacts } from '../core/facts.js';
import type { PolicyInput } from '../input/policy-input.js';
import { RegistryClient } from '../registry/client.js';
import { dockerfileInput } from '../targets/dockerfile/index.js';
import { gatherRegistryFacts, type ImageResolver } from './registry-facts.js';

let registry: TestRegistry;
let digest: string;

beforeAll(async () => {
  registry = await startRegistry();
  digest = (
    await pushImage(registry, 'acme/app', '2.0', {
      config: {
        User: '10001',
        Env: ['PATH=/bin', 'API_TOKEN=secret-value'],
        ExposedPorts: { '8080/tcp': {} },
        Labels: { 'org.opencontainers.image.base.name': 'docker.io/library/alpine:3.20' },
      },
    })
  ).digest;
});
afterAll(async () => {
  await registry?.stop();
});

/** The inputs as the pipeline leaves them: with the registry facts gathered for them merged in. */
async function withRegistryFacts(inputs: PolicyInput[], resolver: ImageResolver): Promise<void> {
  mergeFacts(inputs, { registry: await gatherRegistryFacts(inputs, resolver, new Date()) });
}

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

describe('gatherRegistryFacts', () => {
  it('puts digest, user, ports, env names (never values), labels and the base image into the input', async () => {
    const input = dockerfileInput('Dockerfile', `FROM ${registry.host}/acme/app:2.0\n`);
    await withRegistryFacts([input], countingClient().client);
    const facts = input.dockerfile.stages[0]?.base.registry_facts;
    expect(facts).toMatchObject({
      digest,
      user: '10001',
      exposed_ports: ['8080/tcp'],
      env_names: ['PATH', 'API_TOKEN'],
      base_image: { name: 'docker.io/library/alpine:3.20', digest: null },
      error: null,
    });
    expect(JSON.stringify(facts)).not.toContain('secret-value');
    expect(input.references[0]?.registry_facts?.digest).toBe(digest);
  });

  it('looks each image up once per run, and serves repeats from its cache', async () => {
    const { client, requests } = countingClient();
    const inputs = () => [
      dockerfileInput('a/Dockerfile', `FROM ${registry.host}/acme/app:2.0\n`),
      dockerfileInput(
        'b/Dockerfile',
        `FROM ${registry.host}/acme/app:2.0\nCOPY --from=${registry.host}/acme/app:2.0 / /\n`,
      ),
    ];
    await withRegistryFacts(inputs(), client);
    const first = requests.length;
    expect(first).toBeGreaterThan(0);
    const again = inputs();
    await withRegistryFacts(again, client);
    expect(requests.length).toBe(first); // nothing asked the second time
    expect(again[1]?.references.every((r) => r.registry_facts?.digest === digest)).toBe(true);
  });

  it('does not cache failures', async () => {
    const { client, requests } = countingClient();
    const input = () => dockerfileInput('Dockerfile', `FROM ${registry.host}/acme/missing:1.0\n`);
    await withRegistryFacts([input()], client);
    const first = requests.length;
    const second = input();
    await withRegistryFacts([second], client);
    expect(requests.length).toBeGreaterThan(first);
    expect(second.dockerfile.stages[0]?.base.registry_facts?.error?.code).toBe('not_found');
  });
});
