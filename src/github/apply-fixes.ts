/**
 * "Apply fixes" on the Portcullis check run: judge the pull request's head again, compose
 * every fix of every changed file, and commit them in one commit on the pull request's
 * branch through the Git data API (blobs, a tree on the head's tree, a commit whose parent
 * is the head, a fast-forward of the branch).
 *
 * The outcome, done or not, is a check run of its own, `Portcullis: apply fixes`, on the
 * commit the button was clicked on: it is concluded whatever happens (it can never hang),
 * it is listed with the pull request's checks, where whoever clicked looks for an answer,
 * and the judging check run stays the record of what was judged. It is `neutral` when
 * nothing was committed for a reason the user can act on (a fork, a head that moved on,
 * no write access, nothing to fix) and `failure` when an error stopped the commit.
 */
import type { TargetFile } from '../core/judge.js';
import { judgePullRequest } from '../core/pull-request.js';
import { errorMessage } from '../errors.js';
import { appRegistryOptions } from '../facts/registry-facts.js';
import { applyFixes, type ProposedFix } from '../fix/compose.js';
import type { Finding } from '../policy/findings.js';
import { CHECK_RUN_NAME, type CheckRunConclusion } from '../report/check-run.js';
import { markdownCode, markdownFence, markdownText } from '../report/markdown.js';
import { decodeSourceText } from '../repository/source-file.js';
import { type CheckRunJob, runCheck } from './check-run.js';
import { interruptsJob } from './github-client.js';
import { pullRequestsWithHead } from './handlers.js';
import { githubPullRequestFiles, type Octokit, rememberingHeadFiles } from './pull-request-files.js';
import { basePolicy } from './repository-policy.js';

export const APPLY_FIXES_CHECK_NAME = `${CHECK_RUN_NAME}: apply fixes`;
export const FIX_COMMIT_MESSAGE = 'Apply Portcullis fixes';
/** Access levels of `repos.getCollaboratorPermissionLevel` that may push to a branch. */
const CAN_PUSH = new Set(['admin', 'write']);

export interface ApplyFixesRequest {
  owner: string;
  repo: string;
  /** The commit the clicked check run judged. */
  headSha: string;
  /** The check run's pull requests (GitHub lists none for a fork's). */
  pullNumbers: number[];
  /** The login of the person who clicked. */
  requestedBy: string;
}

interface Outcome {
  conclusion: CheckRunConclusion;
  title: string;
  summary: string;
}

type FileFix = ProposedFix & { rule_id: string };

interface FixedFile {
  path: string;
  content: Uint8Array;
  applied: FileFix[];
  skipped: { fix: FileFix; reason: string }[];
}

export async function applyFixesOnRequest(
  octokit: Octokit,
  request: ApplyFixesRequest,
  job: CheckRunJob,
): Promise<void> {
  const target = { owner: request.owner, repo: request.repo, headSha: request.headSha };
  await runCheck(octokit, { ...target, name: APPLY_FIXES_CHECK_NAME }, job, async () => {
    try {
      return { ...(await commitFixes(octokit, request)), annotations: [] };
    } catch (error) {
      if (interruptsJob(error)) throw error;
      return {
        conclusion: 'failure',
        title: 'Fixes not applied: an error stopped them',
        summary: [
          '**Portcullis could not commit the fixes.** Nothing was changed on the branch.',
          '',
          markdownFence(errorMessage(error).slice(0, 10_000)),
          '',
          'Click **Apply fixes** again once the cause is fixed, or apply the suggestions of the review by hand.',
        ].join('\n'),
        annotations: [],
      };
    }
  });
}

