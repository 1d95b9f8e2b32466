/**
 * The three NTLM messages (MS-NLMP §2.2.1) and the AV pairs of TargetInfo (§2.2.2.1), as bytes.
 * Variable fields live in a payload after the fixed header and are addressed by
 * (Len, MaxLen, BufferOffset) triples. Text is UTF-16LE when NTLMSSP_NEGOTIATE_UNICODE was
 * negotiated, else the OEM code page, taken as Latin-1 (ntlm-auth's NEGOTIATE offers only OEM);
 * AV pair values are always UTF-16LE.
 */
import { securityError } from './security-errors';

export const NegotiateFlag = {
  UNICODE: 0x00000001,
  OEM: 0x00000002,
  REQUEST_TARGET: 0x00000004,
  SIGN: 0x00000010,
  SEAL: 0x00000020,
  LM_KEY: 0x00000080,
  NTLM: 0x00000200,
  ANONYMOUS: 0x00000800,
  ALWAYS_SIGN: 0x00008000,
  TARGET_TYPE_DOMAIN: 0x00010000,
  TARGET_TYPE_SERVER: 0x00020000,
  EXTENDED_SESSIONSECURITY: 0x00080000,
  TARGET_INFO: 0x00800000,
  VERSION: 0x02000000,
  KEY_128: 0x20000000,
  KEY_EXCH: 0x40000000,
  KEY_56: 0x80000000,
} as const;

export const AvId = {
  EOL: 0,
  NB_COMPUTER_NAME: 1,
  NB_DOMAIN_NAME: 2,
  DNS_COMPUTER_NAME: 3,
  DNS_DOMAIN_NAME: 4,
  DNS_TREE_NAME: 5,
  FLAGS: 6,
  TIMESTAMP: 7,
  SINGLE_HOST: 8,
  TARGET_NAME: 9,
  CHANNEL_BINDINGS: 10,
} as const;

/** MsvAvFlags bit: the AUTHENTICATE message carries a MIC. */
export const AV_FLAG_MIC_PRESENT = 0x2;

export interface AvPair {
  readonly id: number;
  readonly value: Buffer;
}

const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');
const MessageType = { NEGOTIATE: 1, CHALLENGE: 2, AUTHENTICATE: 3 } as const;

const NEGOTIATE_HEADER = 40;
const CHALLENGE_HEADER = 56;
const AUTHENTICATE_HEADER = 88;
/** Where the AUTHENTICATE message keeps its MIC (after the 8-byte Version). */
export const MIC_OFFSET = 72;

/**
 * The VERSION structure (§2.2.2.10) of the Windows this library stands in for: 10.0 build 20348
 * (Server 2022, the OS the endpoint reports), NTLMSSP_REVISION_W2K3 (15).
 */
export const WINDOWS_VERSION = Buffer.from([10, 0, 0x7c, 0x4f, 0, 0, 0, 0x0f]);

export function isNtlmMessage(token: Buffer): boolean {
  return token.length >= SIGNATURE.length && token.subarray(0, SIGNATURE.length).equals(SIGNATURE);
}

export function unicode(text: string): Buffer {
  return Buffer.from(text, 'utf16le');
}

function textEncoding(flags: number): BufferEncoding {
  return flags & NegotiateFlag.UNICODE ? 'utf16le' : 'latin1';
}

function text(bytes: Buffer, flags: number): string {
  return bytes.toString(textEncoding(flags));
}

function encodeText(value: string, flags: number): Buffer {
  return Buffer.from(value, textEncoding(flags));
}

// ---- AV pairs ----

/** TargetInfo bytes: each pair as (AvId, AvLen, Value), then MsvAvEOL. */
export function encodeAvPairs(pairs: readonly AvPair[]): Buffer {
  const parts = pairs.map((pair) => {
    const head = Buffer.alloc(4);
    head.writeUInt16LE(pair.id, 0);
    head.writeUInt16LE(pair.value.length, 2);
    return Buffer.concat([head, pair.value]);
  });
  return Buffer.concat([...parts, Buffer.alloc(4)]);
}

/** The pairs up to MsvAvEOL; whatever follows it (the NTLMv2 blob's padding) is ignored. */
export function decodeAvPairs(data: Buffer): AvPair[] {
  const pairs: AvPair[] = [];
  for (let offset = 0; ; ) {
    if (offset + 4 > data.length) throw securityError('SEC_E_INVALID_TOKEN', 'the AV pair list has no MsvAvEOL');
    const id = data.readUInt16LE(offset);
    const length = data.readUInt16LE(offset + 2);
    if (id === AvId.EOL) return pairs;
    if (offset + 4 + length > data.length) throw securityError('SEC_E_INVALID_TOKEN', 'an AV pair runs past the end of TargetInfo');
    pairs.push({ id, value: data.subarray(offset + 4, offset + 4 + length) });
    offset += 4 + length;
  }
}

export function findAvPair(pairs: readonly AvPair[], id: number): Buffer | undefined {
  return pairs.find((pair) => pair.id === id)?.value;
}

// ---- field layout ----

/** The header followed by the payload fields, each field's (Len, MaxLen, BufferOffset) written at its slot. */
function withPayload(header: Buffer, fields: readonly (readonly [slot: number, value: Buffer])[]): Buffer {
  let offset = header.length;
  for (const [slot, value] of fields) {
    header.writeUInt16LE(value.length, slot);
    header.writeUInt16LE(value.length, slot + 2);
    header.writeUInt32LE(offset, slot + 4);
    offset += value.length;
  }
  return Buffer.concat([header, ...fields.map(([, value]) => value)]);
}

function newHeader(length: number, type: number, flags: number, flagsAt: number): Buffer {
  const header = Buffer.alloc(length);
  SIGNATURE.copy(header, 0);
  header.writeUInt32LE(type, 8);
  header.writeUInt32LE(flags >>> 0, flagsAt);
  return header;
}

