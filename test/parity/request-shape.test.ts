/**
 * The bytes our Session actually sends, captured by the replay server, against the Windows shape
 * of wire.md §2.1/§3 (header order, mustUnderstand, MessageID form, no XML declaration, HTTP
 * headers), byte for byte against the two complete wire.md §3 examples, and header by header
 * against the recorded pypsrp Get of winrm/config ("same information, our Windows shape").
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Session } from '../../src/automation/session';
import type { WSMan } from '../../src/automation/wsman';
import { ACTION, ANONYMOUS_ADDRESS, NS } from '../../src/core/protocol/namespaces';
import { childElements, type XmlElement } from '../../src/core/protocol/xml';
import { describeWithSharedFixtures, SHARED_REFERENCE } from '../helpers/shared-reference';
import { readPypsrpRecording } from './recordings';
import { openSession, ReplayServer, type CapturedRequest } from './replay-server';
import { envelopeOf, semanticHeaders, ZERO_UUID } from './wsman-compare';

const WIRE_MD = join(SHARED_REFERENCE, 'wire.md');
const itWithWireMd = existsSync(WIRE_MD) ? it : it.skip;

const UPPER_GUID = /^uuid:[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

/** wire.md §2.1, in order, with the s:mustUnderstand each header carries (undefined = no attribute). */
const WINDOWS_HEADER_ORDER: ReadonlyArray<readonly [string, string, string | undefined]> = [
  [NS.addressing, 'To', undefined],
  [NS.wsman, 'ResourceURI', 'true'],
  [NS.addressing, 'ReplyTo', undefined],
  [NS.addressing, 'Action', 'true'],
  [NS.wsman, 'MaxEnvelopeSize', 'true'],
  [NS.addressing, 'MessageID', undefined],
  [NS.wsman, 'Locale', 'false'],
  [NS.msWsman, 'DataLocale', 'false'],
  [NS.msWsman, 'SessionId', 'false'],
  [NS.wsman, 'SelectorSet', undefined],
  [NS.wsman, 'OptionSet', undefined],
  [NS.wsman, 'OperationTimeout', undefined],
];

const headerShape = (header: XmlElement) =>
  childElements(header).map((e) => [e.namespace, e.localName, e.attributes.find((a) => a.localName === 'mustUnderstand' && a.namespace === NS.soap)?.value] as const);

const expectedShape = (withSelectors: boolean, withOptions: boolean) =>
  WINDOWS_HEADER_ORDER.filter(([, name]) => (name !== 'SelectorSet' || withSelectors) && (name !== 'OptionSet' || withOptions));

