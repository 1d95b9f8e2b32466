/**
 * One HTTP(S) connection per session: a keep-alive agent with a single socket (NTLM and
 * Negotiate bind to it), POST only, Content-Length always (never chunked, never
 * `Expect: 100-continue`), a hard timeout, and a cap on the response size so memory stays
 * bounded. Network failures become the WinHTTP codes the Windows client reports.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import { wsmanError, type WSManError } from '../errors/wsman-error';
import type { ClientCertificate } from './certificate-store';

export interface TlsSettings {
  /** SkipCACheck turns this off. */
  readonly verifyChain: boolean;
  /** SkipCNCheck turns this off. */
  readonly verifyHostName: boolean;
  /** Trusted roots (replaces Node's list when given). */
  readonly ca?: readonly string[];
  readonly clientCertificate?: ClientCertificate;
}

/** The TCP connection a response came on: connection-bound auth lives and dies with it. */
export class HttpConnection {
  private closed = false;
  /** DER of the server certificate (HTTPS); the handshake is over once a response arrived. */
  readonly peerCertificate: Buffer | undefined;

  private constructor(private readonly socket: Socket) {
    socket.once('close', () => {
      this.closed = true;
    });
    this.peerCertificate = 'getPeerCertificate' in socket ? (socket as TLSSocket).getPeerCertificate()?.raw : undefined;
  }

  private static readonly bySocket = new WeakMap<Socket, HttpConnection>();

  static of(socket: Socket): HttpConnection {
    let connection = HttpConnection.bySocket.get(socket);
    if (!connection) {
      connection = new HttpConnection(socket);
      HttpConnection.bySocket.set(socket, connection);
    }
    return connection;
  }

  get open(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  /** Closes it, e.g. after a message failed its signature: its security context is no longer trusted. */
  drop(): void {
    this.socket.destroy();
  }
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
  readonly connection: HttpConnection;
}

const TLS_ERRORS: Readonly<Record<string, string>> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'ERROR_WINHTTP_SECURE_INVALID_CA',
  SELF_SIGNED_CERT_IN_CHAIN: 'ERROR_WINHTTP_SECURE_INVALID_CA',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'ERROR_WINHTTP_SECURE_INVALID_CA',
  UNABLE_TO_GET_ISSUER_CERT: 'ERROR_WINHTTP_SECURE_INVALID_CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'ERROR_WINHTTP_SECURE_INVALID_CA',
  CERT_UNTRUSTED: 'ERROR_WINHTTP_SECURE_INVALID_CA',
  CERT_SIGNATURE_FAILURE: 'ERROR_WINHTTP_SECURE_INVALID_CA',
  ERR_TLS_CERT_ALTNAME_INVALID: 'ERROR_WINHTTP_SECURE_CERT_CN_INVALID',
  CERT_HAS_EXPIRED: 'ERROR_WINHTTP_SECURE_CERT_DATE_INVALID',
  CERT_NOT_YET_VALID: 'ERROR_WINHTTP_SECURE_CERT_DATE_INVALID',
  CERT_REVOKED: 'ERROR_WINHTTP_SECURE_CERT_REVOKED',
};

const NETWORK_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'ERROR_WINHTTP_CANNOT_CONNECT',
  EHOSTUNREACH: 'ERROR_WINHTTP_CANNOT_CONNECT',
  ENETUNREACH: 'ERROR_WINHTTP_CANNOT_CONNECT',
  EADDRNOTAVAIL: 'ERROR_WINHTTP_CANNOT_CONNECT',
  ENOTFOUND: 'ERROR_WINHTTP_NAME_NOT_RESOLVED',
  EAI_AGAIN: 'ERROR_WINHTTP_NAME_NOT_RESOLVED',
  ECONNRESET: 'ERROR_WINHTTP_CONNECTION_ERROR',
  EPIPE: 'ERROR_WINHTTP_CONNECTION_ERROR',
};

