/**
 * `npm start` without App credentials: the whole pipeline on an example pull request,
 * offline, in seconds. It starts a loopback registry with Acme's base image and the
 * worker's images (two of them signed with a key made for the run), writes a fixture OSV
 * database, turns examples/demo-repo into the base and head commits of a pull request, and
 * checks it as the App does with builds on (src/demo/pull-request.ts): builds and scans,
 * registry look-ups, signatures, policies from the base commit. Then it prints what the App
 * would post: the `Portcullis` check run, the review with its suggestions, and the
 * `Portcullis policy` check run. Everything it starts it stops, also on an error or Ctrl-C
 * (`signal`); a tool that is missing skips only the part that needs it.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gatherFacts, mergeFacts } from '../core/facts.js';
import { type Judgement, judgementFails } from '../core/judge.js';
import { readFileAtCommit } from '../core/local-repository.js';
import { appRegistryOptions } from '../facts/registry-facts.js';
import { commitAll, initRepository, lsFiles, removeTracked } from '../git.js';
import type { PolicyInput, RegistryFacts } from '../input/policy-input.js';
import type { PolicySet } from '../policy/policy-set.js';
import { readTarget } from '../policy/target-reading.js';
import { CHECK_RUN_NAME, type CheckRunReport, chunkAnnotations } from '../report/check-run.js';
import { POLICY_CHECK_NAME } from '../report/policy-report.js';
import { decodeSourceText } from '../repository/source-file.js';
import { type Environment, loadSettings, settings, useSettings } from '../settings.js';
import { PROJECT_ROOT } from '../tools.js';
import { type Loopback, startLoopback } from './loopback.js';
import { checkLocalPullRequest, type PullRequestOutcome } from './pull-request.js';

const EXAMPLE = join(PROJECT_ROOT, 'examples', 'demo-repo');
/** Where the example's files name the demo's registry. */
const REGISTRY_PLACEHOLDER = '{{registry}}';
/** Without a registry the references name one that cannot resolve (and nothing is looked up). */
const NO_REGISTRY = 'registry.demo.invalid';
const KEY_PATH = '.github/portcullis/release.pub';
/** How long a stopped demo waits for its builds to end (they get SIGTERM, then SIGKILL after 3 s). */
const STOPPING_MS = 10_000;

export interface DemoOptions {
  /** The process's environment: the demo's settings are it plus builds, the OSV database and the registry. */
  env: Environment;
  /** Aborted on Ctrl-C: the demo stops what it started and rejects. */
  signal?: AbortSignal;
}

export async function runDemo(
  write: (text: string) => void,
  options: DemoOptions,
): Promise<PullRequestOutcome> {
  const started = performance.now();
  const signal = options.signal ?? new AbortController().signal;
  const work = await mkdtemp(join(tmpdir(), 'portcullis-demo-'));
  const previous = settings();
  let loopback: Loopback | null = null;
  /** Work that may still run when the demo is stopped: its builds see the signal and end. */
  let inFlight: Promise<unknown> = Promise.resolve();
  try {
    write(
      'Portcullis demo: no GitHub App credentials (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET), so the App checks an example pull request here, offline, and prints what it would post.\n',
    );
    // Not raced with the signal: what it starts must be known, to be stopped (its tools see the signal).
    loopback = await startLoopback(work, signal);
    signal.throwIfAborted();
    const env = demoEnvironment(loopback, work);
    useSettings(loadSettings({ ...options.env, ...env }));
    const pr = await examplePullRequest(join(work, 'repo'), loopback);
    signal.throwIfAborted();
    write(setUpSection(loopback, env, pr, work, performance.now() - started));

    write(`── Checking, as the App does${loopback.builds ? ' with builds on' : ''} ──`);
    const checking = checkLocalPullRequest(pr, { progress: (title) => write(title), signal });
    inFlight = checking;
    const outcome = await untilAborted(checking, signal);
    const facts = await untilAborted(referenceFacts(pr, outcome.judgement, outcome.policy.set), signal);
    if (facts) write(`\n── Images the changed files name, as the gate found them ──\n${facts}`);
    write(`\n${renderCheckRun(CHECK_RUN_NAME, outcome.report)}`);
    write(`\n${renderReview(outcome.review)}`);
    write(
      `\n${outcome.policyReport ? renderCheckRun(POLICY_CHECK_NAME, outcome.policyReport) : `(No "${POLICY_CHECK_NAME}" check run: the pull request changes no policy.)`}`,
    );
    const verdict = judgementFails(outcome.judgement)
      ? 'fails the gate, as it is meant to'
      : 'passes the gate';
    write(
      `\nThe example pull request ${verdict}. Demo done in ${seconds(performance.now() - started)}; what it started is stopped and ${work} is removed.`,
    );
    return outcome;
  } finally {
    // Nothing is removed under a build that is still ending (buildah's storage is in `work`).
    await Promise.race([inFlight.catch(() => undefined), sleep(STOPPING_MS, undefined, { ref: false })]);
    useSettings(previous);
    await loopback?.stop();
    await rm(work, { recursive: true, force: true, maxRetries: 5 });
  }
}

