/**
 * Namespace-aware XML for SOAP: fast-xml-parser reads the text (order preserved), this module
 * resolves prefixes to namespace URIs itself, decodes character references, and refuses what a
 * WS-Management peer must never accept (DOCTYPE and entity declarations, unknown entities,
 * unbound prefixes, more than one root element). The wire hot paths read with wire-reader.ts,
 * which builds the same tree in one pass.
 */
import { XMLParser } from 'fast-xml-parser';
import { escapeXmlAttribute, escapeXmlText } from '../errors/fault-xml';
import { NS } from './namespaces';
import { checkWellFormed, MAX_DEPTH } from './well-formed';

export interface XmlAttribute {
  readonly prefix: string;
  readonly localName: string;
  /** '' for unprefixed attributes (they are in no namespace). */
  readonly namespace: string;
  readonly value: string;
}

export interface XmlText {
  readonly kind: 'text';
  readonly text: string;
}

export interface XmlElement {
  readonly kind: 'element';
  readonly prefix: string;
  readonly localName: string;
  readonly namespace: string;
  /** Ordinary attributes; namespace declarations are in `declarations`. */
  readonly attributes: readonly XmlAttribute[];
  /** Namespace declarations written on this element ('' = default namespace). */
  readonly declarations: ReadonlyMap<string, string>;
  /** Every prefix binding in scope at this element, its own declarations included. */
  readonly scope: NamespaceScope;
  readonly children: readonly XmlNode[];
  /**
   * Set by the wire reader (wire-reader.ts): the document the element was read from, and where in
   * it the element's text starts and ends (`source.slice(sourceStart, sourceEnd)` is that text).
   */
  readonly source?: string;
  readonly sourceStart?: number;
  readonly sourceEnd?: number;
}

export type XmlNode = XmlElement | XmlText;

/**
 * Prefix bindings in scope: an element's own declarations chained to its parent's scope, so that
 * building a scope costs what the element declares, never a copy of every binding above it (a
 * copy per element is quadratic in a document of many declarations).
 */
export class NamespaceScope {
  static readonly EMPTY = new NamespaceScope(new Map(), undefined);
  /** Bindings visible here, counting a re-declared prefix once per declaration (an upper bound). */
  readonly size: number;

  constructor(
    private readonly own: ReadonlyMap<string, string>,
    private readonly parent: NamespaceScope | undefined,
  ) {
    this.size = own.size + (parent?.size ?? 0);
  }

  get(prefix: string): string | undefined {
    for (let scope: NamespaceScope | undefined = this; scope; scope = scope.parent) {
      const uri = scope.own.get(prefix);
      if (uri !== undefined) return uri;
    }
    return undefined;
  }

  /** A prefix bound to `uri` here (the innermost one not shadowed by a re-declaration), if any. */
  prefixFor(uri: string): string | undefined {
    for (let scope: NamespaceScope | undefined = this; scope; scope = scope.parent) {
      for (const [prefix, bound] of scope.own) if (bound === uri && this.get(prefix) === uri) return prefix;
    }
    return undefined;
  }
}

/** More bindings in scope at one element are refused (docs/decisions.md, "XML limits"); nesting is limited by the gate. */
export const MAX_BINDINGS_IN_SCOPE = 1024;

/** The input is not well-formed XML, or uses a construct WS-Management forbids. */
export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
  // No callbacks use the path strings; building them is a third of the parse.
  jPath: false,
  // The gate refuses deeper documents; the parser's own, lower default must not refuse first.
  maxNestedTags: MAX_DEPTH + 1,
});

type RawNode = Record<string, unknown>;

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeReferences(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new XmlSyntaxError(`unterminated reference "${whole.slice(0, 20)}"`);
    if (Object.hasOwn(PREDEFINED_ENTITIES, name)) return PREDEFINED_ENTITIES[name];
    const numeric = /^#(x[0-9A-Fa-f]+|[0-9]+)$/.exec(name);
    if (numeric) {
      const codePoint = numeric[1].startsWith('x') ? parseInt(numeric[1].slice(1), 16) : parseInt(numeric[1], 10);
      if (codePoint === 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
        throw new XmlSyntaxError(`invalid character reference "${whole}"`);
      }
      return String.fromCodePoint(codePoint);
    }
    throw new XmlSyntaxError(`undeclared entity "${whole.slice(0, 40)}"`);
  });
}

