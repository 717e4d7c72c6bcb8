/**
 * Every environment variable Portcullis reads, read and checked here and nowhere else.
 * `settings()` is the process's instance, read once on first use; `loadSettings(env)` builds
 * one from any environment object, so tests pass their own. A bad value is an error naming
 * the variable and what it expects, raised when the App or a CLI command starts rather than
 * deep inside a pull request's check. Secrets are never part of a message, and the settings
 * object redacts them when logged, inspected or serialised. docs/environment.md is
 * generated from the table below (`npm run docs`; test/docs/environment.test.ts fails when it
 * is stale).
 */
import { inspect } from 'node:util';

/** An environment: `process.env`, or a test's own. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** One variable: how it is read, and what the documentation says of it. */
export interface Variable<T = unknown> {
  name: string;
  /** The section of docs/environment.md it is listed under. */
  group: string;
  /** What a value looks like, as the table and error messages say it. */
  type: string;
  /** The value when unset, as the table says it; '' for none. */
  default: string;
  /** Never shown: not in messages, logs, `inspect` or JSON. */
  secret: boolean;
  description: string;
  /** The value; throws a `SettingsProblem` saying what is expected. `raw` is undefined when unset or empty. */
  parse(raw: string | undefined): T;
}

/** Why one variable's value cannot be used, without the value (which may be a secret). */
class SettingsProblem extends Error {}

/** Every variable whose value cannot be used, one line each. */
export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'SettingsError';
  }
}

type Parser<T> = (raw: string | undefined) => T;

const text: Parser<string | undefined> = (raw) => raw;

function textOr(fallback: string): Parser<string> {
  return (raw) => raw ?? fallback;
}

/** `1`/`true` or `0`/`false`, any case; unset is false. */
const flag: Parser<boolean> = (raw) => {
  if (raw === undefined) return false;
  const value = raw.trim().toLowerCase();
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new SettingsProblem('must be 1, 0, true or false');
};

/** Set to anything but the empty string, as https://no-color.org asks. */
const present: Parser<boolean> = (raw) => raw !== undefined;

function integer(min: number, max: number): Parser<number | undefined> {
  return (raw) => {
    if (raw === undefined) return undefined;
    const value = Number(raw.trim());
    if (!/^\d+$/.test(raw.trim()) || value < min || value > max)
      throw new SettingsProblem(`must be a whole number from ${min} to ${max}`);
    return value;
  };
}

function integerOr(min: number, max: number, fallback: number): Parser<number> {
  const parse = integer(min, max);
  return (raw) => parse(raw) ?? fallback;
}

function positiveNumberOr(fallback: number): Parser<number> {
  return (raw) => {
    if (raw === undefined) return fallback;
    const value = Number(raw.trim());
    if (raw.trim() === '' || !Number.isFinite(value) || value <= 0)
      throw new SettingsProblem('must be a number greater than 0');
    return value;
  };
}

function oneOf<const T extends string>(values: readonly T[], fallback: T): Parser<T> {
  return (raw) => {
    if (raw === undefined) return fallback;
    const value = raw.trim().toLowerCase();
    const found = values.find((v) => v === value);
    if (found === undefined) throw new SettingsProblem(`must be one of ${values.join(', ')}`);
    return found;
  };
}

