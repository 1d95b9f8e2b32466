/**
 * Seeds for the fuzz families: every request shape this project's client sends (captured from the
 * client itself, through the COM object model, against a recording server), the requests and
 * replies recorded from real servers in ../shared/fixtures, and the endpoint's own replies.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createObject } from '../src/index';
import type { Enumerator } from '../src/automation/enumerator';
import { WSManEnumFlags as E, WSManSessionFlags as F } from '../src/automation/flags';
import { buildResponseEnvelope } from '../src/core/protocol/envelope';
import { readRequestHeader, readSoapMessage } from '../src/core/protocol/message';
import { ACTION, DIALECT, NS } from '../src/core/protocol/namespaces';
import { parseXml } from '../src/core/protocol/xml';
import { PYPSRP_MESSAGE_COUNTS, readPypsrpRecording, readWinrm4jRecording, winrbFile } from '../test/parity/recordings';
import { SHARED_FIXTURES, sharedFixture, sharedFixturesPresent } from '../test/helpers/shared-reference';
import { omiRecording, readHttpStream } from '../test/hardening/omi-recordings';

export interface Corpus {
  /** Request envelopes (UTF-8 text): the client's shapes first, then recorded ones. */
  readonly requests: readonly string[];
  /** Reply envelopes with their HTTP status. */
  readonly replies: readonly { readonly status: number; readonly body: string }[];
  /** Where the seeds came from, for the report. */
  readonly sources: readonly string[];
}

const CIMV2 = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2';
const SERVICE = `${CIMV2}/Win32_Service`;
const ENVIRONMENT = `${CIMV2}/Win32_Environment`;

