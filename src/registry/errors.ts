/** What went wrong talking to a registry, as a value callers can branch on. */
export type RegistryErrorCode =
  /** 401: no credentials, or credentials the registry or its token server rejected. */
  | 'unauthorized'
  /** 403: the credentials were accepted but do not grant access to the repository. */
  | 'denied'
  /** 404: no such repository, tag, manifest or blob. */
  | 'not_found'
  /** An index has no image for the requested platform. */
  | 'no_matching_platform'
  /** Connection refused, reset, or the host name does not resolve. */
  | 'unreachable'
  /** The TLS handshake failed: often a plain-HTTP registry that is not listed as insecure. */
  | 'tls'
  /** No answer within the timeout, on every attempt. */
  | 'timeout'
  /** 429 on every attempt, or a Retry-After longer than we are willing to wait. */
  | 'rate_limited'
  /** 5xx on every attempt, or an answer that makes no sense for the request. */
  | 'server_error'
  /** A manifest or image config that cannot be parsed or is not a container image. */
  | 'invalid_manifest'
  /** Content whose sha256 is not the digest it was asked for or announced with. */
  | 'digest_mismatch'
  /** A manifest or blob larger than the client accepts. */
  | 'too_large'
  /** Credentials configuration that cannot be read (never echoes its content). */
  | 'invalid_credentials'
  /** A malformed argument, e.g. a platform that is not `os/arch[/variant]`. */
  | 'invalid_request';

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly code: RegistryErrorCode;
  /** Registry host as in the image reference (`docker.io`, `127.0.0.1:5000`), when known. */
  readonly registry: string | null;
  /** HTTP status of the last answer, when there was one. */
  readonly status: number | null;

  constructor(
    code: RegistryErrorCode,
    message: string,
    details: { registry?: string | null; status?: number | null } = {},
  ) {
    super(message);
    this.code = code;
    this.registry = details.registry ?? null;
    this.status = details.status ?? null;
  }
}

/**
 * Replaces every secret in an error's message and stack with `***`. The client passes every
 * error it throws through this, so a password or token that a registry or a library echoes
 * back in an error text never reaches a log or a check run.
 */
export function redactError(error: unknown, secrets: Iterable<string>): Error {
  const list = [...secrets].filter((secret) => secret.length >= 4);
  const redact = (text: string): string =>
    list.reduce((result, secret) => result.split(secret).join('***'), text);
  if (error instanceof RegistryError) {
    const clean = new RegistryError(error.code, redact(error.message), error);
    clean.stack = redact(error.stack ?? '');
    return clean;
  }
  // A bug of ours rather than a registry's answer: keep it what it is, minus any secret.
  const clean = error instanceof Error ? error : new Error(String(error));
  clean.message = redact(clean.message);
  clean.stack = redact(clean.stack ?? '');
  return clean;
}
