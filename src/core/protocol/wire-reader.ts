/**
 * The wire-path XML reader: every reply the client reads and every request the endpoint reads
 * (docs/decisions.md, "XML readers"). One forward scan does what parseXml does in three
 * passes — the well-formedness gate, fast-xml-parser and the namespace-resolving tree build — and
 * builds the same XmlElement tree: the same checks and limits, DOCTYPE refused, references decoded
 * with the same rejections, line ends normalized, text split and merged the same way (comments
 * merge the text around them; CDATA sections and processing instructions split it). Each element
 * also records where its text lies in the source, so that it can be handed on as a slice; long
 * texts are slices of the source, never copies.
 */
import { MAX_ATTRIBUTES, MAX_DEPTH, NAME } from './well-formed';
import {
  decodeReferences,
  MAX_BINDINGS_IN_SCOPE,
  NamespaceScope,
  NO_DECLARATIONS,
  NO_NODES,
  resolvePrefix,
  XmlSyntaxError,
  type XmlAttribute,
  type XmlElement,
  type XmlNode,
} from './xml';

/** Reads one document and returns its root element, each element with its source span. Throws XmlSyntaxError. */
export function readWireXml(text: string): XmlElement {
  return new WireReader(text).read();
}

type Building = { -readonly [K in keyof XmlElement]: XmlElement[K] };

interface QualifiedName {
  readonly qualified: string;
  readonly prefix: string;
  readonly localName: string;
}

/** ASCII characters by what they may be in a name: 1 start it, 2 continue it. */
const ASCII_NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[:A-Z_a-z]/.test(ch)) ASCII_NAME[c] = 3;
  else if (/[-.0-9]/.test(ch)) ASCII_NAME[c] = 2;
}
/** Names with characters beyond ASCII are matched by the full production. */
const FULL_NAME = new RegExp(NAME, 'uy');
/** Refused as element and attribute names, as parseXml refuses them (names that pollute prototypes where they become keys). */
const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
/**
 * Names read lately, in every document, by a hash of the length and four characters, each found
 * again by comparing in place: messages repeat few names many times (the envelope's in every
 * request and reply), and a known name is then neither copied nor split again. An entry is only a
 * name, the same whichever document wrote it, and holds its own copy of the text.
 */
const NAME_CACHE_SIZE = 1024;
const names: (QualifiedName | undefined)[] = new Array(NAME_CACHE_SIZE);
/** V8 makes a slice this long a view that keeps its whole source string alive. */
const SLICE_VIEW_LENGTH = 13;

/** Longer names (hostile ones) are read but not kept. */
const MAX_CACHED_NAME = 256;
const nameCodes: number[] = [];

/** text[from, to) as a flat string of its own (to - from ≤ MAX_CACHED_NAME): no view of a document kept alive by the name cache. */
function ownCopy(text: string, from: number, to: number): string {
  if (to - from < SLICE_VIEW_LENGTH) return text.slice(from, to);
  nameCodes.length = to - from;
  for (let i = from; i < to; i++) nameCodes[i - from] = text.charCodeAt(i);
  return String.fromCharCode.apply(null, nameCodes);
}
const LINE_ENDS = /\r\n?/g;
const DOCTYPE = /^<!DOCTYPE/i;
const LATE_XML_DECLARATION = /^<\?xml[\s?]/i;

const GT = 0x3e;
const SLASH = 0x2f;
const CR = 0x0d;

/** What separates names inside a tag: JavaScript's `\s`, as the gate and fast-xml-parser read it. */
function isTagSpace(c: number): boolean {
  if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) return true;
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** `xmlns` or `xmlns:…`: a namespace declaration, not an attribute. */
function isDeclaration(name: QualifiedName): boolean {
  return name.prefix === '' ? name.qualified === 'xmlns' : name.prefix === 'xmlns';
}

function isXmlSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === CR;
}

function fail(reason: string, offset: number): never {
  throw new XmlSyntaxError(`${reason} (offset ${offset})`);
}

