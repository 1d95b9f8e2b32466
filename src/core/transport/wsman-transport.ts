/**
 * SOAP over HTTP the way the Windows client does it: the headers it sends, the encoding it
 * chose, the authentication legs, and every HTTP outcome turned into the Windows error code.
 * A 200 or 500 with a SOAP body is handed up as text; the session engine reads it.
 */
import { AuthenticationRefused } from '../errors/authentication-refused';
import { WSManError, wsmanError } from '../errors/wsman-error';
import type { ClientAuthProvider } from './client-auth';
import { decodeBody, encodeBody, type BodyCharset } from './body-encoding';
import { HttpExchange, type HttpConnection, type HttpResponse, type PostOptions, type TlsSettings } from './http-exchange';
import { cannotDecrypt, isEncryptedContentType, type EncryptedCharset } from './message-encryption';
import { offeredSchemes } from './www-authenticate';

export const USER_AGENT = 'Microsoft WinRM Client';

export interface TransportSettings {
  readonly url: string;
  readonly auth: ClientAuthProvider;
  readonly tls?: TlsSettings;
  readonly utf16: boolean;
  /** Seal every body with the mechanism's message security (Negotiate over plain HTTP unless unencrypted traffic was asked for). */
  readonly encrypt: boolean;
}

export interface ExchangeOptions {
  /** Operation timeout plus the network delay. */
  readonly timeoutMs: number;
  /** Largest response accepted, in bytes. */
  readonly responseLimit: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface SoapReplyText {
  readonly status: 200 | 500;
  readonly text: string;
}

const EMPTY = Buffer.alloc(0);

/** HTTP statuses other than 200/500/401 and what the Windows client reports for them. */
const STATUS_ERRORS: Readonly<Record<number, string>> = {
  400: 'ERROR_WSMAN_HTTP_STATUS_BAD_REQUEST',
  404: 'ERROR_WSMAN_HTTP_NOT_FOUND_STATUS',
  413: 'ERROR_WSMAN_HTTP_REQUEST_TOO_LARGE_STATUS',
  503: 'ERROR_WSMAN_HTTP_SERVICE_UNAVAILABLE_STATUS',
};

/** The last Content-Type read and its charset: a server answers every request with the same one. */
let lastType: string | undefined;
let lastCharset: BodyCharset | undefined;

function charsetOf(contentType: string | undefined): BodyCharset | undefined {
  if (contentType === lastType) return lastCharset;
  lastCharset = readCharset(contentType);
  lastType = contentType;
  return lastCharset;
}

function readCharset(contentType: string | undefined): BodyCharset | undefined {
  if (!contentType || !/^application\/soap\+xml\b/i.test(contentType.trim())) return undefined;
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1]?.toLowerCase();
  return charset === 'utf-16' || charset === 'utf-16le' ? 'utf-16le' : 'utf-8';
}

export class WSManTransport {
  private readonly exchanger: HttpExchange;
  private readonly charset: BodyCharset;
  /** The charset as Content-Type and OriginalContent name it. */
  private readonly charsetLabel: EncryptedCharset;
  /** Content-Type of an unsealed body. */
  private readonly plainType: string;
  private readonly secure: boolean;
  /** Connection-bound auth: the connection the handshake authenticated. */
  private authenticated: HttpConnection | undefined;
  /** Connection-bound auth handles one exchange at a time: legs and sequence numbers must not interleave. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Exchanges queued or running; with none, the next one starts at once. */
  private pending = 0;
  private readonly settled = (): void => {
    this.pending--;
  };

  constructor(private readonly settings: TransportSettings) {
    const url = new URL(settings.url);
    this.secure = url.protocol === 'https:';
    this.exchanger = new HttpExchange(url, settings.tls, USER_AGENT);
    this.charset = settings.utf16 ? 'utf-16le' : 'utf-8';
    this.charsetLabel = settings.utf16 ? 'UTF-16' : 'UTF-8';
    this.plainType = `application/soap+xml;charset=${this.charsetLabel}`;
  }

  exchange(envelope: string, options: ExchangeOptions): Promise<SoapReplyText> {
    const payload = encodeBody(envelope, this.charset);
    if (!this.settings.auth.connectionBound) return this.exchangePerRequest(payload, options);
    const turn = this.pending === 0 ? this.exchangeOnConnection(payload, options) : this.queue.then(() => this.exchangeOnConnection(payload, options));
    this.pending++;
    this.queue = turn.then(this.settled, this.settled);
    return turn;
  }

  close(): void {
    this.exchanger.close();
  }

  /** Basic, certificates, none: the credentials travel with every request; a 401 may ask for another leg. */
  private async exchangePerRequest(payload: Buffer, options: ExchangeOptions): Promise<SoapReplyText> {
    const auth = this.settings.auth;
    let token = auth.initialToken();
    for (;;) {
      const response = await this.post(payload, this.plainType, token, options);
      if (response.status !== 401) return this.interpretPlain(response);
      token = auth.handleChallenge(response.challenges, response.connection);
      if (token === undefined) throw this.accessDenied(response);
    }
  }

  /**
   * Negotiate: requests on the authenticated connection go without Authorization. A connection
   * that closed, or a 401 on one that seemed authenticated, gets one new handshake.
   */
  private async exchangeOnConnection(payload: Buffer, options: ExchangeOptions): Promise<SoapReplyText> {
    if (this.authenticated?.open) {
      let response: HttpResponse | undefined;
      try {
        response = await this.postMessage(payload, undefined, options);
      } catch (error) {
        // The kept connection died under the request (closed by the server while idle): a new one, a new handshake.
        if (!(error instanceof WSManError && error.code === 'ERROR_WINHTTP_CONNECTION_ERROR')) throw error;
      }
      if (response && response.status !== 401) return this.accept(response);
    }
    this.authenticated = undefined;
    return this.handshake(payload, options);
  }

