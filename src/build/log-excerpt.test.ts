import { EXCERPT_LINES, logExcerpt } from './log-excerpt.js';

describe('logExcerpt', () => {
  it('keeps the last lines, without colours', () => {
    const log = Array.from({ length: 100 }, (_, i) => `\u001b[31mline ${i}\u001b[0m`).join('\n');
    const excerpt = logExcerpt(log).split('\n');
    expect(excerpt).toHaveLength(EXCERPT_LINES);
    expect(excerpt.at(-1)).toBe('line 99');
  });

  it('cuts out build-arg values, credential shapes and secret-like assignments', () => {
    const log = [
      'STEP 3/5: RUN curl -H "Authorization: hunter2-the-password" https://example.com',
      'STEP 4/5: ENV DB_PASSWORD=correcthorse',
      'npm ERR! using npm_abcdefghijklmnopqrstuvwxyz0123456789',
      '|1 NPM_TOKEN=s3cr3t-value /bin/sh -c npm ci',
      'PATH=/usr/bin is fine',
    ].join('\n');
    const excerpt = logExcerpt(log, ['hunter2-the-password']);
    expect(excerpt).not.toMatch(/hunter2|correcthorse|npm_abc|s3cr3t/);
    expect(excerpt).toContain('ENV DB_PASSWORD=***');
    expect(excerpt).toContain('PATH=/usr/bin is fine');
  });
});