/** The WinHTTP error for a Node network or TLS failure. */
export function networkError(error: NodeJS.ErrnoException): WSManError {
  const code = error.code ?? '';
  // HPE_*: Node's HTTP parser refused what came back (not HTTP, bad lengths, headers too large).
  const name =
    TLS_ERRORS[code] ??
    NETWORK_ERRORS[code] ??
    (code.startsWith('HPE_') ? 'ERROR_WINHTTP_INVALID_SERVER_RESPONSE' : /SSL|TLS|EPROTO|CERT/.test(code) ? 'ERROR_WINHTTP_SECURE_FAILURE' : 'ERROR_WINHTTP_CONNECTION_ERROR');
  return wsmanError(name, { cause: error });
}

/**
 * SkipCACheck without SkipCNCheck: Node checks the host name only as part of a verification it
 * enforces (`rejectUnauthorized`), so with the chain check off the name goes unchecked too. This
 * agent checks it itself as soon as the handshake is done, before the request (and its
 * credentials) is sent, the way Node would have.
 */
class HostNameCheckingAgent extends HttpsAgent {
  override createConnection(options: RequestOptions, callback?: (error: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const socket = super.createConnection(options, callback) as TLSSocket;
    socket.once('secureConnect', () => {
      const mismatch = checkServerIdentity(options.servername || options.host || 'localhost', socket.getPeerCertificate());
      if (mismatch) socket.destroy(mismatch);
    });
    return socket;
  }
}

function clientCertificateOptions(certificate: ClientCertificate | undefined): object {
  if (!certificate) return {};
  return certificate.kind === 'pem' ? { cert: certificate.cert, key: certificate.key } : { pfx: certificate.pfx, passphrase: certificate.passphrase };
}

export class HttpExchange {
  private readonly agent: HttpAgent;
  private readonly secure: boolean;

  constructor(
    private readonly url: URL,
    tls: TlsSettings | undefined,
    private readonly userAgent: string,
  ) {
    this.secure = url.protocol === 'https:';
    const common = { keepAlive: true, maxSockets: 1, maxFreeSockets: 1 };
    const SecureAgent = tls && !tls.verifyChain && tls.verifyHostName ? HostNameCheckingAgent : HttpsAgent;
    this.agent = this.secure
      ? new SecureAgent({
          ...common,
          rejectUnauthorized: tls?.verifyChain ?? true,
          ...(tls?.ca ? { ca: [...tls.ca] } : {}),
          ...clientCertificateOptions(tls?.clientCertificate),
          ...(tls && !tls.verifyHostName ? { checkServerIdentity: (_host: string, _cert: PeerCertificate) => undefined } : {}),
        })
      : new HttpAgent(common);
  }

  /** POSTs the body; resolves with the whole response, or rejects with a WSManError. */
  post(body: Buffer, headers: Record<string, string>, timeoutMs: number, responseLimit: number): Promise<HttpResponse> {
    const send = this.secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (outcome: HttpResponse | WSManError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const request = send(this.url, {
        method: 'POST',
        agent: this.agent,
        headers: { ...headers, 'User-Agent': this.userAgent, 'Content-Length': String(body.length) },
      });
      const timer = setTimeout(() => {
        finish(wsmanError('ERROR_WINHTTP_TIMEOUT'));
        request.destroy();
      }, timeoutMs);
      request.on('error', (error: NodeJS.ErrnoException) => finish(networkError(error)));
      request.on('response', (response) => {
        // Taken now: a keep-alive socket is detached from the response once it has ended.
        const connection = HttpConnection.of(response.socket);
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > responseLimit) {
            finish(wsmanError('ERROR_WSMAN_ENVELOPE_TOO_LARGE'));
            response.destroy();
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () =>
          finish({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks), connection }),
        );
        response.on('error', (error: NodeJS.ErrnoException) => finish(networkError(error)));
      });
      request.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
