/** RFC 4120 §5.2 building blocks and the pre-authentication structures (§5.2.7). */
import { AsnArray, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes } from '@peculiar/asn1-schema';
import { int32, kerberosString, kerberosTime, octets, uint32 } from './fields';
import { KerberosStringConverter } from './converters';

/** RFC 4120 §6.2 name types. */
export const NameType = {
  UNKNOWN: 0,
  PRINCIPAL: 1,
  SRV_INST: 2,
  SRV_HST: 3,
  ENTERPRISE: 10,
} as const;

export class PrincipalName {
  @int32(0) nameType = 0;
  @AsnProp({ type: AsnPropTypes.GeneralString, converter: KerberosStringConverter, context: 1, repeated: 'sequence' })
  nameString: string[] = [];

  static of(nameType: number, ...components: string[]): PrincipalName {
    return Object.assign(new PrincipalName(), { nameType, nameString: components });
  }
}

export class EncryptedData {
  @int32(0) etype = 0;
  @uint32(1, true) kvno?: number;
  @octets(2) cipher: Buffer = Buffer.alloc(0);
}

export class EncryptionKey {
  @int32(0) keytype = 0;
  @octets(1) keyvalue: Buffer = Buffer.alloc(0);
}

export class Checksum {
  @int32(0) cksumtype = 0;
  @octets(1) checksum: Buffer = Buffer.alloc(0);
}

export class HostAddress {
  @int32(0) addrType = 0;
  @octets(1) address: Buffer = Buffer.alloc(0);
}

export class AuthorizationDataEntry {
  @int32(0) adType = 0;
  @octets(1) adData: Buffer = Buffer.alloc(0);
}

export class TransitedEncoding {
  @int32(0) trType = 0;
  @octets(1) contents: Buffer = Buffer.alloc(0);
}

export class LastReqEntry {
  @int32(0) lrType = 0;
  @kerberosTime(1) lrValue: Date = new Date(0);
}

/** PA-DATA: note the tags start at 1 (RFC 4120 §5.2.7). */
export class PaData {
  @int32(1) padataType = 0;
  @octets(2) padataValue: Buffer = Buffer.alloc(0);
}

/** RFC 4120 §7.5.2 pre-authentication data types used here. */
export const PaDataType = {
  TGS_REQ: 1,
  ENC_TIMESTAMP: 2,
  PW_SALT: 3,
  ETYPE_INFO: 11,
  ETYPE_INFO2: 19,
  /** MS-KILE §2.2.3 KERB-PA-PAC-REQUEST. */
  PAC_REQUEST: 128,
} as const;

/** METHOD-DATA ::= SEQUENCE OF PA-DATA (the e-data of KDC_ERR_PREAUTH_REQUIRED). */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: PaData })
export class MethodData extends AsnArray<PaData> {}

export class PaEncTsEnc {
  @kerberosTime(0) patimestamp: Date = new Date(0);
  @int32(1, true) pausec?: number;
}

export class EtypeInfo2Entry {
  @int32(0) etype = 0;
  @kerberosString(1, true) salt?: string;
  @octets(2, true) s2kparams?: Buffer;
}

@AsnType({ type: AsnTypeTypes.Sequence, itemType: EtypeInfo2Entry })
export class EtypeInfo2 extends AsnArray<EtypeInfo2Entry> {}

/** ETYPE-INFO (RFC 4120 §5.2.7.4), which older KDCs send for DES/RC4 keys: salt as octets. */
export class EtypeInfoEntry {
  @int32(0) etype = 0;
  @octets(1, true) salt?: Buffer;
}

@AsnType({ type: AsnTypeTypes.Sequence, itemType: EtypeInfoEntry })
export class EtypeInfo extends AsnArray<EtypeInfoEntry> {}

/** MS-KILE KERB-PA-PAC-REQUEST ::= SEQUENCE { include-pac [0] BOOLEAN }. */
export class PaPacRequest {
  @AsnProp({ type: AsnPropTypes.Boolean, context: 0 }) includePac = true;
}

/** AuthorizationData ::= SEQUENCE OF { ad-type, ad-data } (used inside ad-data of AD-IF-RELEVANT). */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: AuthorizationDataEntry })
export class AuthorizationData extends AsnArray<AuthorizationDataEntry> {}

