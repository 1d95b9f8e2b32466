/**
 * Negotiate (SPNEGO over HTTP, RFC 4559) with NTLM as the one mechanism, both sides. Each side
 * answers in the form its peer used: SPNEGO tokens, or raw NTLM messages under `Negotiate` as the
 * Windows event-forwarding client and requests_ntlm send them.
 *
 * The SPNEGO mechListMIC (RFC 4178 §5) is an NTLM signature over the DER MechTypeList; like SSPI,
 * each side resets that direction's RC4 handle right after signing or verifying it, while the
 * sequence numbers run on (MS-SPNG §3.3.5.1). The client signs it whenever its AUTHENTICATE has
 * a MIC (or the server asked with request-mic), and the server answers with its own.
 */
import { applicationTag } from '../../asn1/der';
import { WSManError } from '../../errors/wsman-error';
import { NtlmClient } from './ntlm-client';
import { isNtlmMessage } from './ntlm-messages';
import { NtlmServer, type NtlmServerOptions } from './ntlm-server';
import type { NtlmSessionSecurity } from './ntlm-session';
import { securityError } from './security-errors';
import type { SessionSecurity } from './session-security';
import { decodeSpnego, encodeMechTypes, encodeNegTokenInit, encodeNegTokenResp, NegState, NTLMSSP_OID, type NegTokenResp } from './spnego';

export type { SessionSecurity } from './session-security';

const MECH_TYPES = [NTLMSSP_OID];
/** The MechTypeList this client sends, which its mechListMICs sign. */
const MECH_TYPES_DER = encodeMechTypes(MECH_TYPES);

function responseOf(token: Buffer): NegTokenResp {
  const decoded = decodeSpnego(token);
  if (decoded.kind !== 'resp') throw securityError('SEC_E_INVALID_TOKEN', 'expected a SPNEGO NegTokenResp');
  if (decoded.negState === NegState.REJECT) throw securityError('SEC_E_LOGON_DENIED', 'the peer rejected the SPNEGO exchange');
  return decoded;
}

// ---- client ----

export interface NegotiateClientOptions {
  /** `DOMAIN\user`, `user@domain` or a local account name. */
  readonly userName: string;
  readonly password: string;
  /** Overrides the domain taken from `userName`. */
  readonly domain?: string;
  readonly workstation?: string;
  /** `tls-server-end-point` application data of the server certificate (see channel-bindings.ts). */
  readonly channelBindings?: Buffer;
  /** SPN, e.g. `HOST/server.contoso.com`. */
  readonly targetName?: string;
  /** Wrap the NTLM messages in SPNEGO (default true); false sends raw NTLM under `Negotiate`. */
  readonly spnego?: boolean;
}

/**
 * User and domain as SSPI sends them: `DOMAIN\user` splits; a UPN (`user@domain`) goes whole into
 * the user name with an empty domain; a plain name is a local account with an empty domain.
 */
export function splitUserName(userName: string, domain?: string): { user: string; domain: string } {
  if (domain !== undefined) return { user: userName, domain };
  const slash = userName.indexOf('\\');
  return slash >= 0 ? { user: userName.slice(slash + 1), domain: userName.slice(0, slash) } : { user: userName, domain: '' };
}

type ClientState = 'initial' | 'awaiting-challenge' | 'established' | 'verified';

export class NegotiateClient {
  private readonly ntlm: NtlmClient;
  private state: ClientState = 'initial';
  /** Whether this exchange is in SPNEGO form; a server may answer raw NTLM to a NegTokenInit. */
  private wrapped: boolean;

  /** `random`: source of the client challenge and session key (tests pass fixed bytes). */
  constructor(options: NegotiateClientOptions, random?: (size: number) => Buffer) {
    const { user, domain } = splitUserName(options.userName, options.domain);
    this.ntlm = new NtlmClient(
      {
        user,
        domain,
        password: options.password,
        ...(options.workstation !== undefined ? { workstation: options.workstation } : {}),
        ...(options.channelBindings !== undefined ? { channelBindings: options.channelBindings } : {}),
        ...(options.targetName !== undefined ? { targetName: options.targetName } : {}),
      },
      random,
    );
    this.wrapped = options.spnego ?? true;
  }

