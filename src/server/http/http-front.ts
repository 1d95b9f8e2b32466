/**
 * The HTTP side of the listener, in the order HTTP.sys and WinRM apply it: URL, method,
 * authentication, Content-Type, body size, message decryption, then the SOAP service. Replies go
 * out as one write (header and body together) so keep-alive round trips do not wait on delayed ACKs.
 *
 * Negotiate authenticates the connection, not the request: once a handshake completes, the
 * connection keeps its principal and session security, and later requests come without an
 * Authorization header. Over plain HTTP such a connection exchanges MS-WSMV encrypted bodies
 * (wire.md §4.5), each reply sealed like its request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { inject, injectable, multiInject } from 'inversify';
import { ANONYMOUS, type Principal } from '../principal';
import { ServerAuthScheme, type ConnectionInfo, type ConnectionSession } from '../auth/server-auth';
import { ConnectionBudget } from './connection-budget';
import { EndpointState } from '../service/endpoint-state';
import { WSManService, type CallerContext } from '../service/wsman-service';
import type { ReplyBody } from '../resources/resource-provider';
import { decodeBody, encodeBody, type BodyCharset } from '../../core/transport/body-encoding';
import { decryptMessage, encryptMessage, isEncryptedContentType, type EncryptedCharset } from '../../core/transport/message-encryption';

const WSMAN_PATH = '/wsman';
const ANONYMOUS_IDENTIFY_PATH = '/wsman-anon/identify';
const SERVER_HEADER = 'Microsoft-HTTPAPI/2.0';
const UTF8_SOAP = 'application/soap+xml;charset=UTF-8';
/**
 * Replies up to this many characters are handed to node:http as text; larger ones (enumeration
 * pages) are encoded into a Buffer once, since joining them with the header copies the whole page.
 */
const SMALL_REPLY = 16 * 1024;
/** Room for the multipart framing around an encrypted envelope of the maximum size. */
const ENCRYPTION_FRAMING_ALLOWANCE = 1024;
/** Where a connection keeps the session a connection-bound scheme established. */
const SESSION = 'http.session';

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

interface EstablishedSession extends ConnectionSession {
  readonly principal: Principal;
}

type Authentication =
  /** `session`: the connection's Negotiate session; `fresh`: this request completed its handshake. */
  | { readonly kind: 'authenticated'; readonly principal: Principal; readonly session?: EstablishedSession; readonly fresh: boolean; readonly challenge?: string }
  | { readonly kind: 'continue'; readonly challenge: string }
  | { readonly kind: 'rejected' };

/** The request's SOAP text and how to answer it: plain in a charset, or sealed with the session. */
interface ReadBody {
  readonly payload: Buffer;
  readonly charset: BodyCharset;
  readonly sealedWith?: EstablishedSession;
}

const charsetOfEncrypted = (charset: EncryptedCharset): BodyCharset => (charset === 'UTF-16' ? 'utf-16le' : 'utf-8');

/**
 * Who sent a request, and whether they are still there: a client that goes away mid-request (a
 * long-polling Receive) must not have output taken for it. The controller and its listener are
 * made on first use, as the service's own (most operations never wait on one); until the reply is
 * written, a destroyed socket means the client has gone. A class, for the reason RunningRequest
 * is one (wsman-service.ts): no getter closure per request.
 */
class HttpCaller implements CallerContext {
  private gone: AbortController | undefined;

  constructor(
    readonly principal: Principal,
    readonly secure: boolean,
    readonly bytesPerUnit: 1 | 2,
    readonly clientAddress: string,
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
  ) {}

  get signal(): AbortSignal {
    if (!this.gone) {
      const controller = (this.gone = new AbortController());
      const response = this.response;
      if (this.request.socket.destroyed) controller.abort();
      else
        response.once('close', () => {
          if (!response.writableFinished) controller.abort();
        });
    }
    return this.gone.signal;
  }
}

@injectable()
export class HttpFront {
  constructor(
    @inject(EndpointState) private readonly state: EndpointState,
    @inject(WSManService) private readonly service: WSManService,
    @multiInject(ServerAuthScheme) private readonly schemes: ServerAuthScheme[],
    @inject(ConnectionBudget) private readonly budget: ConnectionBudget,
  ) {}

  /** Entry point for node:http / node:https `request` events. */
  handle(request: IncomingMessage, response: ServerResponse, secure: boolean): void {
    // Only a connection still to authenticate has a deadline to restart; no request makes one pending again.
    if (this.budget.awaitsAuthentication(request.socket)) response.once('finish', () => this.budget.answered(request.socket));
    this.process(request, response, secure).catch(() => {
      // Nothing of the failure (it may quote request data) goes to the client.
      if (!response.headersSent) this.empty(response, 500, true);
      else response.destroy();
    });
  }