/** Comma-separated, blanks dropped. */
const list: Parser<string[]> = (raw) =>
  (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * A TUF repository's base URL: no credentials (fetch refuses them, and the URL is logged), no
 * trailing slash (@sigstore/tuf finds its embedded seed by the exact URL).
 */
function tufMirrorUrl(raw: string | undefined): string | undefined {
  const value = httpUrl(raw?.trim() || undefined);
  if (value === undefined) return undefined;
  const url = new URL(value);
  if (url.username || url.password || url.search || url.hash)
    throw new SettingsProblem('must be an http(s) URL without credentials, query or fragment');
  return value.replace(/\/+$/, '');
}

/** A path whose surrounding blanks are a typing slip, not part of the name. */
const trimmedPath: Parser<string | undefined> = (raw) => raw?.trim() || undefined;

function httpUrl(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SettingsProblem('must be an http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new SettingsProblem('must be an http(s) URL');
  return raw;
}

const APP = 'GitHub App';
const REGISTRIES = 'Registries and signatures';
const BUILDS = 'Builds and scans';
const POLICIES = 'Policies and reports';
const PROGRAMS = 'Programs';
const PROCESS = 'The process';
const SERVICE = 'Service: queue, workers, shutdown';
const ACTIONS = 'GitHub Actions';

/** `1`/`true` or `0`/`false`; unset stays undefined, so that an input left out leaves its variable alone. */
const optionalFlag: Parser<boolean | undefined> = (raw) => (raw === undefined ? undefined : flag(raw));

/** Comma-separated severities (`deny`, `warn`, `info`); unset or blank is undefined. */
const severities: Parser<('deny' | 'warn' | 'info')[] | undefined> = (raw) => {
  const items = list(raw).map((item) => item.toLowerCase());
  if (items.length === 0) return undefined;
  const bad = items.filter((item) => item !== 'deny' && item !== 'warn' && item !== 'info');
  if (bad.length > 0) throw new SettingsProblem('must be deny, warn or info, comma-separated');
  return [...new Set(items)] as ('deny' | 'warn' | 'info')[];
};

/** `web`, `worker` or `all`. */
const role: Parser<'web' | 'worker' | 'all'> = (raw) => {
  if (raw === undefined) return 'all';
  const value = raw.trim().toLowerCase();
  if (value === 'web' || value === 'worker' || value === 'all') return value;
  throw new SettingsProblem('must be web, worker or all');
};

function variable<T>(
  name: string,
  group: string,
  type: string,
  defaultText: string,
  parse: Parser<T>,
  description: string,
  secret = false,
): Variable<T> {
  return { name, group, type, default: defaultText, secret, description, parse };
}

/** Every variable, in the order of docs/environment.md. */
const VARIABLES = {
  appId: variable(
    'APP_ID',
    APP,
    'whole number',
    '',
    integer(1, Number.MAX_SAFE_INTEGER),
    'The App id from the GitHub App settings. With `PRIVATE_KEY` or `PRIVATE_KEY_PATH`, `npm start` runs the App server; without any of them, the demo.',
  ),
  privateKey: variable(
    'PRIVATE_KEY',
    APP,
    'PEM text',
    '',
    text,
    "The App's RSA private key, as PEM (escaped newlines and base64 are accepted too). Wins over `PRIVATE_KEY_PATH`.",
    true,
  ),
  privateKeyPath: variable(
    'PRIVATE_KEY_PATH',
    APP,
    'path',
    '',
    text,
    "A file holding the App's private key (the `.pem` GitHub generated).",
  ),
  webhookSecret: variable(
    'WEBHOOK_SECRET',
    APP,
    'text',
    '',
    text,
    'The webhook secret from the GitHub App settings: at least 16 characters, and not a published default such as `development`. Required by the App.',
    true,
  ),
  webhookPath: variable(
    'WEBHOOK_PATH',
    APP,
    'URL path',
    '/api/github/webhooks',
    textOr('/api/github/webhooks'),
    'Where the App receives webhook deliveries.',
  ),
  port: variable(
    'PORT',
    APP,
    'whole number',
    '3000',
    integerOr(1, 65535, 3000),
    'The port the App listens on.',
  ),
  host: variable(
    'HOST',
    APP,
    'host name or address',
    'localhost',
    textOr('localhost'),
    'The address the App listens on.',
  ),
  logLevel: variable(
    'LOG_LEVEL',
    APP,
    'trace, debug, info, warn, error, fatal, silent',
    'info',
    oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], 'info'),
    "The App's log level (Probot's logger).",
  ),
  logFormat: variable(
    'LOG_FORMAT',
    APP,
    'json or pretty',
    'json',
    textOr('json'),
    "The App's log format, passed to Probot: one JSON object a line (for log stores), or `pretty` for a terminal.",
  ),
  logLevelInString: variable(
    'LOG_LEVEL_IN_STRING',
    APP,
    'true or false',
    'false',
    text,
    'Passed to Probot: `true` logs levels as names rather than numbers.',
  ),
  logMessageKey: variable(
    'LOG_MESSAGE_KEY',
    APP,
    'text',
    'msg',
    text,
    "Passed to Probot: the key of a log line's message.",
  ),
  gheHost: variable(
    'GHE_HOST',
    APP,
    'host name',
    '',
    text,
    'A GitHub Enterprise Server host, passed to Probot; unset is github.com.',
  ),
  gheProtocol: variable(
    'GHE_PROTOCOL',
    APP,
    'https or http',
    'https',
    text,
    'The protocol for `GHE_HOST`, passed to Probot.',
  ),

  sentryDsn: variable('SENTRY_DSN', APP, 'URL', '', text, 'Passed to Probot: where it reports errors.', true),
  role: variable(
    'PORTCULLIS_ROLE',
    SERVICE,
    'web, worker or all',
    'all',
    role,
    '`web` answers webhooks and queues jobs; `worker` runs jobs; `all` does both in one process. `web` and `worker` apart need `REDIS_URL`.',
  ),
  redisUrl: variable(
    'REDIS_URL',
    SERVICE,
    'URL',
    '',
    text,
    'The Redis server of the job queue (BullMQ): set it to run several processes on one queue. Unset, jobs are kept in the embedded store under `PORTCULLIS_DATA_DIR`.',
    true,
  ),
  dataDir: variable(
    'PORTCULLIS_DATA_DIR',
    SERVICE,
    'path',
    '`./data`',
    textOr('data'),
    'The embedded job store (SQLite), when `REDIS_URL` is unset: jobs there survive a restart. One process per folder.',
  ),
  workerConcurrency: variable(
    'PORTCULLIS_WORKER_CONCURRENCY',
    SERVICE,
    'whole number',
    '16',
    integerOr(1, 64, 16),
    'Jobs one worker process runs at once. A static check mostly waits on GitHub (writes are spaced a second apart per installation); what takes CPU and memory has its own limit: policy evaluation 2 threads, OPA 2 processes, builds `PORTCULLIS_BUILD_CONCURRENCY`.',
  ),
  jobAttempts: variable(
    'PORTCULLIS_JOB_ATTEMPTS',
    SERVICE,
    'whole number',
    '3',
    integerOr(1, 20, 3),
    'Attempts of a job that fails or whose process dies, before its check run is concluded as failed.',
  ),
  redisLockSeconds: variable(
    'PORTCULLIS_REDIS_LOCK_SECONDS',
    SERVICE,
    'seconds',
    '30',
    integerOr(1, 600, 30),
    "With `REDIS_URL`: a running job's lock, renewed while it runs, and how often workers look for jobs whose lock expired. A worker that dies loses its jobs to the others within about twice this.",
  ),
  shutdownTimeoutSeconds: variable(
    'PORTCULLIS_SHUTDOWN_TIMEOUT_SECONDS',
    SERVICE,
    'seconds',
    '60',
    integerOr(0, 3600, 60),
    'On SIGTERM, how long running jobs may go on; the rest go back to the queue.',
  ),
  githubTimeoutSeconds: variable(
    'PORTCULLIS_GITHUB_TIMEOUT_SECONDS',
    SERVICE,
    'seconds',
    '30',
    integerOr(1, 600, 30),
    'A GitHub API request that takes longer is abandoned (and retried like a network error).',
  ),
  offline: variable(
    'PORTCULLIS_OFFLINE',
    REGISTRIES,
    'boolean',
    'false',
    flag,
    'The App makes no registry look-ups.',
  ),
  registryAuth: variable(
    'PORTCULLIS_REGISTRY_AUTH',
    REGISTRIES,
    'JSON',
    '',
    text,
    'Registry credentials, `{"host": {"username": "…", "password": "…"} | {"token": "…"}}`; they win over Docker\'s `config.json` for a host both name.',
    true,
  ),
  dockerConfig: variable(
    'DOCKER_CONFIG',
    REGISTRIES,
    'path',
    '`$HOME/.docker`',
    text,
    "The folder of Docker's `config.json`, read for registry credentials (credential helpers are not run).",
  ),
  insecureRegistries: variable(
    'PORTCULLIS_INSECURE_REGISTRIES',
    REGISTRIES,
    'comma-separated host[:port]',
    '',
    list,
    'Registries spoken to over plain HTTP, for look-ups and for the base images of builds; nothing is otherwise.',
  ),
  trustPolicy: variable(
    'PORTCULLIS_TRUST_POLICY',
    REGISTRIES,
    'path',
    '',
    trimmedPath,
    "The operator's signature trust policy (YAML, see [signatures.md](signatures.md)); it replaces the repository's `trust:`.",
  ),
  sigstoreTrustedRoot: variable(
    'PORTCULLIS_SIGSTORE_TRUSTED_ROOT',
    REGISTRIES,
    'path',
    '',
    trimmedPath,
    "The operator's Sigstore `trusted_root.json` (`cosign trusted-root create` writes one for a private Sigstore). It wins over the shipped public-good root and turns off `PORTCULLIS_SIGSTORE_TUF_URL`.",
  ),
  sigstoreTufUrl: variable(
    'PORTCULLIS_SIGSTORE_TUF_URL',
    REGISTRIES,
    'URL',
    '',
    tufMirrorUrl,
    'The App refreshes the public-good Sigstore trusted root through TUF from this mirror (`https://tuf-repo-cdn.sigstore.dev`) at start and every 24 hours, kept under `PORTCULLIS_CACHE_DIR`; unset, it uses the root shipped in the package and makes no request ([signatures.md](signatures.md#sigstore-trust-roots-keyless)).',
  ),
  scanReferences: variable(
    'PORTCULLIS_SCAN_REFERENCES',
    REGISTRIES,
    'boolean',
    'false',
    flag,
    'Referenced images are pulled and scanned too (needs `PORTCULLIS_OSV_DB`).',
  ),
  build: variable(
    'PORTCULLIS_BUILD',
    BUILDS,
    'boolean',
    'false',
    flag,
    'The App builds and scans the Dockerfiles a pull request changes ([build-and-scan.md](build-and-scan.md)).',
  ),
  buildApprovalLabel: variable(
    'PORTCULLIS_BUILD_APPROVAL_LABEL',
    BUILDS,
    'label name',
    'portcullis/build-approved',
    textOr('portcullis/build-approved'),
    'The label by which a maintainer approves building untrusted code, for one head commit.',
  ),
  buildNetwork: variable(
    'PORTCULLIS_BUILD_NETWORK',
    BUILDS,
    'none or host',
    'none',
    oneOf(['none', 'host'], 'none'),
    'Network for `RUN` steps.',
  ),
  buildTimeoutSeconds: variable(
    'PORTCULLIS_BUILD_TIMEOUT',
    BUILDS,
    'seconds',
    '600',
    integerOr(1, 86_400, 600),
    'Time for one build, pulls included.',
  ),
  buildConcurrency: variable(
    'PORTCULLIS_BUILD_CONCURRENCY',
    BUILDS,
    'whole number',
    '1',
    integerOr(1, 1024, 1),
    'Builds at once per process.',
  ),
  buildDir: variable(
    'PORTCULLIS_BUILD_DIR',
    BUILDS,
    'path',
    'the system temp folder',
    text,
    "Where buildah's per-build storage goes.",
  ),
  portcullisDockerHost: variable(
    'PORTCULLIS_DOCKER_HOST',
    BUILDS,
    'Docker host URL',
    '',
    text,
    'Build with `docker buildx` on this daemon instead of buildah.',
  ),
  dockerHost: variable(
    'DOCKER_HOST',
    BUILDS,
    'Docker host URL',
    '',
    text,
    'Used as `PORTCULLIS_DOCKER_HOST` when that is unset.',
  ),
  osvDb: variable(
    'PORTCULLIS_OSV_DB',
    BUILDS,
    'path',
    '',
    text,
    'The local OSV vulnerability database folder. Without it every scan fails (PC-BLD-012).',
  ),
  osvDownload: variable(
    'PORTCULLIS_OSV_DOWNLOAD',
    BUILDS,
    'boolean',
    'false',
    flag,
    'osv-scanner may download and refresh the ecosystems it needs into `PORTCULLIS_OSV_DB` at scan time; otherwise scans never touch the network.',
  ),
  cacheDir: variable(
    'PORTCULLIS_CACHE_DIR',
    POLICIES,
    'path',
    '`$HOME/.cache/portcullis`',
    text,
    "Compiled policies, ShellCheck's findings, the CLI's compiled JavaScript when the one shipped does not suit this Node (`code-cache/`); built-and-scanned image facts too (under `images/`), kept only when this is set.",
  ),
  docsUrl: variable(
    'PORTCULLIS_DOCS_URL',
    POLICIES,
    'URL',
    '',
    httpUrl,
    'Where these docs are published: rule ids in check-run summaries link to `rules.md` there.',
  ),
  checkTimeoutMinutes: variable(
    'PORTCULLIS_CHECK_TIMEOUT_MINUTES',
    POLICIES,
    'minutes',
    '10',
    positiveNumberOr(10),
    'A check that runs longer ends as failed rather than staying in progress.',
  ),
  opaPath: variable(
    'PORTCULLIS_OPA',
    PROGRAMS,
    'path',
    '`tools/bin/opa`, else `opa` on PATH',
    text,
    'The OPA binary.',
  ),
  buildahPath: variable(
    'PORTCULLIS_BUILDAH',
    PROGRAMS,
    'path',
    '`tools/bin/buildah`, else `buildah` on PATH',
    text,
    'The buildah binary.',
  ),
  dockerPath: variable(
    'PORTCULLIS_DOCKER',
    PROGRAMS,
    'path',
    '`tools/bin/docker`, else `docker` on PATH',
    text,
    'The docker binary (for `docker buildx`).',
  ),
  osvScannerPath: variable(
    'PORTCULLIS_OSV_SCANNER',
    PROGRAMS,
    'path',
    '`tools/bin/osv-scanner`, else `osv-scanner` on PATH',
    text,
    'The osv-scanner binary.',
  ),
  home: variable(
    'HOME',
    PROCESS,
    'path',
    "the user's home folder",
    text,
    "Where `~/.docker` and `~/.cache/portcullis` are; passed to git (for the user's configuration). Builds and scans get a fresh `HOME` of their own, never this one.",
  ),
  path: variable(
    'PATH',
    PROCESS,
    'folders',
    '',
    text,
    'Passed to builders, scanners and git (builders get a standard one when unset). No other variable of the App reaches a builder or scanner.',
  ),
  xdgConfigHome: variable(
    'XDG_CONFIG_HOME',
    PROCESS,
    'path',
    '',
    text,
    "Passed to git (the user's configuration).",
  ),
  tmpDir: variable(
    'TMPDIR',
    PROCESS,
    'path',
    '`/tmp`',
    text,
    'Where temporary folders are made (read by Node itself); passed to git.',
  ),
  lang: variable('LANG', PROCESS, 'locale', '', text, 'Passed to builders, scanners and git.'),
  language: variable('LANGUAGE', PROCESS, 'locale list', '', text, 'Passed to git.'),
  lcAll: variable('LC_ALL', PROCESS, 'locale', '', text, 'Passed to builders, scanners and git.'),
  lcMessages: variable('LC_MESSAGES', PROCESS, 'locale', '', text, 'Passed to git.'),
  lcCtype: variable('LC_CTYPE', PROCESS, 'locale', '', text, 'Passed to git.'),
  tz: variable('TZ', PROCESS, 'time zone', '', text, 'Passed to builders and scanners.'),
  // The runner passes an action's inputs as INPUT_<NAME>: upper case, spaces as `_`, dashes kept.
  actionConfig: variable(
    'INPUT_CONFIG',
    ACTIONS,
    'path',
    '`.github/portcullis.yml`',
    trimmedPath,
    "The action's `config` input: the configuration file a push is judged by, relative to the repository. A pull request is judged by `.github/portcullis.yml` of its base commit, as the App judges it.",
  ),
  actionFailOn: variable(
    'INPUT_FAIL-ON',
    ACTIONS,
    'comma-separated deny, warn, info',
    "the configuration's `fail_on`",
    severities,
    "The action's `fail-on` input: findings at these severities (not waived) fail the step.",
  ),
  actionFormat: variable(
    'INPUT_FORMAT',
    ACTIONS,
    'text or json',
    'text',
    oneOf(['text', 'json'], 'text'),
    "The action's `format` input: how the step's log shows the findings.",
  ),
  actionBuild: variable(
    'INPUT_BUILD',
    ACTIONS,
    'boolean',
    '`PORTCULLIS_BUILD`',
    optionalFlag,
    "The action's `build` input: stands for `PORTCULLIS_BUILD`.",
  ),
  actionOfflineDb: variable(
    'INPUT_OFFLINE-DB',
    ACTIONS,
    'path',
    '`PORTCULLIS_OSV_DB`',
    trimmedPath,
    "The action's `offline-db` input: stands for `PORTCULLIS_OSV_DB`.",
  ),
  actionTrustPolicy: variable(
    'INPUT_TRUST-POLICY',
    ACTIONS,
    'path',
    '`PORTCULLIS_TRUST_POLICY`',
    trimmedPath,
    "The action's `trust-policy` input: stands for `PORTCULLIS_TRUST_POLICY`.",
  ),
  actionGithubToken: variable(
    'INPUT_GITHUB-TOKEN',
    ACTIONS,
    'token',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the workflow expression, as action.yml writes it
    '`${{ github.token }}`',
    text,
    "The action's `github-token` input: the token check runs and reviews are written with.",
    true,
  ),
  actionSarifFile: variable(
    'INPUT_SARIF-FILE',
    ACTIONS,
    'path',
    '',
    trimmedPath,
    "The action's `sarif-file` input: where the SARIF report is written (also the step's `sarif-file` output).",
  ),
  githubEventName: variable(
    'GITHUB_EVENT_NAME',
    ACTIONS,
    'event name',
    '',
    text,
    'Set by the runner: the event that started the workflow (`pull_request`, `pull_request_target`, `push`).',
  ),
  githubEventPath: variable(
    'GITHUB_EVENT_PATH',
    ACTIONS,
    'path',
    '',
    trimmedPath,
    "Set by the runner: the file holding the event's webhook payload.",
  ),
  githubRepository: variable(
    'GITHUB_REPOSITORY',
    ACTIONS,
    'owner/name',
    '',
    text,
    'Set by the runner: the repository the workflow runs in.',
  ),
  githubSha: variable(
    'GITHUB_SHA',
    ACTIONS,
    'commit SHA',
    '',
    text,
    'Set by the runner: the commit the workflow runs on.',
  ),
  githubApiUrl: variable(
    'GITHUB_API_URL',
    ACTIONS,
    'URL',
    'https://api.github.com',
    (raw) => httpUrl(raw) ?? 'https://api.github.com',
    'Set by the runner: the REST API the action writes check runs and reviews to.',
  ),
  githubWorkspace: variable(
    'GITHUB_WORKSPACE',
    ACTIONS,
    'path',
    'the current folder',
    trimmedPath,
    'Set by the runner: the checked-out repository, judged whole on a `push`.',
  ),
  githubStepSummary: variable(
    'GITHUB_STEP_SUMMARY',
    ACTIONS,
    'path',
    '',
    trimmedPath,
    "Set by the runner: the file the step's markdown summary is appended to.",
  ),
  githubOutput: variable(
    'GITHUB_OUTPUT',
    ACTIONS,
    'path',
    '',
    trimmedPath,
    "Set by the runner: the file the step's outputs are appended to.",
  ),
  noColor: variable(
    'NO_COLOR',
    PROCESS,
    'any text',
    '',
    present,
    'Set to anything, the CLI writes no colour even to a terminal.',
  ),
};

