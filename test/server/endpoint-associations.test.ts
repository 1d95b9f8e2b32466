/** Association filters (DSP0227 associationFilter dialect) through the endpoint, as raw SOAP. */
import { ACTION, DIALECT, NS } from '../../src/core/protocol/namespaces';
import { attribute, child, childElements, textContent, type XmlElement } from '../../src/core/protocol/xml';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { basic, faultOf, soap, type SoapReply, type SoapRequest } from './endpoint-harness';

const CIMV2 = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2';
const ALL = `${CIMV2}/*`;
const SERVICE = `${CIMV2}/Win32_Service`;
const DEPENDENT_SERVICE = `${CIMV2}/Win32_DependentService`;
const COMPUTER_SYSTEM = `${CIMV2}/Win32_ComputerSystem`;
const ANONYMOUS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';
const AUTH = { headers: { Authorization: basic('alice', 'Secret#1') } };

let endpoint: RunningEndpoint;
let url: string;
const call = (request: SoapRequest): Promise<SoapReply> => soap(url, request, AUTH);

beforeAll(async () => {
  endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1'], allowUnencrypted: true, machineName: 'WIN-TEST' });
  url = endpoint.url!;
});

afterAll(() => endpoint.close());

interface FilterParts {
  readonly wrapper?: 'AssociatedInstances' | 'AssociationInstances';
  readonly resourceUri?: string;
  readonly selectors?: Record<string, string>;
  /** Extra b: elements after b:Object, e.g. `{ AssociationClassName: 'Win32_DependentService' }`. */
  readonly fields?: Record<string, string | string[]>;
  /** Replaces b:Object entirely. */
  readonly object?: string;
}

/** `<w:Filter Dialect="…associationFilter">` in the shape of wire.md §3.7. */
function associationFilter(parts: FilterParts): string {
  const selectors = Object.entries(parts.selectors ?? {})
    .map(([name, value]) => `<w:Selector Name="${name}">${value}</w:Selector>`)
    .join('');
  const object =
    parts.object ??
    `<b:Object><a:Address>${ANONYMOUS}</a:Address><a:ReferenceParameters><w:ResourceURI>${parts.resourceUri ?? SERVICE}</w:ResourceURI>` +
      `${selectors ? `<w:SelectorSet>${selectors}</w:SelectorSet>` : ''}</a:ReferenceParameters></b:Object>`;
  const fields = Object.entries(parts.fields ?? {})
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => `<b:${name}>${v}</b:${name}>`))
    .join('');
  const wrapper = parts.wrapper ?? 'AssociatedInstances';
  return `<w:Filter Dialect="${DIALECT.association}"><b:${wrapper} xmlns:b="${NS.cimBinding}">${object}${fields}</b:${wrapper}></w:Filter>`;
}

const ENUMERATE = (inner: string, mode = ''): string =>
  `<n:Enumerate xmlns:n="${NS.enumeration}"><w:OptimizeEnumeration/><w:MaxElements>100</w:MaxElements>` +
  `${mode ? `<w:EnumerationMode>${mode}</w:EnumerationMode>` : ''}${inner}</n:Enumerate>`;

/** One optimized Enumerate (everything fits in the first batch). */
async function enumerate(resourceUri: string, parts: FilterParts, mode = ''): Promise<XmlElement[]> {
  const reply = await call({ resourceUri, action: ACTION.enumerate, body: ENUMERATE(associationFilter(parts), mode) });
  if (reply.status !== 200) throw new Error(reply.text);
  expect(child(reply.body!, NS.wsman, 'EndOfSequence')).toBeDefined();
  return childElements(child(reply.body!, NS.wsman, 'Items')!);
}

const text = (element: XmlElement, name: string): string | undefined => {
  const found = childElements(element).find((e) => e.localName === name);
  return found ? textContent(found) : undefined;
};

/** ResourceURI and selectors of an EPR-valued element (a reference property or an a:EndpointReference). */
function eprOf(element: XmlElement): { address: string; resourceUri: string; selectors: Record<string, string | XmlElement> } {
  const parameters = child(element, NS.addressing, 'ReferenceParameters')!;
  const selectors: Record<string, string | XmlElement> = {};
  for (const selector of childElements(child(parameters, NS.wsman, 'SelectorSet')!)) {
    const nested = child(selector, NS.addressing, 'EndpointReference');
    selectors[attribute(selector, 'Name')!] = nested ?? textContent(selector);
  }
  return {
    address: textContent(child(element, NS.addressing, 'Address')!),
    resourceUri: textContent(child(parameters, NS.wsman, 'ResourceURI')!),
    selectors,
  };
}

