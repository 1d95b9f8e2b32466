import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect, createServer } from 'node:tls';
import { issueCertificate } from '../../../src/server/tls/certificate-builder';
import { loadOrCreateEndpointCertificate } from '../../../src/server/tls/endpoint-certificate';

describe('loadOrCreateEndpointCertificate', () => {
  let root: string;
  let directory: string;
  const hostNames = ['MyHost.example', 'localhost', '127.0.0.1', '[::1]'];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'wsman-tls-'));
    directory = join(root, 'state', 'tls'); // does not exist yet
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('creates a self-signed certificate on first start and serves the same one afterwards', () => {
    const first = loadOrCreateEndpointCertificate({ directory, hostNames });
    expect(first.created).toBe(true);
    const certificate = new X509Certificate(first.certificatePem);
    expect(certificate.subject).toBe('O=wsman-automation\nCN=myhost.example');
    expect(certificate.subjectAltName).toBe('DNS:myhost.example, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(first.thumbprint).toBe(certificate.fingerprint.replace(/:/g, ''));
    expect(readdirSync(directory).sort()).toEqual(['endpoint-cert.pem', 'endpoint-key.pem']);
    if (process.platform !== 'win32') expect(statSync(join(directory, 'endpoint-key.pem')).mode & 0o777).toBe(0o600);

    const second = loadOrCreateEndpointCertificate({ directory, hostNames: ['localhost', '::1'] });
    expect(second).toEqual({ ...first, created: false });
  });

  it('replaces the stored certificate when it does not cover a host name', () => {
    const before = loadOrCreateEndpointCertificate({ directory, hostNames });
    const after = loadOrCreateEndpointCertificate({ directory, hostNames: [...hostNames, '10.1.2.3'] });
    expect(after.created).toBe(true);
    expect(after.thumbprint).not.toBe(before.thumbprint);
    expect(new X509Certificate(after.certificatePem).checkIP('10.1.2.3')).toBe('10.1.2.3');
  });

  it('keeps a stored certificate with a wildcard name', () => {
    const own = join(root, 'wildcard');
    const first = loadOrCreateEndpointCertificate({ directory: own, hostNames: ['*.Contoso.com', 'host.contoso.com'] });
    expect(new X509Certificate(first.certificatePem).subjectAltName).toBe('DNS:*.contoso.com, DNS:host.contoso.com');
    expect(loadOrCreateEndpointCertificate({ directory: own, hostNames: ['*.contoso.com'] }).created).toBe(false);
  });

  it('serves HTTPS that a client trusting the certificate accepts for the IP address', async () => {
    const { certificatePem, privateKeyPem } = loadOrCreateEndpointCertificate({ directory, hostNames });
    const server = createServer({ cert: certificatePem, key: privateKeyPem }, (socket) => socket.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port, ca: [certificatePem] }); // no servername: the IP SAN is checked
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (text += chunk));
        socket.once('end', () => resolve(`${socket.authorized}:${text}`));
        socket.once('error', reject);
      });
      expect(reply).toBe('true:ok');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('replaces an expired stored certificate, and a pair whose key does not match', () => {
    const expired = issueCertificate({ subject: { commonName: 'localhost' }, subjectAltNames: { dns: ['localhost'] }, validFrom: new Date('2020-01-01T00:00:00Z'), validDays: 1, keyBits: 1024 });
    writeFileSync(join(directory, 'endpoint-cert.pem'), expired.certificatePem);
    writeFileSync(join(directory, 'endpoint-key.pem'), expired.privateKeyPem);
    const renewed = loadOrCreateEndpointCertificate({ directory, hostNames: ['localhost'] });
    expect(renewed.created).toBe(true);
    expect(renewed.thumbprint).not.toBe(expired.thumbprint);

    const stranger = issueCertificate({ subject: { commonName: 'x' }, keyBits: 1024 });
    writeFileSync(join(directory, 'endpoint-key.pem'), stranger.privateKeyPem);
    const fixed = loadOrCreateEndpointCertificate({ directory, hostNames: ['localhost'] });
    expect(fixed.created).toBe(true);
    expect(loadOrCreateEndpointCertificate({ directory, hostNames: ['localhost'] })).toEqual({ ...fixed, created: false });
  });

  it('makes a new pair when only one stored file is left', () => {
    const own = join(root, 'half');
    mkdirSync(own);
    writeFileSync(join(own, 'endpoint-cert.pem'), issueCertificate({ subject: { commonName: 'x' }, keyBits: 1024 }).certificatePem);
    expect(loadOrCreateEndpointCertificate({ directory: own, hostNames: ['localhost'] }).created).toBe(true);
    expect(existsSync(join(own, 'endpoint-key.pem'))).toBe(true);
  });

  it('names a stored file that does not parse', () => {
    const broken = join(root, 'broken');
    mkdirSync(broken);
    const good = issueCertificate({ subject: { commonName: 'localhost' }, keyBits: 1024 });
    writeFileSync(join(broken, 'endpoint-cert.pem'), '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    writeFileSync(join(broken, 'endpoint-key.pem'), good.privateKeyPem);
    expect(() => loadOrCreateEndpointCertificate({ directory: broken, hostNames: ['localhost'] })).toThrow(
      `The certificate file '${join(broken, 'endpoint-cert.pem')}' does not hold`,
    );
    writeFileSync(join(broken, 'endpoint-cert.pem'), good.certificatePem);
    writeFileSync(join(broken, 'endpoint-key.pem'), 'garbage');
    expect(() => loadOrCreateEndpointCertificate({ directory: broken, hostNames: ['localhost'] })).toThrow(
      `The private key file '${join(broken, 'endpoint-key.pem')}' does not hold`,
    );
  });

  describe('user-provided --cert/--key', () => {
    let certFile: string;
    let keyFile: string;
    let provided: ReturnType<typeof issueCertificate>;

    beforeAll(() => {
      provided = issueCertificate({ subject: { commonName: 'winrm.contoso.com' }, subjectAltNames: { dns: ['winrm.contoso.com'] }, keyBits: 1024 });
      certFile = join(root, 'user-cert.pem');
      keyFile = join(root, 'user-key.pem');
      writeFileSync(certFile, provided.certificatePem);
      writeFileSync(keyFile, provided.privateKeyPem);
    });

    it('are used as they are, whatever the host names', () => {
      const empty = join(root, 'unused');
      const result = loadOrCreateEndpointCertificate({ certFile, keyFile, directory: empty, hostNames: ['other.example'] });
      expect(result).toEqual({ certificatePem: provided.certificatePem, privateKeyPem: provided.privateKeyPem, thumbprint: provided.thumbprint, created: false });
      expect(existsSync(empty)).toBe(false);
    });

    it('accept a DER certificate file', () => {
      const derFile = join(root, 'user-cert.cer');
      writeFileSync(derFile, new X509Certificate(provided.certificatePem).raw);
      const result = loadOrCreateEndpointCertificate({ certFile: derFile, keyFile, directory, hostNames: [] });
      expect(result.certificatePem).toBe(provided.certificatePem);
      expect(result.thumbprint).toBe(provided.thumbprint);
    });

    it('must come as a pair', () => {
      expect(() => loadOrCreateEndpointCertificate({ certFile, directory, hostNames })).toThrow(/without its private key file: give both --cert and --key/);
      expect(() => loadOrCreateEndpointCertificate({ keyFile, directory, hostNames })).toThrow(/without its certificate file: give both --cert and --key/);
    });

    it('must exist, parse and belong together', () => {
      const missing = join(root, 'missing.pem');
      expect(() => loadOrCreateEndpointCertificate({ certFile: missing, keyFile, directory, hostNames })).toThrow(`Cannot read the certificate file '${missing}'`);
      expect(() => loadOrCreateEndpointCertificate({ certFile: keyFile, keyFile, directory, hostNames })).toThrow(`The certificate file '${keyFile}' does not hold`);
      expect(() => loadOrCreateEndpointCertificate({ certFile, keyFile: certFile, directory, hostNames })).toThrow(`The private key file '${certFile}' does not hold`);
      const otherKey = join(root, 'other-key.pem');
      writeFileSync(otherKey, issueCertificate({ subject: { commonName: 'x' }, keyBits: 1024 }).privateKeyPem);
      expect(() => loadOrCreateEndpointCertificate({ certFile, keyFile: otherKey, directory, hostNames })).toThrow(
        `The private key in '${otherKey}' does not belong to the certificate in '${certFile}'.`,
      );
    });
  });
});
