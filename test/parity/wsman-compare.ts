/**
 * Comparing WS-Management messages by meaning: a canonical form of elements (namespace URI +
 * local name, attributes, text; prefixes and declarations ignored), the semantic request headers
 * of an envelope, what a recorded fault should become for a COM caller, and how a recorded request
 * is re-issued through the COM Session so that our client sends the same operation.
 */
import { WSManEnumFlags as E } from '../../src/automation/flags';
import type { Session } from '../../src/automation/session';
import type { WSMan } from '../../src/automation/wsman';
import type { ComResult } from '../../src/core/hresult';
import { ACTION, NS } from '../../src/core/protocol/namespaces';
import { attribute, childElements, parseXml, serializeXml, type XmlElement } from '../../src/core/protocol/xml';

// ---- canonical form ------------------------------------------------------------------------------

export type Canonical = { readonly name: string; readonly attributes: Readonly<Record<string, string>>; readonly children: ReadonlyArray<Canonical | string> };

export interface CanonicalOptions {
  /** Drop whitespace-only text between elements (pretty-printed peers); otherwise every character counts. */
  readonly ignoreWhitespaceText?: boolean;
}

const qualifiedName = (namespace: string, localName: string): string => (namespace === '' ? localName : `{${namespace}}${localName}`);

export function canonical(element: XmlElement, options: CanonicalOptions = {}): Canonical {
  const attributes: Record<string, string> = {};
  for (const a of [...element.attributes].sort((x, y) => qualifiedName(x.namespace, x.localName).localeCompare(qualifiedName(y.namespace, y.localName)))) {
    attributes[qualifiedName(a.namespace, a.localName)] = a.value;
  }
  const children: Array<Canonical | string> = [];
  for (const node of element.children) {
    if (node.kind === 'text') {
      const last = children[children.length - 1];
      if (typeof last === 'string') children[children.length - 1] = last + node.text;
      else children.push(node.text);
    } else {
      children.push(canonical(node, options));
    }
  }
  const kept = options.ignoreWhitespaceText ? children.filter((c) => typeof c !== 'string' || c.trim() !== '') : children;
  return { name: qualifiedName(element.namespace, element.localName), attributes, children: kept };
}

export function canonicalOf(xml: string, options: CanonicalOptions = {}): Canonical {
  return canonical(parseXml(xml), options);
}

// ---- small XML helpers (independent of the client's own readers) -------------------------------------

export function findChild(element: XmlElement | undefined, namespace: string, localName: string): XmlElement | undefined {
  return element ? childElements(element).find((e) => e.namespace === namespace && e.localName === localName) : undefined;
}

export function findChildren(element: XmlElement | undefined, namespace: string, localName: string): XmlElement[] {
  return element ? childElements(element).filter((e) => e.namespace === namespace && e.localName === localName) : [];
}

/** Text of the element's direct text children. */
export function ownText(element: XmlElement): string {
  return element.children.map((n) => (n.kind === 'text' ? n.text : '')).join('');
}

export interface Envelope {
  readonly root: XmlElement;
  readonly header: XmlElement | undefined;
  readonly body: XmlElement;
  /** The element children of s:Body. */
  readonly bodyElements: XmlElement[];
}

export function envelopeOf(text: string): Envelope {
  const root = parseXml(text);
  if (root.namespace !== NS.soap || root.localName !== 'Envelope') throw new Error(`not a SOAP 1.2 envelope: {${root.namespace}}${root.localName}`);
  const body = findChild(root, NS.soap, 'Body');
  if (!body) throw new Error('envelope without s:Body');
  return { root, header: findChild(root, NS.soap, 'Header'), body, bodyElements: childElements(body) };
}

// ---- semantic request headers ----------------------------------------------------------------------

export interface SemanticOption {
  readonly name: string;
  readonly value: string | null;
  readonly mustComply?: string;
  readonly type?: string;
}