type Variables = typeof VARIABLES;

/** The values of every variable, parsed. */
export type Settings = { readonly [K in keyof Variables]: ReturnType<Variables[K]['parse']> };

/** Every variable, for docs/environment.md. */
export const ENVIRONMENT_VARIABLES: readonly Variable[] = Object.values(VARIABLES);

const REDACTED = '[redacted]';

/** Settings from `env`; throws a `SettingsError` listing every variable whose value cannot be used. */
export function loadSettings(env: Environment): Settings {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, spec] of Object.entries(VARIABLES) as [string, Variable][]) {
    const raw = env[spec.name];
    try {
      // An empty value is how shells and compose files unset a variable.
      values[key] = spec.parse(raw === '' ? undefined : raw);
    } catch (error) {
      if (!(error instanceof SettingsProblem)) throw error;
      const got = spec.secret ? '' : ` (got ${JSON.stringify(raw)})`;
      problems.push(`${spec.name} ${error.message}${got}`);
    }
  }
  if (problems.length > 0) throw new SettingsError(problems);
  const redacted = () =>
    Object.fromEntries(
      Object.entries(VARIABLES).map(([key, spec]) => [
        key,
        spec.secret && values[key] !== undefined ? REDACTED : values[key],
      ]),
    );
  Object.defineProperties(values, {
    toJSON: { value: redacted },
    [inspect.custom]: { value: (_depth: number, options: object) => inspect(redacted(), options) },
  });
  return Object.freeze(values) as Settings;
}

