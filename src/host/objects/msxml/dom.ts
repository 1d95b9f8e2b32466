/**
 * MSXML's DOM (DOMDocument 3.0 and 6.0 and their nodes) as IDispatch objects over an
 * @xmldom/xmldom tree, with XPath 1.0 from the `xpath` package for selectNodes /
 * selectSingleNode and XSLT 1.0 for transformNode (xslt.ts). One dispatch per node, so that
 * `a Is b` holds for the same node reached twice.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DOMImplementation, XMLSerializer, type Document, type Node } from '@xmldom/xmldom';
import * as xpath from 'xpath';
import { DISPID_VALUE, NOTHING, type SyncDispatch, type Variant } from '../../../automation/dispatch/contract';
import { wsmanError } from '../../../core/errors/wsman-error';
import { hostDispatch, type HostMember } from '../host-dispatch';
import { runtimeError } from '../runtime-errors';
import { toBool, toLong, toStr } from '../variants';
import { NO_PARSE_ERROR, parseXml, type ParseFailure } from './parse';
import { transformXml } from './xslt';

export type MsxmlVersion = 3 | 6;

const NODE_TYPE_STRINGS: Readonly<Record<number, string>> = {
  1: 'element',
  2: 'attribute',
  3: 'text',
  4: 'cdatasection',
  5: 'entityreference',
  6: 'entity',
  7: 'processinginstruction',
  8: 'comment',
  9: 'document',
  10: 'documenttype',
  11: 'documentfragment',
  12: 'notation',
};

const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'IXMLDOMElement',
  2: 'IXMLDOMAttribute',
  3: 'IXMLDOMText',
  4: 'IXMLDOMCDATASection',
  7: 'IXMLDOMProcessingInstruction',
  8: 'IXMLDOMComment',
  9: 'DOMDocument',
  11: 'IXMLDOMDocumentFragment',
};

/** What setProperty accepts, per MSXML. */
interface DocumentState {
  async: boolean;
  preserveWhiteSpace: boolean;
  validateOnParse: boolean;
  resolveExternals: boolean;
  selectionLanguage: string;
  selectionNamespaces: string;
  parseError: ParseFailure;
}

/** Shared by all documents: a node of one document may be passed to another's members (transformNode, appendChild). */
const dispatchOfNode = new WeakMap<object, SyncDispatch>();
const nodeOfDispatch = new WeakMap<SyncDispatch, Node>();
const stateOfDocument = new WeakMap<object, DocumentState>();

/** The host side of a script's DOM: dispatches and the nodes behind them. */
class DomObjects {

  constructor(private readonly beforeInvoke?: () => void) {}

  register(document: Document, state: DocumentState): void {
    stateOfDocument.set(document, state);
  }

  state(node: Node): DocumentState {
    const document = (node.nodeType === 9 ? node : node.ownerDocument) as object;
    return stateOfDocument.get(document)!;
  }

  /** The node behind a script's argument; anything else is "Type mismatch" as MSXML's VARIANT checks give it. */
  node(value: Variant): Node {
    const node = nodeOfDispatch.get(value as SyncDispatch);
    if (!node) throw wsmanError('E_INVALIDARG');
    return node;
  }

  /** Nothing for no node, as MSXML answers a NULL IXMLDOMNode*. */
  dispatch(node: Node | null | undefined): SyncDispatch | typeof NOTHING {
    if (!node) return NOTHING;
    let dispatch = dispatchOfNode.get(node);
    if (!dispatch) {
      dispatch = hostDispatch({ typeName: TYPE_NAMES[node.nodeType] ?? 'IXMLDOMNode', members: nodeMembers(node, this), beforeInvoke: this.beforeInvoke });
      dispatchOfNode.set(node, dispatch);
      nodeOfDispatch.set(dispatch, node);
    }
    return dispatch;
  }

  /** IXMLDOMNodeList (childNodes, selectNodes, getElementsByTagName): item(i), length, nextNode/reset, For Each. */
  list(nodes: () => readonly Node[]): SyncDispatch {
    let cursor = 0;
    const item = (index: Variant) => {
      const all = nodes();
      const position = toLong(index);
      return this.dispatch(position >= 0 && position < all.length ? all[position] : null);
    };
    return hostDispatch({
      typeName: 'IXMLDOMNodeList',
      beforeInvoke: this.beforeInvoke,
      members: {
        item: { dispid: DISPID_VALUE, params: ['index'], get: item },
        length: { dispid: 74, get: () => nodes().length },
        nextNode: { dispid: 76, call: () => item(cursor++) },
        reset: { dispid: 77, call: () => void (cursor = 0) },
      },
      enumerate: () => nodes().map((node) => this.dispatch(node)),
    });
  }

