/**
 * What a repository's configuration says about findings after the policies have spoken:
 * rules turned off or given another severity, waivers and inline ignores, and findings
 * about the waivers themselves (expired, expiring, or an ignore without a reason).
 */
import type { Severity } from '../config/configuration.js';
import type { RuleMetadata } from '../policy/compile.js';
import { compareFindings, type Finding } from '../policy/findings.js';
import type { PolicySet } from '../policy/policy-set.js';
import {
  type InlineIgnore,
  peerRules,
  type Waiver,
  waiverCovers,
  waiverScope,
  waiverStatus,
} from '../policy/waivers.js';

/** Rule ids of the findings Portcullis itself makes about waivers (documented in docs/configuration.md). */
export const WAIVER_RULES = {
  expired: { id: 'PC-WVR-001', title: 'Waiver expired' },
  expiring: { id: 'PC-WVR-002', title: 'Waiver expires soon' },
  unexplained: { id: 'PC-WVR-003', title: 'Inline ignore without a reason' },
  invalidDate: { id: 'PC-WVR-004', title: 'Inline ignore with an invalid date' },
  hadolintPragma: { id: 'PC-WVR-005', title: 'Hadolint ignore comment' },
} as const;

export interface TargetFindings {
  path: string;
  findings: Finding[];
  /** Inline ignores of a Dockerfile target. */
  ignores?: InlineIgnore[];
}

/**
 * Applies overrides and waivers to every target's findings, in place, adding findings
 * about inline ignores to their target; returns the findings about the waivers file.
 * Findings about waivers obey the same overrides: a repository can turn PC-WVR-002 off.
 */
export function applyRepositoryRules(
  targets: TargetFindings[],
  set: PolicySet,
  rules: CompiledRules,
  today: Date,
): Finding[] {
  for (const target of targets) applyTargetRules(target, set, rules, today);
  return waiversFileFindings(set, today);
}

/** Overrides, waivers and inline ignores of one target, in place: the pipeline applies them as each target is judged. */
export function applyTargetRules(
  target: TargetFindings,
  set: PolicySet,
  rules: CompiledRules,
  today: Date,
): void {
  const usable = set.waivers.filter((w) => waiverStatus(w, today) !== 'expired');
  const ignores = hadolintIgnores(target.ignores ?? [], set, rules);
  target.findings = [...target.findings, ...ignoreFindings({ ...target, ignores })]
    .flatMap((finding) => override(finding, set.config.rules))
    .map((finding) => waive(finding, usable, ignores, today))
    .sort(compareFindings);
}

/** The rules of the policy that judged the targets (PolicyEvaluator.rules), by id. */
export type CompiledRules = Readonly<Record<string, Pick<RuleMetadata, 'id' | 'related'>>>;

/**
 * The peer map of a policy's rules, made once per policy: from its compiled METADATA, as the
 * rule catalogue's, rather than from the Rego sources, whose hundred METADATA blocks took the
 * YAML parser ~150 ms of a check's main thread at its first Hadolint pragma.
 */
const peerMaps = new WeakMap<CompiledRules, Map<string, string[]>>();
function peerRulesOf(rules: CompiledRules): Map<string, string[]> {
  let map = peerMaps.get(rules);
  if (!map) {
    map = peerRules(Object.values(rules));
    peerMaps.set(rules, map);
  }
  return map;
}

/** A Hadolint pragma resolved: the Portcullis rules it ignores, and the codes none covers. */
type ResolvedIgnore = InlineIgnore & { unmapped?: string[] };

/**
 * Hadolint pragmas as ignores of the Portcullis rules that cover their codes (the rules'
 * `related` metadata); dropped with `hadolint_pragmas: false`, as Hadolint's
 * `disable-ignore-pragma` drops them.
 */
function hadolintIgnores(
  ignores: readonly InlineIgnore[],
  set: PolicySet,
  rules: CompiledRules,
): ResolvedIgnore[] {
  if (!ignores.some((i) => i.peer === 'hadolint')) return [...ignores];
  if (set.config.hadolint_pragmas === false) return ignores.filter((i) => i.peer !== 'hadolint');
  const all = peerRulesOf(rules);
  // A ShellCheck code is one finding of PC-SH-001, not the whole rule: the ShellCheck gatherer
  // drops that code alone, so it stays unmapped here (and is noted as `# shellcheck disable=`).
  const peers = (code: string) => (code.startsWith('shellcheck:') ? undefined : all.get(code));
  return ignores.map((ignore) => {
    if (ignore.peer !== 'hadolint') return ignore;
    const rules = [...new Set(ignore.rules.flatMap((code) => peers(code) ?? []))].sort();
    return { ...ignore, rules, unmapped: ignore.rules.filter((code) => !peers(code)) };
  });
}

/** Findings about the waivers file itself (expired, expiring), under the same overrides. */
export function waiversFileFindings(set: PolicySet, today: Date): Finding[] {
  return waiverFindings(set.waivers, today).flatMap((finding) => override(finding, set.config.rules));
}

function override(finding: Finding, rules: PolicySet['config']['rules']): Finding[] {
  // A rule id is whatever a policy's METADATA says: `toString` must not find Object.prototype's.
  const setting = Object.hasOwn(rules, finding.rule_id) ? rules[finding.rule_id] : undefined;
  if (setting === 'off') return [];
  return setting ? [{ ...finding, severity: setting }] : [finding];
}

