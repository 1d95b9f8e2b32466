/**
 * The acceptor of a Kerberos GSS context (RFC 4121 §4.1, RFC 4120 §3.2.3): decrypts the ticket
 * with the service's long-term key, checks the authenticator (same client, within the clock skew,
 * not replayed, channel bindings over TLS) and answers mutual authentication with an AP-REP that
 * carries a fresh acceptor subkey and sequence number. Each refusal names its KRB_AP_ERR and
 * carries the SSPI code a Windows acceptor reports; no key or ticket content appears in it.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { securityError, type SecurityErrorName } from '../../security-errors';
import { channelBindingsHash } from '../../channel-bindings';
import { ApRep, decodeMessage, encodeMessage, EncApRepPart, type EncryptionKey, type PrincipalName } from '../asn1';
import { ChecksumType, KeyUsage } from '../crypto/encryption-type';
import { decodeAuthenticatorChecksum, GssFlag } from './authenticator-checksum';
import { frameToken, TokenId, unframeToken } from './gss-token';
import { AP_OPTION_MUTUAL_REQUIRED, decodeOrInvalid, decryptedData, encryptedData, newKey, typeOfKey } from './encrypted-data';
import { KerberosSessionSecurity } from './kerberos-session';
import type { ReplayCache } from './replay-cache';

export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** The service's long-term key for a ticket: by service principal, realm, encryption type and key version. */
export type ServiceKeyLookup = (service: PrincipalName, realm: string, etype: number, kvno: number | undefined) => EncryptionKey | undefined;

export interface AcceptorOptions {
  readonly keys: ServiceKeyLookup;
  readonly replayCache: ReplayCache;
  /** `tls-server-end-point` application data of this listener's certificate (HTTPS only). */
  readonly channelBindings?: Buffer;
  /** Refuse authenticators without channel bindings (CbtHardeningLevel Strict). */
  readonly requireChannelBindings?: boolean;
  readonly now?: () => Date;
}

export interface AcceptedContext {
  /** The client principal's name components and realm, e.g. ['alice'] and 'EXAMPLE.TEST'. */
  readonly clientName: readonly string[];
  readonly clientRealm: string;
  readonly flags: number;
  readonly security: KerberosSessionSecurity;
  /** GSS-framed AP-REP when the client asked for mutual authentication. */
  readonly replyToken?: Buffer;
  /** The client's forwarded TGT (DER KRB-CRED) when it delegated. */
  readonly delegation?: Buffer;
}

function refuse(code: string, sspi: SecurityErrorName, detail: string): Error {
  return securityError(sspi, `${code}: ${detail}`);
}

const sameName = (a: PrincipalName, b: PrincipalName): boolean => a.nameString.length === b.nameString.length && a.nameString.every((part, i) => part === b.nameString[i]);

