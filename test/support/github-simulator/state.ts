/**
 * What the simulated GitHub holds in memory: accounts, installations and their tokens,
 * repositories with their git objects and branches, pull requests (labels, events, reviews,
 * review comments) and check runs. Routes (routes.ts) and webhook builders (webhooks.ts)
 * read and change it; tests read it through the simulator.
 */
import { structuredPatch } from 'diff';
import { GitStore } from './git.js';
import {
  appObject,
  type ObjectContext,
  pullRequestRef,
  repositoryObject,
  type SimApp,
  type SimCheckRun,
  type SimInstallation,
  type SimPullRequest,
  type SimRepository,
  userObject,
} from './objects.js';

export interface ChangedFile {
  filename: string;
  status: 'added' | 'removed' | 'modified';
  /** The blob at the head (at the base for a removed file). */
  sha: string;
  additions: number;
  deletions: number;
  /** The unified diff's hunks, as GitHub serves `patch`; none for binary files. */
  patch?: string;
  /** Lines a review comment may sit on: new-side lines (RIGHT) and old-side lines (LEFT) of the hunks. */
  right: Set<number>;
  left: Set<number>;
}

/** GitHub leaves out the patch of a file whose diff is this large. */
const MAX_PATCH_BYTES = 1024 * 1024;

export class SimulatorState {
  readonly accounts = new Map<string, { id: number; type: 'User' | 'Organization' | 'Bot' }>();
  readonly installations = new Map<number, SimInstallation>();
  readonly repositories = new Map<string, SimRepository>();
  readonly checkRuns = new Map<number, SimCheckRun>();
  /** Check suites by `repo@headSha`. */
  readonly checkSuites = new Map<string, number>();
  readonly #changes = new Map<string, ChangedFile[]>();
  #nextId = 1000;

  constructor(readonly app: SimApp) {
    this.account(app.owner, 'Organization');
    this.account(this.botLogin, 'Bot');
  }

  /** The login GitHub shows for what the App does with an installation token. */
  get botLogin(): string {
    return `${this.app.slug}[bot]`;
  }

  nextId(): number {
    this.#nextId += 1;
    return this.#nextId;
  }

  account(login: string, type?: 'User' | 'Organization' | 'Bot') {
    let account = this.accounts.get(login);
    if (!account) {
      account = { id: this.nextId(), type: type ?? (login.endsWith('[bot]') ? 'Bot' : 'User') };
      this.accounts.set(login, account);
    } else if (type) {
      account.type = type;
    }
    return account;
  }

  user(login: string) {
    const account = this.account(login);
    return userObject(login, account.id, account.type);
  }

  repository(fullName: string): SimRepository | undefined {
    return this.repositories.get(fullName.toLowerCase());
  }

  requireRepository(fullName: string): SimRepository {
    const repo = this.repository(fullName);
    if (!repo) throw new Error(`the simulator has no repository ${fullName}`);
    return repo;
  }

  addRepository(options: {
    owner: string;
    name: string;
    installationId: number;
    private?: boolean;
    defaultBranch?: string;
    parent?: string;
  }): SimRepository {
    const fullName = `${options.owner}/${options.name}`;
    if (this.repository(fullName)) throw new Error(`repository ${fullName} exists already`);
    const parent = options.parent ? this.requireRepository(options.parent) : undefined;
    this.account(options.owner);
    const repo: SimRepository = {
      id: this.nextId(),
      owner: options.owner,
      name: options.name,
      fullName,
      private: options.private ?? true,
      defaultBranch: options.defaultBranch ?? 'main',
      installationId: options.installationId,
      git: parent?.git ?? new GitStore(),
      branches: new Map(),
      collaborators: new Map(),
      pulls: new Map(),
      ...(parent ? { parent: parent.fullName } : {}),
      nextNumber: 1,
    };
    this.repositories.set(fullName.toLowerCase(), repo);
    return repo;
  }

