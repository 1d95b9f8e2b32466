/**
 * load/loadXML's parsing with @xmldom/xmldom, and the IXMLDOMParseError a failure leaves: MSXML
 * never throws from load, it returns False with errorCode (a negative HRESULT), reason (ending
 * in CRLF), line, linepos and srcText. A DOCTYPE is refused outright (the project's security
 * default, MSXML 6.0's ProhibitDTD): no entity of a document is ever expanded.
 */
import { DOMParser, type Document } from '@xmldom/xmldom';

export interface ParseFailure {
  /** Signed HRESULT, as errorCode shows it. */
  readonly errorCode: number;
  readonly reason: string;
  readonly line: number;
  readonly linepos: number;
  readonly srcText: string;
  readonly filepos: number;
  readonly url: string;
}

export const NO_PARSE_ERROR: ParseFailure = { errorCode: 0, reason: '', line: 0, linepos: 0, srcText: '', filepos: 0, url: '' };

/** MSXML's codes for the failures scripts meet (xmlparser's XML_E_*). */
const XML_E_MISSINGROOT = 0xc00ce558 | 0;
const XML_E_ENDTAGMISMATCH = 0xc00ce56d | 0;
const XML_E_DTD_PROHIBITED = 0xc00ce584 | 0;
/** Any other well-formedness error (XML_E_INVALIDATROOTLEVEL's neighbour, the generic "syntax error"). */
const XML_E_SYNTAX = 0xc00ce50d | 0;

const MESSAGES: readonly (readonly [RegExp, number, (match: RegExpExecArray) => string])[] = [
  [/missing root element/, XML_E_MISSINGROOT, () => 'XML document must have a top level element.'],
  [/tag mismatch: "([^"]*)" != "([^"]*)"/, XML_E_ENDTAGMISMATCH, (m) => `End tag '${m[2]}' does not match the start tag '${m[1]}'.`],
];

function failure(text: string, code: number, reason: string, line: number, linepos: number, url: string): ParseFailure {
  const lines = text.split(/\r?\n/);
  const lineStarts = lines.slice(0, Math.max(0, line - 1)).reduce((sum, l) => sum + l.length + 1, 0);
  return { errorCode: code, reason: `${reason}\r\n`, line, linepos, srcText: lines[line - 1] ?? '', filepos: lineStarts + Math.max(0, linepos - 1), url };
}

export type ParseResult = { readonly ok: true; readonly document: Document } | { readonly ok: false; readonly error: ParseFailure };

export function parseXml(text: string, preserveWhiteSpace: boolean, url = ''): ParseResult {
  const doctype = /<!DOCTYPE/i.exec(text);
  if (doctype) {
    const before = text.slice(0, doctype.index).split('\n');
    return { ok: false, error: failure(text, XML_E_DTD_PROHIBITED, 'DTD is prohibited.', before.length, before[before.length - 1].length + 1, url) };
  }
  let problem: { message: string; line: number; column: number } | undefined;
  const parser = new DOMParser({
    onError: (level, message, context) => {
      if (level === 'warning' || problem) return;
      const locator = (context as { locator?: { lineNumber?: number; columnNumber?: number } } | undefined)?.locator;
      problem = { message, line: locator?.lineNumber ?? 1, column: locator?.columnNumber ?? 1 };
    },
  });
  let document: Document | undefined;
  try {
    document = parser.parseFromString(text, 'text/xml');
  } catch (error) {
    const locator = (error as { locator?: { lineNumber?: number; columnNumber?: number } }).locator;
    problem ??= { message: error instanceof Error ? error.message : String(error), line: locator?.lineNumber ?? 1, column: locator?.columnNumber ?? 1 };
  }
  if (problem || !document || !document.documentElement) {
    const found = problem ?? { message: 'missing root element', line: 1, column: 1 };
    for (const [pattern, code, reason] of MESSAGES) {
      const match = pattern.exec(found.message);
      if (match) return { ok: false, error: failure(text, code, reason(match), found.line, found.column, url) };
    }
    return { ok: false, error: failure(text, XML_E_SYNTAX, found.message.replace(/^\[xmldom \w+\]\s*/, ''), found.line, found.column, url) };
  }
  if (!preserveWhiteSpace) dropWhitespaceText(document);
  return { ok: true, document };
}

const TEXT_NODE = 3;
const ELEMENT_NODE = 1;

const XSLT_NAMESPACE = 'http://www.w3.org/1999/XSL/Transform';

/**
 * preserveWhiteSpace = False (MSXML's default): text nodes of only whitespace are not kept,
 * unless xml:space="preserve" or inside a stylesheet's xsl:text (which is there to write them).
 */
function dropWhitespaceText(node: { childNodes: ArrayLike<any>; removeChild(child: any): unknown }, preserved = false): void {
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType === TEXT_NODE && !preserved && /^[ \t\r\n]*$/.test(child.data)) node.removeChild(child);
    else if (child.nodeType === ELEMENT_NODE) {
      const space = child.getAttribute('xml:space');
      const xslText = child.localName === 'text' && child.namespaceURI === XSLT_NAMESPACE;
      dropWhitespaceText(child, xslText || space === 'preserve' || (preserved && space !== 'default'));
    }
  }
}
