/**
 * APPLICATION-tagged types (RFC 4120 §5: Ticket is [APPLICATION 1], AS-REQ [APPLICATION 10] …).
 * The schema library knows universal and context tags only, so each such type is declared as its
 * inner SEQUENCE and this module adds or checks the APPLICATION wrapper: at the top level through
 * encodeApplication/decodeApplication, inside another structure through applicationConverter.
 */
import { AsnParser, AsnSerializer, type IAsnConverter } from '@peculiar/asn1-schema';
import * as asn1js from 'asn1js';

/** A class the schema library can instantiate. */
export type Constructor<T = unknown> = new () => T;

const APPLICATION_CLASS = 2;

function wrap(tag: number, value: object): asn1js.Constructed {
  return new asn1js.Constructed({ idBlock: { tagClass: APPLICATION_CLASS, tagNumber: tag }, value: [AsnSerializer.toASN(value) as asn1js.BaseBlock] });
}

function unwrap<T>(tag: number, block: asn1js.AsnType, type: Constructor<T>): T {
  const { idBlock } = block as asn1js.BaseBlock;
  if (idBlock.tagClass !== APPLICATION_CLASS || idBlock.tagNumber !== tag) {
    throw new Asn1FormatError(`expected [APPLICATION ${tag}], found class ${idBlock.tagClass} tag ${idBlock.tagNumber}`);
  }
  const inner = (block as asn1js.Constructed).valueBlock.value;
  if (inner.length !== 1) throw new Asn1FormatError(`[APPLICATION ${tag}] must hold exactly one value`);
  return AsnParser.fromASN(inner[0]!, type);
}

/** A malformed or unexpected DER message; callers turn it into SEC_E_INVALID_TOKEN or the like. */
export class Asn1FormatError extends Error {
  override readonly name = 'Asn1FormatError';
}

export function applicationConverter<T extends object>(tag: number, type: Constructor<T>): IAsnConverter<T, asn1js.AsnType> {
  return { fromASN: (value) => unwrap(tag, value, type), toASN: (value) => wrap(tag, value) };
}

export function encodeApplication(tag: number, value: object): Buffer {
  return Buffer.from(wrap(tag, value).toBER(false));
}

/** Decodes the whole of `der` (trailing bytes are an error) as `[APPLICATION tag] type`. */
export function decodeApplication<T>(tag: number, der: Uint8Array, type: Constructor<T>): T {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1 || parsed.result.error) throw new Asn1FormatError(`not DER: ${parsed.result.error}`);
  if (parsed.offset !== der.length) throw new Asn1FormatError('trailing bytes after the DER value');
  try {
    return unwrap(tag, parsed.result, type);
  } catch (error) {
    if (error instanceof Asn1FormatError) throw error;
    throw new Asn1FormatError((error as Error).message);
  }
}

/** The APPLICATION tag number of a DER value, or undefined when it is not APPLICATION-tagged. */
export function applicationTagOf(der: Uint8Array): number | undefined {
  const first = der[0];
  if (first === undefined || (first & 0xc0) !== 0x40) return undefined;
  const low = first & 0x1f;
  if (low !== 0x1f) return low;
  // High tag numbers (>= 31): base-128 digits with continuation bits.
  let tag = 0;
  for (let i = 1; i < der.length && i < 5; i++) {
    const byte = der[i]!;
    tag = tag * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) return tag;
  }
  return undefined;
}
