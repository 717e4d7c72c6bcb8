/**
 * Signature facts in the policy input, gathered with the registry facts from a real
 * registry and real cosign signatures, and valid against docs/policy-input.schema.json.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { githubProvenance } from '../../test/support/attestations.js';
import { type CosignKeyPair, type CosignWorkspace, cosignWorkspace } from '../../test/support/cosign.js';
import { pushImage, startRegistry, type TestRegistry } from '../../test/support/registry.js';
import { gatherFacts, mergeFacts } from '../core/facts.js';
import type { PolicyInput, RegistryFacts } from '../input/policy-input.js';
import { RegistryClient } from '../registry/client.js';
import { loadSettings, resetSettings, useSettings } from '../settings.js';
import { policyInputFor } from '../targets/input.js';

const unwrap = <T>(m: T | { default: T }): T => (m as { default: T }).default ?? (m as T);
const ajv = new (unwrap(Ajv2020))({ allErrors: true, strict: true });
unwrap(addFormats)(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(join('docs', 'policy-input.schema.json'), 'utf8')));

let registry: TestRegistry;
let cosign: CosignWorkspace;
let key: CosignKeyPair;
let client: RegistryClient;
let signed: string;

beforeAll(async () => {
  [registry, cosign] = await Promise.all([startRegistry(), cosignWorkspace()]);
  key = await cosign.generateKeyPair('cosign');
  client = new RegistryClient({ insecureRegistries: [registry.host], retries: 0 });
  signed = (await pushImage(registry, 'acme/web', '1.0')).digest;
  await pushImage(registry, 'acme/worker', '1.0', { layers: [{ 'w.txt': 'worker' }] });
  await pushImage(registry, 'other/tool', '1.0', { layers: [{ 't.txt': 'tool' }] });
  await cosign.sign(`${registry.host}/acme/web@${signed}`, key, 'bundle');
  await cosign.attest(`${registry.host}/acme/web@${signed}`, key, {
    predicate: githubProvenance('https://github.com/actions/runner/github-hosted'),
    type: 'slsaprovenance1',
    format: 'dsse',
  });
  writeFileSync(
    join(cosign.dir, 'trust.yaml'),
    `policies:\n  - images: ["${registry.host}/acme/**"]\n    keys: [cosign.pub]\n`,
  );
});
afterAll(async () => {
  resetSettings();
  await Promise.all([registry?.stop(), cosign?.close()]);
});

function manifest(): PolicyInput {
  const images = ['acme/web:1.0', 'acme/web:1.0', 'acme/worker:1.0', 'other/tool:1.0', 'acme/missing:1.0'];
  const containers = images.map((image, i) => `    - name: c${i}\n      image: ${registry.host}/${image}\n`);
  const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n${containers.join('')}`;
  const input = policyInputFor('pod.yaml', text);
  if (!input) throw new Error('not a manifest');
  return input;
}

/** The facts the pipeline gathers with a registry (signatures with PORTCULLIS_TRUST_POLICY), merged into the input. */
async function withSignatureFacts(input: PolicyInput): Promise<void> {
  mergeFacts([input], await gatherFacts([input], { registry: client, now: new Date() }));
}

const facts = (input: PolicyInput) => input.references.map((ref) => ref.registry_facts as RegistryFacts);

it('adds trust-policy and signature facts when a trust policy is configured', async () => {
  const input = manifest();
  useSettings(loadSettings({ PORTCULLIS_TRUST_POLICY: join(cosign.dir, 'trust.yaml') }));
  try {
    await withSignatureFacts(input);
  } finally {
    resetSettings();
  }
  const [web, again, worker, tool, missing] = facts(input);
  const policy = {
    matched: true,
    pattern: `${registry.host}/acme/**`,
    signers: [{ key: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), issuer: null, subject: null }],
    unmatched: 'info',
    provenance: null,
    require_sbom: false,
    require_tlog: false,
  };
  expect(web?.trust_policy).toEqual(policy);
  expect(web?.attestations).toMatchObject([
    {
      predicate_type: 'https://slsa.dev/provenance/v1',
      format: 'dsse',
      verified: true,
      builder_id: 'https://github.com/actions/runner/github-hosted',
    },
  ]);
  expect(web?.signatures).toEqual([
    {
      verified: true,
      format: 'bundle',
      signer: policy.signers[0]?.key,
      issuer: null,
      digest: signed,
      error: null,
    },
  ]);
  expect(again).toBe(web); // one look-up and one verification per image
  expect(worker).toMatchObject({ trust_policy: policy, signatures: [], attestations: [] });
  expect(tool).toMatchObject({
    trust_policy: { matched: false, pattern: null, signers: [], unmatched: 'info' },
    signatures: null,
    attestations: null,
  });
  expect(missing).toMatchObject({ error: { code: 'not_found' }, trust_policy: policy, signatures: null });
  expect(validate(input) ? [] : validate.errors).toEqual([]);
});

it('changes nothing without a trust policy', async () => {
  const input = manifest();
  await withSignatureFacts(input);
  for (const entry of facts(input)) {
    expect(entry).not.toHaveProperty('trust_policy');
    expect(entry).not.toHaveProperty('signatures');
  }
});
