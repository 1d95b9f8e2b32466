/**
 * aes128-cts-hmac-sha256-128 and aes256-cts-hmac-sha384-192 (RFC 8009): AES-CTS with
 * encrypt-then-MAC, keys from KDF-HMAC-SHA2 (SP 800-108 counter mode), PBKDF2-HMAC-SHA2
 * string-to-key salted with the encryption type's name.
 */
import { createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { decryptCts, encryptCts } from './aes-cts';
import { DerivedKeys } from './derived-keys';
import { ChecksumType, EncType, integrityFailure, saltBytes, type EncryptionType } from './encryption-type';

const BLOCK = 16;
const ZERO_IV = Buffer.alloc(BLOCK);
const DEFAULT_ITERATIONS = 32768;
const KERBEROS = Buffer.from('kerberos', 'latin1');

interface Profile {
  readonly etype: EncType;
  readonly name: string;
  readonly hash: 'sha256' | 'sha384';
  readonly keyLength: number;
  /** Bytes of the truncated HMAC (integrity check and checksum), also the length of Kc and Ki. */
  readonly macLength: number;
  readonly checksumType: number;
}

/** KDF-HMAC-SHA2(key, label, k): the first k bits of HMAC(key, 00000001 ‖ label ‖ 00 ‖ k). */
export function kdfHmacSha2(hash: 'sha256' | 'sha384', key: Buffer, label: Buffer, bytes: number): Buffer {
  const bits = Buffer.alloc(4);
  bits.writeUInt32BE(bytes * 8);
  return createHmac(hash, key).update(Buffer.from([0, 0, 0, 1])).update(label).update(Buffer.from([0])).update(bits).digest().subarray(0, bytes);
}

function aesSha2(profile: Profile): EncryptionType {
  const { hash, keyLength, macLength, name } = profile;
  // Ke has the key's length; Kc and Ki the MAC's.
  const keys = new DerivedKeys((base, constant, kind) => kdfHmacSha2(hash, base, constant, kind === 0xaa ? keyLength : macLength));
  const checkKey = (key: Buffer): Buffer => {
    if (key.length !== keyLength) throw new RangeError(`${name} needs a ${keyLength}-byte key`);
    return key;
  };
  const mac = (key: Buffer, ...parts: Buffer[]): Buffer => {
    const hmac = createHmac(hash, key);
    for (const part of parts) hmac.update(part);
    return hmac.digest().subarray(0, macLength);
  };
  return {
    etype: profile.etype,
    name,
    keyLength,
    checksumType: profile.checksumType,
    checksumLength: macLength,
    confounderLength: BLOCK,
    trailerLength: macLength,
    stringToKey(password, salt, params) {
      const iterations = params ? params.readUInt32BE(0) : DEFAULT_ITERATIONS;
      if (iterations === 0) throw new RangeError('the string-to-key iteration count is zero');
      const saltp = Buffer.concat([Buffer.from(name, 'latin1'), Buffer.from([0]), saltBytes(salt)]);
      const seed = pbkdf2Sync(Buffer.from(password, 'utf8'), saltp, iterations, keyLength, hash);
      return kdfHmacSha2(hash, seed, KERBEROS, keyLength);
    },
    encrypt(key, usage, plaintext, confounder = randomBytes(BLOCK)) {
      checkKey(key);
      const ciphertext = encryptCts(keys.get(key, usage, 0xaa), Buffer.concat([confounder, plaintext]));
      return Buffer.concat([ciphertext, mac(keys.get(key, usage, 0x55), ZERO_IV, ciphertext)]);
    },
    decrypt(key, usage, ciphertext) {
      checkKey(key);
      if (ciphertext.length < BLOCK + macLength) throw integrityFailure('the Kerberos ciphertext is too short');
      const body = ciphertext.subarray(0, ciphertext.length - macLength);
      // Encrypt-then-MAC: the check comes before any decryption.
      if (!timingSafeEqual(mac(keys.get(key, usage, 0x55), ZERO_IV, body), ciphertext.subarray(body.length))) throw integrityFailure();
      return decryptCts(keys.get(key, usage, 0xaa), body).subarray(BLOCK);
    },
    checksum(key, usage, data) {
      return mac(keys.get(checkKey(key), usage, 0x99), data);
    },
    verifyChecksum(key, usage, data, checksum) {
      const expected = this.checksum(key, usage, data);
      if (checksum.length !== expected.length || !timingSafeEqual(checksum, expected)) throw integrityFailure('the Kerberos checksum does not match');
    },
  };
}

export const aes128CtsHmacSha256128 = aesSha2({
  etype: EncType.AES128_CTS_HMAC_SHA256_128,
  name: 'aes128-cts-hmac-sha256-128',
  hash: 'sha256',
  keyLength: 16,
  macLength: 16,
  checksumType: ChecksumType.HMAC_SHA256_128_AES128,
});

export const aes256CtsHmacSha384192 = aesSha2({
  etype: EncType.AES256_CTS_HMAC_SHA384_192,
  name: 'aes256-cts-hmac-sha384-192',
  hash: 'sha384',
  keyLength: 32,
  macLength: 24,
  checksumType: ChecksumType.HMAC_SHA384_192_AES256,
});
