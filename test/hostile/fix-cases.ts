/**
 * `fix --write`: the files it may change are regular files inside the repository. Links out
 * (symbolic or hard), symlinked folders and paths outside are never written through; the
 * sentinel's digest around every run proves it. Control cases show fixes still land where
 * they should (a file named `..Dockerfile` is inside the repository).
 */
import { linkSync, readFileSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SoloCase, Workspace } from './model.js';
import { terminalProblems } from './model.js';
import { exitIn, type Files, makeRepository } from './repository.js';
import type { ProcessRun } from './runner.js';

/** MAINTAINER has a built-in fix (PC-DF-011), so `fix --write` wants to change this file. */
export const FIXABLE = 'FROM alpine:3.20\nMAINTAINER Jane <jane@example.com>\nUSER 10001\n';

interface FixSpec {
  id: string;
  why: string;
  files: (ws: Workspace) => Files;
  args: (ws: Workspace, repo: string) => string[];
  expect: (run: ProcessRun) => string[];
  /** Files of the repository that must have been fixed (control). */
  fixed?: string[];
  secrets?: string[];
}

const WRITE = ['fix', '--write', '--offline'];
const changed = (repo: string, path: string) =>
  readFileSync(join(repo, path), 'utf8').includes('MAINTAINER') ? [`${path} was not fixed`] : [];

const SPECS: FixSpec[] = [
  {
    id: 'symlink-file',
    why: 'Dockerfile is a symlink to a file outside',
    files: (ws) => ({
      Dockerfile: (r) => symlinkSync(join(ws.sentinel, 'fix-link.Dockerfile'), join(r, 'Dockerfile')),
    }),
    args: () => WRITE,
    expect: exitIn([0, 2]),
  },
  {
    id: 'symlink-file-named',
    why: 'the symlink named on the command line',
    files: (ws) => ({
      Dockerfile: (r) => symlinkSync(join(ws.sentinel, 'fix-link.Dockerfile'), join(r, 'Dockerfile')),
    }),
    args: () => [...WRITE, 'Dockerfile'],
    expect: exitIn([0, 2]),
  },
  {
    id: 'hardlink-file',
    why: 'Dockerfile is a hard link to a file outside',
    files: (ws) => ({
      Dockerfile: (r) => linkSync(join(ws.sentinel, 'fix-hard.Dockerfile'), join(r, 'Dockerfile')),
    }),
    args: () => WRITE,
    expect: exitIn([0, 2]),
  },
  {
    id: 'hardlink-file-named',
    why: 'the hard link named on the command line',
    files: (ws) => ({
      Dockerfile: (r) => linkSync(join(ws.sentinel, 'fix-hard.Dockerfile'), join(r, 'Dockerfile')),
    }),
    args: () => [...WRITE, 'Dockerfile'],
    expect: exitIn([0, 2]),
  },
  {
    id: 'symlinked-folder-named',
    why: 'a file under a symlinked folder, named',
    files: (ws) => ({ svc: (r) => symlinkSync(join(ws.sentinel, 'fixdir'), join(r, 'svc')) }),
    args: () => [...WRITE, 'svc/Dockerfile'],
    expect: exitIn([0, 2]),
  },
  {
    id: 'symlinked-folder',
    why: 'a symlinked folder, named',
    files: (ws) => ({ svc: (r) => symlinkSync(join(ws.sentinel, 'fixdir'), join(r, 'svc')) }),
    args: () => [...WRITE, 'svc'],
    expect: exitIn([0, 2]),
  },
  {
    id: 'symlinked-parent-escape',
    why: 'svc/../ through a symlinked folder',
    files: (ws) => ({ svc: (r) => symlinkSync(join(ws.sentinel, 'fixdir'), join(r, 'svc')) }),
    args: () => [...WRITE, 'svc/../svc/Dockerfile'],
    expect: exitIn([0, 2]),
  },
  {
    id: 'relative-outside',
    why: 'a path ../ outside the repository',
    files: () => ({ 'clean.Dockerfile': FIXABLE }),
    args: (ws, repo) => [...WRITE, relative(repo, join(ws.sentinel, 'fix-link.Dockerfile'))],
    expect: exitIn([2]),
  },
  {
    id: 'absolute-outside',
    why: 'an absolute path outside the repository',
    files: () => ({ 'clean.Dockerfile': FIXABLE }),
    args: (ws) => [...WRITE, join(ws.sentinel, 'fix-link.Dockerfile')],
    expect: exitIn([2]),
  },
  {
    id: 'dev-zero-named',
    why: 'a symlink to /dev/zero, named',
    files: () => ({ 'zero.Dockerfile': (r) => symlinkSync('/dev/zero', join(r, 'zero.Dockerfile')) }),
    args: () => [...WRITE, 'zero.Dockerfile'],
    expect: exitIn([0, 2]),
  },
  {
    id: 'dotdot-name',
    why: 'a file named ..Dockerfile is inside the repository (control)',
    files: () => ({ '..Dockerfile': FIXABLE }),
    args: () => WRITE,
    expect: exitIn([0]),
    fixed: ['..Dockerfile'],
  },
  {
    id: 'links-beside-real-file',
    why: 'links out beside a real fixable file: only the real file changes (control)',
    files: (ws) => ({
      'real.Dockerfile': FIXABLE,
      'link.Dockerfile': (r) =>
        symlinkSync(join(ws.sentinel, 'fix-link.Dockerfile'), join(r, 'link.Dockerfile')),
      'hard.Dockerfile': (r) =>
        linkSync(join(ws.sentinel, 'fix-hard.Dockerfile'), join(r, 'hard.Dockerfile')),
    }),
    args: () => WRITE,
    // Exit 2 is fine when the links are named as not written; the real file is fixed either way.
    expect: exitIn([0, 2]),
    fixed: ['real.Dockerfile'],
  },
  {
    id: 'hostile-names',
    why: 'fixable files named with escapes and workflow commands',
    files: () => ({ '\u001b[2Jx.Dockerfile': FIXABLE, '\n::error::forged\n.Dockerfile': FIXABLE }),
    args: () => WRITE,
    expect: (run) => [...exitIn([0])(run), ...terminalProblems(`${run.stdout}\n${run.stderr}`)],
    fixed: ['\u001b[2Jx.Dockerfile'],
  },
  {
    id: 'secret-in-fixed-file',
    why: 'a fixable file holding a secret: what fix --write prints never echoes it',
    files: () => ({
      Dockerfile: 'FROM alpine\nENV API_TOKEN=ghp_FixSecretHostile81Zq8Lm3Xv7Rt2Wn5\nMAINTAINER x\n',
    }),
    args: () => WRITE,
    expect: exitIn([0]),
    secrets: ['ghp_FixSecretHostile81Zq8Lm3Xv7Rt2Wn5'],
  },
];

export function fixCases(): SoloCase[] {
  return SPECS.map((spec) => ({
    id: `fix-${spec.id}`,
    category: 'fix',
    why: spec.why,
    ...(spec.secrets ? { secrets: spec.secrets } : {}),
    prepare: (ws, dir) => {
      makeRepository(dir, spec.files(ws));
      return {
        cwd: dir,
        args: spec.args(ws, dir),
        expect: spec.expect,
        writtenFiles: dir,
        after: () => (spec.fixed ?? []).flatMap((path) => changed(dir, path)),
      };
    },
  }));
}
