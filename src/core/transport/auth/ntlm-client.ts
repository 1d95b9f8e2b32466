/**
 * The client side of NTLMv2 (MS-NLMP §3.1.5.1): a NEGOTIATE, then the AUTHENTICATE that answers the
 * server's CHALLENGE, with key exchange, the AV pairs Windows adds (MIC flag, channel bindings,
 * target name) and the MIC over all three messages.
 */
import { randomBytes } from 'node:crypto';
import { channelBindingsHash } from './channel-bindings';
import { computeResponseV2, fileTime, messageIntegrityCode, ntlmv2ClientChallenge, ntowfv2 } from './ntlm-crypto';
import {
  AV_FLAG_MIC_PRESENT,
  AvId,
  decodeChallenge,
  encodeAuthenticate,
  encodeAvPairs,
  encodeNegotiate,
  findAvPair,
  MIC_OFFSET,
  NegotiateFlag,
  unicode,
  type AvPair,
} from './ntlm-messages';
import { NtlmSessionSecurity } from './ntlm-session';
import { rc4k } from './rc4';
import { securityError } from './security-errors';

export interface NtlmClientOptions {
  readonly user: string;
  /** Empty for a UPN user name or a local account. */
  readonly domain: string;
  readonly password: string;
  readonly workstation?: string;
  /** Unhashed channel bindings application data (`tls-server-end-point:` ‖ certificate hash). */
  readonly channelBindings?: Buffer;
  /** SPN of the service, e.g. `HOST/server.contoso.com`. */
  readonly targetName?: string;
}

/** What the Windows client asks for: Unicode, NTLMv2 with extended session security, 128-bit key exchange, signing and sealing. */
const CLIENT_FLAGS =
  NegotiateFlag.UNICODE |
  NegotiateFlag.OEM |
  NegotiateFlag.REQUEST_TARGET |
  NegotiateFlag.SIGN |
  NegotiateFlag.SEAL |
  NegotiateFlag.NTLM |
  NegotiateFlag.ALWAYS_SIGN |
  NegotiateFlag.EXTENDED_SESSIONSECURITY |
  NegotiateFlag.VERSION |
  NegotiateFlag.KEY_128 |
  NegotiateFlag.KEY_EXCH |
  NegotiateFlag.KEY_56;

export interface NtlmClientResult {
  readonly security: NtlmSessionSecurity;
  /** The AUTHENTICATE carries a MIC (the server sent a time stamp); SPNEGO then adds a mechListMIC. */
  readonly micPresent: boolean;
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value >>> 0);
  return buffer;
}

/** The flags the AUTHENTICATE states: what both sides asked for, Unicode rather than OEM when the server allows it. */
function negotiatedFlags(challengeFlags: number): number {
  const flags = challengeFlags & (CLIENT_FLAGS | NegotiateFlag.TARGET_INFO);
  if (!(flags & NegotiateFlag.EXTENDED_SESSIONSECURITY)) throw securityError('SEC_E_UNSUPPORTED_FUNCTION', 'the server does not offer NTLMv2 session security');
  return (flags & NegotiateFlag.UNICODE ? flags & ~NegotiateFlag.OEM : flags) >>> 0;
}

export class NtlmClient {
  private negotiateMessage: Buffer | undefined;
  private outcome: NtlmClientResult | undefined;

  constructor(
    private readonly options: NtlmClientOptions,
    /** Source of the client challenge and the random session key (tests pass fixed bytes). */
    private readonly random: (size: number) => Buffer = randomBytes,
  ) {}

  negotiate(): Buffer {
    if (this.negotiateMessage) throw securityError('SEC_E_INVALID_TOKEN', 'the NTLM NEGOTIATE was already sent');
    this.negotiateMessage = encodeNegotiate(CLIENT_FLAGS);
    return this.negotiateMessage;
  }

