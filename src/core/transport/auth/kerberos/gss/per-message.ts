/**
 * RFC 4121 §4.2 per-message tokens for the AES and other RFC 3961 encryption types: Wrap tokens
 * with confidentiality (TOK_ID 05 04: a 16-byte header, then encrypt(data ‖ filler ‖ header) rotated
 * right by RRC octets) and MIC tokens (TOK_ID 04 04: header and checksum over data ‖ header).
 */
import { securityError } from '../../security-errors';
import { KeyUsage, type EncryptionType } from '../crypto/encryption-type';

export const TOKEN_HEADER_LENGTH = 16;
const WRAP_TOKEN_ID = 0x0504;
const MIC_TOKEN_ID = 0x0404;

export const TokenFlag = {
  SENT_BY_ACCEPTOR: 0x01,
  SEALED: 0x02,
  ACCEPTOR_SUBKEY: 0x04,
} as const;

/** The key and direction a context protects messages with. */
export interface MessageKey {
  readonly type: EncryptionType;
  readonly key: Buffer;
  /** Whether the key is the acceptor's subkey from the AP-REP (the AcceptorSubkey flag). */
  readonly acceptorSubkey: boolean;
}

function invalid(detail: string): Error {
  return securityError('SEC_E_INVALID_TOKEN', detail);
}

/** Rotates right by `count` octets (RFC 4121 §4.2.5); a negative count rotates left. */
export function rotate(data: Buffer, count: number): Buffer {
  if (data.length === 0) return data;
  const shift = ((count % data.length) + data.length) % data.length;
  if (shift === 0) return data;
  return Buffer.concat([data.subarray(data.length - shift), data.subarray(0, data.length - shift)]);
}

function flagsFor(key: MessageKey, sentByAcceptor: boolean, sealed: boolean): number {
  return (sentByAcceptor ? TokenFlag.SENT_BY_ACCEPTOR : 0) | (sealed ? TokenFlag.SEALED : 0) | (key.acceptorSubkey ? TokenFlag.ACCEPTOR_SUBKEY : 0);
}

function wrapHeader(flags: number, ec: number, rrc: number, sequence: bigint): Buffer {
  const header = Buffer.alloc(TOKEN_HEADER_LENGTH);
  header.writeUInt16BE(WRAP_TOKEN_ID, 0);
  header[2] = flags;
  header[3] = 0xff;
  header.writeUInt16BE(ec, 4);
  header.writeUInt16BE(rrc, 6);
  header.writeBigUInt64BE(sequence, 8);
  return header;
}

/**
 * The RRC a sender uses so that the whole trailer (encrypted header copy and integrity check) lands
 * right after the token header, as Windows SSPI and MIT's IOV wrap place it: the token then splits
 * into a header part and ciphertext exactly as long as the message (MS-WSMV §2.2.9.1.2.2).
 */
export function trailerRotation(type: EncryptionType): number {
  return TOKEN_HEADER_LENGTH + type.trailerLength;
}

/** A sealed Wrap token (EC 0: no filler; CTS needs no padding). */
export function wrapToken(key: MessageKey, sentByAcceptor: boolean, sequence: bigint, data: Buffer, confounder?: Buffer): Buffer {
  const rrc = trailerRotation(key.type);
  const flags = flagsFor(key, sentByAcceptor, true);
  const usage = sentByAcceptor ? KeyUsage.GSS_ACCEPTOR_SEAL : KeyUsage.GSS_INITIATOR_SEAL;
  const encrypted = key.type.encrypt(key.key, usage, Buffer.concat([data, wrapHeader(flags, 0, 0, sequence)]), confounder);
  return Buffer.concat([wrapHeader(flags, 0, rrc, sequence), rotate(encrypted, rrc)]);
}

export interface Unwrapped {
  readonly data: Buffer;
  readonly sequence: bigint;
}

