/**
 * The wire reader on its own: the tree and source spans it builds, every rejection and limit of
 * parseXml (both readers are asked), the namespace and depth bombs of the hardening issue, the few
 * places where it reads XML 1.0 where fast-xml-parser does not, and standaloneXml's slices.
 */
import { NS } from '../../src/core/protocol/namespaces';
import { readWireXml } from '../../src/core/protocol/wire-reader';
import { attribute, child, childElements, parseXml, serializeXml, standaloneXml, textContent, XmlSyntaxError, type XmlElement } from '../../src/core/protocol/xml';
import { depthBomb, namespaceBomb } from '../hardening/hostile-peer';
import { treeDifference } from './same-tree';

const GET_REPLY =
  `<s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.addressing}" xml:lang="en-US">\r\n<s:Header><a:RelatesTo>uuid:1</a:RelatesTo></s:Header>` +
  `<s:Body><p:Win32_Service xmlns:p="urn:svc" xmlns:xsi="${NS.xsi}" xmlns:cim="urn:cim" xsi:type="p:Win32_Service_Type">` +
  `<p:Name>Win&amp;RM</p:Name><p:Caption xsi:nil="true"/><p:Path><![CDATA[C:\\x]]></p:Path><!-- c --><cim:Key>k</cim:Key></p:Win32_Service></s:Body></s:Envelope>`;

function sourceOf(element: XmlElement): string {
  return element.source!.slice(element.sourceStart, element.sourceEnd);
}

function bodyOf(root: XmlElement): XmlElement {
  return childElements(child(root, NS.soap, 'Body')!)[0];
}

