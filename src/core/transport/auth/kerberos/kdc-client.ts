/**
 * The client's KDC exchanges (RFC 4120 §3.1, §3.3): AS with pre-authentication (first request
 * without it; on KDC_ERR_PREAUTH_REQUIRED the salt and encryption type come from PA-ETYPE-INFO2
 * and the request is repeated with PA-ENC-TIMESTAMP), TGS for a service ticket with the TGT
 * (PA-TGS-REQ), and TGT renewal. KRB-ERRORs become SSPI errors; no key or password is ever
 * part of an error.
 */
import { randomInt } from 'node:crypto';
import { securityError } from '../security-errors';
import {
  ApplicationTag,
  applicationTagOf,
  ApReq,
  Asn1FormatError,
  Authenticator,
  Checksum,
  decodeDer,
  decodeEncKdcRepPart,
  decodeMessage,
  EncryptedData,
  encodeDer,
  encodeMessage,
  EtypeInfo,
  EtypeInfo2,
  flagBit,
  KdcReq,
  KdcReqBody,
  MethodData,
  NameType,
  PaData,
  PaDataType,
  PaEncTsEnc,
  PaPacRequest,
  type EncKdcRepPart,
  type KdcRep,
  type KrbError,
} from './asn1';
import { type Credential, type Principal, principalName, principalToString, samePrincipal } from './credential';
import { type EncryptionType, KeyUsage } from './crypto/encryption-type';
import { encryptionType, ENCRYPTION_TYPES } from './crypto/encryption-types';
import { krbErrorName, KrbErrorCode, krbErrorToSecurityError } from './kdc-errors';
import { type KdcAddress, type KdcTransportOptions, locateKdcs, sendToKdc } from './kdc-transport';
import type { Krb5Config } from './krb5-config';

/** RFC 4120 §5.4.1 KDC options. */
export const KdcOption = {
  FORWARDABLE: flagBit(1),
  FORWARDED: flagBit(2),
  RENEWABLE: flagBit(8),
  CANONICALIZE: flagBit(15),
  RENEWABLE_OK: flagBit(27),
  RENEW: flagBit(30),
} as const;

/** Where the client's long-term key comes from: a password (string-to-key) or a keytab. */
export interface ClientKeySource {
  /** The key for this encryption type and salt, or undefined when this source has none. */
  keyFor(type: EncryptionType, salt: string | Buffer, params: Buffer | undefined): Buffer | undefined;
  /** Encryption types this source can make keys for, strongest first. */
  readonly etypes: readonly number[];
}

/** Keys from a password; each string-to-key (thousands of PBKDF2 rounds) is made once per etype, salt and parameters. */
export function passwordKeySource(password: string): ClientKeySource {
  const derived = new Map<string, Buffer>();
  return {
    keyFor: (type, salt, params) => {
      const id = `${type.etype}:${Buffer.from(salt).toString('hex')}:${params?.toString('hex') ?? ''}`;
      let key = derived.get(id);
      if (!key) derived.set(id, (key = type.stringToKey(password, salt, params)));
      return key;
    },
    etypes: ENCRYPTION_TYPES.map((type) => type.etype),
  };
}

export interface KdcClientOptions extends KdcTransportOptions {
  readonly config: Krb5Config;
  /** Lifetime asked for (default 10 h) and renewable lifetime (default 7 days). */
  readonly ticketLifetimeMs?: number;
  readonly renewLifetimeMs?: number;
  readonly now?: () => number;
}

interface PreauthHint {
  readonly type: EncryptionType;
  readonly salt: string | Buffer;
  readonly params: Buffer | undefined;
}

function defaultSalt(principal: Principal): string {
  return principal.realm + principal.components.join('');
}

function microseconds(now: number): number {
  return (now % 1000) * 1000;
}

export class KdcClient {
  private readonly kdcCache = new Map<string, Promise<KdcAddress[]>>();

  constructor(private readonly options: KdcClientOptions) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async exchange(realm: string, request: Buffer): Promise<Buffer> {
    let kdcs = this.kdcCache.get(realm);
    if (!kdcs) {
      kdcs = locateKdcs(realm, this.options.config, this.options);
      this.kdcCache.set(realm, kdcs);
    }
    return sendToKdc(realm, await kdcs, request, this.options);
  }