  /** IXMLDOMNamedNodeMap (attributes). */
  attributeMap(element: any): SyncDispatch {
    const all = (): Node[] => Array.from(element.attributes ?? []);
    let cursor = 0;
    const item = (index: Variant) => {
      const position = toLong(index);
      const attributes = all();
      return this.dispatch(position >= 0 && position < attributes.length ? attributes[position] : null);
    };
    return hostDispatch({
      typeName: 'IXMLDOMNamedNodeMap',
      beforeInvoke: this.beforeInvoke,
      members: {
        item: { dispid: DISPID_VALUE, params: ['index'], get: item },
        length: { dispid: 74, get: () => all().length },
        getNamedItem: { dispid: 83, params: ['name'], call: (name: Variant) => this.dispatch(element.getAttributeNode(toStr(name))) },
        setNamedItem: { dispid: 84, params: ['newItem'], call: (attribute: Variant) => this.dispatch(element.setAttributeNode(this.node(attribute))) },
        removeNamedItem: { dispid: 85, params: ['name'], call: (name: Variant) => this.dispatch(element.removeAttributeNode(element.getAttributeNode(toStr(name)))) },
        nextNode: { dispid: 76, call: () => item(cursor++) },
        reset: { dispid: 77, call: () => void (cursor = 0) },
      },
      enumerate: () => all().map((node) => this.dispatch(node)),
    });
  }
}

const serializer = new XMLSerializer();

/** `xml`: a node's markup; a document's top-level nodes each end with CRLF, as MSXML writes them. */
function xmlOf(node: Node): string {
  if (node.nodeType !== 9) return serializer.serializeToString(node).replace(/\r?\n/g, '\r\n');
  return Array.from(node.childNodes)
    .map((child) => xmlOf(child) + '\r\n')
    .join('');
}

/**
 * Markup for the XSLT processor: as `xml`, but line ends kept as they are and whitespace-only
 * text written as character references, which the processor would otherwise strip (an
 * `<xsl:text>&#10;</xsl:text>` must stay a line feed).
 */
function markupForTransform(node: Node): string {
  const whitespaceAsReferences = (n: any) =>
    n.nodeType === 3 && /^[ \t\r\n]+$/.test(n.data) ? n.data.replace(/[\t\r\n ]/g, (c: string) => `&#${c.charCodeAt(0)};`) : n;
  return serializer.serializeToString(node, whitespaceAsReferences as any);
}

function transformOf(node: Node, stylesheet: Node): string {
  return transformXml(markupForTransform(node), markupForTransform(stylesheet));
}

/** `text`: the text of the node and its descendants; surrounding whitespace trimmed for elements and documents. */
function textOf(node: any): string {
  if (node.nodeType === 1 || node.nodeType === 9 || node.nodeType === 11) return String(node.textContent ?? Array.from(node.childNodes).map(textOf).join('')).trim();
  return String(node.nodeValue ?? '');
}

function setText(node: any, value: string): void {
  if (node.nodeType === 1 || node.nodeType === 11) {
    while (node.firstChild) node.removeChild(node.firstChild);
    node.appendChild(node.ownerDocument.createTextNode(value));
  } else {
    node.nodeValue = value;
    if ('data' in node) node.data = value;
    if (node.nodeType === 2) node.value = value;
  }
}

/** SelectionNamespaces: `xmlns:a='uri1' xmlns:b="uri2"`. */
function namespaceMap(declarations: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const match of declarations.matchAll(/xmlns:([\w.-]+)\s*=\s*(?:'([^']*)'|"([^"]*)")/g)) map[match[1]] = match[2] ?? match[3];
  return map;
}

function select(node: Node, expression: string, objects: DomObjects): Node[] {
  const state = objects.state(node);
  try {
    const result = xpath.useNamespaces(namespaceMap(state.selectionNamespaces))(expression, node as any);
    if (!Array.isArray(result)) throw new Error('Expression does not return a DOM node.');
    return result as unknown as Node[];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw wsmanError('E_FAIL', { message: `${reason}\r\n-->${expression}<--`, source: 'msxml3.dll' });
  }
}

function elementsByTagName(node: any, name: string): Node[] {
  return Array.from(node.getElementsByTagName(name)) as Node[];
}

