/**
 * bin/code-cache.js: the CLI bundle loaded with V8's code cache, from the build's cache or,
 * when this Node rejects that one, from the user's, written after the first run; never a
 * failure because of a cache.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: plain JavaScript, run by bin/portcullis.js before any TypeScript is loaded.
import { loadBundle } from '../../bin/code-cache.js';

interface Loaded {
  exports: { answer: (n: number) => number };
  saveCodeCache(target?: string | null, options?: { force?: boolean }): void;
}
const load = loadBundle as (
  path: string,
  caches?: { shippedCache?: string | null; userCache?: string | null },
) => Loaded;

let dir: string;
let bundle: string;
const BUNDLE = `"use strict";
exports.answer = (n) => { let total = 0; for (let i = 0; i < n; i++) total += i; return total + require('node:path').sep.length; };
exports.file = __filename;
`;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portcullis-code-cache-'));
  bundle = join(dir, 'cli.cjs');
  await writeFile(bundle, BUNDLE);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('loadBundle', () => {
  it('runs the bundle as a CommonJS module, with require and __filename of its own', () => {
    const loaded = load(bundle, { shippedCache: null, userCache: null });
    expect(loaded.exports.answer(4)).toBe(7);
    expect((loaded.exports as unknown as { file: string }).file).toBe(bundle);
  });

  it('reads a bundle that is not ASCII as UTF-8 (the build escapes what esbuild leaves; a hand-made one may not be)', async () => {
    await writeFile(bundle, "// déjà vu – a comment\nexports.text = 'café – 😀';\n");
    const loaded = load(bundle, { shippedCache: null, userCache: null });
    expect((loaded.exports as unknown as { text: string }).text).toBe('café – 😀');
  });

  it("writes the user's cache when it had none, and takes it on the next run without writing again", async () => {
    const userCache = join(dir, 'user', 'cli.cache');
    const first = load(bundle, { shippedCache: join(dir, 'missing.cache'), userCache });
    first.exports.answer(10);
    first.saveCodeCache();
    const written = await stat(userCache);
    expect(written.size).toBeGreaterThan(0);

    const second = load(bundle, { shippedCache: join(dir, 'missing.cache'), userCache });
    expect(second.exports.answer(10)).toBe(46);
    second.saveCodeCache();
    expect((await stat(userCache)).mtimeMs).toBe(written.mtimeMs);
    // No temporary file is left beside it.
    expect(await readdir(join(dir, 'user'))).toEqual(['cli.cache']);
  });

  it("prefers the build's cache, and writes none of the user's when it is taken", async () => {
    const shippedCache = `${bundle}.cache`;
    const build = load(bundle, { shippedCache: null, userCache: null });
    build.exports.answer(3);
    build.saveCodeCache(shippedCache, { force: true });

    const userCache = join(dir, 'user', 'cli.cache');
    const run = load(bundle, { shippedCache, userCache });
    expect(run.exports.answer(3)).toBe(4);
    run.saveCodeCache();
    expect(await exists(userCache)).toBe(false);
  });

  it('runs the bundle compiled afresh when a cache is garbage, and replaces it', async () => {
    const shippedCache = `${bundle}.cache`;
    const userCache = join(dir, 'user.cache');
    await writeFile(shippedCache, 'not a code cache');
    await writeFile(userCache, Buffer.alloc(4096, 7));
    const loaded = load(bundle, { shippedCache, userCache });
    expect(loaded.exports.answer(5)).toBe(11);
    loaded.saveCodeCache();
    expect((await stat(userCache)).size).not.toBe(4096);
    expect(load(bundle, { shippedCache, userCache }).exports.answer(5)).toBe(11);
  });

  it('never hands V8 a cache torn on disk (this V8 crashed on one) or made for another bundle of the same length', async () => {
    const shippedCache = `${bundle}.cache`;
    const build = load(bundle, { shippedCache: null, userCache: null });
    build.exports.answer(3);
    build.saveCodeCache(shippedCache, { force: true });
    const whole = await readFile(shippedCache);

    const torn = Buffer.from(whole);
    for (let at = 40; at < torn.length; at += 7) torn[at] = (torn[at] as number) ^ 0x5a;
    await writeFile(shippedCache, torn);
    expect(load(bundle, { shippedCache, userCache: null }).exports.answer(3)).toBe(4);

    // Same length, other code: V8 itself compares only the length.
    await writeFile(shippedCache, whole);
    await writeFile(bundle, BUNDLE.replace('total + require', 'total - require'));
    expect(load(bundle, { shippedCache, userCache: null }).exports.answer(3)).toBe(2);
  });

  it('runs when the cache folder cannot be written (a file stands where it would go)', async () => {
    await writeFile(join(dir, 'blocked'), '');
    const loaded = load(bundle, { shippedCache: null, userCache: join(dir, 'blocked', 'cli.cache') });
    expect(loaded.exports.answer(2)).toBe(2);
    expect(() => loaded.saveCodeCache()).not.toThrow();
  });
});
