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

export function encryptMessage(
  security: SessionSecurity,
  payload: Buffer,
  charset: EncryptedCharset,
  protocol: string = SPNEGO_ENCRYPTED_PROTOCOL,
): EncryptedBody {
  const { header, sealed } = security.wrap(payload);
  const headerLength = Buffer.alloc(4);
  headerLength.writeUInt32LE(header.length);
  const body = Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\n` +
        `\tContent-Type: ${protocol}\r\n` +
        `\tOriginalContent: type=${ORIGINAL_TYPE};charset=${charset};Length=${payload.length}\r\n` +
        `--${BOUNDARY}\r\n` +
        '\tContent-Type: application/octet-stream\r\n',
      'latin1',
    ),
    headerLength,
    header,
    sealed,
    Buffer.from(`--${BOUNDARY}--\r\n`, 'latin1'),
  ]);
  return { contentType: `${MULTIPART_TYPE};protocol="${protocol}";boundary="${BOUNDARY}"`, body };
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

  // Latin-1 maps every byte to one character, so string offsets are byte offsets.
  const text = body.toString('latin1');
  const delimiter = `--\\s*${escapeRegExp(boundary)}`;
  const head = new RegExp(`^\\s*${delimiter}\\r\\n([\\s\\S]*?)${delimiter}\\r\\n\\s*Content-Type:\\s*application/octet-stream\\r\\n`, 'i').exec(text);
  if (!head) throw cannotDecrypt('the body does not start with the metadata and octet-stream parts');
  // RFC 2046 allows an epilogue after the close delimiter; OMI sends an empty line there. Only line breaks are accepted.
  const tail = new RegExp(`${delimiter}--\\r\\n(?:\\r\\n)*$`).exec(text);
  if (!tail || tail.index < head[0].length) throw cannotDecrypt('the closing boundary is missing');
  const metadata = readMetadata(head[1]!, protocol);

  const data = body.subarray(head[0].length, tail.index);
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
