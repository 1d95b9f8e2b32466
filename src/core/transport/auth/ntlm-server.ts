/**
 * The server side of NTLMv2 (MS-NLMP §3.2.5.1): a CHALLENGE for the client's NEGOTIATE, then the
 * check of its AUTHENTICATE against the account's password. Only NTLMv2 with extended session
 * security is accepted; NTLMv1, LM and anonymous logons are refused. Channel bindings follow
 * Windows' CbtHardeningLevel: Relaxed accepts a client that sends none, Strict does not.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { channelBindingsHash } from './channel-bindings';
import { fileTime, hmacMd5, messageIntegrityCode, ntowfv2 } from './ntlm-crypto';
import {
  AV_FLAG_MIC_PRESENT,
  AvId,
  decodeAuthenticate,
  decodeAvPairs,
  decodeNegotiate,
  encodeChallenge,
  findAvPair,
  MIC_OFFSET,
  NegotiateFlag,
  unicode,
  type AvPair,
} from './ntlm-messages';
import { NtlmSessionSecurity } from './ntlm-session';
import { rc4k } from './rc4';
import { securityError } from './security-errors';

export interface NtlmServerOptions {
  /** The account's password, or undefined when there is no such account. */
  lookupPassword(user: string, domain: string): string | undefined;
  /** This computer's name (NetBIOS or DNS form). */
  readonly computerName: string;
  /** The DNS domain when the emulated host is domain-joined; a workgroup host has none. */
  readonly domainName?: string;
  /** This server's unhashed channel bindings (`tls-server-end-point:` ‖ hash of its certificate). */
  readonly channelBindings?: Buffer;
  /** CbtHardeningLevel Strict: a client must send matching bindings. */
  readonly requireChannelBindings?: boolean;
}

export interface NtlmServerResult {
  /** User and domain as the client sent them. */
  readonly user: string;
  readonly domain: string;
  readonly security: NtlmSessionSecurity;
  /** The AUTHENTICATE carried a verified MIC; SPNEGO then expects a mechListMIC. */
  readonly micPresent: boolean;
}

/** Flags the server grants when the client asks for them. */
const GRANTABLE =
  NegotiateFlag.SIGN |
  NegotiateFlag.SEAL |
  NegotiateFlag.EXTENDED_SESSIONSECURITY |
  NegotiateFlag.KEY_128 |
  NegotiateFlag.KEY_EXCH |
  NegotiateFlag.KEY_56;

/** Flags every CHALLENGE sets (§3.2.5.1.1). */
const ALWAYS = NegotiateFlag.REQUEST_TARGET | NegotiateFlag.NTLM | NegotiateFlag.ALWAYS_SIGN | NegotiateFlag.TARGET_INFO | NegotiateFlag.VERSION;

const NTLMV2_BLOB_HEADER = 28;

