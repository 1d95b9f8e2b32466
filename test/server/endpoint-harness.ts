/** Raw SOAP against a running embedded endpoint: what the server tests and the benchmarks share. */
import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { buildRequestEnvelope, newMessageId, type OptionEntry } from '../../src/core/protocol/envelope';
import { readFault } from '../../src/core/protocol/faults';
import { readResponseHeader, readSoapMessage, type ResponseHeaderFields } from '../../src/core/protocol/message';
import { childElements, parseXml, type XmlElement } from '../../src/core/protocol/xml';
import type { Selector } from '../../src/core/session/resource-uri';

export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export interface PostOptions {
  readonly headers?: Record<string, string>;
  readonly agent?: HttpAgent | HttpsAgent;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly method?: string;
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function post(url: string, body: string | Buffer, options: PostOptions = {}): Promise<HttpReply> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return new Promise((resolve, reject) => {
    const send = secure ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: options.method ?? 'POST',
        headers: { 'Content-Type': 'application/soap+xml;charset=UTF-8', 'Content-Length': payload.length, ...options.headers },
        ...(options.agent ? { agent: options.agent } : {}),
        ...(secure ? { ca: options.ca, cert: options.cert, key: options.key } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export interface SoapRequest {
  readonly resourceUri: string;
  readonly action: string;
  readonly selectors?: readonly Selector[];
  readonly options?: readonly OptionEntry[];
  readonly body?: string;
  readonly maxEnvelopeSize?: number;
  readonly operationTimeoutMs?: number;
  readonly messageId?: string;
  readonly fragment?: { readonly path: string; readonly dialect?: string };
}

export function envelope(url: string, request: SoapRequest): { xml: string; messageId: string } {
  const messageId = request.messageId ?? newMessageId();
  const xml = buildRequestEnvelope(
    {
      to: url,
      resourceUri: request.resourceUri,
      action: request.action,
      maxEnvelopeSize: request.maxEnvelopeSize ?? 512000,
      messageId,
      locale: 'en-US',
      dataLocale: 'en-US',
      operationTimeoutMs: request.operationTimeoutMs ?? 60000,
      ...(request.selectors ? { selectors: request.selectors } : {}),
      ...(request.options ? { options: request.options } : {}),
      ...(request.fragment ? { fragment: request.fragment } : {}),
    },
    request.body ?? '',
  );
  return { xml, messageId };
}

export interface SoapReply {
  readonly status: number;
  readonly text: string;
  readonly header: ResponseHeaderFields;
  /** First element of s:Body. */
  readonly body: XmlElement | undefined;
  readonly messageId: string;
}

export async function soap(url: string, request: SoapRequest, options: PostOptions = {}): Promise<SoapReply> {
  const { xml, messageId } = envelope(url, request);
  const reply = await post(url, xml, options);
  const text = reply.body.toString('utf8');
  if (reply.status !== 200 && reply.status !== 500) throw new Error(`HTTP ${reply.status}`);
  const message = readSoapMessage(parseXml(text));
  return { status: reply.status, text, header: readResponseHeader(message.header), body: message.body ? childElements(message.body)[0] : undefined, messageId };
}

/** The HRESULT of a fault reply (fails the test when the reply is not a fault). */
export function faultOf(reply: SoapReply): ReturnType<typeof readFault> {
  if (reply.status !== 500 || !reply.body) throw new Error(`expected a fault, got HTTP ${reply.status}: ${reply.text.slice(0, 300)}`);
  return readFault(reply.body);
}
