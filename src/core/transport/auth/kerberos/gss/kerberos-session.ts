/**
 * An established Kerberos GSS context's message protection (RFC 4121): sealed Wrap tokens split
 * the way WinRM sends them (header part, then ciphertext as long as the message) and MIC tokens,
 * with a sequence number per direction. A token from the peer must carry the next number expected:
 * a replayed, dropped or reordered message is refused and changes nothing.
 */
import { securityError } from '../../security-errors';
import type { SealedParts, SealPlacement, SessionSecurity } from '../../session-security';
import { micToken, trailerRotation, TOKEN_HEADER_LENGTH, unwrapToken, verifyMicToken, wrapToken, type MessageKey } from './per-message';

export type GssRole = 'initiator' | 'acceptor';

export class KerberosSessionSecurity implements SessionSecurity {
  private sendSequence: bigint;
  private receiveSequence: bigint;

  /** `sendSequence`/`receiveSequence`: the initial numbers of the AP-REQ and AP-REP, by direction. */
  constructor(
    private readonly key: MessageKey,
    private readonly role: GssRole,
    sendSequence: number,
    receiveSequence: number,
  ) {
    if (key.type.trailerLength === 0) throw securityError('SEC_E_UNSUPPORTED_FUNCTION', `message protection with ${key.type.name} keys is not supported`);
    this.sendSequence = BigInt(sendSequence >>> 0);
    this.receiveSequence = BigInt(receiveSequence >>> 0);
  }

  /** Length of the header part of a sealed message: token header, rotated trailer, confounder. */
  get headerLength(): number {
    return TOKEN_HEADER_LENGTH + trailerRotation(this.key.type) + this.key.type.confounderLength;
  }

  wrap(message: Buffer, place?: SealPlacement): SealedParts {
    const token = wrapToken(this.key, this.role === 'acceptor', this.sendSequence, message);
    this.sendSequence = (this.sendSequence + 1n) & 0xffffffffffffffffn;
    const header = token.subarray(0, this.headerLength);
    const sealed = token.subarray(this.headerLength);
    if (!place) return { header, sealed };
    const placed = place(header.length, sealed.length);
    header.copy(placed.header);
    sealed.copy(placed.sealed);
    return placed;
  }

  /** The header part may be split anywhere the peer's RRC allows, but the ciphertext part must be exactly the message (MS-WSMV: no padding). */
  unwrap(header: Buffer, sealed: Buffer): Buffer {
    const { data, sequence } = unwrapToken(this.key, this.role === 'initiator', Buffer.concat([header, sealed]));
    if (data.length !== sealed.length) throw securityError('SEC_E_MESSAGE_ALTERED', 'the header length does not match the Wrap token');
    this.accept(sequence);
    return data;
  }

  /** GSS_GetMIC. */
  sign(message: Buffer): Buffer {
    const token = micToken(this.key, this.role === 'acceptor', this.sendSequence, message);
    this.sendSequence = (this.sendSequence + 1n) & 0xffffffffffffffffn;
    return token;
  }

  /** GSS_VerifyMIC; throws SEC_E_MESSAGE_ALTERED or SEC_E_OUT_OF_SEQUENCE. */
  verify(message: Buffer, mic: Buffer): void {
    this.accept(verifyMicToken(this.key, this.role === 'initiator', message, mic));
  }

  private accept(sequence: bigint): void {
    if (sequence !== this.receiveSequence) throw securityError('SEC_E_OUT_OF_SEQUENCE', 'the Kerberos token is replayed or out of order');
    this.receiveSequence = (this.receiveSequence + 1n) & 0xffffffffffffffffn;
  }
}