export interface SemanticHeaders {
  To?: string;
  ResourceURI?: string;
  ReplyToAddress?: string;
  Action?: string;
  MaxEnvelopeSize?: string;
  MessageID?: string;
  Locale?: string;
  DataLocale?: string;
  SessionId?: string;
  OperationID?: string;
  OperationTimeout?: string;
  SelectorSet?: Array<readonly [string, string]>;
  OptionSet?: SemanticOption[];
  /** s:mustUnderstand of each header that carries one (ReplyTo/Address for the address). */
  mustUnderstand: Record<string, string>;
  /** Header elements not in the list above, as {ns}local. */
  others: string[];
}

export const ZERO_UUID = 'uuid:00000000-0000-0000-0000-000000000000';

/** MessageID / SessionId / OperationID with the GUID zeroed (pypsrp's replays do the same). */
export function normaliseUuid(value: string): string {
  return /^uuid:[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/.test(value) ? ZERO_UUID : value;
}

const HEADER_NAMES: ReadonlyArray<readonly [string, string, keyof SemanticHeaders]> = [
  [NS.addressing, 'To', 'To'],
  [NS.wsman, 'ResourceURI', 'ResourceURI'],
  [NS.addressing, 'Action', 'Action'],
  [NS.wsman, 'MaxEnvelopeSize', 'MaxEnvelopeSize'],
  [NS.addressing, 'MessageID', 'MessageID'],
  [NS.msWsman, 'SessionId', 'SessionId'],
  [NS.msWsman, 'OperationID', 'OperationID'],
  [NS.wsman, 'OperationTimeout', 'OperationTimeout'],
];

export function semanticHeaders(envelopeText: string): SemanticHeaders {
  const { header } = envelopeOf(envelopeText);
  if (!header) throw new Error('request without s:Header');
  const result: SemanticHeaders = { mustUnderstand: {}, others: [] };
  const mu = (element: XmlElement, name: string): void => {
    const value = attribute(element, 'mustUnderstand', NS.soap);
    if (value !== undefined) result.mustUnderstand[name] = value;
  };
  for (const element of childElements(header)) {
    const known = HEADER_NAMES.find(([ns, local]) => element.namespace === ns && element.localName === local);
    if (known) {
      const text = ownText(element).trim();
      (result as unknown as Record<string, string>)[known[2]] = ['MessageID', 'SessionId', 'OperationID'].includes(known[2]) ? normaliseUuid(text) : text;
      mu(element, known[2]);
    } else if (element.namespace === NS.addressing && element.localName === 'ReplyTo') {
      const address = findChild(element, NS.addressing, 'Address');
      if (address) {
        result.ReplyToAddress = ownText(address).trim();
        mu(address, 'ReplyTo/Address');
      }
      mu(element, 'ReplyTo');
    } else if (element.namespace === NS.wsman && element.localName === 'Locale') {
      result.Locale = attribute(element, 'lang', NS.xml) ?? '';
      mu(element, 'Locale');
    } else if (element.namespace === NS.msWsman && element.localName === 'DataLocale') {
      result.DataLocale = attribute(element, 'lang', NS.xml) ?? '';
      mu(element, 'DataLocale');
    } else if (element.namespace === NS.wsman && element.localName === 'SelectorSet') {
      result.SelectorSet = findChildren(element, NS.wsman, 'Selector').map((s) => [attribute(s, 'Name') ?? '', ownText(s).trim()] as const);
      mu(element, 'SelectorSet');
    } else if (element.namespace === NS.wsman && element.localName === 'OptionSet') {
      result.OptionSet = findChildren(element, NS.wsman, 'Option').map((o) => {
        const mustComply = attribute(o, 'MustComply');
        const type = attribute(o, 'Type');
        const nil = attribute(o, 'nil', NS.xsi);
        return { name: attribute(o, 'Name') ?? '', value: nil === 'true' ? null : ownText(o), ...(mustComply ? { mustComply } : {}), ...(type ? { type } : {}) };
      });
      mu(element, 'OptionSet');
    } else {
      result.others.push(qualifiedName(element.namespace, element.localName));
    }
  }
  return result;
}

/**
 * Header values that legitimately differ between a peer's request and ours: the peer's own
 * defaults, not protocol information. Every other semantic header must be equal.
 */
export interface PeerDifference {
  readonly ours: (value: string | undefined) => boolean;
  readonly theirs: (value: string | undefined) => boolean;
  readonly why: string;
}

const oneOf =
  (...values: Array<string | undefined>) =>
  (value: string | undefined): boolean =>
    values.includes(value);
const urlPath = (value: string | undefined): string | undefined => (value === undefined ? undefined : new URL(value).pathname);

export const EXPECTED_PEER_DIFFERENCES: Readonly<Record<'pypsrp' | 'winrm4j', Readonly<Record<string, PeerDifference>>>> = {
  pypsrp: {
    To: {
      ours: (v) => urlPath(v) === '/wsman',
      theirs: (v) => urlPath(v) === '/wsman',
      why: 'different endpoints (the recorded Windows hosts vs the replay server); the path /wsman is the same',
    },
    MaxEnvelopeSize: {
      ours: oneOf('512000'),
      theirs: oneOf('153600', '512000'),
      why: 'pypsrp starts with 153600 and switches to the server value after reading winrm/config; Windows sends MaxEnvelopeSizekb×1024 = 512000',
    },
    OperationTimeout: {
      ours: oneOf('PT60.000S'),
      theirs: oneOf('PT20S', 'PT10S', 'PT30S', 'PT-1S'),
      why: 'pypsrp default PT20S (PT-1S is the deliberate bad value of test_psrp_is_alive_other_wsman_error); Windows sends PT60.000S',
    },
  },
  winrm4j: {
    To: {
      ours: (v) => urlPath(v) === '/wsman',
      theirs: oneOf('${serviceUrl}'),
      why: 'winrm4j recordings carry a ${serviceUrl} placeholder',
    },
    MessageID: { ours: oneOf(ZERO_UUID), theirs: oneOf('${messageId}'), why: 'winrm4j recordings carry a ${messageId} placeholder' },
    MaxEnvelopeSize: { ours: oneOf('512000'), theirs: oneOf('153600'), why: 'winrm4j uses the old 150 KB default' },
    OperationTimeout: { ours: oneOf('PT60.000S'), theirs: oneOf('PT60S'), why: 'same 60 s; Windows writes three decimals' },
    DataLocale: { ours: oneOf('en-US'), theirs: oneOf(undefined), why: 'winrm4j sends the old (Win7-era) header set without p:DataLocale' },
    SessionId: { ours: oneOf(ZERO_UUID), theirs: oneOf(undefined), why: 'winrm4j sends no p:SessionId (optional header)' },
    mustUnderstand: {
      ours: () => true,
      theirs: (v) => v === '{}',
      why: 'winrm4j (JAX-WS) sends no s:mustUnderstand attributes at all',
    },
  },
};

/** Applies the table: checks each listed header on both sides, then removes it; returns what must be equal. */
export function withoutExpectedDifferences(
  ours: SemanticHeaders,
  theirs: SemanticHeaders,
  peer: 'pypsrp' | 'winrm4j',
): { ours: Record<string, unknown>; theirs: Record<string, unknown>; violations: string[] } {
  const a: Record<string, unknown> = { ...ours };
  const b: Record<string, unknown> = { ...theirs };
  const violations: string[] = [];
  for (const [key, difference] of Object.entries(EXPECTED_PEER_DIFFERENCES[peer])) {
    const show = (v: unknown): string | undefined => (v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v));
    if (!difference.ours(show(a[key]))) violations.push(`ours ${key}=${show(a[key])}`);
    if (!difference.theirs(show(b[key]))) violations.push(`${peer} ${key}=${show(b[key])}`);
    delete a[key];
    delete b[key];
  }
  return { ours: a, theirs: b, violations };
}