/** Checks signature, type and minimum size before any field is read. */
function expectMessage(data: Buffer, type: number, minimum: number, name: string): void {
  if (!isNtlmMessage(data)) throw securityError('SEC_E_INVALID_TOKEN', `not an NTLM ${name} message`);
  if (data.length < minimum) throw securityError('SEC_E_INVALID_TOKEN', `the NTLM ${name} message is truncated`);
  if (data.readUInt32LE(8) !== type) throw securityError('SEC_E_INVALID_TOKEN', `expected an NTLM ${name} message`);
}

interface Field {
  readonly bytes: Buffer;
  readonly offset: number;
}

function readField(data: Buffer, slot: number): Field {
  const length = data.readUInt16LE(slot);
  const offset = data.readUInt32LE(slot + 4);
  if (length > 0 && offset + length > data.length) throw securityError('SEC_E_INVALID_TOKEN', 'an NTLM message field runs past the end');
  return { bytes: length > 0 ? data.subarray(offset, offset + length) : Buffer.alloc(0), offset };
}

/** Where the payload starts: the lowest offset among non-empty fields (older peers omit Version and MIC). */
function payloadStart(fields: readonly Field[], fallback: number): number {
  const offsets = fields.filter((f) => f.bytes.length > 0).map((f) => f.offset);
  return offsets.length > 0 ? Math.min(...offsets) : fallback;
}

// ---- NEGOTIATE_MESSAGE ----

/** NEGOTIATE with Version and empty DomainName/Workstation, as §3.1.5.1.1 requires with NTLMSSP_NEGOTIATE_VERSION. */
export function encodeNegotiate(flags: number): Buffer {
  const header = newHeader(NEGOTIATE_HEADER, MessageType.NEGOTIATE, flags, 12);
  WINDOWS_VERSION.copy(header, 32);
  return withPayload(header, [
    [16, Buffer.alloc(0)],
    [24, Buffer.alloc(0)],
  ]);
}

export function decodeNegotiate(data: Buffer): { readonly flags: number } {
  expectMessage(data, MessageType.NEGOTIATE, 16, 'NEGOTIATE');
  return { flags: data.readUInt32LE(12) };
}

// ---- CHALLENGE_MESSAGE ----

export interface ChallengeMessage {
  readonly flags: number;
  readonly serverChallenge: Buffer;
  readonly targetName: string;
  readonly targetInfo: readonly AvPair[];
}

export function encodeChallenge(message: ChallengeMessage): Buffer {
  const header = newHeader(CHALLENGE_HEADER, MessageType.CHALLENGE, message.flags, 20);
  message.serverChallenge.copy(header, 24);
  WINDOWS_VERSION.copy(header, 48);
  return withPayload(header, [
    [12, encodeText(message.targetName, message.flags)],
    [40, encodeAvPairs(message.targetInfo)],
  ]);
}

export function decodeChallenge(data: Buffer): ChallengeMessage {
  expectMessage(data, MessageType.CHALLENGE, 48, 'CHALLENGE');
  const flags = data.readUInt32LE(20);
  const targetName = readField(data, 12);
  const targetInfo = readField(data, 40);
  return {
    flags,
    serverChallenge: Buffer.from(data.subarray(24, 32)),
    targetName: text(targetName.bytes, flags),
    targetInfo: targetInfo.bytes.length > 0 ? decodeAvPairs(targetInfo.bytes) : [],
  };
}

// ---- AUTHENTICATE_MESSAGE ----

export interface AuthenticateMessage {
  readonly flags: number;
  readonly lmResponse: Buffer;
  readonly ntResponse: Buffer;
  readonly domain: string;
  readonly user: string;
  readonly workstation: string;
  readonly encryptedSessionKey: Buffer;
  /** 16 bytes when the message has a MIC field, undefined for peers that leave it out. */
  readonly mic: Buffer | undefined;
}

/**
 * AUTHENTICATE with Version and a MIC field (zeros until the caller writes the MIC at MIC_OFFSET);
 * the payload in the order Windows lays it out: domain, user, workstation, LM, NT, session key.
 */
export function encodeAuthenticate(message: Omit<AuthenticateMessage, 'mic'>): Buffer {
  const header = newHeader(AUTHENTICATE_HEADER, MessageType.AUTHENTICATE, message.flags, 60);
  WINDOWS_VERSION.copy(header, 64);
  return withPayload(header, [
    [28, encodeText(message.domain, message.flags)],
    [36, encodeText(message.user, message.flags)],
    [44, encodeText(message.workstation, message.flags)],
    [12, message.lmResponse],
    [20, message.ntResponse],
    [52, message.encryptedSessionKey],
  ]);
}

export function decodeAuthenticate(data: Buffer): AuthenticateMessage {
  expectMessage(data, MessageType.AUTHENTICATE, 64, 'AUTHENTICATE');
  const flags = data.readUInt32LE(60);
  const [lm, nt, domain, user, workstation, key] = [12, 20, 28, 36, 44, 52].map((slot) => readField(data, slot)) as [Field, Field, Field, Field, Field, Field];
  const hasMic = payloadStart([lm, nt, domain, user, workstation, key], data.length) >= MIC_OFFSET + 16 && data.length >= MIC_OFFSET + 16;
  return {
    flags,
    lmResponse: lm.bytes,
    ntResponse: nt.bytes,
    domain: text(domain.bytes, flags),
    user: text(user.bytes, flags),
    workstation: text(workstation.bytes, flags),
    encryptedSessionKey: key.bytes,
    mic: hasMic ? Buffer.from(data.subarray(MIC_OFFSET, MIC_OFFSET + 16)) : undefined,
  };
}
