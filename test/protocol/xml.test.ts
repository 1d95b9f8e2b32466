import { NS } from '../../src/core/protocol/namespaces';
import { attribute, child, childElements, firstChildElement, parseXml, serializeXml, textContent, XmlSyntaxError } from '../../src/core/protocol/xml';

describe('parseXml: namespaces by URI, never by prefix', () => {
  it('resolves prefixes, default namespaces and redeclarations', () => {
    const root = parseXml(
      `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${NS.soap}"><SOAP-ENV:Body><Item xmlns="urn:a"><x:In xmlns:x="urn:b" x:attr="1" plain="2"/></Item></SOAP-ENV:Body></SOAP-ENV:Envelope>`,
    );
    expect(root.namespace).toBe(NS.soap);
    const body = child(root, NS.soap, 'Body')!;
    const item = child(body, 'urn:a', 'Item')!;
    const inner = child(item, 'urn:b', 'In')!;
    expect(attribute(inner, 'attr', 'urn:b')).toBe('1');
    expect(attribute(inner, 'plain')).toBe('2');
    expect(child(body, NS.soap, 'Item')).toBeUndefined();
  });

  it('decodes the predefined entities and character references in text and attributes', () => {
    const root = parseXml('<a b="&lt;&quot;&#65;">x &amp; y &#x42;&#67; <![CDATA[<&amp;>]]></a>');
    expect(attribute(root, 'b')).toBe('<"A');
    expect(textContent(root)).toBe('x & y BC <&amp;>');
  });

  it.each([
    ['DOCTYPE', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'],
    ['undeclared entity', '<a>&nbsp;</a>'],
    ['unbound prefix', '<p:a/>'],
    ['mismatched tags', '<a><b></a>'],
    ['two roots', '<a/><b/>'],
    ['text outside the root', '<a/>junk'],
    ['prototype-polluting name', '<__proto__/>'],
    ['repeated attribute', '<a x="1" x="2"/>'],
    ['"<" in an attribute', '<a x="<"/>'],
    ['bad character reference', '<a>&#0;</a>'],
    ['empty input', ''],
    ['an unclosed element', '<a><b/>'],
    ['an end tag without a start tag', '<a></a></b>'],
    ['"<" in text', '<a>x < y</a>'],
    ['"]]>" in text', '<a>]]></a>'],
    ['"]]>" in text after a CDATA section', '<a>t<b/>u<![CDATA[v]]>w]]></a>'],
    ['an unclosed CDATA section', '<a><![CDATA[x</a>'],
    ['an unclosed comment', '<a><!-- x</a>'],
    ['an unquoted attribute', '<a x=1/>'],
    ['attributes without whitespace between them', '<a x="1"y="2"/>'],
    ['a name starting with a digit', '<1a/>'],
    ['a space after "<"', '< a/>'],
    ['an unterminated attribute value', '<a x="1/>'],
    ['an XML declaration after the start', ' <?xml version="1.0"?><a/>'],
    ['CDATA outside the root', '<![CDATA[x]]><a/>'],
    ['text before the root', 'x<a/>'],
    ['a DOCTYPE without internal subset', '<!doctype a><a/>'],
  ])('refuses %s', (_name, text) => {
    expect(() => parseXml(text)).toThrow(XmlSyntaxError);
  });

  it('accepts an XML declaration, comments and processing instructions around the root, and non-ASCII names', () => {
    const root = parseXml('<?xml version="1.0" encoding="utf-8"?>\n<!-- before --><?pi data?><p:Größe xmlns:p="urn:x" a = \'1\'><!-- in --><![CDATA[<x>]]></p:Größe>\n<!-- after -->\n');
    expect(root.localName).toBe('Größe');
    expect(attribute(root, 'a')).toBe('1');
    expect(textContent(root)).toBe('<x>');
    expect(textContent(parseXml('<a>t<![CDATA[v]]>w<b/>x</a>'))).toBe('tvwx');
  });

  it('says where a document stops being well-formed', () => {
    expect(() => parseXml('<a><b></c></a>')).toThrow('</c> closes <b> (offset 6)');
  });

  it('keeps whitespace-only text nodes out of element lists', () => {
    const root = parseXml('<a>\n  <b/>\n  <c/>\n</a>');
    expect(childElements(root).map((e) => e.localName)).toEqual(['b', 'c']);
  });
});

describe('child and firstChildElement: the first match past text', () => {
  it('skip text and elements of other names, and find nothing in an empty element', () => {
    const root = parseXml('<r xmlns:a="urn:a">text<a:x n="1"/><x n="2"/><x n="3"/>more</r>');
    expect(attribute(child(root, '', 'x')!, 'n')).toBe('2');
    expect(attribute(child(root, 'urn:a', 'x')!, 'n')).toBe('1');
    expect(child(root, 'urn:b', 'x')).toBeUndefined();
    expect(firstChildElement(root)?.namespace).toBe('urn:a');
    expect(firstChildElement(parseXml('<r>only text</r>'))).toBeUndefined();
    expect(firstChildElement(parseXml('<r/>'))).toBeUndefined();
  });
});

describe('serializeXml: a subtree as standalone XML', () => {
  it('declares inherited namespaces the subtree uses, including xsi:type QNames', () => {
    const root = parseXml(
      `<s:Envelope xmlns:s="${NS.soap}" xmlns:p="urn:class" xmlns:xsi="${NS.xsi}" xmlns:unused="urn:u"><s:Body><p:Item xsi:type="p:Item_Type"><p:Name>a&amp;b</p:Name><p:Empty/></p:Item></s:Body></s:Envelope>`,
    );
    const item = childElements(child(root, NS.soap, 'Body')!)[0];
    const text = serializeXml(item);
    expect(text).toBe(`<p:Item xmlns:p="urn:class" xmlns:xsi="${NS.xsi}" xsi:type="p:Item_Type"><p:Name>a&amp;b</p:Name><p:Empty/></p:Item>`);
    const again = parseXml(text);
    expect(again.namespace).toBe('urn:class');
  });

  it('round-trips attribute escapes', () => {
    const root = parseXml('<a t="x&quot;&lt;&amp;">1 &lt; 2</a>');
    expect(serializeXml(root)).toBe('<a t="x&quot;&lt;&amp;">1 &lt; 2</a>');
  });
});