/** The App's settings for the demo: builds on, the fixture database, the loopback registry, nothing of the operator's own. */
function demoEnvironment(loopback: Loopback, work: string): Record<string, string> {
  return {
    PORTCULLIS_BUILD: loopback.builds ? '1' : '',
    PORTCULLIS_OSV_DB: loopback.osvDatabase,
    PORTCULLIS_OSV_DOWNLOAD: '',
    PORTCULLIS_BUILD_DIR: join(work, 'builds'),
    PORTCULLIS_INSECURE_REGISTRIES: loopback.registry ?? '',
    PORTCULLIS_OFFLINE: loopback.registry ? '' : '1',
    // The repository's own `trust:` is the one shown; an operator's would replace it.
    PORTCULLIS_TRUST_POLICY: '',
    PORTCULLIS_SCAN_REFERENCES: '',
    PORTCULLIS_DOCKER_HOST: '',
    DOCKER_HOST: '',
  };
}

/** The example's base and head as two commits, with the registry and the release key filled in. */
async function examplePullRequest(repo: string, loopback: Loopback) {
  await mkdir(repo);
  await initRepository(repo);
  const commit = async (side: 'base' | 'head', message: string) => {
    await removeTracked(repo);
    await cp(join(EXAMPLE, side), repo, { recursive: true });
    for (const path of await lsFiles(repo, { tracked: false })) {
      const file = join(repo, path);
      const text = await readFile(file, 'utf8');
      if (text.includes(REGISTRY_PLACEHOLDER))
        await writeFile(file, text.replaceAll(REGISTRY_PLACEHOLDER, loopback.registry ?? NO_REGISTRY));
    }
    await writeFile(join(repo, KEY_PATH), loopback.publicKeyPem);
    return commitAll(repo, message, { name: 'Portcullis Demo', email: 'demo@portcullis.invalid' });
  };
  const base = await commit('base', 'Base: the API and web services');
  const head = await commit('head', 'On-call tools in the API image, a worker deployment, a waiver');
  return { repo, base, head };
}

function setUpSection(
  loopback: Loopback,
  env: Record<string, string>,
  pr: { repo: string; base: string; head: string },
  work: string,
  ms: number,
): string {
  const lines = [`── Set up in ${seconds(ms)} (everything under ${work}) ──`];
  if (loopback.registry) {
    lines.push(`Registry: docker-registry on ${loopback.registry}, holding`);
    for (const image of loopback.images) {
      const name = image.reference.slice(loopback.registry.length + 1);
      lines.push(
        `  ${name} (${image.digest.slice(0, 19)}…)${image.signed ? ', signed by the release key' : ', unsigned'}`,
      );
    }
  }
  lines.push(
    `Release key: made for this run; the example's trust policy names its public half (${KEY_PATH}).`,
    `Vulnerability database: a fixture OSV database (Alpine advisories) in ${relative(work, loopback.osvDatabase)}/.`,
    `The App's settings: ${Object.entries(env)
      .filter(([, value]) => value !== '')
      .map(([name, value]) => `${name}=${value.startsWith(work) ? `…/${relative(work, value)}` : value}`)
      .join(' ')}`,
  );
  for (const skipped of loopback.skipped) lines.push(`Skipped: ${skipped}`);
  lines.push(
    `Pull request: examples/demo-repo as two commits in ${pr.repo}, base ${pr.base.slice(0, 7)} → head ${pr.head.slice(0, 7)}. Configuration, policies, waivers and trust policy are read at the base.`,
    '',
  );
  return lines.join('\n');
}

