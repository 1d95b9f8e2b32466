/**
 * SOAP envelopes in the shapes Windows writes (wire.md §2.1, §2.3, §3.1): requests as the Windows
 * client sends them, responses as the WinRM service answers. No XML declaration, no indentation.
 */
import { escapeXmlAttribute, escapeXmlText } from '../errors/fault-xml';
import type { Selector } from '../session/resource-uri';
import { formatDuration } from './duration';
import { ANONYMOUS_ADDRESS, NS, namespaceDeclarations, type NamespaceKey } from './namespaces';

export interface OptionEntry {
  readonly name: string;
  /** null writes `xsi:nil="true"`. */
  readonly value: string | null;
  readonly type?: string;
  readonly mustComply?: boolean;
}

export interface FragmentTransfer {
  readonly path: string;
  readonly dialect?: string;
}

export interface RequestHeader {
  readonly to: string;
  readonly resourceUri: string;
  readonly action: string;
  /** Octets: the client's MaxEnvelopeSizekb × 1024. */
  readonly maxEnvelopeSize: number;
  /** `uuid:` + upper-case GUID. */
  readonly messageId: string;
  readonly locale: string;
  readonly dataLocale: string;
  readonly sessionId?: string;
  readonly selectors?: readonly Selector[];
  readonly options?: readonly OptionEntry[];
  /** ResourceLocator.MustUnderstandOptions: the service must fault on options it does not know. */
  readonly optionSetMustUnderstand?: boolean;
  readonly operationTimeoutMs: number;
  readonly fragment?: FragmentTransfer;
}

/** `uuid:` + an upper-case random GUID, the MessageID form of the Windows client and service. */
export function newMessageId(): string {
  return `uuid:${crypto.randomUUID().toUpperCase()}`;
}

const ENVELOPE_OPEN_REQUEST = `<s:Envelope${namespaceDeclarations(['soap', 'addressing', 'wsman', 'msWsman'])}>`;

export function selectorSetXml(selectors: readonly Selector[]): string {
  if (selectors.length === 0) return '';
  const items = selectors.map((s) => `<w:Selector Name="${escapeXmlAttribute(s.name)}">${escapeXmlText(s.value)}</w:Selector>`);
  return `<w:SelectorSet>${items.join('')}</w:SelectorSet>`;
}

function optionSetXml(options: readonly OptionEntry[], mustUnderstand: boolean): string {
  if (options.length === 0) return '';
  const items = options.map((option) => {
    const attributes =
      ` Name="${escapeXmlAttribute(option.name)}"` +
      (option.mustComply ? ' MustComply="true"' : '') +
      (option.type ? ` Type="${escapeXmlAttribute(option.type)}"` : '');
    return option.value === null
      ? `<w:Option${attributes} xsi:nil="true"/>`
      : `<w:Option${attributes}>${escapeXmlText(option.value)}</w:Option>`;
  });
  return `<w:OptionSet xmlns:xsi="${NS.xsi}"${mustUnderstand ? ' s:mustUnderstand="true"' : ''}>${items.join('')}</w:OptionSet>`;
}

/** The request header in the modern Windows order: To, ResourceURI, ReplyTo, Action, … OperationTimeout. */
export function requestHeaderXml(header: RequestHeader): string {
  const fragment = header.fragment
    ? `<w:FragmentTransfer s:mustUnderstand="true"${header.fragment.dialect ? ` Dialect="${escapeXmlAttribute(header.fragment.dialect)}"` : ''}>` +
      `${escapeXmlText(header.fragment.path)}</w:FragmentTransfer>`
    : '';
  return (
    '<s:Header>' +
    `<a:To>${escapeXmlText(header.to)}</a:To>` +
    `<w:ResourceURI s:mustUnderstand="true">${escapeXmlText(header.resourceUri)}</w:ResourceURI>` +
    `<a:ReplyTo><a:Address s:mustUnderstand="true">${ANONYMOUS_ADDRESS}</a:Address></a:ReplyTo>` +
    `<a:Action s:mustUnderstand="true">${escapeXmlText(header.action)}</a:Action>` +
    `<w:MaxEnvelopeSize s:mustUnderstand="true">${header.maxEnvelopeSize}</w:MaxEnvelopeSize>` +
    `<a:MessageID>${escapeXmlText(header.messageId)}</a:MessageID>` +
    `<w:Locale xml:lang="${escapeXmlAttribute(header.locale)}" s:mustUnderstand="false" />` +
    `<p:DataLocale xml:lang="${escapeXmlAttribute(header.dataLocale)}" s:mustUnderstand="false" />` +
    (header.sessionId ? `<p:SessionId s:mustUnderstand="false">${escapeXmlText(header.sessionId)}</p:SessionId>` : '') +
    selectorSetXml(header.selectors ?? []) +
    optionSetXml(header.options ?? [], header.optionSetMustUnderstand === true) +
    `<w:OperationTimeout>${formatDuration(header.operationTimeoutMs)}</w:OperationTimeout>` +
    fragment +
    '</s:Header>'
  );
}

export function buildRequestEnvelope(header: RequestHeader, bodyXml: string): string {
  return `${ENVELOPE_OPEN_REQUEST}${requestHeaderXml(header)}<s:Body>${bodyXml}</s:Body></s:Envelope>`;
}

/** Identify has no addressing headers at all (wire.md §3.1). */
export function buildIdentifyEnvelope(): string {
  return `<s:Envelope${namespaceDeclarations(['soap', 'identity'])}><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>`;
}

export interface ResponseEnvelope {
  readonly action: string;
  readonly relatesTo: string;
  readonly messageId?: string;
  readonly bodyXml: string;
  /** Namespaces declared on the envelope besides s, a, x, w, p (faults add e and n). */
  readonly extraNamespaces?: readonly NamespaceKey[];
}

/** The declarations of a response without extra namespaces (most of them), written once. */
const RESPONSE_DECLARATIONS = namespaceDeclarations(['soap', 'addressing', 'transfer', 'wsman', 'msWsman']);

/** A service response: `xml:lang` on the envelope, Action, MessageID, To anonymous, RelatesTo. */
export function buildResponseEnvelope(response: ResponseEnvelope): string {
  const extra = response.extraNamespaces ?? [];
  const declarations = extra.length === 0 ? RESPONSE_DECLARATIONS : namespaceDeclarations(['soap', 'addressing', 'transfer', ...extra, 'wsman', 'msWsman']);
  return (
    `<s:Envelope xml:lang="en-US"${declarations}><s:Header>` +
    `<a:Action>${escapeXmlText(response.action)}</a:Action>` +
    `<a:MessageID>${response.messageId ?? newMessageId()}</a:MessageID>` +
    `<a:To>${ANONYMOUS_ADDRESS}</a:To>` +
    `<a:RelatesTo>${escapeXmlText(response.relatesTo)}</a:RelatesTo>` +
    `</s:Header><s:Body>${response.bodyXml}</s:Body></s:Envelope>`
  );
}

/** Identify answers with an empty header. */
export function buildIdentifyResponseEnvelope(bodyXml: string): string {
  return `<s:Envelope xml:lang="en-US"${namespaceDeclarations(['soap'])}><s:Header/><s:Body>${bodyXml}</s:Body></s:Envelope>`;
}
