/**
 * The HTTP side of the listener, in the order HTTP.sys and WinRM apply it: URL, method,
 * authentication, Content-Type, body size, then the SOAP service. Replies go out as one write
 * (header and body together) so keep-alive round trips do not wait on delayed ACKs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { inject, injectable, multiInject } from 'inversify';
import { ANONYMOUS, type Principal } from '../principal';
import { ServerAuthScheme, type ConnectionInfo } from '../auth/server-auth';
import { EndpointState } from '../service/endpoint-state';
import { WSManService } from '../service/wsman-service';
import { decodeBody, encodeBody, type BodyCharset } from '../../core/transport/body-encoding';

const WSMAN_PATH = '/wsman';
const ANONYMOUS_IDENTIFY_PATH = '/wsman-anon/identify';
const SERVER_HEADER = 'Microsoft-HTTPAPI/2.0';

const connections = new WeakMap<object, Map<string, unknown>>();

function connectionOf(request: IncomingMessage, secure: boolean): ConnectionInfo {
  const socket = request.socket;
  let state = connections.get(socket);
  if (!state) {
    state = new Map();
    connections.set(socket, state);
  }
  return { secure, socket, state };
}

@injectable()
export class HttpFront {
  constructor(
    @inject(EndpointState) private readonly state: EndpointState,
    @inject(WSManService) private readonly service: WSManService,
    @multiInject(ServerAuthScheme) private readonly schemes: ServerAuthScheme[],
  ) {}

  /** Entry point for node:http / node:https `request` events. */
  handle(request: IncomingMessage, response: ServerResponse, secure: boolean): void {
    this.process(request, response, secure).catch(() => {
      // Nothing of the failure (it may quote request data) goes to the client.
      if (!response.headersSent) this.empty(response, 500, true);
      else response.destroy();
    });
  }

  private async process(request: IncomingMessage, response: ServerResponse, secure: boolean): Promise<void> {
    const path = (request.url ?? '').split('?')[0].toLowerCase();
    const anonymousPath = path === ANONYMOUS_IDENTIFY_PATH;
    if (path !== WSMAN_PATH && !anonymousPath) return this.empty(response, 404, true);
    if (request.method !== 'POST') return this.empty(response, 405, true, { Allow: 'POST' });

    const connection = connectionOf(request, secure);
    const principal = this.authenticate(request, connection, anonymousPath);
    if (principal === undefined) return this.unauthorized(response, connection);
    if ('challenge' in principal) return this.empty(response, 401, false, { 'WWW-Authenticate': principal.challenge });

    const charset = charsetOf(request.headers['content-type']);
    if (charset === undefined) return this.empty(response, 415, true);

    const limit = this.state.config.number('MaxEnvelopeSizekb') * 1024;
    const body = await readBody(request, limit);
    if (body === undefined) return this.empty(response, 413, true);

    let text: string;
    try {
      text = decodeBody(body, charset);
    } catch {
      return this.empty(response, 400, true);
    }
    const reply = await this.service.handle(text, { principal, secure, bytesPerUnit: charset === 'utf-16le' ? 2 : 1 });
    if (reply.status === 401) return this.unauthorized(response, connection);
    if (reply.status === 400) return this.empty(response, 400, true);
    const payload = encodeBody(reply.body, charset);
    response.writeHead(reply.status, {
      Server: SERVER_HEADER,
      'Content-Type': `application/soap+xml;charset=${charset === 'utf-16le' ? 'UTF-16' : 'UTF-8'}`,
      'Content-Length': payload.length,
    });
    response.end(payload);
  }

  private authenticate(
    request: IncomingMessage,
    connection: ConnectionInfo,
    anonymousPath: boolean,
  ): Principal | { challenge: string } | undefined {
    const authorization = request.headers.authorization;
    if (authorization === undefined) {
      const unauthenticatedIdentify = String(request.headers.wsmanidentify ?? '').toLowerCase() === 'unauthenticated';
      // The service still refuses anything but Identify for this principal.
      return unauthenticatedIdentify || anonymousPath ? ANONYMOUS : undefined;
    }
    const scheme = this.schemes.find((s) => s.matches(authorization));
    if (!scheme) return undefined;
    const step = scheme.authenticate(authorization, connection);
    if (step.kind === 'authenticated') return step.principal;
    if (step.kind === 'continue') return { challenge: step.challenge };
    return undefined;
  }

  /** 401 listing the schemes this connection may use; Windows closes the connection. */
  private unauthorized(response: ServerResponse, connection: ConnectionInfo): void {
    const offers = this.schemes.map((s) => s.offer(connection)).filter((o): o is string => o !== undefined);
    this.empty(response, 401, true, offers.length > 0 ? { 'WWW-Authenticate': offers } : {});
  }

  private empty(response: ServerResponse, status: number, close: boolean, headers: Record<string, string | string[]> = {}): void {
    response.writeHead(status, { Server: SERVER_HEADER, 'Content-Length': 0, ...(close ? { Connection: 'close' } : {}), ...headers });
    response.end();
    // A refused request may still be sending its body; do not read it.
    if (close) response.once('finish', () => response.socket?.destroySoon());
  }
}

/** `application/soap+xml` with UTF-8 (default) or UTF-16; anything else is refused. */
function charsetOf(contentType: string | undefined): BodyCharset | undefined {
  if (contentType === undefined) return undefined;
  const [type, ...parameters] = contentType.split(';').map((part) => part.trim());
  if (type.toLowerCase() !== 'application/soap+xml') return undefined;
  const charset = parameters
    .map((p) => /^charset\s*=\s*"?([^";]+)"?$/i.exec(p)?.[1])
    .find((c) => c !== undefined)
    ?.toLowerCase();
  if (charset === undefined || charset === 'utf-8') return 'utf-8';
  if (charset === 'utf-16' || charset === 'utf-16le') return 'utf-16le';
  return undefined;
}

/** The whole body, or undefined once it grows past `limit` bytes (the rest is not read). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        request.off('data', onData);
        request.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
}
