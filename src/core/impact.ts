/**
 * What a change to the policies would change: every container target of the repository at
 * the head commit, judged once by the base policy set and once by the head policy set, and
 * the findings that would newly appear or go away. A finding is the same on both sides when
 * its rule, path and the text of its lines are (src/core/fingerprint.ts), so a message
 * reworded by the new policies is not counted as a removal and an addition.
 *
 * The report judges without registry look-ups: the facts would be the same for both sets,
 * and looking up the images of hundreds of targets would make it slow and flaky. Except
 * when the trust policy (`trust:`) changes: what it judges are facts from the registry
 * (signatures, attestations), so then the images the targets reference are looked up,
 * each once for both sides (their signatures and attestations fetched once, verified
 * against each side's signers), at most MAX_TRUST_IMAGES of them; an image not looked up,
 * capped or unreachable, is named in the report's notes, never passed over in silence.
 */

import { errorMessage, UsageError } from '../errors.js';
import type { ImageResolver } from '../facts/registry-facts.js';
import { catFileBatch, commitOf, lsTree } from '../git.js';
import type { ImageReference } from '../image/reference.js';
import { compareFindings, type Finding, type TargetError } from '../policy/findings.js';
import type { PolicySet } from '../policy/policy-set.js';
import type { PolicyEvaluator } from '../policy/sandbox.js';
import type { FetchedManifest, ManifestName, RepositoryName, ResolvedImage } from '../registry/client.js';
import { MAX_TARGET_BYTES, readableTreeEntry } from '../repository/source-file.js';
import type { TrustPolicySet } from '../signatures/trust-policy.js';
import type { SignatureSource } from '../signatures/verify.js';
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
  /** What the comparison could not see: images of a trust change not looked up (capped, unreachable). */
  notes?: string[];
}

/** Images looked up to judge a change of `trust:`: enough for a repository's deployments, bounded for a monorepo's. */
export const MAX_TRUST_IMAGES = 50;

export interface ImpactOptions {
  today?: Date;
  /** Looks images up when `trust:` changes; without it a trust change is judged without signatures, and the notes say so. */
  registry?: ImageResolver;
  /** Distinct images looked up at most; default MAX_TRUST_IMAGES. */
  maxImages?: number;
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
  options: ImpactOptions = {},
): Promise<PolicyImpact> {
  const files = await tree.read(impactTargetPaths(tree.paths, [base.set, head.set]));
  const today = options.today ?? new Date();
  const notes: string[] = [];
  let registry: TrustLookUps | undefined;
  if (trustKey(base.set.trust) !== trustKey(head.set.trust)) {
    if (options.registry)
      registry = new TrustLookUps(options.registry, options.maxImages ?? MAX_TRUST_IMAGES);
    else
      notes.push(
        'The trust policy (`trust:`) changes, but images were not looked up (no registry access): which images would newly fail or pass it is not shown.',
      );
  }
  // The same policies and data on both sides (a change of configuration or waivers only):
  // the policy's own results are the same, so each target is evaluated once for both.
  const engine = base.engine === head.engine ? sharedEvaluations(base.engine) : null;
  const impact = await compareJudgements(
    files,
    engine ? { ...base, engine } : base,
    engine ? { ...head, engine } : head,
    today,
    registry,
  );
  if (registry) notes.push(...registry.notes());
  return { ...impact, notes };
}

/**
 * What a trust policy set judges, comparable: keys by fingerprint (KeyObjects serialise to
 * nothing), certificates as PEM (X509Certificate's toJSON).
 */
function trustKey(trust: TrustPolicySet | null): string {
  return JSON.stringify(trust ? { policies: trust.policies, unmatched: trust.unmatched } : null);
}

/**
 * The registry as both sides of a trust change see it: each image resolved once, its
 * signature artifacts fetched once (the two sides judge concurrently), and no more than
 * `limit` distinct images looked up. Not a RegistryClient, so the pipeline does not pull
 * and scan the images (src/core/facts.ts): a trust change needs no vulnerabilities.
 */
