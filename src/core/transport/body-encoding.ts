/**
 * SOAP bodies in UTF-8 or UTF-16. A UTF-16 body is read by its BOM (little-endian without one)
 * and answered in UTF-16LE with a BOM, the form the Windows client uses.
 */
export type BodyCharset = 'utf-8' | 'utf-16le';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const utf16le = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: false });
const utf16be = new TextDecoder('utf-16be', { fatal: true, ignoreBOM: false });

/** Throws TypeError on bytes that are not valid in the charset. */
export function decodeBody(body: Buffer, charset: BodyCharset): string {
  if (charset === 'utf-8') return utf8.decode(body);
  if (body.length >= 2 && body[0] === 0xfe && body[1] === 0xff) return utf16be.decode(body);
  return utf16le.decode(body);
}

export function encodeBody(text: string, charset: BodyCharset): Buffer {
  if (charset === 'utf-8') return Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}
