/**
 * Facts in the pipeline: each gatherer (src/facts/) returns what it found, keyed by target
 * path and by the site that names an image, and `mergeFacts` is the one place that writes
 * them into the policy input documents.
 */

import { applyDockerignore, type RepositoryFileReader, readDockerignore } from '../facts/dockerignore.js';
import type { ImageSbom, ReferenceScanFacts } from '../facts/reference-scans.js';
import type { ImageResolver } from '../facts/registry-facts.js';
import type { ShellCheckFacts, ShellCheckGatherer } from '../facts/shellcheck.js';
import type { ImageSignatureFacts } from '../facts/signature-facts.js';
import { type FactsBySite, factsAt, type ImageSite, sitesWithFacts } from '../facts/sites.js';
import type { DockerignoreFacts, ImageFacts, PolicyInput, RegistryFacts } from '../input/policy-input.js';
import { applyShellCheckFacts } from '../input/shellcheck-facts.js';
import { settings } from '../settings.js';
import type { TrustPolicySet } from '../signatures/trust-policy.js';

/** Builds and scans the Dockerfiles that need it (src/facts/image-facts.ts): `image` facts by target path. */
export type ImageFactsGatherer = (inputs: readonly PolicyInput[]) => Promise<Map<string, ImageFacts>>;

export interface FactSources {
  /** Looks referenced images up in their registries; without it (offline) there are no registry facts. */
  registry?: ImageResolver;
  /** Who must have signed images; undefined means PORTCULLIS_TRUST_POLICY, null none. */
  trust?: TrustPolicySet | null;
  /** "Now" for the images' ages. */
  now: Date;
  images?: ImageFactsGatherer;
  /** Runs ShellCheck on the Dockerfiles' RUNs; `texts` are the Dockerfiles by path (for the comments above each RUN). */
  shellcheck?: { gather: ShellCheckGatherer; texts: ReadonlyMap<string, string> };
  /** The repository's policy data files as merged: `image_variants` there extends the built-in table of lighter tags. */
  policyData?: Record<string, unknown>;
  /** By Dockerfile path, the repository it was read from: its build context's `.dockerignore` is read there. */
  repositories?: ReadonlyMap<string, RepositoryFileReader>;
}

/** Everything the gatherers found for one run, each as it returned it. */
export interface GatheredFacts {
  registry?: FactsBySite<RegistryFacts>;
  /** Only with a trust policy. */
  signatures?: FactsBySite<ImageSignatureFacts>;
  /** Only with PORTCULLIS_SCAN_REFERENCES=1. */
  scans?: FactsBySite<ReferenceScanFacts>;
  images?: Map<string, ImageFacts>;
  shellcheck?: ShellCheckFacts;
  /** By Dockerfile path, the `.dockerignore` of its build context, where there is one. */
  dockerignore?: Map<string, DockerignoreFacts>;
}