// ---- faults as the COM caller should see them ------------------------------------------------------

export interface ExpectedFault {
  /** From f:WSManFault/@Code (Win32 codes as HRESULT_FROM_WIN32) or MSFT_WmiError error_Code; undefined without either. */
  readonly hresult: number | undefined;
  /** The innermost provider message (f:WSManFault → f:Message → f:ProviderFault → …), else the Reason. */
  readonly message: string;
  /** The detail element Session.Error must reproduce. */
  readonly detail: XmlElement | undefined;
}

function asHResult(code: number): number {
  return code > 0 && code < 0x10000 ? (0x80070000 | code) >>> 0 : code >>> 0;
}

/** The deepest message text: inside a ProviderFault, the nested WSManFault's message or the fault's own text. */
function innermostMessage(wsmanFault: XmlElement): string {
  const message = findChild(wsmanFault, NS.wsmanFault, 'Message');
  if (!message) return '';
  const provider = findChild(message, NS.wsmanFault, 'ProviderFault');
  if (!provider) return ownText(message).trim();
  const nested = findChild(provider, NS.wsmanFault, 'WSManFault');
  return nested ? innermostMessage(nested) : ownText(provider).trim();
}

export function expectedFault(responseText: string): ExpectedFault | undefined {
  const { bodyElements } = envelopeOf(responseText);
  const fault = bodyElements[0];
  if (!fault || fault.namespace !== NS.soap || fault.localName !== 'Fault') return undefined;
  const reasonText = findChild(findChild(fault, NS.soap, 'Reason'), NS.soap, 'Text');
  const reason = reasonText ? ownText(reasonText).trim() : '';
  const detail = findChild(fault, NS.soap, 'Detail');
  const wsmanFault = findChild(detail, NS.wsmanFault, 'WSManFault');
  if (wsmanFault) {
    return { hresult: asHResult(Number(attribute(wsmanFault, 'Code'))), message: innermostMessage(wsmanFault) || reason, detail: wsmanFault };
  }
  const wmiError = findChild(detail, NS.wmiError, 'MSFT_WmiError');
  if (wmiError) {
    const code = findChild(wmiError, NS.wmiError, 'error_Code');
    const message = findChild(wmiError, NS.wmiError, 'Message');
    return { hresult: asHResult(Number(ownText(code!).trim())), message: message ? ownText(message).trim() : reason, detail: wmiError };
  }
  return { hresult: undefined, message: reason, detail: undefined };
}

