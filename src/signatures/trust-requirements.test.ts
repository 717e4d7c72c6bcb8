/**
 * The trust policy's requirements beyond a signature (provenance, require_sbom,
 * require_tlog) and the operator's policy over the repository's `trust:`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { parseImageReference } from '../image/reference.js';
import { provenancePatternMatches } from './attestations.js';
import {
  matchTrustPolicy,
  mergeTrustPolicies,
  TrustPolicyError,
  trustPolicyFromDocument,
} from './trust-policy.js';

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

function read(yaml: string, source = 'trust.yaml') {
  const document = parseYaml(yaml.replaceAll('PEM', JSON.stringify(pem)));
  return trustPolicyFromDocument(document, { baseDir: '/nonexistent', source, trustedRoot: null });
}

function image(text: string) {
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.reference;
}

it('applies top-level requirements to every policy, and a policy may replace them', () => {
  const set = read(`
provenance: {builders: ["https://github.com/actions/runner/*"]}
require_sbom: true
policies:
  - images: ["ghcr.io/acme/**"]
    keys: [PEM]
  - images: ["ghcr.io/legacy/**"]
    keys: [PEM]
    require_sbom: false
    require_tlog: true
    provenance: {builders: ["https://ci.acme.internal/*"], source_repositories: ["https://git.acme.internal/*"]}
`);
  expect(
    set.policies.map(({ provenance, requireSbom, requireTlog }) => ({
      provenance,
      requireSbom,
      requireTlog,
    })),
  ).toEqual([
    {
      provenance: { builders: ['https://github.com/actions/runner/*'], source_repositories: [] },
      requireSbom: true,
      requireTlog: false,
    },
    {
      provenance: {
        builders: ['https://ci.acme.internal/*'],
        source_repositories: ['https://git.acme.internal/*'],
      },
      requireSbom: false,
      requireTlog: true,
    },
  ]);
});

it.each([
  ['provenance: {builders: []}', 'provenance.builders: name at least one builder id'],
  ['provenance: {source_repositories: ["x"]}', 'provenance.builders: expected a list of non-empty strings'],
  ['require_tlog: "yes"', 'require_tlog: expected true or false'],
])('refuses %s', (line, message) => {
  expect(() => read(`${line}\npolicies:\n  - images: ["x/**"]\n    keys: [PEM]\n`)).toThrow(TrustPolicyError);
  expect(() => read(`${line}\npolicies:\n  - images: ["x/**"]\n    keys: [PEM]\n`)).toThrow(message);
});

it("puts the operator's policies first: every image an operator pattern matches is the operator's", () => {
  const operator = read(
    'policies:\n  - images: ["ghcr.io/acme/**"]\n    keys: [PEM]\n    require_tlog: true\n',
    'operator',
  );
  const repository = read(
    'unmatched: deny\npolicies:\n  - images: ["ghcr.io/acme/web"]\n    keys: [PEM]\n  - images: ["docker.io/**"]\n    keys: [PEM]\n',
    'repository',
  );
  const merged = mergeTrustPolicies(operator, repository);
  // The repository's more specific pattern does not take the image from the operator.
  expect(matchTrustPolicy(merged, image('ghcr.io/acme/web:1'))?.policy).toBe(operator.policies[0]);
  expect(matchTrustPolicy(merged, image('nginx:1.27'))?.policy).toBe(repository.policies[1]);
  expect(matchTrustPolicy(merged, image('quay.io/other/app:1'))).toBeNull();
  expect(merged.unmatched).toBe('deny'); // the stricter level
  expect(mergeTrustPolicies(repository, operator).unmatched).toBe('deny');
});

it('matches provenance patterns as OPA glob.match with no delimiters does', () => {
  expect(
    provenancePatternMatches(
      'https://github.com/actions/runner/*',
      'https://github.com/actions/runner/github-hosted',
    ),
  ).toBe(true);
  expect(provenancePatternMatches('https://github.com/acme/*', 'https://github.com/acme/team/web')).toBe(
    true,
  );
  expect(provenancePatternMatches('https://github.com/acme/*', 'https://github.com/acme')).toBe(false);
  expect(provenancePatternMatches('https://github.com/acme/web', 'https://github.com/acme/web2')).toBe(false);
  expect(provenancePatternMatches('https://ci.example.com/b?', 'https://ci.example.com/b1')).toBe(true);
  expect(provenancePatternMatches('a.b', 'axb')).toBe(false);
});