class WireReader {
  /** Open elements, innermost last, with their names for the end-tag check. */
  private readonly open: Building[] = [];
  private readonly openNames: QualifiedName[] = [];
  /** Children of the open elements, each element's after its parent's; copied out exactly sized on close. */
  private readonly childStack: XmlNode[] = [];
  /** Entries of childStack in use (it is not shrunk, to spare the runtime call). */
  private children = 0;
  private readonly childStarts: number[] = [];
  private root: XmlElement | undefined;
  private rootSeen = false;
  /** Character data since the last element, CDATA section or processing instruction (comments do not end it). */
  private pendingText = '';
  private pendingReferences = false;
  /** Where the next `]]>`, `&`, CR and `<` at or after the scan position are: -1 none left, -2 not searched yet. */
  private nextCdataEnd = -2;
  private nextAmp = -2;
  private nextCr = -2;
  private nextLt = -2;
  // Scratch for the attributes of one start tag.
  private readonly attributeNames: QualifiedName[] = [];
  private readonly attributeValues: string[] = [];
  private readonly attributeReferences: boolean[] = [];

  constructor(private readonly text: string) {}

  read(): XmlElement {
    const { text } = this;
    const length = text.length;
    let position = 0;
    while (position < length) {
      const lt = text.indexOf('<', position);
      const end = lt === -1 ? length : lt;
      if (end > position) this.characterData(position, end);
      if (lt === -1) break;
      position = this.markup(lt);
    }
    if (this.open.length > 0) fail(`element <${this.openNames[this.openNames.length - 1].qualified}> is not closed`, length);
    if (!this.root) fail('no root element', 0);
    return this.root;
  }

  private characterData(from: number, to: number): void {
    const { text } = this;
    if (this.open.length === 0) {
      for (let i = from; i < to; i++) {
        if (!isXmlSpace(text.charCodeAt(i))) fail(this.rootSeen ? 'text after the root element' : 'text before the root element', from);
      }
      return;
    }
    if (this.nextCdataEnd !== -1 && this.nextCdataEnd < from) this.nextCdataEnd = text.indexOf(']]>', from);
    if (this.nextCdataEnd !== -1 && this.nextCdataEnd < to) fail('"]]>" in character data', from);
    let segment = text.slice(from, to);
    if (this.crBefore(from, to)) segment = segment.replace(LINE_ENDS, '\n');
    if (this.ampBefore(from, to)) this.pendingReferences = true;
    this.pendingText = this.pendingText === '' ? segment : this.pendingText + segment;
  }

  // Whether a CR, `&` or `<` lies in [from, to): calls come in document order, so each search is linear overall.
  private crBefore(from: number, to: number): boolean {
    if (this.nextCr !== -1 && this.nextCr < from) this.nextCr = this.text.indexOf('\r', from);
    return this.nextCr !== -1 && this.nextCr < to;
  }

  private ampBefore(from: number, to: number): boolean {
    if (this.nextAmp !== -1 && this.nextAmp < from) this.nextAmp = this.text.indexOf('&', from);
    return this.nextAmp !== -1 && this.nextAmp < to;
  }

  private ltBefore(from: number, to: number): boolean {
    if (this.nextLt !== -1 && this.nextLt < from) this.nextLt = this.text.indexOf('<', from);
    return this.nextLt !== -1 && this.nextLt < to;
  }

  /** The pending character data as a text node of the innermost open element. */
  private flushText(): void {
    if (this.pendingText === '') return;
    const text = this.pendingReferences ? decodeReferences(this.pendingText) : this.pendingText;
    this.pendingText = '';
    this.pendingReferences = false;
    this.childStack[this.children++] = { kind: 'text', text };
  }

