/**
 * Our client and our endpoint through a real MIT KDC: every Session operation sealed under
 * `Authorization: Kerberos` and under Negotiate (SPNEGO), with a password, with a kinit cache (no
 * password in the process) and with a client keytab; the KDC's refusals as the SSPI codes; a
 * tampered sealed reply. A TCP relay shows what travels on the wire.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createObject } from '../../src/index';
import { WSManSessionFlags as F } from '../../src/automation/flags';
import type { Session } from '../../src/automation/session';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { describeWithMitKdc, startMitKdc, type MitKdc } from '../helpers/mit-kdc';
import { Relay } from '../helpers/tcp-relay';
import { decodeSpnego, NTLMSSP_OID } from '../../src/core/transport/auth/spnego';

// A real KDC, endpoint and several round trips per test: generous on a loaded machine.
jest.setTimeout(30_000);

const PASSWORD = 'Kdc-Pass#42';
const SERVICE = 'wmicimv2/Win32_Service';
const KRB_ENV = ['KRB5_CONFIG', 'KRB5CCNAME', 'KRB5_CLIENT_KTNAME'] as const;

describeWithMitKdc('Kerberos client ↔ endpoint through a real MIT KDC', () => {
  let kdc: MitKdc;
  let endpoint: RunningEndpoint;
  let relay: Relay;
  const saved = Object.fromEntries(KRB_ENV.map((name) => [name, process.env[name]]));

  beforeAll(async () => {
    kdc = await startMitKdc();
    kdc.addPrincipal('alice', PASSWORD);
    kdc.addService('HOST/localhost');
    const keytab = join(kdc.dir, 'endpoint.keytab');
    kdc.ktadd('HOST/localhost', keytab);
    // The local account alice: its own password is irrelevant to Kerberos.
    endpoint = await startEndpoint({ port: 0, users: ['alice:Local-Only#1', 'svc:Local-Only#2', 'localonly:Local-Only#3'], keytab, machineName: 'WIN-KRB', dataDir: join(kdc.dir, 'data') });
    relay = await Relay.start(new URL(endpoint.url!));
    relay.host = 'localhost';
    process.env.KRB5_CONFIG = kdc.krb5Conf;
    process.env.KRB5CCNAME = `FILE:${join(kdc.dir, 'no-cache')}`;
    delete process.env.KRB5_CLIENT_KTNAME;
  });

  afterAll(async () => {
    for (const name of KRB_ENV) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await relay?.close();
    await endpoint?.close();
    await kdc?.stop();
  });

  beforeEach(() => {
    relay.sent.length = 0;
  });

  function openSession(flags: number, userName?: string, password?: string): Session {
    const wsman = createObject('WSMan.Automation');
    let options;
    if (userName !== undefined) {
      options = wsman.CreateConnectionOptions().value!;
      options.put_UserName(userName);
      options.put_Password(password ?? '');
    }
    const session = wsman.CreateSession(relay.url, flags, options);
    if (session.error) throw new Error(session.error.description);
    return session.value!;
  }

  async function everyOperation(session: Session): Promise<void> {
    expect((await session.Identify()).value).toContain('<wsmid:ProductVendor>Microsoft Corporation</wsmid:ProductVendor>');
    const config = await session.Get('winrm/config/client');
    expect(config.value).toContain('<cfg:Client');
    const put = await session.Put('winrm/config/client', config.value!.replace(/<cfg:NetworkDelayms>\d+</, '<cfg:NetworkDelayms>6000<'));
    expect(put.value).toContain('<cfg:NetworkDelayms>6000</cfg:NetworkDelayms>');
    const stopped = await session.Invoke('StopService', `${SERVICE}?Name=Spooler`, '<p:StopService_INPUT xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service"/>');
    expect(stopped.value).toContain('<p:ReturnValue>0</p:ReturnValue>');
    const started = await session.Invoke('StartService', `${SERVICE}?Name=Spooler`, '<p:StartService_INPUT xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service"/>');
    expect(started.value).toContain('<p:ReturnValue>0</p:ReturnValue>');
    session.put_BatchItems(5);
    const enumerator = (await session.Enumerate(SERVICE)).value!;
    let items = 0;
    while (!enumerator.get_AtEndOfStream().value) {
      expect((await enumerator.ReadItem()).error).toBeUndefined();
      items++;
    }
    expect(items).toBeGreaterThan(10);
    const environment = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Environment';
    const created = await session.Create(environment, `<p:Win32_Environment xmlns:p="${environment}"><p:Name>KRB_SEALED</p:Name><p:UserName>&lt;SYSTEM&gt;</p:UserName><p:VariableValue>1</p:VariableValue></p:Win32_Environment>`);
    expect(created.value).toContain('ResourceCreated');
    expect((await session.Delete(created.value!)).hr).toBe(0);
    const missing = await session.Get(`${SERVICE}?Name=NoSuchService`);
    expect(missing.hr).toBe(0x80338000);
    expect(session.get_Error().value).toContain('<f:WSManFault');
    const wire = relay.sent.join('');
    expect(wire).not.toContain('StopService');
    expect(wire).not.toContain('KRB_SEALED');
    expect(wire).not.toContain(PASSWORD);
  }

  test('WSManFlagUseKerberos with a password: Authorization: Kerberos, every operation HTTP-Kerberos-session-encrypted', async () => {
    const session = openSession(F.WSManFlagUseKerberos | F.WSManFlagCredUsernamePassword, 'alice', PASSWORD);
    await everyOperation(session);
    const wire = relay.sent.join('');
    expect(wire).toMatch(/^Authorization: Kerberos YI/m); // base64 of 0x60 0x82: a GSS-framed AP-REQ
    expect(wire).toContain('multipart/encrypted;protocol="application/HTTP-Kerberos-session-encrypted"');
    expect(wire).not.toMatch(/^Authorization: Negotiate/m);
  });

  test('Negotiate with a password chooses Kerberos in SPNEGO (localhost is in the realm): HTTP-SPNEGO-session-encrypted', async () => {
    const session = openSession(F.WSManFlagUseNegotiate | F.WSManFlagCredUsernamePassword, 'alice@EXAMPLE.TEST', PASSWORD);
    await everyOperation(session);
    const wire = relay.sent.join('');
    expect(wire).toMatch(/^Authorization: Negotiate YI/m);
    expect(wire).toContain('protocol="application/HTTP-SPNEGO-session-encrypted"');
    // One handshake leg (the AP-REQ), then the sealed messages on the same connection.
    expect(wire.match(/^Authorization:/gm)).toHaveLength(1);
  });

  test('implicit credentials from a kinit cache (no user name, no password in the process): every operation under Kerberos, Get under Negotiate and the default', async () => {
    const cache = join(kdc.dir, 'alice.cc');
    kdc.kinit('alice', PASSWORD, cache);
    process.env.KRB5CCNAME = `FILE:${cache}`;
    try {
      await everyOperation(openSession(F.WSManFlagUseKerberos));
      for (const flags of [F.WSManFlagUseNegotiate, 0]) {
        const got = await openSession(flags).Get(`${SERVICE}?Name=WinRM`);
        expect(got.error).toBeUndefined();
        expect(got.value).toContain('<p:Name>WinRM</p:Name>');
      }
    } finally {
      process.env.KRB5CCNAME = `FILE:${join(kdc.dir, 'no-cache')}`;
    }
  });

  test('a client keytab named by KRB5_CLIENT_KTNAME: every operation under Negotiate (Kerberos in SPNEGO)', async () => {
    kdc.addPrincipal('svc', 'Replaced#1');
    const keytab = join(kdc.dir, 'svc.keytab');
    kdc.ktadd('svc', keytab); // new random keys: only the keytab can log on as svc now
    process.env.KRB5_CLIENT_KTNAME = `FILE:${keytab}`;
    try {
      await everyOperation(openSession(F.WSManFlagUseNegotiate));
      expect(relay.sent.join('')).toMatch(/^Authorization: Negotiate /m);
    } finally {
      delete process.env.KRB5_CLIENT_KTNAME;
    }
  });

  test('wrong password and unknown principal → SEC_E_LOGON_DENIED from the KDC; nothing reaches the endpoint', async () => {
    const wrong = await openSession(F.WSManFlagUseKerberos | F.WSManFlagCredUsernamePassword, 'alice', 'Not-The-Pass#9').Get(`${SERVICE}?Name=WinRM`);
    expect(wrong.hr).toBe(0x8009030c);
    expect(wrong.error!.description).toContain('KDC_ERR_PREAUTH_FAILED');
    expect(wrong.error!.description).not.toContain('Not-The-Pass#9');
    const unknown = await openSession(F.WSManFlagUseKerberos | F.WSManFlagCredUsernamePassword, 'mallory', PASSWORD).Get(`${SERVICE}?Name=WinRM`);
    expect(unknown.hr).toBe(0x8009030c);
    expect(unknown.error!.description).toContain('KDC_ERR_C_PRINCIPAL_UNKNOWN');
    expect(relay.requests()).toHaveLength(0);
  });

  test('Negotiate with an account the KDC does not know (a local account of the host) goes on with NTLM', async () => {
    const got = await openSession(F.WSManFlagUseNegotiate | F.WSManFlagCredUsernamePassword, 'localonly', 'Local-Only#3').Get(`${SERVICE}?Name=WinRM`);
    expect(got.error).toBeUndefined();
    const token = /^Authorization: Negotiate ([A-Za-z0-9+/=]+)/m.exec(relay.sent.join(''))![1]!;
    const init = decodeSpnego(Buffer.from(token, 'base64'));
    expect(init.kind === 'init' && init.mechTypes[0]).toBe(NTLMSSP_OID);
  });

  test('a tampered sealed reply fails with 0x803380F9, drops the connection, and the next call authenticates again', async () => {
    const session = openSession(F.WSManFlagUseKerberos | F.WSManFlagCredUsernamePassword, 'alice', PASSWORD);
    expect((await session.Identify()).error).toBeUndefined();
    relay.tamperNextReply = true;
    const tampered = await session.Get(`${SERVICE}?Name=WinRM`);
    expect(tampered.hr).toBe(0x803380f9);
    relay.sent.length = 0;
    expect((await session.Get(`${SERVICE}?Name=WinRM`)).error).toBeUndefined();
    expect(relay.sent.join('')).toMatch(/^Authorization: Kerberos /m);
  });

  test('WSManFlagEnableSPNServerPort asks for HOST/<host>:<port>, which the endpoint then needs in its keytab', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    kdc.addService(`HOST/localhost:${port}`);
    const keytab = join(kdc.dir, 'port.keytab');
    kdc.ktadd(`HOST/localhost:${port}`, keytab);
    const withPort = await startEndpoint({ port, users: ['alice:Local-Only#1'], keytab, machineName: 'WIN-KRB', dataDir: join(kdc.dir, 'port-data') });
    try {
      const url = `http://localhost:${port}/wsman`;
      const wsman = createObject('WSMan.Automation');
      const options = wsman.CreateConnectionOptions().value!;
      options.put_UserName('alice');
      options.put_Password(PASSWORD);
      const flags = F.WSManFlagUseKerberos | F.WSManFlagCredUsernamePassword;
      const spnPort = wsman.CreateSession(url, flags | F.WSManFlagEnableSPNServerPort, options).value!;
      expect((await spnPort.Get(`${SERVICE}?Name=WinRM`)).error).toBeUndefined();
      // Without the flag the client asks for HOST/localhost, a ticket this endpoint has no key for.
      const plain = wsman.CreateSession(url, flags, options).value!;
      const refused = await plain.Get(`${SERVICE}?Name=WinRM`);
      expect(refused.hr).toBe(0x80070005); // the endpoint refuses the AP-REQ (HTTP 401)
    } finally {
      await withPort.close();
    }
  });

  test('HTTPS: the AP-REQ carries channel bindings of the certificate, which an endpoint with CbtHardeningLevel=Strict requires', async () => {
    const dataDir = join(kdc.dir, 'strict');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ 'Service/Auth/CbtHardeningLevel': 'Strict' }));
    const strict = await startEndpoint({ port: 0, https: true, httpsPort: 0, users: ['alice:Local-Only#1'], keytab: join(kdc.dir, 'endpoint.keytab'), machineName: 'WIN-KRB', dataDir });
    try {
      const url = strict.httpsUrl!.replace('127.0.0.1', 'localhost');
      const skip = F.WSManFlagSkipCACheck | F.WSManFlagSkipCNCheck;
      for (const flags of [F.WSManFlagUseKerberos, F.WSManFlagUseNegotiate]) {
        const wsman = createObject('WSMan.Automation');
        const options = wsman.CreateConnectionOptions().value!;
        options.put_UserName('alice');
        options.put_Password(PASSWORD);
        const session = wsman.CreateSession(url, flags | skip | F.WSManFlagCredUsernamePassword, options).value!;
        const got = await session.Get(`${SERVICE}?Name=WinRM`);
        expect(got.error).toBeUndefined();
        expect(got.value).toContain('<p:Name>WinRM</p:Name>');
      }
    } finally {
      await strict.close();
    }
  });
});
