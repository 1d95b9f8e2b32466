/**
 * Recorded Windows responses, served byte for byte (RelatesTo echoed), and what our COM client
 * hands the caller: the values the recording's own client checked (MaxEnvelopeSizekb, shell items,
 * fault codes), the Session.Error detail, and tolerance for the shapes of wire.md §6 (empty
 * EnumerationContext + EndOfSequence, pretty-printed text, SOAP-ENV prefixes, single-quoted
 * attributes, an XML declaration, no RelatesTo on a fault).
 */
import type { Session } from '../../src/automation/session';
import type { ComResult } from '../../src/core/hresult';
import { errorNamed } from '../../src/core/errors/error-table';
import { ACTION, NS } from '../../src/core/protocol/namespaces';
import { childElements, parseXml, type XmlElement } from '../../src/core/protocol/xml';
import { describeWithSharedFixtures, sharedFixture } from '../helpers/shared-reference';
import { ENUMKEY_FILE, readPypsrpRecording, winrbFile } from './recordings';
import { openSession, ReplayServer, type CapturedRequest } from './replay-server';
import { canonical, canonicalOf, envelopeOf, findChild, findChildren, ownText, semanticHeaders } from './wsman-compare';

const SHELL_CMD = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd';
const POWERSHELL = 'http://schemas.microsoft.com/powershell/Microsoft.PowerShell';
const CMD_SHELL_BODY = `<rsp:Shell xmlns:rsp="${NS.shell}"><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams></rsp:Shell>`;

/** Text of the path of children below `element`, each step in the given namespace. */
function valueAt(element: XmlElement, namespace: string, ...path: string[]): string | undefined {
  let current: XmlElement | undefined = element;
  for (const step of path) current = findChild(current, namespace, step);
  return current ? ownText(current) : undefined;
}

let server: ReplayServer;
let session: Session;

/** Serves one recorded response for the next request and runs the call. */
async function replay<T>(response: string, status: 200 | 500, call: () => Promise<ComResult<T>>): Promise<{ result: ComResult<T>; request: CapturedRequest }> {
  const before = server.requests.length;
  server.enqueue({ status, body: response });
  const result = await call();
  expect(server.problems).toEqual([]);
  expect(server.requests.length).toBe(before + 1);
  return { result, request: server.requests[before] };
}

