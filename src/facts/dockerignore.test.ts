/**
 * The `.dockerignore` matcher against moby/patternmatcher itself: test/fixtures/dockerignore/
 * cases.json is what the Go package (v0.6.0, `ignorefile.ReadAll` then `New` and
 * `MatchesOrParentMatches`) answered for each case, by the program in oracle.go.txt there
 * (`go run . < cases.in.json`). Then which COPY sources are reported, and reading the file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDockerfile } from '../targets/dockerfile/parse.js';
import {
  applyDockerignore,
  compileIgnorePatterns,
  dockerignoreCandidates,
  MAX_DOCKERIGNORE_BYTES,
  type RepositoryFileReader,
  readDockerignore,
  readIgnoreFile,
} from './dockerignore.js';

interface OracleCase {
  dockerignore: string;
  patterns: string[];
  error?: string;
  matches: Record<string, boolean>;
}

const CASES: OracleCase[] = JSON.parse(
  readFileSync(join(process.cwd(), 'test', 'fixtures', 'dockerignore', 'cases.json'), 'utf8'),
);

describe('moby/patternmatcher semantics', () => {
  it.each(CASES.map((c) => [JSON.stringify(c.dockerignore), c] as const))(
    '%s reads and matches as the Go package does',
    (_name, c) => {
      expect(readIgnoreFile(c.dockerignore)).toEqual(c.patterns);
      const matcher = compileIgnorePatterns(c.patterns);
      if (c.error) {
        expect(matcher).toHaveProperty('error');
        return;
      }
      if ('error' in matcher) throw new Error(matcher.error);
      const answered = Object.fromEntries(Object.keys(c.matches).map((p) => [p, matcher.excludes(p)]));
      expect(answered).toEqual(c.matches);
    },
  );
});

/** COPY/ADD sources of `dockerfile` reported under `patterns`, by line. */
function ignored(dockerfile: string, patterns: string): Record<number, string[] | undefined> {
  const facts = parseDockerfile(dockerfile);
  applyDockerignore(facts, { path: '.dockerignore', patterns: readIgnoreFile(patterns), error: null });
  return Object.fromEntries(
    facts.stages.flatMap((s) => s.instructions).flatMap((i) => (i.copy ? [[i.line, i.copy.ignored]] : [])),
  );
}

describe('ignored COPY and ADD sources', () => {
  it('reports excluded files and folders, a folder above counting, and leaves other stages, URLs and variables alone', () => {
    const dockerfile = [
      'FROM node:20 AS build', // 1
      'COPY package.json node_modules ./', // 2
      'COPY ./secrets/api.key /run/', // 3
      'COPY --from=build /app/node_modules /x/', // 4
      'ADD https://example.com/a.log /logs/', // 5
      'COPY $DIR/a.log /logs/', // 6
      'COPY <<EOF debug.log', // 7
      'x',
      'EOF',
      'ONBUILD COPY node_modules /x/', // 10
      'COPY /build.log "node_modules" /y/', // 11
      '',
    ].join('\n');
    expect(ignored(dockerfile, 'node_modules\nsecrets/\n*.log\n')).toEqual({
      2: ['node_modules'],
      3: ['./secrets/api.key'],
      4: [],
      5: [],
      6: [],
      7: [],
      10: undefined,
      11: ['/build.log', '"node_modules"'],
    });
  });

  it('does not report a folder an exception brings a file back from, nor the context root unless a catch-all excludes it', () => {
    const dockerfile = 'FROM alpine\nCOPY src ./\nCOPY docs ./\nCOPY . .\nCOPY go.sum ./\n';
    // `docs` stays excluded: no exception reaches below it.
    expect(ignored(dockerfile, '*\n!src/**/*.go\n!go.*\n')).toEqual({ 2: [], 3: ['docs'], 4: [], 5: [] });
    expect(ignored(dockerfile, '*\n')).toEqual({ 2: ['src'], 3: ['docs'], 4: ['.'], 5: ['go.sum'] });
    // `.*` excludes dot files, not the root (BuildKit #6926).
    expect(ignored(dockerfile, '.*\n')).toEqual({ 2: [], 3: [], 4: [], 5: [] });
  });
});

