/**
 * Kerberos on the client, two ways (MS-WSMV §2.2.9.1): `Authorization: Kerberos <GSS token>` for
 * WSManFlagUseKerberos, sealing as application/HTTP-Kerberos-session-encrypted; and SPNEGO under
 * `Authorization: Negotiate` offering Kerberos first (the Microsoft and the standard Kerberos
 * OIDs, then NTLM) with the AP-REQ as the optimistic token, sealing as
 * application/HTTP-SPNEGO-session-encrypted. Negotiate falls back to NTLM, as Windows does, when
 * Kerberos cannot start: no KDC answers, or the KDC knows the target or the client not.
 */
import { WSManError, wsmanError } from '../errors/wsman-error';
import { securityError } from './auth/security-errors';
import { tlsServerEndPoint } from './auth/channel-bindings';
import type { KerberosCredentialOptions, KerberosCredentials } from './auth/kerberos/kerberos-credentials';
import type { ServicePrincipalOptions } from './auth/kerberos/kerberos-client';
import type { KerberosInitiator } from './auth/kerberos/gss/initiator';
import { KRB5_OID, MS_KRB5_OID } from './auth/kerberos/gss/gss-token';
import { decodeSpnego, encodeMechTypes, encodeNegTokenInit, NegState, NTLMSSP_OID } from './auth/spnego';
import { NegotiateAuth, type ClientAuthProvider, type ConnectionFacts } from './client-auth';
import type { NegotiateClientOptions } from './auth/negotiate';
import { loadKrb5Config } from './auth/kerberos/krb5-config';
import { KerberosRefusal, KrbErrorCode } from './auth/kerberos/kdc-errors';
import { decryptMessage, encryptMessage, KERBEROS_ENCRYPTED_PROTOCOL, SPNEGO_ENCRYPTED_PROTOCOL, type EncryptedBody, type EncryptedCharset } from './message-encryption';

export interface KerberosAuthOptions extends KerberosCredentialOptions {
  readonly target: ServicePrincipalOptions;
  /** Forward the TGT to the service (credential delegation). */
  readonly delegate?: boolean;
}

/** The base64 token of a `<scheme> <base64>` challenge, if one is there. */
function schemeToken(challenges: readonly string[], scheme: string): Buffer | undefined {
  const pattern = new RegExp(`^${scheme}\\s+([A-Za-z0-9+/=]+)\\s*$`, 'i');
  for (const challenge of challenges) {
    const match = pattern.exec(challenge.trim());
    if (match) return Buffer.from(match[1]!, 'base64');
  }
  return undefined;
}

/** The mechanisms this client offers under Negotiate, Windows' order. */
const SPNEGO_MECHS = [MS_KRB5_OID, KRB5_OID, NTLMSSP_OID];
const KERBEROS_MECHS = new Set([MS_KRB5_OID, KRB5_OID]);

/** Delegation, and over HTTPS the `tls-server-end-point` bindings of the certificate the probe connection presented. */
function contextOptions(options: KerberosAuthOptions, connection: ConnectionFacts | undefined): { delegate?: true; channelBindings?: Buffer } {
  return {
    ...(options.delegate ? { delegate: true } : {}),
    ...(connection?.peerCertificate ? { channelBindings: tlsServerEndPoint(connection.peerCertificate) } : {}),
  };
}

/**
 * Credentials (read once per provider: the cache or keytab as it is when the session first
 * connects) and a new context for this connection. The Kerberos machinery (ASN.1 schema library,
 * crypto, KDC client) is loaded here, on first use, so that sessions and script hosts that never
 * use Kerberos do not load it at start-up.
 */
async function startContext(
  options: KerberosAuthOptions,
  held: KerberosCredentials | undefined,
  connection: ConnectionFacts | undefined,
): Promise<{ credentials: KerberosCredentials; context: KerberosInitiator }> {
  const { KerberosCredentials: Credentials } = require('./auth/kerberos/kerberos-credentials') as typeof import('./auth/kerberos/kerberos-credentials');
  const { servicePrincipal, startKerberosContext } = require('./auth/kerberos/kerberos-client') as typeof import('./auth/kerberos/kerberos-client');
  const credentials = held ?? new Credentials(options);
  const context = await startKerberosContext({ credentials, target: servicePrincipal(options.target, credentials), ...contextOptions(options, connection) });
  return { credentials, context };
}

