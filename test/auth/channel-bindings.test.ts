/** tls-server-end-point (RFC 5929) and the MsvAvChannelBindings hash. */
import { createHash, X509Certificate } from 'node:crypto';
import { explicit, oid, sequence } from '../../src/core/asn1/der';
import { channelBindingsHash, tlsServerEndPoint } from '../../src/core/transport/auth/channel-bindings';
import { issueCertificate } from '../../src/server/tls/certificate-builder';

const PREFIX = 'tls-server-end-point:';

/** A certificate-shaped DER (tbsCertificate, signatureAlgorithm, signature) with the given algorithm identifier. */
const certificateWith = (algorithm: Buffer): Buffer => sequence(sequence(), algorithm, Buffer.concat([Buffer.from([0x03, 10, 0]), Buffer.from('signature')]));
/** DER NULL (the RSA algorithms' parameters). */
const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);
const digest = (name: string, data: Buffer): string => createHash(name).update(data).digest('hex');

describe('channelBindingsHash', () => {
  it('is 16 zero bytes without bindings', () => {
    expect(channelBindingsHash(undefined).equals(Buffer.alloc(16))).toBe(true);
  });

  it('is MD5 of the gss_channel_bindings_struct (reference value from python ntlm-auth GssChannelBindingsStruct)', () => {
    const data = Buffer.concat([Buffer.from(PREFIX), Buffer.from(Array.from({ length: 32 }, (_, i) => i))]);
    expect(channelBindingsHash(data).toString('hex')).toBe('8f1214c9c9cab8dc3bf866da9aba57a7');
  });
});

describe('tlsServerEndPoint', () => {
  it('hashes the endpoint certificate (sha256WithRSAEncryption) with SHA-256', () => {
    const pem = issueCertificate({ subject: { commonName: 'win-test' }, validDays: 1, keyBits: 1024 }).certificatePem;
    const der = new X509Certificate(pem).raw;
    const data = tlsServerEndPoint(der);
    expect(data.subarray(0, PREFIX.length).toString()).toBe(PREFIX);
    expect(data.subarray(PREFIX.length).toString('hex')).toBe(digest('sha256', der));
  });

  it.each([
    ['md5WithRSAEncryption', sequence(oid('1.2.840.113549.1.1.4'), nullValue()), 'sha256'],
    ['sha1WithRSAEncryption', sequence(oid('1.2.840.113549.1.1.5'), nullValue()), 'sha256'],
    ['ecdsa-with-SHA1', sequence(oid('1.2.840.10045.4.1')), 'sha256'],
    ['sha384WithRSAEncryption', sequence(oid('1.2.840.113549.1.1.12'), nullValue()), 'sha384'],
    ['ecdsa-with-SHA512', sequence(oid('1.2.840.10045.4.3.4')), 'sha512'],
    ['RSASSA-PSS with SHA-384', sequence(oid('1.2.840.113549.1.1.10'), sequence(explicit(0, sequence(oid('2.16.840.1.101.3.4.2.2'), nullValue())))), 'sha384'],
    ['RSASSA-PSS with the default SHA-1', sequence(oid('1.2.840.113549.1.1.10'), sequence()), 'sha256'],
    ['Ed25519 (no hash of its own)', sequence(oid('1.3.101.112')), 'sha256'],
  ])('%s → %s', (_name, algorithm, hash) => {
    const der = certificateWith(algorithm);
    expect(tlsServerEndPoint(der).subarray(PREFIX.length).toString('hex')).toBe(digest(hash, der));
  });
});
