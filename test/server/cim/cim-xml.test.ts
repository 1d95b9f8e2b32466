import { instanceFromRecord } from '../../../src/server/cim/cim-instance-files';
import type { CimMethodOutput } from '../../../src/server/cim/cim-types';
import { dmtfToXsd, parseCimText, toDmtf } from '../../../src/server/cim/cim-values';
import { escapeXmlText } from '../../../src/core/errors/fault-xml';
import { instanceXml, methodOutputXml } from '../../../src/server/cim/cim-xml';
import { CIMV2, fixtureClass, fixtureInstances, loadStore, MACHINE } from './cim-test-helpers';

const def = fixtureClass();
const [alpha, beta, gamma] = fixtureInstances(def);
const URI = `${CIMV2}Test_Item`;
const OPEN =
  `<p:Test_Item xmlns:p="${URI}" xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common" ` +
  `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="p:Test_Item_Type" xml:lang="en-US">`;

describe('instanceXml', () => {
  it('writes every property sorted by name without case: datetime, nil, arrays, booleans, exact uint64', () => {
    expect(instanceXml(alpha!, def, URI)).toBe(
      OPEN +
        '<p:Big>9007199254740993</p:Big>' +
        '<p:Created><cim:Datetime>2024-01-01T12:00:00.000000+00:00</cim:Datetime></p:Created>' +
        '<p:Delta>-5</p:Delta>' +
        '<p:Enabled>true</p:Enabled>' +
        '<p:Level>1</p:Level>' +
        '<p:Name>alpha</p:Name>' +
        '<p:Note xsi:nil="true"/>' +
        '<p:Ratio>0.5</p:Ratio>' +
        '<p:Size>10</p:Size>' +
        '<p:Tags>a</p:Tags><p:Tags>b</p:Tags>' +
        '</p:Test_Item>',
    );
  });

  it('escapes text, writes null arrays as nil and empty arrays as nothing', () => {
    const gammaXml = instanceXml(gamma!, def, URI);
    expect(gammaXml).toContain("<p:Note>It's &lt;ok&gt;</p:Note>");
    expect(gammaXml).toContain('<p:Tags xsi:nil="true"/>');
    expect(gammaXml).toContain('<p:Created xsi:nil="true"/>');
    const betaXml = instanceXml(beta!, def, URI);
    expect(betaXml).not.toContain('<p:Tags');
    expect(betaXml).toContain('<p:Enabled>false</p:Enabled>');
    expect(betaXml).toContain('<p:Created><cim:Datetime>2024-06-30T08:15:00.000000+00:00</cim:Datetime></p:Created>');
  });

  it('writes only the projected properties, still under the class element', () => {
    expect(instanceXml(alpha!, def, URI, ['size', 'NAME'])).toBe(`${OPEN}<p:Name>alpha</p:Name><p:Size>10</p:Size></p:Test_Item>`);
  });

  it('names items of a WQL enumeration on cimv2/* by their class URI', () => {
    expect(instanceXml(alpha!, def, `${CIMV2}*`, ['Name'])).toBe(`${OPEN}<p:Name>alpha</p:Name></p:Test_Item>`);
  });

  it('matches the Windows shape for a Win32_Service projection', () => {
    const store = loadStore();
    const result = store.query("SELECT Name, State FROM Win32_Service WHERE Name = 'Spooler'");
    expect(result.instances.map((i) => instanceXml(i, store.classDef(result.className), `${CIMV2}*`, result.properties))).toEqual([
      `<p:Win32_Service xmlns:p="${CIMV2}Win32_Service" xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common" ` +
        `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="p:Win32_Service_Type" xml:lang="en-US">` +
        '<p:Name>Spooler</p:Name><p:State>Running</p:State></p:Win32_Service>',
    ]);
  });

  it('writes offsets, fractions and intervals of datetimes', () => {
    const record = { Name: 'dates', Created: '20240131100000.500000-300' };
    const instance = instanceFromRecord(def, record, { source: 'test', machineName: MACHINE });
    expect(instanceXml(instance, def, URI, ['Created'])).toContain('<cim:Datetime>2024-01-31T10:00:00.500000-05:00</cim:Datetime>');
    const interval = instanceFromRecord(def, { Name: 'span', Created: '00000001020304.000000:000' }, { source: 'test', machineName: MACHINE });
    expect(instanceXml(interval, def, URI, ['Created'])).toContain('<p:Created><cim:Interval>P1DT2H3M4.000000S</cim:Interval></p:Created>');
  });
});

