/**
 * One HTTP(S) connection per session (NTLM and Negotiate bind to it), POST only, Content-Length
 * always (never chunked, never `Expect: 100-continue`), a hard timeout, and a cap on the
 * response size so memory stays bounded. Network failures become the WinHTTP codes the Windows
 * client reports. The parts of the request head that never change are built once.
 */
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { wsmanError } from '../errors/wsman-error';
import type { ClientCertificate } from './certificate-store';
import { HttpConnection, type ConnectTarget, type HttpResponse, type TlsSession } from './http/connection';

export { HttpConnection, type HttpResponse } from './http/connection';
export { networkError } from './http/network-errors';

export interface TlsSettings {
  /** SkipCACheck turns this off. */
  readonly verifyChain: boolean;
  /** SkipCNCheck turns this off. */
  readonly verifyHostName: boolean;
  /** Trusted roots (replaces Node's list when given). */
  readonly ca?: readonly string[];
  readonly clientCertificate?: ClientCertificate;
}

/** What one request adds to the constant head. */
export interface RequestHead {
  readonly contentType: string;
  /** The Authorization value, if any. */
  readonly authorization?: string;
  /** Further headers, e.g. WSMANIDENTIFY. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface PostOptions {
  readonly timeoutMs: number;
  readonly responseLimit: number;
  /**
   * The request may be sent again on a new connection when a kept-alive connection turns out
   * to have been closed by the server (closed or reset before any byte of an answer). Never for
   * a leg of a connection-bound handshake: its context dies with the connection.
   */
  readonly replayable: boolean;
}

function tlsOptions(tls: TlsSettings | undefined): ConnectionOptions {
  const certificate = tls?.clientCertificate;
  return {
    rejectUnauthorized: tls?.verifyChain ?? true,
    ...(tls?.ca ? { ca: [...tls.ca] } : {}),
    ...(certificate ? (certificate.kind === 'pem' ? { cert: certificate.cert, key: certificate.key } : { pfx: certificate.pfx, passphrase: certificate.passphrase }) : {}),
    ...(tls && !tls.verifyHostName ? { checkServerIdentity: () => undefined } : {}),
  };
}

/** Header values are ours (tokens, media types); a line break in one would split the request. */
function headerLines(headers: Readonly<Record<string, string>>): string {
  let lines = '';
  for (const name in headers) {
    const value = headers[name];
    if (/[\r\n]/.test(name + value)) throw wsmanError('ERROR_INTERNAL_ERROR');
    lines += `${name}: ${value}\r\n`;
  }
  return lines;
}

export class HttpExchange {
  private connection: HttpConnection | undefined;
  private readonly target: ConnectTarget;
  /** `POST <path> HTTP/1.1` and the headers before Content-Type, in the order Windows sends them. */
  private readonly start: string;
  /** User-Agent and the Content-Length name. */
  private readonly middle: string;
  /** The Host header and the end of the head. */
  private readonly end: string;
  private tlsSession: TlsSession | undefined;
  private busy = false;
  private readonly waiting: (() => void)[] = [];

  constructor(url: URL, tls: TlsSettings | undefined, userAgent: string) {
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const secure = url.protocol === 'https:';
    const port = url.port ? Number(url.port) : secure ? 443 : 80;
    this.target = {
      host,
      port,
      ...(secure
        ? {
            tls: tlsOptions(tls),
            checkHostName: tls !== undefined && !tls.verifyChain && tls.verifyHostName,
            ...(isIP(host) ? {} : { servername: host }),
            onSession: (session: TlsSession) => {
              this.tlsSession = session;
            },
          }
        : {}),
    };
    this.start = `POST ${url.pathname}${url.search} HTTP/1.1\r\nConnection: Keep-Alive\r\nContent-Type: `;
    this.middle = `User-Agent: ${userAgent}\r\nContent-Length: `;
    this.end = `\r\nHost: ${url.host}\r\n\r\n`;
  }

  /**
   * POSTs the body; resolves with the whole response, or rejects with a WSManError. Requests
   * made while one is out wait their turn (one connection, one request at a time).
   */
  post(body: Buffer, head: RequestHead, options: PostOptions): Promise<HttpResponse> {
    const bytes = this.request(body, head);
    if (this.busy) return new Promise((resolve) => this.waiting.push(() => resolve(this.run(bytes, options))));
    return this.run(bytes, options);
  }

  close(): void {
    this.connection?.drop();
    this.connection = undefined;
  }

  private run(bytes: Buffer, options: PostOptions): Promise<HttpResponse> {
    let connection: HttpConnection;
    try {
      connection = this.idleConnection();
    } catch (error) {
      // Options the TLS stack refused at once (an unreadable client certificate or key), a port it
      // cannot use. The next request in line gets its turn.
      queueMicrotask(this.release);
      return Promise.reject(wsmanError(this.target.tls ? 'ERROR_WINHTTP_SECURE_FAILURE' : 'ERROR_WINHTTP_CANNOT_CONNECT', { cause: error }));
    }
    this.busy = true;
    let sent = connection.send(bytes, options.timeoutMs, options.responseLimit);
    if (options.replayable) {
      sent = sent.catch((error: unknown) => {
        if (!connection.failedWhileStale) throw error;
        return this.idleConnection().send(bytes, options.timeoutMs, options.responseLimit);
      });
    }
    sent.then(this.release, this.release);
    return sent;
  }

  private readonly release = (): void => {
    this.busy = false;
    this.waiting.shift()?.();
  };

  private idleConnection(): HttpConnection {
    if (this.connection?.idle) return this.connection;
    this.connection?.drop();
    this.connection = new HttpConnection(this.tlsSession ? { ...this.target, session: this.tlsSession } : this.target);
    return this.connection;
  }

  /** Head and body in one buffer: the request leaves in one write. */
  private request(body: Buffer, head: RequestHead): Buffer {
    let text = `${this.start}${head.contentType}\r\n`;
    if (head.headers) text += headerLines(head.headers);
    if (head.authorization !== undefined) text += `Authorization: ${head.authorization}\r\n`;
    text += `${this.middle}${body.length}${this.end}`;
    const headLength = Buffer.byteLength(text, 'latin1');
    const bytes = Buffer.allocUnsafe(headLength + body.length);
    bytes.write(text, 0, 'latin1');
    body.copy(bytes, headLength);
    return bytes;
  }
}
