// `npm run docs`: writes docs/rules.md from the policies' metadata, with the compiled
// catalog code (src/docs/rule-catalog.ts), so `npm run build` comes first.
import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { builtinRuleCatalog, RULE_CATALOG_PATH } from '../dist/docs/rule-catalog.js';

await writeFile(RULE_CATALOG_PATH, await builtinRuleCatalog());
process.stdout.write(`wrote ${relative(process.cwd(), RULE_CATALOG_PATH)}\n`);
