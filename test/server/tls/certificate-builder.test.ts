import { createPrivateKey, X509Certificate } from 'node:crypto';
import { decodeOid, readChildren, readElement } from '../../../src/core/asn1/der';
import { ipAddressBytes, issueCertificate, IssuedCertificate } from '../../../src/server/tls/certificate-builder';

/** extnID → { critical, value (the OCTET STRING's contents) } from a certificate's DER. */
function extensionsOf(certificate: X509Certificate): Map<string, { critical: boolean; value: Buffer }> {
  const tbs = readChildren(readElement(certificate.raw).content)[0]!;
  const wrapper = readChildren(tbs.content).find((field) => field.tag === 0xa3)!;
  const result = new Map<string, { critical: boolean; value: Buffer }>();
  for (const ext of readChildren(readElement(wrapper.content).content)) {
    const parts = readChildren(ext.content);
    result.set(decodeOid(parts[0]!.content), {
      critical: parts.length === 3 && parts[1]!.content[0] === 0xff,
      value: parts[parts.length - 1]!.content,
    });
  }
  return result;
}

describe('issueCertificate', () => {
  let ca: IssuedCertificate;
  let caCertificate: X509Certificate;

  beforeAll(() => {
    ca = issueCertificate({ subject: { commonName: 'Test Root CA', organization: 'Contoso' }, isCertificateAuthority: true, keyBits: 1024 });
    caCertificate = new X509Certificate(ca.certificatePem);
  });

  it('makes a self-signed server certificate Node parses and verifies', () => {
    const validFrom = new Date('2024-01-02T03:04:05.678Z');
    const issued = issueCertificate({
      subject: { commonName: 'host.example', organization: 'Acme' },
      subjectAltNames: { dns: ['host.example', 'localhost'], ip: ['127.0.0.1', '::1', '[2001:db8::5]'] },
      extendedKeyUsage: ['serverAuth'],
      validFrom,
      validDays: 10,
      keyBits: 1024,
    });
    const certificate = new X509Certificate(issued.certificatePem);

    expect(certificate.subject).toBe('O=Acme\nCN=host.example');
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.subjectAltName).toBe(
      'DNS:host.example, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:2001:DB8:0:0:0:0:0:5',
    );
    expect(Date.parse(certificate.validFrom)).toBe(Date.parse('2024-01-02T03:04:05Z'));
    expect(Date.parse(certificate.validTo)).toBe(Date.parse('2024-01-12T03:04:05Z'));
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    // An end-entity certificate (no keyCertSign): OpenSSL's check_issued declines it as an issuer, even its own;
    // TLS still accepts it as a directly trusted certificate (see client-certificate.test.ts).
    expect(certificate.checkIssued(certificate)).toBe(false);
    expect(certificate.checkPrivateKey(createPrivateKey(issued.privateKeyPem))).toBe(true);
    expect(certificate.checkHost('host.example')).toBe('host.example');
    expect(certificate.checkHost('LOCALHOST')).toBe('localhost');
    expect(certificate.checkHost('other.example')).toBeUndefined();
    expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(certificate.checkIP('::1')).toBe('::1');
    expect(certificate.checkIP('2001:db8::5')).toBe('2001:db8::5');
    expect(certificate.checkIP('10.0.0.1')).toBeUndefined();
    expect(issued.thumbprint).toBe(certificate.fingerprint.replace(/:/g, ''));
    expect(issued.thumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(certificate.ca).toBe(false);
    expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(certificate.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    expect(issued.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);

    const extensions = extensionsOf(certificate);
    expect([...extensions.keys()]).toEqual(['2.5.29.19', '2.5.29.15', '2.5.29.37', '2.5.29.17', '2.5.29.14']);
    expect(extensions.get('2.5.29.19')).toEqual({ critical: false, value: Buffer.from('3000', 'hex') });
    expect(extensions.get('2.5.29.15')).toEqual({ critical: true, value: Buffer.from('030205a0', 'hex') });
    expect(extensions.get('2.5.29.14')!.value.length).toBe(22); // OCTET STRING of a SHA-1
  });

  it('uses the default validity: from an hour ago, for 825 days', () => {
    const before = Date.now();
    const certificate = new X509Certificate(issueCertificate({ subject: { commonName: 'defaults' }, keyBits: 1024 }).certificatePem);
    const notBefore = Date.parse(certificate.validFrom);
    expect(before - notBefore).toBeGreaterThanOrEqual(60 * 60 * 1000 - 1000);
    expect(before - notBefore).toBeLessThan(60 * 60 * 1000 + 5000);
    expect(Date.parse(certificate.validTo) - notBefore).toBe(825 * 24 * 60 * 60 * 1000);
    expect(certificate.subjectAltName).toBeUndefined();
  });

  it('writes GeneralizedTime for dates from 2050', () => {
    const certificate = new X509Certificate(
      issueCertificate({ subject: { commonName: 'far' }, validFrom: new Date('2049-12-01T00:00:00Z'), validDays: 60, keyBits: 1024 }).certificatePem,
    );
    expect(Date.parse(certificate.validFrom)).toBe(Date.parse('2049-12-01T00:00:00Z'));
    expect(Date.parse(certificate.validTo)).toBe(Date.parse('2050-01-30T00:00:00Z'));
  });

  it('makes a CA with critical basicConstraints and certificate-signing key usage', () => {
    expect(caCertificate.ca).toBe(true);
    expect(caCertificate.subject).toBe('O=Contoso\nCN=Test Root CA');
    expect(caCertificate.verify(caCertificate.publicKey)).toBe(true);
    const extensions = extensionsOf(caCertificate);
    expect(extensions.get('2.5.29.19')).toEqual({ critical: true, value: Buffer.from('30030101ff', 'hex') });
    expect(extensions.get('2.5.29.15')).toEqual({ critical: true, value: Buffer.from('03020186', 'hex') });
    expect(extensions.has('2.5.29.35')).toBe(false);
  });

  it('issues a client certificate from a CA, with a UPN and an authority key identifier', () => {
    const issued = issueCertificate({
      subject: { commonName: 'alice' },
      issuer: ca,
      upnName: 'alice@contoso.com',
      extendedKeyUsage: ['clientAuth'],
      keyBits: 1024,
    });
    const certificate = new X509Certificate(issued.certificatePem);
    expect(certificate.checkIssued(caCertificate)).toBe(true);
    expect(certificate.verify(caCertificate.publicKey)).toBe(true);
    expect(certificate.verify(certificate.publicKey)).toBe(false);
    expect(certificate.issuer).toBe('O=Contoso\nCN=Test Root CA');
    expect(certificate.subjectAltName).toBe('othername:UPN:alice@contoso.com');
    expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);

    const authorityKeyId = extensionsOf(certificate).get('2.5.29.35')!.value;
    const caKeyId = extensionsOf(caCertificate).get('2.5.29.14')!.value; // OCTET STRING
    expect(authorityKeyId.toString('hex')).toBe('30168014' + readElement(caKeyId).content.toString('hex'));
  });

  it('refuses an issuer that is not a CA, or a key that is not its own', () => {
    const leaf = issueCertificate({ subject: { commonName: 'leaf' }, keyBits: 1024 });
    expect(() => issueCertificate({ subject: { commonName: 'x' }, issuer: leaf, keyBits: 1024 })).toThrow(/not a certificate authority/);
    expect(() =>
      issueCertificate({ subject: { commonName: 'x' }, issuer: { certificatePem: ca.certificatePem, privateKeyPem: leaf.privateKeyPem }, keyBits: 1024 }),
    ).toThrow(/does not belong/);
    expect(() => issueCertificate({ subject: { commonName: 'x' }, issuer: { certificatePem: 'nope', privateKeyPem: ca.privateKeyPem } })).toThrow(
      /issuer certificate does not parse/,
    );
  });

  it('rejects bad input', () => {
    expect(() => issueCertificate({ subject: { commonName: '' } })).toThrow(/common name/);
    expect(() => issueCertificate({ subject: { commonName: 'x' }, subjectAltNames: { dns: ['bad name'] }, keyBits: 1024 })).toThrow(/DNS name/);
    expect(() => issueCertificate({ subject: { commonName: 'x' }, subjectAltNames: { ip: ['1.2.3'] }, keyBits: 1024 })).toThrow(/IP address/);
    expect(() => issueCertificate({ subject: { commonName: 'x' }, validDays: 0 })).toThrow(/validDays/);
  });
});

describe('ipAddressBytes', () => {
  it.each([
    ['127.0.0.1', '7f000001'],
    ['::1', '00000000000000000000000000000001'],
    ['[::1]', '00000000000000000000000000000001'],
    ['::', '00000000000000000000000000000000'],
    ['2001:db8::1', '20010db8000000000000000000000001'],
    ['fe80::1:2', 'fe800000000000000000000000010002'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
    ['1::', '00010000000000000000000000000000'],
    ['::ffff:10.0.0.1', '00000000000000000000ffff0a000001'],
    ['64:ff9b::192.0.2.33', '0064ff9b0000000000000000c0000221'],
  ])('%s', (address, expected) => {
    expect(ipAddressBytes(address).toString('hex')).toBe(expected);
  });

  it('rejects what is not an address', () => {
    for (const bad of ['host', '1.2.3.256', ':::', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0']) expect(() => ipAddressBytes(bad)).toThrow(/not an IP address/);
  });
});