  private async process(request: IncomingMessage, response: ServerResponse, secure: boolean): Promise<void> {
    const url = request.url ?? '';
    const query = url.indexOf('?');
    const path = (query === -1 ? url : url.slice(0, query)).toLowerCase();
    const anonymousPath = path === ANONYMOUS_IDENTIFY_PATH;
    if (path !== WSMAN_PATH && !anonymousPath) return this.empty(response, 404, true);
    if (request.method !== 'POST') return this.empty(response, 405, true, { Allow: 'POST' });

    const connection = connectionOf(request, secure);
    const auth = this.authenticate(request, connection, anonymousPath);
    if (auth.kind === 'rejected') return this.unauthorized(response, connection);
    if (auth.kind === 'continue') return this.empty(response, 401, false, { 'WWW-Authenticate': auth.challenge });
    const finalToken: Record<string, string> | undefined = auth.challenge !== undefined ? { 'WWW-Authenticate': auth.challenge } : undefined;
    if (auth.principal !== ANONYMOUS) this.budget.authenticated(request.socket);

    const contentType = request.headers['content-type'];
    // A plain SOAP type (the client's last one is remembered) is never the encrypted multipart type.
    const plainCharset = charsetOf(contentType);
    const encrypted = plainCharset === undefined && isEncryptedContentType(contentType);
    if (!encrypted && plainCharset === undefined) return this.empty(response, 415, true);

    const limit = this.state.config.number('MaxEnvelopeSizekb') * 1024;
    const raw = await readBody(request, encrypted ? limit + ENCRYPTION_FRAMING_ALLOWANCE : limit, this.budget.bodyDeadlineMs);
    if (raw === 'too large') return this.empty(response, 413, true);
    if (raw === 'too slow') return this.empty(response, 408, true);

    // pywinrm finishes the handshake with an empty POST before it starts encrypting.
    if (auth.fresh && auth.session && raw.length === 0) return this.empty(response, 200, false, finalToken);

    let body: ReadBody;
    if (encrypted) {
      // Only a Negotiate or Kerberos connection has the keys; a tampered or malformed body ends the connection.
      if (!auth.session) return this.empty(response, 400, true);
      try {
        const { payload, charset } = decryptMessage(auth.session.security, contentType!, raw, auth.session.protocol);
        body = { payload, charset: charsetOfEncrypted(charset), sealedWith: auth.session };
      } catch {
        return this.endSession(response, connection, 400);
      }
      if (body.payload.length > limit) return this.empty(response, 413, true);
    } else {
      // A Negotiate connection over HTTP must seal its messages unless AllowUnencrypted (wire.md §4.4; decisions.md).
      if (auth.session && !secure && !this.state.config.flag('Service/AllowUnencrypted')) return this.endSession(response, connection, 401);
      body = { payload: raw, charset: plainCharset! };
    }

    // An unreadable payload is this request's failure only: a connection-bound session (its keys
    // in step, the seal verified) stays, and so does the connection. Only a bad seal ends them.
    const keepSession = auth.session !== undefined;
    let text: string;
    try {
      text = decodeBody(body.payload, body.charset);
    } catch {
      return this.empty(response, 400, !keepSession, finalToken);
    }
    const reply = await this.service.handle(
      text,
      new HttpCaller(auth.principal, secure, body.charset === 'utf-16le' ? 2 : 1, clientAddressOf(request.socket.remoteAddress ?? ''), request, response),
    );
    if (reply.status === 401) return this.unauthorized(response, connection);
    if (reply.status === 400) return this.empty(response, 400, !keepSession, finalToken);
    const out = outgoingReply(reply.body, body);
    response.writeHead(
      reply.status,
      finalToken
        ? { Server: SERVER_HEADER, ...finalToken, 'Content-Type': out.contentType, 'Content-Length': out.length }
        : { Server: SERVER_HEADER, 'Content-Type': out.contentType, 'Content-Length': out.length },
    );
    response.end(out.body);
  }

