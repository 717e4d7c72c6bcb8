// Loads the CLI bundle (dist/bundle/cli.cjs, scripts/bundle-cli.mjs) with V8's code cache.
//
// Compiling the bundle's JavaScript was a third of a cold one-file `portcullis check`: the
// top-level code when the bundle loads, then every function the first time it runs. V8 can
// serialise that compiled code and take it back instead of compiling again, but Node 20 offers
// this for neither `import` nor `require` (module.enableCompileCache() is Node 22), only for a
// script compiled with node:vm, hence a CommonJS bundle run here as Node runs a CommonJS module.
//
// The cache comes from the build (cli.cjs.cache, written after a check the build runs, so it
// holds the functions a check compiles), or, when this Node rejects that one (another version,
// other V8 flags), from the user's cache folder, written after the first run.
//
// V8 checks a cache against its own version, its flags and the source's length only, and this
// Node's V8 does not verify the data: a cache torn on disk or made for another bundle of the
// same length crashed the process or would run other code. So each cache file starts with the
// SHA-256 of the bundle's bytes and its own, and is given to V8 only when that matches. Any
// failure to read or write a cache costs the time it saves, nothing else.
//
// CommonJS, as bin/cli.js (bin/package.json): an ES module entry point costs Node
// its module loader, ~5 ms of every run.
const { isAscii } = require('node:buffer');
const { createHash } = require('node:crypto');
const {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} = require('node:fs');
const { createRequire } = require('node:module');
const { homedir } = require('node:os');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const DIGEST_BYTES = 32;

/**
 * Runs the bundle at `bundlePath` as a CommonJS module and returns its exports, with
 * `saveCodeCache()`: after the work whose functions the cache should hold, it writes the cache
 * where the next run will look, unless this run took a cache already. `shippedCache` and
 * `userCache` are files, or null for none.
 */
function loadBundle(bundlePath, { shippedCache = `${bundlePath}.cache`, userCache } = {}) {
  const bytes = readFileSync(bundlePath);
  const bundleDigest = createHash('sha256').update(bytes).digest();
  const user = userCache === undefined ? userCacheFile(bundleDigest) : userCache;
  // The build leaves the bundle ASCII (scripts/bundle-cli.mjs): decoded as Latin-1, 1 ms against 5.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const compile = (cachedData) => new vm.Script(wrapped, { filename: bundlePath, cachedData });

  let script;
  let accepted = false;
  for (const file of [shippedCache, user]) {
    const cachedData = file ? readCache(file, bundleDigest) : undefined;
    if (!cachedData) continue;
    // Compiled either way: from the cache, or from the source when V8 rejects it.
    script = compile(cachedData);
    accepted = script.cachedDataRejected === false;
    if (accepted) break;
  }
  script ??= compile(undefined);

  const module = { exports: {} };
  script.runInThisContext()(
    module.exports,
    createRequire(bundlePath),
    module,
    bundlePath,
    dirname(bundlePath),
  );
  return {
    exports: module.exports,
    /**
     * Writes the cache to `target` (the user's cache by default) when this run had none it
     * could use, or always with `force` (the build's own run).
     */
    saveCodeCache(target = user, { force = false } = {}) {
      if ((accepted && !force) || !target) return;
      try {
        const payload = script.createCachedData();
        mkdirSync(dirname(target), { recursive: true });
        const temporary = `${target}.${process.pid}.tmp`;
        writeFileSync(temporary, Buffer.concat([checksum(bundleDigest, payload), payload]));
        renameSync(temporary, target);
        if (target === user) pruneStale(dirname(target), target);
      } catch {
        // A read-only or full disk: the next run compiles again.
      }
    },
  };
}

function checksum(bundleDigest, payload) {
  return createHash('sha256').update(bundleDigest).update(payload).digest();
}

/** The cache in `file` if it was made for this bundle and is whole, else undefined. */
function readCache(file, bundleDigest) {
  let data;
  try {
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  if (data.length <= DIGEST_BYTES) return undefined;
  const payload = data.subarray(DIGEST_BYTES);
  return checksum(bundleDigest, payload).equals(data.subarray(0, DIGEST_BYTES)) ? payload : undefined;
}

/** The user's cache for this bundle and this Node, under PORTCULLIS_CACHE_DIR as the rest of Portcullis reads it. */
function userCacheFile(bundleDigest) {
  const root =
    process.env.PORTCULLIS_CACHE_DIR || join(process.env.HOME || homedir(), '.cache', 'portcullis');
  const name = `cli-${bundleDigest.toString('hex').slice(0, 16)}-${process.version}-${process.arch}.cache`;
  return join(root, 'code-cache', name);
}

/** Caches of other builds that nobody has written for a week: each is ~1 MB. */
const STALE_MS = 7 * 24 * 60 * 60 * 1000;
function pruneStale(dir, keep) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === keep || !/^cli-.*\.cache$/.test(name)) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) unlinkSync(path);
    } catch {
      // Removed by another run meanwhile.
    }
  }
}

module.exports = { loadBundle };
