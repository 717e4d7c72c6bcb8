/**
 * A loopback GitHub: a real HTTP server on 127.0.0.1 that the real App process talks to through
 * Probot's GitHub Enterprise settings, holding repositories, pull requests, check runs and reviews
 * in memory, validating every request against the OpenAPI operations fixture
 * (test/support/github-openapi.ts) and GraphQL schema (test/support/github-graphql.ts), and
 * sending signed webhooks to the App. The base of the end-to-end, crash, fault and load tests.
 *
 *   const github = await startGitHubSimulator({ appId: 123, appKey: publicOrPrivatePem });
 *   spawn('node', ['dist/main.js'], { env: { ...github.appEnv(), APP_ID: '123', ... } });
 *   github.setWebhook(`http://127.0.0.1:${appPort}/api/github/webhooks`, secret);
 *
 *   github.installation(4242, 'acme');
 *   const repo = github.repository('acme/web', { installation: 4242 });
 *   const base = github.commit('acme/web', { 'README.md': '# web' }, { branch: 'main' });
 *   const head = github.change('acme/web', base, { Dockerfile: 'FROM node\n' }, { branch: 'feature' });
 *   const pr = github.openPullRequest('acme/web', { head, headRef: 'feature', user: 'alice' });
 *   await github.send('pull_request', github.payloads.pullRequest('acme/web', pr.number, 'opened'));
 *   const run = await github.waitFor(() => github.checkRuns('acme/web', head).find((r) => r.status === 'completed'));
 *   github.assertNoProblems();
 *   await github.stop();
 *
 * State (set up by the test, changed by the App's requests): `installation(id, account)`,
 * `repository(fullName, {installation, private?, defaultBranch?, forkOf?})`, `collaborator(repo,
 * login, role)`, `commit(repo, files, {parents?, branch?})` and `change(repo, parent, changes,
 * {branch?})` (real git object ids; files are text, bytes or `{symlink}`), `openPullRequest(repo,
 * {head, base?, headRef?, headRepo?, user?, labels?})`, `push(repo, number, sha)`, `label(repo,
 * number, name, actor)`, `humanReviewComment(...)`, `expireTokens()`.
 *
 * Webhooks: `payloads.pullRequest(repo, number, action, {label?, before?, sender?})`,
 * `payloads.checkRun(runId, action, {identifier?, sender?})`, `payloads.checkSuite(repo, headSha,
 * action)`: built from the state and validated against GitHub's webhook schemas.
 * `send(event, payload, {deliveryId?, secret?})` signs (X-Hub-Signature-256) and POSTs to the
 * App, resolving `{status, ms, deliveryId, body}`.
 *
 * Faults: `fail({operation?, method?, installation?, times?, status?, rateLimit?, retryAfter?,
 * hang?, reset?, delayMs?})` returns a handle (`hits`, `remove()`). `operation` is an operationId
 * (`checks/create`), `graphql`, or omitted for every request; `times` bounds how many requests
 * it takes ("fail the next 2 POST check-runs": `{operation: 'checks/create', status: 500,
 * times: 2}`); `heal()` removes every fault. `rateLimit: 'secondary'` answers 403 with `retry-after`; `'primary'` 403 with
 * `x-ratelimit-remaining: 0` and `x-ratelimit-reset`. `hang` never answers (until `stop()`),
 * `reset` destroys the connection. Every answer carries GitHub's rate-limit headers, counted per
 * installation (`rateLimit` option, default 15,000 an hour; past it, real 403s).
 *
 * Observation: `requests(filter?)` (method, path, operationId, status, ms, installation, fault),
 * `checkRuns(repo, headSha?)`, `reviews(repo, number)`, `comments(repo, number)`,
 * `pullRequest(repo, number)`, `problems()` / `takeProblems()` / `assertNoProblems()` (invalid requests, unknown
 * routes, auth failures; with `validateResponses`, the simulator's own answers too), and
 * `waitFor(predicate, timeoutMs)`, re-checked after every answered request.
 *
 * Performance: validators are compiled once per operation (github-openapi.ts caches them), a
 * request is matched against the fixture's 26 path patterns, state lookups are maps, and changed
 * files are diffed once per pair of commits. Measured on the shared 2-core machine (load ~13):
 * 0.7 ms of server time per request, validation included; 16 keep-alive clients in another
 * process got ~500 `pulls/get` or ~265 `checks/create` (50 annotations) answers a second, with
 * the simulator's process 63% idle (the clients were the limit).
 */
