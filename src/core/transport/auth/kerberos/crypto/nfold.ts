/**
 * RFC 3961 §5.1 n-fold: stretches or folds a byte string to `outputBytes` by concatenating copies
 * rotated right by 13 bits each (up to the least common multiple of both lengths) and adding the
 * `outputBytes`-sized pieces with one's-complement addition.
 */
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Bit `index` (0 = most significant bit of byte 0) of the copy of `input` rotated right by `rotation` bits. */
function rotatedBit(input: Buffer, rotation: number, index: number): number {
  const bits = input.length * 8;
  const source = (((index - rotation) % bits) + bits) % bits;
  return (input[source >> 3]! >> (7 - (source & 7))) & 1;
}

export function nfold(input: Buffer, outputBytes: number): Buffer {
  if (input.length === 0) throw new RangeError('n-fold needs input');
  const lcm = (input.length * outputBytes) / gcd(input.length, outputBytes);
  // Sum per output byte, most significant column last so carries run towards byte 0.
  const sums = new Array<number>(outputBytes).fill(0);
  for (let offset = 0; offset < lcm; offset += input.length) {
    const rotation = 13 * (offset / input.length);
    for (let i = 0; i < input.length; i++) {
      let byte = 0;
      for (let bit = 0; bit < 8; bit++) byte = (byte << 1) | rotatedBit(input, rotation, i * 8 + bit);
      sums[(offset + i) % outputBytes]! += byte;
    }
  }
  // One's-complement addition: carries propagate from the last byte to the first and wrap around.
  const out = Buffer.alloc(outputBytes);
  let carry = 0;
  for (let round = 0; round < 2 || carry !== 0; round++) {
    for (let i = outputBytes - 1; i >= 0; i--) {
      const value = sums[i]! + carry;
      sums[i] = value & 0xff;
      carry = value >> 8;
    }
  }
  for (let i = 0; i < outputBytes; i++) out[i] = sums[i]!;
  return out;
}
