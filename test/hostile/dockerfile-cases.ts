/**
 * Dockerfiles: every hostile payload in every place a Dockerfile carries text, and the
 * files a gate cannot read. Each file runs as root (`USER root` before the payload, or no
 * USER at all), so a judged file always carries PC-DF-002; a file the gate cannot read
 * carries PC-INPUT-001. Either way the gate fails: never silence.
 */
import { linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RepoFile, RepoGroup, Verdict, Workspace } from './model.js';
import { PAYLOADS } from './payloads.js';

const ROOT_DOCKERFILE = 'FROM alpine:latest\nUSER root\n';
/** Judged (root seen), or failed closed: unreadable (PC-INPUT-001) or over the sandbox's limits (PC-SANDBOX-001). */
const judged: Verdict = { kind: 'deny', rules: ['PC-DF-002', 'PC-INPUT-001', 'PC-SANDBOX-001'] };
const rootSeen: Verdict = { kind: 'deny', rules: ['PC-DF-002'] };
const unreadable: Verdict = { kind: 'input' };
/** Judged with the root user found, or failed closed as unreadable: either way never a pass. */
const rootSeenOrUnreadable: Verdict = { kind: 'deny', rules: ['PC-DF-002', 'PC-INPUT-001'] };

// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what is checked
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const PLACEMENTS: Record<string, (p: string) => string> = {
  comment: (p) => `# ${p}`,
  label: (p) => `LABEL org.example.note="${p}"`,
  env: (p) => `ENV NOTE=${p}`,
  run: (p) => `RUN echo ${p}`,
  arg: (p) => `ARG NOTE="${p}"`,
};

function writer(path: string, bytes: string | Buffer) {
  return (repo: string) => {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), bytes);
  };
}

function textCases(): RepoFile[] {
  const files: RepoFile[] = [];
  for (const payload of PAYLOADS) {
    for (const [placement, render] of Object.entries(PLACEMENTS)) {
      const id = `df-${payload.id}-${placement}`;
      const path = `text/${payload.id}/${placement}.Dockerfile`;
      files.push({
        id,
        category: 'dockerfile',
        path,
        why: `${payload.id} in a ${placement} line`,
        write: writer(path, `${ROOT_DOCKERFILE}${render(payload.text)}\nCMD ["true"]\n`),
        // A parser that splits where the builder does not would see the smuggled USER: strict.
        verdict: payload.smuggles ? rootSeen : judged,
        ...(payload.secret ? { secrets: [payload.secret] } : {}),
        ...(CONTROL.test(payload.text) ? { raw: payload.text } : {}),
      });
    }
  }
  return files;
}

const MIB = 1024 * 1024;
const doubling = ['FROM alpine:latest', 'ARG A0=xxxxxxxxxxxxxxxx'];
for (let i = 1; i <= 40; i++) doubling.push(`ARG A${i}=\${A${i - 1}}\${A${i - 1}}`);
doubling.push(`ENV BIG=\${A40}`, 'USER root');

interface Special {
  id: string;
  why: string;
  verdict: Verdict;
  /** Bytes of the file, or a function that makes the file (links). */
  make: string | Buffer | ((repo: string, path: string, ws: Workspace) => void);
  secrets?: string[];
}

const utf16 = (text: string, bom: Buffer, be: boolean) => {
  const le = Buffer.from(text, 'utf16le');
  if (be)
    for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1] as number, le[i] as number];
  return Buffer.concat([bom, le]);
};