describe('hostile ignore files', () => {
  it('matches patterns that would make a backtracking regexp run for ages in one pass over the source', () => {
    // Go's RE2 answers these in linear time; a JavaScript RegExp of the same text would not return.
    const long = 'a'.repeat(4000);
    const folders = Array.from({ length: 200 }, () => 'a').join('/');
    const dockerfile = `FROM alpine\nCOPY ${long} /x/\nCOPY ${folders} /y/\n`;
    const patterns = `${'*a'.repeat(12)}*c\n${'**/a/'.repeat(8)}**/c\n`;
    expect(ignored(dockerfile, patterns)).toEqual({ 2: [], 3: [] });
  });

  it('refuses to match more patterns, or longer ones, than any real ignore file holds', () => {
    expect(compileIgnorePatterns(Array.from({ length: 1001 }, (_, i) => `p${i}`))).toEqual({
      error: 'more than 1000 patterns; not matched',
    });
    expect(compileIgnorePatterns(['x'.repeat(5000)])).toHaveProperty('error');
  });
});

describe('readDockerignore', () => {
  const reader =
    (files: Record<string, Uint8Array | { unavailable: string } | Error>): RepositoryFileReader =>
    async (path) => {
      const file = files[path];
      if (file instanceof Error) throw file;
      return file ?? null;
    };
  const text = (s: string) => new TextEncoder().encode(s);

  it('prefers <Dockerfile name>.dockerignore beside the Dockerfile to the folder .dockerignore, as BuildKit does', async () => {
    expect(dockerignoreCandidates('Dockerfile')).toEqual(['Dockerfile.dockerignore', '.dockerignore']);
    expect(dockerignoreCandidates('svc/api.Dockerfile')).toEqual([
      'svc/api.Dockerfile.dockerignore',
      'svc/.dockerignore',
    ]);
    const files = { 'svc/.dockerignore': text('a\n'), 'svc/api.Dockerfile.dockerignore': text('b\n') };
    expect(await readDockerignore('svc/api.Dockerfile', reader(files))).toEqual({
      path: 'svc/api.Dockerfile.dockerignore',
      patterns: ['b'],
      error: null,
    });
    expect(await readDockerignore('svc/Dockerfile', reader(files))).toEqual({
      path: 'svc/.dockerignore',
      patterns: ['a'],
      error: null,
    });
    expect(await readDockerignore('Dockerfile', reader(files))).toBeNull();
  });

  it('asks for both candidates at once (in the App each is a request to GitHub); the first that exists wins', async () => {
    const asked: string[] = [];
    const answers = new Map<string, (content: Uint8Array | null) => void>();
    const slow: RepositoryFileReader = (path) => {
      asked.push(path);
      return new Promise((resolve) => answers.set(path, resolve));
    };
    const reading = readDockerignore('svc/api.Dockerfile', slow);
    await new Promise((resolve) => setImmediate(resolve));
    expect(asked).toEqual(['svc/api.Dockerfile.dockerignore', 'svc/.dockerignore']);
    // The folder's answers first; the Dockerfile's own file still wins.
    answers.get('svc/.dockerignore')?.(text('a\n'));
    answers.get('svc/api.Dockerfile.dockerignore')?.(text('b\n'));
    expect(await reading).toEqual({ path: 'svc/api.Dockerfile.dockerignore', patterns: ['b'], error: null });
  });

  it('says why an ignore file could not be used, with no patterns, and does not throw', async () => {
    const big = new Uint8Array(MAX_DOCKERIGNORE_BYTES + 1).fill(0x61);
    expect(await readDockerignore('Dockerfile', reader({ '.dockerignore': big }))).toEqual({
      path: '.dockerignore',
      patterns: [],
      error: expect.stringContaining('more than'),
    });
    expect(
      await readDockerignore(
        'Dockerfile',
        reader({ '.dockerignore': { unavailable: 'not a regular file' } }),
      ),
    ).toEqual({ path: '.dockerignore', patterns: [], error: 'not a regular file' });
    expect(await readDockerignore('Dockerfile', reader({ '.dockerignore': new Error('EACCES') }))).toEqual({
      path: '.dockerignore',
      patterns: [],
      error: 'could not be read: EACCES',
    });
    expect(await readDockerignore('Dockerfile', reader({ '.dockerignore': text('ok\n[oops\n') }))).toEqual({
      path: '.dockerignore',
      patterns: [],
      error: expect.stringContaining('syntax error'),
    });
  });
});
