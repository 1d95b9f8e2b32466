/**
 * The response reader on its own: every reply shape gives the same result whether it arrives in
 * one piece or one byte at a time, and the limits hold at their edges.
 */
import { MAX_HEADER_BYTES, ResponseError, ResponseReader } from '../../src/core/transport/http/response-reader';

interface Read {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly challenges: readonly string[];
  readonly keepAlive: boolean;
  readonly body: string;
  readonly excess: boolean;
}

/** Feeds the pieces; the connection's end follows when `end` is set. */
function read(pieces: readonly Buffer[], end = false, limit = 1 << 20): Read | undefined {
  const reader = new ResponseReader(limit);
  let body: Buffer | undefined;
  for (const piece of pieces) {
    body = reader.push(piece);
    if (body) break;
  }
  if (!body && end) body = reader.end();
  if (!body) return undefined;
  return { status: reader.status, contentType: reader.contentType, challenges: reader.challenges, keepAlive: reader.keepAlive, body: body.toString('latin1'), excess: reader.excess };
}

const bytewise = (text: string): Buffer[] => [...Buffer.from(text, 'latin1')].map((byte) => Buffer.from([byte]));
const whole = (text: string): Buffer[] => [Buffer.from(text, 'latin1')];

const SHAPES: readonly (readonly [string, string, boolean, Partial<Read>])[] = [
  ['Content-Length', 'HTTP/1.1 200 OK\r\nContent-Type: text/x\r\nContent-Length: 5\r\n\r\nhello', false, { status: 200, contentType: 'text/x', body: 'hello', keepAlive: true }],
  ['chunked with extensions and trailers', 'HTTP/1.1 500 E\r\nTransfer-Encoding: chunked\r\n\r\n3;a=b\r\nabc\r\nA\r\n0123456789\r\n0\r\nT: 1\r\n\r\n', false, { status: 500, body: 'abc0123456789', keepAlive: true }],
  ['1xx first', 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\nLink: x\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', false, { status: 200, body: 'ok' }],
  ['HTTP/1.0 to the close', 'HTTP/1.0 200 OK\r\n\r\nall of it', true, { body: 'all of it', keepAlive: false }],
  ['HTTP/1.1 without a length, to the close', 'HTTP/1.1 200\r\n\r\nrest', true, { body: 'rest', keepAlive: false }],
  ['Connection: close', 'HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n', false, { body: '', keepAlive: false }],
  ['HTTP/1.0 keep-alive', 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nk', false, { body: 'k', keepAlive: true }],
  ['several WWW-Authenticate', 'HTTP/1.1 401 U\r\nWWW-Authenticate: Negotiate\r\nWWW-Authenticate: Basic realm="a, b"\r\nContent-Length: 0\r\n\r\n', false, { status: 401, challenges: ['Negotiate', 'Basic realm="a, b"'] }],
  ['bytes after the response', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1 200 OK', false, { body: 'x', excess: true }],
];

describe.each(SHAPES)('%s', (_name, text, end, expected) => {
  it('in one piece and byte by byte alike', () => {
    const once = read(whole(text), end);
    expect(once).toMatchObject(expected);
    const byByte = read(bytewise(text), end);
    // One byte at a time, bytes after the response are never seen (the reader stops at its end).
    expect(byByte).toEqual({ ...once, excess: false });
  });
});

describe('limits', () => {
  it(`headers: ${MAX_HEADER_BYTES} bytes are read, one more is refused, even before the blank line arrives`, () => {
    const status = 'HTTP/1.1 200 OK\r\n';
    const filler = (size: number): string => `X: ${'y'.repeat(size - status.length - 'X: '.length - '\r\nContent-Length: 0'.length)}\r\nContent-Length: 0`;
    expect(read(whole(`${status}${filler(MAX_HEADER_BYTES)}\r\n\r\n`).slice(0))?.status).toBe(200);
    expect(() => read(whole(`${status}${filler(MAX_HEADER_BYTES + 1)}\r\n\r\n`))).toThrow(ResponseError);
    expect(() => read(whole(`${status}${'X: y\r\n'.repeat(4000)}`))).toThrow(expect.objectContaining({ kind: 'malformed' }));
  });

  it('body: the limit itself is read; one byte over is too large, however it is framed', () => {
    expect(read(whole('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd'), false, 4)?.body).toBe('abcd');
    for (const text of ['HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n3\r\n', 'HTTP/1.0 200 OK\r\n\r\nabcde']) {
      expect(() => read(whole(text), true, 4)).toThrow(expect.objectContaining({ kind: 'too-large' }));
    }
  });

  it('a chunk size line without end is refused once it is longer than any real one', () => {
    expect(() => read(whole(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;${'x'.repeat(5000)}`))).toThrow(expect.objectContaining({ kind: 'malformed' }));
  });

  it('a response cut short is not complete at the close', () => {
    expect(read(whole('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'), true)).toBeUndefined();
    expect(read(whole('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n'), true)).toBeUndefined();
    expect(read(whole('HTTP/1.1 200 OK\r\nContent-Le'), true)).toBeUndefined();
  });
});

it('a body of many tiny chunks is gathered whole (and large pieces after it keep their bytes)', () => {
  const reader = new ResponseReader(1 << 20);
  expect(reader.push(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'))).toBeUndefined();
  let expected = '';
  for (let i = 0; i < 20000; i++) {
    const text = String.fromCharCode(97 + (i % 26));
    expected += text;
    expect(reader.push(Buffer.from(`1\r\n${text}\r\n`))).toBeUndefined();
  }
  const big = 'Z'.repeat(100_000);
  expected += big;
  const body = reader.push(Buffer.from(`${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`));
  expect(body?.toString()).toBe(expected);
});
