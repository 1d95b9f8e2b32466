/**
 * Reading SOAP messages by namespace URI: the envelope, the WS-Management request headers a
 * service needs, and the addressing headers a client checks on a reply.
 */
import { wsmanError } from '../errors/wsman-error';
import { NS } from './namespaces';
import { attribute, child, childElements, isNil, textContent, type XmlElement } from './xml';
import type { FragmentTransfer, OptionEntry } from './envelope';

export interface SoapMessage {
  readonly root: XmlElement;
  readonly header: XmlElement | undefined;
  readonly body: XmlElement | undefined;
}

/** The Envelope's Header and Body; a SOAP 1.1 (or any other) envelope is a version mismatch. */
export function readSoapMessage(root: XmlElement): SoapMessage {
  if (root.localName !== 'Envelope') throw wsmanError('ERROR_WSMAN_INVALID_XML');
  if (root.namespace !== NS.soap) throw wsmanError('ERROR_WSMAN_SOAP_VERSION_MISMATCH');
  return { root, header: child(root, NS.soap, 'Header'), body: child(root, NS.soap, 'Body') };
}

/** `s:mustUnderstand="true"` (or "1"); undefined when the attribute is absent. */
export function mustUnderstandOf(element: XmlElement): boolean | undefined {
  const value = attribute(element, 'mustUnderstand', NS.soap);
  if (value === undefined) return undefined;
  return value.trim() === 'true' || value.trim() === '1';
}

export interface SelectorEntry {
  readonly name: string;
  /** Text of the selector; '' when the value is an EPR. */
  readonly value: string;
  readonly endpointReference?: XmlElement;
}

export interface LocaleHeader {
  readonly language: string | undefined;
  readonly mustUnderstand: boolean | undefined;
}

export interface RequestHeaderFields {
  readonly to?: string;
  readonly resourceUri?: string;
  readonly action?: string;
  readonly actionMustUnderstand?: boolean;
  readonly replyToAddress?: string;
  readonly hasReplyTo: boolean;
  readonly messageId?: string;
  readonly maxEnvelopeSize?: string;
  readonly operationTimeout?: string;
  readonly locale?: LocaleHeader;
  readonly dataLocale?: LocaleHeader;
  readonly selectors: readonly SelectorEntry[];
  readonly options: readonly OptionEntry[];
  readonly fragment?: FragmentTransfer & { readonly mustUnderstand: boolean | undefined };
  /** Headers marked mustUnderstand that this implementation does not know. */
  readonly notUnderstood: readonly XmlElement[];
}

/** The headers a request may carry that this implementation knows, by namespace and local name; the service reads the named ones. */
type ReadHeader = 'to' | 'resourceUri' | 'replyTo' | 'action' | 'messageId' | 'maxEnvelopeSize' | 'locale' | 'selectorSet' | 'optionSet' | 'operationTimeout' | 'fragment' | 'dataLocale';
const KNOWN_HEADERS: ReadonlyMap<string, ReadonlyMap<string, ReadHeader | 'known'>> = new Map([
  [
    NS.addressing,
    new Map<string, ReadHeader | 'known'>([
      ['To', 'to'],
      ['ReplyTo', 'replyTo'],
      ['Action', 'action'],
      ['MessageID', 'messageId'],
      ['From', 'known'],
      ['FaultTo', 'known'],
    ]),
  ],
  [
    NS.wsman,
    new Map<string, ReadHeader | 'known'>([
      ['ResourceURI', 'resourceUri'],
      ['MaxEnvelopeSize', 'maxEnvelopeSize'],
      ['Locale', 'locale'],
      ['SelectorSet', 'selectorSet'],
      ['OptionSet', 'optionSet'],
      ['OperationTimeout', 'operationTimeout'],
      ['FragmentTransfer', 'fragment'],
      ['RequestTotalItemsCountEstimate', 'known'],
    ]),
  ],
  [
    NS.msWsman,
    new Map<string, ReadHeader | 'known'>([
      ['DataLocale', 'dataLocale'],
      ['SessionId', 'known'],
      ['OperationID', 'known'],
      ['SequenceId', 'known'],
      ['ActivityId', 'known'],
    ]),
  ],
  [NS.shell, new Map<string, ReadHeader | 'known'>([['CompressionType', 'known']])],
]);

