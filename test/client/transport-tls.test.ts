/**
 * HTTPS against the embedded endpoint: certificate verification on by default, SkipCACheck and
 * SkipCNCheck each turning off exactly one check, and client certificates found by thumbprint in
 * the `$WSMAN_CERT_STORE` directory (one PEM, `name.pem` + `name.key`, PFX).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createObject } from '../../src/index';
import { WSManSessionFlags as F } from '../../src/automation/flags';
import type { Session } from '../../src/automation/session';
import { NS } from '../../src/core/protocol/namespaces';
import { parseXml } from '../../src/core/protocol/xml';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { issueCertificate, type IssuedCertificate } from '../../src/server/tls/certificate-builder';

const BASIC_HTTPS = F.WSManFlagUseBasic | F.WSManFlagCredUsernamePassword;
const CLIENT_CERT = F.WSManFlagUseClientCertificate | F.WSManFlagSkipCACheck | F.WSManFlagSkipCNCheck;
const OPENSSL = '/usr/bin/openssl';
const PFX_PASSWORD = 'pfx-pass';

let directory: string;
let endpoint: RunningEndpoint;
/** Serves a certificate for other.example only. */
let wrongName: RunningEndpoint;
let clientCa: IssuedCertificate;
const clients: Record<'pem' | 'split' | 'pfx' | 'foreign', IssuedCertificate> = {} as never;
const savedStore = process.env.WSMAN_CERT_STORE;
const savedPassword = process.env.WSMAN_CERT_STORE_PASSWORD;

const clientCertificate = (commonName: string, issuer: IssuedCertificate): IssuedCertificate =>
  issueCertificate({ subject: { commonName }, issuer, extendedKeyUsage: ['clientAuth'], keyBits: 1024 });

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'wsman-tls-'));
  clientCa = issueCertificate({ subject: { commonName: 'Client CA' }, isCertificateAuthority: true, keyBits: 1024 });
  const otherCa = issueCertificate({ subject: { commonName: 'Other CA' }, isCertificateAuthority: true, keyBits: 1024 });
  clients.pem = clientCertificate('pem-user', clientCa);
  clients.split = clientCertificate('split-user', clientCa);
  clients.pfx = clientCertificate('pfx-user', clientCa);
  clients.foreign = clientCertificate('pem-user', otherCa);

  const store = join(directory, 'store');
  mkdirSync(store);
  writeFileSync(join(store, 'combined.pem'), clients.pem.certificatePem + clients.pem.privateKeyPem);
  writeFileSync(join(store, 'split.pem'), clients.split.certificatePem);
  writeFileSync(join(store, 'split.key'), clients.split.privateKeyPem);
  writeFileSync(join(store, 'foreign.pem'), clients.foreign.certificatePem + clients.foreign.privateKeyPem);
  if (existsSync(OPENSSL)) {
    writeFileSync(join(directory, 'pfx-cert.pem'), clients.pfx.certificatePem);
    writeFileSync(join(directory, 'pfx-key.pem'), clients.pfx.privateKeyPem);
    execFileSync(OPENSSL, ['pkcs12', '-export', '-in', join(directory, 'pfx-cert.pem'), '-inkey', join(directory, 'pfx-key.pem'), '-out', join(store, 'client.pfx'), '-passout', `pass:${PFX_PASSWORD}`]);
  }
  process.env.WSMAN_CERT_STORE = store;
  process.env.WSMAN_CERT_STORE_PASSWORD = PFX_PASSWORD;

  const common = {
    port: false as const,
    httpsPort: 0,
    users: ['alice:Secret#1'],
    machineName: 'WIN-TLS',
    clientCertificateAuthorities: [clientCa.certificatePem],
    certificateMappings: [{ subject: '*', issuerThumbprint: clientCa.thumbprint, userName: 'alice' }],
  };
  // The endpoint's own self-signed certificate (covers 127.0.0.1, localhost and the machine name).
  endpoint = await startEndpoint({ ...common, dataDir: join(directory, 'endpoint') });
  const other = issueCertificate({ subject: { commonName: 'other.example' }, subjectAltNames: { dns: ['other.example'] }, extendedKeyUsage: ['serverAuth'], keyBits: 1024 });
  writeFileSync(join(directory, 'other-cert.pem'), other.certificatePem);
  writeFileSync(join(directory, 'other-key.pem'), other.privateKeyPem);
  wrongName = await startEndpoint({ ...common, dataDir: join(directory, 'other'), certFile: join(directory, 'other-cert.pem'), keyFile: join(directory, 'other-key.pem') });
});

afterAll(async () => {
  await Promise.all([endpoint?.close(), wrongName?.close()]);
  if (savedStore === undefined) delete process.env.WSMAN_CERT_STORE;
  else process.env.WSMAN_CERT_STORE = savedStore;
  if (savedPassword === undefined) delete process.env.WSMAN_CERT_STORE_PASSWORD;
  else process.env.WSMAN_CERT_STORE_PASSWORD = savedPassword;
  rmSync(directory, { recursive: true, force: true });
});

function openSession(url: string, flags: number, credentials: { password?: string; thumbprint?: string } = { password: 'Secret#1' }): Session {
  const wsman = createObject('WSMan.Automation');
  const options = wsman.CreateConnectionOptions().value!;
  if (credentials.password !== undefined) {
    options.put_UserName('alice');
    options.put_Password(credentials.password);
  }
  if (credentials.thumbprint !== undefined) options.put_CertificateThumbprint(credentials.thumbprint);
  const session = wsman.CreateSession(url, flags, options);
  if (session.error) throw new Error(session.error.description);
  return session.value! as Session;
}

const isConfig = (xml: string | undefined): boolean => {
  const root = parseXml(xml!);
  return root.namespace === NS.config && root.localName === 'Config';
};