export function acceptSecurityContext(token: Buffer, options: AcceptorOptions): AcceptedContext {
  const { tokenId, message } = unframeToken(token);
  if (tokenId !== TokenId.AP_REQ) throw securityError('SEC_E_INVALID_TOKEN', 'expected a Kerberos AP-REQ');
  const apReq = decodeOrInvalid(() => decodeMessage('ApReq', message));
  const { ticket } = apReq;
  const serviceKey = options.keys(ticket.sname, ticket.realm, ticket.encPart.etype, ticket.encPart.kvno);
  if (!serviceKey) throw refuse('KRB_AP_ERR_NOKEY', 'SEC_E_WRONG_PRINCIPAL', `no key for ${ticket.sname.nameString.join('/')}@${ticket.realm} of type ${ticket.encPart.etype}`);
  const ticketPart = attempt('KRB_AP_ERR_MODIFIED', 'SEC_E_WRONG_PRINCIPAL', 'the ticket does not decrypt with the service key', () =>
    decodeMessage('EncTicketPart', decryptedData(serviceKey, KeyUsage.TICKET, ticket.encPart)),
  );
  const sessionKey = ticketPart.key;
  const authenticator = attempt('KRB_AP_ERR_BAD_INTEGRITY', 'SEC_E_LOGON_DENIED', 'the authenticator does not decrypt with the session key', () =>
    decodeMessage('Authenticator', decryptedData(sessionKey, KeyUsage.AP_REQ_AUTHENTICATOR, apReq.authenticator)),
  );
  if (authenticator.crealm !== ticketPart.crealm || !sameName(authenticator.cname, ticketPart.cname)) {
    throw refuse('KRB_AP_ERR_BADMATCH', 'SEC_E_LOGON_DENIED', 'the authenticator names another client than the ticket');
  }

  const now = (options.now?.() ?? new Date()).getTime();
  const ctime = authenticator.ctime.getTime();
  if (Math.abs(now - ctime) > CLOCK_SKEW_MS) throw refuse('KRB_AP_ERR_SKEW', 'SEC_E_TIME_SKEW', 'the client clock differs by more than 5 minutes');
  if ((ticketPart.starttime ?? ticketPart.authtime).getTime() - CLOCK_SKEW_MS > now) throw refuse('KRB_AP_ERR_TKT_NYV', 'SEC_E_TIME_SKEW', 'the ticket is not yet valid');
  if (ticketPart.endtime.getTime() + CLOCK_SKEW_MS < now) throw refuse('KRB_AP_ERR_TKT_EXPIRED', 'SEC_E_CONTEXT_EXPIRED', 'the ticket has expired');

  const cksum = authenticator.cksum;
  if (!cksum || cksum.cksumtype !== ChecksumType.GSSAPI) throw securityError('SEC_E_INVALID_TOKEN', 'the authenticator has no GSS-API checksum');
  const checksum = decodeAuthenticatorChecksum(cksum.checksum);
  checkBindings(checksum.bindings, options);

  const client = `${authenticator.cname.nameString.join('/')}@${authenticator.crealm}`;
  const replayId = `${client}\0${ctime}\0${authenticator.cusec}\0${createHash('sha256').update(apReq.authenticator.cipher).digest('hex')}`;
  if (!options.replayCache.admit(replayId, ctime, now)) throw refuse('KRB_AP_ERR_REPEAT', 'SEC_E_LOGON_DENIED', 'the authenticator was replayed');

  const initiatorSequence = authenticator.seqNumber ?? 0;
  const initiatorKey = authenticator.subkey ?? sessionKey;
  const mutual = (apReq.apOptions & AP_OPTION_MUTUAL_REQUIRED) !== 0;
  let security: KerberosSessionSecurity;
  let replyToken: Buffer | undefined;
  if (mutual) {
    const acceptorSubkey = newKey(typeOfKey(initiatorKey));
    const acceptorSequence = randomInt(0, 0x40000000);
    const part = Object.assign(new EncApRepPart(), { ctime: authenticator.ctime, cusec: authenticator.cusec, subkey: acceptorSubkey, seqNumber: acceptorSequence });
    const apRep = Object.assign(new ApRep(), { encPart: encryptedData(sessionKey, KeyUsage.AP_REP_ENC_PART, encodeMessage('EncApRepPart', part)) });
    replyToken = frameToken(TokenId.AP_REP, encodeMessage('ApRep', apRep));
    security = new KerberosSessionSecurity({ type: typeOfKey(acceptorSubkey), key: acceptorSubkey.keyvalue, acceptorSubkey: true }, 'acceptor', acceptorSequence, initiatorSequence);
  } else {
    // Without an AP-REP both directions start from the initiator's number (RFC 4121 §4.2.3 via RFC 1964).
    security = new KerberosSessionSecurity({ type: typeOfKey(initiatorKey), key: initiatorKey.keyvalue, acceptorSubkey: false }, 'acceptor', initiatorSequence, initiatorSequence);
  }
  return {
    clientName: [...authenticator.cname.nameString],
    clientRealm: authenticator.crealm,
    flags: checksum.flags,
    security,
    ...(replyToken ? { replyToken } : {}),
    ...(checksum.delegation && checksum.flags & GssFlag.DELEG ? { delegation: checksum.delegation } : {}),
  };
}

/** Relaxed hardening: absent bindings pass unless required; present bindings must match this listener's certificate. */
function checkBindings(received: Buffer, options: AcceptorOptions): void {
  if (options.channelBindings === undefined) return;
  const absent = received.equals(Buffer.alloc(16));
  if (absent) {
    if (options.requireChannelBindings) throw securityError('SEC_E_BAD_BINDINGS', 'the client sent no channel bindings');
    return;
  }
  if (!timingSafeEqual(received, channelBindingsHash(options.channelBindings))) throw securityError('SEC_E_BAD_BINDINGS', 'the channel bindings are for another TLS channel');
}

/** Runs a decryption step; its integrity or DER failure becomes the given KRB_AP_ERR refusal. */
function attempt<T>(code: string, sspi: SecurityErrorName, detail: string, step: () => T): T {
  try {
    return step();
  } catch {
    throw refuse(code, sspi, detail);
  }
}