// ---- re-issuing a recorded request through the COM object model --------------------------------------

export type Operation = 'get' | 'create' | 'delete' | 'enumerate' | 'invoke';

export interface Outcome {
  readonly operation: Operation;
  readonly result: ComResult<unknown>;
  /** Enumerate: the items ReadItem returned (all of them), and whether AtEndOfStream became true. */
  readonly items?: string[];
  readonly atEnd?: boolean;
}

const ENUMERATION_MODE_FLAGS: Readonly<Record<string, number>> = {
  EnumerateEPR: E.WSManFlagReturnEPR,
  EnumerateObjectAndEPR: E.WSManFlagReturnObjectAndEPR,
};

/** The single body element of a request as standalone XML (what a script would pass). */
function bodyParameter(envelope: Envelope): string {
  if (envelope.bodyElements.length !== 1) throw new Error(`expected one body element, found ${envelope.bodyElements.length}`);
  return serializeXml(envelope.bodyElements[0]);
}

/**
 * Sends the operation of a recorded request through Session: same resource URI, selectors,
 * options (MustComply, OptionSet mustUnderstand), action and body.
 */
export async function reissue(wsman: WSMan, session: Session, recordedRequest: string): Promise<Outcome> {
  const envelope = envelopeOf(recordedRequest);
  const headers = semanticHeaders(recordedRequest);
  const locator = wsman.CreateResourceLocator(headers.ResourceURI!).value!;
  for (const [name, value] of headers.SelectorSet ?? []) locator.AddSelector(name, value);
  for (const option of headers.OptionSet ?? []) locator.AddOption(option.name, option.value, option.mustComply === 'true' ? 1 : 0);
  if (headers.mustUnderstand.OptionSet === 'true') locator.put_MustUnderstandOptions(1);

  switch (headers.Action) {
    case ACTION.get:
      if (envelope.bodyElements.length !== 0) throw new Error('Get with a body');
      return { operation: 'get', result: await session.Get(locator) };
    case ACTION.delete:
      if (envelope.bodyElements.length !== 0) throw new Error('Delete with a body');
      return { operation: 'delete', result: await session.Delete(locator) };
    case ACTION.create:
      return { operation: 'create', result: await session.Create(locator, bodyParameter(envelope)) };
    case ACTION.enumerate: {
      const enumerate = envelope.bodyElements[0];
      if (envelope.bodyElements.length !== 1 || enumerate.namespace !== NS.enumeration || enumerate.localName !== 'Enumerate') throw new Error('not an n:Enumerate body');
      const known = new Set(['OptimizeEnumeration', 'MaxElements', 'EnumerationMode', 'Filter']);
      for (const element of childElements(enumerate)) if (!known.has(element.localName)) throw new Error(`unexpected Enumerate child ${element.localName}`);
      const maxElements = findChild(enumerate, NS.wsman, 'MaxElements');
      if (!findChild(enumerate, NS.wsman, 'OptimizeEnumeration') || !maxElements) throw new Error('only optimized enumerations are replayed');
      session.put_BatchItems(Number(ownText(maxElements).trim()));
      const mode = findChild(enumerate, NS.wsman, 'EnumerationMode');
      const flags = mode ? ENUMERATION_MODE_FLAGS[ownText(mode).trim()] : 0;
      const filterElement = findChild(enumerate, NS.wsman, 'Filter') ?? findChild(enumerate, NS.enumeration, 'Filter');
      let filter = '';
      let dialect = '';
      if (filterElement) {
        dialect = attribute(filterElement, 'Dialect') ?? '';
        const inner = childElements(filterElement);
        if (inner.length > 1) throw new Error('filter with several elements');
        filter = inner.length === 1 ? serializeXml(inner[0]) : ownText(filterElement);
      }
      const result = await session.Enumerate(locator, filter, dialect, flags);
      if (result.error) return { operation: 'enumerate', result };
      const enumerator = result.value as unknown as { ReadItem(): Promise<ComResult<string>>; get_AtEndOfStream(): ComResult<boolean> };
      const items: string[] = [];
      for (let guard = 0; guard < 1000 && !enumerator.get_AtEndOfStream().value; guard += 1) {
        const item = await enumerator.ReadItem();
        if (item.error) throw new Error(`ReadItem failed: ${item.error.description}`);
        items.push(item.value);
      }
      return { operation: 'enumerate', result, items, atEnd: enumerator.get_AtEndOfStream().value === true };
    }
    default:
      return { operation: 'invoke', result: await session.Invoke(headers.Action!, locator, bodyParameter(envelope)) };
  }
}

/** Why a recorded request has no COM equivalent, or undefined when reissue() can send it. */
export function notExpressibleThroughCom(recordedRequest: string): string | undefined {
  const action = semanticHeaders(recordedRequest).Action;
  const standard: string[] = [ACTION.get, ACTION.put, ACTION.create, ACTION.delete, ACTION.enumerate];
  if (action !== undefined && !standard.includes(action) && envelopeOf(recordedRequest).bodyElements.length === 0) return `${action} has an empty body`;
  return undefined;
}

/** The items of an optimized EnumerateResponse (w:Items) or PullResponse (n:Items). */
export function recordedItems(responseText: string): XmlElement[] {
  const response = envelopeOf(responseText).bodyElements[0];
  const items = findChild(response, NS.wsman, 'Items') ?? findChild(response, NS.enumeration, 'Items');
  return items ? childElements(items) : [];
}
