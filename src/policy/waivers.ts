/**
 * Waivers: accepted exceptions to a rule, each with a reason, an owner and an expiry.
 * A waived finding is still shown (as waived) but fails nothing. An expired waiver stops
 * applying and is itself reported; one that expires within 14 days is warned about.
 * Inline ignores in Dockerfiles (`# portcullis ignore=PC-DF-003 reason="…" until=2027-01-31`)
 * waive the next instruction; one without a reason is a finding. Hadolint's pragmas
 * (`# hadolint ignore=DL3008`) are read too, as ignores of the rules that cover those codes.
 */
import picomatch from 'picomatch';
import { isMap, LineCounter, parseDocument, type YAMLMap } from 'yaml';
import { ConfigError, type ConfigProblem } from '../config/configuration.js';
import { formatKeyPath, yamlDataProblem } from '../config/plain-data.js';
import type { RuleMetadata } from './compile.js';
import type { Finding } from './findings.js';

export interface Waiver {
  rule: string;
  /** Glob of repository paths; absent: every path. */
  path?: string;
  /** Glob of normalised image references (`docker.io/library/node:*`), matched against a finding's image. */
  image?: string;
  /** Vulnerability id (CVE, GHSA, OSV), matched against a finding's vulnerability. */
  vulnerability?: string;
  reason: string;
  owner: string;
  /** ISO date (YYYY-MM-DD): the waiver applies up to and including that day. */
  expires: string;
  /** Where it was written, for findings about the waiver itself. */
  file: string;
  line: number;
}

export const WAIVER_EXPIRY_WARNING_DAYS = 14;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Whether `text` is a day of the calendar written YYYY-MM-DD. The format alone is not
 * enough: expiries are compared as text, so `2026-99-99` would sort after every real day
 * and never expire.
 */
export function isCalendarDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
}
const KNOWN = ['rule', 'path', 'image', 'vulnerability', 'reason', 'owner', 'expires'];

