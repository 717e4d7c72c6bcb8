/**
 * What a change to the policies would change: every container target of the repository at
 * the head commit, judged once by the base policy set and once by the head policy set, and
 * the findings that would newly appear or go away. A finding is the same on both sides when
 * its rule, path and the text of its lines are (src/core/fingerprint.ts), so a message
 * reworded by the new policies is not counted as a removal and an addition.
 *
 * The report judges without registry look-ups: the facts would be the same for both sets,
 * and looking up the images of hundreds of targets would make it slow and flaky.
 */

import { UsageError } from '../errors.js';
import { catFileBatch, commitOf, lsTree } from '../git.js';
import { compareFindings, type Finding, type TargetError } from '../policy/findings.js';
import type { PolicySet } from '../policy/policy-set.js';
import type { PolicyEvaluator } from '../policy/sandbox.js';
import { MAX_TARGET_BYTES, readableTreeEntry } from '../repository/source-file.js';
import { targetSelector } from '../targets/detect.js';
import { fingerprintFindings } from './fingerprint.js';
import { type Judgement, judgeTargets, type TargetFile } from './judge.js';

/** One side of the comparison: a policy set and its compiled engine. */
export interface ImpactSide {
  set: PolicySet;
  engine: PolicyEvaluator;
}

/** A finding both sides report, at another severity or with another waiver status. */
export interface ChangedFinding {
  before: Finding;
  after: Finding;
}

export interface PolicyImpact {
  /** Findings the head policies report and the base policies do not. */
  added: Finding[];
  /** Findings the base policies report and the head policies do not. */
  removed: Finding[];
  changed: ChangedFinding[];
  totals: {
    /** Target files judged (by either side). */
    targets: number;
    base: number;
    head: number;
    added: number;
    removed: number;
    changed: number;
  };
  /** Targets left out of the comparison: unreadable, or a side could not judge them. */
  errors: TargetError[];
}

/** The files of a commit: every path, and their bytes on demand. */
export interface CommitTree {
  paths: readonly string[];
  /** Reads the files at `paths` (each once), keeping their order. */
  read(paths: readonly string[]): Promise<TargetFile[]>;
}

/** Paths either side treats as a target: each set's `targets:` configuration decides. */
export function impactTargetPaths(paths: readonly string[], sets: readonly PolicySet[]): string[] {
  const selectors = sets.map((set) => targetSelector(set.config.targets));
  return paths.filter((path) => selectors.some((select) => select(path) !== null));
}

/** Reads the tree's targets once and compares what the two sides find in them. */
export async function policyImpact(
  tree: CommitTree,
  base: ImpactSide,
  head: ImpactSide,
  options: { today?: Date } = {},
): Promise<PolicyImpact> {
  const files = await tree.read(impactTargetPaths(tree.paths, [base.set, head.set]));
  // The same policies and data on both sides (a change of configuration or waivers only):
  // the policy's own results are the same, so each target is evaluated once for both.
  if (base.engine === head.engine) {
    const engine = sharedEvaluations(base.engine);
    return compareJudgements(files, { ...base, engine }, { ...head, engine }, options.today ?? new Date());
  }
  return compareJudgements(files, base, head, options.today ?? new Date());
}

/** `engine`, remembering its results by input document, for the two sides to share. */
function sharedEvaluations(engine: PolicyEvaluator): PolicyEvaluator {
  const results = new Map<string, Promise<Finding[]>>();
  return {
    rules: engine.rules,
    async evaluate(input) {
      const key = JSON.stringify(input);
      let findings = results.get(key);
      if (!findings) {
        findings = Promise.resolve(engine.evaluate(input));
        results.set(key, findings);
      }
      // The pipeline sorts the array it gets in place.
      return [...(await findings)];
    },
  };
}

