/**
 * `-format:pretty` (winrm's WsmPty.xsl): the same XML, one element per line, children indented
 * four spaces; elements holding only text stay on one line. Namespace declarations and
 * attributes are kept as received.
 */
import { escapeXmlAttribute, escapeXmlText } from '../../core/errors/fault-xml';
import { childElements, parseXml, textContent, type XmlElement } from '../../core/protocol/xml';

const INDENT = '    ';

function qualified(prefix: string, localName: string): string {
  return prefix === '' ? localName : `${prefix}:${localName}`;
}

function openTag(element: XmlElement): string {
  const parts = [qualified(element.prefix, element.localName)];
  for (const [prefix, uri] of element.declarations) parts.push(`${prefix === '' ? 'xmlns' : `xmlns:${prefix}`}="${escapeXmlAttribute(uri)}"`);
  for (const attr of element.attributes) parts.push(`${qualified(attr.prefix, attr.localName)}="${escapeXmlAttribute(attr.value)}"`);
  return parts.join(' ');
}

function write(element: XmlElement, indent: string, out: string[]): void {
  const name = qualified(element.prefix, element.localName);
  const elements = childElements(element);
  if (elements.length === 0) {
    const text = textContent(element);
    out.push(text === '' ? `${indent}<${openTag(element)}/>` : `${indent}<${openTag(element)}>${escapeXmlText(text)}</${name}>`);
    return;
  }
  out.push(`${indent}<${openTag(element)}>`);
  for (const node of elements) write(node, indent + INDENT, out);
  out.push(`${indent}</${name}>`);
}

export function formatPretty(xml: string): string {
  const out: string[] = [];
  write(parseXml(xml), '', out);
  return out.join('\n');
}