  /**
   * A commit from a ref as GitHub resolves one: a full or abbreviated SHA, a branch name, or
   * `heads/<branch>` / `refs/heads/<branch>`.
   */
  resolveRef(repo: SimRepository, ref: string | undefined): string | undefined {
    const name = ref ?? repo.defaultBranch;
    if (repo.git.commits.has(name)) return name;
    const branch = name.replace(/^refs\//, '').replace(/^heads\//, '');
    const onBranch = repo.branches.get(branch);
    if (onBranch) return onBranch;
    if (/^[0-9a-f]{7,39}$/.test(name)) {
      const matches = [...repo.git.commits.keys()].filter((sha) => sha.startsWith(name));
      if (matches.length === 1) return matches[0];
    }
    return undefined;
  }

  /** The files that differ between two commits, with their patches (cached: objects never change). */
  changes(git: GitStore, from: string, to: string): ChangedFile[] {
    const key = `${from}..${to}`;
    let files = this.#changes.get(key);
    if (files) return files;
    const before = git.flatten(from) ?? new Map();
    const after = git.flatten(to) ?? new Map();
    const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
    files = [];
    for (const path of paths) {
      const old = before.get(path);
      const now = after.get(path);
      if (old && now && old.sha === now.sha && old.mode === now.mode) continue;
      const status = !old ? 'added' : !now ? 'removed' : 'modified';
      const oldBytes = old ? (git.blobs.get(old.sha) ?? Buffer.alloc(0)) : Buffer.alloc(0);
      const newBytes = now ? (git.blobs.get(now.sha) ?? Buffer.alloc(0)) : Buffer.alloc(0);
      const file: ChangedFile = {
        filename: path,
        status,
        sha: (now ?? old)?.sha as string,
        additions: 0,
        deletions: 0,
        right: new Set(),
        left: new Set(),
      };
      if (!oldBytes.includes(0) && !newBytes.includes(0)) {
        const patch = structuredPatch(
          path,
          path,
          oldBytes.toString('utf8'),
          newBytes.toString('utf8'),
          '',
          '',
          {
            context: 3,
          },
        );
        const text = patch.hunks
          .map((hunk) => {
            let oldLine = hunk.oldStart;
            let newLine = hunk.newStart;
            for (const line of hunk.lines) {
              if (line.startsWith('+')) {
                file.additions += 1;
                file.right.add(newLine++);
              } else if (line.startsWith('-')) {
                file.deletions += 1;
                file.left.add(oldLine++);
              } else if (line.startsWith(' ')) {
                file.right.add(newLine++);
                file.left.add(oldLine++);
              }
            }
            const range = (start: number, count: number) => (count === 1 ? `${start}` : `${start},${count}`);
            // git writes an empty side's start as the line before it (0 for a new file).
            const oldStart = hunk.oldLines === 0 ? hunk.oldStart - 1 : hunk.oldStart;
            const newStart = hunk.newLines === 0 ? hunk.newStart - 1 : hunk.newStart;
            return [
              `@@ -${range(oldStart, hunk.oldLines)} +${range(newStart, hunk.newLines)} @@`,
              ...hunk.lines,
            ].join('\n');
          })
          .join('\n');
        if (text && Buffer.byteLength(text) <= MAX_PATCH_BYTES) file.patch = text;
      }
      files.push(file);
    }
    this.#changes.set(key, files);
    return files;
  }

  /** What a pull request changes: from where its head left the base, as GitHub's three-dot diff. */
  pullRequestChanges(repo: SimRepository, pr: SimPullRequest, head = pr.headSha): ChangedFile[] {
    const from = repo.git.mergeBase(pr.baseSha, head) ?? pr.baseSha;
    return this.changes(repo.git, from, head);
  }

  /**
   * Open pull requests of a repository whose head is `sha`, as check runs and suites list them:
   * GitHub leaves out pull requests from forks there (the App must look those up itself).
   */
  pullRequestsAt(repo: SimRepository, sha: string) {
    return [...repo.pulls.values()]
      .filter((pr) => pr.state === 'open' && pr.headSha === sha && pr.headRepo === repo.fullName)
      .map((pr) => pullRequestRef(repo, pr, this.repository(pr.headRepo) ?? repo));
  }

  appObject() {
    return appObject(this.app, this.user(this.app.owner));
  }

  checkSuiteId(repo: string, headSha: string): number {
    const key = `${repo.toLowerCase()}@${headSha}`;
    let id = this.checkSuites.get(key);
    if (id === undefined) {
      id = this.nextId();
      this.checkSuites.set(key, id);
    }
    return id;
  }

  readonly objects: ObjectContext = {
    user: (login) => this.user(login),
    repository: (fullName) => {
      const repo = this.requireRepository(fullName);
      return repositoryObject(repo, this.user(repo.owner));
    },
    stats: (pr, repo) => {
      const files = this.pullRequestChanges(repo, pr);
      return {
        files: files.length,
        additions: files.reduce((n, f) => n + f.additions, 0),
        deletions: files.reduce((n, f) => n + f.deletions, 0),
      };
    },
  };
}