  /** The first leg: a NegTokenInit carrying the NTLM NEGOTIATE (or the bare NEGOTIATE). */
  initialToken(): Buffer {
    if (this.state !== 'initial') throw securityError('SEC_E_INVALID_TOKEN', 'the Negotiate exchange has already started');
    const negotiate = this.ntlm.negotiate();
    this.state = 'awaiting-challenge';
    return this.wrapped ? encodeNegTokenInit({ mechTypes: MECH_TYPES, mechToken: negotiate }) : negotiate;
  }

  /**
   * The server's token from a 401 (the CHALLENGE: returns the AUTHENTICATE leg), or from the final
   * reply (a NegTokenResp whose mechListMIC is verified: returns undefined). The final token must be
   * handled before the first sealed reply is unwrapped, as it resets the incoming RC4 handle.
   */
  handleChallenge(token: Buffer, channelBindings?: Buffer): Buffer | undefined {
    switch (this.state) {
      case 'awaiting-challenge':
        return this.answerChallenge(token, channelBindings);
      case 'established':
        this.verifyFinal(token);
        return undefined;
      default:
        throw securityError('SEC_E_INVALID_TOKEN', 'the Negotiate exchange expects no token now');
    }
  }

  /** True once the AUTHENTICATE is made: the session can seal messages. */
  get complete(): boolean {
    return this.state === 'established' || this.state === 'verified';
  }

  get security(): SessionSecurity {
    return this.ntlm.result.security;
  }

  private answerChallenge(token: Buffer, channelBindings: Buffer | undefined): Buffer {
    if (isNtlmMessage(token)) {
      this.wrapped = false;
      const authenticate = this.ntlm.authenticate(token, channelBindings);
      this.state = 'established';
      return authenticate;
    }
    const reply = responseOf(token);
    if (reply.supportedMech !== undefined && reply.supportedMech !== NTLMSSP_OID) {
      throw securityError('SEC_E_UNSUPPORTED_FUNCTION', 'the server chose a mechanism other than NTLM');
    }
    if (!reply.responseToken) throw securityError('SEC_E_INVALID_TOKEN', 'the SPNEGO reply carries no NTLM CHALLENGE');
    this.wrapped = true;
    const authenticate = this.ntlm.authenticate(reply.responseToken, channelBindings);
    const { security, micPresent } = this.ntlm.result;
    const mechListMic = micPresent || reply.negState === NegState.REQUEST_MIC ? signMechList(security, MECH_TYPES_DER) : undefined;
    this.state = 'established';
    // Windows leaves negState out of the initiator's NegTokenResp.
    return encodeNegTokenResp({ responseToken: authenticate, ...(mechListMic ? { mechListMic } : {}) });
  }

  private verifyFinal(token: Buffer): void {
    if (!this.wrapped) throw securityError('SEC_E_INVALID_TOKEN', 'a raw NTLM exchange has no final token');
    const reply = responseOf(token);
    if (reply.mechListMic) verifyMechList(this.ntlm.result.security, reply.mechListMic, MECH_TYPES_DER);
    this.state = 'verified';
  }
}

function signMechList(security: NtlmSessionSecurity, mechTypesDer: Buffer): Buffer {
  const mic = security.sign(mechTypesDer);
  security.resetHandle('outgoing');
  return mic;
}

function verifyMechList(security: NtlmSessionSecurity, mic: Buffer, mechTypesDer: Buffer): void {
  security.verify(mechTypesDer, mic);
  security.resetHandle('incoming');
}

// ---- server ----

/** Whether a token opens an exchange (a NegTokenInit or an NTLM NEGOTIATE): a client starting over on its connection. */
export function opensExchange(token: Buffer): boolean {
  return token[0] === applicationTag(0) || (isNtlmMessage(token) && token.length >= 12 && token.readUInt32LE(8) === 1);
}

export type NegotiateServerOptions = NtlmServerOptions;

export type NegotiateStep =
  /** Send a 401 with `WWW-Authenticate: Negotiate <token>` and keep the connection. */
  | { readonly kind: 'continue'; readonly token: Buffer }
  /** `token`: the final SPNEGO reply, for a `WWW-Authenticate` header on the answer. */
  | { readonly kind: 'authenticated'; readonly user: string; readonly domain: string; readonly token?: Buffer }
  | { readonly kind: 'rejected' };

type ServerState = 'initial' | 'awaiting-negotiate' | 'awaiting-authenticate' | 'authenticated' | 'rejected';