async function commitFixes(octokit: Octokit, request: ApplyFixesRequest): Promise<Outcome> {
  const { owner, repo, headSha } = request;
  const { data: access } = await octokit.rest.repos.getCollaboratorPermissionLevel({
    owner,
    repo,
    username: request.requestedBy,
  });
  if (!CAN_PUSH.has(access.permission)) {
    return declined(
      'Fixes not applied: no write access',
      `${markdownCode(request.requestedBy)} cannot push to this repository, so Portcullis does not push for them. Someone with write access can click **Apply fixes**.`,
    );
  }
  const [pullNumber] = await pullRequestsWithHead(octokit, { owner, repo }, headSha, request.pullNumbers);
  if (pullNumber === undefined) {
    return declined(
      'Fixes not applied: no open pull request',
      `No open pull request has ${markdownCode(headSha.slice(0, 7))} as its head, so there is no branch to commit the fixes to.`,
    );
  }
  const { data: pr } = await octokit.rest.pulls.get({ owner, repo, pull_number: pullNumber });
  if (pr.state !== 'open') {
    return declined('Fixes not applied: the pull request is closed', 'Reopen it to apply fixes.');
  }
  if (pr.head.repo?.id !== pr.base.repo.id) {
    return declined(
      'Fixes not applied: the pull request comes from a fork',
      [
        `The branch ${markdownCode(pr.head.label)} lives in another repository, where Portcullis may not push.`,
        'Apply the suggestions of the Portcullis review on the pull request (**Add suggestion to batch**, then **Commit suggestions**), or run `portcullis check` locally and fix the findings by hand.',
      ].join(' '),
    );
  }
  if (pr.head.sha !== headSha) {
    return declined(
      'Fixes not applied: the branch has moved on',
      `This check ran on ${markdownCode(headSha.slice(0, 7))}, but the branch is now at ${markdownCode(pr.head.sha.slice(0, 7))}. Fixes judged on an older commit could undo newer work: use **Apply fixes** on the check run of the newest commit.`,
    );
  }

  const files = rememberingHeadFiles(githubPullRequestFiles(octokit, { owner, repo, pullNumber, headSha }));
  // The same policies as the check: the base commit's.
  const policy = await basePolicy(octokit, { owner, repo }, pr.base.sha);
  const judgement = await judgePullRequest(files, async () => policy.engine, {
    ...appRegistryOptions(),
    policySet: policy.set,
  });
  const fixed = fixFiles(judgement.findings, files.headFiles);
  const changed = fixed.filter((f) => f.applied.length > 0);
  if (changed.length === 0) {
    return declined('Fixes not applied: nothing to fix', nothingToFix(fixed));
  }

  const tree = await headTree(octokit, owner, repo, headSha);
  const entries = [];
  for (const file of changed) {
    const mode = await tree.modeOf(file.path);
    if (!mode) throw new Error(`${file.path} is not a regular file at ${headSha.slice(0, 7)}`);
    const { data: blob } = await octokit.rest.git.createBlob({
      owner,
      repo,
      content: Buffer.from(file.content).toString('base64'),
      encoding: 'base64',
    });
    entries.push({ path: file.path, mode, type: 'blob' as const, sha: blob.sha });
  }
  const { data: newTree } = await octokit.rest.git.createTree({
    owner,
    repo,
    base_tree: tree.sha,
    tree: entries,
  });
  const { data: commit } = await octokit.rest.git.createCommit({
    owner,
    repo,
    message: FIX_COMMIT_MESSAGE,
    tree: newTree.sha,
    parents: [headSha],
  });
  try {
    await octokit.rest.git.updateRef({
      owner,
      repo,
      ref: `heads/${pr.head.ref}`,
      sha: commit.sha,
      force: false,
    });
  } catch (error) {
    // 422: not a fast-forward, i.e. someone pushed while the fixes were being made.
    if ((error as { status?: number }).status !== 422) throw error;
    return declined(
      'Fixes not applied: the branch moved meanwhile',
      `Someone pushed to ${markdownCode(pr.head.ref)} while the fixes were being committed, and Portcullis never force-pushes. Use **Apply fixes** on the check run of the newest commit.`,
    );
  }
  const count = changed.reduce((n, f) => n + f.applied.length, 0);
  return {
    conclusion: 'success',
    title: `Applied ${count === 1 ? '1 fix' : `${count} fixes`} in ${commit.sha.slice(0, 7)}`,
    summary: [
      `**Committed ${markdownCode(commit.sha.slice(0, 7))} to ${markdownCode(pr.head.ref)}** (${markdownCode(FIX_COMMIT_MESSAGE)}). Portcullis checks the new commit as usual.`,
      '',
      ...fixList(changed),
    ].join('\n'),
  };
}

