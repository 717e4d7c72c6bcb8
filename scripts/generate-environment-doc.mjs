// `npm run docs`: writes docs/environment.md from the variable table in src/settings.ts,
// with the compiled code (dist/docs/environment.js), so `npm run build` comes first.
import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { ENVIRONMENT_DOC_PATH, renderEnvironmentDoc } from '../dist/docs/environment.js';

await writeFile(ENVIRONMENT_DOC_PATH, renderEnvironmentDoc());
process.stdout.write(`wrote ${relative(process.cwd(), ENVIRONMENT_DOC_PATH)}\n`);
