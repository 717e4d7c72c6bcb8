import { execFileSync } from 'node:child_process';
import { BUILTIN_POLICY_DIR, toolPath } from '../tools.js';
import {
  checkOpaCheckReport,
  checkOpaTestReport,
  parseOpaCapabilities,
  parseOpaInspectOutput,
} from './opa-output.js';

describe('the JSON opa prints', () => {
  test('opa inspect of the built-in policies has the shape read', () => {
    const stdout = execFileSync(toolPath('opa'), ['inspect', '-a', '--format', 'json', '.'], {
      cwd: BUILTIN_POLICY_DIR,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const annotations = parseOpaInspectOutput(stdout).annotations ?? [];
    expect(annotations.some((a) => a.annotations.scope === 'package' && a.path.length > 3)).toBe(true);
  });

  test('opa inspect output of another shape is an error naming it, not a crash in the caller', () => {
    expect(() =>
      parseOpaInspectOutput(JSON.stringify({ annotations: [{ annotations: {}, location: {} }] })),
    ).toThrow("opa inspect output: /annotations/0 must have required property 'path'");
    expect(() =>
      parseOpaInspectOutput(
        JSON.stringify({
          annotations: [{ annotations: { title: 7 }, location: { file: 'a.rego' }, path: [] }],
        }),
      ),
    ).toThrow('opa inspect output: /annotations/0/annotations/title must be string');
    expect(() => parseOpaInspectOutput('opa: command not found')).toThrow(
      'opa inspect output: it is not JSON',
    );
  });

  test('opa check and opa test reports of another shape are problems the caller words', () => {
    expect(checkOpaCheckReport('{"errors": [{"code": "rego_parse_error"}]}')).toEqual({
      problem: "/errors/0 must have required property 'message'",
    });
    expect(
      checkOpaTestReport('[{"location": {"file": "a_test.rego", "row": "1"}, "package": "p", "name": "t"}]'),
    ).toEqual({ problem: '/0/location/row must be integer' });
  });

  test('capabilities without a built-in list are refused with their source', () => {
    expect(() => parseOpaCapabilities('{"features": []}', 'capabilities.json')).toThrow(
      "capabilities.json: the document must have required property 'builtins'",
    );
  });
});
