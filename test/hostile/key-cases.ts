/**
 * `verify IMAGE --key FILE` with keys that are not keys: devices, FIFOs, folders, garbage,
 * huge files, private keys. The key is read before any registry is asked, so a bad key is a
 * usage error (exit 2) whatever the image; the image names a closed port so that a key that
 * loads ends in a quick "could not be looked up" (exit 1).
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SoloCase } from './model.js';
import { terminalProblems } from './model.js';
import { exitIn } from './repository.js';
import type { ProcessRun } from './runner.js';

const IMAGE = `127.0.0.1:9/hostile/app@sha256:${'a'.repeat(64)}`;
const usage = exitIn([2]);

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PUBLIC_PEM = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const PRIVATE_PEM = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
/** A slice of the private key's base64 body: it must never be printed. */
const PRIVATE_SLICE = PRIVATE_PEM.split('\n')[2] ?? 'unreachable';

interface KeySpec {
  id: string;
  why: string;
  /** Makes the key in `dir` and returns its path. */
  key(dir: string): string;
  expect: (run: ProcessRun) => string[];
  format?: 'json' | 'text';
  secrets?: string[];
  /** A case whose path through the code this one shares: run in process (see SoloCase). */
  samePathAs?: string;
}

const write = (name: string, bytes: string | Buffer) => (dir: string) => {
  writeFileSync(join(dir, name), bytes);
  return join(dir, name);
};

const SPECS: KeySpec[] = [
  {
    id: 'control-ec-public',
    why: 'a valid EC public key (control: loads, lookup fails)',
    key: write('ok.pub', PUBLIC_PEM),
    expect: exitIn([1]),
  },
  { id: 'dev-zero', why: '--key /dev/zero', key: () => '/dev/zero', expect: usage },
  // Devices are refused before a byte is read (dev-zero shows it, bounded, as a process).
  {
    id: 'dev-urandom',
    samePathAs: 'dev-zero',
    why: '--key /dev/urandom',
    key: () => '/dev/urandom',
    expect: usage,
  },
  { id: 'dev-null', samePathAs: 'dev-zero', why: '--key /dev/null', key: () => '/dev/null', expect: usage },
  {
    id: 'symlink-dev-zero',
    why: 'a symlink to /dev/zero',
    key: (dir) => {
      symlinkSync('/dev/zero', join(dir, 'z.pub'));
      return join(dir, 'z.pub');
    },
    expect: usage,
  },
  {
    id: 'fifo',
    why: 'a FIFO (must not block)',
    key: (dir) => {
      execFileSync('mkfifo', [join(dir, 'k.pub')]);
      return join(dir, 'k.pub');
    },
    expect: usage,
  },
  {
    id: 'directory',
    why: 'a folder',
    key: (dir) => {
      mkdirSync(join(dir, 'keys.d'));
      return join(dir, 'keys.d');
    },
    expect: usage,
  },
  { id: 'missing', why: 'a path that does not exist', key: (dir) => join(dir, 'nope.pub'), expect: usage },
  { id: 'empty', why: 'an empty file', key: write('e.pub', ''), expect: usage },
  {
    id: 'garbage',
    samePathAs: 'pem-garbage',
    why: 'random text',
    key: write('g.pub', 'this is not a key at all'),
    expect: usage,
  },
  {
    id: 'pem-garbage',
    why: 'a PEM frame around garbage',
    key: write('p.pub', '-----BEGIN PUBLIC KEY-----\n!!!!notbase64$$$$\n-----END PUBLIC KEY-----\n'),
    expect: usage,
  },
  {
    id: 'pem-truncated',
    samePathAs: 'pem-garbage',
    why: 'a public key cut in half',
    key: write('t.pub', PUBLIC_PEM.slice(0, PUBLIC_PEM.length / 2)),
    expect: usage,
  },
  {
    id: 'huge-50mib',
    why: 'a 50 MiB file',
    key: write('h.pub', Buffer.alloc(50 * 1024 * 1024, 0x41)),
    expect: usage,
  },
  {
    id: 'many-pem-blocks',
    why: '2 MiB of PEM blocks',
    key: write('m.pub', PUBLIC_PEM.repeat(Math.ceil((2 * 1024 * 1024) / PUBLIC_PEM.length))),
    expect: usage,
  },
  {
    id: 'binary',
    samePathAs: 'pem-garbage',
    why: 'binary bytes',
    key: write('b.pub', Buffer.from([0x30, 0x82, 0xff, 0xff, 0, 0, 0x7f, 0x45])),
    expect: usage,
  },
  {
    id: 'private-key',
    why: 'a private key given as --key: never echoed',
    key: write('priv.pem', PRIVATE_PEM),
    expect: exitIn([1, 2]),
    secrets: [PRIVATE_SLICE],
  },
  {
    id: 'escapes-in-key',
    why: 'escape sequences and a workflow command in the key file (text output)',
    format: 'text',
    key: write('esc.pub', '\u001b[2J\u001b]0;owned\u0007\n::error::forged\n'),
    expect: (run) => [...usage(run), ...terminalProblems(`${run.stdout}\n${run.stderr}`)],
  },
  {
    id: 'escapes-in-path',
    why: 'escape sequences and a workflow command in the key path (text output)',
    format: 'text',
    key: (dir) => join(dir, '\u001b[2J\n::error::forged.pub'),
    expect: (run) => [...usage(run), ...terminalProblems(`${run.stdout}\n${run.stderr}`)],
  },
];

export function keyCases(): SoloCase[] {
  return SPECS.map((spec) => ({
    id: `key-${spec.id}`,
    category: 'key',
    why: spec.why,
    ...(spec.secrets ? { secrets: spec.secrets } : {}),
    ...(spec.samePathAs ? { samePathAs: `key-${spec.samePathAs}` } : {}),
    prepare: (_ws, dir) => {
      mkdirSync(dir, { recursive: true });
      return {
        cwd: dir,
        args: ['verify', IMAGE, '--key', spec.key(dir), '--format', spec.format ?? 'json'],
        expect: spec.expect,
      };
    },
  }));
}
