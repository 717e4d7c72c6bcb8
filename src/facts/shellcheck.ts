/**
 * ShellCheck on the shell of every `RUN` (src/targets/dockerfile/scripts.ts lays the scripts out
 * on the Dockerfile's lines): `instructions[].shellcheck[]` in the policy input, judged by
 * policies/shellcheck/.
 *
 * Batched: every script of every Dockerfile in a run is a temporary file, and one ShellCheck
 * process reads many of them (its start-up is a few milliseconds; its analysis is the cost, so
 * identical scripts, common across a repository's Dockerfiles, are analysed once and remembered
 * by content). Bounded: a time limit and an output limit per process. Fail closed: a ShellCheck
 * that is installed but crashes, times out or answers with something else than its JSON stops
 * the run with the reason rather than judging the RUNs as clean.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { DiskCache } from '../cache/disk-cache.js';
import { childProcess } from '../child-process.js';
import type { DockerfileFacts, ShellCheckFinding } from '../input/policy-input.js';
import { type JsonSchema, parseJson } from '../schema/parse-json.js';
import { settings } from '../settings.js';
import { ALL_CODES, type RunScript, runScripts, type ShellDialect } from '../targets/dockerfile/scripts.js';
import { cleanEnvironment } from '../tool-process.js';
import { portcullisVersion, toolPath } from '../tools.js';
import { runLimited } from './run-limited.js';

/** A Dockerfile to check: its path, its text (for the comments above each RUN) and its facts. */
export interface ShellCheckTarget {
  path: string;
  text: string;
  dockerfile: DockerfileFacts;
}

/** Findings by target path, then by the line of the RUN they belong to; every RUN checked has an entry. */
export type ShellCheckFacts = Map<string, Map<number, ShellCheckFinding[]>>;

/** What the pipeline calls (src/core/facts.ts). */
export type ShellCheckGatherer = ((targets: readonly ShellCheckTarget[]) => Promise<ShellCheckFacts>) & {
  /**
   * A Dockerfile's findings by RUN line when a Dockerfile of this very text was checked
   * before (memory, then the disk cache); null when not. Asks nothing of the parser.
   */
  known?: (text: string) => Promise<Map<number, ShellCheckFinding[]> | null>;
};

export interface ShellCheckOptions {
  /** The `shellcheck` program. */
  command: string;
  /** Per process. */
  timeoutMs?: number;
  /**
   * Per process, bytes of data memory (through util-linux's `prlimit`, when present): a hostile
   * script (thousands of nested `${X:-…}`) otherwise takes ShellCheck past a gigabyte.
   */
  memoryBytes?: number;
  /** `prlimit`, found at start; null runs ShellCheck without the memory cap. */
  prlimit?: string | null;
  /** Bytes of JSON one process may answer with. */
  maxOutputBytes?: number;
  /** Scripts per process. */
  batchSize?: number;
  /** Processes at once. */
  concurrency?: number;
  /**
   * Keeps each Dockerfile's analyses on disk by the content of its scripts and the ShellCheck
   * binary, so a CLI run over unchanged RUNs costs no ShellCheck at all; absent: memory only.
   */
  cacheDir?: string;
}

export class ShellCheckError extends Error {
  override name = 'ShellCheckError';
  constructor(
    message: string,
    /** Stopped by the time or memory limit, rather than failing on its own. */
    readonly overLimit = false,
  ) {
    super(message);
  }
}

/** Per ShellCheck process: ample for a batch of real RUNs (about 1 s and 100 MiB for 250 scripts). */
const TIMEOUT_MS = 20_000;
const MEMORY_BYTES = 512 * 1024 * 1024;
const LIMIT_NOTE = '20 s, 512 MiB';

/**
 * Not followed (`source` of files that are not there, SC1090/SC1091) or not knowable from one RUN:
 * SC2154 "referenced but not assigned" is every `ARG` and `ENV` of the Dockerfile.
 */
const EXCLUDED = ['SC1090', 'SC1091', 'SC2154'];
/** The code of a finding that says ShellCheck ran out of time or memory on a RUN. */
const LIMIT_CODE = 'limit';

/** No real RUN comes near this; a larger one is not checked rather than slow the run. */
const MAX_SCRIPT_BYTES = 256 * 1024;

