/** WMI resources through the endpoint: transfer, fragments, methods, enumeration, filters, faults. */
import { ACTION, DIALECT, NS } from '../../src/core/protocol/namespaces';
import { attribute, child, childElements, textContent, type XmlElement } from '../../src/core/protocol/xml';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { basic, faultOf, soap, type SoapReply, type SoapRequest } from './endpoint-harness';

const CIMV2 = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2';
const SERVICE = `${CIMV2}/Win32_Service`;
const ENVIRONMENT = `${CIMV2}/Win32_Environment`;
const AUTH = { headers: { Authorization: basic('alice', 'Secret#1') } };
const ENUMERATE = (inner = ''): string => `<n:Enumerate xmlns:n="${NS.enumeration}">${inner}</n:Enumerate>`;

let endpoint: RunningEndpoint;
let url: string;
const call = (request: SoapRequest): Promise<SoapReply> => soap(url, request, AUTH);
const text = (element: XmlElement, name: string): string | undefined => {
  const found = childElements(element).find((e) => e.localName === name);
  return found ? textContent(found) : undefined;
};

beforeAll(async () => {
  endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1'], allowUnencrypted: true, machineName: 'WIN-TEST' });
  url = endpoint.url!;
});

afterAll(() => endpoint.close());

/** Enumerate then Pull to the end; returns the items and every context seen. */
async function enumerateAll(resourceUri: string, inner: string, batch: number): Promise<{ items: XmlElement[]; contexts: string[] }> {
  const items: XmlElement[] = [];
  const contexts: string[] = [];
  const start = await call({ resourceUri, action: ACTION.enumerate, body: ENUMERATE(inner) });
  if (start.status !== 200) throw new Error(start.text);
  let context = textContent(child(start.body!, NS.enumeration, 'EnumerationContext')!);
  const optimizedItems = child(start.body!, NS.wsman, 'Items');
  if (optimizedItems) items.push(...childElements(optimizedItems));
  let done = child(start.body!, NS.wsman, 'EndOfSequence') !== undefined;
  while (!done) {
    contexts.push(context);
    const pull = await call({
      resourceUri,
      action: ACTION.pull,
      body: `<n:Pull xmlns:n="${NS.enumeration}"><n:EnumerationContext>${context}</n:EnumerationContext><n:MaxElements>${batch}</n:MaxElements></n:Pull>`,
    });
    if (pull.status !== 200) throw new Error(pull.text);
    const batchItems = child(pull.body!, NS.enumeration, 'Items');
    if (batchItems) items.push(...childElements(batchItems));
    done = child(pull.body!, NS.enumeration, 'EndOfSequence') !== undefined;
    const next = child(pull.body!, NS.enumeration, 'EnumerationContext');
    if (done) expect(next).toBeUndefined();
    else context = textContent(next!);
  }
  return { items, contexts };
}

