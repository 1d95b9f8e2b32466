/**
 * The initiator of a Kerberos GSS context (RFC 4121 §4.1): an AP-REQ with a fresh subkey, a random
 * initial sequence number and the GSS checksum (channel bindings, flags, a forwarded TGT when
 * delegating), mutual authentication required; then the AP-REP is checked and its acceptor subkey
 * protects the messages.
 */
import { randomInt } from 'node:crypto';
import { securityError } from '../../security-errors';
import { Authenticator, ApReq, Checksum, decodeMessage, encodeMessage, EncKrbCredPart, KrbCred, KrbCredInfo, type EncryptionKey, type PrincipalName, type Ticket } from '../asn1';
import { ChecksumType, KeyUsage } from '../crypto/encryption-type';
import { krbErrorToSecurityError } from '../kdc-errors';
import { encodeAuthenticatorChecksum, GssFlag } from './authenticator-checksum';
import { AP_OPTION_MUTUAL_REQUIRED, decodeOrInvalid, decryptedData, encryptedData, newKey, typeOfKey } from './encrypted-data';
import { frameToken, TokenId, unframeToken } from './gss-token';
import { KerberosSessionSecurity } from './kerberos-session';
import type { MessageKey } from './per-message';

/** A service ticket with its session key, as the KDC or a credential cache gives it. */
export interface ServiceCredential {
  readonly clientRealm: string;
  readonly clientName: PrincipalName;
  readonly ticket: Ticket;
  readonly sessionKey: EncryptionKey;
}

/** A forwardable TGT obtained for delegation (TGS-REQ with the forwarded option), with its details for KRB-CRED. */
export interface DelegatedTicket extends ServiceCredential {
  readonly flags: number;
  readonly authtime: Date;
  readonly starttime?: Date;
  readonly endtime: Date;
  readonly renewTill?: Date;
}

export interface InitiatorOptions {
  readonly credential: ServiceCredential;
  /** `tls-server-end-point` application data over HTTPS (channel-bindings.ts). */
  readonly channelBindings?: Buffer;
  /** Delegate this TGT to the service (GSS_C_DELEG_FLAG). */
  readonly delegate?: DelegatedTicket;
  readonly now?: () => Date;
}

/** KRB-CRED carrying `tgt`, encrypted in the service ticket's session key (RFC 4121 §4.1.1.1, RFC 4120 §5.8). */
export function delegationCredential(tgt: DelegatedTicket, sessionKey: EncryptionKey): Buffer {
  const info = Object.assign(new KrbCredInfo(), {
    key: tgt.sessionKey,
    prealm: tgt.clientRealm,
    pname: tgt.clientName,
    flags: tgt.flags,
    authtime: tgt.authtime,
    ...(tgt.starttime ? { starttime: tgt.starttime } : {}),
    endtime: tgt.endtime,
    ...(tgt.renewTill ? { renewTill: tgt.renewTill } : {}),
    srealm: tgt.ticket.realm,
    sname: tgt.ticket.sname,
  });
  const part = encodeMessage('EncKrbCredPart', Object.assign(new EncKrbCredPart(), { ticketInfo: [info] }));
  return encodeMessage('KrbCred', Object.assign(new KrbCred(), { tickets: [tgt.ticket], encPart: encryptedData(sessionKey, KeyUsage.KRB_CRED_ENC_PART, part) }));
}

type State = 'initial' | 'awaiting-reply' | 'established';

export class KerberosInitiator {
  private state: State = 'initial';
  private readonly subkey: EncryptionKey;
  private readonly sequence = randomInt(0, 0x40000000);
  private ctime = new Date(0);
  private cusec = 0;
  private established: KerberosSessionSecurity | undefined;

  constructor(private readonly options: InitiatorOptions) {
    this.subkey = newKey(typeOfKey(options.credential.sessionKey));
  }

  /** The GSS-framed AP-REQ (the first and, with SPNEGO, optimistic token). */
  initialToken(): Buffer {
    if (this.state !== 'initial') throw securityError('SEC_E_INVALID_TOKEN', 'the Kerberos exchange has already started');
    const { credential, channelBindings, delegate } = this.options;
    const now = this.options.now?.() ?? new Date();
    // KerberosTime has whole seconds; the microseconds travel in cusec.
    this.ctime = new Date(Math.floor(now.getTime() / 1000) * 1000);
    this.cusec = (now.getTime() % 1000) * 1000;
    const flags = GssFlag.MUTUAL | GssFlag.REPLAY | GssFlag.SEQUENCE | GssFlag.CONF | GssFlag.INTEG;
    const delegation = delegate ? delegationCredential(delegate, credential.sessionKey) : undefined;
    const authenticator = Object.assign(new Authenticator(), {
      crealm: credential.clientRealm,
      cname: credential.clientName,
      cksum: Object.assign(new Checksum(), { cksumtype: ChecksumType.GSSAPI, checksum: encodeAuthenticatorChecksum(flags, channelBindings, delegation) }),
      cusec: this.cusec,
      ctime: this.ctime,
      subkey: this.subkey,
      seqNumber: this.sequence,
    });
    const apReq = Object.assign(new ApReq(), {
      apOptions: AP_OPTION_MUTUAL_REQUIRED,
      ticket: credential.ticket,
      authenticator: encryptedData(credential.sessionKey, KeyUsage.AP_REQ_AUTHENTICATOR, encodeMessage('Authenticator', authenticator)),
    });
    this.state = 'awaiting-reply';
    return frameToken(TokenId.AP_REQ, encodeMessage('ApReq', apReq));
  }

  /** Checks the acceptor's AP-REP (mutual authentication); a KRB-ERROR becomes its SSPI error. */
  handleReply(token: Buffer): void {
    if (this.state !== 'awaiting-reply') throw securityError('SEC_E_INVALID_TOKEN', 'the Kerberos exchange expects no token now');
    const { tokenId, message } = unframeToken(token);
    if (tokenId === TokenId.KRB_ERROR) throw krbErrorToSecurityError(decodeOrInvalid(() => decodeMessage('KrbError', message)), 'the service refused the Kerberos ticket');
    if (tokenId !== TokenId.AP_REP) throw securityError('SEC_E_INVALID_TOKEN', 'expected a Kerberos AP-REP');
    const apRep = decodeOrInvalid(() => decodeMessage('ApRep', message));
    const part = decodeOrInvalid(() => decodeMessage('EncApRepPart', decryptedData(this.options.credential.sessionKey, KeyUsage.AP_REP_ENC_PART, apRep.encPart)));
    if (part.ctime.getTime() !== this.ctime.getTime() || part.cusec !== this.cusec) {
      throw securityError('SEC_E_INVALID_TOKEN', 'the AP-REP does not answer this authenticator');
    }
    const key: MessageKey = part.subkey
      ? { type: typeOfKey(part.subkey), key: part.subkey.keyvalue, acceptorSubkey: true }
      : { type: typeOfKey(this.subkey), key: this.subkey.keyvalue, acceptorSubkey: false };
    this.established = new KerberosSessionSecurity(key, 'initiator', this.sequence, part.seqNumber ?? 0);
    this.state = 'established';
  }

  get complete(): boolean {
    return this.state === 'established';
  }

  get security(): KerberosSessionSecurity {
    if (!this.established) throw securityError('SEC_E_INVALID_TOKEN', 'the Kerberos exchange is not complete');
    return this.established;
  }
}
