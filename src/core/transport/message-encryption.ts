/**
 * MS-WSMV §2.2.9.1 message encryption over plain HTTP (wire.md §4.5): one multipart/encrypted body
 * with a metadata part (the protocol, the original type and its byte length) and an octet-stream
 * part holding a 4-byte little-endian header length, the header (NTLM: the 16-byte signature;
 * Kerberos: the RFC 4121 Wrap token header with its rotated trailer and confounder), and the
 * ciphertext, followed directly by the closing boundary. Reading is tolerant where real peers
 * differ (missing tabs, `-- Encrypted Boundary`, an empty MIME epilogue after the close delimiter
 * as OMI sends), strict where security is concerned (the signature,
 * the Length after decryption).
 *
 * Every failure to read a body is ERROR_WSMAN_CANNOT_DECRYPT (0x803380F9, "The encrypted message
 * body has an invalid format and cannot be decrypted"), the only code of the error table that is
 * about encrypted bodies; the message names what was wrong.
 */
import { errorNamed, plainMessageText } from '../errors/error-table';
import { wsmanError, type WSManError } from '../errors/wsman-error';
import type { SessionSecurity } from './auth/session-security';

/** Under `Authorization: Negotiate`, whichever mechanism (NTLM or Kerberos) SPNEGO chose. */
export const SPNEGO_ENCRYPTED_PROTOCOL = 'application/HTTP-SPNEGO-session-encrypted';
/** Under `Authorization: Kerberos` (MS-WSMV §2.2.9.1.2.1; wire.md §6 trap 21). */
export const KERBEROS_ENCRYPTED_PROTOCOL = 'application/HTTP-Kerberos-session-encrypted';
const BOUNDARY = 'Encrypted Boundary';
const MULTIPART_TYPE = 'multipart/encrypted';
const ORIGINAL_TYPE = 'application/soap+xml';

export type EncryptedCharset = 'UTF-8' | 'UTF-16';

export interface EncryptedBody {
  readonly contentType: string;
  readonly body: Buffer;
}

const CLOSE_DELIMITER = Buffer.from(`--${BOUNDARY}--\r\n`, 'latin1');
/** From the end of the Length value to the ciphertext's header length. */
const SECOND_PART = Buffer.from(`\r\n--${BOUNDARY}\r\n\tContent-Type: application/octet-stream\r\n`, 'latin1');

/** The constant parts of a body for one protocol: built once, copied into every message. */
interface ProtocolFraming {
  readonly contentType: string;
  /** The opening up to the charset's name. */
  readonly upToCharset: Buffer;
  /** The opening up to the Length value, per charset. */
  readonly upToLength: Readonly<Record<EncryptedCharset, Buffer>>;
}

const framings = new Map<string, ProtocolFraming>();

/** The Content-Type last accepted for a protocol: a peer sends the same one with every message. */
let acceptedType: { readonly contentType: string; readonly protocol: string } | undefined;

function framingOf(protocol: string): ProtocolFraming {
  let framing = framings.get(protocol);
  if (framing === undefined) {
    const upToCharset = `--${BOUNDARY}\r\n\tContent-Type: ${protocol}\r\n\tOriginalContent: type=${ORIGINAL_TYPE};charset=`;
    framing = {
      contentType: `${MULTIPART_TYPE};protocol="${protocol}";boundary="${BOUNDARY}"`,
      upToCharset: Buffer.from(upToCharset, 'latin1'),
      upToLength: { 'UTF-8': Buffer.from(`${upToCharset}UTF-8;Length=`, 'latin1'), 'UTF-16': Buffer.from(`${upToCharset}UTF-16;Length=`, 'latin1') },
    };
    framings.set(protocol, framing);
  }
  return framing;
}

/** The body in one buffer, the ciphertext sealed straight into it: framing ‖ header length ‖ header ‖ ciphertext ‖ close delimiter. */
export function encryptMessage(
  security: SessionSecurity,
  payload: Buffer,
  charset: EncryptedCharset,
  protocol: string = SPNEGO_ENCRYPTED_PROTOCOL,
): EncryptedBody {
  const framing = framingOf(protocol);
  const upToLength = framing.upToLength[charset];
  const digits = decimalDigits(payload.length);
  const openingLength = upToLength.length + digits + SECOND_PART.length;
  let body: Buffer | undefined;
  security.wrap(payload, (headerLength, sealedLength) => {
    const dataAt = openingLength + 4 + headerLength;
    body = Buffer.allocUnsafe(dataAt + sealedLength + CLOSE_DELIMITER.length);
    body.set(upToLength, 0);
    writeDecimal(body, upToLength.length + digits, payload.length);
    body.set(SECOND_PART, upToLength.length + digits);
    body.writeUInt32LE(headerLength, openingLength);
    body.set(CLOSE_DELIMITER, dataAt + sealedLength);
    return { header: body.subarray(openingLength + 4, dataAt), sealed: body.subarray(dataAt, dataAt + sealedLength) };
  });
  return { contentType: framing.contentType, body: body! };
}

