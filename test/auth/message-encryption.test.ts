/** MS-WSMV encrypted bodies (wire.md §4.5): the exact framing, round trips, and every way a body can be wrong. */
import { NegotiateClient, NegotiateServer } from '../../src/core/transport/auth/negotiate';
import type { SealPlacement, SessionSecurity } from '../../src/core/transport/auth/session-security';
import { decryptMessage, encryptMessage, isEncryptedContentType } from '../../src/core/transport/message-encryption';

const CONTENT_TYPE = 'multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted";boundary="Encrypted Boundary"';
const SIGNATURE = Buffer.alloc(16, 0xab);

/** Fixed parts, written where the caller places them (the SessionSecurity contract). */
function sealAs(header: Buffer, sealed: Buffer, place?: SealPlacement): { header: Buffer; sealed: Buffer } {
  if (!place) return { header, sealed };
  const placed = place(header.length, sealed.length);
  header.copy(placed.header);
  sealed.copy(placed.sealed);
  return placed;
}

/** Deterministic stand-in for NTLM: a fixed 16-byte header and every byte XOR 0x01. */
const stub: SessionSecurity = {
  wrap: (message, place) => sealAs(SIGNATURE, Buffer.from(message.map((b) => b ^ 1)), place),
  unwrap: (header, sealed) => {
    if (!header.equals(SIGNATURE)) throw new Error('bad signature');
    return Buffer.from(sealed.map((b) => b ^ 1));
  },
};

const PAYLOAD = Buffer.from('<s:Envelope/>');

function framed(parts: { head?: string; data: Buffer; tail?: string }): Buffer {
  return Buffer.concat([
    Buffer.from(
      parts.head ??
        '--Encrypted Boundary\r\n' +
          '\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n' +
          `\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=${PAYLOAD.length}\r\n` +
          '--Encrypted Boundary\r\n' +
          '\tContent-Type: application/octet-stream\r\n',
      'latin1',
    ),
    parts.data,
    Buffer.from(parts.tail ?? '--Encrypted Boundary--\r\n', 'latin1'),
  ]);
}

const binary = (headerLength: number, header: Buffer, sealed: Buffer): Buffer => {
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerLength);
  return Buffer.concat([length, header, sealed]);
};

const GOOD_DATA = binary(16, SIGNATURE, Buffer.from(PAYLOAD.map((b) => b ^ 1)));

describe('encryptMessage', () => {
  it('writes the exact MS-WSMV framing: tabs, OriginalContent Length, LE header length, no CRLF after the binary', () => {
    const { contentType, body } = encryptMessage(stub, PAYLOAD, 'UTF-8');
    expect(contentType).toBe(CONTENT_TYPE);
    expect(body.toString('hex')).toBe(framed({ data: GOOD_DATA }).toString('hex'));
    // The last ciphertext byte ('>' XOR 1) runs straight into the closing boundary.
    expect(body.subarray(body.length - 25).toString('latin1')).toBe(`${String.fromCharCode(0x3e ^ 1)}--Encrypted Boundary--\r\n`);
  });

  it('names UTF-16 in OriginalContent and another protocol when asked', () => {
    const { contentType, body } = encryptMessage(stub, PAYLOAD, 'UTF-16', 'application/HTTP-Kerberos-session-encrypted');
    expect(contentType).toBe('multipart/encrypted;protocol="application/HTTP-Kerberos-session-encrypted";boundary="Encrypted Boundary"');
    expect(body.toString('latin1')).toContain('\tContent-Type: application/HTTP-Kerberos-session-encrypted\r\n\tOriginalContent: type=application/soap+xml;charset=UTF-16;Length=13\r\n');
  });

  it('recognises the encrypted Content-Type by its type', () => {
    expect(isEncryptedContentType(CONTENT_TYPE)).toBe(true);
    expect(isEncryptedContentType('Multipart/Encrypted ; protocol="x"')).toBe(true);
    expect(isEncryptedContentType('application/soap+xml;charset=UTF-8')).toBe(false);
    expect(isEncryptedContentType(undefined)).toBe(false);
  });
});