describeWithSharedFixtures('recorded Windows responses through the COM Session', () => {
  beforeEach(async () => {
    server = await ReplayServer.start();
    ({ session } = openSession(server.url));
  });
  afterEach(async () => {
    await server.close();
  });

  describe('Get winrm/config (pypsrp test_wsman_update_envelope_size_*)', () => {
    it.each([150, 500, 4096])('MaxEnvelopeSizekb %i reaches the caller in cfg:Config', async (kb) => {
      const [exchange] = readPypsrpRecording(`test_wsman_update_envelope_size_${kb}`);
      const { result, request } = await replay(exchange.response, 200, () => session.Get('winrm/config'));
      expect(result.hr).toBe(0);
      const config = parseXml(result.value!);
      expect({ namespace: config.namespace, localName: config.localName }).toEqual({ namespace: NS.config, localName: 'Config' });
      expect(valueAt(config, NS.config, 'MaxEnvelopeSizekb')).toBe(String(kb));
      expect(valueAt(config, NS.config, 'MaxTimeoutms')).toBe('60000');
      expect(valueAt(config, NS.config, 'MaxBatchItems')).toBe('32000');
      expect(valueAt(config, NS.config, 'Client', 'DefaultPorts', 'HTTP')).toBe('5985');
      expect(valueAt(config, NS.config, 'Service', 'EnumerationTimeoutms')).toBe('240000');
      expect(valueAt(config, NS.config, 'Winrs', 'MaxShellsPerUser')).toBeDefined();
      // Nothing lost or renamed: the whole document equals the recorded body.
      expect(canonical(config)).toEqual(canonical(envelopeOf(exchange.response).bodyElements[0]));
      // The request was a WS-Transfer Get of the expanded alias, with an empty body.
      const sent = semanticHeaders(request.text);
      expect({ action: sent.Action, uri: sent.ResourceURI, body: envelopeOf(request.text).bodyElements.length }).toEqual({
        action: ACTION.get,
        uri: 'http://schemas.microsoft.com/wbem/wsman/1/config',
        body: 0,
      });
    });

    it('a response whose RelatesTo answers another request is refused (the echo is what makes the replays pass)', async () => {
      const [exchange] = readPypsrpRecording('test_wsman_update_envelope_size_500');
      server.enqueue({ status: 200, body: exchange.response, verbatim: true });
      const result = await session.Get('winrm/config');
      expect(result.error?.name).toBe('ERROR_WSMAN_RESPONSE_INVALID_MESSAGE_INFORMATION_HEADER');
      expect(result.hr).toBe(errorNamed('ERROR_WSMAN_RESPONSE_INVALID_MESSAGE_INFORMATION_HEADER').hresult);
    });
  });

  describe('Get of a shell and its faults (pypsrp test_psrp_is_alive_*)', () => {
    it('Get on the shell EPR returns rsp:Shell; the second Get faults 2150858843 with the provider detail', async () => {
      const exchanges = readPypsrpRecording('test_psrp_is_alive_invalid_selectors');
      const uri = 'shell?ShellId=6F1903CA-E06A-4A8B-BDFC-B44203149D55';
      const alive = await replay(exchanges[3].response, 200, () => session.Get(uri));
      expect(alive.result.hr).toBe(0);
      const shell = parseXml(alive.result.value!);
      expect({ namespace: shell.namespace, localName: shell.localName }).toEqual({ namespace: NS.shell, localName: 'Shell' });
      expect(valueAt(shell, NS.shell, 'ShellId')).toBe('6F1903CA-E06A-4A8B-BDFC-B44203149D55');
      expect(valueAt(shell, NS.shell, 'State')).toBe('Connected');
      expect(semanticHeaders(alive.request.text).SelectorSet).toEqual([['ShellId', '6F1903CA-E06A-4A8B-BDFC-B44203149D55']]);

      const gone = await replay(exchanges[4].response, 500, () => session.Get(uri));
      expect(gone.result.hr).toBe(2150858843);
      expect(gone.result.hr).toBe(0x8033805b);
      expect(gone.result.error?.description).toBe('The WS-Management service cannot process the request because the request contained invalid selectors for the resource.');
      const errorXml = session.get_Error().value!;
      expect(errorXml).toMatch(/^<f:WSManFault xmlns:f="http:\/\/schemas\.microsoft\.com\/wbem\/wsman\/1\/wsmanfault" Code="2150858843" Machine="127\.0\.0\.1">/);
      expect(errorXml).toContain('<f:ProviderFault provider="Shell provider" path="%systemroot%\\system32\\WsmSvc.dll">');
      const detail = findChild(findChild(envelopeOf(exchanges[4].response).bodyElements[0], NS.soap, 'Detail'), NS.wsmanFault, 'WSManFault')!;
      expect(canonicalOf(errorXml)).toEqual(canonical(detail));
    });

    it('an invalid OperationTimeout fault: 2150858767 and the header message (single-quoted YAML scalar)', async () => {
      const exchanges = readPypsrpRecording('test_psrp_is_alive_other_wsman_error');
      const { result } = await replay(exchanges[3].response, 500, () => session.Get('shell?ShellId=AD18BFC8-67B1-45FC-998A-632796CDF812'));
      expect(result.hr).toBe(2150858767);
      expect(result.hr).toBe(0x8033800f);
      expect(result.error?.description).toBe('The WS-Management service cannot process the request. The XML contains an invalid timeout field in the SOAP header: PT-1S.');
      expect(session.get_Error().value!).toContain('Code="2150858767" Machine="127.0.0.1"');
    });
  });

  describe('Enumerate of shells (pypsrp test_psrp_disconnect_runspaces, the recorded Enumerate exchange)', () => {
    it('two rsp:Shell items from one optimized EnumerateResponse with an empty EnumerationContext; no Pull, no Release', async () => {
      const exchanges = readPypsrpRecording('test_psrp_disconnect_runspaces');
      expect(ownText(findChild(envelopeOf(exchanges[11].response).bodyElements[0], NS.enumeration, 'EnumerationContext')!)).toBe('');
      const { result } = await replay(exchanges[11].response, 200, () => session.Enumerate('shell'));
      expect(result.hr).toBe(0);
      const enumerator = result.value!;
      const items: string[] = [];
      while (!enumerator.get_AtEndOfStream().value) items.push((await enumerator.ReadItem()).value!);
      expect(items).toHaveLength(2);
      const shells = items.map((item) => parseXml(item));
      expect(shells.map((s) => `{${s.namespace}}${s.localName}`)).toEqual([`{${NS.shell}}Shell`, `{${NS.shell}}Shell`]);
      expect(shells.map((s) => valueAt(s, NS.shell, 'ShellId'))).toEqual(['B6631D8E-65A0-49F2-9053-A1B156C95777', '01AA3E43-9E21-424B-A7FC-BC16AA34F4CE']);
      expect(shells.map((s) => valueAt(s, NS.shell, 'State'))).toEqual(['Disconnected', 'Disconnected']);
      expect(shells.map((s) => valueAt(s, NS.shell, 'Owner'))).toEqual(['WIN-NNMU24VVKJ0\\vagrant', 'WIN-NNMU24VVKJ0\\vagrant']);
      expect(server.requests).toHaveLength(1);
    });

    it('SelectorFilter enumerations with only EndOfSequence: zero items, at end at once', async () => {
      const exchanges = readPypsrpRecording('test_psrp_disconnect_runspaces');
      for (const [index, shellId] of [
        [12, 'B6631D8E-65A0-49F2-9053-A1B156C95777'],
        [13, '01AA3E43-9E21-424B-A7FC-BC16AA34F4CE'],
      ] as const) {
        const filter = `<w:SelectorSet xmlns:w="${NS.wsman}"><w:Selector Name="ShellId">${shellId}</w:Selector></w:SelectorSet>`;
        const { result, request } = await replay(exchanges[index].response, 200, () =>
          session.Enumerate('http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command', filter, 'http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter'),
        );
        expect(result.hr).toBe(0);
        expect(result.value!.get_AtEndOfStream().value).toBe(true);
        // Same filter as the recorded request (pypsrp wrote it with wsman:/wsen: prefixes).
        const ours = findChild(envelopeOf(request.text).bodyElements[0], NS.wsman, 'Filter')!;
        const theirs = findChild(envelopeOf(exchanges[index].request!).bodyElements[0], NS.wsman, 'Filter')!;
        expect(canonical(ours)).toEqual(canonical(theirs));
      }
      expect(server.requests).toHaveLength(2);
    });
  });

  describe('Create and Delete of shells', () => {
    /** Create, then Delete through the returned EPR; the Delete is answered with pypsrp's recorded DeleteResponse. */
    async function createThenDelete(createResponse: string, resourceUri: string): Promise<{ epr: XmlElement; deleteRequest: CapturedRequest }> {
      const created = await replay(createResponse, 200, () => session.Create(resourceUri, CMD_SHELL_BODY));
      expect(created.result.hr).toBe(0);
      const epr = parseXml(created.result.value!);
      expect({ namespace: epr.namespace, localName: epr.localName }).toEqual({ namespace: NS.transfer, localName: 'ResourceCreated' });
      const deleteResponse = readPypsrpRecording('test_winrs_open_already_opened')[1].response;
      const deleted = await replay(deleteResponse, 200, () => session.Delete(created.result.value!));
      expect(deleted.result.hr).toBe(0);
      expect(semanticHeaders(deleted.request.text).Action).toBe(ACTION.delete);
      return { epr, deleteRequest: deleted.request };
    }

    it('pypsrp test_winrs_standard: the EPR, then a Delete with the same ShellId and URI pypsrp sent', async () => {
      const exchanges = readPypsrpRecording('test_winrs_standard');
      const { epr, deleteRequest } = await createThenDelete(exchanges[0].response, SHELL_CMD);
      expect(canonical(epr)).toEqual(canonical(envelopeOf(exchanges[0].response).bodyElements[0]));
      const ours = semanticHeaders(deleteRequest.text);
      const theirs = semanticHeaders(exchanges[4].request!);
      expect({ uri: ours.ResourceURI, selectors: ours.SelectorSet }).toEqual({ uri: theirs.ResourceURI, selectors: theirs.SelectorSet });
      expect(ours.SelectorSet).toEqual([['ShellId', '4283CBDC-3706-415B-88BD-B385F3E51A53']]);
    });

    it('WinRb open_shell_v1 (WinRM 1.1, single-quoted attributes): the uuid:-prefixed ShellId is echoed exactly', async () => {
      const { epr, deleteRequest } = await createThenDelete(sharedFixture(winrbFile('open_shell_v1')), SHELL_CMD);
      expect(valueAt(epr, NS.addressing, 'Address')).toBe('http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous');
      expect(semanticHeaders(deleteRequest.text).SelectorSet).toEqual([['ShellId', 'uuid:739990FF-1492-4CDD-80BB-6E07ADB06D85']]);
      expect(semanticHeaders(deleteRequest.text).ResourceURI).toBe(SHELL_CMD);
    });

    it('WinRb open_shell_v2 (WinRM 2.0, XML declaration, pretty-printed)', async () => {
      const stub = sharedFixture(winrbFile('open_shell_v2'));
      expect(stub.startsWith('<?xml version="1.0"?>')).toBe(true);
      const { epr, deleteRequest } = await createThenDelete(stub, SHELL_CMD);
      expect(valueAt(epr, NS.addressing, 'Address')).toBe('http://localhost:5985/wsman');
      expect(semanticHeaders(deleteRequest.text).SelectorSet).toEqual([['ShellId', '62DE33F0-8674-43D9-B6A5-3298012CC4CD']]);
    });

    it('WinRb open_shell_omi (OMI, SOAP-ENV prefix, whitespace around every text, RelatesTo included)', async () => {
      const { epr, deleteRequest } = await createThenDelete(sharedFixture(winrbFile('open_shell_omi')), POWERSHELL);
      expect(valueAt(epr, NS.addressing, 'Address')!.trim()).toBe('http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous');
      const sent = semanticHeaders(deleteRequest.text);
      expect({ uri: sent.ResourceURI, selectors: sent.SelectorSet }).toEqual({ uri: POWERSHELL, selectors: [['ShellId', '74142DC5-E14D-4FCC-86ED-63DA3EE8407E']] });
      // Whitespace around the selector value is not sent back.
      expect(deleteRequest.text).toContain('<w:Selector Name="ShellId">74142DC5-E14D-4FCC-86ED-63DA3EE8407E</w:Selector>');
    });

    it('pypsrp test_winrs_standard: Session.Create returns x:ResourceCreated only, not the rsp:Shell after it', async () => {
      const exchanges = readPypsrpRecording('test_winrs_standard');
      const body = envelopeOf(exchanges[0].response).bodyElements;
      expect(body.map((e) => e.localName)).toEqual(['ResourceCreated', 'Shell']);
      const created = await replay(exchanges[0].response, 200, () => session.Create(SHELL_CMD, CMD_SHELL_BODY));
      expect(childElements(parseXml(created.result.value!)).map((e) => e.localName)).toEqual(['Address', 'ReferenceParameters']);
    });
  });

  describe('WinRb fault stubs', () => {
    const WQL = 'Select * from Win32_Processa where name="sshd.exe"';

    it('soap_fault_v1 (WinRM 1.1, single quotes, pretty-printed, empty Machine): CannotProcessFilter 2150858778', async () => {
      const stub = sharedFixture(winrbFile('soap_fault_v1'));
      const { result } = await replay(stub, 500, () => session.Enumerate('wmicimv2/*', WQL));
      expect(result.hr).toBe(2150858778);
      expect(result.hr).toBe(0x8033801a);
      expect(result.error?.description).toBe('The specified class does not exist in the given namespace.');
      const errorXml = session.get_Error().value!;
      // The recorded text itself, single quotes and all.
      expect(errorXml).toContain("Code='2150858778' Machine=''");
      expect(errorXml).toContain("provider='WMIv1 plugin for Windows Remote Management '");
      expect(canonicalOf(errorXml)).toEqual(canonical(findChild(findChild(envelopeOf(stub).bodyElements[0], NS.soap, 'Detail'), NS.wsmanFault, 'WSManFault')!));
    });

    it('soap_fault_v2 (WinRM 2.0, XML declaration, f:ExtendedError): HRESULT and Session.Error detail', async () => {
      const stub = sharedFixture(winrbFile('soap_fault_v2'));
      const { result } = await replay(stub, 500, () => session.Enumerate('wmicimv2/*', WQL));
      expect(result.hr).toBe(0x8033801a);
      const errorXml = session.get_Error().value!;
      expect(errorXml).toContain('Machine="localhost"');
      // The fault detail is the recorded text itself (self-contained: it declares its own prefixes), escapes as Windows wrote them.
      expect(errorXml).toContain('<p:ParameterInfo>Select * from Win32_Processa where name=&quot;sshd.exe&quot;</p:ParameterInfo>');
      expect(canonicalOf(errorXml)).toEqual(canonical(findChild(findChild(envelopeOf(stub).bodyElements[0], NS.soap, 'Detail'), NS.wsmanFault, 'WSManFault')!));
    });

    // The description is the innermost provider message, never the text of f:ExtendedError beside it.
    it('soap_fault_v2: the description is the innermost provider message, without the f:ExtendedError text', async () => {
      const stub = sharedFixture(winrbFile('soap_fault_v2'));
      const { result } = await replay(stub, 500, () => session.Enumerate('wmicimv2/*', WQL));
      expect(result.error?.description).toBe('The specified class does not exist in the given namespace.');
    });

    it('wmi_error_v2 (MSFT_WmiError detail, no RelatesTo): QuotaLimit 0x803381A5 on Create', async () => {
      const stub = sharedFixture(winrbFile('wmi_error_v2'));
      expect(stub).not.toContain('RelatesTo');
      const { result } = await replay(stub, 500, () => session.Create(SHELL_CMD, CMD_SHELL_BODY));
      expect(result.hr).toBe(0x803381a5);
      expect(result.hr).toBe(2150859173);
      expect(result.error?.description).toBe(
        'The WS-Management service cannot process the request. This user is allowed a maximum number of 30 concurrent shells, which has been exceeded. Close existing shells or raise the quota for this user.',
      );
      const errorXml = session.get_Error().value!;
      const wmiError = findChild(findChild(envelopeOf(stub).bodyElements[0], NS.soap, 'Detail'), NS.wmiError, 'MSFT_WmiError')!;
      expect(canonicalOf(errorXml)).toEqual(canonical(wmiError));
      expect(errorXml).toContain('HRESULT 0x803381a5');
    });

    it('soap_fault_omi (OMI, no WSManFault detail): the Reason is the message', async () => {
      const stub = sharedFixture(winrbFile('soap_fault_omi'));
      const { result } = await replay(stub, 500, () => session.Get('wmicimv2/Win32_Service'));
      expect(result.error?.description).toBe('get-instance: instance name parameter is missing');
      // No WSManFault Code to report: our documented fallback (not a recorded fact) is ERROR_WSMAN_HTTP_STATUS_SERVER_ERROR.
      expect(result.hr).toBe(0x80338170);
      expect(session.get_Error().value!).toContain('get-instance: instance name parameter is missing');
    });
  });

  describe('Invoke (Openwsman EnumKey.xml, Windows Server 2003)', () => {
    it('StdRegProv EnumKey: p:EnumKey_OUTPUT with 26 sNames and ReturnValue 0 (XML declaration, lower-case RelatesTo in the recording)', async () => {
      const recording = sharedFixture(ENUMKEY_FILE);
      expect(recording).toContain('<a:RelatesTo>uuid:357dee93-b5a1-15a1-8004-4b73f7201300</a:RelatesTo>');
      const uri = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/default/StdRegProv';
      const input = `<p:EnumKey_INPUT xmlns:p="${uri}"><p:hDefKey>2147483650</p:hDefKey><p:sSubKeyName>SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall</p:sSubKeyName></p:EnumKey_INPUT>`;
      const { result, request } = await replay(recording, 200, () => session.Invoke('EnumKey', uri, input));
      expect(result.hr).toBe(0);
      expect(semanticHeaders(request.text).Action).toBe(`${uri}/EnumKey`);
      const output = parseXml(result.value!);
      expect({ namespace: output.namespace, localName: output.localName }).toEqual({ namespace: uri, localName: 'EnumKey_OUTPUT' });
      const names = findChildren(output, uri, 'sNames').map(ownText);
      expect(names).toHaveLength(26);
      expect(names[0]).toBe('AddressBook');
      expect(names).toContain('Mozilla Firefox 9.0.1 (x86 en-US)');
      expect(valueAt(output, uri, 'ReturnValue')).toBe('0');
      expect(canonical(output)).toEqual(canonical(envelopeOf(recording).bodyElements[0]));
    });
  });
});
