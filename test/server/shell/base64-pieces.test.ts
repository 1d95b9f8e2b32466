/** Base64 in pieces: the pieces joined are the base64 of the parts joined, each piece a small string. */
import { randomBytes } from 'node:crypto';
import { base64Pieces, BASE64_PIECE_BYTES } from '../../../src/server/shell/base64-pieces';

describe('base64Pieces', () => {
  it('joins to the base64 of the concatenation, whatever the part lengths (carries across parts)', () => {
    for (const lengths of [[], [0], [1], [2], [1, 1, 1], [2, 2], [1, 0, 1, 0, 1], [5, 7, 11], [3, 3, 1], [100, 1, 2, 3, 4, 5, 6, 7]]) {
      const parts = lengths.map((n) => randomBytes(n));
      expect(base64Pieces(parts, 6).join('')).toBe(Buffer.concat(parts).toString('base64'));
    }
  });

  it('splits a long part into pieces of at most pieceBytes input, padding only at the very end', () => {
    const parts = [randomBytes(BASE64_PIECE_BYTES * 2 + 5), randomBytes(65536), randomBytes(1)];
    const pieces = base64Pieces(parts);
    expect(pieces.join('')).toBe(Buffer.concat(parts).toString('base64'));
    expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThanOrEqual((BASE64_PIECE_BYTES / 3) * 4);
    expect(pieces.slice(0, -1).every((piece) => !piece.includes('='))).toBe(true);
  });
});
