/**
 * The fixture readers must never be silently wrong: the YAML subset reader refuses what it does not
 * implement, every pypsrp recording yields the hand-counted number of exchanges with well-formed
 * envelopes, and winrm4j's items sliced out as text equal the items of the parsed wrapper.
 */
import { NS } from '../../src/core/protocol/namespaces';
import { childElements, parseXml, XmlSyntaxError } from '../../src/core/protocol/xml';
import { describeWithSharedFixtures, sharedFixture } from '../helpers/shared-reference';
import { parseYamlSubset, PYPSRP_MESSAGE_COUNTS, readPypsrpRecording, readWinrm4jRecording, winrm4jFile, winrm4jWithoutDoctype, YamlSubsetError } from './recordings';
import { canonical, envelopeOf, expectedFault } from './wsman-compare';

describe('YAML subset reader', () => {
  it('reads block mappings, sequences (also at the parent key indent), plain and single-quoted scalars', () => {
    const text = [
      'messages:',
      '- request: <a b="c:d">x</a>',
      "  response: 'it''s: quoted'",
      '  overrides:',
      '  - path: s:Body/rsp:Receive',
      '    attributes:',
      '      CommandId: 87E7',
      '  transport_error:',
      '    protocol: http',
      '    code: 500',
      '- request: two',
      '  response: three',
    ].join('\n');
    expect(parseYamlSubset(text)).toEqual({
      messages: [
        {
          request: '<a b="c:d">x</a>',
          response: "it's: quoted",
          overrides: [{ path: 's:Body/rsp:Receive', attributes: { CommandId: '87E7' } }],
          transport_error: { protocol: 'http', code: '500' },
        },
        { request: 'two', response: 'three' },
      ],
    });
  });

  it.each([
    ['a double-quoted scalar', 'key: "x"'],
    ['a block scalar', 'key: |\n  text'],
    ['a multi-line plain scalar', 'key: first\n  second'],
    ['a flow sequence', 'key: [1, 2]'],
    ['": " in a plain scalar', 'key: a: b'],
    ['a duplicate key', 'key: a\nkey: b'],
    ['a tab', 'key:\n\t- a'],
    ['an unterminated quote', "key: 'abc"],
    ['a key without a value', 'key:\nother: 1'],
  ])('refuses %s', (_what, text) => {
    expect(() => parseYamlSubset(text)).toThrow(YamlSubsetError);
  });
});

describeWithSharedFixtures('recorded fixtures as read', () => {
  it.each(Object.keys(PYPSRP_MESSAGE_COUNTS))('pypsrp %s: the expected exchanges, each a SOAP 1.2 request and response; faults ⇔ HTTP 500', (name) => {
    const exchanges = readPypsrpRecording(name);
    expect(exchanges).toHaveLength(PYPSRP_MESSAGE_COUNTS[name]);
    for (const exchange of exchanges) {
      expect(envelopeOf(exchange.request!).header).toBeDefined();
      expect(expectedFault(exchange.response) !== undefined).toBe(exchange.status === 500);
    }
  });

  it('the single-quoted pypsrp response (": " inside) is decoded whole', () => {
    const response = readPypsrpRecording('test_psrp_is_alive_other_wsman_error')[3].response;
    expect(response).toContain('an invalid timeout field in the SOAP header: PT-1S. </f:Message>');
    expect(expectedFault(response)).toMatchObject({ hresult: 2150858767 });
  });

  it.each(['win12', 'win7'] as const)('winrm4j %s: our parser refuses the DOCTYPE; without it, the wrapper has the same items as the textual slices', (name) => {
    expect(() => parseXml(sharedFixture(winrm4jFile(name)))).toThrow(XmlSyntaxError);
    const sliced = readWinrm4jRecording(name, 5);
    const wrapper = parseXml(winrm4jWithoutDoctype(name));
    const items = childElements(wrapper);
    expect(items.map((item) => item.localName)).toEqual(['item', 'item', 'item', 'item', 'item']);
    items.forEach((item, i) => {
      const [request, response] = childElements(item);
      expect(request.attributes.find((a) => a.localName === 'action')?.value).toBe(sliced[i].action);
      const [requestEnvelope] = childElements(request);
      const [responseEnvelope] = childElements(response);
      expect(canonical(requestEnvelope)).toEqual(canonical(parseXml(sliced[i].request)));
      expect(canonical(responseEnvelope)).toEqual(canonical(parseXml(sliced[i].response)));
      expect(responseEnvelope.namespace).toBe(NS.soap);
    });
  });
});
