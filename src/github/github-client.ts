/**
 * The installation's GitHub client for one job, built on Probot's Octokit:
 *
 * - Retries: Probot's Octokit carries @octokit/plugin-retry, which retries 5xx answers and
 *   network errors (which @octokit/request reports as 500) three times, waiting 1, 4 and
 *   9 s; 4xx answers are not retried. Kept as it is.
 * - Write throttle: Probot's Octokit carries @octokit/plugin-throttling, whose Bottleneck
 *   groups are keyed by the Octokit's throttle `id`, and `probot.auth(installationId)` sets
 *   that id to the installation's: content-creating requests are spaced 1 s apart (3 s for
 *   those that notify, such as reviews) per installation, as GitHub's best practices ask,
 *   while installations proceed in parallel. Per process: N workers space their writes
 *   apart only within each process.
 * - Rate limits: the throttling plugin would sleep inside the job until a primary limit
 *   resets (Probot's handler waits twice, up to an hour each). `PortcullisOctokit` declines
 *   those in-process waits, and the job ends with `RetryLater(delay)` instead, so the queue
 *   delays it without using an attempt and the worker's slot goes to another installation.
 * - A timeout on every request (PORTCULLIS_GITHUB_TIMEOUT_SECONDS), joined with the job's
 *   signal (its time limit, or shutdown): a hung call ends, and is retried like a network
 *   error; a stopped job's calls end at once, without retries.
 * - Metrics: every HTTP attempt by method and status (0 when there was no answer).
 */
import { type Probot, ProbotOctokit } from 'probot';
import { metrics } from '../metrics.js';
import { RetryLater } from '../queue/work-queue.js';
import { settings } from '../settings.js';
import type { Octokit } from './pull-request-files.js';

/** GitHub's advice when a secondary limit names no wait: at least one minute. */
const SECONDARY_FALLBACK_MS = 60_000;

/**
 * Probot's Octokit, declining the throttling plugin's in-process waits on rate limits
 * (see above). Give it to Probot as its `Octokit` option.
 */
export const PortcullisOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  throttle: {
    ...(options.throttle as Record<string, unknown> | undefined),
    onRateLimit: () => false,
    onSecondaryRateLimit: () => false,
  },
}));

/** The installation's Octokit for a job: `probot.auth` with the limits above. */
export async function installationOctokit(
  probot: Probot,
  installationId: number,
  signal?: AbortSignal,
): Promise<Octokit> {
  return withRequestLimits((await probot.auth(installationId)) as Octokit, signal);
}

/**
 * Adds the per-request timeout, the job's signal, request metrics and the rate-limit
 * outcome to an Octokit (the webhook's, or one from `probot.auth`). Returns it.
 */
export function withRequestLimits(
  octokit: Octokit,
  signal?: AbortSignal,
  timeoutMs = settings().githubTimeoutSeconds * 1000,
): Octokit {
  // Outermost: the options object is the one every retry reuses, so the fetch set here
  // serves each attempt, and the error seen here is the last one.
  octokit.hook.wrap('request', async (request, options) => {
    const inner = (options.request?.fetch as typeof fetch | undefined) ?? globalThis.fetch;
    options.request = { ...options.request, fetch: limitedFetch(inner, signal, timeoutMs) };
    try {
      return await request(options);
    } catch (error) {
      throw rateLimitDelay(error) ?? error;
    }
  });
  return octokit;
}

function limitedFetch(inner: typeof fetch, job: AbortSignal | undefined, timeoutMs: number): typeof fetch {
  return async (input, init = {}) => {
    const method = (init.method ?? 'GET').toUpperCase();
    const timeout = AbortSignal.timeout(timeoutMs);
    const signals = [timeout, ...(job ? [job] : []), ...(init.signal ? [init.signal] : [])];
    try {
      const response = await inner(input, { ...init, signal: AbortSignal.any(signals) });
      metrics().count('githubRequests', { method, status: response.status });
      return response;
    } catch (error) {
      metrics().count('githubRequests', { method, status: 0 });
      // An AbortError is passed on by @octokit/request as it is, which plugin-retry does not
      // retry: the job is over, its calls must not wait out backoffs.
      if (job?.aborted) {
        throw Object.assign(new Error(`The job was stopped (${reasonOf(job)})`), { name: 'AbortError' });
      }
      if (timeout.aborted) {
        // Becomes a 500 RequestError, retried like a network error.
        throw new Error(`GitHub did not answer ${method} ${pathOf(input)} within ${timeoutMs / 1000} s`);
      }
      throw error;
    }
  };
}

/**
 * A rate-limit refusal as the job's `RetryLater`, or undefined for any other error.
 * Secondary limits (403/429, with `retry-after` or saying so) wait what GitHub says, or a
 * minute; primary ones (`x-ratelimit-remaining: 0`) until `x-ratelimit-reset`, plus a second.
 */
export function rateLimitDelay(error: unknown, now = Date.now()): RetryLater | undefined {
  if (error instanceof RetryLater) return error;
  const { status, message, response } = (error ?? {}) as {
    status?: number;
    message?: string;
    response?: { headers?: Record<string, string | number | undefined> };
  };
  if (status !== 403 && status !== 429) return undefined;
  const headers = response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  let kind: 'primary' | 'secondary';
  let delayMs: number;
  if (Number.isFinite(retryAfter) && headers['retry-after'] !== undefined) {
    kind = 'secondary';
    delayMs = Math.max(retryAfter, 1) * 1000;
  } else if (String(headers['x-ratelimit-remaining']) === '0') {
    kind = 'primary';
    const reset = Number(headers['x-ratelimit-reset']) * 1000;
    delayMs = Number.isFinite(reset) ? Math.max(reset - now, 0) + 1000 : SECONDARY_FALLBACK_MS;
  } else if (/secondary rate limit/i.test(message ?? '')) {
    kind = 'secondary';
    delayMs = SECONDARY_FALLBACK_MS;
  } else {
    return undefined;
  }
  metrics().count('rateLimitWaits', { kind });
  return new RetryLater(
    delayMs,
    `GitHub's ${kind} rate limit: trying again in ${Math.ceil(delayMs / 1000)} s`,
  );
}

/** Whether an error ends the job for the queue to decide (a rate limit, a stop) rather than a report. */
export function interruptsJob(error: unknown): boolean {
  return error instanceof RetryLater || (error as { name?: string } | null)?.name === 'AbortError';
}

function reasonOf(signal: AbortSignal): string {
  const reason = signal.reason as { message?: string } | string | undefined;
  return (typeof reason === 'string' ? reason : reason?.message) ?? 'aborted';
}

function pathOf(input: Parameters<typeof fetch>[0]): string {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
