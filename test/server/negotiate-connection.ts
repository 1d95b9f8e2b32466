/**
 * One Negotiate client on one keep-alive socket, driven by this library's own NegotiateClient and
 * MS-WSMV message encryption, as WinRM's connection-bound authentication needs: what the endpoint
 * tests share.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { NS } from '../../src/core/protocol/namespaces';
import { child, childElements, parseXml, type XmlElement } from '../../src/core/protocol/xml';
import { decodeBody, encodeBody } from '../../src/core/transport/body-encoding';
import { NegotiateClient, type NegotiateClientOptions } from '../../src/core/transport/auth/negotiate';
import { decryptMessage, encryptMessage, type EncryptedCharset } from '../../src/core/transport/message-encryption';
import { post, type HttpReply } from './endpoint-harness';

export const ENCRYPTED = 'multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted";boundary="Encrypted Boundary"';
export const USER = 'alice';
export const PASSWORD = 'Secret#1';

export const negotiateHeader = (token: Buffer): string => `Negotiate ${token.toString('base64')}`;

export function tokenOf(reply: HttpReply): Buffer {
  const value = reply.headers['www-authenticate'];
  const match = /^Negotiate (\S+)$/.exec(String(value));
  if (!match) throw new Error(`no Negotiate token in ${String(value)} (HTTP ${reply.status})`);
  return Buffer.from(match[1]!, 'base64');
}

/** The first element of s:Body. */
export function bodyOf(text: string): XmlElement {
  const body = child(parseXml(text), NS.soap, 'Body');
  const first = body ? childElements(body)[0] : undefined;
  if (!first) throw new Error(`no body element in ${text.slice(0, 200)}`);
  return first;
}

export interface SoapResult {
  readonly status: number;
  readonly http: HttpReply;
  readonly text: string;
}

/** One client on one keep-alive socket, as WinRM's connection-bound authentication needs. */
export class NegotiateConnection {
  readonly agent: HttpAgent;
  readonly client: NegotiateClient;

  constructor(
    private readonly url: string,
    options: Partial<NegotiateClientOptions> = {},
    private readonly ca?: string,
  ) {
    this.agent = ca ? new HttpsAgent({ keepAlive: true, maxSockets: 1, ca }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
    this.client = new NegotiateClient({ userName: USER, password: PASSWORD, ...options });
  }

  private get secure(): boolean {
    return this.url.startsWith('https:');
  }

  post(body: Buffer | string, headers: Record<string, string>): Promise<HttpReply> {
    return post(this.url, body, { agent: this.agent, headers, ...(this.ca ? { ca: this.ca } : {}) });
  }

  /** Leg 1 as Windows sends it: the NEGOTIATE with an empty body. */
  async begin(contentType = ENCRYPTED): Promise<HttpReply> {
    const reply = await this.post(Buffer.alloc(0), { Authorization: negotiateHeader(this.client.initialToken()), 'Content-Type': contentType });
    expect(reply.status).toBe(401);
    return reply;
  }

  /** Windows: leg 3 carries the AUTHENTICATE and the first (encrypted, over HTTP) request. */
  async windowsHandshake(xml: string, charset: EncryptedCharset = 'UTF-8'): Promise<SoapResult> {
    const challenge = await this.begin();
    const authenticate = this.client.handleChallenge(tokenOf(challenge))!;
    return this.send(xml, charset, { Authorization: negotiateHeader(authenticate) });
  }

  /** pywinrm: legs 1 and 3 with empty bodies, then encrypted requests. */
  async emptyHandshake(): Promise<HttpReply> {
    const challenge = await this.begin('application/soap+xml;charset=UTF-8');
    const authenticate = this.client.handleChallenge(tokenOf(challenge))!;
    const done = await this.post(Buffer.alloc(0), { Authorization: negotiateHeader(authenticate), 'Content-Type': 'application/soap+xml;charset=UTF-8' });
    if (done.headers['www-authenticate']) this.client.handleChallenge(tokenOf(done));
    return done;
  }

  /** A request: sealed over HTTP, plain over HTTPS; the final Negotiate token is handled before the reply is opened. */
  async send(xml: string, charset: EncryptedCharset = 'UTF-8', headers: Record<string, string> = {}): Promise<SoapResult> {
    const plain = encodeBody(xml, charset === 'UTF-16' ? 'utf-16le' : 'utf-8');
    const request = this.secure
      ? { contentType: `application/soap+xml;charset=${charset}`, body: plain }
      : encryptMessage(this.client.security, plain, charset);
    const http = await this.post(request.body, { ...headers, 'Content-Type': request.contentType });
    if (http.status !== 200 && http.status !== 500) return { status: http.status, http, text: '' };
    if (headers.Authorization && http.headers['www-authenticate']) this.client.handleChallenge(tokenOf(http));
    if (this.secure) return { status: http.status, http, text: http.body.toString('utf8') };
    expect(http.headers['content-type']).toBe(ENCRYPTED);
    const { payload, charset: replyCharset } = decryptMessage(this.client.security, String(http.headers['content-type']), http.body);
    return { status: http.status, http, text: decodeBody(payload, replyCharset === 'UTF-16' ? 'utf-16le' : 'utf-8') };
  }

  close(): void {
    this.agent.destroy();
  }
}