class TrustLookUps implements ImageResolver, SignatureSource {
  readonly #registry: ImageResolver;
  readonly #limit: number;
  readonly #looked = new Set<string>();
  readonly #capped = new Set<string>();
  readonly #failed = new Map<string, string>();
  readonly #fetched = new Map<string, Promise<unknown>>();

  constructor(registry: ImageResolver, limit: number) {
    this.#registry = registry;
    this.#limit = limit;
  }

  resolve(reference: ImageReference, options: { platform?: string } = {}): Promise<ResolvedImage> {
    const image = reference.normalized;
    if (!this.#looked.has(image) && this.#looked.size >= this.#limit) {
      this.#capped.add(image);
      return Promise.reject(
        new Error(`not looked up: the impact report looks up ${this.#limit} images at most`),
      );
    }
    this.#looked.add(image);
    return this.#once(`resolve ${image} ${options.platform ?? ''}`, () =>
      this.#registry.resolve(reference, options).catch((error: unknown) => {
        this.#failed.set(image, errorMessage(error));
        throw error;
      }),
    );
  }

  manifest(name: ManifestName): Promise<FetchedManifest> {
    const key = `manifest ${name.registry}/${name.repository} ${name.digest ?? name.tag ?? ''}`;
    return this.#once(key, () => this.#source().manifest(name));
  }

  blob(name: RepositoryName, digest: string): Promise<Buffer> {
    return this.#once(`blob ${name.registry}/${name.repository} ${digest}`, () =>
      this.#source().blob(name, digest),
    );
  }

  referrers(name: RepositoryName, digest: string, options?: { artifactType?: string }) {
    const key = `referrers ${name.registry}/${name.repository} ${digest} ${options?.artifactType ?? ''}`;
    return this.#once(key, () => this.#source().referrers(name, digest, options));
  }

  /** The report's notes on images the comparison could not judge. */
  notes(): string[] {
    const notes: string[] = [];
    const listed = (images: Iterable<string>) => {
      const all = [...images].sort();
      const shown = all.slice(0, 5).map((image) => `\`${image}\``);
      return `${shown.join(', ')}${all.length > shown.length ? ` and ${all.length - shown.length} more` : ''}`;
    };
    if (this.#capped.size > 0)
      notes.push(
        `The trust policy changes: only the first ${this.#limit} images were looked up, so ${this.#capped.size} more are not judged by it here (${listed(this.#capped)}).`,
      );
    if (this.#failed.size > 0) {
      const [first] = this.#failed.values();
      notes.push(
        `The trust policy changes, but ${this.#failed.size} image(s) could not be looked up (${first}): whether they would newly fail or pass it is unknown (${listed(this.#failed.keys())}).`,
      );
    }
    return notes;
  }

  #source(): SignatureSource {
    const source = this.#registry as unknown as Partial<SignatureSource>;
    if (!source.manifest || !source.blob || !source.referrers)
      throw new Error('the registry client in use cannot list signatures');
    return source as SignatureSource;
  }

  #once<T>(key: string, fetch: () => Promise<T>): Promise<T> {
    let found = this.#fetched.get(key) as Promise<T> | undefined;
    if (!found) {
      found = fetch();
      found.catch(() => undefined); // each caller awaits it; a rejection kept here is not unhandled
      this.#fetched.set(key, found);
    }
    return found;
  }
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
  registry: ImageResolver | undefined,
): Promise<Omit<PolicyImpact, 'notes'>> {
  const judge = (side: ImpactSide) => {
    const select = targetSelector(side.set.config.targets);
    const selected = files.flatMap((file) => {
      const selection = select(file.path);
      return selection ? [{ ...file, ...selection }] : [];
    });
    return judgeTargets(selected, selected.length > 0 ? side.engine : null, {
      policySet: side.set,
      today,
      ...(registry ? { registry } : {}),
    });
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
