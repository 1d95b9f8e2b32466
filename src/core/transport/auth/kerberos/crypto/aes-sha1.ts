/**
 * aes128-cts-hmac-sha1-96 and aes256-cts-hmac-sha1-96 (RFC 3962): RFC 3961's simplified profile
 * with AES-CTS, DK key derivation, PBKDF2-HMAC-SHA1 string-to-key and HMAC-SHA1 truncated to 96
 * bits as integrity check and checksum.
 */
import { createCipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { decryptCts, encryptCts } from './aes-cts';
import { DerivedKeys } from './derived-keys';
import { ChecksumType, EncType, integrityFailure, saltBytes, type EncryptionType } from './encryption-type';
import { nfold } from './nfold';

const BLOCK = 16;
const MAC_LENGTH = 12;
const DEFAULT_ITERATIONS = 4096;
const KERBEROS = Buffer.from('kerberos', 'latin1');

function encryptBlock(key: Buffer, block: Buffer): Buffer {
  const cipher = createCipheriv(`aes-${key.length * 8}-ecb`, key, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
}

/**
 * RFC 3961 §5.1 DK: DR encrypts the n-folded constant, then each previous output, until the key is
 * long enough; random-to-key is the identity for AES.
 */
function deriveKey(base: Buffer, constant: Buffer): Buffer {
  const blocks: Buffer[] = [];
  let block = constant.length === BLOCK ? constant : nfold(constant, BLOCK);
  for (let length = 0; length < base.length; length += BLOCK) {
    block = encryptBlock(base, block);
    blocks.push(block);
  }
  return Buffer.concat(blocks).subarray(0, base.length);
}

const hmacSha1 = (key: Buffer, ...parts: Buffer[]): Buffer => {
  const mac = createHmac('sha1', key);
  for (const part of parts) mac.update(part);
  return mac.digest().subarray(0, MAC_LENGTH);
};

function aesSha1(etype: EncType, name: string, keyLength: number, checksumType: number): EncryptionType {
  const keys = new DerivedKeys(deriveKey);
  const checkKey = (key: Buffer): Buffer => {
    if (key.length !== keyLength) throw new RangeError(`${name} needs a ${keyLength}-byte key`);
    return key;
  };
  return {
    etype,
    name,
    keyLength,
    checksumType,
    checksumLength: MAC_LENGTH,
    confounderLength: BLOCK,
    trailerLength: MAC_LENGTH,
    stringToKey(password, salt, params) {
      const iterations = params ? params.readUInt32BE(0) : DEFAULT_ITERATIONS;
      if (iterations === 0) throw new RangeError('the string-to-key iteration count is zero');
      const seed = pbkdf2Sync(Buffer.from(password, 'utf8'), saltBytes(salt), iterations, keyLength, 'sha1');
      return deriveKey(seed, KERBEROS);
    },
    encrypt(key, usage, plaintext, confounder = randomBytes(BLOCK)) {
      checkKey(key);
      const data = Buffer.concat([confounder, plaintext]);
      return Buffer.concat([encryptCts(keys.get(key, usage, 0xaa), data), hmacSha1(keys.get(key, usage, 0x55), data)]);
    },
    decrypt(key, usage, ciphertext) {
      checkKey(key);
      if (ciphertext.length < BLOCK + MAC_LENGTH) throw integrityFailure('the Kerberos ciphertext is too short');
      const body = ciphertext.subarray(0, ciphertext.length - MAC_LENGTH);
      const data = decryptCts(keys.get(key, usage, 0xaa), body);
      const mac = hmacSha1(keys.get(key, usage, 0x55), data);
      if (!timingSafeEqual(mac, ciphertext.subarray(body.length))) throw integrityFailure();
      return data.subarray(BLOCK);
    },
    checksum(key, usage, data) {
      return hmacSha1(keys.get(checkKey(key), usage, 0x99), data);
    },
    verifyChecksum(key, usage, data, checksum) {
      const expected = this.checksum(key, usage, data);
      if (checksum.length !== expected.length || !timingSafeEqual(checksum, expected)) throw integrityFailure('the Kerberos checksum does not match');
    },
  };
}

export const aes128CtsHmacSha196 = aesSha1(EncType.AES128_CTS_HMAC_SHA1_96, 'aes128-cts-hmac-sha1-96', 16, ChecksumType.HMAC_SHA1_96_AES128);
export const aes256CtsHmacSha196 = aesSha1(EncType.AES256_CTS_HMAC_SHA1_96, 'aes256-cts-hmac-sha1-96', 32, ChecksumType.HMAC_SHA1_96_AES256);