/** Composes the fixes of each file's findings on the text read at the head. */
function fixFiles(
  findings: readonly Finding[],
  headFiles: ReadonlyMap<string, TargetFile['content']>,
): FixedFile[] {
  const byPath = new Map<string, FileFix[]>();
  for (const f of findings) {
    if (!f.fix) continue;
    byPath.set(f.path, [...(byPath.get(f.path) ?? []), { ...f.fix, rule_id: f.rule_id }]);
  }
  const fixed: FixedFile[] = [];
  for (const [path, fixes] of byPath) {
    const bytes = headFiles.get(path);
    const source = bytes instanceof Uint8Array ? decodeSourceText(bytes) : undefined;
    if (!bytes || !(bytes instanceof Uint8Array) || !source?.ok) continue;
    const composed = applyFixes(source.text, fixes);
    // The decoder drops a byte-order mark; the committed file keeps it.
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? '\uFEFF' : '';
    fixed.push({
      path,
      content: new TextEncoder().encode(bom + composed.content),
      applied: composed.content === source.text ? [] : composed.applied,
      skipped: composed.skipped,
    });
  }
  return fixed;
}

function fixList(files: readonly FixedFile[]): string[] {
  const lines: string[] = [];
  for (const file of files) {
    lines.push(`### ${markdownCode(file.path)}`, '');
    for (const fix of file.applied) {
      lines.push(`- line ${fix.line}: ${markdownText(fix.rule_id)} ${markdownText(fix.description)}`);
    }
    for (const { fix, reason } of file.skipped) {
      lines.push(
        `- line ${fix.line}: ${markdownText(fix.rule_id)} ${markdownText(fix.description)}: *not applied*, ${markdownText(reason)}`,
      );
    }
    lines.push('');
  }
  return lines;
}

function nothingToFix(files: readonly FixedFile[]): string {
  const skipped = files.filter((f) => f.skipped.length > 0);
  if (skipped.length === 0) return 'No finding at the head of this pull request has a fix.';
  return ['None of the fixes could be applied:', '', ...fixList(skipped)].join('\n');
}

function declined(title: string, summary: string): Outcome {
  return { conclusion: 'neutral', title, summary: `${summary}\n\nNothing was changed on the branch.` };
}

type TreeMode = '100644' | '100755';

/**
 * The head commit's tree: its sha (the base of the new tree) and the mode of a file, so
 * an executable file stays executable. Reads one tree per folder on the way, not the
 * whole repository.
 */
async function headTree(octokit: Octokit, owner: string, repo: string, headSha: string) {
  const trees = new Map<string, { path?: string; mode?: string; type?: string; sha?: string }[]>();
  const read = async (treeSha: string) => {
    let entries = trees.get(treeSha);
    if (!entries) {
      // A commit sha names its tree here too.
      entries = (await octokit.rest.git.getTree({ owner, repo, tree_sha: treeSha })).data.tree;
      trees.set(treeSha, entries);
    }
    return entries;
  };
  const { data: root } = await octokit.rest.git.getTree({ owner, repo, tree_sha: headSha });
  trees.set(root.sha, root.tree);
  return {
    sha: root.sha,
    async modeOf(path: string): Promise<TreeMode | undefined> {
      const parts = path.split('/');
      let treeSha = root.sha;
      for (const [i, name] of parts.entries()) {
        const entry = (await read(treeSha)).find((e) => e.path === name);
        if (!entry?.sha) return undefined;
        if (i === parts.length - 1) {
          return entry.type === 'blob' && (entry.mode === '100644' || entry.mode === '100755')
            ? entry.mode
            : undefined;
        }
        if (entry.type !== 'tree') return undefined;
        treeSha = entry.sha;
      }
      return undefined;
    },
  };
}