function readLocale(element: XmlElement | undefined): LocaleHeader | undefined {
  if (!element) return undefined;
  return { language: attribute(element, 'lang', NS.xml), mustUnderstand: mustUnderstandOf(element) };
}

export function readSelectors(selectorSet: XmlElement | undefined): SelectorEntry[] {
  if (!selectorSet) return [];
  return childElements(selectorSet)
    .filter((element) => element.namespace === NS.wsman && element.localName === 'Selector')
    .map((element) => {
      const endpointReference = child(element, NS.addressing, 'EndpointReference');
      return {
        name: attribute(element, 'Name') ?? '',
        value: endpointReference ? '' : textContent(element).trim(),
        ...(endpointReference ? { endpointReference } : {}),
      };
    });
}

function readOptions(optionSet: XmlElement | undefined): OptionEntry[] {
  if (!optionSet) return [];
  return childElements(optionSet)
    .filter((element) => element.namespace === NS.wsman && element.localName === 'Option')
    .map((element) => {
      const type = attribute(element, 'Type');
      const mustComply = attribute(element, 'MustComply');
      return {
        name: attribute(element, 'Name') ?? '',
        value: isNil(element) ? null : textContent(element),
        ...(type !== undefined ? { type } : {}),
        ...(mustComply !== undefined ? { mustComply: mustComply === 'true' || mustComply === '1' } : {}),
      };
    });
}

function optionalText(element: XmlElement | undefined): string | undefined {
  return element ? textContent(element).trim() : undefined;
}

/** Extracts the request headers without judging them; the service decides what is acceptable. */
export function readRequestHeader(header: XmlElement | undefined): RequestHeaderFields {
  // One pass over the headers: the first of each kind is the one read, as child() would find it.
  const found: Record<ReadHeader, XmlElement | undefined> = {
    to: undefined,
    resourceUri: undefined,
    replyTo: undefined,
    action: undefined,
    messageId: undefined,
    maxEnvelopeSize: undefined,
    locale: undefined,
    selectorSet: undefined,
    optionSet: undefined,
    operationTimeout: undefined,
    fragment: undefined,
    dataLocale: undefined,
  };
  const notUnderstood: XmlElement[] = [];
  for (const node of header ? header.children : []) {
    if (node.kind !== 'element') continue;
    const known = KNOWN_HEADERS.get(node.namespace)?.get(node.localName);
    if (known === undefined) {
      if (mustUnderstandOf(node) === true) notUnderstood.push(node);
    } else if (known !== 'known' && found[known] === undefined) {
      found[known] = node;
    }
  }
  const { action, replyTo, fragment } = found;
  const replyToAddress = replyTo ? optionalText(child(replyTo, NS.addressing, 'Address')) : undefined;
  const fragmentDialect = fragment ? attribute(fragment, 'Dialect') : undefined;
  return {
    to: optionalText(found.to),
    resourceUri: optionalText(found.resourceUri),
    action: optionalText(action),
    actionMustUnderstand: action ? mustUnderstandOf(action) : undefined,
    hasReplyTo: replyTo !== undefined,
    replyToAddress,
    messageId: optionalText(found.messageId),
    maxEnvelopeSize: optionalText(found.maxEnvelopeSize),
    operationTimeout: optionalText(found.operationTimeout),
    locale: readLocale(found.locale),
    dataLocale: readLocale(found.dataLocale),
    selectors: readSelectors(found.selectorSet),
    options: readOptions(found.optionSet),
    fragment: fragment
      ? { path: textContent(fragment).trim(), mustUnderstand: mustUnderstandOf(fragment), ...(fragmentDialect ? { dialect: fragmentDialect } : {}) }
      : undefined,
    notUnderstood,
  };
}

export interface ResponseHeaderFields {
  readonly action?: string;
  readonly messageId?: string;
  readonly relatesTo?: string;
}

/** The addressing headers a client checks on a reply (RelatesTo byte for byte, wire.md §6.29). */
export function readResponseHeader(header: XmlElement | undefined): ResponseHeaderFields {
  const text = (localName: string): string | undefined => {
    const element = header ? child(header, NS.addressing, localName) : undefined;
    return element ? textContent(element).trim() : undefined;
  };
  return { action: text('Action'), messageId: text('MessageID'), relatesTo: text('RelatesTo') };
}
