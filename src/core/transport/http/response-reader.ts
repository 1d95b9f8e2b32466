/**
 * An incremental HTTP/1.1 response reader for one request at a time: status line and headers
 * (bounded like Node's 16 KB default), interim 1xx answers skipped, a body by Content-Length, by
 * chunked transfer coding, or up to the connection's end. Only what the WinRM transport reads is
 * kept: the status, the Content-Type, every WWW-Authenticate value, and whether the connection
 * stays open. Anything malformed is refused the way Node's parser refuses it (no guessing).
 */

/** The largest status line + header block accepted (Node's default --max-http-header-size). */
export const MAX_HEADER_BYTES = 16 * 1024;

/** Why a response was refused: `malformed` (not HTTP as we read it) or `too-large` (over the body limit). */
export class ResponseError extends Error {
  constructor(
    readonly kind: 'malformed' | 'too-large',
    message: string,
  ) {
    super(message);
    this.name = 'ResponseError';
  }
}

const enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailers,
  UntilClose,
  Done,
}

const CRLF_CRLF = Buffer.from('\r\n\r\n', 'latin1');
const STATUS_LINE = /^HTTP\/1\.([01]) ([0-9]{3})(?: [^\x00-\x08\x0a-\x1f\x7f]*)?$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Field values: visible characters, spaces and tabs, obs-text (no controls, no bare CR/LF). */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,15})[\t ]*(?:;[^\r\n]*)?$/;
/** A chunk-size line or a trailer line longer than this is refused. */
const MAX_LINE = 4096;
const NO_CHALLENGES: readonly string[] = [];
const EMPTY = Buffer.alloc(0);

export class ResponseReader {
  private state = State.Head;
  private pending: Buffer | undefined;
  /** The final response's status, Content-Type, WWW-Authenticate values, and whether the server keeps the connection. */
  status = 0;
  contentType: string | undefined;
  challenges: readonly string[] = NO_CHALLENGES;
  keepAlive = false;
  private remaining = 0;
  /**
   * The body: the first piece as it came (most replies arrive in one read: no copy); from the
   * second piece on, copied into one growing buffer, so that a body sent as many tiny chunks
   * costs its bytes, not an object per chunk.
   */
  private first: Buffer | undefined;
  private gathered: Buffer | undefined;
  private size = 0;
  /** Bytes of the trailer section read so far (bounded like the header block). */
  private trailerBytes = 0;
  /** Some byte of a response (interim or final) arrived. */
  started = false;
  /** Bytes that came after the complete response (a peer that does not wait for requests). */
  excess = false;

  constructor(private readonly bodyLimit: number) {}

  get done(): boolean {
    return this.state === State.Done;
  }

  /**
   * Reads the next bytes; returns the body once the response is complete (the head is in the
   * fields). Throws ResponseError on a malformed or oversized response.
   */
  push(chunk: Buffer): Buffer | undefined {
    if (chunk.length > 0) this.started = true;
    const data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let offset = 0;
    while (offset < data.length && this.state !== State.Done) {
      switch (this.state) {
        case State.Head: {
          const end = data.indexOf(CRLF_CRLF, offset);
          if (end === -1) {
            if (data.length - offset > MAX_HEADER_BYTES) throw new ResponseError('malformed', 'the response headers are too large');
            this.pending = data.subarray(offset);
            return undefined;
          }
          if (end - offset > MAX_HEADER_BYTES) throw new ResponseError('malformed', 'the response headers are too large');
          const head = data.toString('latin1', offset, end);
          offset = end + 4;
          this.readHead(head);
          break;
        }
        case State.Length: {
          const take = Math.min(this.remaining, data.length - offset);
          this.append(data.subarray(offset, offset + take));
          offset += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = State.Done;
          break;
        }
        case State.UntilClose:
          this.append(data.subarray(offset));
          offset = data.length;
          break;
        case State.ChunkSize: {
          const end = data.indexOf(0x0a, offset);
          if (end === -1) return this.keepPartialLine(data, offset);
          const line = lineAt(data, offset, end);
          offset = end + 1;
          const match = CHUNK_SIZE.exec(line);
          if (!match) throw new ResponseError('malformed', 'invalid chunk size');
          const size = parseInt(match[1], 16);
          if (this.size + size > this.bodyLimit) throw new ResponseError('too-large', 'the response is larger than the limit');
          this.remaining = size;
          this.state = size === 0 ? State.Trailers : State.ChunkData;
          break;
        }
        case State.ChunkData: {
          const take = Math.min(this.remaining, data.length - offset);
          this.append(data.subarray(offset, offset + take));
          offset += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = State.ChunkEnd;
          break;
        }
        case State.ChunkEnd: {
          const end = data.indexOf(0x0a, offset);
          if (end === -1) return this.keepPartialLine(data, offset);
          if (lineAt(data, offset, end) !== '') throw new ResponseError('malformed', 'chunk data longer than its size');
          offset = end + 1;
          this.state = State.ChunkSize;
          break;
        }
        case State.Trailers: {
          const end = data.indexOf(0x0a, offset);
          if (end === -1) return this.keepPartialLine(data, offset);
          this.trailerBytes += end + 1 - offset;
          if (this.trailerBytes > MAX_HEADER_BYTES) throw new ResponseError('malformed', 'the response trailers are too large');
          const line = lineAt(data, offset, end);
          offset = end + 1;
          if (line === '') this.state = State.Done;
          else if (!isHeaderLine(line)) throw new ResponseError('malformed', 'invalid trailer');
          break;
        }
      }
    }
    if (this.state !== State.Done) return undefined;
    if (offset < data.length) this.excess = true;
    return this.result();
  }