describe('decryptMessage', () => {
  it('reads back what encryptMessage wrote', () => {
    const { contentType, body } = encryptMessage(stub, PAYLOAD, 'UTF-16');
    expect(decryptMessage(stub, contentType, body)).toEqual({ payload: PAYLOAD, charset: 'UTF-16' });
  });

  it('is binary-safe: ciphertext holding CRLFs and the boundary text', () => {
    const tricky = Buffer.from('--Encrypted Boundary\r\n\r\n--Encrypted Boundary--\r\n');
    const { contentType, body } = encryptMessage(stub, tricky, 'UTF-8');
    const sealedWithBoundary = encryptMessage({ ...stub, wrap: (_message, place) => sealAs(SIGNATURE, tricky, place) }, Buffer.from(tricky.map((b) => b ^ 1)), 'UTF-8');
    expect(decryptMessage(stub, contentType, body).payload.equals(tricky)).toBe(true);
    expect(decryptMessage(stub, sealedWithBoundary.contentType, sealedWithBoundary.body).payload.equals(Buffer.from(tricky.map((b) => b ^ 1)))).toBe(true);
  });

  it.each([
    ['part headers without tabs (WinRb)', framed({
      head: '--Encrypted Boundary\r\nContent-Type: application/HTTP-SPNEGO-session-encrypted\r\nOriginalContent: type=application/soap+xml;charset=UTF-8;Length=13\r\n--Encrypted Boundary\r\nContent-Type: application/octet-stream\r\n',
      data: GOOD_DATA,
    })],
    ['"-- Encrypted Boundary" with a space (Exchange, MS-WSMV §4.5)', framed({
      head: '-- Encrypted Boundary\r\n\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=13\r\n-- Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\n',
      data: GOOD_DATA,
      tail: '-- Encrypted Boundary--\r\n',
    })],
    ['whitespace before the first boundary and lower-case charset', framed({
      head: '\r\n--Encrypted Boundary\r\n\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n\tOriginalContent: type=application/soap+xml;charset=utf-8;Length=13\r\n--Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\n',
      data: GOOD_DATA,
    })],
  ])('tolerates %s', (_name, body) => {
    expect(decryptMessage(stub, CONTENT_TYPE, body)).toEqual({ payload: PAYLOAD, charset: 'UTF-8' });
  });

  it('reads the exact Windows layout and the same body made tolerant alike (epilogue, leading zeros), and refuses an 11-digit Length either way', () => {
    const variants = (length: string, tail?: string): Buffer[] => {
      const exact = framed({ data: GOOD_DATA, ...(tail !== undefined ? { tail } : {}) });
      const text = exact.toString('latin1').replace('Length=13', `Length=${length}`);
      // A leading line break and lower-case names leave the fixed layout: the tolerant reader takes these.
      return [Buffer.from(text, 'latin1'), Buffer.from(`\r\n${text.replace('OriginalContent', 'originalcontent')}`, 'latin1')];
    };
    for (const body of [...variants('13', '--Encrypted Boundary--\r\n\r\n'), ...variants('0000000013'), ...variants('13', '--Encrypted Boundary--\r\n\r\n\r\n')]) {
      expect(decryptMessage(stub, CONTENT_TYPE, body)).toEqual({ payload: PAYLOAD, charset: 'UTF-8' });
    }
    for (const body of [...variants('00000000013'), ...variants('13', '--Encrypted Boundary--\r\n\r'), ...variants('13', '--Encrypted Boundary--\r\nx\r\n')]) {
      expect(() => decryptMessage(stub, CONTENT_TYPE, body)).toThrow(expect.objectContaining({ code: 'ERROR_WSMAN_CANNOT_DECRYPT' }));
    }
  });

  it('reads framing longer than the window it first looks in: a long part header, a long epilogue, a large body', () => {
    const large = Buffer.alloc(10_000, 'x');
    const data = binary(16, SIGNATURE, Buffer.from(large.map((b) => b ^ 1)));
    const head = (extra: string): string =>
      '--Encrypted Boundary\r\n\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n' + extra +
      `\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=${large.length}\r\n--Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\n`;
    const longHeader = framed({ head: head(`\tX-Padding: ${'p'.repeat(5000)}\r\n`), data });
    const longEpilogue = framed({ head: head(''), data, tail: '--Encrypted Boundary--\r\n' + '\r\n'.repeat(3000) });
    for (const body of [longHeader, longEpilogue, framed({ head: head(''), data })]) {
      expect(decryptMessage(stub, CONTENT_TYPE, body).payload.equals(large)).toBe(true);
    }
  });

  const good = framed({ data: GOOD_DATA });

  it.each([
    ['a plain SOAP Content-Type', 'application/soap+xml;charset=UTF-8', good],
    ['another protocol', CONTENT_TYPE.replace('SPNEGO', 'Kerberos'), good],
    ['another boundary in the Content-Type', CONTENT_TYPE.replace('boundary="Encrypted Boundary"', 'boundary="Other"'), good],
    ['a body with another boundary', CONTENT_TYPE, Buffer.from(good.toString('latin1').replaceAll('Encrypted Boundary', 'Other Boundary'), 'latin1')],
    ['a truncated multipart (no closing boundary)', CONTENT_TYPE, good.subarray(0, good.length - 10)],
    ['a body cut inside the part headers', CONTENT_TYPE, good.subarray(0, 60)],
    ['a header length past the end', CONTENT_TYPE, framed({ data: binary(64, SIGNATURE, Buffer.alloc(4)) })],
    ['an encrypted part shorter than its length field', CONTENT_TYPE, framed({ data: Buffer.from([16, 0]) })],
    ['a Length that differs from the plaintext', CONTENT_TYPE, Buffer.from(good.toString('latin1').replace('Length=13', 'Length=12'), 'latin1')],
    ['a Length that is not a number', CONTENT_TYPE, Buffer.from(good.toString('latin1').replace('Length=13', 'Length=thirteen'), 'latin1')],
    ['no OriginalContent', CONTENT_TYPE, Buffer.from(good.toString('latin1').replace('OriginalContent', 'OtherContent'), 'latin1')],
    ['an unknown charset', CONTENT_TYPE, Buffer.from(good.toString('latin1').replace('charset=UTF-8', 'charset=ISO-8859-1'), 'latin1')],
    ['a bad signature', CONTENT_TYPE, framed({ data: binary(16, Buffer.alloc(16, 0xcd), Buffer.from(PAYLOAD)) })],
  ])('refuses %s with ERROR_WSMAN_CANNOT_DECRYPT', (_name, contentType, body) => {
    expect(() => decryptMessage(stub, contentType, body)).toThrow(expect.objectContaining({ code: 'ERROR_WSMAN_CANNOT_DECRYPT', hresult: 0x803380f9 }));
  });

  it('says what was wrong, and keeps the signature failure as the cause', () => {
    let caught: unknown;
    try {
      decryptMessage(stub, CONTENT_TYPE, framed({ data: binary(16, Buffer.alloc(16), Buffer.from(PAYLOAD)) }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ message: expect.stringContaining('the message signature does not verify'), cause: expect.objectContaining({ message: 'bad signature' }) });
  });
});

describe('with a real Negotiate session', () => {
  it('round-trips requests and replies in both directions', () => {
    const client = new NegotiateClient({ userName: 'alice', password: 'pw' });
    const server = new NegotiateServer({ lookupPassword: () => 'pw', computerName: 'WIN-TEST' });
    const done = server.step(client.handleChallenge((server.step(client.initialToken()) as { token: Buffer }).token)!) as { token: Buffer };
    client.handleChallenge(done.token);
    // Past the 4 KB framing window and the RC4 module's 64 KB chunk, at lengths that are not multiples of four.
    for (const size of [0, 1, 5000, 200_003]) {
      const request = Buffer.alloc(size, 'r');
      const up = encryptMessage(client.security, request, 'UTF-8');
      expect(decryptMessage(server.security, up.contentType, up.body).payload.equals(request)).toBe(true);
      const reply = Buffer.alloc(size + 7, 'a');
      const down = encryptMessage(server.security, reply, 'UTF-8');
      expect(decryptMessage(client.security, down.contentType, down.body).payload.equals(reply)).toBe(true);
    }
    const tampered = encryptMessage(client.security, Buffer.from('<s:Envelope/>'), 'UTF-8');
    tampered.body[tampered.body.length - 30]! ^= 0x20;
    expect(() => decryptMessage(server.security, tampered.contentType, tampered.body)).toThrow(expect.objectContaining({ code: 'ERROR_WSMAN_CANNOT_DECRYPT' }));
  });
});
