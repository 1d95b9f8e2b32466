/**
 * One TCP (or TLS) connection carrying one request at a time. Its identity is what
 * connection-bound authentication (NTLM, Negotiate, Kerberos) is bound to. A request goes out
 * as one write (head and body together); the reply is read by ResponseReader. One timer per
 * connection, re-armed per request, bounds each exchange; it is unreferenced, and an idle
 * connection's socket is too, so neither keeps the process alive.
 */
import { channel } from 'node:diagnostics_channel';
import { connect as netConnect, type Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, type ConnectionOptions, type PeerCertificate, type TLSSocket } from 'node:tls';
import { wsmanError, type WSManError } from '../../errors/wsman-error';
import { ResponseError, ResponseReader } from './response-reader';
import { networkError } from './network-errors';

export interface ConnectTarget {
  readonly host: string;
  readonly port: number;
  /** TLS options for HTTPS (host, port, servername and session are filled in here). */
  readonly tls?: ConnectionOptions;
  /**
   * Check the host name against the certificate ourselves once the handshake is done (the chain
   * is not verified, so Node would skip the name too), before a byte of the request is sent.
   */
  readonly checkHostName?: boolean;
  /** The servername for SNI and the name check (undefined for an IP address). */
  readonly servername?: string;
  /** A TLS session of an earlier connection to resume. */
  readonly session?: TlsSession;
  /** A connection whose handshake verified made a session that a later connection may resume. */
  readonly onSession?: (session: TlsSession) => void;
}

/**
 * A resumable TLS session and the certificate of the handshake that made it: a resumed handshake
 * carries no certificate (getPeerCertificate() is empty), yet channel bindings and the name check
 * need it.
 */
export interface TlsSession {
  readonly ticket: Buffer;
  readonly certificate: PeerCertificate;
}

export interface HttpResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  /** Each WWW-Authenticate header value, in order. */
  readonly challenges: readonly string[];
  readonly body: Buffer;
  /** The connection the response came on. */
  readonly connection: HttpConnection;
}

/** Published with `{ bytes }` for every request sent (as node:http publishes http.client.request.start), e.g. for benchmarks counting requests. */
export const CLIENT_REQUEST_CHANNEL = 'wsman.client.request';
const requests = channel(CLIENT_REQUEST_CHANNEL);

/** How long a connection must have been idle, and how soon after a request its close must come, to count as closed while idle. */
const IDLE_CLOSE_RACE_MS = 1000;

interface InFlight {
  readonly bytes: Buffer;
  readonly reader: ResponseReader;
  readonly resolve: (response: HttpResponse) => void;
  readonly reject: (error: WSManError) => void;
}

/** The TCP connection a response came on: connection-bound auth lives and dies with it. */
export class HttpConnection {
  /** DER of the server certificate (HTTPS), known once the handshake is over. */
  peerCertificate: Buffer | undefined;
  /**
   * The last request failed because the server closed this kept connection while it was idle
   * and the close crossed the request: the connection had served a response and sat idle for
   * IDLE_CLOSE_RACE_MS or more, and its FIN (not a reset: a server may reset after reading a
   * request) came less than IDLE_CLOSE_RACE_MS after the request, before any byte of an answer.
   * A FIN later than that closes a request the server was working on (a long poll), and is
   * reported.
   */
  failedWhileStale = false;
  private readonly socket: Socket;
  private ready = false;
  private closed = false;
  private served = 0;
  /** Date.now() when the last response completed, and when the current request was sent (ms suffice). */
  private idleSince = 0;
  private sentAt = 0;
  private call: InFlight | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerMs = 0;
  /** TLS: the server certificate (of the original handshake when this one resumed), and a ticket that came before the handshake ended. */
  private certificate: PeerCertificate | undefined;
  private ticket: Buffer | undefined;

  constructor(private readonly target: ConnectTarget) {
    if (target.tls) {
      const socket = tlsConnect({
        ...target.tls,
        host: target.host,
        port: target.port,
        ...(target.servername ? { servername: target.servername } : {}),
        ...(target.session ? { session: target.session.ticket } : {}),
      });
      socket.once('secureConnect', () => this.secured(socket));
      socket.on('session', (ticket: Buffer) => this.sessionMade(ticket));
      this.socket = socket;
    } else {
      this.socket = netConnect({ host: target.host, port: target.port });
      this.socket.once('connect', () => this.connected());
    }
    this.socket.setNoDelay(true);
    this.socket.setKeepAlive(true, 1000);
    this.socket.on('data', (chunk: Buffer) => this.received(chunk));
    this.socket.on('end', () => this.ended(true));
    this.socket.on('error', (error: NodeJS.ErrnoException) => this.failed(networkError(error), false));
    this.socket.on('close', () => {
      // A pending timer would keep this closed connection (and its socket) in memory until it fires.
      clearTimeout(this.timer);
      this.ended(false);
    });
  }

