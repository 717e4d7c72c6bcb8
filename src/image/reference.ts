/**
 * Image references, parsed and normalised per the distribution reference grammar
 * (github.com/distribution/reference): `[registry/]path[:tag][@digest]`.
 *
 * Written here rather than taken from npm because the packages there either do not
 * normalise Docker Hub names (`alpine` → `docker.io/library/alpine`) or drop the tag
 * when a digest is present; policies need both.
 */

/** A parsed, normalised image reference. */
export interface ImageReference {
  /** Registry host with optional port, e.g. `docker.io`, `ghcr.io`, `localhost:5000`. */
  registry: string;
  /** Repository path inside the registry; official Docker Hub images get `library/`. */
  repository: string;
  /** Tag as written, or null. `latest` is only filled in by `normalized`, never here. */
  tag: string | null;
  /** `algorithm:hex` digest as written, or null. */
  digest: string | null;
  /** `registry/repository`, the name policies compare against allowlists. */
  name: string;
  /** Fully qualified form: `name[:tag][@digest]`, with `:latest` when neither is given. */
  normalized: string;
}

export type ParsedReference = { ok: true; reference: ImageReference } | { ok: false; error: string };

export const DOCKER_HUB = 'docker.io';

const TAG = /^[\w][\w.-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;
/** Hex digits of each digest algorithm the OCI spec registers; a Map, so `constructor` is no algorithm. */
export const DIGEST_HEX_LENGTHS: ReadonlyMap<string, number> = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);

export function parseImageReference(text: string): ParsedReference {
  const fail = (why: string): ParsedReference => ({
    ok: false,
    error: `invalid image reference "${text}": ${why}`,
  });
  if (text.length === 0) return fail('it is empty');
  if (text.length > 255 + 128 + 140) return fail('it is too long');
  if (/\s/.test(text)) return fail('it contains white space');

  let rest = text;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const [algorithm, hex] = digest.split(':', 2);
    const expected = algorithm ? DIGEST_HEX_LENGTHS.get(algorithm) : undefined;
    if (!algorithm || hex === undefined) return fail('the digest must look like sha256:<64 hex digits>');
    if (expected === undefined) return fail(`unsupported digest algorithm "${algorithm}"`);
    if (!/^[0-9a-f]+$/.test(hex)) return fail('the digest must be lower-case hexadecimal');
    if (hex.length !== expected)
      return fail(`a ${algorithm} digest has ${expected} hex digits, not ${hex.length}`);
  }

  let tag: string | null = null;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return fail(`"${tag}" is not a valid tag`);
  }

  let registry = DOCKER_HUB;
  let path = rest;
  const firstSlash = rest.indexOf('/');
  if (firstSlash >= 0) {
    const first = rest.slice(0, firstSlash);
    // The first component is a registry only if it looks like a host: a dot, a port, or `localhost`.
    if (first.includes('.') || first.includes(':') || first === 'localhost' || /[A-Z]/.test(first)) {
      if (!DOMAIN.test(first)) return fail(`"${first}" is not a valid registry host`);
      registry = first;
      path = rest.slice(firstSlash + 1);
    }
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (path.length === 0) return fail('the repository name is missing');
  for (const component of path.split('/')) {
    if (/[A-Z]/.test(component)) return fail('repository names must be lower-case');
    if (!PATH_COMPONENT.test(component))
      return fail(`"${component}" is not a valid repository name component`);
  }
  const repository = registry === DOCKER_HUB && !path.includes('/') ? `library/${path}` : path;
  const name = `${registry}/${repository}`;
  const normalized = `${name}${tag !== null ? `:${tag}` : digest === null ? ':latest' : ''}${digest !== null ? `@${digest}` : ''}`;
  return { ok: true, reference: { registry, repository, tag, digest, name, normalized } };
}
