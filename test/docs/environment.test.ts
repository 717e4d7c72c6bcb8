import { readFile } from 'node:fs/promises';
import { ENVIRONMENT_DOC_PATH, renderEnvironmentDoc } from '../../src/docs/environment.js';
import { ENVIRONMENT_VARIABLES } from '../../src/settings.js';

it('docs/environment.md is what npm run docs generates', async () => {
  const generated = renderEnvironmentDoc();
  const committed = await readFile(ENVIRONMENT_DOC_PATH, 'utf8').catch(() => '');
  if (committed !== generated) {
    const ours = generated.split('\n');
    const theirs = committed.split('\n');
    const line = ours.findIndex((text, i) => text !== theirs[i]);
    throw new Error(
      `docs/environment.md is stale: run npm run docs\n  first difference at line ${line + 1}:\n  committed: ${theirs[line] ?? '(end of file)'}\n  generated: ${ours[line] ?? '(end of file)'}`,
    );
  }
});

it('lists every variable, with its secrets marked', () => {
  const generated = renderEnvironmentDoc();
  for (const v of ENVIRONMENT_VARIABLES) expect(generated).toContain(`| \`${v.name}\` |`);
  expect(generated).toMatch(/\| `WEBHOOK_SECRET` \| [^\n]* \| yes \|/);
  expect(generated).toMatch(/\| `PORT` \| whole number \| `3000` \| {2}\|/);
});
