/**
 * Client side of HTTP authentication, one small provider per scheme: the Authorization value of
 * the first leg, the answer to a challenge when the scheme needs more legs (Negotiate does; Basic
 * and certificates do not), and `wrap`/`unwrap` when the mechanism gives message security.
 */
import { wsmanError } from '../errors/wsman-error';
import { MUTUAL_TLS_PROFILE } from '../protocol/namespaces';
import { NegotiateClient, type NegotiateClientOptions } from './auth/negotiate';
import { tlsServerEndPoint } from './auth/channel-bindings';
import { decryptMessage, encryptMessage, type EncryptedBody, type EncryptedCharset } from './message-encryption';

/** What the transport knows about the connection a challenge came on. */
export interface ConnectionFacts {
  /** DER of the server's TLS certificate (HTTPS only): the source of channel bindings. */
  readonly peerCertificate?: Buffer;
}

export interface ClientAuthProvider {
  /** The auth-scheme the Authorization header names (Basic, Negotiate, Kerberos); none for certificates and no authentication. */
  readonly scheme?: string;
  /**
   * Connection-bound schemes authenticate the TCP connection, not each request: after the
   * handshake requests carry no Authorization, and a new connection needs a new handshake.
   */
  readonly connectionBound: boolean;
  /** Connection-bound schemes: the handshake has made the keys (the next leg may carry a sealed message). */
  readonly complete?: boolean;
  /**
   * Over HTTPS the first token binds the server's certificate (Kerberos channel bindings): the
   * transport then makes one unauthenticated request first and passes its connection to prepare().
   */
  readonly bindsFirstToken?: boolean;
  /**
   * Work before the first leg that needs the network (Kerberos: tickets from the KDC); called by
   * the transport before each initialToken() of a connection-bound scheme.
   */
  prepare?(connection?: ConnectionFacts): Promise<void>;
  /** Authorization header value of the first request (a connection-bound scheme starts a new exchange); undefined sends none. */
  initialToken(): string | undefined;
  /** Next Authorization value for a 401's WWW-Authenticate values, or undefined when done (access denied). */
  handleChallenge(challenges: readonly string[], connection: ConnectionFacts): string | undefined;
  /** The WWW-Authenticate values of the answer that ended the handshake (Negotiate's final token). */
  handleAccepted?(challenges: readonly string[]): void;
  /** Message encryption, for mechanisms that have it (seals a SOAP body for plain HTTP). */
  wrap?(payload: Buffer, charset: EncryptedCharset): EncryptedBody;
  unwrap?(contentType: string, body: Buffer): { payload: Buffer; charset: EncryptedCharset };
}

/** Basic: the credentials on every request, pre-emptively, like the Windows client. */
export function basicAuth(userName: string, password: string): ClientAuthProvider {
  const token = `Basic ${Buffer.from(`${userName}:${password}`, 'utf8').toString('base64')}`;
  return { scheme: 'Basic', connectionBound: false, initialToken: () => token, handleChallenge: () => undefined };
}

/** Client certificate: the TLS handshake proves the identity; the header names the profile. */
export function certificateAuth(): ClientAuthProvider {
  return { connectionBound: false, initialToken: () => MUTUAL_TLS_PROFILE, handleChallenge: () => undefined };
}

/** No Authorization header (unauthenticated Identify). */
export function noAuth(): ClientAuthProvider {
  return { connectionBound: false, initialToken: () => undefined, handleChallenge: () => undefined };
}

const NEGOTIATE = 'Negotiate';

/** The token of a `Negotiate <base64>` challenge, if one is there. */
function negotiateToken(challenges: readonly string[]): Buffer | undefined {
  for (const challenge of challenges) {
    const match = /^Negotiate\s+([A-Za-z0-9+/=]+)\s*$/i.exec(challenge.trim());
    if (match) return Buffer.from(match[1], 'base64');
  }
  return undefined;
}

/**
 * Negotiate (SPNEGO with NTLM): each `initialToken()` starts a fresh security context, so a new
 * connection gets new keys. Over HTTPS the AUTHENTICATE carries the channel bindings of the
 * certificate the connection presented, as the Windows client sends them.
 */
export class NegotiateAuth implements ClientAuthProvider {
  readonly scheme = NEGOTIATE;
  readonly connectionBound = true;
  private context: NegotiateClient | undefined;

  constructor(private readonly options: Omit<NegotiateClientOptions, 'channelBindings'>) {}

  get complete(): boolean {
    return this.context?.complete ?? false;
  }

  initialToken(): string {
    this.context = new NegotiateClient(this.options);
    return `${NEGOTIATE} ${this.context.initialToken().toString('base64')}`;
  }

  handleChallenge(challenges: readonly string[], connection: ConnectionFacts): string | undefined {
    const token = negotiateToken(challenges);
    // A bare `Negotiate` (or nothing) after our AUTHENTICATE: the server refused the credentials.
    if (!this.context || this.context.complete || token === undefined) return undefined;
    const bindings = connection.peerCertificate ? tlsServerEndPoint(connection.peerCertificate) : undefined;
    const answer = this.context.handleChallenge(token, bindings);
    return answer && `${NEGOTIATE} ${answer.toString('base64')}`;
  }

  handleAccepted(challenges: readonly string[]): void {
    const token = negotiateToken(challenges);
    if (token && this.context) this.context.handleChallenge(token);
  }

  wrap(payload: Buffer, charset: EncryptedCharset): EncryptedBody {
    return encryptMessage(this.established().security, payload, charset);
  }

  unwrap(contentType: string, body: Buffer): { payload: Buffer; charset: EncryptedCharset } {
    return decryptMessage(this.established().security, contentType, body);
  }

  private established(): NegotiateClient {
    // The transport seals only after the handshake; reaching this is a bug, not bad input.
    if (!this.context?.complete) throw wsmanError('ERROR_INTERNAL_ERROR');
    return this.context;
  }
}
