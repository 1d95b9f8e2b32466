/**
 * The NTLMv2 computations of MS-NLMP §3.3.2 and the key derivations of §3.4.5, as pure functions.
 * Only NTLMv2 with extended session security: for NTLMv2, KXKEY is the session base key itself.
 */
import { createHash, createHmac } from 'node:crypto';
import { md4 } from './md4';
import { NegotiateFlag, unicode } from './ntlm-messages';

export function md5(...parts: Buffer[]): Buffer {
  const hash = createHash('md5');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

export function hmacMd5(key: Buffer, ...parts: Buffer[]): Buffer {
  const mac = createHmac('md5', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** NTOWFv2 (= LMOWFv2): HMAC_MD5(MD4(UNICODE(password)), UNICODE(Uppercase(user) ‖ domain)). */
export function ntowfv2(password: string, user: string, domain: string): Buffer {
  return hmacMd5(md4(unicode(password)), unicode(user.toUpperCase() + domain));
}

/** FILETIME: 100-nanosecond intervals since 1601-01-01, little-endian. */
export function fileTime(date: Date): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64LE((BigInt(date.getTime()) + 11_644_473_600_000n) * 10_000n);
  return buffer;
}

/**
 * The NTLMv2_CLIENT_CHALLENGE ("temp" in §3.3.2): RespType 1, HiRespType 1, Z(6), time stamp,
 * client challenge, Z(4), the AV pairs (ending in MsvAvEOL), Z(4).
 */
export function ntlmv2ClientChallenge(timestamp: Buffer, clientChallenge: Buffer, targetInfo: Buffer): Buffer {
  return Buffer.concat([Buffer.from([1, 1]), Buffer.alloc(6), timestamp, clientChallenge, Buffer.alloc(4), targetInfo, Buffer.alloc(4)]);
}

export interface NtlmV2Responses {
  readonly ntResponse: Buffer;
  readonly lmResponse: Buffer;
  readonly sessionBaseKey: Buffer;
}

/** ComputeResponse for NTLMv2: NTProofStr ‖ temp, the LMv2 response, and the session base key. */
export function computeResponseV2(responseKey: Buffer, serverChallenge: Buffer, clientChallenge: Buffer, temp: Buffer): NtlmV2Responses {
  const ntProofStr = hmacMd5(responseKey, serverChallenge, temp);
  return {
    ntResponse: Buffer.concat([ntProofStr, temp]),
    lmResponse: Buffer.concat([hmacMd5(responseKey, serverChallenge, clientChallenge), clientChallenge]),
    sessionBaseKey: hmacMd5(responseKey, ntProofStr),
  };
}

export type NtlmRole = 'client' | 'server';

const SIGN_MAGIC: Record<NtlmRole, Buffer> = {
  client: Buffer.from('session key to client-to-server signing key magic constant\0', 'latin1'),
  server: Buffer.from('session key to server-to-client signing key magic constant\0', 'latin1'),
};

const SEAL_MAGIC: Record<NtlmRole, Buffer> = {
  client: Buffer.from('session key to client-to-server sealing key magic constant\0', 'latin1'),
  server: Buffer.from('session key to server-to-client sealing key magic constant\0', 'latin1'),
};

/** SIGNKEY with extended session security: the key that signs what `sender` sends. */
export function signKey(exportedSessionKey: Buffer, sender: NtlmRole): Buffer {
  return md5(exportedSessionKey, SIGN_MAGIC[sender]);
}

/** SEALKEY with extended session security: 128, 56 or 40 bits of the session key, as negotiated. */
export function sealKey(flags: number, exportedSessionKey: Buffer, sender: NtlmRole): Buffer {
  const bytes = flags & NegotiateFlag.KEY_128 ? 16 : flags & NegotiateFlag.KEY_56 ? 7 : 5;
  return md5(exportedSessionKey.subarray(0, bytes), SEAL_MAGIC[sender]);
}

/** The MIC: HMAC_MD5(ExportedSessionKey, NEGOTIATE ‖ CHALLENGE ‖ AUTHENTICATE with a zero MIC). */
export function messageIntegrityCode(exportedSessionKey: Buffer, negotiate: Buffer, challenge: Buffer, authenticate: Buffer): Buffer {
  return hmacMd5(exportedSessionKey, negotiate, challenge, authenticate);
}