/** Checks the fields every per-message token from the peer must have. */
function checkFlags(flags: number, key: MessageKey, fromAcceptor: boolean): void {
  if (Boolean(flags & TokenFlag.SENT_BY_ACCEPTOR) !== fromAcceptor) throw invalid('the token was sent in the other direction');
  if (Boolean(flags & TokenFlag.ACCEPTOR_SUBKEY) !== key.acceptorSubkey) throw invalid('the token names another key than the context uses');
}

/** Opens a sealed Wrap token from the peer; SEC_E_MESSAGE_ALTERED when it does not verify. */
export function unwrapToken(key: MessageKey, fromAcceptor: boolean, token: Buffer): Unwrapped {
  if (token.length < TOKEN_HEADER_LENGTH || token.readUInt16BE(0) !== WRAP_TOKEN_ID || token[3] !== 0xff) throw invalid('not a Kerberos Wrap token');
  const flags = token[2]!;
  checkFlags(flags, key, fromAcceptor);
  if (!(flags & TokenFlag.SEALED)) throw invalid('the Wrap token is not sealed');
  const ec = token.readUInt16BE(4);
  const rrc = token.readUInt16BE(6);
  const sequence = token.readBigUInt64BE(8);
  const usage = fromAcceptor ? KeyUsage.GSS_ACCEPTOR_SEAL : KeyUsage.GSS_INITIATOR_SEAL;
  const plain = key.type.decrypt(key.key, usage, rotate(token.subarray(TOKEN_HEADER_LENGTH), -rrc));
  if (plain.length < ec + TOKEN_HEADER_LENGTH) throw securityError('SEC_E_MESSAGE_ALTERED', 'the Wrap token is too short');
  const copy = plain.subarray(plain.length - TOKEN_HEADER_LENGTH);
  // The encrypted copy of the header has RRC 0 and otherwise matches.
  if (!copy.equals(wrapHeader(flags, ec, 0, sequence))) throw securityError('SEC_E_MESSAGE_ALTERED', 'the Wrap token header was altered');
  return { data: plain.subarray(0, plain.length - TOKEN_HEADER_LENGTH - ec), sequence };
}

function micHeader(flags: number, sequence: bigint): Buffer {
  const header = Buffer.alloc(TOKEN_HEADER_LENGTH, 0xff);
  header.writeUInt16BE(MIC_TOKEN_ID, 0);
  header[2] = flags;
  header.writeBigUInt64BE(sequence, 8);
  return header;
}

export function micToken(key: MessageKey, sentByAcceptor: boolean, sequence: bigint, data: Buffer): Buffer {
  const header = micHeader(flagsFor(key, sentByAcceptor, false), sequence);
  const usage = sentByAcceptor ? KeyUsage.GSS_ACCEPTOR_SIGN : KeyUsage.GSS_INITIATOR_SIGN;
  return Buffer.concat([header, key.type.checksum(key.key, usage, Buffer.concat([data, header]))]);
}

/** Verifies a MIC token from the peer over `data`; returns its sequence number. */
export function verifyMicToken(key: MessageKey, fromAcceptor: boolean, data: Buffer, token: Buffer): bigint {
  if (token.length < TOKEN_HEADER_LENGTH || token.readUInt16BE(0) !== MIC_TOKEN_ID || !token.subarray(3, 8).equals(Buffer.alloc(5, 0xff))) {
    throw invalid('not a Kerberos MIC token');
  }
  const flags = token[2]!;
  checkFlags(flags, key, fromAcceptor);
  const header = token.subarray(0, TOKEN_HEADER_LENGTH);
  const usage = fromAcceptor ? KeyUsage.GSS_ACCEPTOR_SIGN : KeyUsage.GSS_INITIATOR_SIGN;
  key.type.verifyChecksum(key.key, usage, Buffer.concat([data, header]), token.subarray(TOKEN_HEADER_LENGTH));
  return token.readBigUInt64BE(8);
}