  /** Consumes the markup starting at `lt`; returns the offset after it. */
  private markup(lt: number): number {
    const { text } = this;
    const next = text.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */) {
      if (text.startsWith('<!--', lt)) return this.closedBy(lt, lt + 4, '-->', 'comment');
      if (text.startsWith('<![CDATA[', lt)) return this.cdata(lt);
      fail(DOCTYPE.test(text.slice(lt, lt + 9)) ? 'DOCTYPE is not allowed' : 'unexpected markup declaration', lt);
    }
    if (next === 0x3f /* ? */) {
      if (lt !== 0 && LATE_XML_DECLARATION.test(text.slice(lt, lt + 6))) fail('XML declaration not at the start', lt);
      const end = this.closedBy(lt, lt + 2, '?>', 'processing instruction');
      if (this.open.length > 0) this.flushText();
      return end;
    }
    return next === SLASH ? this.endTag(lt) : this.startTag(lt);
  }

  private closedBy(lt: number, from: number, terminator: string, what: string): number {
    const at = this.text.indexOf(terminator, from);
    if (at === -1) fail(`${what} is not closed`, lt);
    return at + terminator.length;
  }

  private cdata(lt: number): number {
    if (this.open.length === 0) fail('CDATA outside the root element', lt);
    const end = this.closedBy(lt, lt + 9, ']]>', 'CDATA section');
    this.flushText();
    let content = this.text.slice(lt + 9, end - 3);
    if (this.crBefore(lt + 9, end - 3)) content = content.replace(LINE_ENDS, '\n');
    this.childStack[this.children++] = { kind: 'text', text: content };
    return end;
  }

  /** The end of the name starting at `at`, or -1 when none starts there. */
  private nameEnd(at: number): number {
    const { text } = this;
    let c = text.charCodeAt(at);
    if (c < 128) {
      if ((ASCII_NAME[c] & 1) === 0) return -1;
      for (let i = at + 1; ; i++) {
        c = text.charCodeAt(i);
        if (c >= 128) break;
        // Past the end of the text, charCodeAt is NaN.
        if (!(c < 128) || ASCII_NAME[c] === 0) return i;
      }
    } else if (!(c >= 128)) {
      return -1;
    }
    FULL_NAME.lastIndex = at;
    return FULL_NAME.test(text) ? FULL_NAME.lastIndex : -1;
  }

  /** The name written in [from, to), split at its first colon. */
  private nameAt(from: number, to: number, lt: number): QualifiedName {
    const { text } = this;
    const length = to - from;
    const slot =
      ((((length * 31 + text.charCodeAt(from)) * 31 + text.charCodeAt(from + (length >> 2))) * 31 + text.charCodeAt(from + (length >> 1))) * 31 + text.charCodeAt(to - 1)) &
      (NAME_CACHE_SIZE - 1);
    const known = names[slot];
    if (known !== undefined && known.qualified.length === length && text.startsWith(known.qualified, from)) return known;
    const cached = length <= MAX_CACHED_NAME;
    const qualified = cached ? ownCopy(text, from, to) : text.slice(from, to);
    if (RESERVED_NAMES.has(qualified)) fail(`reserved name "${qualified}"`, lt);
    const colon = qualified.indexOf(':');
    const name = colon === -1 ? { qualified, prefix: '', localName: qualified } : { qualified, prefix: qualified.slice(0, colon), localName: qualified.slice(colon + 1) };
    if (cached) names[slot] = name;
    return name;
  }

  private skipSpace(at: number): number {
    while (isTagSpace(this.text.charCodeAt(at))) at++;
    return at;
  }

  private endTag(lt: number): number {
    const { text } = this;
    const nameEnd = this.nameEnd(lt + 2);
    if (nameEnd === -1) fail('malformed end tag', lt);
    const gt = this.skipSpace(nameEnd);
    if (text.charCodeAt(gt) !== GT) fail('malformed end tag', lt);
    const depth = this.open.length;
    if (depth === 0) fail(`end tag </${text.slice(lt + 2, nameEnd)}> without a start tag`, lt);
    const expected = this.openNames[depth - 1].qualified;
    if (nameEnd - lt - 2 !== expected.length || !text.startsWith(expected, lt + 2)) fail(`</${text.slice(lt + 2, nameEnd)}> closes <${expected}>`, lt);
    this.flushText();
    const element = this.open.pop()!;
    this.openNames.pop();
    element.sourceEnd = gt + 1;
    const start = this.childStarts.pop()!;
    if (this.children > start) {
      element.children = this.childStack.slice(start, this.children);
      this.children = start;
    }
    if (depth === 1) this.root = element;
    return gt + 1;
  }

  private startTag(lt: number): number {
    const { text, attributeNames, attributeValues, attributeReferences } = this;
    const nameEnd = this.nameEnd(lt + 1);
    if (nameEnd === -1) fail('malformed start tag', lt);
    let count = 0;
    let position = nameEnd;
    let selfClosing = false;
    for (;;) {
      const at = this.skipSpace(position);
      const c = text.charCodeAt(at);
      if (c === GT) {
        position = at + 1;
        break;
      }
      if (c === SLASH) {
        if (text.charCodeAt(at + 1) !== GT) fail('malformed start tag', lt);
        position = at + 2;
        selfClosing = true;
        break;
      }
      // An attribute: whitespace, a name, `=`, a quoted value without `<`.
      const attributeEnd = at === position ? -1 : this.nameEnd(at);
      if (attributeEnd === -1) fail('malformed start tag', lt);
      let valueStart = this.skipSpace(attributeEnd);
      if (text.charCodeAt(valueStart) !== 0x3d /* = */) fail('malformed start tag', lt);
      valueStart = this.skipSpace(valueStart + 1);
      const quote = text.charCodeAt(valueStart);
      if (quote !== 0x22 && quote !== 0x27) fail('malformed start tag', lt);
      const end = text.indexOf(quote === 0x22 ? '"' : "'", valueStart + 1);
      if (end === -1 || this.ltBefore(valueStart + 1, end)) fail('malformed start tag', lt);
      if (count === MAX_ATTRIBUTES) fail(`more than ${MAX_ATTRIBUTES} attributes on one element`, lt);
      let value = text.slice(valueStart + 1, end);
      if (this.crBefore(valueStart + 1, end)) value = value.replace(LINE_ENDS, '\n');
      attributeNames[count] = this.nameAt(at, attributeEnd, lt);
      attributeValues[count] = value;
      attributeReferences[count] = this.ampBefore(valueStart + 1, end);
      count++;
      position = end + 1;
    }
    const depth = this.open.length;
    if (depth === 0) {
      if (this.rootSeen) fail('a second root element', lt);
      this.rootSeen = true;
    }
    if (count > 1) this.checkUnique(count, lt);
    if (!selfClosing && depth === MAX_DEPTH) fail(`elements nested deeper than ${MAX_DEPTH} levels`, lt);

    const parentScope = depth === 0 ? NamespaceScope.EMPTY : this.open[depth - 1].scope;
    let declarations = NO_DECLARATIONS;
    let plain = 0;
    for (let i = 0; i < count; i++) {
      const name = attributeNames[i];
      if (isDeclaration(name)) {
        if (declarations === NO_DECLARATIONS) declarations = new Map();
        (declarations as Map<string, string>).set(name.prefix === '' ? '' : name.localName, this.attributeValue(i));
      } else {
        plain++;
      }
    }
    let scope = parentScope;
    if (declarations.size > 0) {
      scope = new NamespaceScope(declarations, parentScope);
      if (scope.size > MAX_BINDINGS_IN_SCOPE) fail(`more than ${MAX_BINDINGS_IN_SCOPE} namespace bindings in scope`, lt);
    }
    let attributes: readonly XmlAttribute[] = NO_NODES;
    if (plain > 0) {
      const list: XmlAttribute[] = new Array(plain);
      let index = 0;
      for (let i = 0; i < count; i++) {
        const { qualified, prefix, localName } = attributeNames[i];
        if (isDeclaration(attributeNames[i])) continue;
        const namespace = prefix === '' ? '' : resolvePrefix(prefix, scope, 'attribute', qualified);
        list[index++] = { prefix, localName, namespace, value: this.attributeValue(i) };
      }
      attributes = list;
    }

    const name = this.nameAt(lt + 1, nameEnd, lt);
    if (depth > 0) this.flushText();
    const element: Building = {
      kind: 'element',
      prefix: name.prefix,
      localName: name.localName,
      namespace: resolvePrefix(name.prefix, scope, 'element', name.qualified),
      attributes,
      declarations,
      scope,
      children: NO_NODES,
      source: text,
      sourceStart: lt,
      sourceEnd: position,
    };
    if (depth > 0) this.childStack[this.children++] = element;
    if (selfClosing) {
      if (depth === 0) this.root = element;
    } else {
      this.open.push(element);
      this.openNames.push(name);
      this.childStarts.push(this.children);
    }
    return position;
  }

  /** The value of scratch attribute `index`, its references decoded. */
  private attributeValue(index: number): string {
    const value = this.attributeValues[index];
    return this.attributeReferences[index] ? decodeReferences(value) : value;
  }

  /** Refuses a repeated attribute name (as written: prefix and local name). */
  private checkUnique(count: number, lt: number): void {
    const names = this.attributeNames;
    if (count <= 8) {
      for (let i = 1; i < count; i++) {
        for (let j = 0; j < i; j++) if (names[i].qualified === names[j].qualified) fail(`attribute ${names[i].qualified} repeated`, lt);
      }
      return;
    }
    const seen = new Set<string>();
    for (let i = 0; i < count; i++) {
      if (seen.has(names[i].qualified)) fail(`attribute ${names[i].qualified} repeated`, lt);
      seen.add(names[i].qualified);
    }
  }
}
