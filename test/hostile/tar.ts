/**
 * A tar writer that lies on purpose: any name, type, link target and size field, so the
 * archive cases can hand the scanner traversal names, links out, huge headers and cut files.
 */

export interface RawEntry {
  name: string;
  data?: Buffer | string;
  /** Type flag: '0' file, '1' hard link, '2' symlink, '5' folder, 'x' PAX, 'L' GNU long name. */
  type?: string;
  linkName?: string;
  /** The size the header claims, when it differs from the data (octal, 11 digits max). */
  claimedSize?: number;
  /** Encode the claimed size in GNU base-256 (for sizes octal cannot hold). */
  base256?: boolean;
}

const BLOCK = 512;

function header(entry: RawEntry, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  const name = Buffer.from(entry.name);
  // Long names go to the ustar prefix field, as `tar` writes them.
  if (name.length > 100) {
    const cut = entry.name.lastIndexOf('/', 155);
    h.write(entry.name.slice(0, cut), 345, 155);
    h.write(entry.name.slice(cut + 1), 0, 100);
  } else {
    h.write(entry.name, 0, 100);
  }
  h.write(entry.type === '5' ? '0000755\0' : '0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  const claimed = entry.claimedSize ?? size;
  if (entry.base256) {
    h[124] = 0x80;
    h.writeBigUInt64BE(BigInt(claimed), 128);
  } else {
    h.write(`${claimed.toString(8).padStart(11, '0').slice(-11)}\0`, 124);
  }
  h.write(`${(1714564800).toString(8).padStart(11, '0')}\0`, 136);
  h.write('        ', 148);
  h.write(entry.type ?? '0', 156);
  if (entry.linkName) h.write(entry.linkName, 157, 100);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

export function rawTar(entries: readonly RawEntry[], end = true): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? '');
    parts.push(header(entry, data.length), data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  if (end) parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

/** A PAX extended header record: `<length> <key>=<value>\n`, where the length may lie too. */
export function paxRecord(key: string, value: string, claimedLength?: number): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length++;
  return `${claimedLength ?? length}${body}`;
}
