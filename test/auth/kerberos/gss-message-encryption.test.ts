/**
 * MS-WSMV message encryption under Kerberos (wire.md §4.5, trap 21): the RFC 4121 Wrap token header
 * (with its rotated trailer and confounder) after the length prefix, the ciphertext exactly as long
 * as the SOAP text, the Kerberos or SPNEGO protocol string, and ERROR_WSMAN_CANNOT_DECRYPT for a
 * tampered, replayed or mislabelled body.
 */
import { randomBytes } from 'node:crypto';
import { aes128CtsHmacSha256128 } from '../../../src/core/transport/auth/kerberos/crypto/aes-sha2';
import { aes256CtsHmacSha196 } from '../../../src/core/transport/auth/kerberos/crypto/aes-sha1';
import type { EncryptionType } from '../../../src/core/transport/auth/kerberos/crypto/encryption-type';
import { KerberosSessionSecurity } from '../../../src/core/transport/auth/kerberos/gss/kerberos-session';
import { decryptMessage, encryptMessage, KERBEROS_ENCRYPTED_PROTOCOL, SPNEGO_ENCRYPTED_PROTOCOL } from '../../../src/core/transport/message-encryption';

const PAYLOAD = Buffer.from('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/></s:Envelope>');
const CANNOT_DECRYPT = expect.objectContaining({ code: 'ERROR_WSMAN_CANNOT_DECRYPT', hresult: 0x803380f9 });

function contexts(type: EncryptionType = aes256CtsHmacSha196): { client: KerberosSessionSecurity; server: KerberosSessionSecurity } {
  const key = { type, key: randomBytes(type.keyLength), acceptorSubkey: true };
  return { client: new KerberosSessionSecurity(key, 'initiator', 5, 9), server: new KerberosSessionSecurity(key, 'acceptor', 9, 5) };
}

/** Offset of the 4-byte header length in an encrypted body. */
const lengthOffset = (body: Buffer): number => body.indexOf('application/octet-stream\r\n') + 'application/octet-stream\r\n'.length;

describe('Kerberos-sealed bodies', () => {
  it('carry the 60-byte aes-sha1 Wrap header, then ciphertext as long as the SOAP text, under the Kerberos protocol', () => {
    const { client, server } = contexts();
    const { contentType, body } = encryptMessage(client, PAYLOAD, 'UTF-8', KERBEROS_ENCRYPTED_PROTOCOL);
    expect(contentType).toBe('multipart/encrypted;protocol="application/HTTP-Kerberos-session-encrypted";boundary="Encrypted Boundary"');
    expect(body.toString('latin1')).toContain(`\tContent-Type: application/HTTP-Kerberos-session-encrypted\r\n\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=${PAYLOAD.length}\r\n`);
    const at = lengthOffset(body);
    expect(body.readUInt32LE(at)).toBe(60);
    expect(body.subarray(at + 4, at + 8)).toEqual(Buffer.from([0x05, 0x04, 0x06, 0xff]));
    expect(body.length - (at + 4 + 60) - '--Encrypted Boundary--\r\n'.length).toBe(PAYLOAD.length);
    expect(decryptMessage(server, contentType, body, KERBEROS_ENCRYPTED_PROTOCOL)).toEqual({ payload: PAYLOAD, charset: 'UTF-8' });
  });

  it('work under the SPNEGO protocol too (Negotiate that chose Kerberos), with the aes-sha2 header length', () => {
    const { client, server } = contexts(aes128CtsHmacSha256128);
    const request = encryptMessage(client, PAYLOAD, 'UTF-16');
    expect(request.body.readUInt32LE(lengthOffset(request.body))).toBe(16 + 32 + 16);
    expect(decryptMessage(server, request.contentType, request.body, SPNEGO_ENCRYPTED_PROTOCOL).payload).toEqual(PAYLOAD);
    const reply = encryptMessage(server, PAYLOAD, 'UTF-8');
    expect(decryptMessage(client, reply.contentType, reply.body).payload).toEqual(PAYLOAD);
  });

  it('refuse the other protocol string (trap 21)', () => {
    const { client, server } = contexts();
    const { contentType, body } = encryptMessage(client, PAYLOAD, 'UTF-8', KERBEROS_ENCRYPTED_PROTOCOL);
    expect(() => decryptMessage(server, contentType, body, SPNEGO_ENCRYPTED_PROTOCOL)).toThrow(CANNOT_DECRYPT);
  });

  it('refuse a flipped byte in the header or ciphertext, a wrong header length, a replay, or a wrong Length', () => {
    const { client, server } = contexts();
    const { contentType, body } = encryptMessage(client, PAYLOAD, 'UTF-8', KERBEROS_ENCRYPTED_PROTOCOL);
    const at = lengthOffset(body);
    const flipped = (offset: number): Buffer => {
      const copy = Buffer.from(body);
      copy[offset]! ^= 0x20;
      return copy;
    };
    const wrongLength = Buffer.from(body);
    wrongLength.writeUInt32LE(59, at);
    for (const bad of [flipped(at + 4 + 10), flipped(at + 4 + 40), flipped(at + 4 + 60 + 5), wrongLength]) {
      expect(() => decryptMessage(server, contentType, bad, KERBEROS_ENCRYPTED_PROTOCOL)).toThrow(CANNOT_DECRYPT);
    }
    const mislabelled = Buffer.from(body.toString('latin1').replace(`Length=${PAYLOAD.length}`, `Length=${PAYLOAD.length + 1}`), 'latin1');
    expect(() => decryptMessage(server, contentType, mislabelled, KERBEROS_ENCRYPTED_PROTOCOL)).toThrow(CANNOT_DECRYPT);
    // The failures changed nothing: the untouched body still opens, once.
    expect(decryptMessage(server, contentType, body, KERBEROS_ENCRYPTED_PROTOCOL).payload).toEqual(PAYLOAD);
    expect(() => decryptMessage(server, contentType, body, KERBEROS_ENCRYPTED_PROTOCOL)).toThrow(CANNOT_DECRYPT);
  });
});
