/**
 * Request bytes for the benchmark. Envelopes are built once with the project's own request
 * builder; only the MessageID changes per request (spliced in, so the client's share of each
 * round trip stays a string concatenation).
 */
import { buildIdentifyEnvelope, buildRequestEnvelope, newMessageId } from '../src/core/protocol/envelope';
import { NS } from '../src/core/protocol/namespaces';
import type { Selector } from '../src/core/session/resource-uri';

export const DEFAULT_MAX_ENVELOPE_SIZE = 512000;

export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

export function identifyRequest(): Buffer {
  return Buffer.from(buildIdentifyEnvelope(), 'utf8');
}

const PLACEHOLDER_ID = 'uuid:00000000-0000-0000-0000-00000000BE9C';

/** A request whose MessageID is fresh each time it is rendered. */
export class RequestTemplate {
  private readonly head: string;
  private readonly tail: string;

  constructor(url: string, resourceUri: string, action: string, body = '', selectors: readonly Selector[] = [], maxEnvelopeSize = DEFAULT_MAX_ENVELOPE_SIZE) {
    const xml = buildRequestEnvelope(
      {
        to: url,
        resourceUri,
        action,
        maxEnvelopeSize,
        messageId: PLACEHOLDER_ID,
        locale: 'en-US',
        dataLocale: 'en-US',
        operationTimeoutMs: 60000,
        ...(selectors.length > 0 ? { selectors } : {}),
      },
      body,
    );
    const at = xml.indexOf(PLACEHOLDER_ID);
    this.head = xml.slice(0, at);
    this.tail = xml.slice(at + PLACEHOLDER_ID.length);
  }

  render(): Buffer {
    return Buffer.from(this.head + newMessageId() + this.tail, 'utf8');
  }
}

/** Enumerate/Pull bodies: the body holds a variable part (the context), so these are split too. */
export function optimizedEnumerateBody(maxElements: number): string {
  return `<n:Enumerate xmlns:n="${NS.enumeration}"><w:OptimizeEnumeration/><w:MaxElements>${maxElements}</w:MaxElements></n:Enumerate>`;
}

export const CONTEXT_PLACEHOLDER = 'uuid:00000000-0000-0000-0000-0000C0E7E47A';

export function pullBody(maxElements: number): string {
  return `<n:Pull xmlns:n="${NS.enumeration}"><n:EnumerationContext>${CONTEXT_PLACEHOLDER}</n:EnumerationContext><n:MaxElements>${maxElements}</n:MaxElements></n:Pull>`;
}

/** A Pull template: MessageID and EnumerationContext spliced in per request. */
export class PullTemplate {
  private readonly parts: [string, string, string];

  constructor(url: string, resourceUri: string, action: string, maxElements: number, maxEnvelopeSize = DEFAULT_MAX_ENVELOPE_SIZE) {
    const xml = buildRequestEnvelope(
      { to: url, resourceUri, action, maxEnvelopeSize, messageId: PLACEHOLDER_ID, locale: 'en-US', dataLocale: 'en-US', operationTimeoutMs: 60000 },
      pullBody(maxElements),
    );
    const id = xml.indexOf(PLACEHOLDER_ID);
    const context = xml.indexOf(CONTEXT_PLACEHOLDER);
    if (id < 0 || context < id) throw new Error('unexpected Pull envelope layout');
    this.parts = [xml.slice(0, id), xml.slice(id + PLACEHOLDER_ID.length, context), xml.slice(context + CONTEXT_PLACEHOLDER.length)];
  }

  render(context: string): Buffer {
    return Buffer.from(this.parts[0] + newMessageId() + this.parts[1] + context + this.parts[2], 'utf8');
  }
}
