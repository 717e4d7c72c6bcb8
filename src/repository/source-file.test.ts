import { decodeSourceText, formatBytes, MAX_TARGET_BYTES } from '../repository/source-file.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('decodeSourceText', () => {
  it('decodes UTF-8 text, non-ASCII included', () => {
    expect(decodeSourceText(bytes('FROM alpine:3.19\nLABEL maintainer="Zoë ✓"\n'))).toEqual({
      ok: true,
      text: 'FROM alpine:3.19\nLABEL maintainer="Zoë ✓"\n',
    });
  });

  it('drops a leading byte-order mark, so that the first instruction still reads as one', () => {
    expect(decodeSourceText(bytes([0xef, 0xbb, 0xbf], 'FROM alpine\n'))).toEqual({
      ok: true,
      text: 'FROM alpine\n',
    });
  });

  it('keeps a byte-order mark that is not at the start', () => {
    const decoded = decodeSourceText(bytes('FROM alpine\n', [0xef, 0xbb, 0xbf], 'USER app\n'));
    expect(decoded).toEqual({ ok: true, text: 'FROM alpine\n\uFEFFUSER app\n' });
  });

  it('calls a file with a NUL byte in its first 8000 bytes binary, as git does', () => {
    expect(decodeSourceText(bytes('FROM alpine\n', [0], 'x'))).toEqual({
      ok: false,
      reason: 'skipped: binary file',
    });
  });

  it('reads a NUL byte past the first 8000 bytes as text (git reads only that far)', () => {
    const decoded = decodeSourceText(bytes(`# ${'x'.repeat(8000)}\n`, [0]));
    expect(decoded.ok).toBe(true);
  });

  it('refuses bytes that are not valid UTF-8 rather than guess an encoding', () => {
    expect(decodeSourceText(bytes('LABEL name="caf', [0xe9], '"\n'))).toEqual({
      ok: false,
      reason: 'skipped: not valid UTF-8 text',
    });
  });

  it('takes a file of exactly 1 MiB and skips one byte more with its size', () => {
    expect(decodeSourceText(new Uint8Array(MAX_TARGET_BYTES).fill(0x61)).ok).toBe(true);
    expect(decodeSourceText(new Uint8Array(MAX_TARGET_BYTES + 1).fill(0x61))).toEqual({
      ok: false,
      reason: 'skipped: 1.0 MiB is over the 1 MiB limit for a target file',
    });
  });

  it('checks the size before anything else: a huge binary file is skipped for its size', () => {
    const decoded = decodeSourceText(new Uint8Array(3 * MAX_TARGET_BYTES));
    expect(decoded).toEqual({
      ok: false,
      reason: 'skipped: 3.0 MiB is over the 1 MiB limit for a target file',
    });
  });
});

describe('formatBytes', () => {
  it('says bytes, KiB or MiB', () => {
    expect([0, 1023, 1024, 1536, 1024 * 1024 - 1, 5 * 1024 * 1024].map(formatBytes)).toEqual([
      '0 B',
      '1023 B',
      '1.0 KiB',
      '1.5 KiB',
      '1024.0 KiB',
      '5.0 MiB',
    ]);
  });
});
