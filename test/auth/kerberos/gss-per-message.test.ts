/**
 * RFC 4121 per-message tokens: sealed Wrap tokens split into WinRM's header and ciphertext parts,
 * opened whatever RRC the sender chose, and refused when altered, replayed, reordered or sent in
 * the wrong direction; MIC tokens the same.
 */
import { randomBytes } from 'node:crypto';
import { ENCRYPTION_TYPES } from '../../../src/core/transport/auth/kerberos/crypto/encryption-types';
import { aes256CtsHmacSha196 } from '../../../src/core/transport/auth/kerberos/crypto/aes-sha1';
import { rc4Hmac } from '../../../src/core/transport/auth/kerberos/crypto/rc4-hmac';
import { KerberosSessionSecurity } from '../../../src/core/transport/auth/kerberos/gss/kerberos-session';
import { WSManError } from '../../../src/core/errors/wsman-error';
import { rotate, TOKEN_HEADER_LENGTH, unwrapToken, wrapToken, type MessageKey } from '../../../src/core/transport/auth/kerberos/gss/per-message';

const AES_TYPES = ENCRYPTION_TYPES.filter((type) => type.trailerLength > 0);
const message = Buffer.from('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/></s:Envelope>');

function pair(key: MessageKey): { client: KerberosSessionSecurity; server: KerberosSessionSecurity } {
  return { client: new KerberosSessionSecurity(key, 'initiator', 1000, 2000), server: new KerberosSessionSecurity(key, 'acceptor', 2000, 1000) };
}

const keyOf = (index: number, acceptorSubkey = true): MessageKey => {
  const type = AES_TYPES[index]!;
  return { type, key: randomBytes(type.keyLength), acceptorSubkey };
};

describe.each(AES_TYPES.map((type, index) => [type.name, index] as const))('%s Wrap tokens', (_name, index) => {
  it('split into a header of token header, trailer and confounder, and ciphertext as long as the message', () => {
    const { client, server } = pair(keyOf(index));
    const type = AES_TYPES[index]!;
    const { header, sealed } = client.wrap(message);
    expect(header).toHaveLength(16 + 16 + type.trailerLength + 16);
    expect(sealed).toHaveLength(message.length);
    expect(header.subarray(0, 4)).toEqual(Buffer.from([0x05, 0x04, 0x06, 0xff]));
    expect(header.readUInt16BE(4)).toBe(0);
    expect(header.readUInt16BE(6)).toBe(16 + type.trailerLength);
    expect(header.readBigUInt64BE(8)).toBe(1000n);
    expect(sealed.includes(message.subarray(0, 12))).toBe(false);
    expect(server.unwrap(header, sealed)).toEqual(message);
  });

  it('run both ways with sequence numbers per direction, for empty and large messages', () => {
    const { client, server } = pair(keyOf(index, false));
    for (const data of [Buffer.alloc(0), Buffer.from('x'), randomBytes(70_000)]) {
      const request = client.wrap(data);
      expect(server.unwrap(request.header, request.sealed).equals(data)).toBe(true);
      const reply = server.wrap(data);
      expect(reply.header[2]).toBe(0x03);
      expect(client.unwrap(reply.header, reply.sealed).equals(data)).toBe(true);
    }
  });

  it('open tokens with any RRC; the ciphertext part must be exactly the message', () => {
    const key = keyOf(index);
    const token = wrapToken(key, false, 7n, message);
    const rrc = token.readUInt16BE(6);
    const unrotated = Buffer.concat([token.subarray(0, TOKEN_HEADER_LENGTH), rotate(token.subarray(TOKEN_HEADER_LENGTH), -rrc)]);
    for (const other of [0, 5, 28, 1000]) {
      const rotated = Buffer.concat([unrotated.subarray(0, TOKEN_HEADER_LENGTH), rotate(unrotated.subarray(TOKEN_HEADER_LENGTH), other)]);
      rotated.writeUInt16BE(other, 6);
      expect(unwrapToken(key, false, rotated)).toEqual({ data: message, sequence: 7n });
    }
    const server = new KerberosSessionSecurity(key, 'acceptor', 0, 7);
    const headerLength = token.length - message.length;
    expect(() => server.unwrap(token.subarray(0, 20), token.subarray(20))).toThrow(expect.objectContaining({ code: 'SEC_E_MESSAGE_ALTERED' }));
    expect(server.unwrap(token.subarray(0, headerLength), token.subarray(headerLength))).toEqual(message);
  });

  it('refuse a changed header, ciphertext, RRC or sequence number with SEC_E_MESSAGE_ALTERED, and keep their state', () => {
    const { client, server } = pair(keyOf(index));
    const { header, sealed } = client.wrap(message);
    const altered = (buffer: Buffer, at: number): Buffer => {
      const copy = Buffer.from(buffer);
      copy[at]! ^= 0x01;
      return copy;
    };
    for (const [h, s] of [
      [altered(header, 15), sealed],
      [altered(header, 7), sealed],
      [altered(header, 40), sealed],
      [header, altered(sealed, 3)],
      [header, sealed.subarray(1)],
    ] as const) {
      expect(() => server.unwrap(h, s)).toThrow(expect.objectContaining({ code: 'SEC_E_MESSAGE_ALTERED' }));
    }
    expect(server.unwrap(header, sealed)).toEqual(message);
  });

  it('refuse a replayed or reordered token with SEC_E_OUT_OF_SEQUENCE', () => {
    const { client, server } = pair(keyOf(index));
    const first = client.wrap(message);
    const second = client.wrap(message);
    expect(() => server.unwrap(second.header, second.sealed)).toThrow(expect.objectContaining({ code: 'SEC_E_OUT_OF_SEQUENCE', hresult: 0x80090310 }));
    server.unwrap(first.header, first.sealed);
    expect(() => server.unwrap(first.header, first.sealed)).toThrow(expect.objectContaining({ code: 'SEC_E_OUT_OF_SEQUENCE' }));
    expect(server.unwrap(second.header, second.sealed)).toEqual(message);
  });

  it('refuse a token sent in the wrong direction, under another key, or without the agreed subkey flag', () => {
    const key = keyOf(index);
    const { client } = pair(key);
    const own = client.wrap(message);
    expect(() => client.unwrap(own.header, own.sealed)).toThrow(expect.objectContaining({ code: 'SEC_E_INVALID_TOKEN' }));
    const stranger = new KerberosSessionSecurity(keyOf(index), 'acceptor', 0, 1000);
    expect(() => stranger.unwrap(own.header, own.sealed)).toThrow(expect.objectContaining({ code: 'SEC_E_MESSAGE_ALTERED' }));
    const noSubkey = new KerberosSessionSecurity({ ...key, acceptorSubkey: false }, 'acceptor', 0, 1000);
    expect(() => noSubkey.unwrap(own.header, own.sealed)).toThrow(expect.objectContaining({ code: 'SEC_E_INVALID_TOKEN' }));
  });
});

