/**
 * One Kerberos encryption type (RFC 3961 §3): string-to-key, encryption with a confounder and an
 * integrity check, and its keyed checksum, all by key usage number. Keys are raw bytes; nothing
 * here logs or reports a key, a password or a plaintext.
 */
import { securityError } from '../../security-errors';

/** Encryption type numbers (RFC 3961 §8, RFC 3962, RFC 4757, RFC 8009). */
export const EncType = {
  AES128_CTS_HMAC_SHA1_96: 17,
  AES256_CTS_HMAC_SHA1_96: 18,
  AES128_CTS_HMAC_SHA256_128: 19,
  AES256_CTS_HMAC_SHA384_192: 20,
  RC4_HMAC: 23,
} as const;
export type EncType = (typeof EncType)[keyof typeof EncType];

/** Checksum type numbers of those encryption types' keyed checksums. */
export const ChecksumType = {
  HMAC_SHA1_96_AES128: 15,
  HMAC_SHA1_96_AES256: 16,
  HMAC_SHA256_128_AES128: 19,
  HMAC_SHA384_192_AES256: 20,
  HMAC_MD5: -138,
  /** RFC 4121 §4.1.1: the GSS-API authenticator checksum (not a real checksum). */
  GSSAPI: 0x8003,
} as const;

/** Key usage numbers (RFC 4120 §7.5.1, RFC 4121 §2). */
export const KeyUsage = {
  AS_REQ_PA_ENC_TIMESTAMP: 1,
  TICKET: 2,
  AS_REP_ENC_PART: 3,
  TGS_REQ_AUTH_DATA_SESSION_KEY: 4,
  TGS_REQ_AUTH_DATA_SUBKEY: 5,
  TGS_REQ_AUTHENTICATOR_CHECKSUM: 6,
  TGS_REQ_AUTHENTICATOR: 7,
  TGS_REP_ENC_PART_SESSION_KEY: 8,
  TGS_REP_ENC_PART_SUBKEY: 9,
  AP_REQ_AUTHENTICATOR_CHECKSUM: 10,
  AP_REQ_AUTHENTICATOR: 11,
  AP_REP_ENC_PART: 12,
  KRB_PRIV_ENC_PART: 13,
  KRB_CRED_ENC_PART: 14,
  KRB_SAFE_CHECKSUM: 15,
  GSS_ACCEPTOR_SEAL: 22,
  GSS_ACCEPTOR_SIGN: 23,
  GSS_INITIATOR_SEAL: 24,
  GSS_INITIATOR_SIGN: 25,
} as const;

export interface EncryptionType {
  readonly etype: EncType;
  /** The name krb5.conf and RFC 8009's salt use, e.g. `aes256-cts-hmac-sha1-96`. */
  readonly name: string;
  readonly keyLength: number;
  readonly checksumType: number;
  readonly checksumLength: number;
  /** Bytes of random confounder placed before the plaintext. */
  readonly confounderLength: number;
  /** Bytes of integrity check after the ciphertext (RC4: 0, its checksum comes first). */
  readonly trailerLength: number;
  /** `salt`: text (UTF-8) or the raw bytes of PA-ETYPE-INFO2; `params`: the s2kparams of PA-ETYPE-INFO2 (AES: the iteration count, 4 bytes big-endian). */
  stringToKey(password: string, salt: string | Buffer, params?: Buffer): Buffer;
  /** `confounder`: fixed bytes for test vectors; random otherwise. */
  encrypt(key: Buffer, usage: number, plaintext: Buffer, confounder?: Buffer): Buffer;
  /** Throws SEC_E_MESSAGE_ALTERED when the integrity check fails or the ciphertext is malformed. */
  decrypt(key: Buffer, usage: number, ciphertext: Buffer): Buffer;
  checksum(key: Buffer, usage: number, data: Buffer): Buffer;
  /** Throws SEC_E_MESSAGE_ALTERED when `checksum` is not this key's checksum of `data`. */
  verifyChecksum(key: Buffer, usage: number, data: Buffer, checksum: Buffer): void;
}

export function integrityFailure(detail = 'the Kerberos integrity check failed'): Error {
  return securityError('SEC_E_MESSAGE_ALTERED', detail);
}

/** Big-endian 4-byte usage number followed by one byte: the DK/KDF constant of RFC 3961 §5.3. */
export function usageConstant(usage: number, kind: 0x99 | 0xaa | 0x55): Buffer {
  const constant = Buffer.alloc(5);
  constant.writeUInt32BE(usage >>> 0);
  constant[4] = kind;
  return constant;
}

export function saltBytes(salt: string | Buffer): Buffer {
  return typeof salt === 'string' ? Buffer.from(salt, 'utf8') : salt;
}