function splitName(qualifiedName: string): { prefix: string; localName: string } {
  const colon = qualifiedName.indexOf(':');
  return colon === -1
    ? { prefix: '', localName: qualifiedName }
    : { prefix: qualifiedName.slice(0, colon), localName: qualifiedName.slice(colon + 1) };
}

/** The namespace of `prefix` on an element or attribute named `qualified` (the name is only for the error). */
export function resolvePrefix(prefix: string, scope: NamespaceScope, kind: 'element' | 'attribute', qualified: string): string {
  if (prefix === 'xml') return NS.xml;
  const uri = scope.get(prefix);
  if (uri === undefined) {
    if (prefix === '') return '';
    throw new XmlSyntaxError(`unbound namespace prefix "${prefix}" on ${kind} ${qualified}`);
  }
  return uri;
}

/**
 * fast-xml-parser copies text a character at a time: a 500 KB base64 stream (a shell's Receive or
 * Send) costs it a hundred milliseconds and more. Long runs of base64 text (which can only be
 * element content: no quote, no markup) are set aside before it parses and put back after; a
 * document that already holds the marker character is parsed as it is.
 */
const LONG_TEXT = 1024;
const SET_ASIDE_OPEN = '\uE000';
const SET_ASIDE = /\uE000(\d+)\uE001/g;
const PLAIN_RUN = /^[A-Za-z0-9+/=\s]*$/;

function setAsideLongTexts(text: string): { skeleton: string; texts: string[] } {
  const texts: string[] = [];
  if (text.length < LONG_TEXT || text.includes(SET_ASIDE_OPEN)) return { skeleton: text, texts };
  const parts: string[] = [];
  let copied = 0;
  for (let close = text.indexOf('>'); close !== -1; close = text.indexOf('>', close + 1)) {
    const open = text.indexOf('<', close + 1);
    if (open === -1) break;
    if (open - close - 1 >= LONG_TEXT) {
      const run = text.slice(close + 1, open);
      if (PLAIN_RUN.test(run)) {
        parts.push(text.slice(copied, close + 1), `\uE000${texts.length}\uE001`);
        texts.push(run);
        copied = open;
      }
    }
    close = open;
  }
  if (texts.length === 0) return { skeleton: text, texts };
  parts.push(text.slice(copied));
  return { skeleton: parts.join(''), texts };
}

function restored(text: string, texts: readonly string[]): string {
  return texts.length === 0 || !text.includes(SET_ASIDE_OPEN) ? text : text.replace(SET_ASIDE, (_m, index: string) => texts[Number(index)]);
}

function textOf(raw: RawNode, texts: readonly string[] = []): string | undefined {
  if ('#text' in raw) return restored(decodeReferences(String(raw['#text'])), texts);
  if ('#cdata' in raw) {
    const inner = raw['#cdata'] as RawNode[];
    return restored(inner.map((node) => String(node['#text'] ?? '')).join(''), texts);
  }
  return undefined;
}

/** Shared by every element without declarations, attributes or children (most of a large document). */
export const NO_DECLARATIONS: ReadonlyMap<string, string> = new Map();
export const NO_NODES: readonly never[] = Object.freeze([]);

function elementName(raw: RawNode): string {
  for (const key in raw) if (key !== ':@') return key;
  throw new XmlSyntaxError('element without a name');
}

