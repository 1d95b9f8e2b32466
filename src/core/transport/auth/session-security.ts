/**
 * What message encryption needs from an authenticated Negotiate context: seal a message into a
 * header (the signature) and ciphertext, and open one. One instance per connection; each direction
 * keeps its own sequence number and cipher state, so calls must follow the order of the wire.
 */
export interface SessionSecurity {
  wrap(message: Buffer): { readonly header: Buffer; readonly sealed: Buffer };
  /** Throws (SEC_E_MESSAGE_ALTERED) when the signature does not match. */
  unwrap(header: Buffer, sealed: Buffer): Buffer;
}
