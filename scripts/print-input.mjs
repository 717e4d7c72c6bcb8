// Development aid: prints the policy input document for a Dockerfile (build first: npm run build).
import { readFileSync } from 'node:fs';
import { dockerfileInput } from '../dist/targets/dockerfile/index.js';

for (const path of process.argv.slice(2)) {
  console.log(JSON.stringify(dockerfileInput(path, readFileSync(path, 'utf8')), null, 2));
}
