/** The HTTPS listener: its certificate, Basic over TLS, and client certificates mapped to users. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION, MUTUAL_TLS_PROFILE, NS } from '../../src/core/protocol/namespaces';
import { buildIdentifyEnvelope } from '../../src/core/protocol/envelope';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { issueCertificate, type IssuedCertificate } from '../../src/server/tls/certificate-builder';
import { basic, envelope, post, soap } from './endpoint-harness';

const CONFIG = 'http://schemas.microsoft.com/wbem/wsman/1/config';

let endpoint: RunningEndpoint;
let dataDir: string;
let authority: IssuedCertificate;
let client: IssuedCertificate;
let stranger: IssuedCertificate;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wsman-https-'));
  authority = issueCertificate({ subject: { commonName: 'Test Root' }, isCertificateAuthority: true, keyBits: 1024 });
  client = issueCertificate({
    subject: { commonName: 'alice' },
    upnName: 'alice@contoso.test',
    extendedKeyUsage: ['clientAuth'],
    issuer: { certificatePem: authority.certificatePem, privateKeyPem: authority.privateKeyPem },
    keyBits: 1024,
  });
  stranger = issueCertificate({ subject: { commonName: 'alice' }, upnName: 'alice@contoso.test', extendedKeyUsage: ['clientAuth'], keyBits: 1024 });
  endpoint = await startEndpoint({
    port: false,
    httpsPort: 0,
    users: ['bob:Pa55word!'],
    dataDir,
    machineName: 'WIN-TEST',
    clientCertificateAuthorities: [authority.certificatePem],
    certificateMappings: [{ subject: 'alice@contoso.test', issuerThumbprint: authority.thumbprint, userName: 'alice' }],
  });
});

afterAll(async () => {
  await endpoint.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('HTTPS listener', () => {
  it('serves a self-signed certificate that verifies for 127.0.0.1, kept in the data directory', async () => {
    expect(endpoint.url).toBeUndefined();
    expect(endpoint.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/wsman$/);
    const reply = await post(endpoint.httpsUrl!, buildIdentifyEnvelope(), { ca: endpoint.certificatePem!, headers: { WSMANIDENTIFY: 'unauthenticated' } });
    expect(reply.status).toBe(200);
    const again = await startEndpoint({ port: false, httpsPort: 0, dataDir, machineName: 'WIN-TEST' });
    try {
      expect(again.certificateThumbprint).toBe(endpoint.certificateThumbprint);
    } finally {
      await again.close();
    }
  });

  it('a client that does not trust the certificate cannot connect', async () => {
    await expect(post(endpoint.httpsUrl!, buildIdentifyEnvelope(), { ca: authority.certificatePem })).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it('accepts Basic over HTTPS without AllowUnencrypted and lists the HTTPS profiles', async () => {
    const reply = await soap(endpoint.httpsUrl!, { resourceUri: CONFIG, action: ACTION.get }, { ca: endpoint.certificatePem!, headers: { Authorization: basic('bob', 'Pa55word!') } });
    expect(reply.status).toBe(200);
    const identify = await post(endpoint.httpsUrl!, buildIdentifyEnvelope(), { ca: endpoint.certificatePem!, headers: { Authorization: basic('bob', 'Pa55word!') } });
    const text = identify.body.toString();
    const profiles = [...text.matchAll(/secprofile\/([a-z/-]+)</g)].map((m) => m[1]);
    expect(profiles).toEqual(['https/spnego-kerberos', 'https/basic', 'https/mutual']);
    expect(text).not.toContain('secprofile/http/basic');
  });
});

describe('client certificate authentication', () => {
  const get = (certificate: IssuedCertificate | undefined, authorization = MUTUAL_TLS_PROFILE) => {
    const { xml } = envelope(endpoint.httpsUrl!, { resourceUri: CONFIG, action: ACTION.get });
    return post(endpoint.httpsUrl!, xml, {
      ca: endpoint.certificatePem!,
      ...(certificate ? { cert: certificate.certificatePem, key: certificate.privateKeyPem } : {}),
      headers: { Authorization: authorization },
    });
  };

  it('maps a certificate from the trusted CA to its user by UPN', async () => {
    const reply = await get(client);
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toContain(`<cfg:Config xmlns:cfg="${NS.config}">`);
  });

  it('refuses a self-made certificate with the same names, and a request without a certificate', async () => {
    expect((await get(stranger)).status).toBe(401);
    expect((await get(undefined)).status).toBe(401);
  });

  it('refuses the profile header when certificate auth is disabled in the service config', async () => {
    const put = await soap(
      endpoint.httpsUrl!,
      { resourceUri: `${CONFIG}/service/auth`, action: ACTION.put, body: `<cfg:Auth xmlns:cfg="${NS.config}"><cfg:Certificate>false</cfg:Certificate></cfg:Auth>` },
      { ca: endpoint.certificatePem!, headers: { Authorization: basic('bob', 'Pa55word!') } },
    );
    expect(put.status).toBe(200);
    try {
      expect((await get(client)).status).toBe(401);
    } finally {
      await soap(
        endpoint.httpsUrl!,
        { resourceUri: `${CONFIG}/service/auth`, action: ACTION.put, body: `<cfg:Auth xmlns:cfg="${NS.config}"><cfg:Certificate>true</cfg:Certificate></cfg:Auth>` },
        { ca: endpoint.certificatePem!, headers: { Authorization: basic('bob', 'Pa55word!') } },
      );
    }
  });
});