let current: Settings | undefined;

/** The process's settings, read from its environment on first use. */
export function settings(): Settings {
  current ??= loadSettings(process.env);
  return current;
}

/**
 * Drops the process's settings, so the next use reads the environment again: after the App
 * has loaded its `.env` file, and in tests that change the environment of the process.
 */
export function resetSettings(): void {
  current = undefined;
}

/**
 * Makes the process's settings those of its environment with the action's inputs in the
 * place of the variables they stand for (`build` is PORTCULLIS_BUILD, `offline-db`
 * PORTCULLIS_OSV_DB, `trust-policy` PORTCULLIS_TRUST_POLICY): a given input wins, an input
 * left out leaves the variable as the workflow set it. Returns them.
 */
export function useActionInputs(): Settings {
  const { actionBuild, actionOfflineDb, actionTrustPolicy } = settings();
  current = loadSettings({
    ...process.env,
    ...(actionBuild !== undefined ? { PORTCULLIS_BUILD: String(actionBuild) } : {}),
    ...(actionOfflineDb ? { PORTCULLIS_OSV_DB: actionOfflineDb } : {}),
    ...(actionTrustPolicy ? { PORTCULLIS_TRUST_POLICY: actionTrustPolicy } : {}),
  });
  return current;
}

/** Makes `next` the process's settings: for tests that run the code in-process with an environment of their own. */
export function useSettings(next: Settings): void {
  current = next;
}