function waive(finding: Finding, waivers: Waiver[], ignores: InlineIgnore[], today: Date): Finding {
  const waiver = waivers.find((w) => waiverCovers(w, finding));
  if (waiver) {
    return {
      ...finding,
      waived: {
        reason: waiver.reason,
        owner: waiver.owner,
        expires: waiver.expires,
        source: `${waiver.file}:${waiver.line}`,
      },
    };
  }
  const day = today.toISOString().slice(0, 10);
  const ignore = ignores.find(
    (i) =>
      (i.reason !== null || i.peer === 'hadolint') &&
      i.problem === undefined &&
      i.covers !== null &&
      (i.until === null || i.until >= day) &&
      i.rules.includes(finding.rule_id) &&
      finding.line >= i.covers.line &&
      finding.line <= i.covers.end_line,
  );
  if (ignore) {
    return {
      ...finding,
      waived: {
        reason: ignore.reason ?? 'ignored by a # hadolint ignore= comment',
        owner: null,
        expires: ignore.until,
        source: `${finding.path}:${ignore.line}`,
      },
    };
  }
  return finding;
}

function waiverFindings(waivers: Waiver[], today: Date): Finding[] {
  return waivers.flatMap((waiver): Finding[] => {
    const status = waiverStatus(waiver, today);
    if (status === 'active') return [];
    const rule = status === 'expired' ? WAIVER_RULES.expired : WAIVER_RULES.expiring;
    const severity: Severity = 'warn';
    const scope = waiverScope(waiver);
    return [
      {
        rule_id: rule.id,
        severity,
        path: waiver.file,
        line: waiver.line,
        end_line: waiver.line,
        title: rule.title,
        message:
          status === 'expired'
            ? `The waiver of ${waiver.rule}${scope ? ` (${scope})` : ''} owned by ${waiver.owner} expired on ${waiver.expires} and no longer applies: fix the findings, or renew it with a reason.`
            : `The waiver of ${waiver.rule}${scope ? ` (${scope})` : ''} owned by ${waiver.owner} expires on ${waiver.expires}: plan the fix, or renew it.`,
      },
    ];
  });
}

/**
 * Inline ignores that do not apply: one without a reason (a warning), and one whose `until=`
 * is not a date — a configuration error, so it fails like one rather than ignore forever.
 */
function ignoreFindings(target: { path: string; ignores: ResolvedIgnore[] }): Finding[] {
  return target.ignores.flatMap((i): Finding[] => {
    const at = { path: target.path, line: i.line, end_line: i.line };
    if (i.peer === 'hadolint') return [hadolintNote(i, at)];
    if (i.reason === null) {
      return [
        {
          ...at,
          rule_id: WAIVER_RULES.unexplained.id,
          severity: 'warn',
          title: WAIVER_RULES.unexplained.title,
          message: `This ignore of ${i.rules.join(', ')} gives no reason, so it does not apply: add reason="…" (and until=YYYY-MM-DD).`,
        },
      ];
    }
    if (i.problem !== undefined) {
      return [
        {
          ...at,
          rule_id: WAIVER_RULES.invalidDate.id,
          severity: 'deny',
          title: WAIVER_RULES.invalidDate.title,
          message: `This ignore of ${i.rules.join(', ')} does not apply: ${i.problem}. Write the last day it applies, or leave until= out.`,
        },
      ];
    }
    return [];
  });
}

/** The one-line note a Hadolint pragma gets: what it ignores, and its Portcullis rewrite. */
function hadolintNote(ignore: ResolvedIgnore, at: Pick<Finding, 'path' | 'line' | 'end_line'>): Finding {
  const unmapped = ignore.unmapped ?? [];
  const codes = (list: string[]) => list.map((code) => code.replace(/^\w+:/, '')).join(', ');
  const shellcheck = unmapped.filter((code) => code.startsWith('shellcheck:'));
  const none = unmapped.filter((code) => !code.startsWith('shellcheck:'));
  const scope = ignore.covers?.end_line === Number.MAX_SAFE_INTEGER ? 'global ' : '';
  const parts = [
    ignore.rules.length > 0
      ? `This Hadolint comment ignores ${ignore.rules.join(', ')}: rewrite it as # portcullis ignore=${ignore.rules.join(',')} reason="…"${scope ? ' before each instruction it should cover' : ''}.`
      : 'This Hadolint comment ignores no Portcullis rule.',
    none.length > 0 ? `No Portcullis rule covers ${codes(none)}.` : '',
    shellcheck.length > 0
      ? `For ${codes(shellcheck)} write # shellcheck disable=${codes(shellcheck).replace(/ /g, '')}.`
      : '',
  ];
  return {
    ...at,
    rule_id: WAIVER_RULES.hadolintPragma.id,
    severity: 'info',
    title: WAIVER_RULES.hadolintPragma.title,
    message: parts.filter(Boolean).join(' '),
  };
}

/** Whether a finding fails the check under `fail_on`: waived findings never do. */
export function isFailing(finding: Finding, failOn: readonly Severity[]): boolean {
  return !finding.waived && failOn.includes(finding.severity);
}