function nodeMembers(node: any, objects: DomObjects): Record<string, HostMember> {
  const d = (n: Node | null | undefined) => objects.dispatch(n);
  const members: Record<string, HostMember> = {
    nodeName: { dispid: 2, get: () => node.nodeName },
    nodeValue: { dispid: 3, get: () => (node.nodeType === 1 || node.nodeType === 9 || node.nodeType === 11 ? null : node.nodeValue), put: (value: Variant) => setText(node, toStr(value)) },
    nodeType: { dispid: 4, get: () => node.nodeType },
    parentNode: { dispid: 6, get: () => d(node.parentNode) },
    childNodes: { dispid: 7, get: () => objects.list(() => Array.from(node.childNodes ?? [])) },
    firstChild: { dispid: 8, get: () => d(node.firstChild) },
    lastChild: { dispid: 9, get: () => d(node.lastChild) },
    previousSibling: { dispid: 10, get: () => d(node.previousSibling) },
    nextSibling: { dispid: 11, get: () => d(node.nextSibling) },
    attributes: { dispid: 12, get: () => (node.nodeType === 1 ? objects.attributeMap(node) : NOTHING) },
    insertBefore: {
      dispid: 13,
      params: ['newChild', 'refChild?'],
      call: (child: Variant, ref: Variant) => d(node.insertBefore(objects.node(child), ref == null || ref === NOTHING ? null : objects.node(ref))),
    },
    replaceChild: { dispid: 14, params: ['newChild', 'oldChild'], call: (child: Variant, old: Variant) => d(node.replaceChild(objects.node(child), objects.node(old))) },
    removeChild: { dispid: 15, params: ['childNode'], call: (child: Variant) => d(node.removeChild(objects.node(child))) },
    appendChild: { dispid: 16, params: ['newChild'], call: (child: Variant) => d(node.appendChild(objects.node(child))) },
    hasChildNodes: { dispid: 17, call: () => (node.childNodes?.length ?? 0) > 0 },
    ownerDocument: { dispid: 18, get: () => d(node.ownerDocument) },
    cloneNode: { dispid: 19, params: ['deep'], call: (deep: Variant) => d(node.cloneNode(toBool(deep))) },
    nodeTypeString: { dispid: 21, get: () => NODE_TYPE_STRINGS[node.nodeType] },
    text: { dispid: 24, get: () => textOf(node), put: (value: Variant) => setText(node, toStr(value)) },
    xml: { dispid: 27, get: () => xmlOf(node) },
    transformNode: { dispid: 28, params: ['stylesheet'], call: (stylesheet: Variant) => transformOf(node, objects.node(stylesheet)) },
    selectNodes: { dispid: 29, params: ['queryString'], call: (query: Variant) => { const found = select(node, toStr(query), objects); return objects.list(() => found); } },
    selectSingleNode: { dispid: 30, params: ['queryString'], call: (query: Variant) => d(select(node, toStr(query), objects)[0]) },
    namespaceURI: { dispid: 33, get: () => node.namespaceURI ?? '' },
    prefix: { dispid: 34, get: () => node.prefix ?? '' },
    baseName: { dispid: 35, get: () => node.localName ?? node.nodeName },
    transformNodeToObject: {
      dispid: 36,
      params: ['stylesheet', 'outputObject'],
      call: (stylesheet: Variant, output: Variant) => {
        const target = objects.node(output) as any;
        const result = parseXml(transformOf(node, objects.node(stylesheet)), true);
        if (!result.ok) throw wsmanError('E_FAIL', { message: result.error.reason, source: 'msxml3.dll' });
        const imported = target.nodeType === 9 ? target : target.ownerDocument;
        if (target.nodeType === 9) while (target.firstChild) target.removeChild(target.firstChild);
        for (const child of Array.from(result.document.childNodes)) target.appendChild(imported.importNode(child, true));
      },
    },
  };
  if (node.nodeType === 1) Object.assign(members, elementMembers(node, objects));
  if (node.nodeType === 2) Object.assign(members, { name: { dispid: 118, get: () => node.name }, value: { dispid: 120, get: () => node.value, put: (v: Variant) => setText(node, toStr(v)) } });
  if (node.nodeType === 3 || node.nodeType === 4 || node.nodeType === 8 || node.nodeType === 7) {
    Object.assign(members, { data: { dispid: 109, get: () => node.data, put: (v: Variant) => setText(node, toStr(v)) }, length: { dispid: 110, get: () => String(node.data).length } });
  }
  if (node.nodeType === 7) members.target = { dispid: 127, get: () => node.target };
  if (node.nodeType === 9) Object.assign(members, documentMembers(node, objects));
  return members;
}

