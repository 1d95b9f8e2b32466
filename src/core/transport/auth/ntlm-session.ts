/**
 * NTLM session security with extended session security (MS-NLMP §3.4): per direction a signing
 * key, an RC4 sealing handle that runs on across messages, and a sequence number. SEAL encrypts
 * first and then signs the plaintext with the same handle (§3.4.3; swapping the two desynchronises
 * every later message).
 *
 * Each direction's key stream for its next message is made ahead, in the turn of the event loop
 * after this side sealed a message, when it waits for the peer (the client while the server
 * works, the server between requests): the RC4 half of sealing leaves the round trip.
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
const CHECKSUM_LENGTH = 8;
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
  /** Key stream the last message took (its data and its checksum): what the next one is expected to take. */
  lastUse = 0;

  constructor(flags: number, exportedSessionKey: Buffer, sender: NtlmRole) {
    this.mac = new HmacMd5(signKey(exportedSessionKey, sender));
    this.sealKey = sealKey(flags, exportedSessionKey, sender);
    this.handle = new Rc4(this.sealKey);
  }

  /** A fresh handle from the sealing key: SSPI does this after a SPNEGO mechListMIC. */
  resetHandle(): void {
    this.handle = new Rc4(this.sealKey);
  }

  /** Key stream ahead for a next message like the last one. */
  prepareNext(): void {
    if (this.lastUse > 0) this.handle.prepare(this.lastUse);
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
  /** Scratch of every signature, so that none allocates: the HMAC (its first 8 bytes become the checksum), the SeqNum, the signature a received one is checked against. */
  private readonly mac = new Uint8Array(16);
  private readonly checksum = this.mac.subarray(0, CHECKSUM_LENGTH);
  private readonly sequence = Buffer.alloc(4);
  private readonly expected = Buffer.alloc(SIGNATURE_LENGTH);
  private keyStreamScheduled = false;

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
    this.outgoing.lastUse = this.keyStreamUse(message.length);
    this.scheduleKeyStream();
    return parts;
  }

  unwrap(header: Buffer, sealed: Buffer): Buffer {
    this.requireSealing();
    const message = this.incoming.handle.update(sealed);
    this.check(header, message);
    this.incoming.lastUse = this.keyStreamUse(message.length);
    return message;
  }

  /** GSS_GetMICEx: a signature over `message` without sealing it. */
  sign(message: Buffer): Buffer {
    const signature = Buffer.allocUnsafe(SIGNATURE_LENGTH);
    this.writeSignature(this.outgoing, message, signature);
    return signature;
  }

  /** GSS_VerifyMICEx. */
  verify(message: Buffer, signature: Buffer): void {
    this.check(signature, message);
  }

  resetHandle(direction: 'outgoing' | 'incoming'): void {
    this[direction].resetHandle();
  }

  /** NTLMSSP_MESSAGE_SIGNATURE into `out`: version 1, the first 8 bytes of HMAC_MD5(SignKey, SeqNum ‖ message) (RC4'd with key exchange), SeqNum. */
  private writeSignature(direction: Direction, message: Buffer, out: Buffer): void {
    out.writeUInt32LE(1, 0);
    this.sequence.writeUInt32LE(direction.nextSequence(), 0);
    out.set(this.sequence, SEQUENCE_AT);
    direction.mac.digestInto(this.sequence, message, this.mac);
    if (this.flags & NegotiateFlag.KEY_EXCH) direction.handle.updateInto(this.checksum, this.checksum);
    out.set(this.checksum, CHECKSUM_AT);
  }

  /** Whether `received` is the signature of `message` from the peer (which takes the peer's next sequence number). */
  private check(received: Buffer, message: Buffer): void {
    this.writeSignature(this.incoming, message, this.expected);
    if (received.length !== SIGNATURE_LENGTH || !timingSafeEqual(received, this.expected)) {
      throw securityError('SEC_E_MESSAGE_ALTERED', 'the NTLM message signature does not match');
    }
  }

  /** Key stream a message of `length` bytes takes: its data, then its checksum under key exchange. */
  private keyStreamUse(length: number): number {
    return length + (this.flags & NegotiateFlag.KEY_EXCH ? CHECKSUM_LENGTH : 0);
  }

  /** Makes both directions' key stream ahead in the next turn of the event loop. */
  private scheduleKeyStream(): void {
    if (this.keyStreamScheduled) return;
    this.keyStreamScheduled = true;
    setImmediate(() => {
      this.keyStreamScheduled = false;
      this.outgoing.prepareNext();
      this.incoming.prepareNext();
    });
  }

  private requireSealing(): void {
    if (!(this.flags & NegotiateFlag.SEAL)) throw securityError('SEC_E_UNSUPPORTED_FUNCTION', 'NTLM sealing was not negotiated');
  }
}
