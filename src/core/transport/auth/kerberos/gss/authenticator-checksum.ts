/**
 * The GSS-API checksum of an AP-REQ authenticator (RFC 4121 §4.1.1, checksum type 0x8003): the
 * MD5 of the channel bindings, the requested context flags, and a forwarded TGT (KRB-CRED) when
 * the initiator delegates.
 */
import { channelBindingsHash } from '../../channel-bindings';
import { securityError } from '../../security-errors';

export const GssFlag = {
  DELEG: 0x01,
  MUTUAL: 0x02,
  REPLAY: 0x04,
  SEQUENCE: 0x08,
  CONF: 0x10,
  INTEG: 0x20,
} as const;

const BINDINGS_LENGTH = 16;
const DELEGATION_OPTION = 1;

export interface AuthenticatorChecksum {
  /** MD5 of the gss_channel_bindings_struct, or 16 zero bytes for none. */
  readonly bindings: Buffer;
  readonly flags: number;
  /** DER KRB-CRED carrying the forwarded TGT (with GssFlag.DELEG). */
  readonly delegation?: Buffer;
}

/** `channelBindings`: the application data (`tls-server-end-point:` ‖ hash), or undefined over plain HTTP. */
export function encodeAuthenticatorChecksum(flags: number, channelBindings?: Buffer, delegation?: Buffer): Buffer {
  const head = Buffer.alloc(4 + BINDINGS_LENGTH + 4);
  head.writeUInt32LE(BINDINGS_LENGTH, 0);
  channelBindingsHash(channelBindings).copy(head, 4);
  head.writeUInt32LE((delegation ? flags | GssFlag.DELEG : flags & ~GssFlag.DELEG) >>> 0, 4 + BINDINGS_LENGTH);
  if (!delegation) return head;
  const option = Buffer.alloc(4);
  option.writeUInt16LE(DELEGATION_OPTION, 0);
  option.writeUInt16LE(delegation.length, 2);
  return Buffer.concat([head, option, delegation]);
}

export function decodeAuthenticatorChecksum(checksum: Buffer): AuthenticatorChecksum {
  const invalid = (detail: string): Error => securityError('SEC_E_INVALID_TOKEN', `the authenticator checksum ${detail}`);
  if (checksum.length < 24 || checksum.readUInt32LE(0) !== BINDINGS_LENGTH) throw invalid('is malformed');
  const flags = checksum.readUInt32LE(20);
  const bindings = checksum.subarray(4, 20);
  if (!(flags & GssFlag.DELEG)) return { bindings, flags };
  if (checksum.length < 28 || checksum.readUInt16LE(24) !== DELEGATION_OPTION) throw invalid('announces delegation without credentials');
  const length = checksum.readUInt16LE(26);
  if (28 + length > checksum.length) throw invalid('has truncated credentials');
  return { bindings, flags, delegation: checksum.subarray(28, 28 + length) };
}
