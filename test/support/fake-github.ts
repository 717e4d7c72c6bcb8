/**
 * A pull request as GitHub's REST API serves it, faked at the HTTP boundary with nock:
 * installation token, changed files (paginated), file contents at the head commit, its
 * review comments, and the check-run endpoints, whose requests are recorded for assertions.
 *
 * The App runs as in the service: webhooks become jobs in a real embedded queue (SQLite in
 * a temporary folder), which a worker runs with the installation's Octokit.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { Probot } from 'probot';
import { installationOctokit, PortcullisOctokit } from '../../src/github/github-client.js';
import { concludeExhaustedJob, runJob } from '../../src/github/run-job.js';
import { createPortcullis } from '../../src/index.js';
import { SqliteWorkQueue } from '../../src/queue/sqlite-queue.js';
import { resetSettings } from '../../src/settings.js';

export const OWNER = 'acme';
export const REPO = 'web';
export const INSTALLATION = 4242;
export const API = 'https://api.github.com';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

export interface TestApp {
  probot: Probot;
  queue: SqliteWorkQueue;
  /** Errors the worker's last attempts ended with (after every attempt failed). */
  exhausted: unknown[];
}

const apps: { queue: SqliteWorkQueue; dir: string }[] = [];
afterAll(async () => {
  for (const { queue, dir } of apps.splice(0)) {
    await queue.stop(0);
    await queue.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

export interface AppOptions {
  /** Attempts per job (default 3), as PORTCULLIS_JOB_ATTEMPTS. */
  maxAttempts?: number;
}

export function createApp(options: AppOptions = {}): Probot {
  return createTestApp(options).probot;
}

export function createTestApp(options: AppOptions = {}): TestApp {
  // GitHub is all these tests fake: registry look-ups (tested against a real registry
  // elsewhere) stay off, or nock's refusal would show up as findings.
  process.env.PORTCULLIS_OFFLINE = '1';
  resetSettings();
  const probot = new Probot({
    appId: 123,
    privateKey,
    // Retries and throttling would turn a deliberate API error into minutes of waiting:
    // the queue's attempts (with a short backoff here) retry instead.
    Octokit: PortcullisOctokit.defaults((octokitOptions: Record<string, unknown>) => ({
      ...octokitOptions,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
    logLevel: 'fatal',
  });
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-app-test-'));
  const queue = new SqliteWorkQueue({ dataDir: dir, maxAttempts: options.maxAttempts ?? 3, backoffMs: 10 });
  apps.push({ queue, dir });
  const exhausted: unknown[] = [];
  queue.work({
    concurrency: 2,
    handler: async (job, control) =>
      runJob(job, await installationOctokit(probot, job.installationId, control.signal), control),
    onExhausted: async (job, error) => {
      exhausted.push(error);
      await concludeExhaustedJob(job, await installationOctokit(probot, job.installationId), error).catch(
        () => {},
      );
    },
  });
  probot.load(createPortcullis({ queue }));
  current = queue;
  return { probot, queue, exhausted };
}

/** The queue of the App created last: `receive` waits for it. */
let current: SqliteWorkQueue | undefined;
let deliveries = 0;

export function webhook(name: string): { name: string; payload: Record<string, unknown> } {
  const [event] = name.split('.');
  const payload = JSON.parse(
    readFileSync(new URL(`../fixtures/webhooks/${name}.json`, import.meta.url), 'utf8'),
  );
  return { name: event as string, payload };
}

export async function receive(
  probot: Probot,
  name: string,
  patch?: (payload: Record<string, unknown>) => void,
  deliveryId = `delivery-${name}-${++deliveries}`,
) {
  const { name: event, payload } = webhook(name);
  patch?.(payload);
  await probot.receive({ id: deliveryId, name: event, payload } as Parameters<Probot['receive']>[0]);
  // The App answers the webhook once its job is queued, and works in the queue: wait for that work.
  await current?.idle();
}

export interface CheckRunRequest {
  method: 'POST' | 'PATCH';
  body: {
    name?: string;
    head_sha?: string;
    external_id?: string;
    status?: string;
    conclusion?: string;
    output?: {
      title: string;
      summary: string;
      annotations?: {
        path: string;
        start_line: number;
        annotation_level: string;
        title: string;
        message: string;
      }[];
    };
  };
}

export interface FakePullRequest {
  number?: number;
  headSha?: string;
  /** Changed files: path → content (string or bytes), or null for a removed file. */
  files: Record<string, string | Uint8Array | null>;
  /** Page size of the list-files endpoint, to exercise pagination. */
  pageSize?: number;
  /** Each file's `patch` as the list-files endpoint serves it (none: nothing to comment on). */
  patches?: Record<string, string>;
  /** Review comments already on the pull request, one array per page (default: none). */
  reviewComments?: unknown[][];
  /** Reviews already on the pull request (default: none). */
  reviews?: unknown[];
  /** The pull request as `pulls.get` serves it (default: open, with `headSha` as its head). */
  pull?: Record<string, unknown>;
  /** Check runs already on the head commit, as `checks.listForRef` lists them (default: none). */
  existingCheckRuns?: { id: number; name: string; external_id: string; status: string }[];
  /** Files at the base commit: configuration, policies, waivers (default: none). */
  baseFiles?: Record<string, string>;
  baseSha?: string;
}

export const BASE_SHA = 'b'.repeat(40);

/**
 * The base commit as the contents API serves it: files, folder listings, 404 for the rest.
 * Persistent and optional, since how much the App reads depends on the configuration.
 */
export function fakeBaseCommit(files: Record<string, string> = {}, baseSha = BASE_SHA): void {
  const prefix = `/repos/${OWNER}/${REPO}/contents/`;
  const pathOf = (uri: string) => decodeURIComponent(uri.slice(prefix.length).split('?')[0] ?? '');
  nock(API)
    .get((uri) => uri.startsWith(prefix) && uri.includes(`ref=${baseSha}`))
    .optionally()
    .times(100)
    .reply((uri) => {
      const path = pathOf(uri).replace(/\/+$/, '');
      const content = files[path];
      if (content !== undefined) {
        const bytes = Buffer.from(content);
        return [
          200,
          {
            type: 'file',
            encoding: 'base64',
            size: bytes.length,
            name: path.split('/').pop(),
            path,
            content: bytes.toString('base64'),
            sha: 'e'.repeat(40),
            url: '',
            git_url: null,
            html_url: null,
            download_url: null,
            _links: { self: '', git: null, html: null },
          },
        ];
      }
      const children = new Map<string, 'file' | 'dir'>();
      for (const file of Object.keys(files)) {
        if (!file.startsWith(`${path}/`)) continue;
        const [first, ...rest] = file.slice(path.length + 1).split('/');
        children.set(`${path}/${first}`, rest.length > 0 ? 'dir' : 'file');
      }
      if (children.size === 0) return [404, { message: 'Not Found' }];
      return [
        200,
        [...children].map(([child, type]) => ({
          type,
          path: child,
          name: child.split('/').pop(),
          size: 0,
          sha: 'e'.repeat(40),
          url: '',
          git_url: null,
          html_url: null,
          download_url: null,
          _links: { self: '', git: null, html: null },
        })),
      ];
    });
}

/** Sets up the API for one pull request; returns the check-run requests as they arrive. */
export function fakePullRequest(pr: FakePullRequest): CheckRunRequest[] {
  const number = pr.number ?? 7;
  const headSha = pr.headSha ?? 'a'.repeat(40);
  const checkRuns: CheckRunRequest[] = [];
  fakeBaseCommit(pr.baseFiles, pr.baseSha);
  const api = nock(API);
  api.post(`/app/installations/${INSTALLATION}/access_tokens`).reply(201, {
    token: 'ghs_test',
    expires_at: '2099-01-01T00:00:00Z',
    permissions: { checks: 'write', contents: 'read', pull_requests: 'read' },
  });

  const listed = Object.entries(pr.files).map(([filename, content], i) => ({
    sha: `${i}`.padStart(40, '0'),
    filename,
    status: content === null ? 'removed' : 'modified',
    additions: 1,
    deletions: 0,
    changes: 1,
    blob_url: `https://github.com/${OWNER}/${REPO}/blob/${headSha}/${filename}`,
    raw_url: `https://github.com/${OWNER}/${REPO}/raw/${headSha}/${filename}`,
    contents_url: `${API}/repos/${OWNER}/${REPO}/contents/${filename}?ref=${headSha}`,
    ...(pr.patches?.[filename] ? { patch: pr.patches[filename] } : {}),
  }));
  const pageSize = pr.pageSize ?? 100;
  const pages = Math.max(1, Math.ceil(listed.length / pageSize));
  for (let page = 1; page <= pages; page++) {
    const link =
      page < pages
        ? {
            Link: `<${API}/repos/${OWNER}/${REPO}/pulls/${number}/files?per_page=100&page=${page + 1}>; rel="next"`,
          }
        : undefined;
    api
      .get(`/repos/${OWNER}/${REPO}/pulls/${number}/files`)
      .query(page === 1 ? { per_page: '100' } : { per_page: '100', page: String(page) })
      .reply(200, listed.slice((page - 1) * pageSize, page * pageSize), link);
  }

  const commentPages = pr.reviewComments ?? [[]];
  commentPages.forEach((comments, i) => {
    const link =
      i + 1 < commentPages.length
        ? {
            Link: `<${API}/repos/${OWNER}/${REPO}/pulls/${number}/comments?per_page=100&page=${i + 2}>; rel="next"`,
          }
        : undefined;
    api
      .get(`/repos/${OWNER}/${REPO}/pulls/${number}/comments`)
      .query(i === 0 ? { per_page: '100' } : { per_page: '100', page: String(i + 1) })
      .optionally()
      .reply(200, comments, link);
  });

  api
    .get(`/repos/${OWNER}/${REPO}/pulls/${number}`)
    .optionally()
    .times(10)
    .reply(
      200,
      pr.pull ?? {
        number,
        state: 'open',
        user: { login: 'alice', type: 'User' },
        labels: [],
        head: { sha: headSha, ref: 'feature', repo: { id: 1, full_name: `${OWNER}/${REPO}` } },
        base: { sha: pr.baseSha ?? BASE_SHA, ref: 'main', repo: { id: 1, full_name: `${OWNER}/${REPO}` } },
      },
    );
  api
    .get(`/repos/${OWNER}/${REPO}/pulls/${number}/reviews`)
    .query({ per_page: '100' })
    .optionally()
    .times(10)
    .reply(200, pr.reviews ?? []);
  api
    .get(`/repos/${OWNER}/${REPO}/commits/${headSha}/check-runs`)
    .query(true)
    .optionally()
    .times(10)
    .reply((uri) => {
      const name = new URL(uri, API).searchParams.get('check_name');
      // As GitHub would: the runs already there, and those this fake created (all id 555).
      const created = checkRuns.filter((r) => r.method === 'POST');
      const ours = created.map((r) => ({
        id: 555,
        name: r.body.name ?? '',
        external_id: r.body.external_id ?? '',
        status: checkRuns.filter((c) => c.body.status).pop()?.body.status ?? 'queued',
      }));
      const runs = [...(pr.existingCheckRuns ?? []), ...ours].filter((run) => !name || run.name === name);
      return [
        200,
        { total_count: runs.length, check_runs: runs.map((run) => checkRunListing(run, headSha)) },
      ];
    });

  for (const [path, content] of Object.entries(pr.files)) {
    if (content === null) continue;
    const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
    api
      .get(`/repos/${OWNER}/${REPO}/contents/${path.split('/').map(encodeURIComponent).join('%2F')}`)
      .query({ ref: headSha })
      .optionally()
      .times(5)
      .reply(200, {
        type: 'file',
        encoding: 'base64',
        size: bytes.byteLength,
        name: path.split('/').pop(),
        path,
        // GitHub leaves content empty for files over 1 MB.
        content: bytes.byteLength > 1024 * 1024 ? '' : bytes.toString('base64'),
        sha: 'f'.repeat(40),
        url: '',
        git_url: null,
        html_url: null,
        download_url: null,
        _links: { self: '', git: null, html: null },
      });
  }

  api
    .post(`/repos/${OWNER}/${REPO}/check-runs`, (body) => {
      checkRuns.push({ method: 'POST', body });
      return true;
    })
    .reply(201, { id: 555 });
  api
    .patch(`/repos/${OWNER}/${REPO}/check-runs/555`, (body) => {
      checkRuns.push({ method: 'PATCH', body });
      return true;
    })
    .times(20)
    .reply(200, { id: 555 });
  return checkRuns;
}

/** A check run as `checks.listForRef` lists it. */
export function checkRunListing(
  run: { id: number; name: string; external_id: string; status: string },
  headSha: string,
) {
  return {
    id: run.id,
    name: run.name,
    head_sha: headSha,
    external_id: run.external_id,
    status: run.status,
    conclusion: null,
    node_id: `CR_${run.id}`,
    url: `${API}/repos/${OWNER}/${REPO}/check-runs/${run.id}`,
    html_url: null,
    details_url: null,
    started_at: null,
    completed_at: null,
    output: { title: null, summary: null, text: null, annotations_count: 0, annotations_url: '' },
    check_suite: null,
    app: null,
    pull_requests: [],
  };
}

/** The final state of the check run after all requests: conclusion and every annotation sent. */
export function finalCheckRun(requests: CheckRunRequest[]) {
  const completed = requests.filter((r) => r.body.status === 'completed');
  const annotations = requests.flatMap((r) => r.body.output?.annotations ?? []);
  const last = requests[requests.length - 1];
  const lastStatus = requests.filter((r) => r.body.status).pop();
  return {
    completedCount: completed.length,
    conclusion: completed[0]?.body.conclusion,
    title: last?.body.output?.title,
    summary: last?.body.output?.summary ?? '',
    annotations,
    /** No request put the run back in progress after its completion (batches of annotations may follow it). */
    endsCompleted: lastStatus?.body.status === 'completed',
  };
}

/** Git's object id of a blob: what a tree lists and the blob endpoint is asked for. */
export function blobSha(content: string): string {
  const bytes = Buffer.from(content);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * A head commit as the Git data API serves it (one recursive tree, and blobs), and the
 * check run named `name` (the `Portcullis policy` check) whose requests are returned.
 */
export function fakeHeadTree(
  files: Record<string, string>,
  { headSha = 'a'.repeat(40), name, runId = 556 }: { headSha?: string; name: string; runId?: number },
): CheckRunRequest[] {
  const runs: CheckRunRequest[] = [];
  const byBlob = new Map(Object.values(files).map((content) => [blobSha(content), content]));
  const api = nock(API);
  api
    .get(`/repos/${OWNER}/${REPO}/git/trees/${headSha}`)
    .query({ recursive: 'true' })
    .reply(200, {
      sha: 'd'.repeat(40),
      url: `${API}/repos/${OWNER}/${REPO}/git/trees/${'d'.repeat(40)}`,
      truncated: false,
      tree: Object.entries(files).map(([path, content]) => ({
        path,
        mode: '100644',
        type: 'blob',
        sha: blobSha(content),
        size: Buffer.byteLength(content),
        url: `${API}/repos/${OWNER}/${REPO}/git/blobs/${blobSha(content)}`,
      })),
    });
  api
    .get((uri) => uri.startsWith(`/repos/${OWNER}/${REPO}/git/blobs/`))
    .times(100)
    .optionally()
    .reply((uri) => {
      const sha = uri.split('/').pop() ?? '';
      const content = byBlob.get(sha);
      if (content === undefined) return [404, { message: 'Not Found' }];
      const bytes = Buffer.from(content);
      return [
        200,
        {
          sha,
          node_id: 'B_1',
          url: `${API}${uri}`,
          size: bytes.length,
          encoding: 'base64',
          content: bytes.toString('base64'),
        },
      ];
    });
  api
    .post(`/repos/${OWNER}/${REPO}/check-runs`, (body) => {
      if (body.name !== name) return false;
      runs.push({ method: 'POST', body });
      return true;
    })
    .optionally()
    .reply(201, { id: runId });
  api
    .patch(`/repos/${OWNER}/${REPO}/check-runs/${runId}`, (body) => {
      runs.push({ method: 'PATCH', body });
      return true;
    })
    .times(20)
    .optionally()
    .reply(200, { id: runId });
  return runs;
}
