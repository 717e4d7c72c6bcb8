import { ConfigError } from '../config/configuration.js';
import type { Finding } from './findings.js';
import {
  inlineIgnores,
  isCalendarDate,
  parseWaivers,
  waiverChanges,
  waiverCovers,
  waiverStatus,
} from './waivers.js';

const TODAY = new Date('2026-11-29T12:00:00Z');

const finding = (overrides: Partial<Finding> = {}): Finding => ({
  rule_id: 'PC-DF-003',
  severity: 'warn',
  path: 'services/api/Dockerfile',
  line: 1,
  end_line: 1,
  message: 'm',
  title: 't',
  ...overrides,
});

describe('parseWaivers', () => {
  it('reads waivers with their lines, dates written as YAML dates or strings', () => {
    const waivers = parseWaivers(
      'waivers:\n  - rule: PC-DF-003\n    path: "services/**"\n    reason: r\n    owner: o\n    expires: 2027-01-31\n  - rule: PC-BLD-001\n    vulnerability: CVE-2024-0001\n    reason: r\n    owner: o\n    expires: "2027-02-01"\n',
      'w.yml',
    );
    expect(waivers).toEqual([
      {
        rule: 'PC-DF-003',
        path: 'services/**',
        reason: 'r',
        owner: 'o',
        expires: '2027-01-31',
        file: 'w.yml',
        line: 2,
      },
      {
        rule: 'PC-BLD-001',
        vulnerability: 'CVE-2024-0001',
        reason: 'r',
        owner: 'o',
        expires: '2027-02-01',
        file: 'w.yml',
        line: 7,
      },
    ]);
  });

  it('names every missing or unknown key with its waiver', () => {
    try {
      parseWaivers('waivers:\n  - rule: X\n    expires: someday\n    scope: all\n', 'w.yml');
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const keys = (error as ConfigError).problems.map((p) => p.key);
      expect(keys).toEqual(
        expect.arrayContaining([
          'waivers[0].scope',
          'waivers[0].reason',
          'waivers[0].owner',
          'waivers[0].expires',
        ]),
      );
    }
  });
});

describe('waiver dates', () => {
  it('are days of the calendar, not just digits in the right places', () => {
    for (const day of ['2027-01-31', '2028-02-29', '2026-12-31']) expect(isCalendarDate(day)).toBe(true);
    for (const day of [
      '2026-99-99',
      '2026-02-30',
      '2027-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-1-1',
      'never',
      '',
    ])
      expect(isCalendarDate(day)).toBe(false);
  });

  it.each(['2026-99-99', '2026-02-30', 'never'])('refuses expires: %s with its file, line and key', (day) => {
    const text = `waivers:\n  - rule: PC-DF-003\n    reason: r\n    owner: o\n  - rule: PC-DF-001\n    reason: r\n    owner: o\n    expires: ${day}\n`;
    const problems = (() => {
      try {
        parseWaivers(text.replace('owner: o\n  -', 'owner: o\n    expires: 2027-01-01\n  -'), 'w.yml');
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
      }
      return [];
    })();
    expect(problems).toEqual([
      {
        path: 'w.yml',
        line: 6,
        key: 'waivers[1].expires',
        message: expect.stringContaining(`"${day}" is not a calendar date`),
      },
    ]);
  });

  it('refuses a reserved key in a waiver', () => {
    expect(() =>
      parseWaivers(
        'waivers:\n  - rule: X\n    reason: r\n    owner: o\n    expires: 2027-01-01\n    __proto__: {}\n',
        'w.yml',
      ),
    ).toThrow(/waivers\[0\]\.__proto__/);
  });

  it.each([
    ['at the root', '__proto__:\n  waivers: []\nwaivers: []\n', '__proto__', 1],
    ['beside the list', 'waivers: []\nconstructor: x\n', 'constructor', 2],
    ['inside a waiver value', 'waivers:\n  - rule: {prototype: 1}\n', 'waivers[0].rule.prototype', 2],
  ])('refuses a reserved key %s, naming its line', (_where, text, key, line) => {
    let thrown: unknown;
    try {
      parseWaivers(text, 'w.yml');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems).toContainEqual({
      path: 'w.yml',
      line,
      key,
      message: expect.stringContaining('reserved key'),
    });
  });
});

