/**
 * RFC 4120 §5.3–5.8 messages, each declared as the SEQUENCE inside its APPLICATION tag (the tag
 * itself is added by application.ts; ApplicationTag lists them).
 */
import { AsnProp, AsnPropTypes } from '@peculiar/asn1-schema';
import { applicationConverter } from './application';
import { int32, int32s, kerberosFlags, kerberosString, kerberosTime, octets, sequenceOf, struct, uint32 } from './fields';
import { AuthorizationDataEntry, Checksum, EncryptedData, EncryptionKey, HostAddress, LastReqEntry, PaData, PrincipalName, TransitedEncoding } from './types';

export const ApplicationTag = {
  Ticket: 1,
  Authenticator: 2,
  EncTicketPart: 3,
  AsReq: 10,
  AsRep: 11,
  TgsReq: 12,
  TgsRep: 13,
  ApReq: 14,
  ApRep: 15,
  KrbCred: 22,
  EncAsRepPart: 25,
  EncTgsRepPart: 26,
  EncApRepPart: 27,
  EncKrbCredPart: 29,
  KrbError: 30,
} as const;

export const KERBEROS_PVNO = 5;

export class Ticket {
  @int32(0) tktVno = KERBEROS_PVNO;
  @kerberosString(1) realm = '';
  @struct(PrincipalName, 2) sname = new PrincipalName();
  @struct(EncryptedData, 3) encPart = new EncryptedData();
}

const ticketConverter = applicationConverter(ApplicationTag.Ticket, Ticket);

export class EncTicketPart {
  @kerberosFlags(0) flags = 0;
  @struct(EncryptionKey, 1) key = new EncryptionKey();
  @kerberosString(2) crealm = '';
  @struct(PrincipalName, 3) cname = new PrincipalName();
  @struct(TransitedEncoding, 4) transited = new TransitedEncoding();
  @kerberosTime(5) authtime = new Date(0);
  @kerberosTime(6, true) starttime?: Date;
  @kerberosTime(7) endtime = new Date(0);
  @kerberosTime(8, true) renewTill?: Date;
  @sequenceOf(HostAddress, 9, true) caddr?: HostAddress[];
  @sequenceOf(AuthorizationDataEntry, 10, true) authorizationData?: AuthorizationDataEntry[];
}

export class KdcReqBody {
  @kerberosFlags(0) kdcOptions = 0;
  @struct(PrincipalName, 1, true) cname?: PrincipalName;
  @kerberosString(2) realm = '';
  @struct(PrincipalName, 3, true) sname?: PrincipalName;
  @kerberosTime(4, true) from?: Date;
  @kerberosTime(5) till = new Date(0);
  @kerberosTime(6, true) rtime?: Date;
  @uint32(7) nonce = 0;
  @int32s(8) etype: number[] = [];
  @sequenceOf(HostAddress, 9, true) addresses?: HostAddress[];
  @struct(EncryptedData, 10, true) encAuthorizationData?: EncryptedData;
  @AsnProp({ type: AsnPropTypes.Any, converter: ticketConverter, context: 11, repeated: 'sequence', optional: true })
  additionalTickets?: Ticket[];
}

/** AS-REQ and TGS-REQ (they differ in msg-type and APPLICATION tag only). */
export class KdcReq {
  @int32(1) pvno = KERBEROS_PVNO;
  @int32(2) msgType = 0;
  @sequenceOf(PaData, 3, true) padata?: PaData[];
  @struct(KdcReqBody, 4) reqBody = new KdcReqBody();
}

/** AS-REP and TGS-REP. */
export class KdcRep {
  @int32(0) pvno = KERBEROS_PVNO;
  @int32(1) msgType = 0;
  @sequenceOf(PaData, 2, true) padata?: PaData[];
  @kerberosString(3) crealm = '';
  @struct(PrincipalName, 4) cname = new PrincipalName();
  @AsnProp({ type: AsnPropTypes.Any, converter: ticketConverter, context: 5 }) ticket = new Ticket();
  @struct(EncryptedData, 6) encPart = new EncryptedData();
}

