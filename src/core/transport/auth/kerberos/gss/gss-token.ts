/**
 * The GSS-API framing of Kerberos context tokens (RFC 2743 §3.1, RFC 4121 §4.1): [APPLICATION 0]
 * around the mechanism OID, a two-byte TOK_ID and the Kerberos message (AP-REQ, AP-REP, KRB-ERROR).
 * Windows offers its own OID for the same mechanism in SPNEGO; both are accepted.
 */
import { application, applicationTag, decodeOid, oid, readElement, Tag } from '../../../../asn1/der';
import { securityError } from '../../security-errors';

export const KRB5_OID = '1.2.840.113554.1.2.2';
/** The OID Windows lists first in SPNEGO (a mistake kept for compatibility): the same mechanism. */
export const MS_KRB5_OID = '1.2.840.48018.1.2.2';

export const TokenId = {
  AP_REQ: 0x0100,
  AP_REP: 0x0200,
  KRB_ERROR: 0x0300,
} as const;
export type TokenId = (typeof TokenId)[keyof typeof TokenId];

const KRB5_OID_DER = oid(KRB5_OID);

export function frameToken(tokenId: TokenId, message: Buffer): Buffer {
  const id = Buffer.alloc(2);
  id.writeUInt16BE(tokenId);
  return application(0, Buffer.concat([KRB5_OID_DER, id, message]));
}

export interface FramedToken {
  readonly tokenId: number;
  readonly message: Buffer;
}

/** The TOK_ID and message of a framed Kerberos token; SEC_E_INVALID_TOKEN for anything else. */
export function unframeToken(token: Buffer): FramedToken {
  let mech: ReturnType<typeof readElement>;
  let inner: Buffer;
  try {
    const framed = readElement(token);
    if (framed.tag !== applicationTag(0) || framed.encoded.length !== token.length) throw new Error('not an InitialContextToken');
    mech = readElement(framed.content);
    inner = framed.content.subarray(mech.encoded.length);
  } catch {
    throw securityError('SEC_E_INVALID_TOKEN', 'the token is not a GSS-API Kerberos token');
  }
  const mechOid = mech.tag === Tag.OID ? decodeOid(mech.content) : '';
  if (mechOid !== KRB5_OID && mechOid !== MS_KRB5_OID) throw securityError('SEC_E_INVALID_TOKEN', 'the token is not for the Kerberos mechanism');
  if (inner.length < 2) throw securityError('SEC_E_INVALID_TOKEN', 'the Kerberos token has no TOK_ID');
  return { tokenId: inner.readUInt16BE(0), message: inner.subarray(2) };
}
