import { wsmanError } from '../../src/core/errors/wsman-error';
import { buildIdentifyEnvelope, buildRequestEnvelope, newMessageId } from '../../src/core/protocol/envelope';
import { buildFaultEnvelope, faultCodeOf, readFault } from '../../src/core/protocol/faults';
import { readRequestHeader, readResponseHeader, readSoapMessage } from '../../src/core/protocol/message';
import { NS } from '../../src/core/protocol/namespaces';
import { childElements, parseXml } from '../../src/core/protocol/xml';
import { describeWithSharedFixtures, sharedFixture } from '../helpers/shared-reference';

/** wire.md §3, "Get winrm/config" in the modern Windows shape. */
const WINDOWS_GET_CONFIG =
  '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"><s:Header><a:To>http://srv:5985/wsman</a:To><w:ResourceURI s:mustUnderstand="true">http://schemas.microsoft.com/wbem/wsman/1/config</w:ResourceURI><a:ReplyTo><a:Address s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo><a:Action s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action><w:MaxEnvelopeSize s:mustUnderstand="true">512000</w:MaxEnvelopeSize><a:MessageID>uuid:0D2C5E7A-1F7B-4C55-9C2E-6F3B7B0E1A11</a:MessageID><w:Locale xml:lang="en-US" s:mustUnderstand="false" /><p:DataLocale xml:lang="en-US" s:mustUnderstand="false" /><p:SessionId s:mustUnderstand="false">uuid:7C2B1E55-3A0D-4F0B-8E0C-2D4B5E6F7A80</p:SessionId><w:OperationTimeout>PT60.000S</w:OperationTimeout></s:Header><s:Body></s:Body></s:Envelope>';

