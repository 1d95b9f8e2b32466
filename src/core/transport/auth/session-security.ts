/**
 * What message encryption needs from an authenticated Negotiate context: seal a message into a
 * header (the signature) and ciphertext, and open one. One instance per connection; each direction
 * keeps its own sequence number and cipher state, so calls must follow the order of the wire.
 */
export interface SealedParts {
  readonly header: Buffer;
  readonly sealed: Buffer;
}

/**
 * Where wrap writes: given the header's and the ciphertext's lengths, two views into the caller's
 * one output buffer (the framing around them is the caller's), so a message is sealed in place.
 */
export type SealPlacement = (headerLength: number, sealedLength: number) => SealedParts;

export interface SessionSecurity {
  /** Seals `message`; with `place`, into the views it returns (which are also returned). */
  wrap(message: Buffer, place?: SealPlacement): SealedParts;
  /** Throws (SEC_E_MESSAGE_ALTERED) when the signature does not match. */
  unwrap(header: Buffer, sealed: Buffer): Buffer;
}