/** Parses a waivers file (`waivers: [...]`); throws ConfigError with file/line/key per problem. */
export function parseWaivers(text: string | null, file: string): Waiver[] {
  if (text === null || text.trim() === '') return [];
  const lineCounter = new LineCounter();
  // Duplicate keys are found by yamlDataProblem in linear time (see there), not by the parser.
  const document = parseDocument(text, { lineCounter, uniqueKeys: false });
  const lineAt = (offset: number | undefined) =>
    offset === undefined ? 1 : lineCounter.linePos(offset).line;
  const problems: ConfigProblem[] = document.errors.map((e) => ({
    path: file,
    line: lineAt(e.pos[0]),
    key: '',
    message: e.message.split('\n')[0] ?? '',
  }));
  const unsafe = yamlDataProblem(document.contents);
  if (unsafe) {
    problems.push({
      path: file,
      line: lineAt(unsafe.offset),
      key: formatKeyPath(unsafe.path),
      message: unsafe.message,
    });
  }
  const list = document.get('waivers', true) as { items?: unknown[] } | undefined;
  if (problems.length === 0 && !Array.isArray(list?.items)) {
    problems.push({ path: file, line: 1, key: 'waivers', message: 'expected a list under `waivers:`' });
  }
  const waivers: Waiver[] = [];
  (list?.items ?? []).forEach((item, index) => {
    const key = (name?: string) => `waivers[${index}]${name ? `.${name}` : ''}`;
    if (!isMap(item)) {
      problems.push({
        path: file,
        line: 1,
        key: key(),
        message: 'each waiver is a mapping with rule, reason, owner and expires',
      });
      return;
    }
    const map = item as YAMLMap;
    const line = lineAt(map.range?.[0]);
    const value = (name: string) => {
      const v = map.get(name);
      return v === undefined || v === null
        ? undefined
        : String(v instanceof Date ? v.toISOString().slice(0, 10) : v);
    };
    for (const pair of map.items) {
      const name = String((pair.key as { value?: unknown })?.value ?? pair.key);
      if (!KNOWN.includes(name)) {
        problems.push({
          path: file,
          line,
          key: key(name),
          message: `unknown key "${name}" (known: ${KNOWN.join(', ')})`,
        });
      }
    }
    for (const required of ['rule', 'reason', 'owner', 'expires']) {
      if (!value(required))
        problems.push({ path: file, line, key: key(required), message: `"${required}" is required` });
    }
    const expires = value('expires');
    if (expires && !isCalendarDate(expires)) {
      problems.push({
        path: file,
        line,
        key: key('expires'),
        message: `"${expires}" is not a calendar date like 2027-01-31 (YYYY-MM-DD)`,
      });
    }
    const rule = value('rule');
    const reason = value('reason');
    const owner = value('owner');
    if (rule && reason && owner && expires && isCalendarDate(expires)) {
      const optional = Object.fromEntries(
        ['path', 'image', 'vulnerability'].flatMap((name) => (value(name) ? [[name, value(name)]] : [])),
      );
      waivers.push({ rule, reason, owner, expires, file, line, ...optional });
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return waivers;
}

/** A waiver's scope in words: `path services/**, image node:*, CVE-2024-1`; empty when it has none. */
export function waiverScope(waiver: Pick<Waiver, 'path' | 'image' | 'vulnerability'>): string {
  return [waiver.path && `path ${waiver.path}`, waiver.image && `image ${waiver.image}`, waiver.vulnerability]
    .filter(Boolean)
    .join(', ');
}

export type WaiverStatus = 'active' | 'expiring' | 'expired';

export function waiverStatus(waiver: Pick<Waiver, 'expires'>, today: Date): WaiverStatus {
  const day = today.toISOString().slice(0, 10);
  if (waiver.expires < day) return 'expired';
  const soon = new Date(today.getTime() + WAIVER_EXPIRY_WARNING_DAYS * 86_400_000).toISOString().slice(0, 10);
  return waiver.expires <= soon ? 'expiring' : 'active';
}

/** Whether a waiver's scope covers a finding (rule, path glob, image glob, vulnerability id). */
export function waiverCovers(waiver: Waiver, finding: Finding): boolean {
  if (waiver.rule !== finding.rule_id) return false;
  if (waiver.path && !picomatch.isMatch(finding.path, waiver.path, { dot: true })) return false;
  if (waiver.image && !(finding.image && picomatch.isMatch(finding.image, waiver.image, { dot: true })))
    return false;
  if (waiver.vulnerability && waiver.vulnerability !== finding.vulnerability) return false;
  return true;
}

/** One `# portcullis ignore=…` (or `# hadolint ignore=…`) comment and the instruction lines it covers. */
export interface InlineIgnore {
  /** Rule ids; for a Hadolint pragma, its codes as peer rules (`hadolint:DL3008`, `shellcheck:SC2086`). */
  rules: string[];
  /** Set for a Hadolint pragma: it needs no reason, and is honoured unless `hadolint_pragmas: false`. */
  peer?: 'hadolint';
  reason: string | null;
  until: string | null;
  /** Why the ignore does not apply although it has a reason: an `until=` that is not a calendar date. */
  problem?: string;
  /** The comment's line. */
  line: number;
  /** Lines of the next instruction, which the ignore covers. */
  covers: { line: number; end_line: number } | null;
}

const IGNORE = /^\s*#\s*portcullis\s+ignore=(\S+)(.*)$/i;
/** As Hadolint reads its pragmas: codes separated by commas (spaces allowed), `global` for the whole file. */
const HADOLINT_IGNORE = /^\s*#\s*hadolint\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9]+(?:\s*,\s*[A-Za-z0-9]+)*)/;

/** Finds inline ignores in a Dockerfile; `instructions` are its instructions' line ranges in order. */
export function inlineIgnores(
  text: string,
  instructions: readonly { line: number; end_line: number }[],
): InlineIgnore[] {
  const ignores: InlineIgnore[] = [];
  text.split(/\r?\n/).forEach((content, index) => {
    const line = index + 1;
    const hadolint = HADOLINT_IGNORE.exec(content);
    if (hadolint) {
      const next = instructions.find((i) => i.line > line) ?? null;
      const codes = (hadolint[2] as string).split(',').map((code) => code.trim().toUpperCase());
      ignores.push({
        rules: [...new Set(codes)].map(
          (code) => `${code.startsWith('SC') ? 'shellcheck' : 'hadolint'}:${code}`,
        ),
        peer: 'hadolint',
        reason: null,
        until: null,
        line,
        covers: hadolint[1]
          ? { line: 1, end_line: Number.MAX_SAFE_INTEGER }
          : next && { line: next.line, end_line: next.end_line },
      });
      return;
    }
    const match = IGNORE.exec(content);
    if (!match) return;
    const options = match[2] ?? '';
    const reason = /reason="([^"]*)"|reason=(\S+)/.exec(options);
    // Looked for outside the reason, so that `reason="wait until=…"` sets no date.
    const until = /(?:^|\s)until=(?:"([^"]*)"|(\S*))/.exec(reason ? options.replace(reason[0], '') : options);
    const untilText = until ? (until[1] ?? until[2] ?? '') : null;
    const validUntil = untilText === null || isCalendarDate(untilText);
    const next = instructions.find((i) => i.line > line) ?? null;
    ignores.push({
      rules: (match[1] as string).split(',').filter(Boolean),
      reason: (reason?.[1] ?? reason?.[2] ?? '').trim() || null,
      until: validUntil ? untilText : null,
      ...(validUntil
        ? {}
        : {
            problem: `until=${JSON.stringify(untilText)} is not a calendar date like 2027-01-31 (YYYY-MM-DD)`,
          }),
      line,
      covers: next ? { line: next.line, end_line: next.end_line } : null,
    });
  });
  return ignores;
}

