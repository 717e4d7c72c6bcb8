import { applyFixes, type ProposedFix } from './compose.js';

const fix = (overrides: Partial<ProposedFix> & Pick<ProposedFix, 'line' | 'replacement'>): ProposedFix => ({
  end_line: overrides.line,
  description: 'a fix',
  ...overrides,
});

const RECOMMENDS = fix({
  rule_id: 'PC-DF-005',
  line: 2,
  replacement: 'RUN apt-get install --no-install-recommends curl',
});
const YES = fix({ rule_id: 'PC-DF-016', line: 2, replacement: 'RUN apt-get install -y curl' });

describe('applyFixes', () => {
  it('composes two fixes of one line into one line with both changes', () => {
    const result = applyFixes('FROM debian\nRUN apt-get install curl\n', [YES, RECOMMENDS]);
    expect(result.content).toBe('FROM debian\nRUN apt-get install --no-install-recommends -y curl\n');
    expect(result.applied).toEqual([RECOMMENDS, YES]);
    expect(result.skipped).toEqual([]);
  });

  it('gives the same result whatever order the fixes come in', () => {
    const content = 'FROM debian\nRUN apt-get install curl\nADD a.conf /etc/\n';
    const add = fix({ rule_id: 'PC-DF-004', line: 3, replacement: 'COPY a.conf /etc/' });
    const one = applyFixes(content, [add, YES, RECOMMENDS]);
    const other = applyFixes(content, [RECOMMENDS, add, YES]);
    expect(other).toEqual(one);
    expect(one.applied.map((f) => f.rule_id)).toEqual(['PC-DF-005', 'PC-DF-016', 'PC-DF-004']);
  });

  it('keeps CRLF line breaks and a missing final newline', () => {
    expect(applyFixes('FROM debian\r\nRUN apt-get install curl', [RECOMMENDS, YES]).content).toBe(
      'FROM debian\r\nRUN apt-get install --no-install-recommends -y curl',
    );
    expect(applyFixes('FROM debian\r\nRUN apt-get install curl\r\n', [YES]).content).toBe(
      'FROM debian\r\nRUN apt-get install -y curl\r\n',
    );
  });

  it('replaces several lines, writing new line breaks the way the file does', () => {
    const content = 'FROM alpine\r\nMAINTAINER Jane \\\r\n    Doe\r\nUSER app\r\n';
    const maintainer = fix({
      line: 2,
      end_line: 3,
      replacement: 'LABEL org.opencontainers.image.authors="Jane Doe"',
    });
    expect(applyFixes(content, [maintainer]).content).toBe(
      'FROM alpine\r\nLABEL org.opencontainers.image.authors="Jane Doe"\r\nUSER app\r\n',
    );
    const split = fix({ line: 4, replacement: 'USER app\n# runs unprivileged' });
    expect(applyFixes(content, [split]).content).toBe(
      'FROM alpine\r\nMAINTAINER Jane \\\r\n    Doe\r\nUSER app\r\n# runs unprivileged\r\n',
    );
  });

  it('skips a fix that changes text another fix already changes, and says which', () => {
    const content = 'FROM node\nCMD node server.js\n';
    const exec = fix({ rule_id: 'PC-DF-012', line: 2, replacement: 'CMD ["node", "server.js"]' });
    const other = fix({
      rule_id: 'X-999',
      line: 2,
      replacement: 'CMD node app.js',
      description: 'Use app.js',
    });
    const result = applyFixes(content, [other, exec]);
    expect(result.content).toBe('FROM node\nCMD ["node", "server.js"]\n');
    expect(result.applied).toEqual([exec]);
    expect(result.skipped).toEqual([
      {
        fix: other,
        reason: expect.stringContaining('the fix PC-DF-012 on line 2'),
      },
    ]);
  });

  it('applies a change proposed twice once, and counts both as applied', () => {
    const twice = { ...RECOMMENDS, rule_id: 'PC-DF-099' };
    const result = applyFixes('FROM debian\nRUN apt-get install curl\n', [RECOMMENDS, twice]);
    expect(result.content).toBe('FROM debian\nRUN apt-get install --no-install-recommends curl\n');
    expect(result.applied).toHaveLength(2);
  });

  it('deletes whole lines with their line breaks', () => {
    const remove = (line: number) => fix({ line, replacement: '' });
    expect(applyFixes('a\nb\nc\n', [remove(2)]).content).toBe('a\nc\n');
    expect(applyFixes('a\nb\nc\n', [remove(3)]).content).toBe('a\nb\n');
    expect(applyFixes('a\r\nb\r\nc', [remove(3)]).content).toBe('a\r\nb');
    expect(applyFixes('a\n', [remove(1)]).content).toBe('');
  });

  it('does not let another fix edit a line that one deletes', () => {
    const result = applyFixes('a\nb\nc\n', [
      fix({ rule_id: 'A', line: 2, replacement: '' }),
      fix({ rule_id: 'B', line: 2, replacement: 'x b' }),
    ]);
    expect(result.content).toBe('a\nc\n');
    expect(result.skipped.map((s) => s.fix.rule_id)).toEqual(['B']);
  });

  it('skips fixes outside the file and fixes that change nothing', () => {
    const result = applyFixes('FROM debian\n', [
      fix({ line: 2, replacement: 'USER app' }),
      fix({ line: 1, replacement: 'FROM debian' }),
    ]);
    expect(result.content).toBe('FROM debian\n');
    expect(result.skipped.map((s) => s.reason)).toEqual([
      'the replacement is the same as the lines it replaces',
      'lines 2-2 are not in the file, which has 1',
    ]);
  });
});
