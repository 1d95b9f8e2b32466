/**
 * The exchange over TLS: the server certificate a connection presented (the source of channel
 * bindings) is on its responses, a reconnect resumes the TLS session and still knows the
 * certificate, and each verification setting refuses exactly what it should before a byte of the
 * request is written.
 */
import { X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { WSManError } from '../../src/core/errors/wsman-error';
import { HttpExchange, type PostOptions, type TlsSettings } from '../../src/core/transport/http-exchange';
import { issueCertificate, type IssuedCertificate } from '../../src/server/tls/certificate-builder';

const OPTIONS: PostOptions = { timeoutMs: 5000, responseLimit: 64 * 1024, replayable: true };
const BODY = Buffer.from('<s:Envelope/>');
const REPLY = 'HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml;charset=UTF-8\r\nContent-Length: 2\r\n\r\nok';

let certificate: IssuedCertificate;
const servers: Server[] = [];
/** The TLS 1.3 server's port (the TLS 1.2 one's for the resumption case). */
let port: number;
let tls12Port: number;
/** Bytes each accepted TLS connection received, and whether it resumed a session. */
const connections: { bytes: number; resumed: boolean }[] = [];
const exchanges: HttpExchange[] = [];

async function listen(maxVersion: 'TLSv1.2' | 'TLSv1.3'): Promise<number> {
  const server = createServer({ cert: certificate.certificatePem, key: certificate.privateKeyPem, maxVersion }, (socket: TLSSocket) => {
    const record = { bytes: 0, resumed: socket.isSessionReused() };
    connections.push(record);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      record.bytes += chunk.length;
      if (chunk.includes('\r\n\r\n')) socket.write(REPLY);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  certificate = issueCertificate({ subject: { commonName: 'wsman.test' }, subjectAltNames: { dns: ['wsman.test', 'localhost'] }, extendedKeyUsage: ['serverAuth'], keyBits: 1024 });
  port = await listen('TLSv1.3');
  tls12Port = await listen('TLSv1.2');
});

afterAll(async () => {
  for (const exchange of exchanges) exchange.close();
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

function exchange(host: string, tls: TlsSettings, on = port): HttpExchange {
  const made = new HttpExchange(new URL(`https://${host}:${on}/wsman`), tls, 'Microsoft WinRM Client');
  exchanges.push(made);
  return made;
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as WSManError).code;
  }
  throw new Error('the exchange succeeded');
}

it.each([
  ['TLS 1.3', () => port, { verifyChain: true, verifyHostName: true }],
  ['TLS 1.2', () => tls12Port, { verifyChain: true, verifyHostName: true }],
  ['TLS 1.3, SkipCACheck (the name checked by the client)', () => port, { verifyChain: false, verifyHostName: true }],
])('%s: the responses carry the server certificate (DER) the connection presented; a new connection resumes the TLS session and has it too', async (_name, on, checks) => {
  const trusted = exchange('localhost', { ...checks, ca: [certificate.certificatePem] }, on());
  const der = new X509Certificate(certificate.certificatePem).raw;
  const first = await trusted.post(BODY, { contentType: 'application/soap+xml;charset=UTF-8' }, OPTIONS);
  expect(first.body.toString()).toBe('ok');
  expect(first.connection.peerCertificate?.equals(der)).toBe(true);
  const before = connections.length;
  first.connection.drop();
  const second = await trusted.post(BODY, { contentType: 'application/soap+xml;charset=UTF-8' }, OPTIONS);
  expect(second.connection).not.toBe(first.connection);
  expect(connections.length).toBe(before + 1);
  expect(connections[connections.length - 1].resumed).toBe(true);
  expect(second.connection.peerCertificate?.equals(der)).toBe(true);
});

it.each([
  ['an untrusted chain', 'localhost', { verifyChain: true, verifyHostName: true }, 'ERROR_WINHTTP_SECURE_INVALID_CA'],
  ['a trusted chain for another name', '127.0.0.1', { verifyChain: true, verifyHostName: true, ca: [] as string[] }, 'ERROR_WINHTTP_SECURE_CERT_CN_INVALID'],
  ['SkipCACheck alone, another name', '127.0.0.1', { verifyChain: false, verifyHostName: true }, 'ERROR_WINHTTP_SECURE_CERT_CN_INVALID'],
] as const)('%s → %s, and no byte of the request reaches the server', async (_name, host, tls, code) => {
  const settings: TlsSettings = 'ca' in tls ? { ...tls, ca: [certificate.certificatePem] } : tls;
  const before = connections.length;
  expect(await failure(exchange(host, settings).post(BODY, { contentType: 'text/plain', authorization: 'Basic c2VjcmV0' }, OPTIONS))).toBe(code);
  await new Promise((resolve) => setTimeout(resolve, 20));
  for (const connection of connections.slice(before)) expect(connection.bytes).toBe(0);
});

it('SkipCACheck + SkipCNCheck: an untrusted certificate for another name is accepted', async () => {
  const response = await exchange('127.0.0.1', { verifyChain: false, verifyHostName: false }).post(BODY, { contentType: 'text/plain' }, OPTIONS);
  expect(response.status).toBe(200);
});

it('a client certificate the TLS stack cannot read → ERROR_WINHTTP_SECURE_FAILURE for each request, nothing left waiting', async () => {
  const broken = exchange('localhost', {
    verifyChain: true,
    verifyHostName: true,
    ca: [certificate.certificatePem],
    clientCertificate: { kind: 'pem', cert: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', key: 'not a key' },
  });
  const requests = [0, 1].map(() => broken.post(BODY, { contentType: 'text/plain' }, OPTIONS));
  for (const request of requests) expect(await failure(request)).toBe('ERROR_WINHTTP_SECURE_FAILURE');
});