const SPECIALS: Special[] = [
  {
    id: 'over-1mib',
    why: 'padded past 1 MiB with comments',
    verdict: unreadable,
    make: `${ROOT_DOCKERFILE}${'# pad\n'.repeat(MIB / 6 + 10)}`,
  },
  {
    id: 'exactly-1mib-plus-1',
    why: '1 MiB + 1 byte',
    verdict: unreadable,
    make: Buffer.concat([Buffer.from(ROOT_DOCKERFILE), Buffer.alloc(MIB + 1 - ROOT_DOCKERFILE.length, 0x23)]),
  },
  {
    id: 'over-4mib-one-line',
    why: 'a 4 MiB comment line',
    verdict: unreadable,
    make: `${ROOT_DOCKERFILE}#${'x'.repeat(4 * MIB)}\n`,
  },
  {
    id: 'invalid-utf8-comment',
    why: 'one 0xFF byte in a comment',
    verdict: unreadable,
    make: Buffer.concat([
      Buffer.from('FROM alpine:latest\n# caf'),
      Buffer.from([0xff]),
      Buffer.from('\nUSER root\n'),
    ]),
  },
  {
    id: 'overlong-utf8',
    why: 'an overlong encoding of "/"',
    verdict: unreadable,
    make: Buffer.concat([
      Buffer.from('FROM alpine:latest\nRUN echo '),
      Buffer.from([0xc0, 0xaf]),
      Buffer.from('\nUSER root\n'),
    ]),
  },
  {
    id: 'utf8-surrogate',
    why: 'an encoded UTF-16 surrogate',
    verdict: unreadable,
    make: Buffer.concat([
      Buffer.from('FROM alpine:latest\nUSER root\n# '),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('\n'),
    ]),
  },
  {
    id: 'truncated-utf8-at-eof',
    why: 'a multibyte sequence cut at the end',
    verdict: unreadable,
    make: Buffer.concat([Buffer.from('FROM alpine:latest\nUSER root\n# '), Buffer.from([0xe2, 0x82])]),
  },
  {
    id: 'nul-in-comment',
    why: 'a NUL byte in a comment',
    verdict: unreadable,
    make: 'FROM alpine:latest\n# a\u0000b\nUSER root\n',
  },
  {
    id: 'nul-after-8000-bytes',
    why: "a NUL byte past git's 8000-byte binary heuristic",
    verdict: judged,
    make: `FROM alpine:latest\n${'# pad\n'.repeat(1500)}# a\u0000b\nUSER root\n`,
  },
  {
    id: 'png-bytes',
    why: 'a PNG image named Dockerfile',
    verdict: unreadable,
    make: Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      Buffer.from('IHDR FROM alpine:latest\nUSER root\n'),
    ]),
  },
  {
    id: 'elf-bytes',
    why: 'an ELF executable named Dockerfile',
    verdict: unreadable,
    make: Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(64, 0)]),
  },
  {
    id: 'gzip-bytes',
    why: 'gzip bytes named Dockerfile',
    verdict: unreadable,
    make: Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xfe, 0x80, 0x81]),
  },
  {
    id: 'utf16le-bom',
    why: 'UTF-16LE with a byte order mark',
    verdict: unreadable,
    make: utf16(ROOT_DOCKERFILE, Buffer.from([0xff, 0xfe]), false),
  },
  {
    id: 'utf16be-bom',
    why: 'UTF-16BE with a byte order mark',
    verdict: unreadable,
    make: utf16(ROOT_DOCKERFILE, Buffer.from([0xfe, 0xff]), true),
  },
  {
    id: 'arg-doubling',
    why: 'ARG chain doubling 16 bytes 40 times (Invalid string length)',
    // Stage ARGs (after FROM) are never expanded by the parser, only global ones for FROM
    // (arg-doubling-in-from, which hits the 64 KiB cap of variables.ts): nothing grows here,
    // so judging the file as written is right, and it fails on its USER root.
    verdict: rootSeenOrUnreadable,
    make: `${doubling.join('\n')}\n`,
  },
  {
    id: 'arg-doubling-in-from',
    why: 'a doubled ARG expanded in FROM',
    verdict: unreadable,
    make: `${doubling.slice(1, -2).join('\n')}\nFROM alpine:\${A40}\nUSER root\n`,
  },
  {
    id: 'continuation-flood',
    why: '100 000 line continuations',
    verdict: judged,
    make: `FROM alpine:latest\nUSER root\nRUN true ${'\\\n'.repeat(100_000)}\n`,
  },
  {
    id: 'many-instructions',
    why: '60 000 instructions',
    verdict: judged,
    make: `FROM alpine:latest\nUSER root\n${'ENV A=1\n'.repeat(60_000)}`,
  },
  {
    id: 'many-stages',
    why: '5 000 stages, the last as root',
    verdict: judged,
    make: `${Array.from({ length: 5000 }, (_, i) => `FROM alpine:3.20 AS s${i}`).join('\n')}\nUSER root\n`,
  },
  {
    id: 'copy-from-cycle',
    why: 'stages that copy from each other',
    verdict: judged,
    make: 'FROM alpine:latest AS a\nCOPY --from=b / /\nFROM alpine:latest AS b\nCOPY --from=a / /\nUSER root\n',
  },
  {
    id: 'heredoc-unterminated',
    why: 'a heredoc that never ends',
    verdict: judged,
    make: 'FROM alpine:latest\nUSER root\nRUN <<EOF\necho hi\n',
  },
  {
    id: 'heredoc-user-inside',
    why: 'USER app inside a heredoc body (the builder runs it as shell)',
    verdict: rootSeen,
    make: 'FROM alpine:latest\nUSER root\nRUN <<EOF\nUSER app\nEOF\n',
  },
  {
    id: 'escape-directive-backtick',
    why: 'escape=`: a backtick continuation swallows USER app',
    verdict: rootSeen,
    make: '# escape=`\nFROM alpine:latest\nUSER root\nRUN echo `\nUSER app\n',
  },
  {
    id: 'cr-only-line-endings',
    why: 'old-Mac CR line endings (one line for BuildKit)',
    verdict: judged,
    make: 'FROM alpine:latest\rUSER app\rUSER root\r',
  },
  {
    id: 'crlf-bom',
    why: 'a Windows checkout: BOM and CRLF',
    verdict: rootSeen,
    make: '\ufeffFROM alpine:latest\r\nUSER root\r\n',
  },
  {
    id: 'env-cr-user',
    why: 'the issue\'s ENV A="b\\rUSER app"',
    verdict: rootSeen,
    make: 'FROM alpine:latest\nENV A="b\rUSER app"\n',
  },
  {
    id: 'continuation-cr-user',
    why: 'a continuation ending in CR then USER app',
    verdict: rootSeen,
    make: 'FROM alpine:latest\nRUN true \\\r\nUSER root\nRUN echo x\rUSER app\n',
  },
  {
    id: 'from-url-credentials',
    why: 'FROM with user:password in a URL',
    verdict: { kind: 'deny', rules: ['PC-DF-001', 'PC-DF-002', 'PC-DF-014', 'PC-INPUT-001'] },
    make: 'FROM https://deploy:s3cret-From-Pass-77@registry.example/acme/app:latest\nUSER root\n',
    secrets: ['s3cret-From-Pass-77'],
  },
  {
    id: 'from-userinfo-reference',
    why: 'FROM user:password@registry/image',
    verdict: { kind: 'deny', rules: ['PC-DF-001', 'PC-DF-002', 'PC-DF-014', 'PC-INPUT-001'] },
    make: 'FROM deploy:s3cret-Ref-Pass-78@registry.example/app:1.0\nUSER root\n',
    secrets: ['s3cret-Ref-Pass-78'],
  },
  {
    id: 'env-secret',
    why: 'a secret in ENV (PC-DF-007 must not quote it)',
    verdict: { kind: 'deny', rules: ['PC-DF-007'] },
    make: 'FROM alpine:3.20\nENV DB_PASSWORD=hunter2-Env-Secret-79\nUSER root\n',
    secrets: ['hunter2-Env-Secret-79'],
  },
  {
    id: 'arg-token',
    why: 'a GitHub token in an ARG default',
    verdict: { kind: 'deny', rules: ['PC-DF-007', 'PC-DF-002'] },
    make: 'FROM alpine:3.20\nARG GITHUB_TOKEN=ghp_ArgTokenHostile80Zq8Lm3Xv7Rt2Wn5Pk9\nUSER root\n',
    secrets: ['ghp_ArgTokenHostile80Zq8Lm3Xv7Rt2Wn5Pk9'],
  },
  {
    id: 'inline-ignore-proto',
    why: 'an inline ignore naming __proto__ and toString',
    verdict: rootSeen,
    make: 'FROM alpine:latest\n# portcullis ignore=__proto__,toString,constructor reason="x"\nUSER root\n',
  },
  { id: 'empty-file', why: 'an empty Dockerfile', verdict: { kind: 'any' }, make: '' },
  { id: 'only-bom', why: 'a byte order mark and nothing else', verdict: { kind: 'any' }, make: '\ufeff' },
  {
    id: 'symlink-outside',
    why: 'a symlink to a Dockerfile outside the repository',
    verdict: unreadable,
    make: (repo, path, ws) => symlinkSync(join(ws.sentinel, 'root.Dockerfile'), join(repo, path)),
  },
  {
    id: 'symlink-etc-passwd',
    why: 'a symlink to /etc/passwd',
    verdict: unreadable,
    make: (repo, path) => symlinkSync('/etc/passwd', join(repo, path)),
  },
  {
    id: 'symlink-dev-zero',
    why: 'a symlink to /dev/zero',
    verdict: unreadable,
    make: (repo, path) => symlinkSync('/dev/zero', join(repo, path)),
  },
  {
    id: 'symlink-inside',
    why: 'a symlink to another Dockerfile of the repository',
    // An uncommitted link inside the repository: the CLI judges its target's content, as the
    // builder reads it; the App refuses a symlink in a pull request (PC-INPUT-001). Either
    // fails on the target's USER root; a pass of the denied content never.
    verdict: rootSeenOrUnreadable,
    make: (repo, path) => {
      writeFileSync(join(repo, 'linked-target.txt'), ROOT_DOCKERFILE);
      symlinkSync('../linked-target.txt', join(repo, path));
    },
  },
  {
    id: 'symlink-dangling',
    why: 'a symlink to nothing',
    verdict: unreadable,
    make: (repo, path) => symlinkSync('./does-not-exist', join(repo, path)),
  },
  {
    id: 'symlink-loop',
    why: 'a symlink that points at itself',
    verdict: unreadable,
    make: (repo, path) => symlinkSync(`./${path.split('/').pop()}`, join(repo, path)),
  },
  {
    id: 'hardlink-outside',
    why: 'a hard link to a file outside the repository (a regular file: judged by content)',
    verdict: judged,
    make: (repo, path, ws) => linkSync(join(ws.sentinel, 'hard-check.Dockerfile'), join(repo, path)),
  },
];

function specialCases(): RepoFile[] {
  return SPECIALS.map((special) => {
    const path = `bytes/${special.id}.Dockerfile`;
    const { make } = special;
    return {
      id: `df-${special.id}`,
      category: 'dockerfile',
      path,
      why: special.why,
      verdict: special.verdict,
      ...(special.secrets ? { secrets: special.secrets } : {}),
      write: (repo, ws) => {
        mkdirSync(dirname(join(repo, path)), { recursive: true });
        if (typeof make === 'function') make(repo, path, ws);
        else writeFileSync(join(repo, path), make);
      },
    };
  });
}

export function dockerfileGroups(): RepoGroup[] {
  return [
    { name: 'dockerfile-text', files: textCases(), textRuns: [['check', '--format', 'text', '--offline']] },
    { name: 'dockerfile-bytes', files: specialCases() },
  ];
}