describe('AssociatedInstances', () => {
  it('of WinRM through Win32_DependentService as Dependent: the services WinRM depends on', async () => {
    const items = await enumerate(ALL, {
      selectors: { Name: 'WinRM' },
      fields: { AssociationClassName: 'Win32_DependentService', Role: 'Dependent' },
    });
    expect(items.map((item) => text(item, 'Name'))).toEqual(['RpcSs']);
    expect(items[0]).toMatchObject({ namespace: SERVICE, localName: 'Win32_Service' });
    expect(text(items[0], 'State')).toBe('Running');
  });

  it('as Antecedent with ResultRole: the services depending on RpcSs, with EPRs to their class URI', async () => {
    const items = await enumerate(
      ALL,
      { selectors: { Name: 'RpcSs' }, fields: { AssociationClassName: 'Win32_DependentService', Role: 'Antecedent', ResultRole: 'Dependent' } },
      'EnumerateObjectAndEPR',
    );
    const names = items.map((item) => text(childElements(item)[0], 'Name'));
    expect(names).toEqual(expect.arrayContaining(['WinRM', 'Winmgmt', 'Schedule']));
    expect(names).not.toContain('RpcSs');
    const reference = eprOf(child(items[0], NS.addressing, 'EndpointReference')!);
    expect(reference).toEqual({ address: ANONYMOUS, resourceUri: SERVICE, selectors: { Name: names[0] } });
  });

  it('ResultClassName picks the class of the results; a class URI narrows the same way', async () => {
    const systems = await enumerate(ALL, { selectors: { Name: 'WinRM' }, fields: { ResultClassName: 'Win32_ComputerSystem' } });
    expect(systems.map((item) => [item.namespace, text(item, 'Name')])).toEqual([[COMPUTER_SYSTEM, 'WIN-TEST']]);
    const everything = await enumerate(ALL, { selectors: { Name: 'WinRM' } });
    expect(everything.map((item) => item.localName)).toEqual(['Win32_Service', 'Win32_ComputerSystem']);
    const onClassUri = await enumerate(SERVICE, { selectors: { Name: 'WinRM' } });
    expect(onClassUri.map((item) => text(item, 'Name'))).toEqual(['RpcSs']);
  });

  it('Win32_SystemServices from the computer system gives every service', async () => {
    const items = await enumerate(
      ALL,
      { resourceUri: COMPUTER_SYSTEM, selectors: { Name: 'WIN-TEST' }, fields: { AssociationClassName: 'Win32_SystemServices' } },
      'EnumerateEPR',
    );
    const all = await call({ resourceUri: SERVICE, action: ACTION.enumerate, body: ENUMERATE('', 'EnumerateEPR') });
    const allServices = childElements(child(all.body!, NS.wsman, 'Items')!).map((epr) => eprOf(epr).selectors['Name']);
    expect(allServices.length).toBeGreaterThanOrEqual(20);
    expect(items.map((epr) => eprOf(epr).selectors['Name'])).toEqual(allServices);
    for (const epr of items) expect(eprOf(epr).resourceUri).toBe(SERVICE);
  });

  it('IncludeResultProperty projects the results', async () => {
    const items = await enumerate(ALL, {
      selectors: { Name: 'WinRM' },
      fields: { AssociationClassName: 'Win32_DependentService', IncludeResultProperty: ['Name', 'State'] },
    });
    expect(items).toHaveLength(1);
    expect(childElements(items[0]).map((e) => e.localName)).toEqual(['Name', 'State']);
  });
});

