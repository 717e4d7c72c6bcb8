import { escapeData, escapeProperty } from './plain-text.js';

/**
 * How the Actions runner reads a `::command k=v,k=v::data` line (actions/runner,
 * src/Runner.Worker/ActionCommandManager.cs and ActionCommand.cs `TryParseV2`): the command
 * ends at the first `::` after it, properties split on `,` then at the first `=`, and each
 * value and the data are unescaped mapping by mapping, `%0D`, `%0A`, (`%3A`, `%2C`,) then `%25`.
 */
function runnerParse(line: string): { command: string; properties: Record<string, string>; data: string } {
  const body = line.slice(2);
  const end = body.indexOf('::');
  const head = body.slice(0, end);
  const space = head.indexOf(' ');
  const command = space < 0 ? head : head.slice(0, space);
  const properties: Record<string, string> = {};
  if (space >= 0) {
    for (const pair of head.slice(space + 1).split(',')) {
      const eq = pair.indexOf('=');
      properties[pair.slice(0, eq)] = runnerUnescape(pair.slice(eq + 1), true);
    }
  }
  return { command, properties, data: runnerUnescape(body.slice(end + 2), false) };
}

function runnerUnescape(value: string, property: boolean): string {
  let out = value.replaceAll('%0D', '\r').replaceAll('%0A', '\n');
  if (property) out = out.replaceAll('%3A', ':').replaceAll('%2C', ',');
  return out.replaceAll('%25', '%');
}

const HOSTILE = [
  'plain',
  'a\nsecond line\r\nthird',
  '100% sure, 50%0A is not a line break',
  'file:with,commas::and=equals',
  '::error::injected',
  '%250A%3A%2C',
  '',
];

it('escapes data and properties so that the runner reads back exactly the text, on one line', () => {
  for (const text of HOSTILE) {
    const line = `::error file=${escapeProperty(text)},title=${escapeProperty(`${text}!`)}::${escapeData(text)}`;
    expect(line).not.toMatch(/[\r\n]/);
    expect(runnerParse(line)).toEqual({
      command: 'error',
      properties: { file: text, title: `${text}!` },
      data: text,
    });
  }
});

it("spells the escapes as @actions/core's toCommandValue users see them", () => {
  expect(escapeData('50%\r\nnext')).toBe('50%25%0D%0Anext');
  expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
});