/** The installed ShellCheck as a gatherer, or null (with the reason) when there is none. */
export function shellCheckFromEnv(): { gather: ShellCheckGatherer } | { unavailable: string } {
  const command = findProgram(toolPath('shellcheck'));
  if (!command) {
    return {
      unavailable:
        'ShellCheck is not installed: RUN scripts were not checked (PC-SH-001); install it with scripts/setup.sh or apt-get install shellcheck',
    };
  }
  // As the compiled policies' cache (src/policy/compile.ts), in a folder of its own.
  const { cacheDir, home } = settings();
  const dir = join(cacheDir ?? join(home ?? homedir(), '.cache', 'portcullis'), 'shellcheck');
  const prlimit = findProgram('prlimit');
  const options = { command, cacheDir: dir, prlimit };
  const store = new FactsStore(options);
  const gather = (targets: readonly ShellCheckTarget[]) => gatherShellCheckFacts(targets, options, store);
  return { gather: Object.assign(gather, { known: (text: string) => store.get(text) }) };
}

let noted = false;
/**
 * `{shellcheck}` for the pipeline's options when ShellCheck is installed; else nothing, and the
 * one-line note (once per process: the App judges many pull requests) that RUNs go unchecked.
 */
export function shellCheckOptions(note: (message: string) => void): { shellcheck?: ShellCheckGatherer } {
  const found = shellCheckFromEnv();
  if ('gather' in found) return { shellcheck: found.gather };
  if (!noted) note(found.unavailable);
  noted = true;
  return {};
}

function findProgram(command: string): string | null {
  if (command.includes('/')) return existsSync(command) ? command : null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return null;
}

interface Analysed {
  code: string;
  level: ShellCheckFinding['level'];
  message: string;
  line: number;
  column: number;
  end_line: number;
  end_column: number;
}

/** The ShellCheck binary, by what changes when it is replaced: a new version may find other things. */
function programVersion(command: string): string {
  const found = findProgram(command) ?? command;
  const stat = statSync(found, { throwIfNoEntry: false });
  return `${found} ${stat?.size ?? 0} ${stat?.mtimeMs ?? 0}`;
}

const ANALYSED: JsonSchema<Analysed> = {
  type: 'object',
  required: ['code', 'level', 'message', 'line', 'column', 'end_line', 'end_column'],
  properties: {
    code: { type: 'string', pattern: '^SC[0-9]+$' },
    level: { enum: ['error', 'warning', 'info', 'style'] },
    message: { type: 'string' },
    line: { type: 'integer', minimum: 1 },
    column: { type: 'integer', minimum: 1 },
    end_line: { type: 'integer', minimum: 1 },
    end_column: { type: 'integer', minimum: 1 },
  },
};
/** A Dockerfile's findings by RUN line, as kept: `[line, findings]` pairs. */
type StoredFacts = [number, ShellCheckFinding[]][];

/**
 * A Dockerfile's findings on disk, by RUN line (exported for scripts/generate-validators.mjs,
 * which precompiles it).
 */
export const SHELLCHECK_CACHE_ENTRY: JsonSchema<StoredFacts> = {
  type: 'array',
  items: {
    type: 'array',
    prefixItems: [
      { type: 'integer', minimum: 1 },
      { type: 'array', items: ANALYSED },
    ],
    minItems: 2,
    maxItems: 2,
  },
};

/**
 * What a Dockerfile's entry depends on besides its text: the ShellCheck binary, this release
 * (its parser lays out the scripts) and this format. Raise it when runScripts or the excluded
 * codes change without a release.
 */
const FACTS_FORMAT = 2;

/**
 * A cache of at most `entries` entries that grows as it fills: with `max`, lru-cache allocates
 * its arrays for all of them at once, 2 ms of every cold one-file check for these two.
 */
function growingCache<V extends object>(entries: number): LRUCache<string, V> {
  return new LRUCache<string, V>({ maxSize: entries, sizeCalculation: () => 1 });
}

/** Analyses by dialect and script text: the App sees the same RUNs on every push. */
const cache = growingCache<Analysed[]>(20_000);
/** Findings by the key of a Dockerfile's text (FactsStore.key). */
const byText = growingCache<StoredFacts>(5_000);

/**
 * Each Dockerfile's findings by its text, in memory and on disk: a Dockerfile checked before is
 * answered without parsing it for its scripts, so the pipeline can leave the parsing to the
 * policy workers as it does without ShellCheck (src/core/judge.ts).
 */
class FactsStore {
  readonly #disk: DiskCache<StoredFacts> | null;
  readonly #version: string;

  constructor(options: ShellCheckOptions) {
    this.#disk = options.cacheDir
      ? new DiskCache({ dir: options.cacheDir, schema: SHELLCHECK_CACHE_ENTRY })
      : null;
    this.#version = `${programVersion(options.command)}\0${portcullisVersion()}\0${FACTS_FORMAT}`;
  }

