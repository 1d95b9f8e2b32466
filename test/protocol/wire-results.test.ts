/**
 * What the client hands on from a reply read by the wire reader: a Get result, enumeration items,
 * an Invoke output and a fault's detail are the exact text of their elements in the reply when
 * that text declares every prefix it uses, and otherwise exactly what serializeXml wrote before.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACTION, NS } from '../../src/core/protocol/namespaces';
import { buildResponseEnvelope } from '../../src/core/protocol/envelope';
import { openSession, ReplayServer } from '../parity/replay-server';
import type { Session } from '../../src/automation/session';

const SERVICE = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service';

/** Written the way Windows writes it: the instance declares p, cim and xsi itself; odd but legal spacing and quoting kept. */
const SELF_CONTAINED =
  `<p:Win32_Service xmlns:p="${SERVICE}" xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common" xmlns:xsi='${NS.xsi}' xsi:type="p:Win32_Service_Type" xml:lang="en-US">` +
  `\r\n  <p:Name>Win&amp;RM &#x41;</p:Name><p:InstallDate xsi:nil="true" /><p:Path><![CDATA[C:\\a<b>]]></p:Path><!-- note --></p:Win32_Service>`;

let server: ReplayServer;
let session: Session;

beforeEach(async () => {
  server = await ReplayServer.start();
  ({ session } = openSession(server.url));
});
afterEach(async () => {
  await server.close();
});

function reply(action: string, bodyXml: string, extra: 'enumeration'[] = []): string {
  return buildResponseEnvelope({ action, relatesTo: 'uuid:0', bodyXml, extraNamespaces: extra });
}

describe('results as source slices', () => {
  it('Session.Get returns the resource element exactly as the reply wrote it', async () => {
    server.enqueue({ status: 200, body: reply(`${ACTION.get}Response`, SELF_CONTAINED) });
    const result = await session.Get(`${SERVICE}?Name=WinRM`);
    expect(result.value).toBe(SELF_CONTAINED);
  });

  it('Session.Get of a resource using the envelope\'s prefixes returns serializeXml\'s text, byte for byte', async () => {
    // w is declared on the envelope only: the text must declare it, as before.
    server.enqueue({ status: 200, body: reply(`${ACTION.get}Response`, `<w:Thing   a = 'x&quot;'><w:Part>1 &lt; 2</w:Part><w:Empty></w:Empty></w:Thing>`) });
    const result = await session.Get(`${SERVICE}?Name=WinRM`);
    expect(result.value).toBe(`<w:Thing xmlns:w="${NS.wsman}" a="x&quot;"><w:Part>1 &lt; 2</w:Part><w:Empty/></w:Thing>`);
  });

  it('enumeration items: self-contained ones are slices, the others are written as before', async () => {
    const inherited = `<w:Item><w:Value>v</w:Value></w:Item>`;
    server.enqueue({
      status: 200,
      body: reply(
        `${ACTION.enumerate}Response`,
        `<n:EnumerateResponse><n:EnumerationContext/><w:Items>${SELF_CONTAINED}${inherited}</w:Items><w:EndOfSequence/></n:EnumerateResponse>`,
        ['enumeration'],
      ),
    });
    const enumerator = (await session.Enumerate(SERVICE)).value!;
    expect((await enumerator.ReadItem()).value).toBe(SELF_CONTAINED);
    expect((await enumerator.ReadItem()).value).toBe(`<w:Item xmlns:w="${NS.wsman}"><w:Value>v</w:Value></w:Item>`);
    expect(enumerator.get_AtEndOfStream().value).toBe(true);
  });

  it('Session.Invoke returns the output element as written; a fault detail reaches Session.Error as written', async () => {
    const output = `<p:StopService_OUTPUT xmlns:p="${SERVICE}"><p:ReturnValue>0</p:ReturnValue></p:StopService_OUTPUT>`;
    server.enqueue({ status: 200, body: reply(`${SERVICE}/StopServiceResponse`, output) });
    expect((await session.Invoke('StopService', `${SERVICE}?Name=WinRM`, `<p:StopService_INPUT xmlns:p="${SERVICE}"/>`)).value).toBe(output);

    const detail = `<f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" Code='2150858752' Machine="h"><f:Message>Access &quot;x&quot;</f:Message></f:WSManFault>`;
    const fault =
      `<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>w:AccessDenied</s:Value></s:Subcode></s:Code>` +
      `<s:Reason><s:Text xml:lang="en-US">Access is denied.</s:Text></s:Reason><s:Detail>${detail}</s:Detail></s:Fault>`;
    server.enqueue({ status: 500, body: reply(`${NS.addressing}/fault`, fault) });
    const failed = await session.Get(`${SERVICE}?Name=WinRM`);
    expect(failed.hr).toBe(2150858752);
    expect(session.get_Error().value).toBe(detail);
  });

  it('a UTF-16 reply: the result is the slice of the decoded text', async () => {
    const resource = SELF_CONTAINED.replace('Win&amp;RM', 'Größe ✓ 𝄞');
    const utf16 = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const messageId = /<a:MessageID>([^<]+)<\/a:MessageID>/.exec(Buffer.concat(chunks).toString('utf8'))![1];
        const body = buildResponseEnvelope({ action: `${ACTION.get}Response`, relatesTo: messageId, bodyXml: resource });
        response.writeHead(200, { 'Content-Type': 'application/soap+xml;charset=UTF-16' });
        response.end(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]));
      });
    });
    await new Promise<void>((resolve) => utf16.listen(0, '127.0.0.1', resolve));
    try {
      const { session: other } = openSession(`http://127.0.0.1:${(utf16.address() as AddressInfo).port}/wsman`);
      expect((await other.Get(`${SERVICE}?Name=WinRM`)).value).toBe(resource);
    } finally {
      utf16.closeAllConnections();
      await new Promise<void>((resolve) => utf16.close(() => resolve()));
    }
  });
});
