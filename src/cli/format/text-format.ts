/**
 * winrm's `-format:text` (its WsmTxt.xsl transform), written here: the root element's name,
 * then every child indented four spaces — `Name = value` for text, `Name = null` for
 * xsi:nil, `Name` alone when empty or when it holds elements (which follow, indented), values of
 * repeated simple siblings joined with ", " on one line (ListeningOn = a, b), a `Source`
 * attribute shown as ` [Source="GPO"]`, and selectors as `Selector: Name = value`.
 */
import { attribute, childElements, isNil, parseXml, textContent, type XmlElement } from '../../core/protocol/xml';

const INDENT = '    ';

function annotation(element: XmlElement): string {
  const source = attribute(element, 'Source');
  return source === undefined ? '' : ` [Source="${source}"]`;
}

function isSimple(element: XmlElement): boolean {
  return childElements(element).length === 0;
}

function simpleValue(element: XmlElement): string | undefined {
  if (isNil(element)) return 'null';
  const text = textContent(element);
  return text === '' ? undefined : text;
}

function writeElement(element: XmlElement, indent: string, out: string[]): void {
  const selectorName = element.localName === 'Selector' ? attribute(element, 'Name') : undefined;
  if (selectorName !== undefined && isSimple(element)) {
    out.push(`${indent}Selector: ${selectorName} = ${textContent(element)}`);
    return;
  }
  if (isSimple(element)) {
    const value = simpleValue(element);
    out.push(`${indent}${element.localName}${value === undefined ? '' : ` = ${value}`}${annotation(element)}`);
    return;
  }
  out.push(`${indent}${element.localName}${annotation(element)}`);
  writeChildren(element, indent + INDENT, out);
}

function writeChildren(element: XmlElement, indent: string, out: string[]): void {
  const elements = childElements(element);
  const written = new Set<XmlElement>();
  for (const node of elements) {
    if (written.has(node)) continue;
    const isList = isSimple(node) && node.localName !== 'Selector';
    const siblings = isList ? elements.filter((other) => other.localName === node.localName && isSimple(other)) : [node];
    if (siblings.length > 1) {
      siblings.forEach((s) => written.add(s));
      const values = siblings.map((s) => simpleValue(s) ?? '');
      out.push(`${indent}${node.localName} = ${values.join(', ')}${annotation(node)}`);
    } else {
      writeElement(node, indent, out);
    }
  }
}

/** The text layout of one XML document, ending with a newline (winrm echoes a blank line after it). */
export function formatText(xml: string): string {
  const out: string[] = [];
  writeElement(parseXml(xml), '', out);
  return out.join('\n') + '\n';
}
