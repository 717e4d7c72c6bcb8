/**
 * The App with builds on (PORTCULLIS_BUILD=1): a pull request's changed Dockerfile built
 * with buildah at the head and the merge base (from GitHub's tarballs, faked with nock),
 * both images scanned with osv-scanner against a fixture OSV database; and untrusted code
 * left unbuilt until a maintainer's label approves its head commit.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import nock from 'nock';
import { TarWriter } from '../../src/scan/tar.js';
import { resetSettings } from '../../src/settings.js';
import {
  API,
  createApp,
  fakePullRequest,
  finalCheckRun,
  OWNER,
  REPO,
  receive,
} from '../support/fake-github.js';
import { useGitHubValidation } from '../support/github-openapi.js';
import {
  ALPINE_VULNERABILITIES,
  alpineRootfs,
  type FixturePackage,
  rootfsTar,
  writeOsvDatabase,
} from '../support/images.js';
import { describeWithTools } from '../support/required-tools.js';

useGitHubValidation();

const HEAD_SHA = 'a'.repeat(40);
const BASE_SHA = 'b'.repeat(40);
const MERGE_BASE = 'c'.repeat(40);
const LABEL = 'portcullis/build-approved';
const DOCKERFILE = 'FROM scratch\nADD base.tar /\nADD app.tar /\nUSER 1000\nHEALTHCHECK NONE\n';

const BASE_PACKAGES: FixturePackage[] = [
  { name: 'musl', version: '1.2.4-r0' },
  { name: 'busybox', version: '1.36.1-r15' },
];
const HEAD_APP: FixturePackage[] = [
  { name: 'musl', version: '1.2.4-r2' },
  { name: 'busybox', version: '1.36.1-r15' },
  { name: 'zlib', version: '1.3-r2' },
];

let dir: string;
const saved = { ...process.env };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-app-build-'));
  process.env.PORTCULLIS_BUILD = '1';
  process.env.PORTCULLIS_OSV_DB = writeOsvDatabase(join(dir, 'osv'), ALPINE_VULNERABILITIES);
  process.env.PORTCULLIS_CACHE_DIR = join(dir, 'cache');
  process.env.PORTCULLIS_BUILD_DIR = join(dir, 'builds');
  resetSettings();
});
afterEach(() => nock.cleanAll());
afterAll(() => {
  process.env = saved;
  resetSettings();
  rmSync(dir, { recursive: true, force: true });
});

/** GitHub's tarball of a commit: one top folder `acme-web-<sha>/`, gzipped. */
function tarball(sha: string, files: Record<string, string | Buffer>): Buffer {
  const path = join(dir, `${sha}.tar`);
  const writer = new TarWriter(path);
  for (const [name, content] of Object.entries(files))
    writer.add(`acme-web-${sha.slice(0, 7)}/${name}`, Buffer.from(content));
  writer.close();
  return gzipSync(readFileSync(path));
}

const headTree = () =>
  tarball(HEAD_SHA, {
    'app/Dockerfile': DOCKERFILE,
    'app/base.tar': rootfsTar(alpineRootfs(BASE_PACKAGES)),
    'app/app.tar': rootfsTar({
      'lib/apk/db/installed': alpineRootfs(HEAD_APP)['lib/apk/db/installed'] as string,
    }),
    'README.md': '# web\n',
  });
const baseTree = () =>
  tarball(MERGE_BASE, {
    'app/Dockerfile': DOCKERFILE,
    'app/base.tar': rootfsTar(alpineRootfs(BASE_PACKAGES)),
    'app/app.tar': rootfsTar({ 'etc/motd': 'hello\n' }),
  });

interface Fake {
  /** The files the pull request changes (default: the Dockerfile and app.tar). */
  files?: Record<string, string>;
  fork?: boolean;
  labels?: string[];
  labelledBy?: string;
  permissions?: Record<string, string>;
  /** The head GitHub reports for the pull request now (default: HEAD_SHA). */
  currentHead?: string;
}