/**
 * Peer rule (`hadolint:DL3008`) → the ids of the rules whose METADATA names it in
 * `custom.related`, as the compiled policy read them through OPA (src/policy/compile.ts), in
 * the order of `rules`.
 */
export function peerRules(rules: Iterable<Pick<RuleMetadata, 'id' | 'related'>>): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const rule of rules) {
    for (const peer of rule.related ?? []) {
      const ids = map.get(peer) ?? [];
      if (!ids.includes(rule.id)) ids.push(rule.id);
      map.set(peer, ids);
    }
  }
  return map;
}

/** A waiver a pull request adds, or one it extends (a later expiry, or a wider scope). */
export interface WaiverChange {
  kind: 'added' | 'extended';
  waiver: Waiver;
  /** The base version of an extended waiver. */
  before?: Waiver;
}

/**
 * What a change to the waivers file does: new waivers, and waivers of the same rule
 * whose expiry moved later or whose path, image or vulnerability scope was dropped or changed.
 * Reviewers see these called out, since a waiver weakens the gate once merged.
 */
export function waiverChanges(base: readonly Waiver[], head: readonly Waiver[]): WaiverChange[] {
  const scope = (w: Waiver) => `${w.rule}\0${w.path ?? ''}\0${w.image ?? ''}\0${w.vulnerability ?? ''}`;
  const baseByScope = new Map(base.map((w) => [scope(w), w]));
  return head.flatMap((waiver): WaiverChange[] => {
    const same = baseByScope.get(scope(waiver));
    if (same) return waiver.expires > same.expires ? [{ kind: 'extended', waiver, before: same }] : [];
    // Same rule, another scope: a widened (or moved) waiver reads as an extension of one that existed.
    const sameRule = base.find((w) => w.rule === waiver.rule);
    return [sameRule ? { kind: 'extended', waiver, before: sameRule } : { kind: 'added', waiver }];
  });
}