/** Shared by both forms: the context of the current connection, sealing once it is complete. */
abstract class KerberosContextAuth implements ClientAuthProvider {
  readonly connectionBound = true;
  readonly bindsFirstToken = true;
  protected context: KerberosInitiator | undefined;
  protected abstract readonly protocol: string;

  get complete(): boolean {
    return this.context?.complete ?? false;
  }

  abstract prepare(connection?: ConnectionFacts): Promise<void>;
  abstract initialToken(): string;
  abstract handleChallenge(challenges: readonly string[], connection: ConnectionFacts): string | undefined;

  wrap(payload: Buffer, charset: EncryptedCharset): EncryptedBody {
    return encryptMessage(this.established().security, payload, charset, this.protocol);
  }

  unwrap(contentType: string, body: Buffer): { payload: Buffer; charset: EncryptedCharset } {
    return decryptMessage(this.established().security, contentType, body, this.protocol);
  }

  protected established(): KerberosInitiator {
    if (!this.context?.complete) throw wsmanError('ERROR_INTERNAL_ERROR');
    return this.context;
  }
}

/** `Authorization: Kerberos` (WSManFlagUseKerberos): Kerberos or nothing. */
export class KerberosAuth extends KerberosContextAuth {
  readonly scheme = 'Kerberos';
  protected readonly protocol = KERBEROS_ENCRYPTED_PROTOCOL;
  private credentials: KerberosCredentials | undefined;

  constructor(private readonly options: KerberosAuthOptions) {
    super();
  }

  async prepare(connection?: ConnectionFacts): Promise<void> {
    this.context = undefined;
    ({ credentials: this.credentials, context: this.context } = await startContext(this.options, this.credentials, connection));
  }

  initialToken(): string {
    if (!this.context) throw wsmanError('ERROR_INTERNAL_ERROR');
    return `Kerberos ${this.context.initialToken().toString('base64')}`;
  }

  /** A 401 after the AP-REQ: the service refused it (its KRB-ERROR, when sent, gives the code). */
  handleChallenge(challenges: readonly string[]): string | undefined {
    const token = schemeToken(challenges, 'Kerberos');
    if (token && this.context && !this.context.complete) this.context.handleReply(token);
    return undefined;
  }

  handleAccepted(challenges: readonly string[]): void {
    const token = schemeToken(challenges, 'Kerberos');
    if (!token) throw securityError('SEC_E_INVALID_TOKEN', 'the service answered without a Kerberos AP-REP (mutual authentication)');
    this.context?.handleReply(token);
  }
}

/** Kerberos failures after which Negotiate tries NTLM (Windows' Negotiate does the same). */
const FALLBACK_CODES = new Set(['SEC_E_NO_AUTHENTICATING_AUTHORITY', 'SEC_E_TARGET_UNKNOWN']);

/**
 * No KDC answers, the KDC does not know the target, or it does not know the client (an account
 * of the target host itself, e.g. `HOST\Administrator`): Negotiate goes on with NTLM.
 */
function fallsBackToNtlm(error: unknown): boolean {
  if (!(error instanceof WSManError)) return false;
  if (FALLBACK_CODES.has(error.code)) return true;
  return error.cause instanceof KerberosRefusal && error.cause.errorCode === KrbErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN;
}

export interface NegotiateKerberosOptions extends KerberosAuthOptions {
  /** NTLM under Negotiate, when Kerberos cannot be used and a password was given. */
  readonly ntlm?: Omit<NegotiateClientOptions, 'channelBindings'>;
}

/**
 * Negotiate choosing Kerberos: SPNEGO NegTokenInit with the AP-REQ; the final NegTokenResp
 * carries the AP-REP. When Kerberos cannot start and NTLM options are given, every leg is plain
 * NegotiateAuth (NTLM).
 */
export class NegotiateKerberosAuth extends KerberosContextAuth {
  readonly scheme = 'Negotiate';
  protected readonly protocol = SPNEGO_ENCRYPTED_PROTOCOL;
  private credentials: KerberosCredentials | undefined;
  private ntlm: NegotiateAuth | undefined;

  constructor(private readonly options: NegotiateKerberosOptions) {
    super();
  }

  /** The mechanism in use on the current connection. */
  get mechanism(): 'kerberos' | 'ntlm' | undefined {
    return this.ntlm ? 'ntlm' : this.context ? 'kerberos' : undefined;
  }

  override get complete(): boolean {
    return this.ntlm ? this.ntlm.complete : super.complete;
  }

