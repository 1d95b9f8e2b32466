/**
 * Negotiate on the embedded endpoint, driven by this library's own NegotiateClient and MS-WSMV
 * message encryption over one keep-alive socket per client: the Windows flow (first encrypted
 * request in the third leg), the pywinrm flow (empty POST, then encrypted requests), raw NTLM,
 * refusals, tampered bodies, and channel binding over HTTPS.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { buildIdentifyEnvelope } from '../../src/core/protocol/envelope';
import { ACTION, NS } from '../../src/core/protocol/namespaces';
import { readFault } from '../../src/core/protocol/faults';
import { child, childElements, textContent } from '../../src/core/protocol/xml';
import { tlsServerEndPoint } from '../../src/core/transport/auth/channel-bindings';
import { encryptMessage } from '../../src/core/transport/message-encryption';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { basic, envelope, post } from './endpoint-harness';
import { bodyOf, ENCRYPTED, negotiateHeader, NegotiateConnection, PASSWORD, tokenOf, USER } from './negotiate-connection';

const CONFIG = 'http://schemas.microsoft.com/wbem/wsman/1/config';
const WIN32_SERVICE = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service';
const identify = buildIdentifyEnvelope();
const getConfig = (url: string): string => envelope(url, { resourceUri: CONFIG, action: ACTION.get }).xml;

let root: string;
let endpoint: RunningEndpoint;
let url: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'wsman-negotiate-'));
  endpoint = await startEndpoint({ port: 0, users: [`${USER}:${PASSWORD}`], machineName: 'WIN-TEST', dataDir: join(root, 'main') });
  url = endpoint.url!;
});

afterAll(async () => {
  await endpoint.close();
  rmSync(root, { recursive: true, force: true });
});

const open: NegotiateConnection[] = [];
const connect = (...args: ConstructorParameters<typeof NegotiateConnection>): NegotiateConnection => {
  const connection = new NegotiateConnection(...args);
  open.push(connection);
  return connection;
};
afterEach(() => {
  for (const connection of open.splice(0)) connection.close();
});

describe('Negotiate over HTTP with message encryption', () => {
  it('the Windows flow: 401 continuation kept open, then Identify sealed in leg 3, then more requests on the connection', async () => {
    const connection = connect(url, { userName: 'WIN-TEST\\alice' });
    const challenge = await connection.begin();
    expect(challenge.headers.connection).not.toBe('close');
    expect(challenge.body.length).toBe(0);

    const authenticate = connection.client.handleChallenge(tokenOf(challenge))!;
    const first = await connection.send(identify, 'UTF-8', { Authorization: negotiateHeader(authenticate) });
    expect(first.status).toBe(200);
    // The 200 carries the final SPNEGO token (accept-completed with the server's mechListMIC).
    expect(String(first.http.headers['www-authenticate'])).toMatch(/^Negotiate /);
    const response = bodyOf(first.text);
    expect(response).toMatchObject({ namespace: NS.identity, localName: 'IdentifyResponse' });
    expect(textContent(child(response, NS.identity, 'ProductVersion')!)).toBe('OS: 10.0.20348 SP: 0.0 Stack: 3.0');

    const config = await connection.send(getConfig(url));
    expect(config.status).toBe(200);
    expect(config.http.headers['www-authenticate']).toBeUndefined();
    expect(bodyOf(config.text)).toMatchObject({ namespace: NS.config, localName: 'Config' });
  });

  it('Get of a WMI instance, optimized Enumerate, and a fault, all sealed', async () => {
    const connection = connect(url);
    expect((await connection.windowsHandshake(identify)).status).toBe(200);

    const get = await connection.send(envelope(url, { resourceUri: WIN32_SERVICE, action: ACTION.get, selectors: [{ name: 'Name', value: 'WinRM' }] }).xml);
    expect(get.status).toBe(200);
    expect(textContent(child(bodyOf(get.text), WIN32_SERVICE, 'Name')!)).toBe('WinRM');

    const enumerate = await connection.send(
      envelope(url, {
        resourceUri: WIN32_SERVICE,
        action: ACTION.enumerate,
        body: `<n:Enumerate xmlns:n="${NS.enumeration}"><w:OptimizeEnumeration/><w:MaxElements>5</w:MaxElements></n:Enumerate>`,
      }).xml,
    );
    expect(enumerate.status).toBe(200);
    const items = childElements(child(bodyOf(enumerate.text), NS.wsman, 'Items')!);
    expect(items).toHaveLength(5);

    const fault = await connection.send(envelope(url, { resourceUri: `${WIN32_SERVICE.replace('Win32_Service', 'Win32_NoSuchClass')}`, action: ACTION.get }).xml);
    expect(fault.status).toBe(500);
    expect(readFault(bodyOf(fault.text)).hresult).toBe(0x80338000);
  });

  it('answers a UTF-16 request in UTF-16', async () => {
    const connection = connect(url);
    const reply = await connection.windowsHandshake(getConfig(url), 'UTF-16');
    expect(reply.status).toBe(200);
    expect(reply.http.body.toString('latin1')).toContain('charset=UTF-16;Length=');
    expect(bodyOf(reply.text)).toMatchObject({ namespace: NS.config, localName: 'Config' });
  });

  it('the pywinrm flow: an empty POST finishes the handshake with 200, then sealed requests', async () => {
    const connection = connect(url);
    const done = await connection.emptyHandshake();
    expect(done.status).toBe(200);
    expect(done.body.length).toBe(0);
    expect((await connection.send(getConfig(url))).status).toBe(200);
    expect((await connection.send(identify)).status).toBe(200);
  });

  it('raw NTLM under Negotiate, answered in raw NTLM', async () => {
    const connection = connect(url, { spnego: false, userName: 'alice@WIN-TEST' });
    const challenge = await connection.begin();
    expect(tokenOf(challenge).subarray(0, 8).toString('latin1')).toBe('NTLMSSP\0');
    const authenticate = connection.client.handleChallenge(tokenOf(challenge))!;
    const first = await connection.send(getConfig(url), 'UTF-8', { Authorization: negotiateHeader(authenticate) });
    expect(first.status).toBe(200);
    expect(first.http.headers['www-authenticate']).toBeUndefined();
    expect((await connection.send(identify)).status).toBe(200);
  });

  it('names are compared without case, like Windows accounts', async () => {
    const connection = connect(url, { userName: 'win-test\\ALICE' });
    expect((await connection.windowsHandshake(identify)).status).toBe(200);
  });

  it.each([
    ['a wrong password', { password: 'nope' }],
    ['an unknown user', { userName: 'mallory' }],
    ['a domain this host is not', { userName: 'CONTOSO\\alice' }],
  ])('%s: a plain 401 with the offers and Connection: close, no further leg', async (_name, options) => {
    const connection = connect(url, options);
    const challenge = await connection.begin();
    const authenticate = connection.client.handleChallenge(tokenOf(challenge))!;
    const reply = await connection.post(Buffer.alloc(0), { Authorization: negotiateHeader(authenticate), 'Content-Type': ENCRYPTED });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe('Negotiate');
    expect(reply.headers.connection).toBe('close');
  });

  it('refuses a plain SOAP body from a Negotiate connection with 401 while AllowUnencrypted is false', async () => {
    const connection = connect(url);
    await connection.emptyHandshake();
    const reply = await connection.post(getConfig(url), { 'Content-Type': 'application/soap+xml;charset=UTF-8' });
    expect(reply.status).toBe(401);
    expect(reply.headers.connection).toBe('close');
  });

  describe('tampered bodies: 400, the connection closed, the endpoint and other connections unaffected', () => {
    const cases: [string, (body: Buffer, contentType: string) => { body: Buffer; contentType: string }][] = [
      ['a flipped ciphertext byte', (body, contentType) => {
        const copy = Buffer.from(body);
        copy[copy.length - 40]! ^= 0x01;
        return { body: copy, contentType };
      }],
      ['a flipped signature byte', (body, contentType) => {
        const copy = Buffer.from(body);
        const at = copy.indexOf('application/octet-stream\r\n') + 'application/octet-stream\r\n'.length + 4 + 6;
        copy[at]! ^= 0x80;
        return { body: copy, contentType };
      }],
      ['a wrong boundary', (body, contentType) => ({ body, contentType: contentType.replace('Encrypted Boundary', 'Other Boundary') })],
      ['a truncated multipart', (body, contentType) => ({ body: body.subarray(0, body.length - 30), contentType })],
      ['a wrong Length', (body, contentType) => ({ body: Buffer.from(body.toString('latin1').replace(/Length=(\d+)/, (_m, n: string) => `Length=${Number(n) + 1}`), 'latin1'), contentType })],
    ];

    it.each(cases)('%s', async (_name, tamper) => {
      const bystander = connect(url);
      expect((await bystander.windowsHandshake(identify)).status).toBe(200);

      const victim = connect(url);
      expect((await victim.windowsHandshake(identify)).status).toBe(200);
      const sealed = encryptMessage(victim.client.security, Buffer.from(getConfig(url)), 'UTF-8');
      const changed = tamper(sealed.body, sealed.contentType);
      const reply = await victim.post(changed.body, { 'Content-Type': changed.contentType });
      expect(reply.status).toBe(400);
      expect(reply.body.length).toBe(0);
      expect(reply.headers.connection).toBe('close');

      expect((await bystander.send(getConfig(url))).status).toBe(200);
      const fresh = connect(url);
      expect((await fresh.windowsHandshake(identify)).status).toBe(200);
    });
  });
});

describe('configuration', () => {
  it('AllowUnencrypted lets a Negotiate connection send plain SOAP over HTTP; encrypted bodies need a Negotiate connection', async () => {
    const lenient = await startEndpoint({ port: 0, users: [`${USER}:${PASSWORD}`], machineName: 'WIN-TEST', allowUnencrypted: true, dataDir: join(root, 'lenient') });
    try {
      const connection = connect(lenient.url!);
      await connection.emptyHandshake();
      const reply = await connection.post(getConfig(lenient.url!), { 'Content-Type': 'application/soap+xml;charset=UTF-8' });
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe('application/soap+xml;charset=UTF-8');
      // Sealed requests still get sealed replies.
      expect((await connection.send(identify)).status).toBe(200);
      // A Basic connection has no keys to open an encrypted body with.
      const sealedWithoutSession = await post(lenient.url!, Buffer.from('--Encrypted Boundary\r\n'), { headers: { Authorization: basic(USER, PASSWORD), 'Content-Type': ENCRYPTED } });
      expect(sealedWithoutSession.status).toBe(400);
    } finally {
      await lenient.close();
    }
  });

  it('Service/Auth/Negotiate = false: not offered and refused', async () => {
    const dataDir = join(root, 'no-negotiate');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ 'Service/Auth/Negotiate': 'false' }));
    const off = await startEndpoint({ port: 0, users: [`${USER}:${PASSWORD}`], machineName: 'WIN-TEST', allowUnencrypted: true, dataDir });
    try {
      const connection = connect(off.url!);
      const reply = await connection.post(Buffer.alloc(0), { Authorization: negotiateHeader(connection.client.initialToken()) });
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toBe('Basic realm="WSMAN"');
    } finally {
      await off.close();
    }
  });
});

describe('Negotiate over HTTPS with channel binding', () => {
  let secure: RunningEndpoint;
  let bindings: Buffer;

  beforeAll(async () => {
    secure = await startEndpoint({ port: false, httpsPort: 0, users: [`${USER}:${PASSWORD}`], machineName: 'WIN-TEST', dataDir: join(root, 'https') });
    bindings = tlsServerEndPoint(new X509Certificate(secure.certificatePem!).raw);
  });

  afterAll(async () => {
    await secure.close();
  });

  it('matching bindings: authenticated, plain SOAP both ways (no message encryption over TLS)', async () => {
    const connection = connect(secure.httpsUrl!, { channelBindings: bindings, targetName: 'HOST/WIN-TEST' }, secure.certificatePem!);
    const first = await connection.windowsHandshake(getConfig(secure.httpsUrl!));
    expect(first.status).toBe(200);
    expect(first.http.headers['content-type']).toBe('application/soap+xml;charset=UTF-8');
    expect(bodyOf(first.text)).toMatchObject({ namespace: NS.config, localName: 'Config' });
    expect((await connection.send(identify)).status).toBe(200);
  });

  it('no bindings: accepted under the default Relaxed hardening', async () => {
    const connection = connect(secure.httpsUrl!, {}, secure.certificatePem!);
    expect((await connection.windowsHandshake(identify)).status).toBe(200);
  });

  it('bindings of another certificate: 401', async () => {
    const wrong = Buffer.concat([Buffer.from('tls-server-end-point:'), Buffer.alloc(32, 1)]);
    const connection = connect(secure.httpsUrl!, { channelBindings: wrong }, secure.certificatePem!);
    const reply = await connection.windowsHandshake(identify);
    expect(reply.status).toBe(401);
    expect(reply.http.headers.connection).toBe('close');
  });

  it('Strict hardening refuses a client without bindings', async () => {
    const dataDir = join(root, 'strict');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ 'Service/Auth/CbtHardeningLevel': 'Strict' }));
    const strict = await startEndpoint({ port: false, httpsPort: 0, users: [`${USER}:${PASSWORD}`], machineName: 'WIN-TEST', dataDir });
    try {
      const strictBindings = tlsServerEndPoint(new X509Certificate(strict.certificatePem!).raw);
      const without = connect(strict.httpsUrl!, {}, strict.certificatePem!);
      expect((await without.windowsHandshake(identify)).status).toBe(401);
      const withBindings = connect(strict.httpsUrl!, { channelBindings: strictBindings }, strict.certificatePem!);
      expect((await withBindings.windowsHandshake(identify)).status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});
