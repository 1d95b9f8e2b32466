/**
 * AES in CBC mode with ciphertext stealing as Kerberos uses it (RFC 3962 §5, the CBC-CS3 layout:
 * the last two blocks always swap, the final one may be partial). Node's OpenSSL has no CTS mode,
 * so it is built on AES-CBC without padding and AES-ECB for the one block decrypted out of order.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';

const BLOCK = 16;

function cipherName(key: Buffer, mode: 'cbc' | 'ecb'): string {
  if (key.length !== 16 && key.length !== 32) throw new RangeError('an AES key has 16 or 32 bytes');
  return `aes-${key.length * 8}-${mode}`;
}

function cbc(direction: 'encrypt' | 'decrypt', key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const cipher = direction === 'encrypt' ? createCipheriv(cipherName(key, 'cbc'), key, iv) : createDecipheriv(cipherName(key, 'cbc'), key, iv);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

function decryptBlock(key: Buffer, block: Buffer): Buffer {
  const decipher = createDecipheriv(cipherName(key, 'ecb'), key, null);
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(block), decipher.final()]);
}

const ZERO_IV = Buffer.alloc(BLOCK);

/** Ciphertext of the same length as `plaintext` (at least one block). */
export function encryptCts(key: Buffer, plaintext: Buffer, iv: Buffer = ZERO_IV): Buffer {
  if (plaintext.length < BLOCK) throw new RangeError('AES-CTS needs at least one block');
  if (plaintext.length === BLOCK) return cbc('encrypt', key, iv, plaintext);
  const blocks = Math.ceil(plaintext.length / BLOCK);
  const padded = Buffer.alloc(blocks * BLOCK);
  plaintext.copy(padded);
  // CBC over the zero-padded text; then the last full block goes first and the one before is cut short.
  const chained = cbc('encrypt', key, iv, padded);
  const lastStart = (blocks - 1) * BLOCK;
  const tail = plaintext.length - lastStart;
  return Buffer.concat([chained.subarray(0, lastStart - BLOCK), chained.subarray(lastStart), chained.subarray(lastStart - BLOCK, lastStart - BLOCK + tail)]);
}

export function decryptCts(key: Buffer, ciphertext: Buffer, iv: Buffer = ZERO_IV): Buffer {
  if (ciphertext.length < BLOCK) throw new RangeError('AES-CTS needs at least one block');
  if (ciphertext.length === BLOCK) return cbc('decrypt', key, iv, ciphertext);
  const blocks = Math.ceil(ciphertext.length / BLOCK);
  const lastStart = (blocks - 1) * BLOCK;
  const tail = ciphertext.length - lastStart;
  const head = ciphertext.subarray(0, lastStart - BLOCK);
  const swapped = ciphertext.subarray(lastStart - BLOCK, lastStart);
  const partial = ciphertext.subarray(lastStart);
  // D(swapped) = C[n-1] xor (P[n] ‖ 0…): its tail completes the shortened C[n-1].
  const mixed = decryptBlock(key, swapped);
  const previous = Buffer.concat([partial, mixed.subarray(tail)]);
  const last = Buffer.alloc(tail);
  for (let i = 0; i < tail; i++) last[i] = mixed[i]! ^ partial[i]!;
  const front = cbc('decrypt', key, iv, Buffer.concat([head, previous]));
  return Buffer.concat([front, last]);
}