  async prepare(connection?: ConnectionFacts): Promise<void> {
    this.ntlm = undefined;
    this.context = undefined;
    try {
      ({ credentials: this.credentials, context: this.context } = await startContext(this.options, this.credentials, connection));
    } catch (error) {
      if (!this.options.ntlm || !fallsBackToNtlm(error)) throw error;
      this.ntlm = new NegotiateAuth(this.options.ntlm);
    }
  }

  initialToken(): string {
    if (this.ntlm) return this.ntlm.initialToken();
    if (!this.context) throw wsmanError('ERROR_INTERNAL_ERROR');
    return `Negotiate ${encodeNegTokenInit({ mechTypes: SPNEGO_MECHS, mechToken: this.context.initialToken() }).toString('base64')}`;
  }

  handleChallenge(challenges: readonly string[], connection: ConnectionFacts): string | undefined {
    if (this.ntlm) return this.ntlm.handleChallenge(challenges, connection);
    // A 401 to the AP-REQ: refused (a KRB-ERROR inside gives the reason).
    const token = schemeToken(challenges, 'Negotiate');
    if (token && this.context && !this.context.complete) this.finish(token);
    return undefined;
  }

  handleAccepted(challenges: readonly string[]): void {
    if (this.ntlm) return this.ntlm.handleAccepted(challenges);
    const token = schemeToken(challenges, 'Negotiate');
    if (!token) throw securityError('SEC_E_INVALID_TOKEN', 'the service answered without a SPNEGO reply (mutual authentication)');
    this.finish(token);
  }

  override wrap(payload: Buffer, charset: EncryptedCharset): EncryptedBody {
    return this.ntlm ? this.ntlm.wrap(payload, charset) : super.wrap(payload, charset);
  }

  override unwrap(contentType: string, body: Buffer): { payload: Buffer; charset: EncryptedCharset } {
    return this.ntlm ? this.ntlm.unwrap(contentType, body) : super.unwrap(contentType, body);
  }

  /** The final NegTokenResp: Kerberos accepted, AP-REP checked, the acceptor's mechListMIC verified when sent. */
  private finish(token: Buffer): void {
    const reply = decodeSpnego(token);
    if (reply.kind !== 'resp') throw securityError('SEC_E_INVALID_TOKEN', 'expected a SPNEGO NegTokenResp');
    if (reply.negState === NegState.REJECT) throw securityError('SEC_E_LOGON_DENIED', 'the service rejected the SPNEGO exchange');
    if (reply.supportedMech !== undefined && !KERBEROS_MECHS.has(reply.supportedMech)) {
      throw securityError('SEC_E_UNSUPPORTED_FUNCTION', 'the service chose a mechanism other than Kerberos for a Kerberos token');
    }
    if (!reply.responseToken) throw securityError('SEC_E_INVALID_TOKEN', 'the SPNEGO reply carries no Kerberos AP-REP');
    const context = this.context!;
    context.handleReply(reply.responseToken);
    if (reply.mechListMic) context.security.verify(encodeMechTypes(SPNEGO_MECHS), reply.mechListMic);
  }
}

export interface NegotiateChoiceOptions {
  readonly userName?: string;
  readonly password?: string;
  readonly target: ServicePrincipalOptions;
  readonly delegate?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Negotiate as Windows chooses inside it: Kerberos when there is no password (implicit
 * credentials: the credential cache or a client keytab), or when krb5.conf's [domain_realm]
 * puts the target host in a Kerberos realm (with NTLM as the fallback); NTLM otherwise, as for a
 * host outside any domain.
 */
export function negotiateAuth(options: NegotiateChoiceOptions): ClientAuthProvider {
  const env = options.env ?? process.env;
  const kerberos: KerberosAuthOptions = {
    ...(options.userName !== undefined ? { userName: options.userName } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
    target: options.target,
    ...(options.delegate ? { delegate: true } : {}),
    env,
  };
  if (options.userName === undefined || options.password === undefined) return new NegotiateKerberosAuth(kerberos);
  const ntlm = { userName: options.userName, password: options.password, targetName: `HOST/${options.target.host}` };
  const inRealm = loadKrb5Config(env).realmOfHost(options.target.host.replace(/^\[(.*)\]$/, '$1')) !== undefined;
  return inRealm ? new NegotiateKerberosAuth({ ...kerberos, ntlm }) : new NegotiateAuth(ntlm);
}
