// Development aid: prints the policy input document of a container file, as the policies
// see it before registry facts are added (build first: npm run build).
import { readFileSync } from 'node:fs';
import { policyInputFor } from '../dist/targets/input.js';

for (const path of process.argv.slice(2)) {
  const input =
    policyInputFor(path, readFileSync(path, 'utf8')) ??
    policyInputFor(path, readFileSync(path, 'utf8'), 'dockerfile');
  console.log(JSON.stringify(input, null, 2));
}
