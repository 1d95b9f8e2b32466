/**
 * SOAP over HTTP the way the Windows client does it: the headers it sends, the encoding it
 * chose, the authentication legs, and every HTTP outcome turned into the Windows error code.
 * A 200 or 500 with a SOAP body is handed up as text; the session engine reads it.
 */
import { wsmanError } from '../errors/wsman-error';
import type { ClientAuthProvider } from './client-auth';
import { decodeBody, encodeBody, type BodyCharset } from './body-encoding';
import { HttpExchange, type HttpResponse, type TlsSettings } from './http-exchange';

export const USER_AGENT = 'Microsoft WinRM Client';

export interface TransportSettings {
  readonly url: string;
  readonly auth: ClientAuthProvider;
  readonly tls?: TlsSettings;
  readonly utf16: boolean;
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

/** HTTP statuses other than 200/500/401 and what the Windows client reports for them. */
const STATUS_ERRORS: Readonly<Record<number, string>> = {
  400: 'ERROR_WSMAN_HTTP_STATUS_BAD_REQUEST',
  404: 'ERROR_WSMAN_HTTP_NOT_FOUND_STATUS',
  413: 'ERROR_WSMAN_HTTP_REQUEST_TOO_LARGE_STATUS',
  503: 'ERROR_WSMAN_HTTP_SERVICE_UNAVAILABLE_STATUS',
};

function charsetOf(contentType: string | undefined): BodyCharset | undefined {
  if (!contentType || !/^application\/soap\+xml\b/i.test(contentType.trim())) return undefined;
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1]?.toLowerCase();
  return charset === 'utf-16' || charset === 'utf-16le' ? 'utf-16le' : 'utf-8';
}

export class WSManTransport {
  private readonly exchanger: HttpExchange;

  constructor(private readonly settings: TransportSettings) {
    this.exchanger = new HttpExchange(new URL(settings.url), settings.tls, USER_AGENT);
  }

  async exchange(envelope: string, options: ExchangeOptions): Promise<SoapReplyText> {
    const charset: BodyCharset = this.settings.utf16 ? 'utf-16le' : 'utf-8';
    const body = encodeBody(envelope, charset);
    const baseHeaders: Record<string, string> = {
      Connection: 'Keep-Alive',
      'Content-Type': `application/soap+xml;charset=${this.settings.utf16 ? 'UTF-16' : 'UTF-8'}`,
      ...options.headers,
    };
    let token = this.settings.auth.initialToken();
    for (;;) {
      const headers = token === undefined ? baseHeaders : { ...baseHeaders, Authorization: token };
      const response = await this.exchanger.post(body, headers, options.timeoutMs, options.responseLimit);
      if (response.status !== 401) return this.interpret(response);
      const challenges = [response.headers['www-authenticate'] ?? []].flat();
      token = this.settings.auth.handleChallenge(challenges);
      if (token === undefined) throw wsmanError('E_ACCESSDENIED');
    }
  }

  private interpret(response: HttpResponse): SoapReplyText {
    const { status } = response;
    if (status === 200 || status === 500) {
      const charset = charsetOf(response.headers['content-type']);
      if (response.body.length === 0) {
        throw wsmanError(status === 200 ? 'ERROR_WSMAN_HTTP_NO_RESPONSE_DATA' : 'ERROR_WSMAN_HTTP_STATUS_SERVER_ERROR');
      }
      if (charset === undefined) {
        throw wsmanError(status === 200 ? 'ERROR_WSMAN_HTTP_INVALID_CONTENT_TYPE_IN_RESPONSE_DATA' : 'ERROR_WSMAN_HTTP_STATUS_SERVER_ERROR');
      }
      try {
        return { status, text: decodeBody(response.body, charset) };
      } catch (error) {
        throw wsmanError(status === 200 ? 'ERROR_WSMAN_INVALID_CHARACTERS_IN_RESPONSE' : 'ERROR_WSMAN_HTTP_STATUS_SERVER_ERROR', { cause: error });
      }
    }
    if (status >= 300 && status < 400) throw wsmanError('ERROR_WSMAN_UNSUPPORTED_HTTP_STATUS_REDIRECT');
    throw wsmanError(STATUS_ERRORS[status] ?? 'ERROR_WSMAN_UNKNOWN_HTTP_STATUS_RETURNED');
  }

  close(): void {
    this.exchanger.close();
  }
}