describe('request envelopes in the Windows shape', () => {
  it('writes Get winrm/config byte for byte like the Windows client', () => {
    const xml = buildRequestEnvelope(
      {
        to: 'http://srv:5985/wsman',
        resourceUri: 'http://schemas.microsoft.com/wbem/wsman/1/config',
        action: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get',
        maxEnvelopeSize: 512000,
        messageId: 'uuid:0D2C5E7A-1F7B-4C55-9C2E-6F3B7B0E1A11',
        locale: 'en-US',
        dataLocale: 'en-US',
        sessionId: 'uuid:7C2B1E55-3A0D-4F0B-8E0C-2D4B5E6F7A80',
        operationTimeoutMs: 60000,
      },
      '',
    );
    expect(xml).toBe(WINDOWS_GET_CONFIG);
  });

  it('reads back its own headers, selectors and options by namespace', () => {
    const xml = buildRequestEnvelope(
      {
        to: 'http://h/wsman',
        resourceUri: 'urn:r',
        action: 'urn:a',
        maxEnvelopeSize: 153600,
        messageId: 'uuid:1',
        locale: 'de-DE',
        dataLocale: 'fr-FR',
        selectors: [{ name: 'Name', value: 'a<b' }],
        options: [
          { name: 'o1', value: 'v', mustComply: true, type: 'xs:string' },
          { name: 'o2', value: null },
        ],
        operationTimeoutMs: 1500,
        fragment: { path: 'Caption/text()' },
      },
      '',
    );
    const header = readRequestHeader(readSoapMessage(parseXml(xml)).header);
    expect(header).toMatchObject({
      to: 'http://h/wsman',
      resourceUri: 'urn:r',
      action: 'urn:a',
      actionMustUnderstand: true,
      maxEnvelopeSize: '153600',
      messageId: 'uuid:1',
      operationTimeout: 'PT1.500S',
      locale: { language: 'de-DE', mustUnderstand: false },
      dataLocale: { language: 'fr-FR', mustUnderstand: false },
      selectors: [{ name: 'Name', value: 'a<b' }],
      options: [
        { name: 'o1', value: 'v', mustComply: true, type: 'xs:string' },
        { name: 'o2', value: null },
      ],
      fragment: { path: 'Caption/text()', mustUnderstand: true },
      notUnderstood: [],
    });
  });

  it('reads the first of a repeated header and lists unknown mustUnderstand headers in order', () => {
    const xml =
      `<s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.addressing}" xmlns:w="${NS.wsman}" xmlns:p="${NS.msWsman}" xmlns:x="urn:x"><s:Header>` +
      '<a:Action>urn:first</a:Action> text <!-- c --><x:One s:mustUnderstand="true"/><a:Action s:mustUnderstand="true">urn:second</a:Action>' +
      '<p:SessionId s:mustUnderstand="true">uuid:s</p:SessionId><x:Two s:mustUnderstand="false"/><x:Three s:mustUnderstand="1"/>' +
      `<w:ResourceURI xmlns:w="urn:not-wsman">urn:wrong</w:ResourceURI><w:ResourceURI>urn:r</w:ResourceURI><w:ResourceURI>urn:later</w:ResourceURI>` +
      '</s:Header><s:Body/></s:Envelope>';
    const header = readRequestHeader(readSoapMessage(parseXml(xml)).header);
    expect(header.action).toBe('urn:first');
    expect(header.actionMustUnderstand).toBeUndefined();
    expect(header.resourceUri).toBe('urn:r');
    expect(header.hasReplyTo).toBe(false);
    expect(header.messageId).toBeUndefined();
    expect(header.selectors).toEqual([]);
    expect(header.notUnderstood.map((element) => `${element.namespace} ${element.localName}`)).toEqual(['urn:x One', 'urn:x Three']);
  });

  it('reads no headers from a message without a Header', () => {
    expect(readRequestHeader(undefined)).toMatchObject({ hasReplyTo: false, selectors: [], options: [], notUnderstood: [] });
  });

  it('Identify is a bare envelope without addressing headers', () => {
    const root = parseXml(buildIdentifyEnvelope());
    const message = readSoapMessage(root);
    expect(childElements(message.header!)).toHaveLength(0);
    expect(childElements(message.body!)[0]).toMatchObject({ namespace: NS.identity, localName: 'Identify' });
  });

  it('MessageIDs are uuid: plus an upper-case GUID', () => {
    expect(newMessageId()).toMatch(/^uuid:[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
  });

  it('a SOAP 1.1 envelope is a version mismatch', () => {
    expect(() => readSoapMessage(parseXml('<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"/>'))).toThrow(
      expect.objectContaining({ code: 'ERROR_WSMAN_SOAP_VERSION_MISMATCH' }),
    );
  });
});

describe('faults both ways', () => {
  it('writes the Windows shape and reads it back to the same HRESULT and message', () => {
    const error = wsmanError('ERROR_WSMAN_UNEXPECTED_SELECTORS');
    const xml = buildFaultEnvelope(error, { relatesTo: 'uuid:ABC', machine: 'WIN-TEST' });
    const message = readSoapMessage(parseXml(xml));
    expect(readResponseHeader(message.header)).toMatchObject({ action: 'http://schemas.dmtf.org/wbem/wsman/1/wsman/fault', relatesTo: 'uuid:ABC' });
    const fault = readFault(childElements(message.body!)[0]);
    expect(fault).toMatchObject({
      code: 'Sender',
      subcode: { namespace: NS.wsman, localName: 'InvalidSelectors' },
      hresult: 0x8033805b,
      message: error.message,
    });
    expect(fault.faultXml).toBe(
      `<f:WSManFault xmlns:f="${NS.wsmanFault}" Code="2150858843" Machine="WIN-TEST"><f:Message>${error.message}</f:Message></f:WSManFault>`,
    );
    expect(xml).toContain('<w:FaultDetail>http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors</w:FaultDetail>');
  });

  it('nests provider faults like the WMI plug-in', () => {
    const xml = buildFaultEnvelope(wsmanError('ERROR_WSMAN_RESOURCE_NOT_FOUND'), {
      relatesTo: 'uuid:1',
      machine: 'M',
      provider: { provider: 'WMI Provider', path: '%systemroot%\\system32\\WsmWmiPl.dll' },
    });
    expect(xml).toContain('<a:Action>http://schemas.xmlsoap.org/ws/2004/08/addressing/fault</a:Action>');
    const fault = readFault(childElements(readSoapMessage(parseXml(xml)).body!)[0]);
    expect(fault.hresult).toBe(0x80338000);
    expect(fault.faultXml).toContain('<f:ProviderFault provider="WMI Provider" path="%systemroot%\\system32\\WsmWmiPl.dll">');
    expect(fault.message).toMatch(/^The WS-Management service cannot process the request\. The service cannot find the resource/);
  });

  it('Win32 failures carry the bare Win32 code and read back as HRESULT_FROM_WIN32', () => {
    expect(faultCodeOf(0x80070005)).toBe(5);
    const xml = buildFaultEnvelope(wsmanError('E_ACCESSDENIED'), { relatesTo: 'uuid:1', machine: '' });
    expect(xml).toContain('Code="5"');
    expect(readFault(childElements(readSoapMessage(parseXml(xml)).body!)[0]).hresult).toBe(0x80070005);
  });

  it('an unmapped error is a Receiver InternalError', () => {
    const xml = buildFaultEnvelope(wsmanError('ERROR_INTERNAL_ERROR'), { relatesTo: 'uuid:1', machine: '' });
    expect(xml).toContain('<s:Value>s:Receiver</s:Value><s:Subcode><s:Value>w:InternalError</s:Value>');
  });
});

describeWithSharedFixtures('faults recorded from real Windows hosts', () => {
  const faultOf = (text: string) => readFault(childElements(readSoapMessage(parseXml(text)).body!)[0]);

  it('WinRM 2.0 enumeration fault with a nested WMI provider fault (soap_fault_v2)', () => {
    const fault = faultOf(sharedFixture('WinRb_WinRM/tests__spec__stubs__responses__soap_fault_v2.xml'));
    expect(fault.code).toBe('Sender');
    expect(fault.subcode).toEqual({ namespace: NS.enumeration, localName: 'CannotProcessFilter' });
    expect(fault.hresult).toBe(2150858778);
    expect(fault.message).toContain('The specified class does not exist in the given namespace.');
    expect(fault.faultXml).toMatch(/^<f:WSManFault /);
  });

  it('WinRM 1.1 fault with single-quoted attributes (soap_fault_v1)', () => {
    const fault = faultOf(sharedFixture('WinRb_WinRM/tests__spec__stubs__responses__soap_fault_v1.xml'));
    expect(fault.hresult).toBe(2150858778);
  });

  it('MSFT_WmiError detail instead of WSManFault (wmi_error_v2)', () => {
    const fault = faultOf(sharedFixture('WinRb_WinRM/tests__spec__stubs__responses__wmi_error_v2.xml'));
    expect(fault.subcode).toEqual({ namespace: NS.wsman, localName: 'QuotaLimit' });
    expect(fault.hresult).toBe(0x803381a5);
    expect(fault.message).toContain('maximum number of 30 concurrent shells');
    expect(fault.faultXml).toMatch(/^<p:MSFT_WmiError /);
  });

  it('OMI fault without WSManFault detail falls back to the Reason (soap_fault_omi)', () => {
    const fault = faultOf(sharedFixture('WinRb_WinRM/tests__spec__stubs__responses__soap_fault_omi.xml'));
    expect(fault.hresult).toBeUndefined();
    expect(fault.message).toBe(fault.reason);
    expect(fault.reason).not.toBe('');
  });
});