  get open(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  /** Open and free: the next request may go on it. */
  get idle(): boolean {
    return this.open && this.call === undefined;
  }

  /** Closes it, e.g. after a message failed its signature: its security context is no longer trusted. */
  drop(): void {
    this.closed = true;
    this.socket.destroy();
  }

  /** Sends one request (head and body in `bytes`) and reads its response. */
  send(bytes: Buffer, timeoutMs: number, bodyLimit: number): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      this.failedWhileStale = false;
      this.sentAt = Date.now();
      this.call = { bytes, reader: new ResponseReader(bodyLimit), resolve, reject };
      this.arm(timeoutMs);
      this.socket.ref();
      if (requests.hasSubscribers) requests.publish({ bytes: bytes.length });
      if (this.ready) this.socket.write(bytes);
    });
  }

  private arm(timeoutMs: number): void {
    if (this.timer && this.timerMs === timeoutMs) {
      this.timer.refresh();
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timerMs = timeoutMs;
    // Unreferenced: while a request is out, its socket keeps the process alive.
    this.timer = setTimeout(() => this.expired(), timeoutMs);
    this.timer.unref();
  }

  /** The timer fires timerMs after the last request started; only a request still out has timed out. */
  private expired(): void {
    if (!this.call) return;
    this.finish(wsmanError('ERROR_WINHTTP_TIMEOUT'));
    this.drop();
  }

  private connected(): void {
    this.ready = true;
    if (this.call) this.socket.write(this.call.bytes);
  }

  private secured(socket: TLSSocket): void {
    const presented = socket.getPeerCertificate();
    const certificate = presented?.raw === undefined && socket.isSessionReused() && this.target.session ? this.target.session.certificate : presented;
    this.certificate = certificate;
    if (this.target.checkHostName) {
      const mismatch = checkServerIdentity(this.target.servername || this.target.host, certificate);
      if (mismatch) {
        socket.destroy(mismatch);
        return;
      }
    }
    this.peerCertificate = certificate?.raw;
    this.connected();
    if (this.ticket) this.sessionMade(this.ticket);
  }

  /** A session ticket: kept for the next connection once this one's certificate passed its checks (TLS 1.2 sends it before). */
  private sessionMade(ticket: Buffer): void {
    if (!this.ready) {
      this.ticket = ticket;
      return;
    }
    this.ticket = undefined;
    if (this.certificate?.raw) this.target.onSession?.({ ticket, certificate: this.certificate });
  }

  private received(chunk: Buffer): void {
    const call = this.call;
    if (!call) {
      // Bytes nobody asked for: the connection's framing can no longer be trusted.
      this.drop();
      return;
    }
    const reader = call.reader;
    let body;
    try {
      body = reader.push(chunk);
    } catch (error) {
      this.finish(error instanceof ResponseError && error.kind === 'too-large' ? wsmanError('ERROR_WSMAN_ENVELOPE_TOO_LARGE') : wsmanError('ERROR_WINHTTP_INVALID_SERVER_RESPONSE', { cause: error }));
      this.drop();
      return;
    }
    if (!body) return;
    // A reply read to the close, one that closes, or a peer that sent more than the reply: no reuse.
    if (!reader.keepAlive || reader.excess) this.drop();
    else this.socket.unref();
    this.complete(call, body);
  }

  private complete(call: InFlight, body: Buffer): void {
    this.served++;
    this.idleSince = Date.now();
    this.call = undefined;
    const reader = call.reader;
    call.resolve({ status: reader.status, contentType: reader.contentType, challenges: reader.challenges, body, connection: this });
  }

  /** `inOrder`: the peer's FIN; otherwise the socket closed for another reason already reported or ours. */
  private ended(inOrder: boolean): void {
    this.closed = true;
    const call = this.call;
    if (!call) return;
    // Only an orderly end delimits a body read to the close.
    const body = inOrder ? call.reader.end() : undefined;
    if (body) {
      this.complete(call, body);
      return;
    }
    this.failed(wsmanError('ERROR_WINHTTP_CONNECTION_ERROR'), inOrder);
  }

  /** A socket failure; `closedByPeer` when the peer closed it in order (FIN). */
  private failed(error: WSManError, closedByPeer: boolean): void {
    this.closed = true;
    const call = this.call;
    if (!call) return;
    this.failedWhileStale =
      closedByPeer && this.served > 0 && !call.reader.started && this.sentAt - this.idleSince >= IDLE_CLOSE_RACE_MS && Date.now() - this.sentAt < IDLE_CLOSE_RACE_MS;
    this.finish(error);
  }

  private finish(error: WSManError): void {
    const call = this.call;
    if (!call) return;
    this.call = undefined;
    call.reject(error);
  }
}
