import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonSchema } from '../schema/parse-json.js';
import { DiskCache } from './disk-cache.js';

interface Meta {
  name: string;
}
const META: JsonSchema<Meta> = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' } },
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portcullis-disk-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entryFiles = async () => (await readdir(dir)).filter((name) => name.endsWith('.entry'));

describe('DiskCache', () => {
  it('returns what was stored, value and payload; a missing folder is a miss and is not created', async () => {
    const cache = new DiskCache({ dir: join(dir, 'c'), schema: META });
    expect(await cache.get('k')).toBeNull();
    expect(await readdir(dir)).toEqual([]);
    await cache.set('k', { name: 'one' }, Buffer.from([0, 1, 2, 10, 255]));
    const hit = await cache.get('k');
    expect(hit?.value).toEqual({ name: 'one' });
    expect([...(hit?.payload ?? [])]).toEqual([0, 1, 2, 10, 255]);
    expect(await cache.get('other')).toBeNull();
  });

  it('reads small entries and large ones (a compiled policy) alike', async () => {
    const cache = new DiskCache({ dir, schema: META });
    const large = Buffer.alloc(300 * 1024, 7);
    await cache.set('large', { name: 'large' }, large);
    await cache.set('small', { name: 'small' }, Buffer.from('x'));
    expect((await cache.get('large'))?.payload.equals(large)).toBe(true);
    expect((await cache.get('small'))?.payload.toString()).toBe('x');
  });

  it("records a use in the entry's time when the last one is over an hour old, not at every read", async () => {
    const cache = new DiskCache({ dir, schema: META });
    await cache.set('k', { name: 'k' });
    const [file] = await entryFiles();
    const path = join(dir, file as string);
    const recent = new Date(Date.now() - 10 * 60_000);
    await utimes(path, recent, recent);
    await cache.get('k');
    expect(Math.round((await stat(path)).mtimeMs)).toBe(recent.getTime());
    const old = new Date(Date.now() - 2 * 60 * 60_000);
    await utimes(path, old, old);
    await cache.get('k');
    expect((await stat(path)).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
  });

  it.each([
    ['a truncated payload', (bytes: Buffer) => bytes.subarray(0, bytes.length - 1)],
    ['a changed payload byte', (bytes: Buffer) => Buffer.concat([bytes.subarray(0, -1), Buffer.from('x')])],
    ['a header that is not JSON', (bytes: Buffer) => Buffer.concat([Buffer.from('{'), bytes])],
    ['no header line', () => Buffer.from('garbage')],
    [
      'a value of another shape',
      (bytes: Buffer) => Buffer.from(bytes.toString('latin1').replace('"name"', '"nom"'), 'latin1'),
    ],
  ])('drops an entry with %s: a miss, and the file is gone', async (_, corrupt) => {
    const cache = new DiskCache({ dir, schema: META });
    await cache.set('k', { name: 'one' }, Buffer.from('payload'));
    const [file] = await entryFiles();
    const path = join(dir, file as string);
    await writeFile(path, corrupt(await readFile(path)));
    expect(await cache.get('k')).toBeNull();
    expect(await entryFiles()).toEqual([]);
  });

  it('does not serve an entry renamed to another key', async () => {
    const cache = new DiskCache({ dir, schema: META });
    await cache.set('a', { name: 'a' });
    const [file] = await entryFiles();
    await cache.set('b', { name: 'b' });
    const other = (await entryFiles()).find((name) => name !== file) as string;
    await writeFile(join(dir, other), await readFile(join(dir, file as string)));
    expect(await cache.get('b')).toBeNull();
    expect((await cache.get('a'))?.value).toEqual({ name: 'a' });
  });

  it('stays within its bound by removing the least recently used entries first', async () => {
    const payload = Buffer.alloc(1000);
    const cache = new DiskCache({ dir, schema: META, maxBytes: 3500 });
    await cache.set('first', { name: 'first' }, payload);
    await cache.set('second', { name: 'second' }, payload);
    await cache.set('third', { name: 'third' }, payload);
    // Make the times distinct, then use "first": "second" is now the least recently used.
    // Older than the hour within which a use is not written again.
    const old = new Date(Date.now() - 2 * 60 * 60_000);
    for (const name of await entryFiles()) await utimes(join(dir, name), old, old);
    expect(await cache.get('first')).not.toBeNull();
    await cache.set('fourth', { name: 'fourth' }, payload);
    expect(await cache.get('second')).toBeNull();
    expect(await cache.get('first')).not.toBeNull();
    expect(await cache.get('fourth')).not.toBeNull();
    expect(await entryFiles()).toHaveLength(3);
  });

  it('looks at its folder again only when its own count passes the bound, not at every write', async () => {
    const cache = new DiskCache({ dir, schema: META, maxBytes: 5000 });
    await cache.set('first', { name: 'first' });
    // Left by nobody this process knows of: seen, and removed, only at the next look.
    await writeFile(join(dir, 'stray.json'), '{}');
    for (let i = 0; i < 20; i++) await cache.set(`small-${i}`, { name: 'small' });
    expect(await readdir(dir)).toContain('stray.json');
    await cache.set('big', { name: 'big' }, Buffer.alloc(4000));
    expect(await readdir(dir)).not.toContain('stray.json');
    expect(await cache.get('big')).not.toBeNull();
  });

  it('does not store an entry larger than its bound', async () => {
    const cache = new DiskCache({ dir, schema: META, maxBytes: 100 });
    await cache.set('big', { name: 'big' }, Buffer.alloc(200));
    expect(await cache.get('big')).toBeNull();
  });

  it('removes what is no entry (an older layout, a dead writer’s file) when it writes', async () => {
    await mkdir(join(dir, 'abc-0.70.0'));
    await writeFile(join(dir, 'abc-0.70.0', 'policy.wasm'), 'old');
    await writeFile(join(dir, 'old.json'), '{}');
    await writeFile(join(dir, '.dead.1.tmp'), 'partial');
    const old = new Date(Date.now() - 3600_000);
    await utimes(join(dir, '.dead.1.tmp'), old, old);
    await writeFile(join(dir, '.live.2.tmp'), 'being written');
    const cache = new DiskCache({ dir, schema: META });
    await cache.set('k', { name: 'one' });
    expect((await readdir(dir)).sort()).toEqual(['.live.2.tmp', ...(await entryFiles())].sort());
  });
});