function decimalDigits(value: number): number {
  let digits = 1;
  while (value >= 10) {
    value = Math.floor(value / 10);
    digits++;
  }
  return digits;
}

/** Writes `value` in decimal so that its last digit ends just before `end`. */
function writeDecimal(out: Buffer, end: number, value: number): void {
  do {
    out[--end] = DIGIT_0 + (value % 10);
    value = Math.floor(value / 10);
  } while (value > 0);
}

/** Whether a Content-Type announces an encrypted body (the type only; decryptMessage checks the rest). */
export function isEncryptedContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  if (contentType === acceptedType?.contentType) return true;
  return contentType.split(';')[0]!.trim().toLowerCase() === MULTIPART_TYPE;
}

export function cannotDecrypt(reason: string, cause?: unknown): WSManError {
  const text = plainMessageText(errorNamed('ERROR_WSMAN_CANNOT_DECRYPT'));
  return wsmanError('ERROR_WSMAN_CANNOT_DECRYPT', { message: `${text} (${reason})`, ...(cause !== undefined ? { cause } : {}) });
}

/** `name=value` parameters of a header value, names lower-cased, quotes removed. */
function parameters(value: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of value.split(';').slice(1)) {
    const equals = part.indexOf('=');
    if (equals > 0) found.set(part.slice(0, equals).trim().toLowerCase(), part.slice(equals + 1).trim().replace(/^"(.*)"$/, '$1'));
  }
  return found;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The part headers (`\tName: value` lines) of a metadata block, names lower-cased. */
function partHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw cannotDecrypt('a part header line has no name');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

interface Metadata {
  readonly charset: EncryptedCharset;
  readonly length: number;
}

function readMetadata(block: string, protocol: string): Metadata {
  const headers = partHeaders(block);
  if (headers.get('content-type')?.toLowerCase() !== protocol.toLowerCase()) throw cannotDecrypt(`the first part is not ${protocol}`);
  const original = headers.get('originalcontent');
  if (original === undefined) throw cannotDecrypt('the OriginalContent header is missing');
  if (original.split(';')[0]!.trim().replace(/^type=/i, '').toLowerCase() !== ORIGINAL_TYPE) throw cannotDecrypt(`the original content is not ${ORIGINAL_TYPE}`);
  const values = parameters(original);
  const charset = values.get('charset')?.toUpperCase();
  if (charset !== 'UTF-8' && charset !== 'UTF-16') throw cannotDecrypt('the original charset is neither UTF-8 nor UTF-16');
  const length = values.get('length');
  if (length === undefined || !/^\d{1,10}$/.test(length)) throw cannotDecrypt('the original Length is missing or not a number');
  return { charset, length: Number(length) };
}

/** How much of either end of a body the framing is first looked for in (it is a few hundred bytes; a miss retries on the whole body). */
const FRAMING_WINDOW = 4096;

/**
 * `pattern` run over the body's `head` or `tail` window as Latin-1 (one character per byte, so
 * indexes are byte offsets, returned relative to the whole body); the whole body when the window
 * does not hold a match, so the outcome is the same as matching the whole body.
 */
function framingMatch(body: Buffer, pattern: RegExp, end: 'head' | 'tail'): RegExpExecArray | null {
  if (body.length > FRAMING_WINDOW) {
    const windowStart = end === 'head' ? 0 : body.length - FRAMING_WINDOW;
    const found = pattern.exec(body.toString('latin1', windowStart, windowStart + FRAMING_WINDOW));
    if (found) {
      found.index += windowStart;
      return found;
    }
  }
  return pattern.exec(body.toString('latin1'));
}

function checkContentType(contentType: string, protocol: string): void {
  if (acceptedType !== undefined && acceptedType.contentType === contentType && acceptedType.protocol === protocol) return;
  if (!isEncryptedContentType(contentType)) throw cannotDecrypt(`the Content-Type is not ${MULTIPART_TYPE}`);
  const typeParameters = parameters(contentType);
  if (typeParameters.get('protocol')?.toLowerCase() !== protocol.toLowerCase()) throw cannotDecrypt(`the protocol is not ${protocol}`);
  if (typeParameters.get('boundary') !== BOUNDARY) throw cannotDecrypt(`the boundary is not "${BOUNDARY}"`);
  acceptedType = { contentType, protocol };
}

interface Framing {
  readonly dataStart: number;
  readonly dataEnd: number;
  readonly metadata: Metadata;
}

const CR = 0x0d;
const LF = 0x0a;
const DIGIT_0 = 0x30;
const CHARSET_UTF8 = Buffer.from('UTF-8;Length=', 'latin1');
const CHARSET_UTF16 = Buffer.from('UTF-16;Length=', 'latin1');

