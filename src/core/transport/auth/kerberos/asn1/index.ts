/**
 * The Kerberos V5 ASN.1 layer (RFC 4120 §5), declared with @peculiar/asn1-schema. Every message
 * is encoded and decoded through encodeMessage/decodeMessage by its name in ApplicationTag, which
 * adds or checks the APPLICATION tag; plain structures (PA-ENC-TS-ENC, ETYPE-INFO2, METHOD-DATA…)
 * go through encodeDer/decodeDer.
 */
import { AsnParser, AsnSerializer } from '@peculiar/asn1-schema';
import { applicationTagOf, Asn1FormatError, type Constructor, decodeApplication, encodeApplication } from './application';
import { ApplicationTag, ApRep, ApReq, Authenticator, EncApRepPart, EncKdcRepPart, EncKrbCredPart, EncTicketPart, KdcRep, KdcReq, KrbCred, KrbError, Ticket } from './messages';

export * from './converters';
export * from './messages';
export * from './types';
export { applicationTagOf, Asn1FormatError } from './application';

const MESSAGE_TYPES = {
  Ticket,
  Authenticator,
  EncTicketPart,
  AsReq: KdcReq,
  AsRep: KdcRep,
  TgsReq: KdcReq,
  TgsRep: KdcRep,
  ApReq,
  ApRep,
  KrbCred,
  EncAsRepPart: EncKdcRepPart,
  EncTgsRepPart: EncKdcRepPart,
  EncApRepPart,
  EncKrbCredPart,
  KrbError,
} as const satisfies Record<keyof typeof ApplicationTag, Constructor>;

export type MessageName = keyof typeof ApplicationTag;
export type MessageOf<K extends MessageName> = InstanceType<(typeof MESSAGE_TYPES)[K]>;

export function encodeMessage<K extends MessageName>(name: K, value: MessageOf<K>): Buffer {
  return encodeApplication(ApplicationTag[name], value);
}

export function decodeMessage<K extends MessageName>(name: K, der: Uint8Array): MessageOf<K> {
  return decodeApplication(ApplicationTag[name], der, MESSAGE_TYPES[name] as Constructor<MessageOf<K>>);
}

/**
 * The decrypted enc-part of an AS-REP or TGS-REP. RFC 4120 §5.4.2: some KDCs send EncTGSRepPart
 * [26] in AS replies too, so either tag is accepted.
 */
export function decodeEncKdcRepPart(der: Uint8Array): EncKdcRepPart {
  const tag = applicationTagOf(der);
  return decodeMessage(tag === ApplicationTag.EncTgsRepPart ? 'EncTgsRepPart' : 'EncAsRepPart', der);
}

/** DER of an untagged structure. */
export function encodeDer(value: object): Buffer {
  return Buffer.from(AsnSerializer.serialize(value));
}

export function decodeDer<T>(der: Uint8Array, type: Constructor<T>): T {
  try {
    return AsnParser.parse(der, type);
  } catch (error) {
    throw new Asn1FormatError((error as Error).message);
  }
}