/** The client's requests: Identify, Get/Put/Create/Delete, Invoke, Enumerate (WQL, selector, association, EPR modes), Pull, Release. */
async function clientRequests(): Promise<string[]> {
  const captured: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      captured.push(text);
      const header = readSoapMessage(parseXml(text)).header;
      const { messageId, action } = readRequestHeader(header);
      // An Enumerate gets a context, so that the client goes on to Pull and Release; everything else an empty answer.
      const bodyXml =
        action === ACTION.enumerate
          ? `<n:EnumerateResponse><n:EnumerationContext>uuid:0A1B2C3D-0000-0000-0000-000000000001</n:EnumerationContext><w:Items/></n:EnumerateResponse>`
          : action === ACTION.pull
            ? `<n:PullResponse><n:EnumerationContext>uuid:0A1B2C3D-0000-0000-0000-000000000002</n:EnumerationContext><n:Items><p:Item xmlns:p="urn:fuzz"/></n:Items></n:PullResponse>`
            : action === ACTION.create
              ? `<x:ResourceCreated><a:Address>http://h/wsman</a:Address></x:ResourceCreated>`
              : `<p:Win32_Service xmlns:p="${SERVICE}"><p:Name>WinRM</p:Name></p:Win32_Service>`;
      const body = messageId
        ? buildResponseEnvelope({ action: `${action ?? ''}Response`, relatesTo: messageId, bodyXml, extraNamespaces: ['enumeration'] })
        : `<s:Envelope xmlns:s="${NS.soap}"><s:Body><wsmid:IdentifyResponse xmlns:wsmid="${NS.identity}"><wsmid:ProtocolVersion>${NS.wsman}</wsmid:ProtocolVersion></wsmid:IdentifyResponse></s:Body></s:Envelope>`;
      response.writeHead(200, { 'Content-Type': 'application/soap+xml;charset=UTF-8' });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wsman`;
  try {
    const wsman = createObject('WSMan.Automation');
    const options = wsman.CreateConnectionOptions().value!;
    options.put_UserName('fuzz');
    options.put_Password('Fuzz#Pass1');
    const session = wsman.CreateSession(url, F.WSManFlagUseBasic | F.WSManFlagCredUsernamePassword | F.WSManFlagNoEncryption, options).value!;
    await session.Identify();
    await session.Get('winrm/config');
    await session.Get('winrm/config/service/auth');
    await session.Get(`${SERVICE}?Name=WinRM`);
    await session.Get('wmicimv2/Win32_OperatingSystem');
    await session.Put('winrm/config/client', `<cfg:Client xmlns:cfg="${NS.config}"><cfg:TrustedHosts></cfg:TrustedHosts></cfg:Client>`);
    await session.Put(`${ENVIRONMENT}?Name=TEMP+UserName=<SYSTEM>`, `<p:Win32_Environment xmlns:p="${ENVIRONMENT}"><p:VariableValue>C:\\Temp</p:VariableValue></p:Win32_Environment>`);
    await session.Create(ENVIRONMENT, `<p:Win32_Environment xmlns:p="${ENVIRONMENT}"><p:Name>FUZZ</p:Name><p:UserName>&lt;SYSTEM&gt;</p:UserName><p:VariableValue>1</p:VariableValue></p:Win32_Environment>`);
    await session.Delete(`${ENVIRONMENT}?Name=FUZZ+UserName=<SYSTEM>`);
    await session.Invoke('StopService', `${SERVICE}?Name=NoSuchService`, `<p:StopService_INPUT xmlns:p="${SERVICE}"/>`);
    await session.Invoke('Create', `${CIMV2}/Win32_Process`, `<p:Create_INPUT xmlns:p="${CIMV2}/Win32_Process"><p:CommandLine>cmd.exe</p:CommandLine></p:Create_INPUT>`);
    const enumerations: Array<[string, string, string, number]> = [
      [SERVICE, '', '', 0],
      [`${CIMV2}/*`, "SELECT Name, State FROM Win32_Service WHERE State = 'Running' AND NOT Name LIKE 'W%'", '', 0],
      [SERVICE, '', '', E.WSManFlagReturnEPR],
      [SERVICE, '', '', E.WSManFlagReturnObjectAndEPR | E.WSManFlagHierarchyShallow],
      [`${CIMV2}/*`, `<b:Object xmlns:b="${NS.cimBinding}"><a:Address xmlns:a="${NS.addressing}">${NS.addressing}/role/anonymous</a:Address><a:ReferenceParameters xmlns:a="${NS.addressing}"><w:ResourceURI xmlns:w="${NS.wsman}">${SERVICE}</w:ResourceURI><w:SelectorSet xmlns:w="${NS.wsman}"><w:Selector Name="Name">WinRM</w:Selector></w:SelectorSet></a:ReferenceParameters></b:Object>`, DIALECT.association, 0],
      [SERVICE, `<w:SelectorSet xmlns:w="${NS.wsman}"><w:Selector Name="State">Running</w:Selector></w:SelectorSet>`, DIALECT.selector, 0],
      ['winrm/config/listener', '', '', 0],
    ];
    for (const [uri, filter, dialect, flags] of enumerations) {
      const enumerator = (await session.Enumerate(uri, filter, dialect, flags)).value as Enumerator | undefined;
      if (enumerator) {
        await enumerator.ReadItem();
        await enumerator.Close();
      }
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return captured;
}

/** Requests and replies recorded from Windows (pypsrp, winrm4j), OMI and WinRb's stubs. */
function recorded(sources: string[]): { requests: string[]; replies: { status: number; body: string }[] } {
  const requests: string[] = [];
  const replies: { status: number; body: string }[] = [];
  if (!sharedFixturesPresent) {
    sources.push('../shared/fixtures absent: recorded seeds skipped');
    return { requests, replies };
  }
  for (const name of Object.keys(PYPSRP_MESSAGE_COUNTS)) {
    for (const exchange of readPypsrpRecording(name)) {
      if (exchange.request) requests.push(exchange.request);
      replies.push({ status: exchange.status, body: exchange.response });
    }
  }
  for (const [name, count] of [['win12', 5], ['win7', 5]] as const) {
    try {
      for (const item of readWinrm4jRecording(name, count)) {
        if (item.request) requests.push(item.request);
        replies.push({ status: item.status, body: item.response });
      }
    } catch {
      // The item count differs: winrm4j's recordings are optional seeds.
    }
  }
  const winrb = join(SHARED_FIXTURES, 'WinRb_WinRM');
  if (existsSync(winrb)) {
    for (const file of readdirSync(winrb)) {
      const name = /^tests__spec__stubs__responses__(.+)\.xml$/.exec(file)?.[1];
      if (name) replies.push({ status: name.includes('fault') || name.includes('error') ? 500 : 200, body: sharedFixture(winrbFile(name)) });
    }
  }
  for (const name of ['001-basic-identify', '020-basic-get9999']) {
    for (const message of readHttpStream(omiRecording(`${name}.c2s`))) if (message.body.length > 0) requests.push(message.body.toString('utf8'));
    for (const message of readHttpStream(omiRecording(`${name}.s2c`))) replies.push({ status: Number(message.startLine.split(' ')[1]), body: message.body.toString('utf8') });
  }
  sources.push(`recordings: ${requests.length} requests, ${replies.length} replies from ../shared/fixtures`);
  return { requests, replies };
}

export async function buildCorpus(): Promise<Corpus> {
  const sources: string[] = [];
  const client = await clientRequests();
  sources.push(`client request shapes: ${client.length}`);
  const fromRecordings = recorded(sources);
  return { requests: [...client, ...fromRecordings.requests], replies: fromRecordings.replies, sources };
}
