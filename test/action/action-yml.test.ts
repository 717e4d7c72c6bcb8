/**
 * action.yml against the code that reads it: every input is passed to the entry point as
 * the runner passes a JavaScript action's (INPUT_<NAME>), every INPUT_ variable of
 * src/settings.ts is an input, and each is read by src/action/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENVIRONMENT_VARIABLES } from '../../src/settings.js';

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}
interface ActionYml {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync('action.yml', 'utf8')) as ActionYml;
/** The runner's rule: upper case, spaces as `_`, dashes kept. */
/** A workflow expression, `${{ … }}`. */
const expression = (text: string) => `\${{ ${text} }}`;
const envName = (input: string) => `INPUT_${input.replace(/ /g, '_').toUpperCase()}`;
const judge = action.runs.steps.find((step) => step.id === 'judge');
const actionSource = readdirSync('src/action')
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
  .map((file) => readFileSync(join('src/action', file), 'utf8'))
  .join('\n');

it('is a composite action whose last step runs the built entry point', () => {
  expect(action.name).toBe('Portcullis');
  expect(action.description).toBeTruthy();
  expect(action.runs.using).toBe('composite');
  expect(action.runs.steps.at(-1)).toBe(judge);
  expect(judge?.run).toBe('node "$GITHUB_ACTION_PATH/dist/action/main.js"');
  expect(readFileSync('tsconfig.build.json', 'utf8')).toContain('"include": ["src"]');
  expect(existsSync('src/action/main.ts')).toBe(true);
});

it('lists exactly the inputs src/settings.ts reads, and passes each as the runner would', () => {
  const fromSettings = ENVIRONMENT_VARIABLES.filter((v) => v.name.startsWith('INPUT_')).map((v) => v.name);
  expect(Object.keys(action.inputs).map(envName).sort()).toEqual([...fromSettings].sort());
  expect(judge?.env).toEqual(
    Object.fromEntries(
      Object.keys(action.inputs).map((name) => [envName(name), expression(`inputs.${name}`)]),
    ),
  );
  for (const [name, input] of Object.entries(action.inputs)) {
    expect([name, input.description.length > 0]).toEqual([name, true]);
    // Every input is optional: the action works with none given.
    expect([name, input.required ?? false]).toEqual([name, false]);
  }
  expect(action.inputs['github-token']?.default).toBe(expression('github.token'));
});

it('reads every input in src/action', () => {
  const keys = Object.entries({
    actionConfig: 'INPUT_CONFIG',
    actionFailOn: 'INPUT_FAIL-ON',
    actionFormat: 'INPUT_FORMAT',
    actionBuild: 'INPUT_BUILD',
    actionOfflineDb: 'INPUT_OFFLINE-DB',
    actionTrustPolicy: 'INPUT_TRUST-POLICY',
    actionGithubToken: 'INPUT_GITHUB-TOKEN',
    actionSarifFile: 'INPUT_SARIF-FILE',
  });
  expect(keys.map(([, name]) => name).sort()).toEqual(Object.keys(action.inputs).map(envName).sort());
  // build, offline-db and trust-policy are read where they become their variables (useActionInputs).
  const inSettings = /export function useActionInputs\(\)[^{]*\{\s*const \{([^}]*)\} = settings\(\)/.exec(
    readFileSync('src/settings.ts', 'utf8'),
  )?.[1];
  for (const [key] of keys) {
    const read = actionSource.includes(`settings.${key}`) || (inSettings ?? '').includes(key);
    expect([key, read]).toEqual([key, true]);
  }
});

it("sets the sarif-file output from the entry point's step", () => {
  expect(action.outputs['sarif-file']?.value).toBe(expression('steps.judge.outputs.sarif-file'));
  expect(actionSource).toContain("runner.output('sarif-file'");
});
