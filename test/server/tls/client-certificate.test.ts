import { createHash, X509Certificate } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { connect, createServer, DetailedPeerCertificate, PeerCertificate } from 'node:tls';
import { issueCertificate, IssuedCertificate } from '../../../src/server/tls/certificate-builder';
import { CertificateMapping, certificateNames, mapClientCertificate } from '../../../src/server/tls/certificate-mapping';

const thumbprintOfDer = (der: Buffer): string => createHash('sha1').update(der).digest('hex').toUpperCase();

interface Handshake {
  serverAuthorized: boolean;
  serverError: Error | null;
  clientAuthorized: boolean;
  clientError: Error | null;
  peer: DetailedPeerCertificate;
}

/** One TLS connection over loopback: the server asks for a client certificate and trusts `ca`. */
async function handshake(server: IssuedCertificate, ca: IssuedCertificate, client: IssuedCertificate): Promise<Handshake> {
  const listener = createServer({
    key: server.privateKeyPem,
    cert: server.certificatePem,
    requestCert: true,
    rejectUnauthorized: false, // report instead of dropping, so the test sees why
    ca: [ca.certificatePem],
  });
  try {
    const serverSide = new Promise<Pick<Handshake, 'serverAuthorized' | 'serverError' | 'peer'>>((resolve, reject) => {
      listener.once('tlsClientError', reject);
      listener.once('secureConnection', (socket) => {
        resolve({ serverAuthorized: socket.authorized, serverError: socket.authorizationError, peer: socket.getPeerCertificate(true) });
        socket.end();
      });
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as AddressInfo;
    const clientSide = new Promise<Pick<Handshake, 'clientAuthorized' | 'clientError'>>((resolve, reject) => {
      const socket = connect({
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        ca: [server.certificatePem],
        cert: client.certificatePem,
        key: client.privateKeyPem,
      });
      socket.once('error', reject);
      socket.once('secureConnect', () => {
        resolve({ clientAuthorized: socket.authorized, clientError: socket.authorizationError });
        socket.on('data', () => undefined);
        socket.once('end', () => socket.destroy());
      });
    });
    const [serverResult, clientResult] = await Promise.all([serverSide, clientSide]);
    return { ...serverResult, ...clientResult };
  } finally {
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  }
}

describe('client certificates over TLS', () => {
  let ca: IssuedCertificate;
  let otherCa: IssuedCertificate;
  let server: IssuedCertificate;
  let upnClient: IssuedCertificate;
  let cnClient: IssuedCertificate;
  let upnPeer: DetailedPeerCertificate;
  let cnPeer: DetailedPeerCertificate;

  beforeAll(async () => {
    ca = issueCertificate({ subject: { commonName: 'Client CA', organization: 'Contoso' }, isCertificateAuthority: true, keyBits: 1024 });
    otherCa = issueCertificate({ subject: { commonName: 'Other CA' }, isCertificateAuthority: true, keyBits: 1024 });
    server = issueCertificate({
      subject: { commonName: 'localhost' },
      subjectAltNames: { dns: ['localhost'], ip: ['127.0.0.1', '::1'] },
      extendedKeyUsage: ['serverAuth'],
      keyBits: 1024,
    });
    upnClient = issueCertificate({
      subject: { commonName: 'Alice Example' },
      issuer: ca,
      upnName: 'alice@contoso.com',
      extendedKeyUsage: ['clientAuth'],
      keyBits: 1024,
    });
    cnClient = issueCertificate({ subject: { commonName: 'bob' }, issuer: ca, extendedKeyUsage: ['clientAuth'], keyBits: 1024 });

    const first = await handshake(server, ca, upnClient);
    expect([first.serverAuthorized, first.serverError, first.clientAuthorized, first.clientError]).toEqual([true, null, true, null]);
    upnPeer = first.peer;
    const second = await handshake(server, ca, cnClient);
    expect([second.serverAuthorized, second.clientAuthorized]).toEqual([true, true]);
    cnPeer = second.peer;
  });

  it('the client certificate was issued by the CA', () => {
    const caCertificate = new X509Certificate(ca.certificatePem);
    const clientCertificate = new X509Certificate(upnClient.certificatePem);
    expect(clientCertificate.checkIssued(caCertificate)).toBe(true);
    expect(clientCertificate.verify(caCertificate.publicKey)).toBe(true);
  });

  it('the server sees the client chain, and Node prints the UPN as othername:UPN:<upn>', () => {
    expect(upnPeer.subject.CN).toBe('Alice Example');
    expect(upnPeer.subjectaltname).toBe('othername:UPN:alice@contoso.com');
    expect(upnPeer.fingerprint.replace(/:/g, '')).toBe(upnClient.thumbprint);
    expect(upnPeer.issuerCertificate.fingerprint.replace(/:/g, '')).toBe(ca.thumbprint);
    expect(certificateNames(upnPeer)).toEqual(['alice@contoso.com']);
    expect(certificateNames(cnPeer)).toEqual(['bob']);
  });

  it('maps by UPN, case-insensitively, and not by CN when there is a UPN', () => {
    expect(mapClientCertificate(upnPeer, [{ subject: 'ALICE@contoso.com', issuerThumbprint: ca.thumbprint, userName: 'alice' }])).toBe('alice');
    expect(mapClientCertificate(upnPeer, [{ subject: 'Alice Example', issuerThumbprint: ca.thumbprint, userName: 'alice' }])).toBeUndefined();
  });

  it('maps by CN; the issuer thumbprint may be lower-case with spaces', () => {
    const spaced = ca.thumbprint.toLowerCase().replace(/(..)/g, '$1 ').trim();
    expect(mapClientCertificate(cnPeer, [{ subject: 'bob', issuerThumbprint: spaced, userName: 'CONTOSO\\bob' }])).toBe('CONTOSO\\bob');
    expect(mapClientCertificate(cnPeer, [{ subject: 'bob', issuerThumbprint: '\u200e' + ca.thumbprint, userName: 'b' }])).toBe('b');
    expect(mapClientCertificate(cnPeer, [{ subject: 'bob', userName: 'no-issuer-check' }])).toBe('no-issuer-check');
  });

  it('refuses a wrong issuer thumbprint or an unknown subject', () => {
    expect(mapClientCertificate(upnPeer, [{ subject: 'alice@contoso.com', issuerThumbprint: otherCa.thumbprint, userName: 'alice' }])).toBeUndefined();
    expect(mapClientCertificate(upnPeer, [{ subject: 'alice@contoso.com', issuerThumbprint: upnClient.thumbprint, userName: 'alice' }])).toBeUndefined();
    expect(mapClientCertificate(cnPeer, [{ subject: 'carol', issuerThumbprint: ca.thumbprint, userName: 'carol' }])).toBeUndefined();
    expect(mapClientCertificate(cnPeer, [])).toBeUndefined();
  });

  it("'*' maps any certificate from the issuer, after exact subjects, and never without an issuer", () => {
    const mappings: CertificateMapping[] = [
      { subject: '*', issuerThumbprint: otherCa.thumbprint, userName: 'other' },
      { subject: '*', issuerThumbprint: ca.thumbprint, userName: 'anyone' },
      { subject: 'bob', issuerThumbprint: ca.thumbprint, userName: 'bob' },
    ];
    expect(mapClientCertificate(cnPeer, mappings)).toBe('bob');
    expect(mapClientCertificate(upnPeer, mappings)).toBe('anyone');
    expect(mapClientCertificate(upnPeer, [{ subject: '*', userName: 'everyone' }])).toBeUndefined();
  });

  it('maps nothing for an absent certificate', () => {
    expect(mapClientCertificate({} as PeerCertificate, [{ subject: '*', issuerThumbprint: ca.thumbprint, userName: 'x' }])).toBeUndefined();
  });

  it('does not take an issuer the certificate merely claims', () => {
    // A self-made "bob" sent along with the real CA certificate must not pass for one the CA issued.
    const forged = issueCertificate({ subject: { commonName: 'bob' }, keyBits: 1024 });
    const peer = {
      ...cnPeer,
      raw: new X509Certificate(forged.certificatePem).raw,
      issuerCertificate: cnPeer.issuerCertificate,
    } as DetailedPeerCertificate;
    expect(mapClientCertificate(peer, [{ subject: 'bob', issuerThumbprint: ca.thumbprint, userName: 'bob' }])).toBeUndefined();
  });

  it('maps a self-signed client certificate the server trusts as is, by its own thumbprint', async () => {
    const selfSigned = issueCertificate({ subject: { commonName: 'carol' }, upnName: 'carol@contoso.com', extendedKeyUsage: ['clientAuth'], keyBits: 1024 });
    const result = await handshake(server, selfSigned, selfSigned);
    expect([result.serverAuthorized, result.serverError, result.clientAuthorized]).toEqual([true, null, true]);
    expect(result.peer.issuerCertificate.raw.equals(result.peer.raw)).toBe(true); // a copy of itself, not the same object
    expect(mapClientCertificate(result.peer, [{ subject: 'carol@contoso.com', issuerThumbprint: selfSigned.thumbprint, userName: 'carol' }])).toBe('carol');
    expect(mapClientCertificate(result.peer, [{ subject: 'carol@contoso.com', issuerThumbprint: ca.thumbprint, userName: 'carol' }])).toBeUndefined();

    const raw = new X509Certificate(selfSigned.certificatePem).raw;
    const peer = { subject: { CN: 'carol' }, raw } as unknown as DetailedPeerCertificate;
    peer.issuerCertificate = peer;
    expect(mapClientCertificate(peer, [{ subject: 'carol@contoso.com', issuerThumbprint: selfSigned.thumbprint, userName: 'carol' }])).toBe('carol');
    // The same bytes signed by someone else do not verify as self-signed.
    const tampered = Buffer.from(raw);
    tampered[tampered.length - 1]! ^= 0x01;
    const forged = { subject: { CN: 'carol' }, raw: tampered } as unknown as DetailedPeerCertificate;
    forged.issuerCertificate = forged;
    expect(mapClientCertificate(forged, [{ subject: 'carol@contoso.com', issuerThumbprint: thumbprintOfDer(tampered), userName: 'carol' }])).toBeUndefined();
  });

  it("falls back to Node's subjectaltname text when the DER cannot be read", () => {
    const peer = { subject: { CN: 'x' }, raw: Buffer.from('not der'), subjectaltname: 'DNS:a, othername:UPN:"o\\"brien,x@contoso.com"' } as unknown as PeerCertificate;
    expect(certificateNames(peer)).toEqual(['o"brien,x@contoso.com']);
    expect(mapClientCertificate(peer, [{ subject: 'o"brien,x@contoso.com', userName: 'ob' }])).toBe('ob');
  });
});