  /**
   * Leg 1 has no body (Windows sends Content-Length: 0): a body can be sealed only once the keys
   * exist. The leg that completes the context carries the first message, sealed.
   */
  private async handshake(payload: Buffer, options: ExchangeOptions): Promise<SoapReplyText> {
    const auth = this.settings.auth;
    // The certificate the channel bindings hash is known once a TLS connection answered.
    const probe = auth.bindsFirstToken && this.settings.tls ? await this.post(EMPTY, this.plainType, undefined, options) : undefined;
    await auth.prepare?.(probe?.connection);
    let response = await this.post(EMPTY, this.plainType, auth.initialToken(), options);
    while (response.status === 401) {
      const token = auth.handleChallenge(response.challenges, response.connection);
      if (token === undefined) throw this.accessDenied(response);
      response = auth.complete ? await this.postMessage(payload, token, options) : await this.post(EMPTY, this.plainType, token, options);
    }
    if (!auth.complete) {
      // Kerberos: the one leg's answer (200, empty body) carries the AP-REP that completes the
      // context; the message itself goes next, sealed.
      auth.handleAccepted?.(response.challenges);
      if (!auth.complete) return this.interpretPlain(response);
      this.authenticated = response.connection;
      return this.accept(await this.postMessage(payload, undefined, options));
    }
    auth.handleAccepted?.(response.challenges);
    this.authenticated = response.connection;
    return this.accept(response);
  }

  /**
   * A 401 that ends the exchange: E_ACCESSDENIED as Windows reports it, with the schemes the server
   * offered as its cause, so that a caller can tell a refused mechanism from refused credentials.
   */
  private accessDenied(response: HttpResponse): WSManError {
    const scheme = this.settings.auth.scheme;
    if (scheme === undefined) return wsmanError('E_ACCESSDENIED');
    return wsmanError('E_ACCESSDENIED', { cause: new AuthenticationRefused(scheme, offeredSchemes(response.challenges), this.secure) });
  }

  /** The message as the session sends it: sealed when encrypting. */
  private postMessage(payload: Buffer, token: string | undefined, options: ExchangeOptions): Promise<HttpResponse> {
    if (!this.settings.encrypt) return this.post(payload, this.plainType, token, options);
    const sealed = this.seal(payload);
    return this.post(sealed.body, sealed.contentType, token, options);
  }

  private seal(payload: Buffer): { body: Buffer; contentType: string } {
    const auth = this.settings.auth;
    if (!auth.wrap) throw wsmanError('ERROR_INTERNAL_ERROR');
    return auth.wrap(payload, this.charsetLabel);
  }

  /**
   * An answer on the authenticated connection. With encryption, a SOAP body must come sealed and
   * verify; anything else drops the connection (its keys are no longer trusted) and fails this
   * request only.
   */
  private accept(response: HttpResponse): SoapReplyText {
    if (!this.settings.encrypt || (response.status !== 200 && response.status !== 500)) return this.interpretPlain(response);
    const contentType = response.contentType;
    const auth = this.settings.auth;
    try {
      if (!auth.unwrap || !isEncryptedContentType(contentType)) throw cannotDecrypt('the reply is not encrypted');
      const { payload, charset } = auth.unwrap(contentType ?? '', response.body);
      return this.interpret(response.status, `application/soap+xml;charset=${charset}`, payload);
    } catch (error) {
      response.connection.drop();
      this.authenticated = undefined;
      throw error;
    }
  }

  /**
   * Per-request authentication may replay a request on a new connection when the kept one was
   * closed by the server under it; connection-bound authentication never does (the transport
   * starts a new handshake instead).
   */
  private post(body: Buffer, contentType: string, authorization: string | undefined, options: ExchangeOptions): Promise<HttpResponse> {
    const post: PostOptions = { timeoutMs: options.timeoutMs, responseLimit: options.responseLimit, replayable: !this.settings.auth.connectionBound };
    return this.exchanger.post(body, { contentType, authorization, headers: options.headers }, post);
  }

  private interpretPlain(response: HttpResponse): SoapReplyText {
    return this.interpret(response.status, response.contentType, response.body);
  }

  private interpret(status: number, contentType: string | undefined, body: Buffer): SoapReplyText {
    if (status === 200 || status === 500) {
      const charset = charsetOf(contentType);
      if (body.length === 0) {
        throw wsmanError(status === 200 ? 'ERROR_WSMAN_HTTP_NO_RESPONSE_DATA' : 'ERROR_WSMAN_HTTP_STATUS_SERVER_ERROR');
      }
      if (charset === undefined) {
        throw wsmanError(status === 200 ? 'ERROR_WSMAN_HTTP_INVALID_CONTENT_TYPE_IN_RESPONSE_DATA' : 'ERROR_WSMAN_HTTP_STATUS_SERVER_ERROR');
      }
      try {
        return { status, text: decodeBody(body, charset) };
      } catch (error) {
        throw wsmanError(status === 200 ? 'ERROR_WSMAN_INVALID_CHARACTERS_IN_RESPONSE' : 'ERROR_WSMAN_HTTP_STATUS_SERVER_ERROR', { cause: error });
      }
    }
    if (status >= 300 && status < 400) throw wsmanError('ERROR_WSMAN_UNSUPPORTED_HTTP_STATUS_REDIRECT');
    throw wsmanError(STATUS_ERRORS[status] ?? 'ERROR_WSMAN_UNKNOWN_HTTP_STATUS_RETURNED');
  }
}
