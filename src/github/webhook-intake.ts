/**
 * The App's HTTP server: webhook deliveries are checked here and handed to Probot's event
 * handlers. Probot's middleware (@octokit/webhooks) buffers the whole body before it checks the
 * signature, and logs a delivery whose signature does not match, body included: a 100 MB
 * forged POST cost 1.35 GB of memory and 314 MB of log. Here a delivery without a
 * signature is refused before its body is read, a body is read up to GitHub's 25 MB cap
 * only, and only a body whose HMAC matches the secret is parsed and given to
 * `probot.receive`. Nothing of a refused body is logged.
 *
 * Not through Probot's middleware: it would check the signature a second time and parse the
 * body again, about a third of a delivery's time on the event loop (bench:service, 50 pull
 * requests at once); its answers (200 `ok`, 202 after 9 s, 400 for bad JSON, 415, 500 when
 * a handler throws) are kept here.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type ApplicationFunction, createProbot, type Probot } from 'probot';
import { type Settings, settings } from '../settings.js';
import type { AppSettings } from './app-settings.js';
import { PortcullisOctokit } from './github-client.js';

/** GitHub caps webhook payloads at 25 MB (docs: "Webhook events and payloads"). */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;
/** Bodies of all deliveries being read at once: past this, new ones wait for GitHub's redelivery. */
const MAX_BYTES_IN_FLIGHT = 4 * MAX_WEBHOOK_BYTES;
/** How long a refused client may go on sending before its connection is closed. */
const LINGER_MS = 2_000;
const SIGNATURE = /^sha256=([0-9a-f]{64})$/;
/** GitHub's content type for JSON deliveries (the form-encoded kind is refused, as Probot did). */
const JSON_CONTENT_TYPE = /^\s*application\/json\s*(?:;|$)/i;
/** Past this, a delivery whose handlers have not finished is answered 202 (as @octokit/webhooks does). */
const ANSWER_WITHIN_MS = 9_000;

interface IntakeLog {
  info(message: string): void;
  warn(message: string): void;
  error(object: unknown, message?: string): void;
}

/** Probot configured from the validated settings: the webhook server's, and a worker's for `auth`. */
export function appProbot(credentials: AppSettings, from: Settings = settings()): Probot {
  return createProbot({
    env: probotEnvironment(from),
    overrides: {
      appId: credentials.appId,
      privateKey: credentials.privateKey,
      secret: credentials.webhookSecret,
      // Rate limits end the job with RetryLater instead of sleeping in it (github-client.ts).
      Octokit: PortcullisOctokit,
    },
  });
}

export interface AppServerOptions {
  /** The Probot to serve (default: a new one from the settings). */
  probot?: Probot;
  /** Answers a request before the intake (the service's health and metrics GETs), or returns false. */
  routes?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** Starts the App: Probot configured from the validated settings, behind the intake checks. */
export async function startAppServer(
  credentials: AppSettings,
  app: ApplicationFunction,
  from: Settings = settings(),
  options: AppServerOptions = {},
): Promise<Server> {
  const path = normalizePath(from.webhookPath);
  const probot = options.probot ?? appProbot(credentials, from);
  await probot.load(app);
  const log: IntakeLog = probot.log;
  const intake = webhookIntake({ path, secret: credentials.webhookSecret, log });
  const server = createServer((req, res) => {
    // Probes and scrapes every few seconds are not worth a log line each.
    if (options.routes?.(req, res)) return;
    const started = Date.now();
    res.on('finish', () =>
      log.info(`${req.method} ${pathOf(req.url)} ${res.statusCode} - ${Date.now() - started}ms`),
    );
    intake(req, res)
      .then((delivery) => {
        if (!delivery) return;
        if (delivery === 'not a delivery') {
          reply(res, 404, `Unknown route: ${req.method} ${pathOf(req.url)}`);
          return;
        }
        return receive(probot, delivery, res);
      })
      .catch((error: unknown) => {
        log.error({ err: error }, 'The webhook intake failed');
        if (!res.headersSent) reply(res, 500, 'internal error');
      });
  });
  // GitHub sends a delivery in one go; a body that trickles in is not GitHub.
  server.requestTimeout = 60_000;
  const { port, host } = from;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  log.info(`Listening on http://${host}:${typeof address === 'object' && address ? address.port : port}`);
  return server;
}

/**
 * Runs the App's handlers for a verified delivery and answers once they are done: 200 when
 * the job is queued, 500 when a handler threw (Probot's error handler has logged it, and
 * GitHub shows the delivery as failed, to be redelivered), 202 when they take longer than
 * GitHub waits.
 */
async function receive(probot: Probot, delivery: Delivery, res: ServerResponse): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ANSWER_WITHIN_MS);
  });
  // Not `probot.receive`, which logs the whole event at debug level.
  const handled = probot.webhooks.receive(delivery as Parameters<Probot['receive']>[0]).then(
    () => 'ok' as const,
    () => 'failed' as const,
  );
  const outcome = await Promise.race([handled, late]);
  clearTimeout(timer);
  if (outcome === 'ok') res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
  else if (outcome === 'late') res.writeHead(202, { 'content-type': 'text/plain' }).end('still processing\n');
  else reply(res, 500, "the delivery could not be handled; see the App's log");
}

