import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { dockerfileInput } from '../targets/dockerfile/index.js';
import { POLICY_INPUT_VERSION } from './policy-input.js';

const ROOT = process.cwd();
const FIXTURES = join(ROOT, 'test', 'fixtures', 'dockerfiles');
const schema = JSON.parse(readFileSync(join(ROOT, 'docs', 'policy-input.schema.json'), 'utf8')) as {
  $id: string;
  properties: { input_version: { const: number } };
};

// ajv and ajv-formats are CommonJS: under ESM their default export may arrive wrapped.
const unwrap = <T>(m: T | { default: T }): T => (m as { default: T }).default ?? (m as T);
const ajv = new (unwrap(Ajv2020))({ allErrors: true, strict: true });
unwrap(addFormats)(ajv);
const validate = ajv.compile(schema);

const errorsOf = (document: unknown) =>
  validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

describe('docs/policy-input.schema.json', () => {
  it('is a valid draft 2020-12 schema for the current input version', () => {
    expect(schema.$id).toBe(`https://portcullis.dev/schemas/policy-input/v${POLICY_INPUT_VERSION}.json`);
    expect(schema.properties.input_version.const).toBe(POLICY_INPUT_VERSION);
  });

  it.each(readdirSync(FIXTURES).filter((n) => n.endsWith('Dockerfile')))(
    'accepts the input for %s',
    (name) => {
      const input = dockerfileInput(`fixtures/${name}`, readFileSync(join(FIXTURES, name), 'utf8'));
      expect(errorsOf(input)).toEqual([]);
    },
  );

  it('accepts the input for an empty Dockerfile', () => {
    expect(errorsOf(dockerfileInput('Dockerfile', ''))).toEqual([]);
  });

  it('rejects unknown fields, a wrong version and a missing field', () => {
    const input = dockerfileInput('Dockerfile', 'FROM alpine:3.20\nRUN echo hi\n');
    expect(errorsOf({ ...input, extra: true })).toContain(' must NOT have additional properties');
    expect(errorsOf({ ...input, input_version: 2 })).toContain('/input_version must be equal to constant');
    const { target: _target, ...withoutTarget } = input;
    expect(errorsOf(withoutTarget)).toContain(" must have required property 'target'");
    const mutated = structuredClone(input);
    const instruction = mutated.dockerfile.stages[0]?.instructions[0];
    if (!instruction) throw new Error('expected a stage with an instruction');
    instruction.line = 0;
    expect(errorsOf(mutated)).toContain('/dockerfile/stages/0/instructions/0/line must be >= 1');
  });
});