  /**
   * The connection ended: a body read up to the close is complete; anything else cut short
   * is undefined (the caller reports the connection error).
   */
  end(): Buffer | undefined {
    if (this.state !== State.UntilClose) return undefined;
    this.state = State.Done;
    return this.result();
  }

  private result(): Buffer {
    if (this.gathered) return this.gathered.subarray(0, this.size);
    return this.first ?? EMPTY;
  }

  private keepPartialLine(data: Buffer, offset: number): undefined {
    if (data.length - offset > MAX_LINE) throw new ResponseError('malformed', 'a chunk line is too long');
    this.pending = data.subarray(offset);
    return undefined;
  }

  private append(part: Buffer): void {
    if (part.length === 0) return;
    const offset = this.size;
    this.size += part.length;
    if (this.size > this.bodyLimit) throw new ResponseError('too-large', 'the response is larger than the limit');
    if (!this.first) {
      this.first = part;
      return;
    }
    if (!this.gathered || this.gathered.length < this.size) {
      const grown = Buffer.allocUnsafe(Math.min(this.bodyLimit, Math.max(this.size * 2, 16 * 1024)));
      (this.gathered ?? this.first).copy(grown, 0, 0, offset);
      this.gathered = grown;
    }
    part.copy(this.gathered, offset);
  }

  private readHead(text: string): void {
    const lines = text.split('\r\n');
    const status = STATUS_LINE.exec(lines[0]);
    if (!status) throw new ResponseError('malformed', 'not an HTTP/1.x status line');
    const minor = status[1];
    const code = Number(status[2]);
    if (code < 100) throw new ResponseError('malformed', 'invalid status code');
    let contentType: string | undefined;
    let contentLength: number | undefined;
    let transferEncoding: string | undefined;
    let connection = '';
    let challenges: string[] | undefined;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      const colon = line.indexOf(':');
      if (colon <= 0) throw new ResponseError('malformed', 'invalid header line');
      const name = line.slice(0, colon);
      if (!TOKEN.test(name)) throw new ResponseError('malformed', 'invalid header name');
      const value = line.slice(colon + 1).trim();
      if (!FIELD_VALUE.test(value)) throw new ResponseError('malformed', 'invalid header value');
      switch (name.toLowerCase()) {
        case 'content-type':
          contentType ??= value;
          break;
        case 'content-length': {
          if (!/^[0-9]{1,15}$/.test(value)) throw new ResponseError('malformed', 'invalid Content-Length');
          const length = Number(value);
          if (contentLength !== undefined && contentLength !== length) throw new ResponseError('malformed', 'conflicting Content-Length headers');
          contentLength = length;
          break;
        }
        case 'transfer-encoding':
          transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
          break;
        case 'connection':
          connection += `,${value.toLowerCase()}`;
          break;
        case 'www-authenticate':
          (challenges ??= []).push(value);
          break;
      }
    }
    if (code < 200) {
      // 100 Continue, 102 Processing, 103 Early Hints: interim, the final answer follows. 101 is
      // a protocol switch nobody asked for.
      if (code === 101) throw new ResponseError('malformed', 'an unrequested protocol switch');
      return;
    }
    const tokens = connection === '' ? NO_CHALLENGES : connection.split(',').map((token) => token.trim());
    this.status = code;
    this.contentType = contentType;
    this.challenges = challenges ?? NO_CHALLENGES;
    this.keepAlive = minor === '1' ? !tokens.includes('close') : tokens.includes('keep-alive');
    if (code === 204 || code === 304) {
      this.state = State.Done;
      return;
    }
    if (transferEncoding !== undefined) {
      // A length beside a transfer coding is a smuggling vector: refused, as Node refuses it.
      if (contentLength !== undefined) throw new ResponseError('malformed', 'Content-Length with Transfer-Encoding');
      const codings = transferEncoding.toLowerCase().split(',').map((coding) => coding.trim());
      if (codings[codings.length - 1] === 'chunked') {
        if (codings.indexOf('chunked') !== codings.length - 1) throw new ResponseError('malformed', 'chunked applied twice');
        this.state = State.ChunkSize;
        return;
      }
      this.untilClose();
      return;
    }
    if (contentLength !== undefined) {
      if (contentLength > this.bodyLimit) throw new ResponseError('too-large', 'the response is larger than the limit');
      this.remaining = contentLength;
      this.state = contentLength === 0 ? State.Done : State.Length;
      return;
    }
    this.untilClose();
  }

  /** A body delimited by the connection's end: the connection cannot be kept. */
  private untilClose(): void {
    this.keepAlive = false;
    this.state = State.UntilClose;
  }
}

/** The line from `start` to the LF at `end`, without its CR. */
function lineAt(data: Buffer, start: number, end: number): string {
  return data.toString('latin1', start, end > start && data[end - 1] === 0x0d ? end - 1 : end);
}

function isHeaderLine(line: string): boolean {
  const colon = line.indexOf(':');
  return colon > 0 && TOKEN.test(line.slice(0, colon)) && FIELD_VALUE.test(line.slice(colon + 1));
}