  private requestBody(realm: string, server: Principal, client: Principal | undefined, options: number, etypes: readonly number[]): KdcReqBody {
    const now = this.now();
    const body = new KdcReqBody();
    body.kdcOptions = options;
    if (client) body.cname = principalName(client);
    body.realm = realm;
    body.sname = principalName(server);
    body.till = new Date(now + (this.options.ticketLifetimeMs ?? 10 * 3600_000));
    if (options & KdcOption.RENEWABLE) body.rtime = new Date(now + (this.options.renewLifetimeMs ?? 7 * 86400_000));
    // 31 bits, as MIT's clients send: MIT's KDC ignores requests whose nonce does not fit an Int32.
    body.nonce = randomInt(0, 0x7fffffff);
    body.etype = [...etypes];
    return body;
  }

  /**
   * AS exchange for `server` (normally krbtgt/REALM) with the client's long-term key. Wrong
   * password → SEC_E_LOGON_DENIED; unknown client → SEC_E_LOGON_DENIED; KDC down →
   * SEC_E_NO_AUTHENTICATING_AUTHORITY.
   */
  async asExchange(client: Principal, keys: ClientKeySource, server: Principal = krbtgt(client.realm)): Promise<Credential> {
    const options = KdcOption.FORWARDABLE | KdcOption.RENEWABLE | KdcOption.CANONICALIZE | KdcOption.RENEWABLE_OK;
    const etypes = keys.etypes.filter((etype) => encryptionType(etype) !== undefined);
    if (etypes.length === 0) throw securityError('SEC_E_NO_KERB_KEY', `no key of a supported encryption type for ${principalToString(client)}`);
    const pacRequest = Object.assign(new PaData(), { padataType: PaDataType.PAC_REQUEST, padataValue: encodeDer(new PaPacRequest()) });
    let hint: PreauthHint | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const body = this.requestBody(client.realm, server, client, options, etypes);
      const request = new KdcReq();
      request.msgType = ApplicationTag.AsReq;
      request.padata = hint ? [this.encryptedTimestamp(hint, keys, client), pacRequest] : [pacRequest];
      request.reqBody = body;
      const reply = await this.exchange(client.realm, encodeMessage('AsReq', request));
      const error = asKrbError(reply);
      if (error) {
        if (error.errorCode === KrbErrorCode.KDC_ERR_PREAUTH_REQUIRED && !hint) {
          hint = preauthHint(error, client, etypes);
          continue;
        }
        throw krbErrorToSecurityError(error, `AS exchange for ${principalToString(client)}`);
      }
      const rep = decodeReply('AsRep', reply);
      const type = encryptionType(rep.encPart.etype);
      if (!type) throw securityError('SEC_E_KDC_UNKNOWN_ETYPE', `the KDC answered with encryption type ${rep.encPart.etype}`);
      // The reply's own PA-ETYPE-INFO2 (or PW-SALT) gives the salt when no pre-authentication ran.
      const salt = hint?.type.etype === type.etype ? hint : (replySaltHint(rep, type) ?? { type, salt: defaultSalt(client), params: undefined });
      const key = keys.keyFor(type, salt.salt, salt.params);
      if (!key) throw securityError('SEC_E_NO_KERB_KEY', `no key of encryption type ${type.name} for ${principalToString(client)}`);
      const part = decryptPart(type, key, KeyUsage.AS_REP_ENC_PART, rep.encPart, 'AS reply');
      return credentialFrom(rep, part, body.nonce);
    }
    throw securityError('SEC_E_LOGON_DENIED', `AS exchange for ${principalToString(client)}: the KDC kept asking for pre-authentication`);
  }

  private encryptedTimestamp(hint: PreauthHint, keys: ClientKeySource, client: Principal): PaData {
    const key = keys.keyFor(hint.type, hint.salt, hint.params);
    if (!key) throw securityError('SEC_E_NO_KERB_KEY', `no key of encryption type ${hint.type.name} for ${principalToString(client)}`);
    const now = this.now();
    const timestamp = Object.assign(new PaEncTsEnc(), { patimestamp: new Date(now), pausec: microseconds(now) });
    const encrypted = Object.assign(new EncryptedData(), {
      etype: hint.type.etype,
      cipher: hint.type.encrypt(key, KeyUsage.AS_REQ_PA_ENC_TIMESTAMP, encodeDer(timestamp)),
    });
    return Object.assign(new PaData(), { padataType: PaDataType.ENC_TIMESTAMP, padataValue: encodeDer(encrypted) });
  }

  /**
   * TGS exchange with `tgt` for `server` (a service ticket, or with RENEW the TGT renewed, or
   * with FORWARDED a forwarded TGT for delegation).
   */
  async tgsExchange(tgt: Credential, server: Principal, options: number = KdcOption.FORWARDABLE | KdcOption.RENEWABLE | KdcOption.CANONICALIZE): Promise<Credential> {
    const type = encryptionType(tgt.key.etype);
    if (!type) throw securityError('SEC_E_KDC_UNKNOWN_ETYPE', `the TGT's session key has encryption type ${tgt.key.etype}`);
    const realm = tgt.server.components[1] ?? tgt.server.realm;
    const body = this.requestBody(realm, server, undefined, options, ENCRYPTION_TYPES.map((t) => t.etype));
    const bodyDer = encodeDer(body);
    const now = this.now();
    const authenticator = new Authenticator();
    authenticator.crealm = tgt.client.realm;
    authenticator.cname = principalName(tgt.client);
    authenticator.cksum = Object.assign(new Checksum(), {
      cksumtype: type.checksumType,
      checksum: type.checksum(tgt.key.value, KeyUsage.TGS_REQ_AUTHENTICATOR_CHECKSUM, bodyDer),
    });
    authenticator.cusec = microseconds(now);
    authenticator.ctime = new Date(now);
    const apReq = new ApReq();
    apReq.ticket = decodeMessage('Ticket', tgt.ticket);
    apReq.authenticator = Object.assign(new EncryptedData(), {
      etype: type.etype,
      cipher: type.encrypt(tgt.key.value, KeyUsage.TGS_REQ_AUTHENTICATOR, encodeMessage('Authenticator', authenticator)),
    });
    const request = new KdcReq();
    request.msgType = ApplicationTag.TgsReq;
    request.padata = [Object.assign(new PaData(), { padataType: PaDataType.TGS_REQ, padataValue: encodeMessage('ApReq', apReq) })];
    request.reqBody = body;
    const reply = await this.exchange(realm, encodeMessage('TgsReq', request));
    const error = asKrbError(reply);
    if (error) throw krbErrorToSecurityError(error, `TGS exchange for ${principalToString(server)}`);
    const rep = decodeReply('TgsRep', reply);
    if (!samePrincipal(clientOf(rep), tgt.client)) throw securityError('SEC_E_INVALID_TOKEN', 'the TGS reply names another client');
    const part = decryptPart(type, tgt.key.value, KeyUsage.TGS_REP_ENC_PART_SESSION_KEY, rep.encPart, 'TGS reply');
    return credentialFrom(rep, part, body.nonce);
  }

  /** A renewable TGT renewed (RFC 4120 §2.3 RENEW): same ticket, new end time. */
  renew(tgt: Credential): Promise<Credential> {
    return this.tgsExchange(tgt, tgt.server, KdcOption.RENEW | KdcOption.RENEWABLE | KdcOption.FORWARDABLE);
  }
}