/** EncASRepPart and EncTGSRepPart. */
export class EncKdcRepPart {
  @struct(EncryptionKey, 0) key = new EncryptionKey();
  @sequenceOf(LastReqEntry, 1) lastReq: LastReqEntry[] = [];
  @uint32(2) nonce = 0;
  @kerberosTime(3, true) keyExpiration?: Date;
  @kerberosFlags(4) flags = 0;
  @kerberosTime(5) authtime = new Date(0);
  @kerberosTime(6, true) starttime?: Date;
  @kerberosTime(7) endtime = new Date(0);
  @kerberosTime(8, true) renewTill?: Date;
  @kerberosString(9) srealm = '';
  @struct(PrincipalName, 10) sname = new PrincipalName();
  @sequenceOf(HostAddress, 11, true) caddr?: HostAddress[];
  /** RFC 6806 §11 encrypted-pa-data. */
  @sequenceOf(PaData, 12, true) encryptedPaData?: PaData[];
}

export class ApReq {
  @int32(0) pvno = KERBEROS_PVNO;
  @int32(1) msgType = ApplicationTag.ApReq;
  @kerberosFlags(2) apOptions = 0;
  @AsnProp({ type: AsnPropTypes.Any, converter: ticketConverter, context: 3 }) ticket = new Ticket();
  @struct(EncryptedData, 4) authenticator = new EncryptedData();
}

export class Authenticator {
  @int32(0) authenticatorVno = KERBEROS_PVNO;
  @kerberosString(1) crealm = '';
  @struct(PrincipalName, 2) cname = new PrincipalName();
  @struct(Checksum, 3, true) cksum?: Checksum;
  @int32(4) cusec = 0;
  @kerberosTime(5) ctime = new Date(0);
  @struct(EncryptionKey, 6, true) subkey?: EncryptionKey;
  @uint32(7, true) seqNumber?: number;
  @sequenceOf(AuthorizationDataEntry, 8, true) authorizationData?: AuthorizationDataEntry[];
}

export class ApRep {
  @int32(0) pvno = KERBEROS_PVNO;
  @int32(1) msgType = ApplicationTag.ApRep;
  @struct(EncryptedData, 2) encPart = new EncryptedData();
}

export class EncApRepPart {
  @kerberosTime(0) ctime = new Date(0);
  @int32(1) cusec = 0;
  @struct(EncryptionKey, 2, true) subkey?: EncryptionKey;
  @uint32(3, true) seqNumber?: number;
}

export class KrbError {
  @int32(0) pvno = KERBEROS_PVNO;
  @int32(1) msgType = ApplicationTag.KrbError;
  @kerberosTime(2, true) ctime?: Date;
  @int32(3, true) cusec?: number;
  @kerberosTime(4) stime = new Date(0);
  @int32(5) susec = 0;
  @int32(6) errorCode = 0;
  @kerberosString(7, true) crealm?: string;
  @struct(PrincipalName, 8, true) cname?: PrincipalName;
  @kerberosString(9) realm = '';
  @struct(PrincipalName, 10) sname = new PrincipalName();
  @kerberosString(11, true) eText?: string;
  @octets(12, true) eData?: Buffer;
}

export class KrbCred {
  @int32(0) pvno = KERBEROS_PVNO;
  @int32(1) msgType = ApplicationTag.KrbCred;
  @AsnProp({ type: AsnPropTypes.Any, converter: ticketConverter, context: 2, repeated: 'sequence' }) tickets: Ticket[] = [];
  @struct(EncryptedData, 3) encPart = new EncryptedData();
}

export class KrbCredInfo {
  @struct(EncryptionKey, 0) key = new EncryptionKey();
  @kerberosString(1, true) prealm?: string;
  @struct(PrincipalName, 2, true) pname?: PrincipalName;
  @kerberosFlags(3, true) flags?: number;
  @kerberosTime(4, true) authtime?: Date;
  @kerberosTime(5, true) starttime?: Date;
  @kerberosTime(6, true) endtime?: Date;
  @kerberosTime(7, true) renewTill?: Date;
  @kerberosString(8, true) srealm?: string;
  @struct(PrincipalName, 9, true) sname?: PrincipalName;
  @sequenceOf(HostAddress, 10, true) caddr?: HostAddress[];
}

export class EncKrbCredPart {
  @sequenceOf(KrbCredInfo, 0) ticketInfo: KrbCredInfo[] = [];
  @uint32(1, true) nonce?: number;
  @kerberosTime(2, true) timestamp?: Date;
  @int32(3, true) usec?: number;
  @struct(HostAddress, 4, true) sAddress?: HostAddress;
  @sequenceOf(HostAddress, 5, true) rAddress?: HostAddress[];
}
