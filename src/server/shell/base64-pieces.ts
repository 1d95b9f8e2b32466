/**
 * Base64 of a run of buffers as a list of strings whose concatenation is the base64 of their
 * concatenation. No string or buffer the size of the whole is ever made: V8 puts every string of
 * 128 KB or more in its large-object space, a fresh mapping per string, which costs ~40× the
 * encoding itself (bench/shell.ts); the buffers themselves are not copied together either.
 */

/** Input bytes per piece: a multiple of 3 (no padding inside), its 64 KB of text a young-generation string. */
export const BASE64_PIECE_BYTES = 49152;

const NO_BYTES = Buffer.alloc(0);

export function base64Pieces(parts: readonly Buffer[], pieceBytes: number = BASE64_PIECE_BYTES): string[] {
  const pieces: string[] = [];
  // The 0–2 bytes of the previous part that did not make a whole 3-byte group.
  let carry: Buffer = NO_BYTES;
  for (const part of parts) {
    let start = 0;
    if (carry.length > 0) {
      start = Math.min(3 - carry.length, part.length);
      carry = Buffer.concat([carry, part.subarray(0, start)]);
      if (carry.length < 3) continue;
      pieces.push(carry.toString('base64'));
    }
    const end = start + Math.floor((part.length - start) / 3) * 3;
    for (let at = start; at < end; at += pieceBytes) pieces.push(part.toString('base64', at, Math.min(end, at + pieceBytes)));
    carry = part.subarray(end);
  }
  if (carry.length > 0) pieces.push(carry.toString('base64'));
  return pieces;
}