function buildElement(raw: RawNode, parentScope: NamespaceScope, texts: readonly string[]): XmlElement {
  const qualifiedName = elementName(raw);
  const rawAttributes = raw[':@'] as Record<string, string> | undefined;

  let declarations = NO_DECLARATIONS;
  const plainAttributes: [string, string][] = [];
  for (const name in rawAttributes) {
    const value = rawAttributes[name];
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      if (declarations === NO_DECLARATIONS) declarations = new Map();
      (declarations as Map<string, string>).set(name === 'xmlns' ? '' : name.slice(6), decodeReferences(value));
    } else {
      plainAttributes.push([name, value]);
    }
  }
  let scope = parentScope;
  if (declarations.size > 0) {
    scope = new NamespaceScope(declarations, parentScope);
    if (scope.size > MAX_BINDINGS_IN_SCOPE) throw new XmlSyntaxError(`more than ${MAX_BINDINGS_IN_SCOPE} namespace bindings in scope`);
  }

  // Elements without attributes or children (most of a large document) share one empty array.
  const attributes: readonly XmlAttribute[] =
    plainAttributes.length === 0
      ? NO_NODES
      : plainAttributes.map(([name, value]) => {
          const { prefix, localName } = splitName(name);
          const namespace = prefix === '' ? '' : resolvePrefix(prefix, scope, 'attribute', name);
          return { prefix, localName, namespace, value: decodeReferences(value) };
        });

  const { prefix, localName } = splitName(qualifiedName);
  const rawChildren = raw[qualifiedName] as RawNode[];
  const children: readonly XmlNode[] =
    rawChildren.length === 0
      ? NO_NODES
      : rawChildren.map((child): XmlNode => {
          const text = textOf(child, texts);
          return text === undefined ? buildElement(child, scope, texts) : { kind: 'text', text };
        });
  return {
    kind: 'element',
    prefix,
    localName,
    namespace: resolvePrefix(prefix, scope, 'element', qualifiedName),
    attributes,
    declarations,
    scope,
    children,
  };
}

/** Parses a document and returns its root element. Throws XmlSyntaxError for anything not acceptable. */
export function parseXml(text: string): XmlElement {
  const problem = checkWellFormed(text);
  if (problem) throw new XmlSyntaxError(`${problem.reason} (offset ${problem.offset})`);
  const { skeleton, texts } = setAsideLongTexts(text);
  let raw: RawNode[];
  try {
    raw = parser.parse(skeleton) as RawNode[];
  } catch (error) {
    throw new XmlSyntaxError(error instanceof Error ? error.message : String(error));
  }
  // The gate guarantees one root; comments and processing instructions are not in `raw`.
  const root = raw.find((node) => textOf(node) === undefined);
  if (!root) throw new XmlSyntaxError('a document must have exactly one root element');
  return buildElement(root, NamespaceScope.EMPTY, texts);
}

// ---- reading helpers ---------------------------------------------------------------------------

export function isElement(node: XmlNode): node is XmlElement {
  return node.kind === 'element';
}

export function childElements(element: XmlElement): XmlElement[] {
  return element.children.filter(isElement);
}

export function children(element: XmlElement, namespace: string, localName: string): XmlElement[] {
  return element.children.filter(
    (node): node is XmlElement => isElement(node) && node.localName === localName && node.namespace === namespace,
  );
}

/** The first child element of that name (a scan that stops there: no list of every child is made). */
export function child(element: XmlElement, namespace: string, localName: string): XmlElement | undefined {
  for (const node of element.children) {
    if (node.kind === 'element' && node.localName === localName && node.namespace === namespace) return node;
  }
  return undefined;
}

/** The first child element, whatever its name (e.g. what a SOAP Body carries), found without listing them all. */
export function firstChildElement(element: XmlElement): XmlElement | undefined {
  for (const node of element.children) if (node.kind === 'element') return node;
  return undefined;
}

export function attribute(element: XmlElement, localName: string, namespace = ''): string | undefined {
  return element.attributes.find((a) => a.localName === localName && a.namespace === namespace)?.value;
}

/** The element's own character data (direct text children, concatenated). */
export function textContent(element: XmlElement): string {
  let text = '';
  for (const node of element.children) if (node.kind === 'text') text += node.text;
  return text;
}