export function krbtgt(realm: string): Principal {
  return { realm, nameType: NameType.SRV_INST, components: ['krbtgt', realm] };
}

function asKrbError(reply: Buffer): KrbError | undefined {
  if (applicationTagOf(reply) !== ApplicationTag.KrbError) return undefined;
  try {
    return decodeMessage('KrbError', reply);
  } catch (error) {
    throw securityError('SEC_E_INVALID_TOKEN', `malformed KRB-ERROR from the KDC (${(error as Error).message})`);
  }
}

function decodeReply(name: 'AsRep' | 'TgsRep', reply: Buffer): KdcRep {
  try {
    return decodeMessage(name, reply);
  } catch (error) {
    if (error instanceof Asn1FormatError) throw securityError('SEC_E_INVALID_TOKEN', `malformed ${name === 'AsRep' ? 'AS' : 'TGS'} reply from the KDC (${error.message})`);
    throw error;
  }
}

function decryptPart(type: EncryptionType, key: Buffer, usage: number, encPart: EncryptedData, what: string): EncKdcRepPart {
  let plain: Buffer;
  try {
    plain = type.decrypt(key, usage, encPart.cipher);
  } catch {
    // A reply this key cannot open: for an AS reply that means the password does not match.
    throw securityError('SEC_E_LOGON_DENIED', `the ${what} could not be decrypted with the client's key`);
  }
  try {
    return decodeEncKdcRepPart(plain);
  } catch (error) {
    throw securityError('SEC_E_INVALID_TOKEN', `malformed encrypted part of the ${what} (${(error as Error).message})`);
  }
}

