/**
 * The whole pipeline without GitHub: builds a git repository from examples/demo-repo
 * (a base and a head commit), judges the "pull request" between them exactly as the App
 * would, and prints the check run the App would post.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markNewFindings } from './core/baseline.js';
import { judgeTargets } from './core/judge.js';
import { changedFilesBetween, localPullRequestFiles, readFileAtCommit } from './core/local-repository.js';
import { judgePullRequest } from './core/pull-request.js';
import { commitAll, initRepository, removeTracked } from './git.js';
import { loadPolicySet, policyEngineFor } from './policy/policy-set.js';
import { CHECK_RUN_NAME, type CheckRunReport, checkRunReport, chunkAnnotations } from './report/check-run.js';
import { gitCommitSnapshot } from './repository/snapshot.js';
import { PROJECT_ROOT } from './tools.js';

const EXAMPLE = join(PROJECT_ROOT, 'examples', 'demo-repo');

export async function runDemo(write: (text: string) => void): Promise<CheckRunReport> {
  const repo = await mkdtemp(join(tmpdir(), 'portcullis-demo-'));
  try {
    const base = await commitTree(repo, join(EXAMPLE, 'base'), 'Base: api and web services');
    const head = await commitTree(repo, join(EXAMPLE, 'head'), 'Add on-call tools and a worker service');
    write(
      `Demo: a pull request on an example repository (${repo}), base ${base.slice(0, 7)} → head ${head.slice(0, 7)}.`,
    );
    write(
      'No GitHub App credentials (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET) are set, so this is what the App would post.',
    );
    write(
      'Registry look-ups are off in the demo; configuration, policies and waivers are read at the base commit.\n',
    );
    // As the App does: the base commit's configuration judges, whatever the pull request changes in it.
    const policySet = await loadPolicySet(gitCommitSnapshot(repo, base));
    const engine = await policyEngineFor(policySet);
    const judgement = await judgePullRequest(localPullRequestFiles(repo, base, head), async () => engine, {
      policySet,
    });
    // New versus existing, as the App reports it: the base versions of the changed targets, judged alike.
    const modified = (await changedFilesBetween(repo, base, head)).filter((f) => f.status === 'modified');
    const versions = async (commit: string) =>
      new Map(
        await Promise.all(
          modified.map(async (f) => [f.path, await readFileAtCommit(repo, commit, f.path)] as const),
        ),
      );
    const [baseFiles, headFiles] = await Promise.all([versions(base), versions(head)]);
    const baseJudgement = await judgeTargets(
      [...baseFiles].map(([path, content]) => ({ path, content })),
      engine,
      { policySet },
    );
    markNewFindings(judgement, headFiles, baseJudgement, baseFiles);
    const report = checkRunReport(judgement);
    write(renderCheckRun(report));
    return report;
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}

async function commitTree(repo: string, tree: string, message: string): Promise<string> {
  await initRepository(repo).catch(() => undefined);
  await removeTracked(repo);
  await cp(tree, repo, { recursive: true });
  return commitAll(repo, message, { name: 'Portcullis Demo', email: 'demo@portcullis.invalid' });
}

function renderCheckRun(report: CheckRunReport): string {
  const requests = Math.max(1, chunkAnnotations(report.annotations).length);
  const lines = [
    `━━ Check run "${CHECK_RUN_NAME}": ${report.conclusion.toUpperCase()} ━━`,
    `Title: ${report.title}`,
    '',
    '── Summary (markdown) ──',
    report.summary,
    '',
    `── Annotations (${report.annotations.length}, sent in ${requests} request${requests === 1 ? '' : 's'}) ──`,
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