/** True when `xsi:nil="true"` is set. */
export function isNil(element: XmlElement): boolean {
  const nil = attribute(element, 'nil', NS.xsi);
  return nil === 'true' || nil === '1';
}

/** Resolves a QName written in content (e.g. `s:Sender`) against the element's scope. */
export function resolveQName(element: XmlElement, qname: string): { namespace: string; localName: string } {
  const { prefix, localName } = splitName(qname.trim());
  return { namespace: element.scope.get(prefix) ?? (prefix === '' ? '' : `urn:unbound:${prefix}`), localName };
}

// ---- writing -----------------------------------------------------------------------------------

function qualified(prefix: string, localName: string): string {
  return prefix === '' ? localName : `${prefix}:${localName}`;
}

/**
 * Prefixes a subtree uses (names and xsi:type-style QName values) but does not declare itself.
 * `declared` counts the declarations of each prefix on the path from the subtree's root.
 */
function undeclaredPrefixes(element: XmlElement, declared: Map<string, number>, found: Set<string>): void {
  for (const prefix of element.declarations.keys()) declared.set(prefix, (declared.get(prefix) ?? 0) + 1);
  const use = (prefix: string): void => {
    if (prefix !== 'xml' && !declared.get(prefix)) found.add(prefix);
  };
  use(element.prefix);
  for (const attr of element.attributes) {
    if (attr.prefix !== '') use(attr.prefix);
    if (attr.localName === 'type' && attr.namespace === NS.xsi && attr.value.includes(':')) use(splitName(attr.value).prefix);
  }
  for (const node of element.children) if (isElement(node)) undeclaredPrefixes(node, declared, found);
  for (const prefix of element.declarations.keys()) declared.set(prefix, declared.get(prefix)! - 1);
}

function writeElement(element: XmlElement, extraDeclarations: ReadonlyMap<string, string>, out: string[]): void {
  const name = qualified(element.prefix, element.localName);
  out.push('<', name);
  for (const [prefix, uri] of [...extraDeclarations, ...element.declarations]) {
    out.push(' ', prefix === '' ? 'xmlns' : `xmlns:${prefix}`, '="', escapeXmlAttribute(uri), '"');
  }
  for (const attr of element.attributes) {
    out.push(' ', qualified(attr.prefix, attr.localName), '="', escapeXmlAttribute(attr.value), '"');
  }
  if (element.children.length === 0) {
    out.push('/>');
    return;
  }
  out.push('>');
  for (const node of element.children) {
    if (node.kind === 'text') out.push(escapeXmlText(node.text));
    else writeElement(node, new Map(), out);
  }
  out.push('</', name, '>');
}

/** Declarations for the bindings a subtree inherits and uses (none when it is self-contained). */
function inheritedDeclarations(element: XmlElement): Map<string, string> {
  const needed = new Set<string>();
  undeclaredPrefixes(element, new Map(), needed);
  const extra = new Map<string, string>();
  for (const prefix of needed) {
    const uri = element.scope.get(prefix);
    if (uri !== undefined) extra.set(prefix, uri);
  }
  return extra;
}

/**
 * The element as standalone XML text: namespace bindings it inherits and uses are declared on it,
 * so the text parses the same on its own (how an item or resource is handed to a script).
 */
export function serializeXml(element: XmlElement): string {
  return written(element, inheritedDeclarations(element));
}

/**
 * The element as standalone XML text without writing it again where it can be helped: its exact
 * source text when the wire reader kept it and it declares every binding it uses, else serializeXml.
 */
export function standaloneXml(element: XmlElement): string {
  const extra = inheritedDeclarations(element);
  if (extra.size === 0 && element.source !== undefined) return element.source.slice(element.sourceStart, element.sourceEnd);
  return written(element, extra);
}

function written(element: XmlElement, extraDeclarations: ReadonlyMap<string, string>): string {
  const out: string[] = [];
  writeElement(element, extraDeclarations, out);
  return out.join('');
}