function clientOf(rep: KdcRep): Principal {
  return { realm: rep.crealm, nameType: rep.cname.nameType, components: rep.cname.nameString };
}

function credentialFrom(rep: KdcRep, part: EncKdcRepPart, nonce: number): Credential {
  if (part.nonce !== nonce) throw securityError('SEC_E_INVALID_TOKEN', 'the KDC reply does not carry the request nonce');
  return {
    client: clientOf(rep),
    server: { realm: part.srealm, nameType: part.sname.nameType, components: part.sname.nameString },
    key: { etype: part.key.keytype, value: part.key.keyvalue },
    authtime: part.authtime,
    ...(part.starttime ? { starttime: part.starttime } : {}),
    endtime: part.endtime,
    ...(part.renewTill ? { renewTill: part.renewTill } : {}),
    flags: part.flags >>> 0,
    ticket: encodeMessage('Ticket', rep.ticket),
  };
}

function etypeHints(padata: readonly PaData[]): PreauthHint[] {
  const hints: PreauthHint[] = [];
  for (const entry of padata) {
    if (entry.padataType === PaDataType.ETYPE_INFO2) {
      for (const info of decodeDer(entry.padataValue, EtypeInfo2)) {
        const type = encryptionType(info.etype);
        if (type && info.salt !== undefined) hints.push({ type, salt: info.salt, params: info.s2kparams });
        else if (type) hints.push({ type, salt: '', params: info.s2kparams });
      }
    } else if (entry.padataType === PaDataType.ETYPE_INFO) {
      for (const info of decodeDer(entry.padataValue, EtypeInfo)) {
        const type = encryptionType(info.etype);
        if (type) hints.push({ type, salt: info.salt ?? '', params: undefined });
      }
    }
  }
  return hints;
}

/** The first ETYPE-INFO2 (or ETYPE-INFO) entry of KDC_ERR_PREAUTH_REQUIRED this client has a key type for. */
function preauthHint(error: KrbError, client: Principal, etypes: readonly number[]): PreauthHint {
  let padata: PaData[] = [];
  try {
    if (error.eData) padata = [...decodeDer(error.eData, MethodData)];
  } catch {
    // e-data that is no METHOD-DATA: fall back to the default salt below.
  }
  const hints = etypeHints(padata).map((hint) => (hint.salt === '' ? { ...hint, salt: defaultSalt(client) } : hint));
  const hint = hints.find((candidate) => etypes.includes(candidate.type.etype));
  if (hint) return hint;
  if (hints.length > 0) throw securityError('SEC_E_KDC_UNKNOWN_ETYPE', `the KDC offers no encryption type this client has a key for (${krbErrorName(error.errorCode)})`);
  const fallback = encryptionType(etypes[0]!)!;
  return { type: fallback, salt: defaultSalt(client), params: undefined };
}

function replySaltHint(rep: KdcRep, type: EncryptionType): PreauthHint | undefined {
  const padata = rep.padata ?? [];
  const fromInfo = etypeHints(padata).find((hint) => hint.type.etype === type.etype && hint.salt !== '');
  if (fromInfo) return fromInfo;
  const pwSalt = padata.find((entry) => entry.padataType === PaDataType.PW_SALT);
  return pwSalt ? { type, salt: pwSalt.padataValue, params: undefined } : undefined;
}