  private authenticate(request: IncomingMessage, connection: ConnectionInfo, anonymousPath: boolean): Authentication {
    const authorization = request.headers.authorization;
    if (authorization === undefined) {
      const session = connection.state.get(SESSION) as EstablishedSession | undefined;
      if (session) return { kind: 'authenticated', principal: session.principal, session, fresh: false };
      const unauthenticatedIdentify = String(request.headers.wsmanidentify ?? '').toLowerCase() === 'unauthenticated';
      // The service still refuses anything but Identify for this principal.
      return unauthenticatedIdentify || anonymousPath ? { kind: 'authenticated', principal: ANONYMOUS, fresh: false } : { kind: 'rejected' };
    }
    // New credentials start over: whatever the connection had authenticated before is gone.
    connection.state.delete(SESSION);
    const scheme = this.schemes.find((s) => s.matches(authorization));
    if (!scheme) return { kind: 'rejected' };
    const step = scheme.authenticate(authorization, connection);
    if (step.kind !== 'authenticated') return step;
    const session = step.session ? { ...step.session, principal: step.principal } : undefined;
    if (session) connection.state.set(SESSION, session);
    return { kind: 'authenticated', principal: step.principal, fresh: true, session, challenge: step.challenge };
  }

  /** Drops the connection's session and answers with `status`, closing the connection. */
  private endSession(response: ServerResponse, connection: ConnectionInfo, status: 400 | 401): void {
    connection.state.delete(SESSION);
    if (status === 401) this.unauthorized(response, connection);
    else this.empty(response, status, true);
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

/** The reply's bytes; a body in pieces is written piece by piece into one buffer, never joined into one string. */
/**
 * The reply as it goes out, in the request's charset and sealed when the request was. A small
 * plain UTF-8 reply stays text: node:http joins it with the header into one string, one write,
 * and no Buffer is made of it first.
 */
function outgoingReply(reply: ReplyBody, request: ReadBody): { contentType: string; body: string | Buffer; length: number } {
  if (!request.sealedWith && request.charset === 'utf-8' && typeof reply === 'string' && reply.length <= SMALL_REPLY) {
    return { contentType: UTF8_SOAP, body: reply, length: Buffer.byteLength(reply) };
  }
  const payload = encodeReply(reply, request.charset);
  const charsetName = request.charset === 'utf-16le' ? 'UTF-16' : 'UTF-8';
  const out = request.sealedWith
    ? encryptMessage(request.sealedWith.security, payload, charsetName, request.sealedWith.protocol)
    : { contentType: `application/soap+xml;charset=${charsetName}`, body: payload };
  return { contentType: out.contentType, body: out.body, length: out.body.length };
}

function encodeReply(body: ReplyBody, charset: BodyCharset): Buffer {
  if (typeof body === 'string') return encodeBody(body, charset);
  const encoding = charset === 'utf-8' ? 'utf8' : 'utf16le';
  const bom = charset === 'utf-8' ? 0 : 2;
  const bytes = Buffer.allocUnsafe(bom + body.reduce((sum, piece) => sum + Buffer.byteLength(piece, encoding), 0));
  let at = bom ? bytes.writeUInt16LE(0xfeff, 0) : 0;
  for (const piece of body) at += bytes.write(piece, at, encoding);
  return bytes;
}

/** An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d; Windows writes a.b.c.d. */
function clientAddressOf(remoteAddress: string): string {
  return remoteAddress.startsWith('::ffff:') ? remoteAddress.replace(/^::ffff:(?=\d+\.)/, '') : remoteAddress;
}

/** The last Content-Type read and its charset: a client sends the same value with every request. */
let lastContentType: { readonly value: string; readonly charset: BodyCharset | undefined } | undefined;

/** `application/soap+xml` with UTF-8 (default) or UTF-16; anything else is refused. */
function charsetOf(contentType: string | undefined): BodyCharset | undefined {
  if (contentType === undefined) return undefined;
  if (lastContentType?.value === contentType) return lastContentType.charset;
  const charset = readCharset(contentType);
  lastContentType = { value: contentType, charset };
  return charset;
}

function readCharset(contentType: string): BodyCharset | undefined {
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

/**
 * The whole body; 'too large' once it grows past `limit` bytes, 'too slow' when it is not complete
 * `deadlineMs` after the headers (the rest is not read either way).
 */
function readBody(request: IncomingMessage, limit: number, deadlineMs: number): Promise<Buffer | 'too large' | 'too slow'> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > limit) return Promise.resolve('too large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = (): void => {
      settled = true;
      clearTimeout(timer);
    };
    const stop = (outcome: 'too large' | 'too slow'): void => {
      settle();
      request.off('data', onData);
      request.pause();
      resolve(outcome);
    };
    // A body that came in the packets of its headers has been parsed whole by the next tick; only
    // one still arriving then needs its deadline (set microseconds after the headers).
    process.nextTick(() => {
      if (!settled && !request.complete) timer = setTimeout(() => stop('too slow'), deadlineMs);
    });
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) return stop('too large');
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => {
      settle();
      // A small request arrives as one chunk: no copy of it.
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    request.once('error', (error) => {
      settle();
      reject(error);
    });
  });
}