/** The pull request, its author's access, the approval label's history and the two tarballs. */
function fakeBuildablePullRequest(options: Fake = {}) {
  const requests = fakePullRequest({
    files: options.files ?? { 'app/Dockerfile': DOCKERFILE, 'app/app.tar': 'binary' },
    baseFiles: { 'app/Dockerfile': DOCKERFILE },
    pull: {
      number: 7,
      state: 'open',
      user: { login: 'alice' },
      labels: (options.labels ?? []).map((name) => ({ name })),
      head: {
        sha: options.currentHead ?? HEAD_SHA,
        repo: { full_name: options.fork ? 'contributor/web' : 'acme/web' },
      },
      base: { sha: BASE_SHA, repo: { full_name: 'acme/web' } },
    },
  });
  const downloads: string[] = [];
  const api = nock(API);
  for (const [user, permission] of Object.entries(options.permissions ?? { alice: 'write' })) {
    api
      .get(`/repos/${OWNER}/${REPO}/collaborators/${user}/permission`)
      .optionally()
      .reply(200, { permission, role_name: permission, user: null });
  }
  api
    .get(`/repos/${OWNER}/${REPO}/issues/7/events`)
    .query(true)
    .optionally()
    .reply(
      200,
      options.labelledBy
        ? [
            { id: 1, event: 'labeled', label: { name: LABEL, color: '0e8a16' }, actor: { login: 'triager' } },
            {
              id: 2,
              event: 'labeled',
              label: { name: LABEL, color: '0e8a16' },
              actor: { login: options.labelledBy },
            },
          ]
        : [],
    );
  api
    .get(`/repos/${OWNER}/${REPO}/compare/${BASE_SHA}...${HEAD_SHA}`)
    .query(true)
    .optionally()
    .reply(200, { merge_base_commit: { sha: MERGE_BASE } });
  for (const [sha, tree] of [
    [HEAD_SHA, headTree],
    [MERGE_BASE, baseTree],
  ] as const) {
    api
      .get(`/repos/${OWNER}/${REPO}/tarball/${sha}`)
      .optionally()
      .reply(302, '', { location: `https://codeload.github.com/${OWNER}/${REPO}/legacy.tar.gz/${sha}` });
    nock('https://codeload.github.com')
      .get(`/${OWNER}/${REPO}/legacy.tar.gz/${sha}`)
      .optionally()
      .reply(() => {
        downloads.push(sha);
        return [200, tree(), { 'content-type': 'application/x-gzip' }];
      });
  }
  return { requests, downloads };
}

const annotations = (requests: ReturnType<typeof fakePullRequest>, rule: string) =>
  finalCheckRun(requests).annotations.filter((a) => a.title.startsWith(rule));