describe('WS-Transfer on WMI instances', () => {
  it('Get by selector returns the class element in the resource URI namespace', async () => {
    const reply = await call({ resourceUri: SERVICE, action: ACTION.get, selectors: [{ name: 'Name', value: 'winrm' }] });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ namespace: SERVICE, localName: 'Win32_Service' });
    expect(attribute(reply.body!, 'type', NS.xsi)).toBe('p:Win32_Service_Type');
    expect(text(reply.body!, 'Name')).toBe('WinRM');
    expect(text(reply.body!, 'State')).toBe('Running');
  });

  it('a missing instance is a nested WMI provider fault 2150858752', async () => {
    const reply = await call({ resourceUri: SERVICE, action: ACTION.get, selectors: [{ name: 'Name', value: 'NoSuchService' }] });
    const fault = faultOf(reply);
    expect(fault.hresult).toBe(2150858752);
    expect(fault.subcode).toEqual({ namespace: NS.addressing, localName: 'DestinationUnreachable' });
    expect(fault.faultXml).toContain('<f:ProviderFault provider="WMI Provider"');
    expect(fault.faultXml).toContain('Machine="WIN-TEST"');
  });

  it.each([
    ['a wrong key name', [{ name: 'Nope', value: 'x' }]],
    ['no selectors on a keyed class', []],
  ])('invalid selectors: %s', async (_name, selectors) => {
    const fault = faultOf(await call({ resourceUri: SERVICE, action: ACTION.get, selectors }));
    expect(fault.subcode?.localName).toBe('InvalidSelectors');
  });

  it('an unknown class is not found', async () => {
    expect(faultOf(await call({ resourceUri: `${CIMV2}/Win32_InvalidClass`, action: ACTION.get })).hresult).toBe(2150858752);
  });

  it('a singleton needs no selectors', async () => {
    const reply = await call({ resourceUri: `${CIMV2}/Win32_LocalTime`, action: ACTION.get });
    expect(reply.status).toBe(200);
    expect(Number(text(reply.body!, 'Year'))).toBeGreaterThan(2000);
  });

  it('fragment Get returns w:XmlFragment, with text() giving the bare value', async () => {
    const selectors = [{ name: 'Name', value: 'WinRM' }];
    const element = await call({ resourceUri: SERVICE, action: ACTION.get, selectors, fragment: { path: 'State' } });
    expect(element.body).toMatchObject({ namespace: NS.wsman, localName: 'XmlFragment' });
    expect(childElements(element.body!)[0]).toMatchObject({ namespace: SERVICE, localName: 'State' });
    const bare = await call({ resourceUri: SERVICE, action: ACTION.get, selectors, fragment: { path: 'State/text()', dialect: DIALECT.xpath } });
    expect(textContent(bare.body!)).toBe('Running');
    const wrong = await call({ resourceUri: SERVICE, action: ACTION.get, selectors, fragment: { path: 'state' } });
    expect(faultOf(wrong).hresult).toBe(0x80338093);
  });

  it('Create, Put (whole and fragment) and Delete of an environment variable; failures change nothing', async () => {
    const selectors = [{ name: 'Name', value: 'WSMAN_TEST' }, { name: 'UserName', value: '<SYSTEM>' }];
    const created = await call({
      resourceUri: ENVIRONMENT,
      action: ACTION.create,
      body: `<p:Win32_Environment xmlns:p="${ENVIRONMENT}"><p:Name>WSMAN_TEST</p:Name><p:UserName>&lt;SYSTEM&gt;</p:UserName><p:VariableValue>one</p:VariableValue></p:Win32_Environment>`,
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ namespace: NS.transfer, localName: 'ResourceCreated' });
    expect(textContent(child(created.body!, NS.addressing, 'Address')!)).toBe(url);
    const parameters = child(created.body!, NS.addressing, 'ReferenceParameters')!;
    expect(textContent(child(parameters, NS.wsman, 'ResourceURI')!)).toBe(ENVIRONMENT);

    const again = await call({
      resourceUri: ENVIRONMENT,
      action: ACTION.create,
      body: `<p:Win32_Environment xmlns:p="${ENVIRONMENT}"><p:Name>WSMAN_TEST</p:Name><p:UserName>&lt;SYSTEM&gt;</p:UserName><p:VariableValue>two</p:VariableValue></p:Win32_Environment>`,
    });
    expect(faultOf(again).hresult).toBe(0x80338033);

    const put = await call({
      resourceUri: ENVIRONMENT,
      action: ACTION.put,
      selectors,
      body: `<p:Win32_Environment xmlns:p="${ENVIRONMENT}"><p:VariableValue>three</p:VariableValue></p:Win32_Environment>`,
    });
    expect(text(put.body!, 'VariableValue')).toBe('three');

    const fragment = await call({
      resourceUri: ENVIRONMENT,
      action: ACTION.put,
      selectors,
      fragment: { path: 'VariableValue' },
      body: `<w:XmlFragment><p:VariableValue xmlns:p="${ENVIRONMENT}">four</p:VariableValue></w:XmlFragment>`,
    });
    expect(fragment.status).toBe(200);

    const bad = await call({
      resourceUri: ENVIRONMENT,
      action: ACTION.put,
      selectors,
      body: `<p:Win32_Environment xmlns:p="${ENVIRONMENT}"><p:VariableValue>five</p:VariableValue><p:NoSuchProperty>1</p:NoSuchProperty></p:Win32_Environment>`,
    });
    expect(bad.status).toBe(500);
    const read = await call({ resourceUri: ENVIRONMENT, action: ACTION.get, selectors });
    expect(text(read.body!, 'VariableValue')).toBe('four');

    expect((await call({ resourceUri: ENVIRONMENT, action: ACTION.delete, selectors })).status).toBe(200);
    expect(faultOf(await call({ resourceUri: ENVIRONMENT, action: ACTION.get, selectors })).hresult).toBe(2150858752);
  });
});