/** Whether body[at, …) starts with `expected` (a few dozen bytes: a loop here is cheaper than Buffer.compare's call). */
function startsWithAt(body: Buffer, at: number, expected: Buffer): boolean {
  if (body.length - at < expected.length) return false;
  for (let n = 0; n < expected.length; n++) if (body[at + n] !== expected[n]) return false;
  return true;
}

/**
 * The framing of a body laid out byte for byte as Windows and encryptMessage write it, read with
 * fixed comparisons; undefined for any other layout, which the tolerant reader then takes (it
 * reads this layout the same way).
 */
function exactFraming(body: Buffer, protocol: string): Framing | undefined {
  const opening = framingOf(protocol).upToCharset;
  if (!startsWithAt(body, 0, opening)) return undefined;
  let at = opening.length;
  let charset: EncryptedCharset;
  if (startsWithAt(body, at, CHARSET_UTF8)) {
    charset = 'UTF-8';
    at += CHARSET_UTF8.length;
  } else if (startsWithAt(body, at, CHARSET_UTF16)) {
    charset = 'UTF-16';
    at += CHARSET_UTF16.length;
  } else return undefined;
  let length = 0;
  const digitsAt = at;
  while (at < body.length && at - digitsAt < 10 && body[at]! >= DIGIT_0 && body[at]! <= DIGIT_0 + 9) length = length * 10 + body[at++]! - DIGIT_0;
  if (at === digitsAt || !startsWithAt(body, at, SECOND_PART)) return undefined;
  const dataStart = at + SECOND_PART.length;
  let end = body.length;
  while (end - 2 >= dataStart && body[end - 2] === CR && body[end - 1] === LF && !(end - CLOSE_DELIMITER.length >= dataStart && startsWithAt(body, end - CLOSE_DELIMITER.length, CLOSE_DELIMITER))) end -= 2;
  const dataEnd = end - CLOSE_DELIMITER.length;
  if (dataEnd < dataStart || !startsWithAt(body, dataEnd, CLOSE_DELIMITER)) return undefined;
  return { dataStart, dataEnd, metadata: { charset, length } };
}

/** The same framing read tolerantly (whitespace, case, part header order), by regular expressions. */
function tolerantFraming(body: Buffer, protocol: string): Framing {
  const delimiter = `--\\s*${escapeRegExp(BOUNDARY)}`;
  const head = framingMatch(body, new RegExp(`^\\s*${delimiter}\\r\\n([\\s\\S]*?)${delimiter}\\r\\n\\s*Content-Type:\\s*application/octet-stream\\r\\n`, 'i'), 'head');
  if (!head) throw cannotDecrypt('the body does not start with the metadata and octet-stream parts');
  const dataStart = head.index + head[0].length;
  // RFC 2046 allows an epilogue after the close delimiter; OMI sends an empty line there. Only line breaks are accepted.
  const tail = framingMatch(body, new RegExp(`${delimiter}--\\r\\n(?:\\r\\n)*$`), 'tail');
  if (!tail || tail.index < dataStart) throw cannotDecrypt('the closing boundary is missing');
  return { dataStart, dataEnd: tail.index, metadata: readMetadata(head[1]!, protocol) };
}

/**
 * The plaintext of an encrypted body. `contentType` must be multipart/encrypted with this protocol
 * and the boundary the body uses; throws ERROR_WSMAN_CANNOT_DECRYPT for anything malformed, a
 * signature that does not verify, or a Length that does not match.
 */
export function decryptMessage(
  security: SessionSecurity,
  contentType: string,
  body: Buffer,
  protocol: string = SPNEGO_ENCRYPTED_PROTOCOL,
): { payload: Buffer; charset: EncryptedCharset } {
  checkContentType(contentType, protocol);
  const { dataStart, dataEnd, metadata } = exactFraming(body, protocol) ?? tolerantFraming(body, protocol);

  const data = body.subarray(dataStart, dataEnd);
  if (data.length < 4) throw cannotDecrypt('the encrypted part is truncated');
  const headerLength = data.readUInt32LE(0);
  if (4 + headerLength > data.length) throw cannotDecrypt('the encrypted part is shorter than its header length');
  // Both NTLM sealing and WinRM's Kerberos wrap keep the length: checked before unwrapping, which advances the session's sequence.
  const sealed = data.subarray(4 + headerLength);
  if (sealed.length !== metadata.length) throw cannotDecrypt('the encrypted length differs from the original Length');
  let payload: Buffer;
  try {
    payload = security.unwrap(data.subarray(4, 4 + headerLength), sealed);
  } catch (error) {
    throw cannotDecrypt('the message signature does not verify', error);
  }
  return { payload, charset: metadata.charset };
}