function elementMembers(element: any, objects: DomObjects): Record<string, HostMember> {
  return {
    tagName: { dispid: 97, get: () => element.tagName },
    // MSXML: Null for an attribute that is not there.
    getAttribute: { dispid: 99, params: ['name'], call: (name: Variant) => (element.hasAttribute(toStr(name)) ? element.getAttribute(toStr(name)) : null) },
    setAttribute: { dispid: 100, params: ['name', 'value'], call: (name: Variant, value: Variant) => element.setAttribute(toStr(name), toStr(value)) },
    removeAttribute: { dispid: 101, params: ['name'], call: (name: Variant) => element.removeAttribute(toStr(name)) },
    getAttributeNode: { dispid: 102, params: ['name'], call: (name: Variant) => objects.dispatch(element.getAttributeNode(toStr(name))) },
    setAttributeNode: { dispid: 103, params: ['DOMAttribute'], call: (attribute: Variant) => objects.dispatch(element.setAttributeNode(objects.node(attribute))) },
    removeAttributeNode: { dispid: 104, params: ['DOMAttribute'], call: (attribute: Variant) => objects.dispatch(element.removeAttributeNode(objects.node(attribute))) },
    getElementsByTagName: { dispid: 105, params: ['tagName'], call: (name: Variant) => objects.list(() => elementsByTagName(element, toStr(name))) },
    normalize: { dispid: 106, call: () => element.normalize() },
  };
}

/** The properties setProperty knows; others fail as MSXML's do (E_INVALIDARG). */
function setProperty(state: DocumentState, name: string, value: Variant): void {
  switch (name) {
    case 'SelectionLanguage': {
      const language = toStr(value);
      if (language !== 'XPath' && language !== 'XSLPattern') throw wsmanError('E_FAIL', { message: 'Invalid property value.', source: 'msxml3.dll' });
      state.selectionLanguage = language;
      return;
    }
    case 'SelectionNamespaces':
      state.selectionNamespaces = toStr(value);
      return;
    case 'ProhibitDTD':
    case 'AllowDocumentFunction':
    case 'AllowXsltScript':
    case 'NewParser':
    case 'ServerHTTPRequest':
    case 'ResolveExternals':
    case 'ValidateOnParse':
    case 'MaxElementDepth':
    case 'ForcedResync':
      return;
    default:
      throw wsmanError('E_INVALIDARG');
  }
}

function getProperty(state: DocumentState, name: string): Variant {
  if (name === 'SelectionLanguage') return state.selectionLanguage;
  if (name === 'SelectionNamespaces') return state.selectionNamespaces;
  throw wsmanError('E_INVALIDARG');
}

function pathOf(url: string): string {
  return url.startsWith('file:') ? fileURLToPath(url) : url;
}