/** The captured request with its GUIDs zeroed and its To replaced, for byte comparisons. */
function normalised(request: CapturedRequest, url: string, to: string): string {
  return request.text
    .replace(/uuid:[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/g, ZERO_UUID)
    .split(`<a:To>${url}</a:To>`)
    .join(`<a:To>${to}</a:To>`);
}

/** The example envelope on the line after `<!-- name -->` in wire.md §3. */
function wireExample(name: string): string {
  const lines = readFileSync(WIRE_MD, 'utf8').split('\n');
  const at = lines.findIndex((line) => line.trim() === `<!-- ${name} -->`);
  if (at === -1) throw new Error(`wire.md has no example "${name}"`);
  return lines[at + 1].trim();
}

describeWithSharedFixtures('requests our Session sends, against the Windows shape', () => {
  let server: ReplayServer;
  let wsman: WSMan;
  let session: Session;

  beforeEach(async () => {
    server = await ReplayServer.start();
    ({ wsman, session } = openSession(server.url));
  });
  afterEach(async () => {
    await server.close();
  });

  async function getConfig(kb = 500): Promise<CapturedRequest> {
    const [exchange] = readPypsrpRecording(`test_wsman_update_envelope_size_${kb}`);
    server.enqueue({ status: 200, body: exchange.response });
    const result = await session.Get('winrm/config');
    expect(result.hr).toBe(0);
    expect(server.problems).toEqual([]);
    return server.requests[server.requests.length - 1];
  }

  /** A Receive as a script would send it through Invoke, answered with pypsrp's recorded ReceiveResponse. */
  async function receive(): Promise<CapturedRequest> {
    const exchanges = readPypsrpRecording('test_winrs_standard');
    server.enqueue({ status: 200, body: exchanges[2].response });
    const locator = wsman.CreateResourceLocator('http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd').value!;
    locator.AddSelector('ShellId', '4283CBDC-3706-415B-88BD-B385F3E51A53');
    locator.AddOption('WSMAN_CMDSHELL_OPTION_KEEPALIVE', 'TRUE');
    const result = await session.Invoke(
      'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Receive',
      locator,
      `<rsp:Receive xmlns:rsp="${NS.shell}"><rsp:DesiredStream CommandId="CF84C20A-0A35-43FA-AF78-0B4711DA5F30">stdout stderr</rsp:DesiredStream></rsp:Receive>`,
    );
    expect(result.hr).toBe(0);
    expect(server.problems).toEqual([]);
    return server.requests[server.requests.length - 1];
  }

  it('Get winrm/config: header order and mustUnderstand of wire.md §2.1', async () => {
    const request = await getConfig();
    const { header } = envelopeOf(request.text);
    expect(headerShape(header!)).toEqual(expectedShape(false, false));
    const replyTo = childElements(header!).find((e) => e.localName === 'ReplyTo')!;
    expect(childElements(replyTo).map((e) => [e.localName, e.attributes.map((a) => `${a.namespace}|${a.localName}=${a.value}`)])).toEqual([
      ['Address', [`${NS.soap}|mustUnderstand=true`]],
    ]);
  });

  it('Get winrm/config: values — MessageID and SessionId upper-case uuid:, en-US locales, 512000, PT60.000S, empty body', async () => {
    const request = await getConfig();
    const sent = semanticHeaders(request.text);
    const messageId = /<a:MessageID>([^<]*)<\/a:MessageID>/.exec(request.text)![1];
    const sessionId = /<p:SessionId s:mustUnderstand="false">([^<]*)<\/p:SessionId>/.exec(request.text)![1];
    expect(messageId).toMatch(UPPER_GUID);
    expect(sessionId).toMatch(UPPER_GUID);
    expect(messageId).not.toBe(sessionId);
    expect(request.messageId).toBe(messageId);
    expect(sent).toEqual({
      To: server.url,
      ResourceURI: 'http://schemas.microsoft.com/wbem/wsman/1/config',
      ReplyToAddress: ANONYMOUS_ADDRESS,
      Action: ACTION.get,
      MaxEnvelopeSize: '512000',
      MessageID: ZERO_UUID,
      Locale: 'en-US',
      DataLocale: 'en-US',
      SessionId: ZERO_UUID,
      OperationTimeout: 'PT60.000S',
      mustUnderstand: { ResourceURI: 'true', 'ReplyTo/Address': 'true', Action: 'true', MaxEnvelopeSize: 'true', Locale: 'false', DataLocale: 'false', SessionId: 'false' },
      others: [],
    });
    expect(envelopeOf(request.text).bodyElements).toHaveLength(0);
    // No XML declaration, no BOM, no indentation; s a w p declared on the envelope in that order.
    expect(request.text.startsWith('<s:Envelope xmlns:s=')).toBe(true);
    expect(request.text).not.toMatch(/>\s+</);
    expect([...envelopeOf(request.text).root.declarations]).toEqual([
      ['s', NS.soap],
      ['a', NS.addressing],
      ['w', NS.wsman],
      ['p', NS.msWsman],
    ]);
  });

  it('Get winrm/config: HTTP headers of the Windows client', async () => {
    const request = await getConfig();
    const names = request.rawHeaders.map(([name]) => name.toLowerCase());
    const raw = (name: string) => request.rawHeaders.filter(([n]) => n.toLowerCase() === name).map(([, value]) => value);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/wsman');
    expect(raw('content-type')).toEqual(['application/soap+xml;charset=UTF-8']);
    expect(raw('user-agent')).toEqual(['Microsoft WinRM Client']);
    expect(raw('connection')).toEqual(['Keep-Alive']);
    expect(raw('content-length')).toEqual([String(request.body.length)]);
    expect(raw('authorization')).toEqual([`Basic ${Buffer.from('vagrant:vagrant').toString('base64')}`]);
    expect(names).not.toContain('transfer-encoding');
    expect(names).not.toContain('expect');
    expect(new Set(names).size).toBe(names.length);
  });

  itWithWireMd('Get winrm/config: byte for byte the wire.md §3 example (GUIDs zeroed, To = http://srv:5985/wsman)', async () => {
    const request = await getConfig();
    const example = wireExample('Get winrm/config').replace(/uuid:[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/g, ZERO_UUID);
    expect(normalised(request, server.url, 'http://srv:5985/wsman')).toBe(example);
  });

  it('Receive through Invoke: SelectorSet and OptionSet between SessionId and OperationTimeout; xsi declared on the OptionSet', async () => {
    const request = await receive();
    const { header } = envelopeOf(request.text);
    expect(headerShape(header!)).toEqual(expectedShape(true, true));
    const optionSet = childElements(header!).find((e) => e.localName === 'OptionSet')!;
    expect([...optionSet.declarations]).toEqual([['xsi', NS.xsi]]);
  });

  itWithWireMd('Receive through Invoke: byte for byte the wire.md §3 example ("…" elisions matched loosely)', async () => {
    const request = await receive();
    const example = wireExample('Receive on a WinRS command');
    const pattern = new RegExp(
      `^${example
        .split('…')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^<>]*?')
        .replace('<a:ReplyTo>[^<>]*?</a:ReplyTo>', '<a:ReplyTo>(?:<[^>]+>[^<>]*)*?</a:ReplyTo>')}$`,
    );
    expect(normalised(request, server.url, 'http://srv:5985/wsman')).toMatch(pattern);
  });

  /**
   * Same operation, same information. pypsrp's request vs ours, header by header:
   *
   * | header            | pypsrp (recorded)                     | ours (Windows shape)        | why                                   |
   * |-------------------|---------------------------------------|-----------------------------|---------------------------------------|
   * | To                | https://127.0.0.1:55986/wsman         | http://127.0.0.1:PORT/wsman | different endpoint                    |
   * | MaxEnvelopeSize   | 153600                                | 512000                      | pypsrp default vs MaxEnvelopeSizekb×1024 |
   * | OperationTimeout  | PT20S                                 | PT60.000S                   | pypsrp default vs Windows 60 s, 3 decimals |
   * | header order      | alphabetical by prefixed name         | wire.md §2.1 order          | pypsrp sorts its headers              |
   * | MessageID/SessionId | random GUIDs                        | random GUIDs                | zeroed before comparing               |
   * Everything else (ResourceURI, ReplyTo/Address, Action, Locale, DataLocale, mustUnderstand, body) is equal.
   */
  it.each([150, 500, 4096])('Get winrm/config header by header vs pypsrp test_wsman_update_envelope_size_%i', async (kb) => {
    const [exchange] = readPypsrpRecording(`test_wsman_update_envelope_size_${kb}`);
    const request = await getConfig(kb);
    const ours = semanticHeaders(request.text);
    const theirs = semanticHeaders(exchange.request!);
    const sameInformation = {
      ResourceURI: 'http://schemas.microsoft.com/wbem/wsman/1/config',
      ReplyToAddress: ANONYMOUS_ADDRESS,
      Action: ACTION.get,
      MessageID: ZERO_UUID,
      Locale: 'en-US',
      DataLocale: 'en-US',
      SessionId: ZERO_UUID,
      mustUnderstand: { ResourceURI: 'true', 'ReplyTo/Address': 'true', Action: 'true', MaxEnvelopeSize: 'true', Locale: 'false', DataLocale: 'false', SessionId: 'false' },
      others: [],
    };
    expect(ours).toEqual({ ...sameInformation, To: server.url, MaxEnvelopeSize: '512000', OperationTimeout: 'PT60.000S' });
    expect(theirs).toEqual({ ...sameInformation, To: 'https://127.0.0.1:55986/wsman', MaxEnvelopeSize: '153600', OperationTimeout: 'PT20S' });
    // Bodies: both empty.
    expect([envelopeOf(request.text).bodyElements.length, envelopeOf(exchange.request!).bodyElements.length]).toEqual([0, 0]);
    // Order: pypsrp's is alphabetical, ours is the Windows order checked above.
    const order = (text: string) => childElements(envelopeOf(text).header!).map((e) => e.localName);
    expect(order(exchange.request!)).toEqual(['Action', 'DataLocale', 'Locale', 'MaxEnvelopeSize', 'MessageID', 'OperationTimeout', 'ReplyTo', 'ResourceURI', 'SessionId', 'To']);
    expect(order(request.text)).toEqual(['To', 'ResourceURI', 'ReplyTo', 'Action', 'MaxEnvelopeSize', 'MessageID', 'Locale', 'DataLocale', 'SessionId', 'OperationTimeout']);
  });
});