async function compareJudgements(
  files: readonly TargetFile[],
  base: ImpactSide,
  head: ImpactSide,
  today: Date,
): Promise<PolicyImpact> {
  const judge = (side: ImpactSide) => {
    const select = targetSelector(side.set.config.targets);
    const selected = files.flatMap((file) => {
      const selection = select(file.path);
      return selection ? [{ ...file, ...selection }] : [];
    });
    return judgeTargets(selected, selected.length > 0 ? side.engine : null, { policySet: side.set, today });
  };
  // Concurrently: a sandboxed evaluator spreads the two sides over its workers.
  const [before, after] = await Promise.all([judge(base), judge(head)]);

  // A target one side could not judge would show all of the other side's findings as a change.
  const baseErrors = new Map(before.errors.map((e) => [e.path, e.message]));
  const headErrors = new Map(after.errors.map((e) => [e.path, e.message]));
  const errors = new Map<string, string>();
  for (const path of new Set([...baseErrors.keys(), ...headErrors.keys()])) {
    const was = baseErrors.get(path);
    const is = headErrors.get(path);
    errors.set(
      path,
      was === is
        ? (was as string)
        : [was && `base policies: ${was}`, is && `head policies: ${is}`].filter(Boolean).join('; '),
    );
  }
  const contents = new Map(files.map((f) => [f.path, f.content]));
  const keyed = (judgement: Judgement) => {
    const findings = judgement.findings.filter((f) => !errors.has(f.path));
    const fingerprints = fingerprintFindings(findings, contents);
    return new Map(findings.map((f, i) => [fingerprints[i] as string, f]));
  };
  const was = keyed(before);
  const is = keyed(after);
  const added = [...is].filter(([key]) => !was.has(key)).map(([, f]) => f);
  const removed = [...was].filter(([key]) => !is.has(key)).map(([, f]) => f);
  const changed: ChangedFinding[] = [];
  for (const [key, f] of is) {
    const previous = was.get(key);
    if (previous && (previous.severity !== f.severity || Boolean(previous.waived) !== Boolean(f.waived))) {
      changed.push({ before: previous, after: f });
    }
  }
  const targets = new Set([...before.targets, ...after.targets].map((t) => t.path));
  for (const path of errors.keys()) targets.delete(path);
  return {
    added: added.sort(compareFindings),
    removed: removed.sort(compareFindings),
    changed: changed.sort((a, b) => compareFindings(a.after, b.after)),
    totals: {
      targets: [...targets].filter((p) => contents.has(p)).length,
      base: was.size,
      head: is.size,
      added: added.length,
      removed: removed.length,
      changed: changed.length,
    },
    errors: [...errors]
      .map(([path, message]) => ({ path, message }))
      .sort((a, b) => a.path.localeCompare(b.path)),
  };
}

/**
 * A commit of a local repository: one `git ls-tree` for the paths and sizes, one
 * `git cat-file --batch` for the contents, however many files there are.
 */
export async function gitCommitTree(repo: string, commit: string): Promise<CommitTree> {
  const entries = new Map<string, { object: string; size: number }>();
  for (const { mode, type, object, size, path } of await lsTree(repo, commit, { recursive: true })) {
    // Symbolic links (120000) and submodules are not files to judge.
    if (type !== 'blob' || mode === '120000') continue;
    entries.set(path, { object, size: size ?? 0 });
  }
  return {
    paths: [...entries.keys()],
    async read(paths) {
      const wanted = paths.map((path) => ({ path, entry: entries.get(path) }));
      const small = wanted.flatMap(({ entry }) =>
        entry && entry.size <= MAX_TARGET_BYTES ? [entry.object] : [],
      );
      const blobs = await catFileBatch(repo, small);
      return wanted.map(({ path, entry }): TargetFile => {
        const readable = readableTreeEntry(entry, commit);
        if ('unavailable' in readable) return { path, content: readable };
        const bytes = blobs.get(readable.object);
        return { path, content: bytes ?? { unavailable: `unreadable at ${commit}` } };
      });
    },
  };
}

/**
 * The commit a ref names, or a usage error saying which ref is unknown; any other git
 * failure is an error with git's message.
 */
export async function resolveCommit(repo: string, ref: string): Promise<string> {
  const commit = await commitOf(repo, ref);
  if (commit === null) throw new UsageError(`${ref} is not a commit of the repository ${repo}`);
  return commit;
}
