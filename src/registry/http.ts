/**
 * One logical HTTP GET to a registry: a timeout per attempt, bounded retries with exponential
 * backoff and jitter on network errors, timeouts, 429 and 5xx (never on other 4xx), and
 * redirects followed by hand so the Authorization header goes to its own origin only.
 *
 * Redirects are followed here rather than by fetch because a blob GET is commonly redirected
 * to object storage with a pre-signed URL: forwarding the registry's token there leaks it,
 * and S3 rejects a request that carries two kinds of authentication. The content itself is
 * verified by digest afterwards, whichever host served it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RegistryError } from './errors.js';

export interface TransportOptions {
  fetch: typeof fetch;
  /** Per attempt, covering the headers and the whole body. */
  timeoutMs: number;
  /** Attempts after the first. */
  retries: number;
  userAgent: string;
}

export interface HttpRequest {
  url: URL;
  headers: Record<string, string>;
  /** A body larger than this is refused (`too_large`) rather than buffered. */
  maxBytes: number;
  /** Who is asked, for messages: `registry 127.0.0.1:5000`, `token server … of registry …`. */
  peer: string;
  /** The registry the request is for, carried into errors. */
  registry: string;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: URL;
  /** How many attempts the last hop took. */
  attempts: number;
}

const MAX_REDIRECTS = 5;
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 4000;
/** A Retry-After longer than this is not waited for: the error says when to try again. */
export const MAX_RETRY_AFTER_MS = 30_000;

export async function send(request: HttpRequest, options: TransportOptions): Promise<HttpResponse> {
  let url = request.url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    // The Authorization header belongs to the origin it was issued for, and to no other.
    const headers = { ...request.headers };
    if (url.origin !== request.url.origin) delete headers.authorization;
    const response = await sendWithRetries({ ...request, url, headers }, options);
    const location = [301, 302, 303, 307, 308].includes(response.status)
      ? response.headers.get('location')
      : null;
    if (location === null) return response;
    const next = new URL(location, url);
    if (next.protocol !== 'https:' && next.protocol !== 'http:') {
      throw new RegistryError(
        'server_error',
        `The ${request.peer} redirected to a ${next.protocol} URL`,
        request,
      );
    }
    if (url.protocol === 'https:' && next.protocol === 'http:') {
      throw new RegistryError(
        'server_error',
        `The ${request.peer} redirected from HTTPS to plain HTTP (${next.host}); refusing the downgrade`,
        request,
      );
    }
    url = next;
  }
  throw new RegistryError(
    'server_error',
    `The ${request.peer} redirected more than ${MAX_REDIRECTS} times`,
    request,
  );
}

async function sendWithRetries(request: HttpRequest, options: TransportOptions): Promise<HttpResponse> {
  for (let attempt = 0; ; attempt++) {
    const attempts = attempt + 1;
    let response: HttpResponse;
    try {
      const signal = AbortSignal.timeout(options.timeoutMs);
      const answer = await options.fetch(request.url, {
        headers: { ...request.headers, 'user-agent': options.userAgent },
        redirect: 'manual',
        signal,
      });
      const body = await readBody(answer, request);
      response = { status: answer.status, headers: answer.headers, body, url: request.url, attempts };
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      const failure = classify(error);
      if (!failure.retry || attempt >= options.retries)
        throw networkError(failure, request, options, attempts);
      await sleep(backoff(attempt));
      continue;
    }
    const retriable =
      response.status === 429 || (response.status >= 500 && ![501, 505].includes(response.status));
    if (!retriable || attempt >= options.retries) return response;
    const retryAfter = retryAfterMs(response.headers.get('retry-after'));
    if (retryAfter !== null && retryAfter > MAX_RETRY_AFTER_MS) return response;
    await sleep(Math.max(backoff(attempt), retryAfter ?? 0));
  }
}

/** Exponential backoff with "equal jitter": half the delay fixed, half random. */
function backoff(attempt: number): number {
  const delay = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return delay / 2 + Math.random() * (delay / 2);
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

async function readBody(response: Response, request: HttpRequest): Promise<Buffer> {
  const tooLarge = () =>
    new RegistryError(
      'too_large',
      `The ${request.peer} sent more than ${request.maxBytes} bytes for ${request.url.pathname}; refusing it`,
      { registry: request.registry, status: response.status },
    );
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > request.maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > request.maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

interface NetworkFailure {
  code: 'timeout' | 'unreachable' | 'tls';
  /** A short cause, e.g. `ECONNREFUSED`; never a URL with credentials (we put none in URLs). */
  detail: string;
  retry: boolean;
}

const TLS_CODES =
  /^(ERR_SSL_|ERR_TLS_|EPROTO$|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_)/;

function classify(error: unknown): NetworkFailure {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return { code: 'timeout', detail: 'timeout', retry: true };
  // undici wraps the socket error: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }).
  const cause = (error as { cause?: { code?: unknown; name?: unknown; cause?: { code?: unknown } } } | null)
    ?.cause;
  const code = String(cause?.code ?? cause?.cause?.code ?? cause?.name ?? name ?? 'network error');
  if (TLS_CODES.test(code)) return { code: 'tls', detail: code, retry: false };
  if (code.startsWith('UND_ERR_CONNECT_TIMEOUT') || code === 'ETIMEDOUT') {
    return { code: 'timeout', detail: code, retry: true };
  }
  // A name that does not resolve will not resolve on the next try either.
  return { code: 'unreachable', detail: code, retry: code !== 'ENOTFOUND' };
}

function networkError(
  failure: NetworkFailure,
  request: HttpRequest,
  options: TransportOptions,
  attempts: number,
): RegistryError {
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  const where = `${request.url.protocol}//${request.url.host}`;
  if (failure.code === 'timeout') {
    return new RegistryError(
      'timeout',
      `The ${request.peer} did not answer within ${options.timeoutMs} ms (${tries}, ${where})`,
      request,
    );
  }
  if (failure.code === 'tls') {
    return new RegistryError(
      'tls',
      `Could not open a TLS connection to the ${request.peer} at ${where} (${failure.detail}): if it serves plain HTTP, list ${request.url.host} in insecureRegistries; otherwise check its certificate`,
      request,
    );
  }
  return new RegistryError(
    'unreachable',
    `Could not reach the ${request.peer} at ${where} (${failure.detail}, ${tries}): check the host name and port`,
    request,
  );
}