describe('AssociationInstances', () => {
  it('returns Win32_DependentService instances whose Antecedent and Dependent are EPRs', async () => {
    const items = await enumerate(ALL, {
      wrapper: 'AssociationInstances',
      selectors: { Name: 'WinRM' },
      fields: { AssociationClassName: 'Win32_DependentService' },
    });
    expect(items).toHaveLength(1);
    const [link] = items;
    expect(link).toMatchObject({ namespace: DEPENDENT_SERVICE, localName: 'Win32_DependentService' });
    const property = (name: string): XmlElement => child(link, DEPENDENT_SERVICE, name)!;
    expect(eprOf(property('Antecedent'))).toEqual({ address: ANONYMOUS, resourceUri: SERVICE, selectors: { Name: 'RpcSs' } });
    expect(eprOf(property('Dependent'))).toEqual({ address: ANONYMOUS, resourceUri: SERVICE, selectors: { Name: 'WinRM' } });
  });

  it('names an association instance by EPR-valued selectors', async () => {
    const [item] = await enumerate(
      DEPENDENT_SERVICE,
      { wrapper: 'AssociationInstances', selectors: { Name: 'WinRM' }, fields: { Role: 'Dependent' } },
      'EnumerateEPR',
    );
    const reference = eprOf(item);
    expect(reference.resourceUri).toBe(DEPENDENT_SERVICE);
    expect(Object.keys(reference.selectors)).toEqual(['Antecedent', 'Dependent']);
    const antecedent = reference.selectors['Antecedent'] as XmlElement;
    expect(eprOf(antecedent)).toEqual({ address: ANONYMOUS, resourceUri: SERVICE, selectors: { Name: 'RpcSs' } });
  });

  it('without an association class: every association naming the source', async () => {
    const items = await enumerate(ALL, { wrapper: 'AssociationInstances', selectors: { Name: 'WinRM' }, fields: { IncludeResultProperty: 'PartComponent' } });
    expect(items.map((item) => item.localName)).toEqual(['Win32_DependentService', 'Win32_SystemServices']);
    expect(childElements(items[0])).toEqual([]);
    expect(eprOf(childElements(items[1])[0])).toEqual({ address: ANONYMOUS, resourceUri: SERVICE, selectors: { Name: 'WinRM' } });
  });
});

describe('faults', () => {
  const fault = async (resourceUri: string, parts: FilterParts | string): Promise<ReturnType<typeof faultOf>> => {
    const filter = typeof parts === 'string' ? parts : associationFilter(parts);
    return faultOf(await call({ resourceUri, action: ACTION.enumerate, body: ENUMERATE(filter) }));
  };

  it.each<[string, FilterParts | string]>([
    ['no b:Object', { object: '' }],
    ['b:Object without ReferenceParameters', { object: `<b:Object><a:Address>${ANONYMOUS}</a:Address></b:Object>` }],
    ['b:Object without a ResourceURI', { object: `<b:Object><a:ReferenceParameters><w:SelectorSet><w:Selector Name="Name">WinRM</w:Selector></w:SelectorSet></a:ReferenceParameters></b:Object>` }],
    ['an empty Role', { selectors: { Name: 'WinRM' }, fields: { Role: '' } }],
    ['Role twice', { selectors: { Name: 'WinRM' }, fields: { Role: ['Dependent', 'Antecedent'] } }],
    ['ResultClassName in AssociationInstances', { wrapper: 'AssociationInstances', selectors: { Name: 'WinRM' }, fields: { ResultClassName: 'Win32_Service' } }],
    ['an unknown element', { selectors: { Name: 'WinRM' }, fields: { Nonsense: 'x' } }],
    ['no wrapper element', `<w:Filter Dialect="${DIALECT.association}">select * from Win32_Service</w:Filter>`],
    ['an unknown association class', { selectors: { Name: 'WinRM' }, fields: { AssociationClassName: 'Win32_NoSuchAssociation' } }],
    ['a result class that does not exist', { selectors: { Name: 'WinRM' }, fields: { ResultClassName: 'Win32_Nothing' } }],
  ])('%s is CannotProcessFilter 2150858778', async (_, parts) => {
    const found = await fault(ALL, parts);
    expect(found.hresult).toBe(2150858778);
    expect(found.subcode).toEqual({ namespace: NS.enumeration, localName: 'CannotProcessFilter' });
  });

  it('an unknown source instance or class is 2150858752 inside a WMI provider fault', async () => {
    const reply = await call({ resourceUri: ALL, action: ACTION.enumerate, body: ENUMERATE(associationFilter({ selectors: { Name: 'NoSuchService' } })) });
    expect(faultOf(reply).hresult).toBe(2150858752);
    expect(reply.text).toContain('<f:ProviderFault provider="WMI Provider"');
    expect((await fault(ALL, { resourceUri: `${CIMV2}/Win32_Nothing`, selectors: { Name: 'x' } })).hresult).toBe(2150858752);
  });

  it('the config provider does not filter', async () => {
    const found = await fault('http://schemas.microsoft.com/wbem/wsman/1/config/listener', { selectors: { Name: 'WinRM' } });
    expect(found.hresult).toBe(0x80338018);
  });
});