  key(text: string): string {
    return createHash('sha256').update(this.#version).update('\0').update(text).digest('hex');
  }

  async get(text: string): Promise<Map<number, ShellCheckFinding[]> | null> {
    const key = this.key(text);
    let stored = byText.get(key);
    if (!stored && this.#disk) {
      stored = (await this.#disk.get(key))?.value;
      if (stored) byText.set(key, stored);
    }
    // Copies, for the same reason as in set().
    return stored ? new Map(stored.map(([line, findings]) => [line, findings.map((f) => ({ ...f }))])) : null;
  }

  async set(text: string, facts: Map<number, ShellCheckFinding[]>): Promise<void> {
    const key = this.key(text);
    // Copies: `facts` goes on into inputs, which the pipeline may change.
    const stored: StoredFacts = [...facts].map(([line, findings]) => [line, findings.map((f) => ({ ...f }))]);
    byText.set(key, stored);
    // A `limit` finding stays in memory only: the limit may have been a busy machine's.
    if (stored.some(([, findings]) => findings.some((f) => f.code === LIMIT_CODE))) return;
    await this.#disk?.set(key, stored);
  }
}

export async function gatherShellCheckFacts(
  targets: readonly ShellCheckTarget[],
  options: ShellCheckOptions,
  store: FactsStore = new FactsStore(options),
): Promise<ShellCheckFacts> {
  const facts: ShellCheckFacts = new Map();
  const placed: { path: string; script: RunScript; key: string }[] = [];
  const pending = new Map<string, RunScript>();
  const fresh: ShellCheckTarget[] = [];
  for (const target of targets) {
    const known = await store.get(target.text);
    if (known) {
      facts.set(target.path, known);
      continue;
    }
    fresh.push(target);
    const byLine = new Map<number, ShellCheckFinding[]>();
    facts.set(target.path, byLine);
    for (const script of runScripts(target.dockerfile, target.text)) {
      byLine.set(script.instructionLine, byLine.get(script.instructionLine) ?? []);
      if (Buffer.byteLength(script.text) > MAX_SCRIPT_BYTES) continue;
      const key = createHash('sha256')
        .update(script.dialect)
        .update('\0')
        .update(script.text)
        .digest('base64');
      placed.push({ path: target.path, script, key });
      if (!cache.has(key)) pending.set(key, script);
    }
  }
  await analyse(pending, options);
  for (const { path, script, key } of placed) {
    const findings = facts.get(path)?.get(script.instructionLine);
    for (const found of cache.get(key) ?? []) {
      if (script.disabled.has(ALL_CODES) || script.disabled.has(found.code)) continue;
      const shift = script.firstLine - 1;
      findings?.push({ ...found, line: found.line + shift, end_line: found.end_line + shift });
    }
  }
  for (const { path, text } of fresh) {
    const byLine = facts.get(path) as Map<number, ShellCheckFinding[]>;
    for (const findings of byLine.values()) findings.sort((a, b) => a.line - b.line || a.column - b.column);
    await store.set(text, byLine);
  }
  return facts;
}

/** Runs ShellCheck on the scripts not yet analysed, a batch per process, and caches what it says of each. */
async function analyse(pending: ReadonlyMap<string, RunScript>, options: ShellCheckOptions): Promise<void> {
  if (pending.size === 0) return;
  const batchSize = options.batchSize ?? 250;
  const byDialect = new Map<ShellDialect, [string, RunScript][]>();
  for (const entry of pending) {
    const group = byDialect.get(entry[1].dialect) ?? [];
    group.push(entry);
    byDialect.set(entry[1].dialect, group);
  }
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-shellcheck-'));
  try {
    const batches: [string, () => Promise<void>][] = [];
    let n = 0;
    for (const [dialect, entries] of byDialect) {
      for (let i = 0; i < entries.length; i += batchSize) {
        const batch = entries
          .slice(i, i + batchSize)
          .map(([key, script]) => ({ key, script, file: `${n++}.sh` }));
        batches.push([`${dialect}${i}`, () => runIsolating(dir, dialect, batch, options)]);
      }
    }
    await runLimited(batches, options.concurrency ?? 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A batch, and when ShellCheck fails on it, each of its scripts alone: one hostile RUN must not
 * cost the others their analysis. A script that alone exceeds the time or memory limit gets a
 * `limit` finding on its RUN (PC-SH-001 reports it); any other failure still fails the run.
 */
async function runIsolating(
  dir: string,
  dialect: ShellDialect,
  batch: { key: string; script: RunScript; file: string }[],
  options: ShellCheckOptions,
): Promise<void> {
  try {
    await runBatch(dir, dialect, batch, options);
  } catch (error) {
    if (!(error instanceof ShellCheckError)) throw error;
    if (batch.length > 1) {
      await runLimited(
        batch.map((one) => [one.file, () => runIsolating(dir, dialect, [one], options)] as const),
        options.concurrency ?? 2,
      );
      return;
    }
    if (!error.overLimit) throw error;
    const [only] = batch as [(typeof batch)[number]];
    cache.set(only.key, [
      {
        code: LIMIT_CODE,
        level: 'error',
        message: `ShellCheck could not analyse this RUN within its limits (${LIMIT_NOTE}): simplify the script, or review it by hand.`,
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
      },
    ]);
  }
}

/** ShellCheck's `--format=json1` (exported for scripts/generate-validators.mjs, which precompiles it). */
export const SHELLCHECK_OUTPUT: JsonSchema<{ comments: ShellCheckComment[] }> = {
  type: 'object',
  required: ['comments'],
  properties: {
    comments: {
      type: 'array',
      items: {
        type: 'object',
        required: ['file', 'line', 'endLine', 'column', 'endColumn', 'level', 'code', 'message'],
        properties: {
          file: { type: 'string' },
          line: { type: 'integer' },
          endLine: { type: 'integer' },
          column: { type: 'integer' },
          endColumn: { type: 'integer' },
          level: { enum: ['error', 'warning', 'info', 'style'] },
          code: { type: 'integer' },
          message: { type: 'string' },
        },
      },
    },
  },
};

interface ShellCheckComment {
  file: string;
  line: number;
  endLine: number;
  column: number;
  endColumn: number;
  level: ShellCheckFinding['level'];
  code: number;
  message: string;
}

async function runBatch(
  dir: string,
  dialect: ShellDialect,
  batch: { key: string; script: RunScript; file: string }[],
  options: ShellCheckOptions,
): Promise<void> {
  await Promise.all(batch.map(({ script, file }) => writeFile(join(dir, file), script.text)));
  // --norc: no .shellcheckrc from the folders above or the home folder; sources are never followed.
  const args = [
    '--format=json1',
    `--shell=${dialect}`,
    '--norc',
    `--exclude=${EXCLUDED.join(',')}`,
    '--',
    ...batch.map((b) => b.file),
  ];
  const memory = options.memoryBytes ?? MEMORY_BYTES;
  const [program, programArgs] = options.prlimit
    ? [options.prlimit, [`--data=${memory}`, '--', options.command, ...args]]
    : [options.command, args];
  const stdout = await new Promise<string>((resolve, reject) => {
    childProcess().execFile(
      program,
      programArgs,
      {
        cwd: dir,
        env: cleanEnvironment(dir),
        timeout: options.timeoutMs ?? TIMEOUT_MS,
        killSignal: 'SIGKILL',
        maxBuffer: options.maxOutputBytes ?? 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, out, err) => {
        // 0: nothing found, 1: findings; anything else (2: a file unreadable, 3/4: bad options) is a failure.
        const code = error && typeof error.code === 'number' ? error.code : error ? null : 0;
        if (code === 0 || code === 1) resolve(out);
        else {
          // Killed by the time limit, or aborted by GHC's allocator under the memory cap (SIGABRT).
          const overLimit =
            error?.killed === true ||
            error?.signal === 'SIGABRT' ||
            /Unable to commit|out of memory/i.test(err);
          reject(
            new ShellCheckError(
              `ShellCheck (${options.command}) failed on ${batch.length} RUN scripts: ${
                error?.killed
                  ? 'it was stopped (time or output limit)'
                  : (err.trim().split('\n')[0] ?? error?.message)
              }`,
              overLimit,
            ),
          );
        }
      },
    );
  });
  let parsed: { comments: ShellCheckComment[] };
  try {
    parsed = parseJson(stdout, SHELLCHECK_OUTPUT, 'ShellCheck output');
  } catch (error) {
    throw new ShellCheckError(`ShellCheck answered with something else than its JSON: ${String(error)}`);
  }
  const byFile = new Map(batch.map((b) => [b.file, [] as Analysed[]]));
  for (const c of parsed.comments) {
    byFile.get(c.file)?.push({
      code: `SC${c.code}`,
      level: c.level,
      message: c.message,
      line: c.line,
      column: c.column,
      end_line: c.endLine,
      end_column: c.endColumn,
    });
  }
  for (const { key, file } of batch) cache.set(key, byFile.get(file) ?? []);
}
