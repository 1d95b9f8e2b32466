/**
 * NTLM session security with extended session security (MS-NLMP §3.4): per direction a signing
 * key, an RC4 sealing handle that runs on across messages, and a sequence number. SEAL encrypts
 * first and then signs the plaintext with the same handle (§3.4.3; swapping the two desynchronises
 * every later message).
 */
import { timingSafeEqual } from 'node:crypto';
import { NegotiateFlag } from './ntlm-messages';
import { hmacMd5, sealKey, signKey, type NtlmRole } from './ntlm-crypto';
import { Rc4 } from './rc4';
import { securityError } from './security-errors';
import type { SessionSecurity } from './session-security';

const SIGNATURE_VERSION = Buffer.from([1, 0, 0, 0]);

/** One direction of the session: what `sender` sends is signed and sealed with these. */
class Direction {
  readonly signKey: Buffer;
  private readonly sealKey: Buffer;
  handle: Rc4;
  sequence = 0;

  constructor(flags: number, exportedSessionKey: Buffer, sender: NtlmRole) {
    this.signKey = signKey(exportedSessionKey, sender);
    this.sealKey = sealKey(flags, exportedSessionKey, sender);
    this.handle = new Rc4(this.sealKey);
  }

  /** A fresh handle from the sealing key: SSPI does this after a SPNEGO mechListMIC. */
  resetHandle(): void {
    this.handle = new Rc4(this.sealKey);
  }

  nextSequence(): Buffer {
    const number = Buffer.alloc(4);
    number.writeUInt32LE(this.sequence);
    this.sequence = (this.sequence + 1) >>> 0;
    return number;
  }
}

export class NtlmSessionSecurity implements SessionSecurity {
  private readonly outgoing: Direction;
  private readonly incoming: Direction;

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

  wrap(message: Buffer): { header: Buffer; sealed: Buffer } {
    this.requireSealing();
    const sealed = this.outgoing.handle.update(message);
    return { header: this.signature(this.outgoing, message), sealed };
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

  /** NTLMSSP_MESSAGE_SIGNATURE: version 1, the first 8 bytes of HMAC_MD5(SignKey, SeqNum ‖ message) (RC4'd with key exchange), SeqNum. */
  private signature(direction: Direction, message: Buffer): Buffer {
    const sequence = direction.nextSequence();
    const mac = hmacMd5(direction.signKey, sequence, message).subarray(0, 8);
    const checksum = this.flags & NegotiateFlag.KEY_EXCH ? direction.handle.update(mac) : mac;
    return Buffer.concat([SIGNATURE_VERSION, checksum, sequence]);
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