describe('Invoke', () => {
  const invoke = (method: string, name: string): Promise<SoapReply> =>
    call({
      resourceUri: SERVICE,
      action: `${SERVICE}/${method}`,
      selectors: [{ name: 'Name', value: name }],
      body: `<p:${method}_INPUT xmlns:p="${SERVICE}"/>`,
    });

  it('StopService and StartService change State and return Windows ReturnValues', async () => {
    const stop = await invoke('StopService', 'Spooler');
    expect(stop.header.action).toBe(`${SERVICE}/StopServiceResponse`);
    expect(stop.body).toMatchObject({ namespace: SERVICE, localName: 'StopService_OUTPUT' });
    expect(text(stop.body!, 'ReturnValue')).toBe('0');
    const state = await call({ resourceUri: SERVICE, action: ACTION.get, selectors: [{ name: 'Name', value: 'Spooler' }] });
    expect(text(state.body!, 'State')).toBe('Stopped');
    expect(text((await invoke('StopService', 'Spooler')).body!, 'ReturnValue')).toBe('5');
    expect(text((await invoke('StartService', 'Spooler')).body!, 'ReturnValue')).toBe('0');
    expect(text((await invoke('StartService', 'Spooler')).body!, 'ReturnValue')).toBe('10');
  });

  it('Win32_Process Create returns a ProcessId and adds only an emulated process', async () => {
    const PROCESS = `${CIMV2}/Win32_Process`;
    const reply = await call({
      resourceUri: PROCESS,
      action: `${PROCESS}/Create`,
      body: `<p:Create_INPUT xmlns:p="${PROCESS}"><p:CommandLine>notepad.exe</p:CommandLine></p:Create_INPUT>`,
    });
    expect(text(reply.body!, 'ReturnValue')).toBe('0');
    const pid = text(reply.body!, 'ProcessId')!;
    const created = await call({ resourceUri: PROCESS, action: ACTION.get, selectors: [{ name: 'Handle', value: pid }] });
    expect(text(created.body!, 'Name')).toBe('notepad.exe');
  });

  it('an input element that does not match the method is an invalid representation', async () => {
    const reply = await call({
      resourceUri: SERVICE,
      action: `${SERVICE}/StopService`,
      selectors: [{ name: 'Name', value: 'Spooler' }],
      body: `<p:StartService_INPUT xmlns:p="${SERVICE}"/>`,
    });
    expect(faultOf(reply).hresult).toBe(0x80338015);
  });
});

