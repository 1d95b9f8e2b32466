/**
 * Shell message readers on large and unusual replies: a ReceiveResponse of several 380 KB base64
 * streams reads back byte for byte (long base64 runs take the XML parser's set-aside path), and
 * base64-looking text in a CDATA section, a comment or an attribute, or next to the set-aside
 * marker character, comes out exactly as written.
 */
import { NS } from '../../../src/core/protocol/namespaces';
import { attribute, child, parseXml, textContent } from '../../../src/core/protocol/xml';
import { readReceiveResponse, receiveBody, sendBody } from '../../../src/core/shell/shell-messages';

const RSP = `xmlns:rsp="${NS.shell}"`;
const body = (inner: string) => parseXml(`<s:Body xmlns:s="${NS.soap}">${inner}</s:Body>`);

describe('shell message readers', () => {
  it('a large ReceiveResponse: every stream chunk, End marks and the exit code, byte for byte', () => {
    const chunks = [Buffer.alloc(380_000, 1), Buffer.from([0, 255, 10, 13]), Buffer.alloc(2000, 0xfe)];
    const streams = chunks.map((c, i) => `<rsp:Stream Name="${i === 1 ? 'stderr' : 'stdout'}" CommandId="C">${c.toString('base64')}</rsp:Stream>`).join('');
    const xml = `<rsp:ReceiveResponse ${RSP}>${streams}<rsp:Stream Name="stdout" CommandId="C" End="true"></rsp:Stream><rsp:CommandState CommandId="C" State="${NS.shell}/CommandState/Done"><rsp:ExitCode>4294967295</rsp:ExitCode></rsp:CommandState></rsp:ReceiveResponse>`;
    const read = readReceiveResponse(body(xml));
    expect(read.streams.map((s) => [s.name, s.commandId, s.end])).toEqual([
      ['stdout', 'C', false],
      ['stderr', 'C', false],
      ['stdout', 'C', false],
      ['stdout', 'C', true],
    ]);
    read.streams.slice(0, 3).forEach((s, i) => expect(s.data.equals(chunks[i])).toBe(true));
    expect(read.commandState).toEqual({ commandId: 'C', state: `${NS.shell}/CommandState/Done`, exitCode: 4294967295 });
  });

  it('a reply without rsp:ReceiveResponse, a stream without a name → ERROR_WSMAN_NO_RECEIVE_RESPONSE', () => {
    expect(() => readReceiveResponse(body(`<rsp:SendResponse ${RSP}/>`))).toThrow(expect.objectContaining({ code: 'ERROR_WSMAN_NO_RECEIVE_RESPONSE' }));
    expect(() => readReceiveResponse(body(`<rsp:ReceiveResponse ${RSP}><rsp:Stream>AA==</rsp:Stream></rsp:ReceiveResponse>`))).toThrow(
      expect.objectContaining({ code: 'ERROR_WSMAN_NO_RECEIVE_RESPONSE' }),
    );
  });

  it('long base64-looking text in CDATA, comments and attributes is read exactly as written', () => {
    const long = 'QUJD'.repeat(600);
    const root = parseXml(`<a x="${long}"><!-- >${long}< --><b><![CDATA[>${long}<]]></b><c>${long}</c><d> ${long}\n</d></a>`);
    expect(attribute(root, 'x')).toBe(long);
    expect(textContent(child(root, '', 'b')!)).toBe(`>${long}<`);
    expect(textContent(child(root, '', 'c')!)).toBe(long);
    expect(textContent(child(root, '', 'd')!)).toBe(` ${long}\n`);
  });

  it('a document holding the set-aside marker characters itself is parsed unchanged', () => {
    const long = 'QUJD'.repeat(600);
    const root = parseXml(`<a><m>\uE0000\uE001</m><c>${long}</c></a>`);
    expect(textContent(child(root, '', 'm')!)).toBe('\uE0000\uE001');
    expect(textContent(child(root, '', 'c')!)).toBe(long);
  });

  it('Send and Receive bodies in the Windows shape', () => {
    expect(sendBody('stdin', Buffer.from('hi'), true, 'C1')).toBe(`<rsp:Send ${RSP}><rsp:Stream Name="stdin" CommandId="C1" End="true">aGk=</rsp:Stream></rsp:Send>`);
    expect(receiveBody(['stdout', 'stderr'], 'C1')).toBe(`<rsp:Receive ${RSP}><rsp:DesiredStream CommandId="C1">stdout stderr</rsp:DesiredStream></rsp:Receive>`);
    expect(receiveBody(['stdout'])).toBe(`<rsp:Receive ${RSP}><rsp:DesiredStream>stdout</rsp:DesiredStream></rsp:Receive>`);
  });
});
