/**
 * Files the operator names on the command line or in the environment (`--key`,
 * `--dockerfile`, a trust policy's key files). Only a regular file is read, and only up to a
 * size that suits what it holds: `/dev/zero` would never end, a FIFO would block, and a
 * multi-gigabyte file named by mistake would exhaust memory.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { formatBytes } from './repository/source-file.js';

/** A PEM public key is well under 4 KiB; a certificate chain a little more. */
export const MAX_KEY_BYTES = 64 * 1024;

/** The bytes of `path`, or an Error that says why not (not a regular file, too large, unreadable). */
export function readOperatorFile(path: string, maxBytes: number): Buffer {
  // O_NONBLOCK: opening a FIFO must not wait for a writer before fstat can refuse it.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new Error(`${path} is not a regular file (${kindOf(info)})`);
    if (info.size > maxBytes)
      throw new Error(`${path} is ${formatBytes(info.size)}, over the ${formatBytes(maxBytes)} limit`);
    // Read one byte past the limit, so that a file that grew after fstat is refused too.
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) {
      n = readSync(fd, buffer, length, buffer.length - length, null);
    }
    if (length > maxBytes) throw new Error(`${path} is over the ${formatBytes(maxBytes)} limit`);
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isSocket()) return 'a socket';
  return 'not a file';
}
