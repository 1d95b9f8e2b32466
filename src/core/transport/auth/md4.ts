/**
 * MD4 (RFC 1320). NTLM's NT one-way function hashes the password with it, and OpenSSL 3 keeps MD4
 * in the legacy provider, so Node's `createHash('md4')` fails unless the process opts in.
 */

const rotateLeft = (value: number, bits: number): number => (value << bits) | (value >>> (32 - bits));

const f = (x: number, y: number, z: number): number => (x & y) | (~x & z);
const g = (x: number, y: number, z: number): number => (x & y) | (x & z) | (y & z);
const h = (x: number, y: number, z: number): number => x ^ y ^ z;

const ROUND_2 = 0x5a827999;
const ROUND_3 = 0x6ed9eba1;

/** Message padded to whole 64-byte blocks: 0x80, zeros, then the bit length as a 64-bit little-endian number. */
function pad(data: Buffer): Buffer {
  const padded = Buffer.alloc(Math.ceil((data.length + 9) / 64) * 64);
  data.copy(padded);
  padded[data.length] = 0x80;
  padded.writeBigUInt64LE(BigInt(data.length) * 8n, padded.length - 8);
  return padded;
}

export function md4(data: Buffer): Buffer {
  const padded = pad(data);
  const x = new Array<number>(16);
  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) x[i] = padded.readInt32LE(block + 4 * i);
    const [a0, b0, c0, d0] = [a, b, c, d];
    for (const i of [0, 4, 8, 12]) {
      a = rotateLeft((a + f(b, c, d) + x[i]!) | 0, 3);
      d = rotateLeft((d + f(a, b, c) + x[i + 1]!) | 0, 7);
      c = rotateLeft((c + f(d, a, b) + x[i + 2]!) | 0, 11);
      b = rotateLeft((b + f(c, d, a) + x[i + 3]!) | 0, 19);
    }
    for (const i of [0, 1, 2, 3]) {
      a = rotateLeft((a + g(b, c, d) + x[i]! + ROUND_2) | 0, 3);
      d = rotateLeft((d + g(a, b, c) + x[i + 4]! + ROUND_2) | 0, 5);
      c = rotateLeft((c + g(d, a, b) + x[i + 8]! + ROUND_2) | 0, 9);
      b = rotateLeft((b + g(c, d, a) + x[i + 12]! + ROUND_2) | 0, 13);
    }
    for (const i of [0, 2, 1, 3]) {
      a = rotateLeft((a + h(b, c, d) + x[i]! + ROUND_3) | 0, 3);
      d = rotateLeft((d + h(a, b, c) + x[i + 8]! + ROUND_3) | 0, 9);
      c = rotateLeft((c + h(d, a, b) + x[i + 4]! + ROUND_3) | 0, 11);
      b = rotateLeft((b + h(c, d, a) + x[i + 12]! + ROUND_3) | 0, 15);
    }
    a = (a + a0) | 0;
    b = (b + b0) | 0;
    c = (c + c0) | 0;
    d = (d + d0) | 0;
  }
  const digest = Buffer.alloc(16);
  [a, b, c, d].forEach((word, index) => digest.writeInt32LE(word, 4 * index));
  return digest;
}
