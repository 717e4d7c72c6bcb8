#!/usr/bin/env node
/**
 * Writes trust/sigstore-public-good/trusted_root.json from an `@sigstore/tuf` package
 * (the .tgz that `npm pack @sigstore/tuf@<version>` downloads): its seeds.json embeds the
 * public-good TUF repository's targets, trusted_root.json among them (base64).
 * See trust/sigstore-public-good/PROVENANCE.md.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const archive = process.argv[2];
if (!archive) {
  console.error('usage: node scripts/extract-sigstore-root.mjs sigstore-tuf-<version>.tgz');
  process.exit(2);
}
const seeds = JSON.parse(execFileSync('tar', ['-xzOf', archive, 'package/seeds.json'], { encoding: 'utf8' }));
const target = seeds['https://tuf-repo-cdn.sigstore.dev']?.targets?.['trusted_root.json'];
if (typeof target !== 'string') {
  console.error(`${archive}: seeds.json has no trusted_root.json target for tuf-repo-cdn.sigstore.dev`);
  process.exit(1);
}
const out = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'trust',
  'sigstore-public-good',
  'trusted_root.json',
);
writeFileSync(out, Buffer.from(target, 'base64'));
console.log(`wrote ${out}`);