describeWithTools(['buildah', 'osv-scanner'], 'builds in the App', () => {
  it('builds head and merge base, and points an introduced vulnerability at the line that brought it in', async () => {
    const { requests, downloads } = fakeBuildablePullRequest();
    await receive(createApp(), 'pull_request.opened');
    const run = finalCheckRun(requests);
    expect(downloads.sort()).toEqual([HEAD_SHA, MERGE_BASE]);
    expect(run.conclusion).toBe('failure');
    expect(annotations(requests, 'PC-BLD-001')).toEqual([
      expect.objectContaining({
        path: 'app/Dockerfile',
        start_line: 3,
        annotation_level: 'failure',
        message: expect.stringContaining(
          'CVE-2024-0003 (ALPINE-CVE-2024-0003), high, CVSS 7.5, in zlib 1.3-r2',
        ),
      }),
    ]);
    expect(annotations(requests, 'PC-BLD-004')[0]?.message).toMatch(
      /^Fixed: CVE-2024-0004 .* musl 1\.2\.4-r0/,
    );
    expect(annotations(requests, 'PC-BLD-005')[0]?.message).toMatch(
      /^Built image: [\d.]+ MB in 2 layers \(\+[\d.]+ MB, 0 layers, against the merge base\); 1 vulnerabilities introduced, 1 fixed, 2 in all\.$/,
    );
    // busybox's unfixable vulnerability was there before: not reported as new.
    expect(annotations(requests, 'PC-BLD-003')).toEqual([]);
    expect(annotations(requests, 'PC-BLD-010')).toEqual([]);
  });

  it('builds a Dockerfile the pull request does not change when it changes its build context', async () => {
    const { requests, downloads } = fakeBuildablePullRequest({ files: { 'app/app.tar': 'binary' } });
    // The head's tree (one listing) shows the Dockerfile next to the changed file; its text is read at the head.
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/git/trees/${HEAD_SHA}`)
      .query({ recursive: 'true' })
      .reply(200, {
        sha: HEAD_SHA,
        url: '',
        truncated: false,
        tree: ['app/Dockerfile', 'app/base.tar', 'app/app.tar', 'README.md'].map((path) => ({
          path,
          mode: '100644',
          type: 'blob',
          sha: 'e'.repeat(40),
          size: 1,
          url: '',
        })),
      })
      .get(`/repos/${OWNER}/${REPO}/contents/app%2FDockerfile`)
      .query({ ref: HEAD_SHA })
      .reply(200, {
        type: 'file',
        encoding: 'base64',
        size: DOCKERFILE.length,
        name: 'Dockerfile',
        path: 'app/Dockerfile',
        content: Buffer.from(DOCKERFILE).toString('base64'),
        sha: 'e'.repeat(40),
        url: '',
        git_url: null,
        html_url: null,
        download_url: null,
        _links: { self: '', git: null, html: null },
      });
    await receive(createApp(), 'pull_request.opened');
    expect(downloads.sort()).toEqual([HEAD_SHA, MERGE_BASE]);
    expect(annotations(requests, 'PC-BLD-001')).toEqual([
      expect.objectContaining({ path: 'app/Dockerfile', start_line: 3 }),
    ]);
  });

  it('shows the build and the scan on the in-progress check run before completing it', async () => {
    const { requests } = fakeBuildablePullRequest();
    process.env.PORTCULLIS_CACHE_DIR = join(dir, 'progress-cache');
    resetSettings();
    try {
      await receive(createApp(), 'pull_request.opened');
    } finally {
      process.env.PORTCULLIS_CACHE_DIR = join(dir, 'cache');
      resetSettings();
    }
    // The first progress creates the run in progress; the rest update it.
    const updates = requests.map((r) => ({
      status: r.body.status,
      title: r.body.output?.title,
      summary: r.body.output?.summary,
    }));
    const building = updates.findIndex((u) => u.title === 'Building 1 of 1 images…');
    const scanning = updates.findIndex((u) => u.title === 'Scanning…');
    const completed = updates.findIndex((u) => u.status === 'completed');
    expect(building).toBeGreaterThanOrEqual(0);
    expect(building).toBe(0);
    expect(requests[0]?.method).toBe('POST');
    expect(updates[building]).toEqual({
      status: 'in_progress',
      title: 'Building 1 of 1 images…',
      summary: 'Building `app/Dockerfile` at the head and at the merge base.',
    });
    expect(scanning).toBeGreaterThan(building);
    expect(completed).toBeGreaterThan(scanning);
    expect(finalCheckRun(requests).endsCompleted).toBe(true);
  });

  it('does not build a fork until approved: static checks only, and the check says why', async () => {
    const { requests, downloads } = fakeBuildablePullRequest({ fork: true });
    await receive(createApp(), 'pull_request.opened');
    expect(downloads).toEqual([]);
    expect(annotations(requests, 'PC-BLD-010')).toEqual([
      expect.objectContaining({
        path: 'app/Dockerfile',
        annotation_level: 'failure',
        message: expect.stringContaining(
          `Static checks ran; the image build awaits approval: the pull request comes from a fork`,
        ),
      }),
    ]);
    expect(annotations(requests, 'PC-BLD-001')).toEqual([]);
    expect(finalCheckRun(requests).conclusion).toBe('failure');
  });

  it('does not build an author without write access, nor count a label applied by someone without it', async () => {
    const { requests, downloads } = fakeBuildablePullRequest({
      labels: [LABEL],
      labelledBy: 'triager2',
      permissions: { alice: 'read', triager2: 'triage' },
    });
    await receive(createApp(), 'pull_request.opened');
    expect(downloads).toEqual([]);
    expect(annotations(requests, 'PC-BLD-010')[0]?.message).toContain('its author has no write access');
  });

  it('builds a fork once a maintainer labels its head (from the cache: same content, no rebuild)', async () => {
    const { requests, downloads } = fakeBuildablePullRequest({
      fork: true,
      labels: [LABEL],
      labelledBy: 'maintainer',
      permissions: { maintainer: 'maintain' },
    });
    await receive(createApp(), 'pull_request.labeled', (payload) => {
      const pr = payload.pull_request as { head: { repo: { full_name: string } } };
      pr.head.repo.full_name = 'contributor/web';
    });
    expect(downloads.sort()).toEqual([HEAD_SHA, MERGE_BASE]);
    expect(annotations(requests, 'PC-BLD-010')).toEqual([]);
    expect(annotations(requests, 'PC-BLD-001')).toHaveLength(1);
  });

  it('ignores other labels, and a push takes the approval label away before checking the new head', async () => {
    nock(API).post(`/app/installations/4242/access_tokens`).optionally().reply(201, { token: 'ghs_test' });
    await receive(createApp(), 'pull_request.labeled', (payload) => {
      (payload.label as { name: string }).name = 'documentation';
    });

    const { requests } = fakeBuildablePullRequest({ fork: true });
    const removed: string[] = [];
    nock(API)
      .delete(`/repos/${OWNER}/${REPO}/issues/7/labels/${encodeURIComponent(LABEL)}`)
      .reply((uri) => {
        removed.push(uri);
        return [200, []];
      });
    await receive(createApp(), 'pull_request.synchronize', (payload) => {
      (payload.pull_request as { labels: { name: string }[] }).labels = [{ name: LABEL }];
    });
    expect(removed).toHaveLength(1);
    expect(annotations(requests, 'PC-BLD-010')).toHaveLength(1);
  });

  it('does not build a push that landed just before the label: a label on the pull request approves nothing by itself', async () => {
    // The push's event saw no label; by the time its check runs, a maintainer who reviewed
    // the previous head has labelled the pull request.
    const { requests, downloads } = fakeBuildablePullRequest({
      fork: true,
      labels: [LABEL],
      labelledBy: 'maintainer',
      permissions: { maintainer: 'maintain' },
    });
    await receive(createApp(), 'pull_request.synchronize', (payload) => {
      const pr = payload.pull_request as { head: { repo: { full_name: string } } };
      pr.head.repo.full_name = 'contributor/web';
    });
    expect(downloads).toEqual([]);
    expect(annotations(requests, 'PC-BLD-010')).toHaveLength(1);
    expect(finalCheckRun(requests).summary).toContain(
      `is on the pull request, but an approval counts only in the check its labelling starts, for the commit it was applied to: to build ${HEAD_SHA.slice(0, 7)}, remove the label and apply it again.`,
    );
  });

  it('builds nothing for a head that moved since the label: the check is superseded by the newer head', async () => {
    const moved = 'e'.repeat(40);
    const { requests, downloads } = fakeBuildablePullRequest({
      fork: true,
      labels: [LABEL],
      labelledBy: 'maintainer',
      permissions: { maintainer: 'maintain' },
      currentHead: moved,
    });
    await receive(createApp(), 'pull_request.labeled', (payload) => {
      const pr = payload.pull_request as { head: { repo: { full_name: string } } };
      pr.head.repo.full_name = 'contributor/web';
    });
    expect(downloads).toEqual([]);
    // The approval check refused the build; then the job saw the newer head and gave way to it.
    const run = finalCheckRun(requests);
    expect(run.conclusion).toBe('neutral');
    expect(run.title).toBe('Superseded by a newer commit');
    expect(run.summary).toContain(moved.slice(0, 7));
    expect(run.annotations).toEqual([]);
  });
});