/** Runs the gatherers the sources allow, in order: registry look-ups, then signatures and scans of what they resolved, then builds. */
export async function gatherFacts(
  inputs: readonly PolicyInput[],
  sources: FactSources,
): Promise<GatheredFacts> {
  const facts: GatheredFacts = {};
  const { registry } = sources;
  // ShellCheck runs in processes of its own, while the look-ups and builds below wait on the network.
  const shellcheck = sources.shellcheck ? gatherShellCheck(inputs, sources.shellcheck) : undefined;
  shellcheck?.catch(() => undefined); // awaited below; a failure meanwhile is not unhandled
  if (registry) {
    // The online gatherers (registry client, sigstore, osv-scanner) are imported only here:
    // an offline check, a pre-commit hook's, starts cold without them. One at a time: jest's
    // ESM loader fails concurrent imports that share modules ("… is not in cache").
    const { gatherRegistryFacts } = await import('../facts/registry-facts.js');
    const { gatherSignatureFacts } = await import('../facts/signature-facts.js');
    const { scanReferencedImages } = await import('../facts/reference-scans.js');
    const { RegistryClient } = await import('../registry/client.js');
    const { OsvScanner } = await import('../scan/osv-scanner.js');
    const { trustPolicyFromEnv } = await import('../signatures/trust-policy.js');
    // Read first: a trust policy that cannot be read stops the run before any look-up.
    const trust = sources.trust === undefined ? trustPolicyFromEnv() : sources.trust;
    facts.registry = await gatherRegistryFacts(inputs, registry, sources.now, {
      policyData: sources.policyData,
    });
    const looked = sitesWithFacts(inputs, facts.registry);
    // Signatures of the digests just resolved, only when a trust policy is configured; their
    // verified SBOM attestations spare the scans below a pull.
    const sboms = new Map<string, readonly ImageSbom[]>();
    if (trust) facts.signatures = await gatherSignatureFacts(looked, registry, trust, sboms);
    // Vulnerabilities of the referenced images: opt-in, and only with a real registry client.
    const { osvDb: osvDatabase, scanReferences } = settings();
    if (scanReferences && osvDatabase && registry instanceof RegistryClient) {
      const scanner = new OsvScanner({ database: osvDatabase });
      facts.scans = await scanReferencedImages(looked, registry, scanner, sboms);
    }
  }
  if (sources.repositories) facts.dockerignore = await gatherDockerignore(inputs, sources.repositories);
  if (sources.images) facts.images = await sources.images(inputs);
  if (shellcheck) facts.shellcheck = await shellcheck;
  return facts;
}

async function gatherDockerignore(
  inputs: readonly PolicyInput[],
  repositories: ReadonlyMap<string, RepositoryFileReader>,
): Promise<Map<string, DockerignoreFacts>> {
  const found = new Map<string, DockerignoreFacts>();
  for (const input of inputs) {
    const read = repositories.get(input.target.path);
    if (!read || !('dockerfile' in input)) continue;
    const facts = await readDockerignore(input.target.path, read);
    if (facts) found.set(input.target.path, facts);
  }
  return found;
}

function gatherShellCheck(
  inputs: readonly PolicyInput[],
  { gather, texts }: NonNullable<FactSources['shellcheck']>,
): Promise<ShellCheckFacts> {
  return gather(
    inputs.flatMap((input) => {
      const text = texts.get(input.target.path);
      return 'dockerfile' in input && text !== undefined
        ? [{ path: input.target.path, text, dockerfile: input.dockerfile }]
        : [];
    }),
  );
}

/**
 * Writes the gathered facts into the input documents, in place: `registry_facts` of each
 * reference and Dockerfile base image (the look-up, then its `trust_policy`/`signatures`,
 * then its `vulnerabilities`/`scan_error`, in that order of fields), and `image` of each
 * Dockerfile built. A site nothing was found for keeps what it had (null).
 */
export function mergeFacts(inputs: readonly PolicyInput[], facts: GatheredFacts): void {
  // Sites that share a look-up share one object in the input, as they did in the gatherers.
  const merged = new Map<RegistryFacts, RegistryFacts>();
  const registryFactsAt = (site: ImageSite): RegistryFacts | undefined => {
    const found = factsAt(facts.registry, site);
    if (!found) return undefined;
    let combined = merged.get(found);
    if (!combined) {
      combined = { ...found, ...factsAt(facts.signatures, site), ...factsAt(facts.scans, site) };
      merged.set(found, combined);
    }
    return combined;
  };
  for (const input of inputs) {
    const path = input.target.path;
    for (const reference of input.references) {
      const { line, image, platform } = reference;
      if (image)
        reference.registry_facts =
          registryFactsAt({ path, line, image, platform }) ?? reference.registry_facts;
    }
    if (!('dockerfile' in input)) continue;
    for (const { line, base } of input.dockerfile.stages) {
      const { image, platform } = base;
      if (image)
        base.registry_facts = registryFactsAt({ path, line, image, platform }) ?? base.registry_facts;
    }
    const dockerignore = facts.dockerignore?.get(path);
    if (dockerignore) applyDockerignore(input.dockerfile, dockerignore);
    const image = facts.images?.get(path);
    if (image) input.image = image;
    const shellcheck = facts.shellcheck?.get(path);
    if (shellcheck) applyShellCheckFacts(input, shellcheck);
  }
}
