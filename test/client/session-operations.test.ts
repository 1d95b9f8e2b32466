/** The COM Session and Enumerator against the embedded endpoint: every operation, end to end. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createObject } from '../../src/index';
import { WSManEnumFlags as E, WSManSessionFlags as F } from '../../src/automation/flags';
import type { Session } from '../../src/automation/session';
import type { Enumerator } from '../../src/automation/enumerator';
import { NS } from '../../src/core/protocol/namespaces';
import { childElements, parseXml, textContent } from '../../src/core/protocol/xml';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';

const BASIC_HTTP = F.WSManFlagUseBasic | F.WSManFlagCredUsernamePassword | F.WSManFlagNoEncryption;

let endpoint: RunningEndpoint;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wsman-client-'));
  endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1'], allowUnencrypted: true, machineName: 'WIN-TEST', dataDir });
});

afterAll(async () => {
  await endpoint.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function openSession(flags = BASIC_HTTP, password = 'Secret#1', url = endpoint.url!): Session {
  const wsman = createObject('WSMan.Automation');
  const options = wsman.CreateConnectionOptions().value!;
  options.put_UserName('alice');
  options.put_Password(password);
  const session = wsman.CreateSession(url, flags, options);
  if (session.error) throw new Error(session.error.description);
  return session.value!;
}

const valueOf = (xml: string, name: string): string | undefined => {
  const found = childElements(parseXml(xml)).find((e) => e.localName === name);
  return found ? textContent(found) : undefined;
};

describe('Session operations', () => {
  it('Identify, authenticated and unauthenticated', async () => {
    const session = openSession();
    const identity = await session.Identify();
    expect(identity.hr).toBe(0);
    expect(identity.value!).toContain('<wsmid:ProductVersion>OS: 10.0.20348 SP: 0.0 Stack: 3.0</wsmid:ProductVersion>');
    const anonymous = await session.Identify(F.WSManFlagUseNoAuthentication);
    expect(anonymous.value!).toContain('OS: 0.0.0');
    expect(parseXml(anonymous.value!).namespace).toBe(NS.identity);
  });

  it('Get with a URI alias and selectors, winrm/config', async () => {
    const session = openSession();
    const service = await session.Get('wmicimv2/Win32_Service?Name=WinRM');
    expect(service.hr).toBe(0);
    expect(valueOf(service.value!, 'State')).toBe('Running');
    const config = await session.Get('winrm/config');
    expect(parseXml(config.value!)).toMatchObject({ namespace: NS.config, localName: 'Config' });
  });

  it('Get with a ResourceLocator: selectors and fragment', async () => {
    const wsman = createObject('WSMan.Automation');
    const locator = wsman.CreateResourceLocator('http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service').value!;
    locator.AddSelector('Name', 'Spooler');
    locator.put_FragmentPath('StartMode');
    const reply = await openSession().Get(locator);
    expect(reply.hr).toBe(0);
    const fragment = parseXml(reply.value!);
    expect(fragment).toMatchObject({ namespace: NS.wsman, localName: 'XmlFragment' });
    expect(textContent(childElements(fragment)[0])).toBe('Auto');
  });

  it('a fault gives its HRESULT, message and the WSManFault XML in Session.Error', async () => {
    const session = openSession();
    const missing = await session.Get('wmicimv2/Win32_Service?Name=NoSuchService');
    expect(missing.hr).toBe(0x80338000);
    expect(missing.error?.description).toMatch(/The service cannot find the resource identified by the resource URI and selectors/);
    const errorXml = session.get_Error().value!;
    expect(errorXml).toMatch(/^<f:WSManFault xmlns:f="http:\/\/schemas\.microsoft\.com\/wbem\/wsman\/1\/wsmanfault" Code="2150858752" Machine="WIN-TEST">/);
    expect(errorXml).toContain('<f:ProviderFault provider="WMI Provider"');
  });

  it('Create returns the EPR, which addresses the new resource for Put, Get and Delete', async () => {
    const session = openSession();
    const uri = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Environment';
    const created = await session.Create(uri, `<p:Win32_Environment xmlns:p="${uri}"><p:Name>CLIENT_TEST</p:Name><p:UserName>&lt;SYSTEM&gt;</p:UserName><p:VariableValue>1</p:VariableValue></p:Win32_Environment>`);
    expect(created.hr).toBe(0);
    expect(parseXml(created.value!)).toMatchObject({ namespace: NS.transfer, localName: 'ResourceCreated' });
    const put = await session.Put(created.value!, `<?xml version="1.0"?><p:Win32_Environment xmlns:p="${uri}"><p:VariableValue>2</p:VariableValue></p:Win32_Environment>`);
    expect(put.hr).toBe(0);
    expect(valueOf((await session.Get(created.value!)).value!, 'VariableValue')).toBe('2');
    expect((await session.Delete(created.value!)).hr).toBe(0);
    expect((await session.Get(created.value!)).hr).toBe(0x80338000);
  });

  it('Invoke takes a method name or a full action URI', async () => {
    const session = openSession();
    const uri = 'wmicimv2/Win32_Service?Name=W32Time';
    const input = '<p:StopService_INPUT xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service"/>';
    const stop = await session.Invoke('StopService', uri, input);
    expect(stop.hr).toBe(0);
    expect(valueOf(stop.value!, 'ReturnValue')).toBe('0');
    const start = await session.Invoke(
      'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service/StartService',
      uri,
      '<p:StartService_INPUT xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service"/>',
    );
    expect(valueOf(start.value!, 'ReturnValue')).toBe('0');
    expect((await session.Invoke('StopService', uri, '')).hr).toBe(0x803380c1);
  });

  it('Put of winrm/config changes the service', async () => {
    const session = openSession();
    const reply = await session.Put('winrm/config/winrs', `<cfg:Winrs xmlns:cfg="${NS.config}"><cfg:MaxShellsPerUser>25</cfg:MaxShellsPerUser></cfg:Winrs>`);
    expect(reply.hr).toBe(0);
    expect(valueOf(reply.value!, 'MaxShellsPerUser')).toBe('25');
  });
});

describe('Enumerator', () => {
  async function readAll(enumerator: Enumerator): Promise<string[]> {
    const items: string[] = [];
    while (!enumerator.get_AtEndOfStream().value!) {
      const item = await enumerator.ReadItem();
      if (item.error) throw new Error(item.error.description);
      items.push(item.value!);
    }
    return items;
  }

  it('ReadItem / AtEndOfStream across Pulls of BatchItems each', async () => {
    const session = openSession();
    session.put_BatchItems(4);
    const enumerator = (await session.Enumerate('wmicimv2/Win32_Service')).value! as Enumerator;
    const items = await readAll(enumerator);
    const names = items.map((item) => valueOf(item, 'Name'));
    expect(names.length).toBeGreaterThan(8);
    expect(new Set(names).size).toBe(names.length);
    const afterEnd = await enumerator.ReadItem();
    expect(afterEnd.hr).toBe(0x80338007);
  });

  it('for await … of, WQL filter and EPR mode', async () => {
    const session = openSession();
    const running = (await session.Enumerate('wmicimv2/*', "SELECT Name FROM Win32_Service WHERE State = 'Running'")).value! as Enumerator;
    const names: string[] = [];
    for await (const item of running) names.push(valueOf(item, 'Name')!);
    expect(names).toContain('WinRM');

    const references = (await session.Enumerate('wmicimv2/Win32_Service', '', '', E.WSManFlagReturnEPR)).value! as Enumerator;
    const first = await references.ReadItem();
    const epr = parseXml(first.value!);
    expect(epr).toMatchObject({ namespace: NS.addressing, localName: 'EndpointReference' });
    // An EPR item addresses its resource directly.
    expect((await session.Get(first.value!)).hr).toBe(0);
    await references.Close();
  });

  it('a selector filter in XML, and a bad WQL query with its fault', async () => {
    const session = openSession();
    const disabled = (await session.Enumerate(
      'wmicimv2/Win32_Service',
      `<wsman:SelectorSet xmlns:wsman='${NS.wsman}'><wsman:Selector Name='StartMode'>Disabled</wsman:Selector></wsman:SelectorSet>`,
      'http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter',
    )).value! as Enumerator;
    const items = await readAll(disabled);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(valueOf(item, 'StartMode')).toBe('Disabled');
    const bad = await session.Enumerate('wmicimv2/*', 'SELECT * FROM Win32_Nothing');
    expect(bad.hr).toBe(2150858778);
    expect(session.get_Error().value!).toContain('Code="2150858778"');
  });

  it('dropping an enumerator early releases it on the service (the quota slot comes back)', async () => {
    const session = openSession();
    const service = `${NS.config}/service`;
    expect((await session.Put(service, `<cfg:Service xmlns:cfg="${NS.config}"><cfg:MaxConcurrentOperationsPerUser>2</cfg:MaxConcurrentOperationsPerUser></cfg:Service>`)).hr).toBe(0);
    try {
      session.put_BatchItems(1);
      for (let i = 0; i < 5; i++) {
        await using enumerator = (await session.Enumerate('wmicimv2/Win32_Service')).value! as Enumerator;
        expect((await enumerator.ReadItem()).hr).toBe(0);
      }
    } finally {
      await session.Put(service, `<cfg:Service xmlns:cfg="${NS.config}"><cfg:MaxConcurrentOperationsPerUser>1500</cfg:MaxConcurrentOperationsPerUser></cfg:Service>`);
    }
  });

  it('refuses contradictory enumeration flags', async () => {
    const result = await openSession().Enumerate('wmicimv2/Win32_Service', '', '', E.WSManFlagReturnEPR | E.WSManFlagReturnObjectAndEPR);
    expect(result.error?.name).toBe('ERROR_WSMAN_CLIENT_INVALID_FLAG');
  });
});

describe('transport errors as Windows reports them', () => {
  it('wrong password → access denied 0x80070005', async () => {
    const result = await openSession(BASIC_HTTP, 'wrong').Get('winrm/config');
    expect(result.hr).toBe(0x80070005);
  });

  it('Basic over HTTP without WSManFlagNoEncryption → unencrypted traffic disabled 0x803380DE', async () => {
    const result = await openSession(F.WSManFlagUseBasic | F.WSManFlagCredUsernamePassword).Get('winrm/config');
    expect(result.hr).toBe(0x803380de);
  });

  it('nothing listening → WinHTTP cannot connect 0x80072EFD', async () => {
    const result = await openSession(BASIC_HTTP, 'Secret#1', 'http://127.0.0.1:1/wsman').Get('winrm/config');
    expect(result.hr).toBe(0x80072efd);
  });

  it('an unresolvable name → 0x80072EE7', async () => {
    const result = await openSession(BASIC_HTTP, 'Secret#1', 'http://no-such-host.invalid:5985/wsman').Get('winrm/config');
    expect(result.hr).toBe(0x80072ee7);
  });

  it('a request over the service MaxEnvelopeSizekb → HTTP 413 → 0x80338111', async () => {
    const session = openSession();
    const uri = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Environment';
    const result = await session.Create(uri, `<p:Win32_Environment xmlns:p="${uri}"><p:VariableValue>${'x'.repeat(600 * 1024)}</p:VariableValue></p:Win32_Environment>`);
    expect(result.hr).toBe(0x80338111);
  });

});

describe('UTF-16 sessions', () => {
  it('send UTF-16 and read the UTF-16 reply', async () => {
    const result = await openSession(BASIC_HTTP | F.WSManFlagUTF16).Get('wmicimv2/Win32_Service?Name=WinRM');
    expect(result.hr).toBe(0);
    expect(valueOf(result.value!, 'Name')).toBe('WinRM');
  });
});