function documentMembers(document: any, objects: DomObjects): Record<string, HostMember> {
  const state = objects.state(document);
  const d = (n: Node | null) => objects.dispatch(n);
  /** Replaces the document's content by a parsed text; on failure the document is left empty, as MSXML leaves it. */
  const loadText = (text: string, url: string): boolean => {
    while (document.firstChild) document.removeChild(document.firstChild);
    const result = parseXml(text, state.preserveWhiteSpace, url);
    if (!result.ok) {
      state.parseError = result.error;
      return false;
    }
    state.parseError = NO_PARSE_ERROR;
    for (const child of Array.from(result.document.childNodes)) document.appendChild(document.importNode(child, true));
    return true;
  };
  const flag = (read: () => boolean, write: (value: boolean) => void): HostMember => ({ get: read, put: (value: Variant) => write(toBool(value)) });
  return {
    documentElement: { dispid: 38, get: () => d(document.documentElement), putRef: (element: Variant) => {
      const root = objects.node(element);
      if (document.documentElement) document.replaceChild(root, document.documentElement);
      else document.appendChild(root);
    } },
    createElement: { dispid: 39, params: ['tagName'], call: (name: Variant) => d(document.createElement(toStr(name))) },
    createDocumentFragment: { dispid: 40, call: () => d(document.createDocumentFragment()) },
    createTextNode: { dispid: 41, params: ['data'], call: (text: Variant) => d(document.createTextNode(toStr(text))) },
    createComment: { dispid: 42, params: ['data'], call: (text: Variant) => d(document.createComment(toStr(text))) },
    createCDATASection: { dispid: 43, params: ['data'], call: (text: Variant) => d(document.createCDATASection(toStr(text))) },
    createProcessingInstruction: { dispid: 44, params: ['target', 'data'], call: (target: Variant, data: Variant) => d(document.createProcessingInstruction(toStr(target), toStr(data))) },
    createAttribute: { dispid: 45, params: ['name'], call: (name: Variant) => d(document.createAttribute(toStr(name))) },
    getElementsByTagName: { dispid: 47, params: ['tagName'], call: (name: Variant) => objects.list(() => elementsByTagName(document, toStr(name))) },
    createNode: {
      dispid: 54,
      params: ['type', 'name', 'namespaceURI'],
      call: (type: Variant, name: Variant, namespace: Variant) => {
        const kind = typeof type === 'string' ? Object.entries(NODE_TYPE_STRINGS).find(([, text]) => text === type.toLowerCase())?.[0] : toLong(type);
        const uri = toStr(namespace);
        switch (Number(kind)) {
          case 1:
            return d(uri ? document.createElementNS(uri, toStr(name)) : document.createElement(toStr(name)));
          case 2:
            return d(uri ? document.createAttributeNS(uri, toStr(name)) : document.createAttribute(toStr(name)));
          case 3:
            return d(document.createTextNode(''));
          case 8:
            return d(document.createComment(''));
          default:
            throw wsmanError('E_INVALIDARG');
        }
      },
    },
    readyState: { dispid: -525, get: () => 4 },
    parseError: { dispid: 59, get: () => parseErrorObject(state.parseError) },
    url: { dispid: 60, get: () => state.parseError.url || null },
    async: { dispid: 61, ...flag(() => state.async, (v) => (state.async = v)) },
    load: {
      dispid: 63,
      params: ['xmlSource'],
      call: (source: Variant) => {
        const url = toStr(source);
        let text: string;
        try {
          text = readFileSync(pathOf(url), 'utf8');
        } catch {
          state.parseError = { ...NO_PARSE_ERROR, errorCode: 0x800c0005 | 0, reason: 'The system cannot locate the resource specified.\r\n', url };
          while (document.firstChild) document.removeChild(document.firstChild);
          return false;
        }
        return loadText(text.replace(/^\uFEFF/, ''), url);
      },
    },
    loadXML: { dispid: 65, params: ['bstrXML'], call: (text: Variant) => loadText(toStr(text), '') },
    save: {
      dispid: 66,
      params: ['destination'],
      call: (destination: Variant) => {
        try {
          writeFileSync(pathOf(toStr(destination)), xmlOf(document));
        } catch {
          throw runtimeError(70);
        }
      },
    },
    validateOnParse: { dispid: 65537, ...flag(() => state.validateOnParse, (v) => (state.validateOnParse = v)) },
    resolveExternals: { dispid: 65538, ...flag(() => state.resolveExternals, (v) => (state.resolveExternals = v)) },
    preserveWhiteSpace: { dispid: 65539, ...flag(() => state.preserveWhiteSpace, (v) => (state.preserveWhiteSpace = v)) },
    setProperty: { dispid: 201, params: ['name', 'value'], call: (name: Variant, value: Variant) => setProperty(state, toStr(name), value) },
    getProperty: { dispid: 202, params: ['name'], call: (name: Variant) => getProperty(state, toStr(name)) },
  };
}

function parseErrorObject(error: ParseFailure): SyncDispatch {
  return hostDispatch({
    typeName: 'IXMLDOMParseError',
    members: {
      errorCode: { dispid: DISPID_VALUE, get: () => error.errorCode },
      url: { dispid: 179, get: () => error.url },
      reason: { dispid: 180, get: () => error.reason },
      srcText: { dispid: 181, get: () => error.srcText },
      line: { dispid: 182, get: () => error.line },
      linepos: { dispid: 183, get: () => error.linepos },
      filepos: { dispid: 184, get: () => error.filepos },
    },
  });
}

/** A new, empty DOMDocument: version 3 for the version-independent ProgIDs (XSLPattern by default), 6 for DOMDocument.6.0. */
export function createDomDocument(version: MsxmlVersion, beforeInvoke?: () => void): SyncDispatch {
  const document = new DOMImplementation().createDocument(null, '');
  const objects = new DomObjects(beforeInvoke);
  objects.register(document, {
    async: true,
    preserveWhiteSpace: false,
    validateOnParse: true,
    resolveExternals: version === 3,
    selectionLanguage: version === 3 ? 'XSLPattern' : 'XPath',
    selectionNamespaces: '',
    parseError: NO_PARSE_ERROR,
  });
  return objects.dispatch(document) as SyncDispatch;
}
