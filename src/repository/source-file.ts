/**
 * Reading a target's bytes safely: files that are too large or binary are skipped with
 * a reason the report shows, never parsed.
 */

/** GitHub's contents API and our parsers both stop being sensible past this size. */
export const MAX_TARGET_BYTES = 1024 * 1024;

export type SourceText = { ok: true; text: string } | { ok: false; reason: string };

export function decodeSourceText(bytes: Uint8Array): SourceText {
  if (bytes.byteLength > MAX_TARGET_BYTES) {
    return { ok: false, reason: oversizedReason(bytes.byteLength) };
  }
  // Git's own heuristic: a NUL byte in the first 8000 bytes means binary.
  if (bytes.subarray(0, 8000).includes(0)) return { ok: false, reason: 'skipped: binary file' };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '') };
  } catch {
    return { ok: false, reason: 'skipped: not valid UTF-8 text' };
  }
}

/** Why a file of `size` bytes is not read: one wording wherever a size is known before the bytes. */
export function oversizedReason(size: number): string {
  return `skipped: ${formatBytes(size)} is over the 1 MiB limit for a target file`;
}

/**
 * A target's entry in a commit's tree, or why it cannot be read before its bytes are
 * fetched: absent at `where`, or over the size limit.
 */
export function readableTreeEntry<T extends { size: number }>(
  entry: T | undefined,
  where: string,
): T | { unavailable: string } {
  if (!entry) return { unavailable: `not found at ${where}` };
  return entry.size > MAX_TARGET_BYTES ? { unavailable: oversizedReason(entry.size) } : entry;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