describe('corrupted Wrap tokens', () => {
  it('are refused with an SSPI error, never another exception, and leave the sequence alone', () => {
    const key = keyOf(2);
    const { client, server } = pair(key);
    const { header, sealed } = client.wrap(message);
    let seed = 11;
    const random = (below: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % below;
    };
    for (let round = 0; round < 300; round++) {
      const h = Buffer.from(header);
      const s = Buffer.from(sealed);
      const target = random(2) === 0 ? h : s;
      target[random(target.length)] ^= 1 + random(255);
      expect(() => server.unwrap(random(5) === 0 ? h.subarray(0, random(h.length)) : h, s)).toThrow(WSManError);
    }
    expect(server.unwrap(header, sealed)).toEqual(message);
  });
});

describe('MIC tokens', () => {
  it('sign and verify, and share the sequence numbers with Wrap tokens', () => {
    const { client, server } = pair(keyOf(0));
    const mic = client.sign(message);
    expect(mic.subarray(0, 8)).toEqual(Buffer.from([0x04, 0x04, 0x04, 0xff, 0xff, 0xff, 0xff, 0xff]));
    server.verify(message, mic);
    const next = client.wrap(message);
    expect(next.header.readBigUInt64BE(8)).toBe(1001n);
    expect(server.unwrap(next.header, next.sealed)).toEqual(message);
    const reply = server.sign(message);
    client.verify(message, reply);
  });

  it('refuse other data, a changed token and a replay', () => {
    const { client, server } = pair(keyOf(1));
    const mic = client.sign(message);
    expect(() => server.verify(Buffer.from('other'), mic)).toThrow(expect.objectContaining({ code: 'SEC_E_MESSAGE_ALTERED' }));
    const changed = Buffer.from(mic);
    changed[20]! ^= 1;
    expect(() => server.verify(message, changed)).toThrow(expect.objectContaining({ code: 'SEC_E_MESSAGE_ALTERED' }));
    server.verify(message, mic);
    expect(() => server.verify(message, mic)).toThrow(expect.objectContaining({ code: 'SEC_E_OUT_OF_SEQUENCE' }));
  });
});

describe('keys without an RFC 4121 profile', () => {
  it('rc4-hmac session keys are refused for message protection with a clear error', () => {
    expect(() => new KerberosSessionSecurity({ type: rc4Hmac, key: randomBytes(16), acceptorSubkey: false }, 'initiator', 0, 0)).toThrow(
      expect.objectContaining({ code: 'SEC_E_UNSUPPORTED_FUNCTION' }),
    );
    expect(aes256CtsHmacSha196.trailerLength).toBe(12);
  });
});