describe('waiver status and scope', () => {
  it('is active, expiring within 14 days, or expired', () => {
    expect(waiverStatus({ expires: '2027-06-01' }, TODAY)).toBe('active');
    expect(waiverStatus({ expires: '2026-12-13' }, TODAY)).toBe('expiring');
    expect(waiverStatus({ expires: '2026-11-29' }, TODAY)).toBe('expiring'); // still applies today
    expect(waiverStatus({ expires: '2026-11-28' }, TODAY)).toBe('expired');
  });

  it('covers findings by rule, path glob, image glob and vulnerability', () => {
    const base = { rule: 'PC-DF-003', reason: 'r', owner: 'o', expires: '2099-01-01', file: 'w', line: 1 };
    expect(waiverCovers({ ...base, path: 'services/**' }, finding())).toBe(true);
    expect(waiverCovers({ ...base, path: 'other/**' }, finding())).toBe(false);
    expect(waiverCovers({ ...base, rule: 'PC-DF-001' }, finding())).toBe(false);
    expect(
      waiverCovers(
        { ...base, image: 'docker.io/library/node:*' },
        finding({ image: 'docker.io/library/node:20' }),
      ),
    ).toBe(true);
    expect(waiverCovers({ ...base, image: 'docker.io/library/node:*' }, finding())).toBe(false);
    expect(waiverCovers({ ...base, vulnerability: 'CVE-1' }, finding({ vulnerability: 'CVE-1' }))).toBe(true);
  });
});

describe('waiverChanges', () => {
  const w = (rule: string, expires: string, path?: string) => ({
    rule,
    reason: 'r',
    owner: 'o',
    expires,
    file: 'w',
    line: 1,
    ...(path ? { path } : {}),
  });

  it('finds added waivers and extended ones (later expiry or another scope of the same rule)', () => {
    const changes = waiverChanges(
      [w('PC-DF-003', '2027-01-01'), w('PC-DF-010', '2027-01-01', 'a/**')],
      [w('PC-DF-003', '2027-06-01'), w('PC-DF-010', '2027-01-01', '**'), w('PC-DF-001', '2027-01-01')],
    );
    expect(changes.map((c) => [c.kind, c.waiver.rule])).toEqual([
      ['extended', 'PC-DF-003'],
      ['extended', 'PC-DF-010'],
      ['added', 'PC-DF-001'],
    ]);
  });

  it('says nothing about unchanged or shortened waivers', () => {
    expect(waiverChanges([w('PC-DF-003', '2027-06-01')], [w('PC-DF-003', '2027-01-01')])).toEqual([]);
  });
});

describe('inlineIgnores', () => {
  it('covers the next instruction, with its reason and date, and notes a missing reason', () => {
    const text = [
      'FROM alpine:3.19',
      '# portcullis ignore=PC-DF-008,PC-DF-005 reason="no doas here" until=2027-01-31',
      'RUN sudo apk add \\',
      '    curl',
      '# portcullis ignore=PC-DF-010',
      'EXPOSE 22',
    ].join('\n');
    const ignores = inlineIgnores(text, [
      { line: 1, end_line: 1 },
      { line: 3, end_line: 4 },
      { line: 6, end_line: 6 },
    ]);
    expect(ignores).toEqual([
      {
        rules: ['PC-DF-008', 'PC-DF-005'],
        reason: 'no doas here',
        until: '2027-01-31',
        line: 2,
        covers: { line: 3, end_line: 4 },
      },
      { rules: ['PC-DF-010'], reason: null, until: null, line: 5, covers: { line: 6, end_line: 6 } },
    ]);
  });
});

describe('inline ignore dates', () => {
  const ignoreWith = (options: string) =>
    inlineIgnores(`FROM alpine:3.19\n# portcullis ignore=PC-DF-002 ${options}\nUSER root\n`, [
      { line: 1, end_line: 1 },
      { line: 3, end_line: 3 },
    ])[0];

  it.each(['until=2026-99-99', 'until=2026-02-30', 'until=never', 'until=', 'until=2027-01-31x'])(
    'an until= that is not a calendar date makes the ignore invalid: %s',
    (until) => {
      expect(ignoreWith(`reason="r" ${until}`)).toMatchObject({
        until: null,
        problem: expect.stringContaining('is not a calendar date'),
      });
    },
  );

  it('reads a quoted date, and no date from inside the reason', () => {
    expect(ignoreWith('reason="r" until="2027-01-31"')).toMatchObject({ until: '2027-01-31' });
    expect(ignoreWith('reason="wait until=never"')).toEqual(
      expect.objectContaining({ reason: 'wait until=never', until: null }),
    );
    expect(ignoreWith('reason="wait until=never"')).not.toHaveProperty('problem');
  });
});
