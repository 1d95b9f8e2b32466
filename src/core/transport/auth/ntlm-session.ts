/**
 * NTLM session security with extended session security (MS-NLMP §3.4): per direction a signing
 * key, an RC4 sealing handle that runs on across messages, and a sequence number. SEAL encrypts
 * first and then signs the plaintext with the same handle (§3.4.3; swapping the two desynchronises
 * every later message).
 */
import { timingSafeEqual } from 'node:crypto';
import { HmacMd5 } from './hmac-md5';
import { NegotiateFlag } from './ntlm-messages';
import { sealKey, signKey, type NtlmRole } from './ntlm-crypto';
import { Rc4 } from './rc4';
import { securityError } from './security-errors';
import type { SealedParts, SealPlacement, SessionSecurity } from './session-security';

/** NTLMSSP_MESSAGE_SIGNATURE: Version (1), Checksum (8), SeqNum (4). */
const SIGNATURE_LENGTH = 16;
const CHECKSUM_AT = 4;
const SEQUENCE_AT = 12;

function ownBuffers(headerLength: number, sealedLength: number): SealedParts {
  const out = Buffer.allocUnsafe(headerLength + sealedLength);
  return { header: out.subarray(0, headerLength), sealed: out.subarray(headerLength) };
}

/** One direction of the session: what `sender` sends is signed and sealed with these. */
class Direction {
  /** HMAC_MD5 keyed with the signing key. */
  readonly mac: HmacMd5;
  private readonly sealKey: Buffer;
  handle: Rc4;
  sequence = 0;

  constructor(flags: number, exportedSessionKey: Buffer, sender: NtlmRole) {
    this.mac = new HmacMd5(signKey(exportedSessionKey, sender));
    this.sealKey = sealKey(flags, exportedSessionKey, sender);
    this.handle = new Rc4(this.sealKey);
  }

  /** A fresh handle from the sealing key: SSPI does this after a SPNEGO mechListMIC. */
  resetHandle(): void {
    this.handle = new Rc4(this.sealKey);
  }

  /** Takes the next sequence number. */
  nextSequence(): number {
    const sequence = this.sequence;
    this.sequence = (sequence + 1) >>> 0;
    return sequence;
  }
}

export class NtlmSessionSecurity implements SessionSecurity {
  private readonly outgoing: Direction;
  private readonly incoming: Direction;
  /** Where each signature's HMAC lands before its first 8 bytes are taken. */
  private readonly mac = new Uint8Array(16);

  constructor(
    private readonly flags: number,
    exportedSessionKey: Buffer,
    role: NtlmRole,
  ) {
    if (!(flags & NegotiateFlag.EXTENDED_SESSIONSECURITY)) {
      throw securityError('SEC_E_UNSUPPORTED_FUNCTION', 'NTLM session security needs extended session security');
    }
    this.outgoing = new Direction(flags, exportedSessionKey, role);
    this.incoming = new Direction(flags, exportedSessionKey, role === 'client' ? 'server' : 'client');
  }

  wrap(message: Buffer, place: SealPlacement = ownBuffers): SealedParts {
    this.requireSealing();
    const parts = place(SIGNATURE_LENGTH, message.length);
    this.outgoing.handle.updateInto(message, parts.sealed);
    this.writeSignature(this.outgoing, message, parts.header);
    return parts;
  }

  unwrap(header: Buffer, sealed: Buffer): Buffer {
    this.requireSealing();
    const message = this.incoming.handle.update(sealed);
    this.check(header, this.signature(this.incoming, message));
    return message;
  }

  /** GSS_GetMICEx: a signature over `message` without sealing it. */
  sign(message: Buffer): Buffer {
    return this.signature(this.outgoing, message);
  }

  /** GSS_VerifyMICEx. */
  verify(message: Buffer, signature: Buffer): void {
    this.check(signature, this.signature(this.incoming, message));
  }

  resetHandle(direction: 'outgoing' | 'incoming'): void {
    this[direction].resetHandle();
  }

  private signature(direction: Direction, message: Buffer): Buffer {
    const signature = Buffer.allocUnsafe(SIGNATURE_LENGTH);
    this.writeSignature(direction, message, signature);
    return signature;
  }

  /** NTLMSSP_MESSAGE_SIGNATURE into `out`: version 1, the first 8 bytes of HMAC_MD5(SignKey, SeqNum ‖ message) (RC4'd with key exchange), SeqNum. */
  private writeSignature(direction: Direction, message: Buffer, out: Buffer): void {
    out.writeUInt32LE(1, 0);
    out.writeUInt32LE(direction.nextSequence(), SEQUENCE_AT);
    const mac = this.mac;
    direction.mac.digestInto(out.subarray(SEQUENCE_AT, SEQUENCE_AT + 4), message, mac);
    const checksum = out.subarray(CHECKSUM_AT, SEQUENCE_AT);
    if (this.flags & NegotiateFlag.KEY_EXCH) direction.handle.updateInto(mac.subarray(0, 8), checksum);
    else checksum.set(mac.subarray(0, 8));
  }

  private check(received: Buffer, expected: Buffer): void {
    if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
      throw securityError('SEC_E_MESSAGE_ALTERED', 'the NTLM message signature does not match');
    }
  }

  private requireSealing(): void {
    if (!(this.flags & NegotiateFlag.SEAL)) throw securityError('SEC_E_UNSUPPORTED_FUNCTION', 'NTLM sealing was not negotiated');
  }
}
