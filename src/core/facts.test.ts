/** mergeFacts: the one place gathered facts enter the input documents, each at its own site. */
import { type FactsBySite, setFactsAt } from '../facts/sites.js';
import type { PolicyInput, RegistryFacts } from '../input/policy-input.js';
import { policyInputFor } from '../targets/input.js';
import { mergeFacts } from './facts.js';

const lookedUp = (digest: string): RegistryFacts => ({
  digest,
  platform_digest: digest,
  media_type: null,
  platforms: [],
  user: '',
  created: null,
  age_days: null,
  size: 1,
  layer_count: 1,
  error: null,
});

function input(path: string, text: string): PolicyInput {
  const found = policyInputFor(path, text);
  if (!found) throw new Error(`${path} is not a target`);
  return found;
}

/** Facts for every reference of the inputs, as a gatherer returns them: `facts(image)` decides what each gets. */
function bySite<T>(inputs: PolicyInput[], facts: (image: string) => T): FactsBySite<T> {
  const found: FactsBySite<T> = new Map();
  for (const doc of inputs) {
    const path = doc.target.path;
    for (const { line, image, platform } of doc.references) {
      if (image) setFactsAt(found, { path, line, image, platform }, facts(image.normalized));
    }
  }
  return found;
}

it('places each image’s facts at its own site, several on one line, signatures after the look-up', () => {
  // One-line JSON: two images on line 1.
  const pod = input(
    'pod.json',
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        containers: [
          { name: 'a', image: 'acme/a:1' },
          { name: 'b', image: 'acme/b:1' },
        ],
      },
    }),
  );
  const registry = bySite([pod], (image) => lookedUp(`sha256:${image}`));
  const trust_policy = { matched: false, pattern: null, signers: [], unmatched: 'info' as const };
  const signatures = bySite([pod], () => ({ trust_policy, signatures: null, attestations: null }));
  mergeFacts([pod], { registry, signatures });
  const [a, b] = pod.references.map((r) => r.registry_facts);
  expect([a?.digest, b?.digest]).toEqual(['sha256:docker.io/acme/a:1', 'sha256:docker.io/acme/b:1']);
  expect(Object.keys(a ?? {}).slice(-3)).toEqual(['trust_policy', 'signatures', 'attestations']);
  // The gatherers' own objects are left as they returned them.
  expect(registry.get('pod.json')?.get('1 docker.io/acme/a:1 ')).not.toHaveProperty('signatures');
});

it('fills the stage base and its FROM reference with the same object, and `image` by path', () => {
  const dockerfile = input('svc/Dockerfile', 'FROM acme/base:1\nCOPY --from=acme/base:1 / /\n');
  if (!('dockerfile' in dockerfile)) throw new Error('not a Dockerfile');
  const facts = lookedUp('sha256:1');
  const registry = bySite([dockerfile], () => facts);
  const image = { status: 'built' } as never;
  mergeFacts([dockerfile], { registry, images: new Map([['svc/Dockerfile', image]]) });
  const base = dockerfile.dockerfile.stages[0]?.base.registry_facts;
  expect(base).toEqual(facts);
  expect(dockerfile.references.map((r) => r.registry_facts)).toEqual([base, base]);
  expect(dockerfile.references[0]?.registry_facts).toBe(base);
  expect(dockerfile.image).toBe(image);
});

it('leaves a site nothing was found for as it was', () => {
  const compose = input('compose.yaml', 'services:\n  web:\n    image: acme/web:1\n');
  mergeFacts([compose], {});
  expect(compose.references[0]?.registry_facts).toBeNull();
});
