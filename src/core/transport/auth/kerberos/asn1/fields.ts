/**
 * Property decorators for RFC 4120's field kinds, every one under an explicit context tag
 * (RFC 4120 modules use EXPLICIT TAGS throughout).
 */
import { AsnProp, AsnPropTypes, type IAsnConverter } from '@peculiar/asn1-schema';
import type { Constructor } from './application';
import { Int32Converter, KerberosFlagsConverter, KerberosStringConverter, KerberosTimeConverter, OctetBufferConverter, UInt32Converter } from './converters';

type Decorator = (target: object, propertyKey: string) => void;

function primitive(type: AsnPropTypes, converter: IAsnConverter, context: number, optional: boolean): Decorator {
  return AsnProp({ type, converter, context, ...(optional ? { optional } : {}) });
}

export const int32 = (context: number, optional = false): Decorator => primitive(AsnPropTypes.Integer, Int32Converter, context, optional);
/** SEQUENCE OF Int32 (the etype list of a KDC-REQ-BODY). */
export const int32s = (context: number): Decorator =>
  AsnProp({ type: AsnPropTypes.Integer, converter: Int32Converter, context, repeated: 'sequence' });
export const uint32 = (context: number, optional = false): Decorator => primitive(AsnPropTypes.Integer, UInt32Converter, context, optional);
export const kerberosString = (context: number, optional = false): Decorator =>
  primitive(AsnPropTypes.GeneralString, KerberosStringConverter, context, optional);
export const kerberosTime = (context: number, optional = false): Decorator =>
  primitive(AsnPropTypes.GeneralizedTime, KerberosTimeConverter, context, optional);
export const kerberosFlags = (context: number, optional = false): Decorator =>
  primitive(AsnPropTypes.BitString, KerberosFlagsConverter, context, optional);
export const octets = (context: number, optional = false): Decorator => primitive(AsnPropTypes.OctetString, OctetBufferConverter, context, optional);

/** A field holding one structure. */
export const struct = (type: Constructor, context: number, optional = false): Decorator =>
  AsnProp({ type, context, ...(optional ? { optional } : {}) });

/** A field holding SEQUENCE OF a structure. */
export const sequenceOf = (type: Constructor, context: number, optional = false): Decorator =>
  AsnProp({ type, context, repeated: 'sequence', ...(optional ? { optional } : {}) });