/**
 * The registry facts and signature verdicts of the images the changed targets name,
 * gathered as the check gathered them (the same registry client, so its look-ups are
 * cached): a verified signature raises no finding, so the check run alone would not show it.
 */
async function referenceFacts(
  pr: { repo: string; head: string },
  judgement: Judgement,
  set: PolicySet,
): Promise<string | null> {
  const { registry } = appRegistryOptions();
  if (!registry) return null;
  const inputs: PolicyInput[] = [];
  for (const target of judgement.targets) {
    const content = await readFileAtCommit(pr.repo, pr.head, target.path);
    if (!(content instanceof Uint8Array)) continue;
    const source = decodeSourceText(content);
    const reading = source.ok ? readTarget(target.path, source.text) : null;
    if (reading && 'input' in reading) inputs.push(reading.input);
  }
  mergeFacts(inputs, await gatherFacts(inputs, { registry, trust: set.trust, now: new Date() }));
  const lines: string[] = [];
  for (const input of inputs) {
    const sites = [
      ...input.references.map((r) => ({ line: r.line, text: r.raw, facts: r.registry_facts })),
      ...('dockerfile' in input
        ? input.dockerfile.stages.map((s) => ({
            line: s.line,
            text: s.base.raw,
            facts: s.base.registry_facts,
          }))
        : []),
    ];
    const seen = new Set<string>();
    for (const site of sites.sort((a, b) => a.line - b.line)) {
      const key = `${site.line} ${site.text}`;
      if (!site.facts || seen.has(key)) continue;
      seen.add(key);
      lines.push(`${input.target.path}:${site.line} ${site.text}\n    ${describeFacts(site.facts)}`);
    }
  }
  return lines.length > 0 ? lines.join('\n') : null;
}

function describeFacts(facts: RegistryFacts): string {
  if (facts.error) return `not looked up: ${facts.error.message}`;
  const size =
    facts.size === null
      ? ''
      : `, ${(facts.size / 1000).toFixed(1)} kB in ${facts.layer_count === 1 ? '1 layer' : `${facts.layer_count} layers`}`;
  const found = `digest ${facts.digest?.slice(0, 19)}…${size}`;
  if (!facts.trust_policy?.matched) return `${found}; no trust policy covers it`;
  const verified = facts.signatures?.find((s) => s.verified);
  if (verified)
    return `${found}; signature VERIFIED (${verified.format}, key ${verified.signer?.slice(0, 19)}…)`;
  const problems = (facts.signatures ?? []).map((s) => s.error?.message ?? 'not verified');
  return `${found}; signature NOT VERIFIED: ${problems.length === 0 ? 'unsigned' : problems.join('; ')}`;
}

function renderCheckRun(name: string, report: CheckRunReport): string {
  const requests = chunkAnnotations(report.annotations).length;
  const lines = [
    `━━ Check run "${name}": ${report.conclusion.toUpperCase()} ━━`,
    `Title: ${report.title}`,
    '',
    '── Summary (markdown) ──',
    report.summary,
    '',
    `── Annotations (${report.annotations.length}${requests > 1 ? `, sent in ${requests} requests of at most 50` : ''}) ──`,
  ];
  for (const a of report.annotations) {
    lines.push(
      `${a.path}:${a.start_line}${a.end_line !== a.start_line ? `-${a.end_line}` : ''} [${a.annotation_level}] ${a.title}`,
    );
    lines.push(`    ${a.message}`);
    if (a.raw_details) lines.push(...a.raw_details.split('\n').map((l) => `    │ ${l}`));
  }
  return lines.join('\n');
}

function renderReview(review: PullRequestOutcome['review']): string {
  if (!review) return '(No review: no finding is on a line the pull request changes.)';
  const lines = [
    `━━ Review (${review.event}), ${review.comments.length} comment${review.comments.length === 1 ? '' : 's'} ━━`,
    review.body,
  ];
  for (const c of review.comments) {
    const at = 'start_line' in c && c.start_line !== undefined ? `${c.start_line}-${c.line}` : `${c.line}`;
    lines.push('', `── ${c.path}:${at} ──`, c.body);
  }
  return lines.join('\n');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `work`, or the signal's reason as soon as it is aborted, so that clean-up runs at once. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  work.catch(() => undefined);
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}