describe('readWireXml', () => {
  it('builds the tree parseXml builds, each element with its exact source text', () => {
    const root = readWireXml(GET_REPLY);
    expect(treeDifference(root, parseXml(GET_REPLY))).toBeUndefined();
    expect(sourceOf(root)).toBe(GET_REPLY);
    const service = bodyOf(root);
    expect(service.namespace).toBe('urn:svc');
    expect(sourceOf(childElements(service)[0])).toBe('<p:Name>Win&amp;RM</p:Name>');
    expect(textContent(childElements(service)[0])).toBe('Win&RM');
    expect(sourceOf(childElements(service)[1])).toBe('<p:Caption xsi:nil="true"/>');
    expect(textContent(childElements(service)[2])).toBe('C:\\x');
  });

  it('merges text around comments, splits it at CDATA sections and processing instructions, and normalizes line ends', () => {
    for (const text of ['<a>x<!--c-->y</a>', '<a>x<![CDATA[]]>z<?pi?>w</a>', '<a b="1\r\n2\r3">\r\n<![CDATA[\r\n]]>&amp<!---->;</a>', '<a> <b/> </a>']) {
      expect(treeDifference(readWireXml(text), parseXml(text))).toBeUndefined();
    }
    expect(readWireXml('<a>x<![CDATA[]]>z</a>').children).toEqual([
      { kind: 'text', text: 'x' },
      { kind: 'text', text: '' },
      { kind: 'text', text: 'z' },
    ]);
    expect(attribute(readWireXml('<a b="1\r\n2\r3"/>'), 'b')).toBe('1\n2\n3');
  });

  it('keeps a long base64 text as one text node', () => {
    const data = 'QUJD'.repeat(200000);
    const root = readWireXml(`<r:Stream xmlns:r="urn:r" Name="stdout">${data}</r:Stream>`);
    expect(textContent(root)).toBe(data);
  });

  it.each([
    ['an empty document', '', /no root element/],
    ['an unclosed element', '<a><b/>', /element <a> is not closed/],
    ['a mismatched end tag', '<a><b></c></a>', /<\/c> closes <b> \(offset 6\)/],
    ['an end tag without a start tag', '<a></a></b>', /without a start tag/],
    ['a malformed end tag', '<a></a x>', /malformed end tag/],
    ['two roots', '<a/><b/>', /a second root element/],
    ['text before the root', 'x<a/>', /text before the root element/],
    ['text after the root', '<a/>x', /text after the root element/],
    ['a DOCTYPE', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', /DOCTYPE is not allowed/],
    ['a lower-case DOCTYPE', '<!doctype a><a/>', /DOCTYPE is not allowed/],
    ['an entity declaration', '<a><!ENTITY x "y"></a>', /unexpected markup declaration/],
    ['CDATA outside the root', '<![CDATA[x]]><a/>', /CDATA outside the root/],
    ['an unclosed CDATA section', '<a><![CDATA[x</a>', /CDATA section is not closed/],
    ['an unclosed comment', '<a><!-- x</a>', /comment is not closed/],
    ['an unclosed processing instruction', '<a><?pi x</a>', /processing instruction is not closed/],
    ['an XML declaration after the start', ' <?xml version="1.0"?><a/>', /XML declaration not at the start/],
    ['"]]>" in text', '<a>t<b/>u<![CDATA[v]]>w]]></a>', /"]]>" in character data/],
    ['"<" in text', '<a>x < y</a>', /malformed start tag/],
    ['"<" in an attribute', '<a x="<"/>', /malformed start tag/],
    ['an unquoted attribute', '<a x=1/>', /malformed start tag/],
    ['attributes without whitespace between them', '<a x="1"y="2"/>', /malformed start tag/],
    ['an unterminated attribute value', '<a x="1/>', /malformed start tag/],
    ['a name starting with a digit', '<1a/>', /malformed start tag/],
    ['a space after "<"', '< a/>', /malformed start tag/],
    ['a repeated attribute', '<a x="1" x="2"/>', /attribute x repeated/],
    ['a repeated attribute among many', `<a ${Array.from({ length: 20 }, (_, i) => `a${i}="1"`).join(' ')} a7="2"/>`, /attribute a7 repeated/],
    ['an unbound element prefix', '<p:a/>', /unbound namespace prefix "p" on element p:a/],
    ['an unbound attribute prefix', '<a p:b="1"/>', /unbound namespace prefix "p" on attribute p:b/],
    ['an undeclared entity', '<a>&nbsp;</a>', /undeclared entity/],
    ['an undeclared entity in an attribute', '<a b="&nbsp;"/>', /undeclared entity/],
    ['an unterminated reference', '<a>&amp</a>', /unterminated reference/],
    ['a NUL character reference', '<a>&#0;</a>', /invalid character reference/],
    ['a reference beyond Unicode', '<a>&#x110000;</a>', /invalid character reference/],
    ['a surrogate reference', '<a b="&#xD800;"/>', /invalid character reference/],
    ['a prototype-polluting element name', '<__proto__/>', /reserved name/],
    ['a prototype-polluting attribute name', '<a constructor="1"/>', /reserved name/],
  ])('refuses %s, as parseXml does', (_name, text, reason) => {
    expect(() => parseXml(text)).toThrow(XmlSyntaxError);
    expect(() => readWireXml(text)).toThrow(XmlSyntaxError);
    expect(() => readWireXml(text)).toThrow(reason);
  });

  it('holds the limits: 256 attributes, 256 levels, 1,024 bindings in scope', () => {
    const attributes = (n: number): string => `<a ${Array.from({ length: n }, (_, i) => `a${i}="1"`).join(' ')}/>`;
    expect(readWireXml(attributes(256)).attributes).toHaveLength(256);
    expect(() => readWireXml(attributes(257))).toThrow(/more than 256 attributes/);
    const nested = (levels: number): string => `${'<x>'.repeat(levels)}${'</x>'.repeat(levels)}`;
    expect(() => readWireXml(nested(256))).not.toThrow();
    expect(() => readWireXml(nested(257))).toThrow(/deeper than 256/);
    expect(() => readWireXml(depthBomb(60000))).toThrow(/deeper than 256/);
    const declarations = (level: number): string => Array.from({ length: 250 }, (_, i) => ` xmlns:l${level}n${i}="u"`).join('');
    const declaring = (levels: number): string => `${Array.from({ length: levels }, (_, level) => `<e${declarations(level)}>`).join('')}${'</e>'.repeat(levels)}`;
    expect(() => readWireXml(declaring(4))).not.toThrow();
    expect(() => readWireXml(declaring(5))).toThrow(/more than 1024 namespace bindings in scope/);
  });

  it('reads the namespace bomb of the hardening issue with chained scopes, and refuses its 8,000-prefix form', () => {
    const bomb = namespaceBomb(250, 20000);
    const root = readWireXml(bomb);
    const identify = bodyOf(root);
    expect(childElements(identify)).toHaveLength(20000);
    // Each child's scope is its own declaration on the Identify's: 250 + 1 + 1 + 1 bindings, not a copy of every one above.
    expect(childElements(identify)[19999].scope.size).toBe(253);
    expect(treeDifference(root, parseXml(bomb))).toBeUndefined();
    expect(() => readWireXml(namespaceBomb(8000, 18000))).toThrow(/more than 256 attributes/);
  });

  describe('where fast-xml-parser departs from XML 1.0, reads XML 1.0', () => {
    it('takes hasOwnProperty, toString and valueOf as names (fast-xml-parser renames them __hasOwnProperty …)', () => {
      const root = readWireXml('<a valueOf="1"><toString/></a>');
      expect(childElements(root)[0].localName).toBe('toString');
      expect(root.attributes[0].localName).toBe('valueOf');
      expect(childElements(parseXml('<a><toString/></a>'))[0].localName).toBe('__toString');
    });

    it('ends a processing instruction at the first "?>", quotes or not', () => {
      expect(readWireXml("<a><?pi don't?></a>").children).toEqual([]);
      expect(() => parseXml("<a><?pi don't?></a>")).toThrow(/Pi Tag is not closed/);
      expect(readWireXml('<a><?>x?></a>').children).toEqual([]);
    });

    it('normalizes line ends in long base64 texts too', () => {
      const line = 'QUJD'.repeat(300);
      expect(textContent(readWireXml(`<a>${line}\r\n${line}</a>`))).toBe(`${line}\n${line}`);
    });

    it('takes U+FEFF as the name character it is', () => {
      expect(readWireXml('<a\uFEFF/>').localName).toBe('a\uFEFF');
      expect(() => readWireXml('<a\uFEFFb="1"/>')).toThrow(/malformed start tag/);
    });
  });
});

describe('standaloneXml', () => {
  it('is the exact source text of an element that declares every binding it uses', () => {
    const item = '<p:Item xmlns:p="urn:class" xmlns:xsi="' + NS.xsi + '" xsi:type=\'p:Item_Type\'><p:Name>a&amp;b &#65;</p:Name><p:Empty  /><!--c--><![CDATA[<x>]]></p:Item>';
    const root = readWireXml(`<s:Envelope xmlns:s="${NS.soap}"><s:Body>${item}</s:Body></s:Envelope>`);
    expect(standaloneXml(bodyOf(root))).toBe(item);
    const utf16 = Buffer.from(`\uFEFF<s:Envelope xmlns:s="${NS.soap}"><s:Body>${item.replace('a&amp;b', 'Größe ✓')}</s:Body></s:Envelope>`, 'utf16le');
    const decoded = utf16.toString('utf16le').slice(1);
    expect(standaloneXml(bodyOf(readWireXml(decoded)))).toBe(item.replace('a&amp;b', 'Größe ✓'));
  });

  it('is serializeXml, byte for byte, when the element uses a binding declared above it', () => {
    const envelope =
      `<s:Envelope xmlns:s="${NS.soap}" xmlns:p="urn:class" xmlns:xsi="${NS.xsi}" xmlns:unused="urn:u"><s:Body>` +
      `<p:Item   xsi:type="p:Item_Type"><p:Name>a&amp;b</p:Name><p:Empty></p:Empty></p:Item></s:Body></s:Envelope>`;
    const golden = `<p:Item xmlns:p="urn:class" xmlns:xsi="${NS.xsi}" xsi:type="p:Item_Type"><p:Name>a&amp;b</p:Name><p:Empty/></p:Item>`;
    expect(standaloneXml(bodyOf(readWireXml(envelope)))).toBe(golden);
    expect(serializeXml(bodyOf(parseXml(envelope)))).toBe(golden);
    // Only an xsi:type value names the outer binding: still not self-contained.
    const typed = `<s:Envelope xmlns:s="${NS.soap}" xmlns:t="urn:t"><s:Body><p:I xmlns:p="urn:p" xmlns:xsi="${NS.xsi}" xsi:type="t:T"/></s:Body></s:Envelope>`;
    expect(standaloneXml(bodyOf(readWireXml(typed)))).toBe(`<p:I xmlns:t="urn:t" xmlns:p="urn:p" xmlns:xsi="${NS.xsi}" xsi:type="t:T"/>`);
    // An inherited default namespace.
    const defaulted = `<s:Envelope xmlns:s="${NS.soap}" xmlns="urn:d"><s:Body><I>1</I></s:Body></s:Envelope>`;
    expect(standaloneXml(bodyOf(readWireXml(defaulted)))).toBe('<I xmlns="urn:d">1</I>');
  });

  it('is serializeXml for a tree parseXml built (no source kept)', () => {
    const root = parseXml('<a xmlns="urn:a"><b  x="1"/></a>');
    expect(standaloneXml(root)).toBe(serializeXml(root));
    expect(standaloneXml(root)).toBe('<a xmlns="urn:a"><b x="1"/></a>');
  });
});