  /** `channelBindings` (when known only now, e.g. the certificate of the connection) overrides the option. */
  authenticate(challengeToken: Buffer, channelBindings: Buffer | undefined = this.options.channelBindings): Buffer {
    if (!this.negotiateMessage || this.outcome) throw securityError('SEC_E_INVALID_TOKEN', 'the NTLM exchange is not waiting for a CHALLENGE');
    const challenge = decodeChallenge(challengeToken);
    const flags = negotiatedFlags(challenge.flags);
    const serverPairs = challenge.targetInfo;
    if (!findAvPair(serverPairs, AvId.NB_COMPUTER_NAME) || !findAvPair(serverPairs, AvId.NB_DOMAIN_NAME)) {
      throw securityError('SEC_E_LOGON_DENIED', 'the CHALLENGE has no NetBIOS computer and domain names');
    }
    const serverTime = findAvPair(serverPairs, AvId.TIMESTAMP);
    // With the server's time stamp the client sends a MIC and no LMv2 response (§3.1.5.1.2).
    const micPresent = serverTime !== undefined;
    const clientChallenge = this.random(8);
    const temp = ntlmv2ClientChallenge(serverTime ?? fileTime(new Date()), clientChallenge, encodeAvPairs(this.targetInfo(serverPairs, micPresent, channelBindings)));
    const { user, domain, password } = this.options;
    const responses = computeResponseV2(ntowfv2(password, user, domain), challenge.serverChallenge, clientChallenge, temp);
    // For NTLMv2, KXKEY is the session base key.
    const keyExchangeKey = responses.sessionBaseKey;
    const keyExchange = (flags & NegotiateFlag.KEY_EXCH) !== 0 && (flags & (NegotiateFlag.SIGN | NegotiateFlag.SEAL)) !== 0;
    const exportedSessionKey = keyExchange ? this.random(16) : keyExchangeKey;
    const message = encodeAuthenticate({
      flags,
      lmResponse: micPresent ? Buffer.alloc(24) : responses.lmResponse,
      ntResponse: responses.ntResponse,
      domain,
      user,
      workstation: this.options.workstation ?? '',
      encryptedSessionKey: keyExchange ? rc4k(keyExchangeKey, exportedSessionKey) : Buffer.alloc(0),
    });
    if (micPresent) messageIntegrityCode(exportedSessionKey, this.negotiateMessage, challengeToken, message).copy(message, MIC_OFFSET);
    this.outcome = { security: new NtlmSessionSecurity(flags, exportedSessionKey, 'client'), micPresent };
    return message;
  }

  /** The established session; throws before the AUTHENTICATE was made. */
  get result(): NtlmClientResult {
    if (!this.outcome) throw securityError('SEC_E_INVALID_TOKEN', 'the NTLM exchange is not complete');
    return this.outcome;
  }

  /**
   * The server's pairs with MsvAvFlags (MIC bit), MsvAvChannelBindings (hash or Z(16)) and
   * MsvAvTargetName (empty without an SPN) set as §3.1.5.1.2 describes.
   */
  private targetInfo(serverPairs: readonly AvPair[], micPresent: boolean, channelBindings: Buffer | undefined): AvPair[] {
    const serverFlags = findAvPair(serverPairs, AvId.FLAGS);
    const avFlags = (serverFlags && serverFlags.length >= 4 ? serverFlags.readUInt32LE(0) : 0) | (micPresent ? AV_FLAG_MIC_PRESENT : 0);
    const replaced: readonly number[] = [AvId.FLAGS, AvId.CHANNEL_BINDINGS, AvId.TARGET_NAME];
    return [
      ...serverPairs.filter((pair) => !replaced.includes(pair.id)),
      ...(avFlags !== 0 ? [{ id: AvId.FLAGS, value: uint32(avFlags) }] : []),
      { id: AvId.CHANNEL_BINDINGS, value: channelBindingsHash(channelBindings) },
      { id: AvId.TARGET_NAME, value: unicode(this.options.targetName ?? '') },
    ];
  }
}
