/**
 * Converters between RFC 4120's primitive types and plain TypeScript values for
 * @peculiar/asn1-schema: KerberosString (GeneralString carrying UTF-8, as MIT and Windows send),
 * KerberosTime (GeneralizedTime without fractions), KerberosFlags (a BIT STRING of at least 32
 * bits, bit 0 the most significant), Int32/UInt32 and OCTET STRING as Buffer.
 */
import type { IAsnConverter } from '@peculiar/asn1-schema';
import * as asn1js from 'asn1js';

export const KerberosStringConverter: IAsnConverter<string, asn1js.GeneralString> = {
  fromASN: (value) => Buffer.from(value.valueBlock.valueHexView).toString('utf8'),
  toASN: (value) => new asn1js.GeneralString({ value: Buffer.from(value, 'utf8').toString('latin1') }),
};

/** KerberosTime carries whole seconds only (RFC 4120 §5.2.3): the milliseconds are dropped. */
export const KerberosTimeConverter: IAsnConverter<Date, asn1js.GeneralizedTime> = {
  fromASN: (value) => value.toDate(),
  toASN: (value) => new asn1js.GeneralizedTime({ valueDate: new Date(Math.floor(value.getTime() / 1000) * 1000) }),
};

/** KerberosFlags as a 32-bit number; flag n is `1 << (31 - n)` (see flagBit). */
export const KerberosFlagsConverter: IAsnConverter<number, asn1js.BitString> = {
  fromASN: (value) => {
    const bytes = Buffer.alloc(4);
    Buffer.from(value.valueBlock.valueHexView).copy(bytes, 0, 0, 4);
    return bytes.readUInt32BE(0);
  },
  toASN: (value) => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(value >>> 0, 0);
    return new asn1js.BitString({ valueHex: bytes });
  },
};

/** The number with flag `n` (RFC 4120 numbering, 0 = most significant bit) set. */
export function flagBit(n: number): number {
  return (0x80000000 >>> n) >>> 0;
}

export const Int32Converter: IAsnConverter<number, asn1js.Integer> = {
  fromASN: (value) => Number(BigInt.asIntN(32, value.toBigInt())),
  toASN: (value) => asn1js.Integer.fromBigInt(BigInt(value)),
};

/**
 * UInt32 (nonces, sequence numbers). Read modulo 2^32: some implementations encode values from
 * 2^31 on as negative INTEGERs.
 */
export const UInt32Converter: IAsnConverter<number, asn1js.Integer> = {
  fromASN: (value) => Number(BigInt.asUintN(32, value.toBigInt())),
  toASN: (value) => asn1js.Integer.fromBigInt(BigInt(value >>> 0)),
};

export const OctetBufferConverter: IAsnConverter<Buffer, asn1js.OctetString> = {
  fromASN: (value) => Buffer.from(value.valueBlock.valueHexView),
  toASN: (value) => new asn1js.OctetString({ valueHex: value }),
};
