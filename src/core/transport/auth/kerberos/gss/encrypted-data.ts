/**
 * Keys and EncryptedData of the AP exchange: the encryption type a key names, fresh subkeys, and
 * encryption and decryption under RFC 4120 key usages with SSPI errors for what goes wrong.
 */
import { randomBytes } from 'node:crypto';
import { securityError } from '../../security-errors';
import { Asn1FormatError, EncryptedData, EncryptionKey, flagBit } from '../asn1';
import type { EncryptionType } from '../crypto/encryption-type';
import { encryptionType } from '../crypto/encryption-types';

/** AP-OPTIONS mutual-required (RFC 4120 §5.5.1). */
export const AP_OPTION_MUTUAL_REQUIRED = flagBit(2);

/** The encryption type of a key, or SEC_E_UNSUPPORTED_FUNCTION naming its number. */
export function typeOfKey(key: EncryptionKey): EncryptionType {
  const type = encryptionType(key.keytype);
  if (!type) throw securityError('SEC_E_UNSUPPORTED_FUNCTION', `encryption type ${key.keytype} is not supported`);
  return type;
}

export function newKey(type: EncryptionType): EncryptionKey {
  return Object.assign(new EncryptionKey(), { keytype: type.etype, keyvalue: randomBytes(type.keyLength) });
}

export function encryptedData(key: EncryptionKey, usage: number, plaintext: Buffer): EncryptedData {
  return Object.assign(new EncryptedData(), { etype: key.keytype, cipher: typeOfKey(key).encrypt(key.keyvalue, usage, plaintext) });
}

/** Decrypts with `key`; SEC_E_MESSAGE_ALTERED when the types differ or the integrity check fails. */
export function decryptedData(key: EncryptionKey, usage: number, data: EncryptedData): Buffer {
  if (data.etype !== key.keytype) throw securityError('SEC_E_MESSAGE_ALTERED', `the data is encrypted with type ${data.etype}, the key is of type ${key.keytype}`);
  return typeOfKey(key).decrypt(key.keyvalue, usage, data.cipher);
}

/** Runs a decoder; a DER error becomes SEC_E_INVALID_TOKEN, security errors pass through. */
export function decodeOrInvalid<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof Asn1FormatError) throw securityError('SEC_E_INVALID_TOKEN', `malformed Kerberos message: ${error.message}`);
    throw error;
  }
}