import { createHmac, createPublicKey, type KeyObject, randomBytes, randomUUID, verify } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { execute, parse } from 'graphql';
import { githubSchema, validateGraphQLRequest } from './github-graphql.js';
import { findGitHubOperation, validateGitHubRequest, validateGitHubResponse } from './github-openapi.js';
import type { FileContent } from './github-simulator/git.js';
import type {
  SimCheckRun,
  SimInstallation,
  SimPullRequest,
  SimRepository,
  SimReview,
  SimReviewComment,
} from './github-simulator/objects.js';
import {
  findReviewComment,
  GitHubError,
  ROUTES,
  type RouteContext,
  type RouteResult,
} from './github-simulator/routes.js';
import { SimulatorState } from './github-simulator/state.js';
import {
  checkRunPayload,
  checkSuitePayload,
  type Payload,
  type PullRequestEventOptions,
  pullRequestPayload,
} from './github-simulator/webhooks.js';

export type { FileContent } from './github-simulator/git.js';
export type {
  SimCheckRun,
  SimPullRequest,
  SimRepository,
  SimReview,
  SimReviewComment,
} from './github-simulator/objects.js';

export interface SimulatorOptions {
  appId: number;
  /** The App's private key or its public key (PEM): JWTs are verified against it. */
  appKey: string | KeyObject;
  appSlug?: string;
  /** Requests an installation may make in an hour before GitHub's own 403 (default 15,000). */
  rateLimit?: number;
  /** Also check the simulator's own 2xx answers against the fixture's response schemas. */
  validateResponses?: boolean;
  /** Installation tokens live this long (default 3,600 s, as on GitHub). */
  tokenTtlSeconds?: number;
}

export interface FaultRule {
  /** An operationId (`checks/create`) or `graphql`; every request when omitted. */
  operation?: string;
  method?: string;
  installation?: number;
  /** How many matching requests it takes before it lapses (default: all until removed). */
  times?: number;
  status?: number;
  rateLimit?: 'primary' | 'secondary';
  /** Seconds, for `retry-after` (secondary) or until `x-ratelimit-reset` (primary). Default 1. */
  retryAfter?: number;
  hang?: boolean;
  reset?: boolean;
  /** Answer normally, this much later. */
  delayMs?: number;
}

export interface Fault {
  readonly rule: FaultRule;
  /** Requests this fault took. */
  readonly hits: number;
  remove(): void;
}

export interface RecordedRequest {
  at: number;
  method: string;
  /** The path after the API base (`/repos/acme/web/check-runs`), or `/graphql`. */
  path: string;
  operationId: string | undefined;
  status: number;
  ms: number;
  installation: number | undefined;
  fault?: string;
  /** The parsed JSON body, if any. */
  body?: unknown;
}

export interface WebhookDelivery {
  status: number;
  ms: number;
  deliveryId: string;
  body: string;
}

interface Token {
  installation: number;
  expires: number;
}

interface FaultState extends Fault {
  hits: number;
  removed: boolean;
}

const GRAPHQL_PATH = '/api/graphql';
const API_PREFIX = '/api/v3';
const CODELOAD_PREFIX = '/_codeload/';
const DOCS = 'https://docs.github.com/rest';

