/**
 * The encryption types this implementation speaks, strongest first (the order a client offers
 * them in and an acceptor prefers them in), looked up by number.
 */
import { aes128CtsHmacSha196, aes256CtsHmacSha196 } from './aes-sha1';
import { aes128CtsHmacSha256128, aes256CtsHmacSha384192 } from './aes-sha2';
import type { EncryptionType } from './encryption-type';
import { rc4Hmac } from './rc4-hmac';

export const ENCRYPTION_TYPES: readonly EncryptionType[] = [
  aes256CtsHmacSha384192,
  aes128CtsHmacSha256128,
  aes256CtsHmacSha196,
  aes128CtsHmacSha196,
  rc4Hmac,
];

const BY_NUMBER = new Map(ENCRYPTION_TYPES.map((type) => [type.etype as number, type]));
const BY_NAME = new Map(ENCRYPTION_TYPES.map((type) => [type.name, type]));
// krb5.conf aliases of the same types.
BY_NAME.set('arcfour-hmac', rc4Hmac);
BY_NAME.set('arcfour-hmac-md5', rc4Hmac);
BY_NAME.set('aes256-cts', aes256CtsHmacSha196);
BY_NAME.set('aes128-cts', aes128CtsHmacSha196);
BY_NAME.set('aes256-sha2', aes256CtsHmacSha384192);
BY_NAME.set('aes128-sha2', aes128CtsHmacSha256128);
BY_NAME.set('aes256-sha1', aes256CtsHmacSha196);
BY_NAME.set('aes128-sha1', aes128CtsHmacSha196);

/** The encryption type with this number, or undefined when it is not supported. */
export function encryptionType(etype: number): EncryptionType | undefined {
  return BY_NUMBER.get(etype);
}

/** The encryption type a krb5.conf name (or alias, any case) stands for. */
export function encryptionTypeNamed(name: string): EncryptionType | undefined {
  return BY_NAME.get(name.toLowerCase());
}