describe('server certificate checks', () => {
  it('on by default: the self-signed endpoint certificate is not trusted → ERROR_WINHTTP_SECURE_INVALID_CA 0x80072F0D', async () => {
    const result = await openSession(endpoint.httpsUrl!, BASIC_HTTPS).Get('winrm/config');
    expect(result.hr).toBe(0x80072f0d);
    // SkipCNCheck alone does not skip the chain.
    expect((await openSession(endpoint.httpsUrl!, BASIC_HTTPS | F.WSManFlagSkipCNCheck).Get('winrm/config')).hr).toBe(0x80072f0d);
  });

  it('WSManFlagSkipCACheck: the same certificate is accepted (its names cover 127.0.0.1 and localhost)', async () => {
    const byAddress = await openSession(endpoint.httpsUrl!, BASIC_HTTPS | F.WSManFlagSkipCACheck).Get('winrm/config');
    expect(byAddress.hr).toBe(0);
    expect(isConfig(byAddress.value)).toBe(true);
    const byName = await openSession(endpoint.httpsUrl!.replace('127.0.0.1', 'localhost'), BASIC_HTTPS | F.WSManFlagSkipCACheck).Get('winrm/config');
    expect(byName.hr).toBe(0);
  });

  it('a certificate for another name: SkipCACheck alone still refuses it → ERROR_WINHTTP_SECURE_CERT_CN_INVALID 0x80072F06', async () => {
    for (const url of [wrongName.httpsUrl!, wrongName.httpsUrl!.replace('127.0.0.1', 'localhost')]) {
      const result = await openSession(url, BASIC_HTTPS | F.WSManFlagSkipCACheck).Get('winrm/config');
      expect(result.hr).toBe(0x80072f06);
      expect(result.error?.name).toBe('ERROR_WINHTTP_SECURE_CERT_CN_INVALID');
    }
    // Both checks off: the same endpoint answers.
    const both = await openSession(wrongName.httpsUrl!, BASIC_HTTPS | F.WSManFlagSkipCACheck | F.WSManFlagSkipCNCheck).Get('winrm/config');
    expect(both.hr).toBe(0);
    expect(isConfig(both.value)).toBe(true);
  });

  it('a refused certificate gets no request: the Basic credentials never reach a server of the wrong name', async () => {
    const other = issueCertificate({ subject: { commonName: 'other.example' }, subjectAltNames: { dns: ['other.example'] }, keyBits: 1024 });
    let requests = 0;
    const server: Server = createHttpsServer({ cert: other.certificatePem, key: other.privateKeyPem }, (_request, response) => {
      requests++;
      response.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/wsman`;
      const session = openSession(url, BASIC_HTTPS | F.WSManFlagSkipCACheck);
      expect((await session.Get('winrm/config')).hr).toBe(0x80072f06);
      expect((await session.Get('winrm/config')).hr).toBe(0x80072f06);
      expect((await openSession(url, BASIC_HTTPS).Get('winrm/config')).hr).toBe(0x80072f0d);
      expect(requests).toBe(0);
      // The fake does answer once both checks are off (so zero above means "refused", not "unreachable").
      expect((await openSession(url, BASIC_HTTPS | F.WSManFlagSkipCACheck | F.WSManFlagSkipCNCheck).Get('winrm/config')).hr).toBe(0x80338170);
      expect(requests).toBe(1);
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  });
});

describe('client certificates from $WSMAN_CERT_STORE', () => {
  it('certificate and key in one PEM file', async () => {
    const result = await openSession(endpoint.httpsUrl!, CLIENT_CERT, { thumbprint: clients.pem.thumbprint }).Get('winrm/config');
    expect(result.hr).toBe(0);
    expect(isConfig(result.value)).toBe(true);
  });

  it('name.pem + name.key, and a thumbprint written the way the Windows dialog shows it', async () => {
    const spaced = clients.split.thumbprint.toLowerCase().replace(/(..)(?!$)/g, '$1 ');
    const result = await openSession(endpoint.httpsUrl!, CLIENT_CERT, { thumbprint: spaced }).Get('winrm/config');
    expect(result.hr).toBe(0);
  });

  (existsSync(OPENSSL) ? it : it.skip)('a PFX file, opened with $WSMAN_CERT_STORE_PASSWORD (skipped without /usr/bin/openssl to make it)', async () => {
    const result = await openSession(endpoint.httpsUrl!, CLIENT_CERT, { thumbprint: clients.pfx.thumbprint }).Get('winrm/config');
    expect(result.hr).toBe(0);
    expect(isConfig(result.value)).toBe(true);
  });

  it('a thumbprint the store does not have → ERROR_WSMAN_CERT_NOT_FOUND 0x80338082', async () => {
    const result = await openSession(endpoint.httpsUrl!, CLIENT_CERT, { thumbprint: 'AB'.repeat(20) }).Get('winrm/config');
    expect(result.hr).toBe(0x80338082);
    expect(result.error?.name).toBe('ERROR_WSMAN_CERT_NOT_FOUND');
  });

  it('a certificate from a CA the endpoint does not trust → access denied 0x80070005', async () => {
    const result = await openSession(endpoint.httpsUrl!, CLIENT_CERT, { thumbprint: clients.foreign.thumbprint }).Get('winrm/config');
    expect(result.hr).toBe(0x80070005);
  });

  it('the server certificate checks still apply to certificate sessions', async () => {
    const flags = F.WSManFlagUseClientCertificate | F.WSManFlagSkipCACheck;
    const result = await openSession(wrongName.httpsUrl!, flags, { thumbprint: clients.pem.thumbprint }).Get('winrm/config');
    expect(result.hr).toBe(0x80072f06);
  });
});