export class GitHubSimulator {
  readonly state: SimulatorState;
  readonly origin: string;
  readonly #server: Server;
  readonly #publicKey: KeyObject;
  readonly #options: SimulatorOptions;
  readonly #sockets = new Set<Socket>();
  readonly #hanging = new Set<ServerResponse>();
  readonly #tokens = new Map<string, Token>();
  readonly #rate = new Map<string, { used: number; reset: number }>();
  readonly #faults: FaultState[] = [];
  readonly #requests: RecordedRequest[] = [];
  readonly #problems: string[] = [];
  readonly #events = new EventEmitter();
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 64 });
  #webhook: { url: string; secret: string } | undefined;
  #stopped = false;

  constructor(server: Server, options: SimulatorOptions) {
    this.#server = server;
    this.#options = options;
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('the simulator is not listening');
    this.origin = `http://127.0.0.1:${address.port}`;
    this.#publicKey = createPublicKey(options.appKey);
    this.state = new SimulatorState({
      id: options.appId,
      slug: options.appSlug ?? 'portcullis',
      name: 'Portcullis',
      owner: 'portcullis-dev',
    });
    this.#events.setMaxListeners(0);
  }

  /** The REST base URL Probot uses for `GHE_HOST=<host>` with `GHE_PROTOCOL=http`. */
  get baseUrl(): string {
    return `${this.origin}${API_PREFIX}`;
  }

  /** `127.0.0.1:<port>`, for `GHE_HOST`. */
  get host(): string {
    return this.origin.replace(/^http:\/\//, '');
  }

  /** The variables that point a Probot App at this simulator. */
  appEnv(): { GHE_HOST: string; GHE_PROTOCOL: string } {
    return { GHE_HOST: this.host, GHE_PROTOCOL: 'http' };
  }

  setWebhook(url: string, secret: string): void {
    this.#webhook = { url, secret };
  }

  // -------------------------------------------------------------------------------------------
  // State set-up.

  installation(id: number, account: string): SimInstallation {
    const installation = { id, account };
    this.state.installations.set(id, installation);
    this.state.account(account, this.state.accounts.get(account)?.type ?? 'Organization');
    return installation;
  }

  repository(
    fullName: string,
    options: { installation: number; private?: boolean; defaultBranch?: string; forkOf?: string },
  ): SimRepository {
    const [owner, name] = fullName.split('/');
    if (!owner || !name) throw new Error(`not owner/name: ${fullName}`);
    return this.state.addRepository({
      owner,
      name,
      installationId: options.installation,
      ...(options.private !== undefined ? { private: options.private } : {}),
      ...(options.defaultBranch ? { defaultBranch: options.defaultBranch } : {}),
      ...(options.forkOf ? { parent: options.forkOf } : {}),
    });
  }

  collaborator(
    fullName: string,
    login: string,
    role: 'admin' | 'maintain' | 'write' | 'triage' | 'read',
  ): void {
    this.state.account(login, 'User');
    this.state.requireRepository(fullName).collaborators.set(login, role);
  }

  /** A commit holding exactly `files`; moves `branch` to it when given. Returns its SHA. */
  commit(
    fullName: string,
    files: Record<string, FileContent>,
    options: { parents?: string[]; branch?: string; message?: string } = {},
  ): string {
    const repo = this.state.requireRepository(fullName);
    const sha = repo.git.commitFiles(files, options.parents ?? [], options.message ?? 'A commit');
    if (options.branch) repo.branches.set(options.branch, sha);
    return sha;
  }

  /** A commit on `parent` with `changes` (`null` deletes a file); moves `branch` when given. */
  change(
    fullName: string,
    parent: string,
    changes: Record<string, FileContent | null>,
    options: { branch?: string; message?: string } = {},
  ): string {
    const repo = this.state.requireRepository(fullName);
    const sha = repo.git.change(parent, changes, options.message ?? 'A change');
    if (options.branch) repo.branches.set(options.branch, sha);
    return sha;
  }

  openPullRequest(
    fullName: string,
    options: {
      head: string;
      /** The base commit (default: the tip of `baseRef`). */
      base?: string;
      baseRef?: string;
      headRef?: string;
      /** The fork the head branch lives in (`alice/web`), when not the repository itself. */
      headRepo?: string;
      user?: string;
      number?: number;
      title?: string;
      draft?: boolean;
      labels?: string[];
    },
  ): SimPullRequest {
    const repo = this.state.requireRepository(fullName);
    const baseRef = options.baseRef ?? repo.defaultBranch;
    const baseSha = options.base ?? repo.branches.get(baseRef);
    if (!baseSha || !repo.git.commits.has(baseSha))
      throw new Error(`no base commit for ${fullName}:${baseRef}`);
    if (!repo.git.commits.has(options.head)) throw new Error(`no head commit ${options.head} in ${fullName}`);
    const headRepo = options.headRepo ? this.state.requireRepository(options.headRepo) : repo;
    const headRef = options.headRef ?? `topic-${repo.nextNumber}`;
    headRepo.branches.set(headRef, options.head);
    if (!repo.branches.has(baseRef)) repo.branches.set(baseRef, baseSha);
    const number = options.number ?? repo.nextNumber;
    repo.nextNumber = Math.max(repo.nextNumber, number) + 1;
    const user = options.user ?? headRepo.owner;
    this.state.account(user);
    const id = this.state.nextId();
    const now = this.#now();
    const pr: SimPullRequest = {
      id,
      number,
      nodeId: `PR_kwDO${id}`,
      title: options.title ?? `Pull request ${number}`,
      user,
      state: 'open',
      draft: options.draft ?? false,
      headRef,
      headSha: options.head,
      headRepo: headRepo.fullName,
      baseRef,
      baseSha,
      labels: [],
      events: [],
      reviews: [],
      comments: [],
      createdAt: now,
      updatedAt: now,
    };
    repo.pulls.set(number, pr);
    for (const label of options.labels ?? []) this.label(fullName, number, label, user);
    return pr;
  }

  /** Moves a pull request's head (a push to its branch); returns the old head, for `synchronize`. */
  push(fullName: string, number: number, sha: string): string {
    const repo = this.state.requireRepository(fullName);
    const pr = this.pullRequest(fullName, number);
    const before = pr.headSha;
    if (!repo.git.commits.has(sha)) throw new Error(`no commit ${sha} in ${fullName}`);
    pr.headSha = sha;
    pr.updatedAt = this.#now();
    this.state.requireRepository(pr.headRepo).branches.set(pr.headRef, sha);
    return before;
  }

  label(fullName: string, number: number, name: string, actor: string): void {
    const pr = this.pullRequest(fullName, number);
    if (!pr.labels.some((l) => l.name === name)) {
      pr.labels.push({ id: this.state.nextId(), name, color: '0e8a16' });
    }
    pr.events.push({ id: this.state.nextId(), event: 'labeled', actor, label: name, createdAt: this.#now() });
  }

  /** A review comment by a person (not the App), e.g. one that copies a Portcullis marker. */
  humanReviewComment(
    fullName: string,
    number: number,
    comment: { user: string; path: string; line: number; body: string; inReplyTo?: number },
  ): SimReviewComment {
    const pr = this.pullRequest(fullName, number);
    const id = this.state.nextId();
    const now = this.#now();
    const created: SimReviewComment = {
      id,
      nodeId: `PRRC_kwDO${id}`,
      reviewId: null,
      user: comment.user,
      body: comment.body,
      path: comment.path,
      line: comment.line,
      startLine: null,
      side: 'RIGHT',
      startSide: null,
      commitId: pr.headSha,
      inReplyTo: comment.inReplyTo ?? null,
      isMinimized: false,
      minimizedReason: null,
      createdAt: now,
      updatedAt: now,
    };
    this.state.account(comment.user, 'User');
    pr.comments.push(created);
    return created;
  }

  /** Every installation token issued so far stops working (the App must fetch a new one). */
  expireTokens(): void {
    for (const token of this.#tokens.values()) token.expires = 0;
  }

  // -------------------------------------------------------------------------------------------
  // Observation.

  pullRequest(fullName: string, number: number): SimPullRequest {
    const pr = this.state.requireRepository(fullName).pulls.get(number);
    if (!pr) throw new Error(`no pull request #${number} in ${fullName}`);
    return pr;
  }

  checkRuns(fullName: string, headSha?: string): SimCheckRun[] {
    const repo = this.state.requireRepository(fullName).fullName;
    return [...this.state.checkRuns.values()].filter(
      (run) => run.repo === repo && (headSha === undefined || run.headSha === headSha),
    );
  }

  checkRun(id: number): SimCheckRun | undefined {
    return this.state.checkRuns.get(id);
  }

  reviews(fullName: string, number: number): SimReview[] {
    return this.pullRequest(fullName, number).reviews;
  }

  comments(fullName: string, number: number): SimReviewComment[] {
    return this.pullRequest(fullName, number).comments;
  }

  requests(filter?: (request: RecordedRequest) => boolean): RecordedRequest[] {
    return filter ? this.#requests.filter(filter) : [...this.#requests];
  }

  problems(): string[] {
    return [...this.#problems];
  }

  /** The problems recorded so far, which are then forgotten. */
  takeProblems(): string[] {
    return this.#problems.splice(0);
  }

  /** Throws listing every problem recorded (and forgets them). */
  assertNoProblems(): void {
    const problems = this.takeProblems();
    if (problems.length > 0) {
      throw new Error(`the simulated GitHub saw ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    }
  }

  /**
   * Resolves with the predicate's first truthy value, checked now, after every request the
   * simulator answers, and every 50 ms (for changes a test makes itself); rejects after `timeoutMs`.
   */
  waitFor<T>(
    predicate: () => T | undefined | null | false,
    timeoutMs = 30_000,
    what = 'a condition',
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        let value: T | undefined | null | false;
        try {
          value = predicate();
        } catch (error) {
          done();
          reject(error);
          return;
        }
        if (value) {
          done();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        done();
        const recent = this.#requests
          .slice(-10)
          .map((r) => `${r.method} ${r.path} ${r.status}`)
          .join(', ');
        reject(new Error(`waited ${timeoutMs} ms for ${what}; the last requests: ${recent || 'none'}`));
      }, timeoutMs);
      const poll = setInterval(check, 50);
      const done = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.#events.off('change', check);
      };
      this.#events.on('change', check);
      check();
    });
  }

  // -------------------------------------------------------------------------------------------
  // Faults.

  fail(rule: FaultRule): Fault {
    const fault: FaultState = {
      rule,
      hits: 0,
      removed: false,
      remove: () => {
        fault.removed = true;
      },
    };
    this.#faults.push(fault);
    return fault;
  }

  /** Removes every fault. */
  heal(): void {
    for (const fault of this.#faults.splice(0)) fault.removed = true;
  }

  #takeFault(
    method: string,
    operationId: string | undefined,
    installation: number | undefined,
  ): FaultState | undefined {
    const fault = this.#faults.find(
      ({ rule, removed, hits }) =>
        !removed &&
        (rule.times === undefined || hits < rule.times) &&
        (rule.operation === undefined || rule.operation === operationId) &&
        (rule.method === undefined || rule.method.toUpperCase() === method) &&
        (rule.installation === undefined || rule.installation === installation),
    );
    if (fault) fault.hits += 1;
    return fault;
  }

  // -------------------------------------------------------------------------------------------
  // Webhooks.

  readonly payloads = {
    pullRequest: (
      fullName: string,
      number: number,
      action: 'opened' | 'synchronize' | 'reopened' | 'labeled' | 'ready_for_review' | 'edited' | 'closed',
      options?: PullRequestEventOptions,
    ): Payload => pullRequestPayload(this.state, fullName, number, action, options),
    checkRun: (
      runId: number,
      action: 'rerequested' | 'requested_action' | 'created' | 'completed',
      options?: { sender?: string; identifier?: string },
    ): Payload => {
      const run = this.state.checkRuns.get(runId);
      if (!run) throw new Error(`no check run ${runId}`);
      return checkRunPayload(this.state, run, action, options);
    },
    checkSuite: (
      fullName: string,
      headSha: string,
      action: 'rerequested' | 'requested' | 'completed',
      options?: { sender?: string },
    ): Payload => checkSuitePayload(this.state, fullName, headSha, action, options),
  };

  /** Signs a delivery with the webhook secret and POSTs it to the App. */
  send(
    event: string,
    payload: unknown,
    options: { deliveryId?: string; secret?: string; timeoutMs?: number } = {},
  ): Promise<WebhookDelivery> {
    const webhook = this.#webhook;
    if (!webhook) return Promise.reject(new Error('setWebhook(url, secret) first'));
    const body = Buffer.from(JSON.stringify(payload));
    const deliveryId = options.deliveryId ?? randomUUID();
    const signature = createHmac('sha256', options.secret ?? webhook.secret)
      .update(body)
      .digest('hex');
    const installation = (payload as { installation?: { id?: number } })?.installation?.id;
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = request(
        webhook.url,
        {
          method: 'POST',
          agent: this.#agent,
          timeout: options.timeoutMs ?? 30_000,
          headers: {
            'content-type': 'application/json',
            'content-length': String(body.length),
            'user-agent': 'GitHub-Hookshot/simulator',
            'x-github-event': event,
            'x-github-delivery': deliveryId,
            'x-hub-signature-256': `sha256=${signature}`,
            'x-github-hook-installation-target-type': 'integration',
            'x-github-hook-installation-target-id': String(this.state.app.id),
            ...(installation ? { 'x-github-hook-id': String(installation) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              ms: performance.now() - started,
              deliveryId,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`the App did not answer delivery ${deliveryId} in time`)),
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  // -------------------------------------------------------------------------------------------
  // Serving.

  /** Stops listening, ends hung answers and open connections. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#agent.destroy();
    for (const res of this.#hanging) res.destroy();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Internal: tracks connections so that `stop()` can end them. */
  track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  }

  /** Internal: answers one request. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const bodyText = await readBody(req);
    const record: RecordedRequest = {
      at: Date.now(),
      method,
      path: url.startsWith(API_PREFIX)
        ? url.slice(API_PREFIX.length)
        : url === GRAPHQL_PATH
          ? '/graphql'
          : url,
      operationId: undefined,
      status: 0,
      ms: 0,
      installation: undefined,
    };
    const finish = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      record.ms = performance.now() - started;
      this.#requests.push(record);
      if (res.destroyed) return;
      const text = body === undefined ? '' : Buffer.isBuffer(body) ? body : JSON.stringify(body);
      res.writeHead(status, {
        ...(Buffer.isBuffer(body) ? {} : { 'content-type': 'application/json; charset=utf-8' }),
        'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
        'x-github-api-version-selected': '2022-11-28',
        ...this.#rateHeaders(record),
        ...headers,
      });
      res.end(text);
      this.#events.emit('change');
    };

    try {
      if (url.startsWith(CODELOAD_PREFIX)) {
        finish(...this.#codeload(url));
        return;
      }
      let parsed: unknown;
      if (bodyText) {
        try {
          parsed = JSON.parse(bodyText);
        } catch {
          this.#problem(`${method} ${record.path}: the body is not JSON`);
          finish(400, { message: 'Problems parsing JSON', documentation_url: DOCS });
          return;
        }
        record.body = parsed;
      }
      if (url === GRAPHQL_PATH && method === 'POST') {
        record.operationId = 'graphql';
        const auth = this.#installationAuth(req);
        if (typeof auth === 'string') {
          this.#problem(`POST /graphql: ${auth}`);
          finish(401, { message: 'Bad credentials', documentation_url: DOCS });
          return;
        }
        record.installation = auth.id;
        if (this.#overLimit(record, finish) || (await this.#applyFault(record, res, finish))) return;
        finish(200, this.#graphql(parsed as { query?: string; variables?: Record<string, unknown> }));
        return;
      }
      if (!url.startsWith(`${API_PREFIX}/`)) {
        this.#problem(`${method} ${url}: not under ${API_PREFIX} (is GHE_PROTOCOL/GHE_HOST set?)`);
        finish(404, { message: 'Not Found', documentation_url: DOCS });
        return;
      }
      const matched = findGitHubOperation(method, record.path);
      if (typeof matched === 'string') {
        this.#problem(matched);
        finish(404, { message: 'Not Found', documentation_url: DOCS });
        return;
      }
      record.operationId = matched.operationId;
      const problems = validateGitHubRequest(method, record.path, bodyText);
      if (problems.length > 0) {
        for (const problem of problems) this.#problem(problem);
        finish(422, { message: 'Invalid request.', errors: problems, documentation_url: DOCS });
        return;
      }
      // The App's own routes take its JWT; every other route an installation token.
      const appAuth = matched.operationId.startsWith('apps/');
      const auth = appAuth ? this.#appAuth(req) : this.#installationAuth(req);
      if (typeof auth === 'string') {
        this.#problem(`${method} ${record.path}: ${auth}`);
        finish(401, {
          message: appAuth ? 'A JSON web token could not be decoded' : 'Bad credentials',
          documentation_url: DOCS,
        });
        return;
      }
      const installation = auth === null ? undefined : auth;
      record.installation = installation?.id;
      if (this.#overLimit(record, finish) || (await this.#applyFault(record, res, finish))) return;

      const { owner, repo: name } = matched.pathParams;
      const repo = owner && name ? this.state.repository(`${owner}/${name}`) : undefined;
      if (owner && name && (!repo || (installation && repo.installationId !== installation.id))) {
        // GitHub answers 404, not 403, for a repository the token cannot see.
        finish(404, { message: 'Not Found', documentation_url: DOCS });
        return;
      }
      const context: RouteContext = {
        state: this.state,
        origin: this.origin,
        apiBase: this.baseUrl,
        operationId: matched.operationId,
        path: record.path.split('?')[0] as string,
        params: matched.pathParams,
        query: matched.query,
        body: parsed,
        ...(installation ? { installation } : {}),
        ...(repo ? { repo } : {}),
        now: () => this.#now(),
      };
      const handler = ROUTES[matched.operationId];
      if (!handler) {
        this.#problem(`${method} ${record.path}: the simulator has no handler for ${matched.operationId}`);
        finish(501, { message: `${matched.operationId} is not simulated`, documentation_url: DOCS });
        return;
      }
      let result: RouteResult = handler(context);
      if (matched.operationId === 'apps/create-installation-access-token') {
        result = this.#issueToken((result.body as { installation: SimInstallation }).installation);
      }
      if (this.#options.validateResponses && result.status >= 200 && result.status < 300) {
        for (const problem of validateGitHubResponse(method, record.path, result.status, result.body)) {
          this.#problem(`simulator answer: ${problem}`);
        }
      }
      finish(result.status, result.body, result.headers);
    } catch (error) {
      if (error instanceof GitHubError) {
        finish(error.status, {
          message: error.message,
          ...(error.errors ? { errors: error.errors } : {}),
          documentation_url: DOCS,
        });
        return;
      }
      this.#problem(`${method} ${record.path}: the simulator failed: ${(error as Error).stack ?? error}`);
      finish(500, { message: 'Server Error' });
    }
  }

  #problem(problem: string): void {
    this.#problems.push(problem);
  }

  #now(): string {
    return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** Applies a matching fault; true when the request has been dealt with. */
  async #applyFault(
    record: RecordedRequest,
    res: ServerResponse,
    finish: (status: number, body: unknown, headers?: Record<string, string>) => void,
  ): Promise<boolean> {
    const fault = this.#takeFault(record.method, record.operationId, record.installation);
    if (!fault) return false;
    const { rule } = fault;
    if (rule.hang) {
      record.fault = 'hang';
      record.status = 0;
      this.#requests.push(record);
      this.#hanging.add(res);
      res.once('close', () => this.#hanging.delete(res));
      this.#events.emit('change');
      return true;
    }
    if (rule.reset) {
      record.fault = 'reset';
      this.#requests.push(record);
      res.socket?.resetAndDestroy?.();
      res.destroy();
      this.#events.emit('change');
      return true;
    }
    if (rule.delayMs !== undefined && rule.status === undefined && rule.rateLimit === undefined) {
      record.fault = `delay ${rule.delayMs}ms`;
      await new Promise((resolve) => setTimeout(resolve, rule.delayMs));
      return false;
    }
    const seconds = rule.retryAfter ?? 1;
    if (rule.rateLimit === 'secondary') {
      record.fault = 'secondary rate limit';
      finish(
        rule.status ?? 403,
        {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
          documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
        },
        { 'retry-after': String(seconds) },
      );
      return true;
    }
    if (rule.rateLimit === 'primary') {
      record.fault = 'primary rate limit';
      finish(
        rule.status ?? 403,
        {
          message: `API rate limit exceeded for installation ID ${record.installation ?? 0}.`,
          documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
        },
        {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + seconds),
        },
      );
      return true;
    }
    const status = rule.status ?? 500;
    record.fault = `status ${status}`;
    if (rule.delayMs) await new Promise((resolve) => setTimeout(resolve, rule.delayMs));
    finish(status, {
      message: status >= 500 ? 'Server Error' : 'Simulated failure',
      documentation_url: DOCS,
    });
    return true;
  }

  /** Checks the App's JWT (RS256, signed with its key, `iss` its id, at most 10 minutes long): null when valid. */
  #appAuth(req: IncomingMessage): null | string {
    const match = /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return 'no `authorization: bearer <JWT>` on an App route';
    const [header, payload, signature] = (match[1] as string).split('.');
    if (!header || !payload || !signature) return 'the bearer token is not a JWT';
    let claims: { iss?: unknown; iat?: number; exp?: number };
    let alg: string | undefined;
    try {
      alg = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')).alg;
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return 'the JWT does not decode';
    }
    if (alg !== 'RS256') return `the JWT is signed with ${alg}, not RS256`;
    const valid = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      this.#publicKey,
      Buffer.from(signature, 'base64url'),
    );
    if (!valid) return "the JWT's signature does not match the App's key";
    if (String(claims.iss) !== String(this.state.app.id))
      return `the JWT's iss is ${claims.iss}, not the App id`;
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp <= now) return 'the JWT has expired';
    if (typeof claims.iat !== 'number' || claims.iat > now + 60) return 'the JWT is issued in the future';
    if (claims.exp - claims.iat > 600 + 60) return 'the JWT lives longer than 10 minutes';
    return null;
  }

  #installationAuth(req: IncomingMessage): SimInstallation | string {
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return 'no `authorization: token <installation token>`';
    const token = this.#tokens.get(match[1] as string);
    if (!token) return 'an unknown token';
    if (token.expires <= Date.now()) return 'an expired installation token';
    const installation = this.state.installations.get(token.installation);
    return installation ?? 'the token of a removed installation';
  }

  #issueToken(installation: SimInstallation): RouteResult {
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    const expires = Date.now() + (this.#options.tokenTtlSeconds ?? 3600) * 1000;
    this.#tokens.set(token, { installation: installation.id, expires });
    return {
      status: 201,
      body: {
        token,
        expires_at: new Date(expires).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        permissions: { checks: 'write', contents: 'write', metadata: 'read', pull_requests: 'write' },
        repository_selection: 'all',
      },
    };
  }

  #rateWindow(record: RecordedRequest): { used: number; reset: number } {
    const key = `${record.operationId === 'graphql' ? 'graphql' : 'core'}:${record.installation ?? 'app'}`;
    const now = Date.now();
    let window = this.#rate.get(key);
    if (!window || window.reset <= now) {
      window = { used: 0, reset: now + 3_600_000 };
      this.#rate.set(key, window);
    }
    return window;
  }

  /** GitHub's own primary rate limit: true (and answered 403) once the hour's requests are used up. */
  #overLimit(
    record: RecordedRequest,
    finish: (status: number, body: unknown, headers?: Record<string, string>) => void,
  ): boolean {
    if (this.#rateWindow(record).used < (this.#options.rateLimit ?? 15_000)) return false;
    record.fault = 'rate limit used up';
    finish(403, {
      message: `API rate limit exceeded for installation ID ${record.installation ?? 0}.`,
      documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
    });
    return true;
  }

  /** GitHub's rate-limit headers, counted per installation (the App's JWT apart). */
  #rateHeaders(record: RecordedRequest): Record<string, string> {
    const limit = this.#options.rateLimit ?? 15_000;
    const window = this.#rateWindow(record);
    window.used += 1;
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - window.used)),
      'x-ratelimit-reset': String(Math.ceil(window.reset / 1000)),
      'x-ratelimit-used': String(window.used),
      'x-ratelimit-resource': record.operationId === 'graphql' ? 'graphql' : 'core',
    };
  }

  /** Runs a GraphQL document against GitHub's schema, resolving nodes from the state. */
  #graphql(body: { query?: string; variables?: Record<string, unknown> } | undefined): unknown {
    const query = body?.query ?? '';
    const variables = body?.variables ?? {};
    const problems = validateGraphQLRequest(query, variables);
    if (problems.length > 0) {
      for (const problem of problems) this.#problem(problem);
      return { errors: problems.map((message) => ({ message })) };
    }
    const node = (id: string) => {
      const found = findReviewComment(this.state, (c) => c.nodeId === id);
      return found ? { __typename: 'PullRequestReviewComment', ...graphqlComment(found.comment) } : null;
    };
    const root = {
      node: ({ id }: { id: string }) => node(id),
      nodes: ({ ids }: { ids: string[] }) => ids.map(node),
      minimizeComment: ({
        input,
      }: {
        input: { subjectId: string; classifier: string; clientMutationId?: string };
      }) => {
        const found = findReviewComment(this.state, (c) => c.nodeId === input.subjectId);
        if (!found) throw new Error(`Could not resolve to a node with the global id of '${input.subjectId}'`);
        found.comment.isMinimized = true;
        found.comment.minimizedReason = input.classifier.toLowerCase();
        return {
          clientMutationId: input.clientMutationId ?? null,
          minimizedComment: { __typename: 'PullRequestReviewComment', ...graphqlComment(found.comment) },
        };
      },
    };
    const result = execute({
      schema: githubSchema(),
      document: parse(query),
      rootValue: root,
      variableValues: variables,
    });
    if (result instanceof Promise) throw new Error('GraphQL resolvers are synchronous here');
    return result.errors
      ? {
          data: result.data ?? null,
          errors: result.errors.map((e) => ({ message: e.message, path: e.path })),
        }
      : { data: result.data };
  }

  #codeload(url: string): [number, unknown, Record<string, string>] {
    const match = /^\/_codeload\/([^/]+)\/([^/]+)\/legacy\.tar\.gz\/([0-9a-f]{40})$/.exec(url);
    const repo = match ? this.state.repository(`${match[1]}/${match[2]}`) : undefined;
    if (!match || !repo) return [404, { message: 'Not Found' }, {}];
    const sha = match[3] as string;
    const tarball = repo.git.tarball(sha, `${repo.owner}-${repo.name}-${sha.slice(0, 7)}`);
    return [
      200,
      tarball,
      {
        'content-type': 'application/x-gzip',
        'content-disposition': `attachment; filename=${repo.owner}-${repo.name}-${sha.slice(0, 7)}.tar.gz`,
      },
    ];
  }
}

function graphqlComment(comment: SimReviewComment) {
  return {
    id: comment.nodeId,
    databaseId: comment.id,
    body: comment.body,
    path: comment.path,
    isMinimized: comment.isMinimized,
    minimizedReason: comment.minimizedReason,
    viewerCanMinimize: true,
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts a simulator on a free loopback port. */
export async function startGitHubSimulator(options: SimulatorOptions): Promise<GitHubSimulator> {
  let simulator: GitHubSimulator | undefined;
  const server = createServer((req, res) => {
    simulator?.handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  server.on('connection', (socket) => simulator?.track(socket));
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  simulator = new GitHubSimulator(server, options);
  return simulator;
}
