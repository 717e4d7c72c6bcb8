/**
 * Where facts about images belong: each gatherer returns what it found keyed by target
 * path and by the site in that target that names the image, and src/core/facts.ts places
 * it in the input documents. No gatherer writes into an input or into another's facts.
 */
import type { ImageReference } from '../image/reference.js';
import type { PolicyInput } from '../input/policy-input.js';

/** One place a target names an image: a reference, or a Dockerfile stage's base image. */
export interface ImageSite {
  /** The target's path (`input.target.path`). */
  path: string;
  /** The line the image is named on. */
  line: number;
  image: ImageReference;
  /** The platform the file asks for, or null. */
  platform: string | null;
}

/**
 * Facts by target path, then by `siteKey`. A line alone is not enough: a one-line JSON
 * manifest, or a RUN with two `--mount=from=`, names several images on the same line.
 */
export type FactsBySite<T> = Map<string, Map<string, T>>;

/** The key of a site within its target: line, image and platform (same key, same facts). */
export function siteKey(site: Pick<ImageSite, 'line' | 'image' | 'platform'>): string {
  return `${site.line} ${site.image.normalized} ${site.platform ?? ''}`;
}

/** Every site of the inputs that names a parsed image: the references, and the bases of Dockerfile stages. */
export function imageSites(inputs: readonly PolicyInput[]): ImageSite[] {
  const sites: ImageSite[] = [];
  for (const input of inputs) {
    const path = input.target.path;
    for (const { line, image, platform } of input.references) {
      if (image) sites.push({ path, line, image, platform });
    }
    for (const { line, base } of 'dockerfile' in input ? input.dockerfile.stages : []) {
      if (base.image) sites.push({ path, line, image: base.image, platform: base.platform });
    }
  }
  return sites;
}

/** Each site of the inputs at which `found` has facts, with those facts: what later gatherers start from. */
export function sitesWithFacts<T>(
  inputs: readonly PolicyInput[],
  found: FactsBySite<T>,
): (ImageSite & { facts: T })[] {
  return imageSites(inputs).flatMap((site) => {
    const facts = factsAt(found, site);
    return facts === undefined ? [] : [{ ...site, facts }];
  });
}

/** The facts found at `site`, if any. */
export function factsAt<T>(facts: FactsBySite<T> | undefined, site: ImageSite): T | undefined {
  return facts?.get(site.path)?.get(siteKey(site));
}

/** Files `value` under its site (the one place gatherers build a FactsBySite). */
export function setFactsAt<T>(facts: FactsBySite<T>, site: ImageSite, value: T): void {
  let forPath = facts.get(site.path);
  if (!forPath) {
    forPath = new Map();
    facts.set(site.path, forPath);
  }
  forPath.set(siteKey(site), value);
}
