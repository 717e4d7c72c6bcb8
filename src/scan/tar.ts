/**
 * Just enough tar for image archives: list the entries of a (possibly multi-gigabyte)
 * archive by reading headers at their offsets, read the small ones (manifests, configs),
 * and write an archive entry by entry. Image archives are ustar with PAX or GNU long names;
 * nothing else (sparse files, multi-volume) occurs in them.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

export interface TarEntry {
  name: string;
  /** `0` regular file, `5` folder, `2` symlink … (the ustar type flag). */
  type: string;
  /** Symlink target, for type `2`. */
  linkName: string;
  size: number;
  /** Where the entry's data starts in the archive. */
  offset: number;
}

const BLOCK = 512;

/**
 * Every entry of the tar archive at `path`, in order. Throws on anything that is not tar.
 * `range` reads a tar stored inside the file (an uncompressed layer inside an image
 * archive) without copying it out: entry offsets stay offsets in the file.
 */
export function listTar(path: string, range?: { start: number; end: number }): TarEntry[] {
  const fd = openSync(path, 'r');
  try {
    const entries: TarEntry[] = [];
    const header = Buffer.alloc(BLOCK);
    let position = range?.start ?? 0;
    const end = range?.end ?? Number.POSITIVE_INFINITY;
    let longName: string | null = null;
    let longLink: string | null = null;
    for (;;) {
      if (position + BLOCK > end || readSync(fd, header, 0, BLOCK, position) < BLOCK) break;
      if (header.every((byte) => byte === 0)) break;
      if (!validChecksum(header))
        throw new Error(`not a tar archive (bad header checksum at byte ${position})`);
      const size = octal(header.subarray(124, 136));
      const type = String.fromCharCode(header[156] || 48);
      const dataOffset = position + BLOCK;
      position = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'x' || type === 'L' || type === 'K') {
        const data = readAt(fd, dataOffset, size).toString('utf8');
        if (type === 'L') longName = data.replace(/\0.*$/s, '');
        else if (type === 'K') longLink = data.replace(/\0.*$/s, '');
        else {
          const pax = parsePax(data);
          if (pax.path) longName = pax.path;
          if (pax.linkpath) longLink = pax.linkpath;
        }
        continue;
      }
      if (type === 'g') continue;
      const prefix = text(header.subarray(345, 500));
      const name =
        longName ?? (prefix ? `${prefix}/${text(header.subarray(0, 100))}` : text(header.subarray(0, 100)));
      entries.push({
        name: name.replace(/^\.\//, ''),
        type,
        linkName: longLink ?? text(header.subarray(157, 257)),
        size,
        offset: dataOffset,
      });
      longName = null;
      longLink = null;
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

/** The data of a (small) entry. */
export function readTarEntry(path: string, entry: TarEntry, maxBytes = 64 * 1024 * 1024): Buffer {
  if (entry.size > maxBytes) throw new Error(`${entry.name} in ${path} is larger than ${maxBytes} bytes`);
  const fd = openSync(path, 'r');
  try {
    return readAt(fd, entry.offset, entry.size);
  } finally {
    closeSync(fd);
  }
}

/** Writes a tar archive entry by entry; data may be copied from another archive without loading it. */
export class TarWriter {
  readonly #fd: number;

  constructor(path: string) {
    this.#fd = openSync(path, 'w');
  }

  add(name: string, data: Buffer): void {
    writeSync(this.#fd, header(name, data.length));
    writeSync(this.#fd, data);
    this.#pad(data.length);
  }

  /** Copies `size` bytes at `offset` of the file `from` into a new entry `name`. */
  copy(name: string, from: string, offset: number, size: number): void {
    writeSync(this.#fd, header(name, size));
    const source = openSync(from, 'r');
    try {
      const chunk = Buffer.alloc(1024 * 1024);
      for (let done = 0; done < size; ) {
        const read = readSync(source, chunk, 0, Math.min(chunk.length, size - done), offset + done);
        if (read === 0) throw new Error(`${from} ended before ${size} bytes at ${offset} could be copied`);
        writeSync(this.#fd, chunk, 0, read);
        done += read;
      }
    } finally {
      closeSync(source);
    }
    this.#pad(size);
  }

  close(): void {
    writeSync(this.#fd, Buffer.alloc(BLOCK * 2));
    closeSync(this.#fd);
  }

  #pad(size: number): void {
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (padding > 0) writeSync(this.#fd, Buffer.alloc(padding));
  }
}

function header(name: string, size: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  if (Buffer.byteLength(name) > 99) throw new Error(`tar entry name too long: ${name}`);
  block.write(name, 0, 100);
  block.write('0000644\0', 100);
  block.write('0000000\0', 108);
  block.write('0000000\0', 116);
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  block.write('00000000000\0', 136);
  block.write('        ', 148);
  block.write('0', 156);
  block.write('ustar\0', 257);
  block.write('00', 263);
  let checksum = 0;
  for (const byte of block) checksum += byte;
  block.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

function readAt(fd: number, offset: number, size: number): Buffer {
  const data = Buffer.alloc(size);
  let done = 0;
  while (done < size) {
    const read = readSync(fd, data, done, size - done, offset + done);
    if (read === 0) throw new Error('the tar archive is truncated');
    done += read;
  }
  return data;
}

function validChecksum(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] ?? 0);
  return sum === octal(block.subarray(148, 156));
}

function octal(field: Buffer): number {
  // GNU base-256 for sizes of 8 GiB and more: high bit of the first byte set.
  if ((field[0] ?? 0) & 0x80) {
    let value = 0;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  const digits = text(field).trim();
  return digits === '' ? 0 : Number.parseInt(digits, 8);
}

function text(field: Buffer): string {
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

function parsePax(data: string): Record<string, string> {
  // No prototype: the keys come from the archive (`__proto__=…` is just a record).
  const out: Record<string, string> = Object.create(null);
  let rest = Buffer.from(data);
  while (rest.length > 0) {
    const space = rest.indexOf(32);
    if (space < 0) break;
    const length = Number.parseInt(rest.subarray(0, space).toString(), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = rest.subarray(space + 1, length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) out[record.slice(0, equals)] = record.slice(equals + 1);
    rest = rest.subarray(length);
  }
  return out;
}