export class NegotiateServer {
  private readonly ntlm: NtlmServer;
  private state: ServerState = 'initial';
  private wrapped = false;
  /** The client's MechTypeList as sent, which both mechListMICs sign. */
  private mechTypesDer = MECH_TYPES_DER;
  /** The server sent request-mic, so the client must send a mechListMIC. */
  private micRequested = false;
  private established: NtlmSessionSecurity | undefined;

  constructor(options: NegotiateServerOptions) {
    this.ntlm = new NtlmServer(options);
  }

  /** One leg; any failure (bad token, wrong password, bad bindings or MIC) ends the exchange as rejected. */
  step(token: Buffer): NegotiateStep {
    try {
      return this.advance(token);
    } catch (error) {
      if (!(error instanceof WSManError)) throw error;
      this.state = 'rejected';
      return { kind: 'rejected' };
    }
  }

  get security(): SessionSecurity {
    if (!this.established) throw securityError('SEC_E_INVALID_TOKEN', 'the Negotiate exchange is not complete');
    return this.established;
  }

  private advance(token: Buffer): NegotiateStep {
    switch (this.state) {
      case 'initial':
        return this.begin(token);
      case 'awaiting-negotiate': {
        const negotiate = responseOf(token).responseToken;
        if (!negotiate) throw securityError('SEC_E_INVALID_TOKEN', 'the SPNEGO reply carries no NTLM NEGOTIATE');
        return this.challenge(negotiate, false);
      }
      case 'awaiting-authenticate':
        return this.authenticate(token);
      default:
        throw securityError('SEC_E_INVALID_TOKEN', 'the Negotiate exchange is over');
    }
  }

  private begin(token: Buffer): NegotiateStep {
    if (isNtlmMessage(token)) return this.challenge(token, true);
    const init = decodeSpnego(token);
    if (init.kind !== 'init') throw securityError('SEC_E_INVALID_TOKEN', 'expected a SPNEGO NegTokenInit');
    if (!init.mechTypes.includes(NTLMSSP_OID)) throw securityError('SEC_E_UNSUPPORTED_FUNCTION', 'the client does not offer NTLM');
    this.wrapped = true;
    this.mechTypesDer = init.mechTypesDer;
    if (init.mechTypes[0] === NTLMSSP_OID && init.mechToken) return this.challenge(init.mechToken, true);
    // The client's optimistic token is for another mechanism: choose NTLM and ask for its NEGOTIATE and a mechListMIC (RFC 4178 §5).
    this.micRequested = true;
    this.state = 'awaiting-negotiate';
    return { kind: 'continue', token: encodeNegTokenResp({ negState: NegState.REQUEST_MIC, supportedMech: NTLMSSP_OID }) };
  }

  private challenge(negotiate: Buffer, firstReply: boolean): NegotiateStep {
    const challenge = this.ntlm.challenge(negotiate);
    this.state = 'awaiting-authenticate';
    if (!this.wrapped) return { kind: 'continue', token: challenge };
    return {
      kind: 'continue',
      // supportedMech only in the first reply (RFC 4178 §4.2.2).
      token: encodeNegTokenResp({ negState: NegState.ACCEPT_INCOMPLETE, ...(firstReply ? { supportedMech: NTLMSSP_OID } : {}), responseToken: challenge }),
    };
  }

  private authenticate(token: Buffer): NegotiateStep {
    const reply = this.wrapped ? responseOf(token) : { responseToken: token };
    if (!reply.responseToken) throw securityError('SEC_E_INVALID_TOKEN', 'the SPNEGO reply carries no NTLM AUTHENTICATE');
    const result = this.ntlm.authenticate(reply.responseToken);
    let finalToken: Buffer | undefined;
    if (this.wrapped) {
      if (reply.mechListMic) verifyMechList(result.security, reply.mechListMic, this.mechTypesDer);
      else if (this.micRequested) throw securityError('SEC_E_INVALID_TOKEN', 'the client sent no mechListMIC');
      const mechListMic = reply.mechListMic ? signMechList(result.security, this.mechTypesDer) : undefined;
      finalToken = encodeNegTokenResp({ negState: NegState.ACCEPT_COMPLETED, ...(mechListMic ? { mechListMic } : {}) });
    }
    this.established = result.security;
    this.state = 'authenticated';
    return { kind: 'authenticated', user: result.user, domain: result.domain, ...(finalToken ? { token: finalToken } : {}) };
  }
}