/**
 * The variables Probot reads for what is not a credential (log level and format, GitHub
 * Enterprise host, Sentry). The credentials go to Probot as overrides, already checked.
 * Not REDIS_URL: that is the job queue's; given it, Probot would fetch ioredis with npx at
 * start-up, and its rate-limit bookkeeping is replaced by the per-installation throttle.
 */
function probotEnvironment(from: Settings): Record<string, string> {
  const env: Record<string, string | undefined> = {
    LOG_LEVEL: from.logLevel,
    LOG_FORMAT: from.logFormat,
    LOG_LEVEL_IN_STRING: from.logLevelInString,
    LOG_MESSAGE_KEY: from.logMessageKey,
    GHE_HOST: from.gheHost,
    GHE_PROTOCOL: from.gheProtocol,
    SENTRY_DSN: from.sentryDsn,
  };
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

export interface IntakeOptions {
  /** The webhook path, without trailing slashes. */
  path: string;
  secret: string;
  log: IntakeLog;
  maxBytes?: number;
}

/** A delivery whose signature matched, its body parsed. */
export interface Delivery {
  id: string;
  name: string;
  payload: unknown;
}

/**
 * The delivery, once its signature matched and its body parsed; 'not a delivery' for a request
 * no route here serves; false when the request has been answered here.
 */
export function webhookIntake(options: IntakeOptions) {
  const maxBytes = options.maxBytes ?? MAX_WEBHOOK_BYTES;
  let inFlight = 0;
  return async (req: IncomingMessage, res: ServerResponse): Promise<Delivery | 'not a delivery' | false> => {
    if (req.method === 'GET' && pathOf(req.url) === '/ping') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('PONG');
      return false;
    }
    if (req.method !== 'POST') return 'not a delivery';
    // No other route takes a body: nothing but a delivery is read.
    if (pathOf(req.url) !== options.path) {
      reply(res, 404, `Unknown route: POST ${pathOf(req.url)}`);
      return false;
    }
    const signature = SIGNATURE.exec(header(req, 'x-hub-signature-256') ?? '');
    const name = header(req, 'x-github-event');
    const id = header(req, 'x-github-delivery');
    if (!signature || !name || !id) {
      reply(
        res,
        400,
        'a webhook delivery needs the X-GitHub-Event, X-GitHub-Delivery and X-Hub-Signature-256 (sha256=…) headers',
      );
      return false;
    }
    if (!JSON_CONTENT_TYPE.test(header(req, 'content-type') ?? '')) {
      reply(res, 415, "a webhook delivery is JSON: set the webhook's content type to application/json");
      return false;
    }
    const declared = Number(header(req, 'content-length'));
    if (declared > maxBytes) {
      reply(res, 413, `a webhook delivery is at most ${maxBytes} bytes`);
      return false;
    }
    const body = await readBody(req, maxBytes, (delta) => {
      inFlight += delta;
      return inFlight <= MAX_BYTES_IN_FLIGHT;
    });
    if (body === 'too large' || body === 'busy') {
      if (body === 'busy') options.log.warn('Refused a webhook delivery: too many large deliveries at once');
      reply(res, body === 'busy' ? 503 : 413, `a webhook delivery is at most ${maxBytes} bytes`);
      return false;
    }
    const expected = createHmac('sha256', options.secret).update(body).digest();
    if (!timingSafeEqual(expected, Buffer.from(signature[1] as string, 'hex'))) {
      // Who sent it is all that is worth knowing; the body is the attacker's.
      options.log.warn(
        `Refused a webhook delivery whose signature does not match (delivery ${truncate(id)}, ${body.length} bytes)`,
      );
      reply(res, 401, 'the signature does not match the payload and the webhook secret');
      return false;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      reply(res, 400, 'the payload is not JSON');
      return false;
    }
    // @octokit/webhooks dispatches on `payload.action`: anything but an object is no event.
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      reply(res, 400, 'the payload is not a JSON object');
      return false;
    }
    return { id, name, payload };
  };
}

/** The body, or why it was not read to the end; `reserve` accounts for bytes held (negative when released). */
function readBody(
  req: IncomingMessage,
  maxBytes: number,
  reserve: (delta: number) => boolean,
): Promise<Buffer | 'too large' | 'busy'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: Buffer | 'too large' | 'busy' | Error) => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
      reserve(-size);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      const room = reserve(chunk.length);
      if (size > maxBytes) finish('too large');
      else if (!room) finish('busy');
      else chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks, size));
    const onError = (error: Error) => finish(error);
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/**
 * Answers, and closes the connection soon after. The rest of a refused body is read and
 * dropped meanwhile: closing a socket the client is still writing to resets it, and the
 * client may then never see the answer.
 */
function reply(res: ServerResponse, status: number, error: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error }));
  const socket = res.req.socket;
  res.once('finish', () => {
    const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
    socket.once('close', () => clearTimeout(timer));
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The path as @octokit/webhooks compares it: trailing slashes dropped, query ignored. */
function pathOf(url: string | undefined): string {
  try {
    return new URL(normalizePath(url ?? '/'), 'http://localhost').pathname;
  } catch {
    return '/';
  }
}

function normalizePath(path: string): string {
  return path.replace(/\/+$/, '') || '/';
}

function truncate(text: string | undefined): string {
  return (text ?? '').slice(0, 80).replace(/[^\w.-]/g, '?');
}