type State =
  | { readonly kind: 'initial' }
  | { readonly kind: 'challenged'; readonly negotiate: Buffer; readonly challenge: Buffer; readonly serverChallenge: Buffer }
  | { readonly kind: 'done' };

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export class NtlmServer {
  private state: State = { kind: 'initial' };

  constructor(
    private readonly options: NtlmServerOptions,
    /** Source of the server challenge (tests pass fixed bytes). */
    private readonly random: (size: number) => Buffer = randomBytes,
  ) {}

  challenge(negotiateToken: Buffer): Buffer {
    if (this.state.kind !== 'initial') throw securityError('SEC_E_INVALID_TOKEN', 'the NTLM exchange is not waiting for a NEGOTIATE');
    const requested = decodeNegotiate(negotiateToken).flags;
    // Unicode when offered, else OEM (§3.2.5.1.1).
    const text = requested & NegotiateFlag.UNICODE ? NegotiateFlag.UNICODE : requested & NegotiateFlag.OEM;
    if (!text) throw securityError('SEC_E_UNSUPPORTED_FUNCTION', 'the client offers neither Unicode nor OEM text');
    if (!(requested & NegotiateFlag.EXTENDED_SESSIONSECURITY)) {
      throw securityError('SEC_E_UNSUPPORTED_FUNCTION', 'the client does not offer NTLMv2 session security');
    }
    const names = this.names();
    const serverChallenge = this.random(8);
    const challenge = encodeChallenge({
      flags: ((requested & GRANTABLE) | text | ALWAYS | names.targetType) >>> 0,
      serverChallenge,
      targetName: names.targetName,
      targetInfo: names.targetInfo,
    });
    this.state = { kind: 'challenged', negotiate: Buffer.from(negotiateToken), challenge, serverChallenge };
    return challenge;
  }

  /** Verifies the AUTHENTICATE; throws SEC_E_LOGON_DENIED, SEC_E_BAD_BINDINGS or SEC_E_INVALID_TOKEN when it fails. */
  authenticate(authenticateToken: Buffer): NtlmServerResult {
    const state = this.state;
    if (state.kind !== 'challenged') throw securityError('SEC_E_INVALID_TOKEN', 'the NTLM exchange is not waiting for an AUTHENTICATE');
    const message = decodeAuthenticate(authenticateToken);
    if (message.user === '' && message.ntResponse.length === 0) throw securityError('SEC_E_LOGON_DENIED', 'anonymous logons are not accepted');
    if (message.ntResponse.length < 16 + NTLMV2_BLOB_HEADER) throw securityError('SEC_E_LOGON_DENIED', 'only NTLMv2 responses are accepted');
    const ntProofStr = message.ntResponse.subarray(0, 16);
    const temp = message.ntResponse.subarray(16);
    const password = this.options.lookupPassword(message.user, message.domain);
    // §3.2.5.1.2: also try an empty domain, for clients that leave UserDom out of NTOWFv2. An unknown
    // account costs the same work as a wrong password, so timing does not tell which names exist.
    const responseKey = [message.domain, '']
      .map((domain) => ntowfv2(password ?? '', message.user, domain))
      .find((key) => sameBytes(hmacMd5(key, state.serverChallenge, temp), ntProofStr));
    if (password === undefined || !responseKey) throw securityError('SEC_E_LOGON_DENIED', 'the user name or password is incorrect');

    const pairs = decodeAvPairs(temp.subarray(NTLMV2_BLOB_HEADER));
    this.checkChannelBindings(pairs);
    const flags = message.flags;
    const sessionBaseKey = hmacMd5(responseKey, ntProofStr);
    const keyExchange = (flags & NegotiateFlag.KEY_EXCH) !== 0 && (flags & (NegotiateFlag.SIGN | NegotiateFlag.SEAL)) !== 0;
    if (keyExchange && message.encryptedSessionKey.length !== 16) throw securityError('SEC_E_INVALID_TOKEN', 'the encrypted session key is missing');
    // For NTLMv2, KXKEY is the session base key.
    const exportedSessionKey = keyExchange ? rc4k(sessionBaseKey, message.encryptedSessionKey) : sessionBaseKey;
    const avFlags = findAvPair(pairs, AvId.FLAGS);
    const micPresent = avFlags !== undefined && avFlags.length >= 4 && (avFlags.readUInt32LE(0) & AV_FLAG_MIC_PRESENT) !== 0;
    if (micPresent) {
      if (!message.mic) throw securityError('SEC_E_LOGON_DENIED', 'MsvAvFlags announces a MIC the AUTHENTICATE message does not have');
      const zeroed = Buffer.from(authenticateToken).fill(0, MIC_OFFSET, MIC_OFFSET + 16);
      const expected = messageIntegrityCode(exportedSessionKey, state.negotiate, state.challenge, zeroed);
      if (!sameBytes(message.mic, expected)) throw securityError('SEC_E_LOGON_DENIED', 'the AUTHENTICATE message MIC does not match');
    }
    this.state = { kind: 'done' };
    return { user: message.user, domain: message.domain, security: new NtlmSessionSecurity(flags, exportedSessionKey, 'server'), micPresent };
  }

  /** Relaxed hardening: absent or all-zero bindings pass unless Strict; bindings that are sent must match. */
  private checkChannelBindings(pairs: readonly AvPair[]): void {
    const expected = this.options.channelBindings;
    if (expected === undefined) return;
    const sent = findAvPair(pairs, AvId.CHANNEL_BINDINGS);
    const present = sent !== undefined && sent.some((byte) => byte !== 0);
    if (present ? !sameBytes(sent, channelBindingsHash(expected)) : this.options.requireChannelBindings) {
      throw securityError('SEC_E_BAD_BINDINGS', present ? 'the channel bindings do not match this connection' : 'the client sent no channel bindings');
    }
  }

  /**
   * TargetName and TargetInfo (§3.2.5.1.1): a workgroup host names itself as its own NetBIOS domain
   * (TARGET_TYPE_SERVER); a domain-joined one names its domain (TARGET_TYPE_DOMAIN) and forest.
   */
  private names(): { targetName: string; targetType: number; targetInfo: AvPair[] } {
    const { computerName, domainName } = this.options;
    const netbios = (name: string): string => name.split('.')[0]!.toUpperCase();
    const nbComputer = netbios(computerName);
    const nbDomain = domainName ? netbios(domainName) : nbComputer;
    const dnsComputer = domainName && !computerName.includes('.') ? `${computerName}.${domainName}` : computerName;
    const pair = (id: number, value: string): AvPair => ({ id, value: unicode(value) });
    return {
      targetName: nbDomain,
      targetType: domainName ? NegotiateFlag.TARGET_TYPE_DOMAIN : NegotiateFlag.TARGET_TYPE_SERVER,
      targetInfo: [
        pair(AvId.NB_DOMAIN_NAME, nbDomain),
        pair(AvId.NB_COMPUTER_NAME, nbComputer),
        pair(AvId.DNS_DOMAIN_NAME, domainName ?? computerName),
        pair(AvId.DNS_COMPUTER_NAME, dnsComputer),
        ...(domainName ? [pair(AvId.DNS_TREE_NAME, domainName)] : []),
        { id: AvId.TIMESTAMP, value: fileTime(new Date()) },
      ],
    };
  }
}
