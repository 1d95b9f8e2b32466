/**
 * The small hand-written DER (ITU-T X.690) writer SPNEGO and the GSS-API token framing use, plus the
 * reader that picks fields out of certificates and SPNEGO tokens. They stay off the schema layer
 * (@peculiar/asn1-schema, used for Kerberos and X.509 building) because there it costs a measurable
 * share of each handshake (docs/decisions.md). Every writer returns the complete TLV as a Buffer, so
 * values nest by plain function composition: `sequence(oid('1.3.6.1.5.5.2'), octetString(token))`.
 */

/** Universal tag numbers (with the constructed bit where the type is always constructed). */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

const APPLICATION = 0x40;
const CONTEXT_SPECIFIC = 0x80;
const CONSTRUCTED = 0x20;

/** The length octets: short form below 128, long form (0x80 | count, then big-endian bytes) from 128 on. */
export function encodeLength(length: number): Buffer {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`DER length must be a non-negative integer: ${length}`);
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One TLV with a single-octet identifier (tag numbers up to 30, which is all X.509 uses). */
export function tlv(tag: number, content: Buffer): Buffer {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xff || (tag & 0x1f) === 0x1f) throw new RangeError(`unsupported DER tag: ${tag}`);
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export function sequence(...items: Buffer[]): Buffer {
  return tlv(Tag.SEQUENCE, Buffer.concat(items));
}

function twosComplement(value: bigint): Buffer {
  let byteCount = 1;
  if (value >= 0n) {
    while (value >= 1n << BigInt(8 * byteCount - 1)) byteCount++;
  } else {
    while (value < -(1n << BigInt(8 * byteCount - 1))) byteCount++;
  }
  const unsigned = value >= 0n ? value : (1n << BigInt(8 * byteCount)) + value;
  return Buffer.from(unsigned.toString(16).padStart(2 * byteCount, '0'), 'hex');
}

/** ENUMERATED: encoded like an INTEGER (X.690 8.4). */
export function enumerated(value: number): Buffer {
  if (!Number.isSafeInteger(value)) throw new RangeError(`DER ENUMERATED needs an integer: ${value}`);
  return tlv(Tag.ENUMERATED, twosComplement(BigInt(value)));
}

/** OBJECT IDENTIFIER from dotted form, e.g. '1.2.840.113549.1.1.11'. */
export function oid(dotted: string): Buffer {
  if (!/^[0-2](\.(0|[1-9][0-9]*))+$/.test(dotted)) throw new RangeError(`not a dotted object identifier: '${dotted}'`);
  const arcs = dotted.split('.').map((arc) => BigInt(arc));
  const [first, second] = [arcs[0]!, arcs[1]!];
  if (first < 2n && second > 39n) throw new RangeError(`object identifier arc out of range: '${dotted}'`);
  const body = [first * 40n + second, ...arcs.slice(2)].flatMap(base128);
  return tlv(Tag.OID, Buffer.from(body));
}

function base128(value: bigint): number[] {
  const groups = [Number(value & 0x7fn)];
  for (let rest = value >> 7n; rest > 0n; rest >>= 7n) groups.unshift(Number(rest & 0x7fn) | 0x80);
  return groups;
}

export function octetString(bytes: Buffer): Buffer {
  return tlv(Tag.OCTET_STRING, bytes);
}

function assertTagNumber(number: number): void {
  if (!Number.isInteger(number) || number < 0 || number > 30) throw new RangeError(`unsupported context tag number: ${number}`);
}

/** [n] EXPLICIT: a constructed context-specific wrapper around one complete encoding. */
export function explicit(number: number, inner: Buffer): Buffer {
  assertTagNumber(number);
  return tlv(CONTEXT_SPECIFIC | CONSTRUCTED | number, inner);
}

/** [APPLICATION n] IMPLICIT around constructed contents (GSS-API's InitialContextToken is [APPLICATION 0]). */
export function application(number: number, content: Buffer): Buffer {
  return tlv(applicationTag(number), content);
}

/** Identifier octet of a constructed [APPLICATION n], for matching what readElement returns. */
export function applicationTag(number: number): number {
  assertTagNumber(number);
  return APPLICATION | CONSTRUCTED | number;
}

/** Identifier octet of a constructed context-specific [n], for matching what readElement returns. */
export function contextTag(number: number): number {
  assertTagNumber(number);
  return CONTEXT_SPECIFIC | CONSTRUCTED | number;
}

// ---- reader ----

/** One decoded TLV: `tag` is the identifier octet, `content` its contents, `encoded` the whole TLV. */
export interface DerElement {
  readonly tag: number;
  readonly content: Buffer;
  readonly encoded: Buffer;
}

/** Reads the TLV at `offset`; rejects indefinite lengths, multi-byte tags and overruns. */
export function readElement(data: Buffer, offset = 0): DerElement {
  const fail = (why: string): never => {
    throw new Error(`malformed DER at offset ${offset}: ${why}`);
  };
  if (offset + 2 > data.length) fail('truncated header');
  const tag = data[offset]!;
  if ((tag & 0x1f) === 0x1f) fail('multi-byte tags are not supported');
  let length = data[offset + 1]!;
  let headerLength = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0) fail('indefinite length');
    if (count > 4) fail('length too large');
    if (offset + 2 + count > data.length) fail('truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + data[offset + 2 + i]!;
    headerLength += count;
  }
  const end = offset + headerLength + length;
  if (end > data.length) fail('content runs past the end');
  return { tag, content: data.subarray(offset + headerLength, end), encoded: data.subarray(offset, end) };
}

/** The elements that make up a constructed element's contents (or any buffer of concatenated TLVs). */
export function readChildren(content: Buffer): DerElement[] {
  const children: DerElement[] = [];
  for (let offset = 0; offset < content.length; ) {
    const element = readElement(content, offset);
    children.push(element);
    offset += element.encoded.length;
  }
  return children;
}

/** Dotted form of an OBJECT IDENTIFIER's contents. */
export function decodeOid(content: Buffer): string {
  const arcs: bigint[] = [];
  let value = 0n;
  for (const byte of content) {
    value = (value << 7n) | BigInt(byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0n;
    }
  }
  if (arcs.length === 0 || content[content.length - 1]! & 0x80) throw new Error('malformed DER object identifier');
  const first = arcs[0]! < 80n ? arcs[0]! / 40n : 2n;
  return [first, arcs[0]! - first * 40n, ...arcs.slice(1)].join('.');
}
