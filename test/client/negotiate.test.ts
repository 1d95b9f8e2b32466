/**
 * The client with Negotiate (SPNEGO/NTLM) against the embedded endpoint: every Session operation
 * sealed over plain HTTP, channel bindings over HTTPS, and what happens when the connection or a
 * message goes wrong. A TCP relay between the two shows what is on the wire and breaks it on demand.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createObject } from '../../src/index';
import { WSManSessionFlags as F } from '../../src/automation/flags';
import type { Session } from '../../src/automation/session';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { issueCertificate } from '../../src/server/tls/certificate-builder';
import { NegotiateAuth } from '../../src/core/transport/client-auth';
import { NegotiateServer } from '../../src/core/transport/auth/negotiate';
import { tlsServerEndPoint } from '../../src/core/transport/auth/channel-bindings';
import { Relay } from '../helpers/tcp-relay';

const USER = 'alice';
const PASSWORD = 'Secret#1';
const SERVICE = 'wmicimv2/Win32_Service';

let endpoint: RunningEndpoint;
let dataDir: string;
let relay: Relay;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wsman-negotiate-'));
  endpoint = await startEndpoint({ port: 0, https: true, httpsPort: 0, users: [`${USER}:${PASSWORD}`], machineName: 'WIN-NEG', dataDir });
  relay = await Relay.start(new URL(endpoint.url!));
});

afterAll(async () => {
  await relay.close();
  await endpoint.close();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  relay.sent.length = 0;
});

function openSession(url: string, flags = F.WSManFlagCredUsernamePassword, password = PASSWORD): Session {
  const wsman = createObject('WSMan.Automation');
  const options = wsman.CreateConnectionOptions().value!;
  options.put_UserName(USER);
  options.put_Password(password);
  const session = wsman.CreateSession(url, flags, options);
  if (session.error) throw new Error(session.error.description);
  return session.value!;
}

describe('Negotiate with message encryption over HTTP', () => {
  it('is the default with explicit credentials, and seals every body', async () => {
    const session = openSession(relay.url);
    const got = await session.Get(`${SERVICE}?Name=WinRM`);
    expect(got.error).toBeUndefined();
    expect(got.value).toContain('<p:Name>WinRM</p:Name>');
    const wire = relay.sent.join('');
    expect(wire).toMatch(/^Authorization: Negotiate Y[A-Za-z0-9+/]/m); // base64 of 0x60…: a SPNEGO NegTokenInit first
    expect(wire).toContain('Content-Type: multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted";boundary="Encrypted Boundary"');
    expect(wire).toContain('\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=');
    expect(wire).not.toContain('Win32_Service'); // the resource URI travels only sealed
    // Leg 1 (no body), then leg 3 with the first sealed message.
    expect(relay.requests()).toHaveLength(2);
    expect(wire).toMatch(/Content-Length: 0\r\n/);

    relay.sent.length = 0;
    expect((await session.Get(`${SERVICE}?Name=Spooler`)).error).toBeUndefined();
    expect(relay.requests()).toHaveLength(1);
    expect(relay.sent.join('')).not.toMatch(/^Authorization:/m);
  });

  it('runs every Session operation sealed, faults included', async () => {
    const session = openSession(relay.url);
    const identify = await session.Identify();
    expect(identify.value).toContain('<wsmid:ProductVendor>Microsoft Corporation</wsmid:ProductVendor>');

    const config = await session.Get('winrm/config/client');
    expect(config.value).toContain('<cfg:Client');
    const put = await session.Put('winrm/config/client', config.value!.replace(/<cfg:NetworkDelayms>\d+</, '<cfg:NetworkDelayms>6000<'));
    expect(put.error).toBeUndefined();
    expect(put.value).toContain('<cfg:NetworkDelayms>6000</cfg:NetworkDelayms>');

    const stopped = await session.Invoke('StopService', `${SERVICE}?Name=Spooler`, '<p:StopService_INPUT xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service"/>');
    expect(stopped.value).toContain('<p:ReturnValue>0</p:ReturnValue>');
    const started = await session.Invoke('StartService', `${SERVICE}?Name=Spooler`, '<p:StartService_INPUT xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service"/>');
    expect(started.value).toContain('<p:ReturnValue>0</p:ReturnValue>');

    session.put_BatchItems(5);
    const enumerator = (await session.Enumerate(SERVICE)).value!;
    let items = 0;
    while (!enumerator.get_AtEndOfStream().value) {
      const item = await enumerator.ReadItem();
      expect(item.error).toBeUndefined();
      items++;
    }
    expect(items).toBeGreaterThan(10);

    const environment = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Environment';
    const created = await session.Create(environment, `<p:Win32_Environment xmlns:p="${environment}"><p:Name>SEALED_TEST</p:Name><p:UserName>&lt;SYSTEM&gt;</p:UserName><p:VariableValue>1</p:VariableValue></p:Win32_Environment>`);
    expect(created.value).toContain('ResourceCreated');
    expect((await session.Delete(created.value!)).hr).toBe(0);
    expect((await session.Get(created.value!)).hr).toBe(0x80338000);

    const missing = await session.Get(`${SERVICE}?Name=NoSuchService`);
    expect(missing.hr).toBe(0x80338000);
    expect(session.get_Error().value).toContain('<f:WSManFault');

    const wire = relay.sent.join('');
    expect(wire).not.toContain('StopService');
    expect(wire).not.toContain('SEALED_TEST');
    expect(wire).not.toContain(PASSWORD);
  });

  it('authenticates again, once, when the connection was dropped', async () => {
    const session = openSession(relay.url);
    expect((await session.Identify()).error).toBeUndefined();
    relay.dropConnections();
    await new Promise((resolve) => setImmediate(resolve));
    relay.sent.length = 0;
    const again = await session.Get(`${SERVICE}?Name=WinRM`);
    expect(again.error).toBeUndefined();
    // A new handshake on the new connection: leg 1 and leg 3, nothing wasted on the dead one.
    expect(relay.requests()).toHaveLength(2);
    expect(relay.sent.join('')).toMatch(/^Authorization: Negotiate /m);
  });

  it('fails a reply whose seal does not verify, drops the connection, and recovers on the next call', async () => {
    const session = openSession(relay.url);
    expect((await session.Identify()).error).toBeUndefined();
    relay.tamperNextReply = true;
    const tampered = await session.Get(`${SERVICE}?Name=WinRM`);
    expect(tampered.hr).toBe(0x803380f9);
    expect(tampered.error!.description).toMatch(/cannot be decrypted/);
    relay.sent.length = 0;
    const next = await session.Get(`${SERVICE}?Name=WinRM`);
    expect(next.error).toBeUndefined();
    expect(relay.requests()).toHaveLength(2);
  });

  it('reports a wrong password as access denied after one handshake, without retrying', async () => {
    const session = openSession(relay.url, F.WSManFlagCredUsernamePassword, 'wrong password');
    const denied = await session.Get(`${SERVICE}?Name=WinRM`);
    expect(denied.hr).toBe(0x80070005);
    expect(relay.requests()).toHaveLength(2);
    expect(denied.error!.description).not.toContain('wrong password');
    expect(session.get_Error().value).not.toContain('wrong password');
  });

  it('sends plain SOAP with WSManFlagNoEncryption, which a service without AllowUnencrypted refuses', async () => {
    const session = openSession(relay.url, F.WSManFlagCredUsernamePassword | F.WSManFlagUseNegotiate | F.WSManFlagNoEncryption);
    const refused = await session.Get(`${SERVICE}?Name=WinRM`);
    expect(refused.error).toBeDefined();
    expect(relay.sent.join('')).toContain('Content-Type: application/soap+xml;charset=UTF-8');
  });

  it('without explicit credentials needs Kerberos tickets (a credential cache): none → SEC_E_NO_CREDENTIALS', async () => {
    const saved = process.env.KRB5CCNAME;
    process.env.KRB5CCNAME = `FILE:${join(dataDir, 'no-such-cache')}`;
    try {
      const wsman = createObject('WSMan.Automation');
      const session = wsman.CreateSession(relay.url, F.WSManFlagUseNegotiate).value!;
      expect((await session.Identify()).hr).toBe(0x8009030e);
    } finally {
      if (saved === undefined) delete process.env.KRB5CCNAME;
      else process.env.KRB5CCNAME = saved;
    }
  });
});

describe('Negotiate over HTTPS', () => {
  it('binds the TLS channel and sends bodies unsealed inside TLS', async () => {
    const url = endpoint.httpsUrl!.replace('localhost', '127.0.0.1');
    const session = openSession(url, F.WSManFlagCredUsernamePassword | F.WSManFlagSkipCACheck | F.WSManFlagSkipCNCheck);
    const got = await session.Get(`${SERVICE}?Name=WinRM`);
    expect(got.error).toBeUndefined();
    expect(got.value).toContain('<p:Name>WinRM</p:Name>');
    const enumerator = (await session.Enumerate(SERVICE)).value!;
    expect((await enumerator.ReadItem()).error).toBeUndefined();
  });
});

describe('NegotiateAuth channel bindings', () => {
  const derOf = (pem: string): Buffer => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const serverCertificate = derOf(issueCertificate({ subject: { commonName: 'win-neg' }, keyBits: 1024 }).certificatePem);
  const otherCertificate = derOf(issueCertificate({ subject: { commonName: 'win-neg' }, keyBits: 1024 }).certificatePem);

  /** One handshake between the client provider and a server that requires the bindings of `serverCertificate`. */
  function handshake(presented: Buffer): string {
    const server = new NegotiateServer({
      lookupPassword: (user) => (user.toLowerCase() === USER ? PASSWORD : undefined),
      computerName: 'WIN-NEG',
      channelBindings: tlsServerEndPoint(serverCertificate),
      requireChannelBindings: true,
    });
    const client = new NegotiateAuth({ userName: USER, password: PASSWORD });
    const tokenOf = (header: string): Buffer => Buffer.from(header.replace(/^Negotiate /, ''), 'base64');
    const challenge = server.step(tokenOf(client.initialToken()));
    if (challenge.kind !== 'continue') return challenge.kind;
    const answer = client.handleChallenge([`Negotiate ${challenge.token.toString('base64')}`], { peerCertificate: presented });
    return server.step(tokenOf(answer!)).kind;
  }

  it('puts the tls-server-end-point hash of the certificate the connection presented into the AUTHENTICATE', () => {
    expect(handshake(serverCertificate)).toBe('authenticated');
    // A different certificate (a man in the middle terminating TLS) gives other bindings.
    expect(handshake(otherCertificate)).toBe('rejected');
  });
});
