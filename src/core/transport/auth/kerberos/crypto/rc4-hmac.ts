/**
 * rc4-hmac (RFC 4757), Windows' legacy encryption type: the key is the NT hash (MD4 of the UTF-16LE
 * password), each message is RC4 under a key derived with HMAC-MD5 from the usage number and the
 * message's own checksum. Uses the project's MD4 and RC4 (OpenSSL 3 keeps both in its legacy provider).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { md4 } from '../../md4';
import { rc4k } from '../../rc4';
import { ChecksumType, EncType, integrityFailure, type EncryptionType } from './encryption-type';

const CHECKSUM_LENGTH = 16;
const CONFOUNDER_LENGTH = 8;
const SIGNATURE_KEY = Buffer.from('signaturekey\0', 'latin1');

const hmacMd5 = (key: Buffer, ...parts: Buffer[]): Buffer => {
  const mac = createHmac('md5', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
};

/** RFC 4757 §3: the message types Windows uses instead of some RFC 4120 usage numbers. */
export function rc4Usage(usage: number): number {
  switch (usage) {
    case 3:
      return 8;
    case 23:
      return 13;
    default:
      return usage;
  }
}

function usageBytes(usage: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(rc4Usage(usage));
  return bytes;
}

function checkKey(key: Buffer): Buffer {
  if (key.length !== 16) throw new RangeError('rc4-hmac needs a 16-byte key');
  return key;
}

export const rc4Hmac: EncryptionType = {
  etype: EncType.RC4_HMAC,
  name: 'rc4-hmac',
  keyLength: 16,
  checksumType: ChecksumType.HMAC_MD5,
  checksumLength: CHECKSUM_LENGTH,
  confounderLength: CONFOUNDER_LENGTH,
  trailerLength: 0,
  stringToKey(password) {
    return md4(Buffer.from(password, 'utf16le'));
  },
  encrypt(key, usage, plaintext, confounder = randomBytes(CONFOUNDER_LENGTH)) {
    const k1 = hmacMd5(checkKey(key), usageBytes(usage));
    const data = Buffer.concat([confounder, plaintext]);
    const checksum = hmacMd5(k1, data);
    return Buffer.concat([checksum, rc4k(hmacMd5(k1, checksum), data)]);
  },
  decrypt(key, usage, ciphertext) {
    if (ciphertext.length < CHECKSUM_LENGTH + CONFOUNDER_LENGTH) throw integrityFailure('the Kerberos ciphertext is too short');
    const k1 = hmacMd5(checkKey(key), usageBytes(usage));
    const checksum = ciphertext.subarray(0, CHECKSUM_LENGTH);
    const data = rc4k(hmacMd5(k1, checksum), ciphertext.subarray(CHECKSUM_LENGTH));
    if (!timingSafeEqual(hmacMd5(k1, data), checksum)) throw integrityFailure();
    return data.subarray(CONFOUNDER_LENGTH);
  },
  /** hmac-md5 (-138): HMAC-MD5(HMAC-MD5(key, "signaturekey\0"), MD5(usage ‖ data)). */
  checksum(key, usage, data) {
    const signingKey = hmacMd5(checkKey(key), SIGNATURE_KEY);
    return hmacMd5(signingKey, createHash('md5').update(usageBytes(usage)).update(data).digest());
  },
  verifyChecksum(key, usage, data, checksum) {
    const expected = this.checksum(key, usage, data);
    if (checksum.length !== expected.length || !timingSafeEqual(checksum, expected)) throw integrityFailure('the Kerberos checksum does not match');
  },
};
