/**
 * A request the service has accepted: the headers of wire.md §2.2 checked the way a Windows
 * service checks them, with the limits of its own configuration applied.
 */
import { wsmanError } from '../../core/errors/wsman-error';
import { parseDuration } from '../../core/protocol/duration';
import type { FragmentTransfer, OptionEntry } from '../../core/protocol/envelope';
import { readRequestHeader, type RequestHeaderFields, type SoapMessage } from '../../core/protocol/message';
import { ANONYMOUS_ADDRESS, DIALECT, NS } from '../../core/protocol/namespaces';
import { childElements, type XmlElement } from '../../core/protocol/xml';
import type { Selector } from '../../core/session/resource-uri';
import type { WinRMConfig } from '../config/winrm-config';
import type { Principal } from '../principal';

export interface WSManRequest {
  /** a:To as the client wrote it (the address ResourceCreated points back to). */
  readonly to: string;
  readonly action: string;
  readonly messageId: string;
  readonly resourceUri: string;
  readonly selectors: readonly Selector[];
  readonly options: readonly OptionEntry[];
  /** Octets the response may take: the client's MaxEnvelopeSize, never above the service's own. */
  readonly maxEnvelopeSize: number;
  /** The client's OperationTimeout, capped at MaxTimeoutms. */
  readonly operationTimeoutMs: number;
  readonly fragment?: FragmentTransfer;
  /** First element inside s:Body, if any. */
  readonly body: XmlElement | undefined;
  readonly principal: Principal;
  /** The client's IP address (a shell's rsp:ClientIP). */
  readonly clientAddress?: string;
  /** Bytes per character of the reply encoding (UTF-16 doubles every size). */
  readonly bytesPerUnit?: 1 | 2;
  /** Aborted when the service stops waiting (OperationTimeout): a long poll must let go then, taking nothing. */
  readonly signal?: AbortSignal;
}

/** Smallest MaxEnvelopeSize a service accepts (wire.md §2.2, MS-WSMV §3.1.4.1.7). */
export const MIN_ENVELOPE_SIZE = 8192;

/** The request's headers, read once: their MessageID lets even a refused request get a fault that relates to it. */
export function requestHeaderOf(message: SoapMessage): RequestHeaderFields {
  return readRequestHeader(message.header);
}

function firstBodyElement(message: SoapMessage): XmlElement | undefined {
  return message.body ? childElements(message.body)[0] : undefined;
}

/** The last OperationTimeout read and its milliseconds: a client sends the same value with every request. */
let lastDuration: { readonly text: string; readonly ms: number | undefined } | undefined;

function durationMs(text: string): number | undefined {
  if (lastDuration?.text !== text) lastDuration = { text, ms: parseDuration(text) };
  return lastDuration.ms;
}

export function validateRequest(message: SoapMessage, header: RequestHeaderFields, config: WinRMConfig, principal: Principal): WSManRequest {
  const notUnderstood = header.notUnderstood[0];
  if (notUnderstood) throw wsmanError('ERROR_WSMAN_SOAP_FAULT_MUST_UNDERSTAND');
  if (header.action === undefined || header.messageId === undefined || !header.hasReplyTo || header.resourceUri === undefined) {
    throw wsmanError('ERROR_WSMAN_MESSAGE_INFORMATION_HEADER_REQUIRED');
  }
  if (header.messageId === '' || header.action === '') throw wsmanError('ERROR_WSMAN_INVALID_MESSAGE_INFORMATION_HEADER');
  if (header.replyToAddress !== ANONYMOUS_ADDRESS) throw wsmanError('ERROR_WSMAN_UNSUPPORTED_FEATURE');
  if (header.resourceUri === '') throw wsmanError('ERROR_WSMAN_INVALID_RESOURCE_URI');
  if (header.locale?.mustUnderstand === true || header.dataLocale?.mustUnderstand === true) {
    throw wsmanError('ERROR_WSMAN_UNSUPPORTED_FEATURE');
  }

  const serviceLimit = config.number('MaxEnvelopeSizekb') * 1024;
  let maxEnvelopeSize = serviceLimit;
  if (header.maxEnvelopeSize !== undefined) {
    if (!/^\d+$/.test(header.maxEnvelopeSize)) throw wsmanError('ERROR_WSMAN_INVALID_MESSAGE_INFORMATION_HEADER');
    const requested = Number(header.maxEnvelopeSize);
    if (requested < MIN_ENVELOPE_SIZE) throw wsmanError('ERROR_WSMAN_ENCODING_LIMIT');
    maxEnvelopeSize = Math.min(requested, serviceLimit);
  }

  const maxTimeout = config.number('MaxTimeoutms');
  let operationTimeoutMs = maxTimeout;
  if (header.operationTimeout !== undefined) {
    const requested = durationMs(header.operationTimeout);
    if (requested === undefined || requested <= 0) throw wsmanError('ERROR_WSMAN_INVALID_MESSAGE_INFORMATION_HEADER');
    operationTimeoutMs = Math.min(requested, maxTimeout);
  }

  let fragment: FragmentTransfer | undefined;
  if (header.fragment) {
    if (header.fragment.mustUnderstand !== true) throw wsmanError('ERROR_WSMAN_INVALID_MESSAGE_INFORMATION_HEADER');
    if (header.fragment.dialect !== undefined && header.fragment.dialect !== DIALECT.xpath) {
      throw wsmanError('ERROR_WSMAN_FRAGMENT_DIALECT_REQUESTED_UNAVAILABLE');
    }
    if (header.fragment.path === '') throw wsmanError('ERROR_WSMAN_INVALID_FRAGMENT_PATH_BLANK');
    fragment = { path: header.fragment.path };
  }

  const seen = new Set<string>();
  for (const selector of header.selectors) {
    const key = selector.name.toLowerCase();
    if (selector.name === '') throw wsmanError('ERROR_WSMAN_INVALID_SELECTORS');
    if (seen.has(key)) throw wsmanError('ERROR_WSMAN_DUPLICATE_SELECTORS');
    seen.add(key);
  }

  return {
    to: header.to ?? '',
    action: header.action,
    messageId: header.messageId,
    resourceUri: header.resourceUri,
    selectors: header.selectors.map(({ name, value }) => ({ name, value })),
    options: header.options,
    maxEnvelopeSize,
    operationTimeoutMs,
    ...(fragment ? { fragment } : {}),
    body: firstBodyElement(message),
    principal,
  };
}

/** An Identify request: no addressing headers, `wsmid:Identify` as the body. */
export function isIdentify(message: SoapMessage): boolean {
  const body = firstBodyElement(message);
  return body?.localName === 'Identify' && body.namespace === NS.identity;
}
