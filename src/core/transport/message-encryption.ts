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

/** The body in one buffer, the ciphertext sealed straight into it: framing ‖ header length ‖ header ‖ ciphertext ‖ close delimiter. */
export function encryptMessage(
  security: SessionSecurity,
  payload: Buffer,
  charset: EncryptedCharset,
  protocol: string = SPNEGO_ENCRYPTED_PROTOCOL,
): EncryptedBody {
  const opening =
    `--${BOUNDARY}\r\n` +
    `\tContent-Type: ${protocol}\r\n` +
    `\tOriginalContent: type=${ORIGINAL_TYPE};charset=${charset};Length=${payload.length}\r\n` +
    `--${BOUNDARY}\r\n` +
    '\tContent-Type: application/octet-stream\r\n';
  const openingLength = Buffer.byteLength(opening, 'latin1');
  let body: Buffer | undefined;
  security.wrap(payload, (headerLength, sealedLength) => {
    const dataAt = openingLength + 4 + headerLength;
    body = Buffer.allocUnsafe(dataAt + sealedLength + CLOSE_DELIMITER.length);
    body.write(opening, 0, 'latin1');
    body.writeUInt32LE(headerLength, openingLength);
    CLOSE_DELIMITER.copy(body, dataAt + sealedLength);
    return { header: body.subarray(openingLength + 4, dataAt), sealed: body.subarray(dataAt, dataAt + sealedLength) };
  });
  return { contentType: `${MULTIPART_TYPE};protocol="${protocol}";boundary="${BOUNDARY}"`, body: body! };
}

/** Whether a Content-Type announces an encrypted body (the type only; decryptMessage checks the rest). */
export function isEncryptedContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.split(';')[0]!.trim().toLowerCase() === MULTIPART_TYPE;
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
  if (!isEncryptedContentType(contentType)) throw cannotDecrypt(`the Content-Type is not ${MULTIPART_TYPE}`);
  const typeParameters = parameters(contentType);
  if (typeParameters.get('protocol')?.toLowerCase() !== protocol.toLowerCase()) throw cannotDecrypt(`the protocol is not ${protocol}`);
  const boundary = typeParameters.get('boundary');
  if (boundary !== BOUNDARY) throw cannotDecrypt(`the boundary is not "${BOUNDARY}"`);

  const delimiter = `--\\s*${escapeRegExp(boundary)}`;
  const head = framingMatch(body, new RegExp(`^\\s*${delimiter}\\r\\n([\\s\\S]*?)${delimiter}\\r\\n\\s*Content-Type:\\s*application/octet-stream\\r\\n`, 'i'), 'head');
  if (!head) throw cannotDecrypt('the body does not start with the metadata and octet-stream parts');
  const dataStart = head.index + head[0].length;
  // RFC 2046 allows an epilogue after the close delimiter; OMI sends an empty line there. Only line breaks are accepted.
  const tail = framingMatch(body, new RegExp(`${delimiter}--\\r\\n(?:\\r\\n)*$`), 'tail');
  if (!tail || tail.index < dataStart) throw cannotDecrypt('the closing boundary is missing');
  const metadata = readMetadata(head[1]!, protocol);

  const data = body.subarray(dataStart, tail.index);
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