describe('WS-Enumeration', () => {
  it('Enumerate + Pull visits every service once; the context changes on every Pull', async () => {
    const { items, contexts } = await enumerateAll(SERVICE, '', 5);
    const names = items.map((item) => text(item, 'Name'));
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('WinRM');
    expect(new Set(contexts).size).toBe(contexts.length);
  });

  it('an optimized enumeration returns the first batch in the EnumerateResponse', async () => {
    const reply = await call({ resourceUri: SERVICE, action: ACTION.enumerate, body: ENUMERATE('<w:OptimizeEnumeration/><w:MaxElements>3</w:MaxElements>') });
    expect(childElements(child(reply.body!, NS.wsman, 'Items')!)).toHaveLength(3);
    const context = textContent(child(reply.body!, NS.enumeration, 'EnumerationContext')!);
    expect(context).toMatch(/^uuid:/);
    await call({ resourceUri: SERVICE, action: ACTION.release, body: `<n:Release xmlns:n="${NS.enumeration}"><n:EnumerationContext>${context}</n:EnumerationContext></n:Release>` });
  });

  it('a spent or unknown context is InvalidEnumerationContext; Release ends an enumeration', async () => {
    const start = await call({ resourceUri: SERVICE, action: ACTION.enumerate, body: ENUMERATE() });
    const context = textContent(child(start.body!, NS.enumeration, 'EnumerationContext')!);
    const pull = (ctx: string): Promise<SoapReply> =>
      call({ resourceUri: SERVICE, action: ACTION.pull, body: `<n:Pull xmlns:n="${NS.enumeration}"><n:EnumerationContext>${ctx}</n:EnumerationContext></n:Pull>` });
    const first = await pull(context);
    expect(first.status).toBe(200);
    expect(childElements(child(first.body!, NS.enumeration, 'Items')!)).toHaveLength(1);
    const spent = faultOf(await pull(context));
    expect(spent.hresult).toBe(0x8033801b);
    expect(spent.subcode).toEqual({ namespace: NS.enumeration, localName: 'InvalidEnumerationContext' });
    const next = textContent(child(first.body!, NS.enumeration, 'EnumerationContext')!);
    const release = await call({ resourceUri: SERVICE, action: ACTION.release, body: `<n:Release xmlns:n="${NS.enumeration}"><n:EnumerationContext>${next}</n:EnumerationContext></n:Release>` });
    expect(release.status).toBe(200);
    expect(release.header.action).toBe(`${ACTION.release}Response`);
    expect(faultOf(await pull(next)).hresult).toBe(0x8033801b);
  });

  it('EnumerateEPR returns endpoint references; EnumerateObjectAndEPR wraps both in w:Item', async () => {
    const epr = await enumerateAll(SERVICE, '<w:OptimizeEnumeration/><w:MaxElements>100</w:MaxElements><w:EnumerationMode>EnumerateEPR</w:EnumerationMode>', 100);
    const first = epr.items[0];
    expect(first).toMatchObject({ namespace: NS.addressing, localName: 'EndpointReference' });
    const parameters = child(first, NS.addressing, 'ReferenceParameters')!;
    expect(textContent(child(parameters, NS.wsman, 'ResourceURI')!)).toBe(SERVICE);
    expect(attribute(childElements(child(parameters, NS.wsman, 'SelectorSet')!)[0], 'Name')).toBe('Name');

    const both = await enumerateAll(SERVICE, '<w:OptimizeEnumeration/><w:MaxElements>100</w:MaxElements><w:EnumerationMode>EnumerateObjectAndEPR</w:EnumerationMode>', 100);
    expect(both.items[0]).toMatchObject({ namespace: NS.wsman, localName: 'Item' });
    expect(childElements(both.items[0]).map((e) => e.localName)).toEqual(['Win32_Service', 'EndpointReference']);
  });

  it('WQL on cimv2/* filters and projects', async () => {
    const { items } = await enumerateAll(
      `${CIMV2}/*`,
      `<w:OptimizeEnumeration/><w:MaxElements>50</w:MaxElements><w:Filter Dialect="${DIALECT.wql}">SELECT Name, State FROM Win32_Service WHERE State = 'Running' AND NOT Name LIKE 'W%'</w:Filter>`,
      50,
    );
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item.namespace).toBe(SERVICE);
      expect(childElements(item).map((e) => e.localName).sort()).toEqual(['Name', 'State']);
      expect(text(item, 'State')).toBe('Running');
      expect(text(item, 'Name')!.toUpperCase().startsWith('W')).toBe(false);
    }
  });

  it('bad WQL is CannotProcessFilter 2150858778 inside a WMI provider fault', async () => {
    const reply = await call({ resourceUri: `${CIMV2}/*`, action: ACTION.enumerate, body: ENUMERATE(`<w:Filter Dialect="${DIALECT.wql}">SELECT * FROM Win32_Processa</w:Filter>`) });
    const fault = faultOf(reply);
    expect(fault.hresult).toBe(2150858778);
    expect(fault.subcode).toEqual({ namespace: NS.enumeration, localName: 'CannotProcessFilter' });
    expect(reply.header.action).toBe('http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault');
  });

  it('SelectorFilter selects by property values', async () => {
    const { items } = await enumerateAll(
      SERVICE,
      `<w:OptimizeEnumeration/><w:MaxElements>50</w:MaxElements><w:Filter Dialect="${DIALECT.selector}"><w:SelectorSet><w:Selector Name="StartMode">Disabled</w:Selector></w:SelectorSet></w:Filter>`,
      50,
    );
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(text(item, 'StartMode')).toBe('Disabled');
  });

  it('an unknown filter dialect and an unknown enumeration mode are refused', async () => {
    const dialect = await call({ resourceUri: SERVICE, action: ACTION.enumerate, body: ENUMERATE('<w:Filter Dialect="urn:nope">x</w:Filter>') });
    expect(faultOf(dialect).hresult).toBe(0x80338019);
    const mode = await call({ resourceUri: SERVICE, action: ACTION.enumerate, body: ENUMERATE('<w:EnumerationMode>Everything</w:EnumerationMode>') });
    expect(faultOf(mode).hresult).toBe(0x80338042);
    const polymorphism = await call({ resourceUri: SERVICE, action: ACTION.enumerate, body: ENUMERATE(`<b:PolymorphismMode xmlns:b="${NS.cimBinding}">Sideways</b:PolymorphismMode>`) });
    expect(faultOf(polymorphism).hresult).toBe(0x80338137);
  });

  it('open enumerations count against MaxConcurrentOperationsPerUser', async () => {
    const CONFIG = 'http://schemas.microsoft.com/wbem/wsman/1/config/service';
    const setLimit = (n: number): Promise<SoapReply> =>
      call({ resourceUri: CONFIG, action: ACTION.put, body: `<cfg:Service xmlns:cfg="${NS.config}"><cfg:MaxConcurrentOperationsPerUser>${n}</cfg:MaxConcurrentOperationsPerUser></cfg:Service>` });
    const limited = await setLimit(2);
    expect(limited.text).not.toContain("s:Fault");
    const contexts: string[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const start = await call({ resourceUri: SERVICE, action: ACTION.enumerate, body: ENUMERATE() });
        contexts.push(textContent(child(start.body!, NS.enumeration, 'EnumerationContext')!));
      }
      // Two open enumerations already use the whole quota of two operations; Pull and Release still work.
      const third = await call({ resourceUri: SERVICE, action: ACTION.enumerate, body: ENUMERATE() });
      expect(faultOf(third).hresult).toBe(0x803381a6);
      expect(faultOf(third).subcode?.localName).toBe('QuotaLimit');
    } finally {
      for (const context of contexts) {
        await call({ resourceUri: SERVICE, action: ACTION.release, body: `<n:Release xmlns:n="${NS.enumeration}"><n:EnumerationContext>${context}</n:EnumerationContext></n:Release>` });
      }
      expect((await setLimit(1500)).status).toBe(200);
    }
  });
});

describe('machine processes', () => {
  it('never show command-line arguments (they carry passwords)', async () => {
    const { items } = await enumerateAll(`${CIMV2}/Win32_Process`, '<w:OptimizeEnumeration/><w:MaxElements>500</w:MaxElements>', 500);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(text(item, 'CommandLine') ?? '').not.toContain(' --');
    expect(items.map((item) => text(item, 'CommandLine') ?? '').join('\n')).not.toContain('Secret#1');
  });
});

describe('Get without selectors', () => {
  it('answers a class with exactly one instance, like winrm get wmicimv2/Win32_OperatingSystem', async () => {
    const reply = await call({ resourceUri: `${CIMV2}/Win32_OperatingSystem`, action: ACTION.get });
    expect(reply.status).toBe(200);
    expect(text(reply.body!, 'CSName')).toBe('WIN-TEST');
    const caption = await call({ resourceUri: `${CIMV2}/Win32_OperatingSystem`, action: ACTION.get, fragment: { path: 'Caption/text()' } });
    expect(textContent(caption.body!)).toMatch(/^Microsoft Windows/);
  });
});