describe('methodOutputXml', () => {
  it('sorts out parameters and ReturnValue by name, leaves out nulls, declares cim only for datetimes', () => {
    const output: CimMethodOutput = {
      className: 'Test_Item',
      method: 'Inspect',
      values: new Map<string, string | number | null>([
        ['Zeta', 'z & z'],
        ['ReturnValue', 0],
        ['Missing', null],
        ['When', '20240101000000.000000+000'],
      ]),
      parameters: [
        { name: 'Zeta', type: 'string', array: false },
        { name: 'Missing', type: 'string', array: false },
        { name: 'When', type: 'datetime', array: false },
        { name: 'ReturnValue', type: 'uint32', array: false },
      ],
    };
    expect(methodOutputXml(output, URI)).toBe(
      `<p:Inspect_OUTPUT xmlns:p="${URI}" xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common">` +
        '<p:ReturnValue>0</p:ReturnValue>' +
        '<p:When><cim:Datetime>2024-01-01T00:00:00.000000+00:00</cim:Datetime></p:When>' +
        '<p:Zeta>z &amp; z</p:Zeta>' +
        '</p:Inspect_OUTPUT>',
    );
  });
});

describe('value texts', () => {
  it('escapes &, <, >, keeps CR as a reference and drops characters XML cannot carry', () => {
    expect(escapeXmlText('a&b<c>d"e\'')).toBe('a&amp;b&lt;c&gt;d"e\'');
    expect(escapeXmlText('x\r\ny\u0001z\tw')).toBe('x&#xD;\nyz\tw');
  });

  it('reads datetimes as DMTF, ISO 8601 or xs:duration and writes the canonical DMTF form', () => {
    expect(toDmtf('20240131100000.000000+000')).toBe('20240131100000.000000+000');
    expect(toDmtf('2024-01-31T10:00:00Z')).toBe('20240131100000.000000+000');
    expect(toDmtf('2024-01-31T10:00:00.1234567+05:30')).toBe('20240131100000.123456+330');
    expect(toDmtf('2024-01-31')).toBe('20240131000000.000000+000');
    expect(toDmtf('P1DT2H3M4.5S')).toBe('00000001020304.500000:000');
    expect(toDmtf('2024-02-30T00:00:00Z')).toBeUndefined();
    expect(toDmtf('yesterday')).toBeUndefined();
    expect(dmtfToXsd('20240131100000.000000+330')).toBe('2024-01-31T10:00:00.000000+05:30');
  });

  it('converts XML text to each CIM type and refuses what does not fit', () => {
    expect(parseCimText('uint8', '255')).toBe(255);
    expect(() => parseCimText('uint8', '256')).toThrow('out of range');
    expect(() => parseCimText('uint32', '-1')).toThrow('out of range');
    expect(parseCimText('sint64', '-9223372036854775808')).toBe(-9223372036854775808n);
    expect(parseCimText('uint64', '18446744073709551615')).toBe(18446744073709551615n);
    expect(() => parseCimText('uint64', '18446744073709551616')).toThrow('out of range');
    expect(parseCimText('boolean', 'TRUE')).toBe(true);
    expect(parseCimText('boolean', '0')).toBe(false);
    expect(() => parseCimText('boolean', 'yes')).toThrow();
    expect(parseCimText('real32', '1.5E2')).toBe(150);
    expect(() => parseCimText('real64', 'NaN')).toThrow();
    expect(parseCimText('char16', 'x')).toBe('x');
    expect(() => parseCimText('char16', 'xy')).toThrow();
    expect(parseCimText('string', '  spaced  ')).toBe('  spaced  ');
  });
});
