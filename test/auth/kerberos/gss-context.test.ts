/**
 * The AP exchange between our initiator and our acceptor on tickets built the way a KDC builds them
 * (EncTicketPart encrypted in the service's long-term key): mutual authentication with an acceptor
 * subkey, sealed messages both ways, and each refusal of RFC 4120 §3.2.3 with its SSPI code.
 */
import { randomBytes } from 'node:crypto';
import {
  decodeMessage,
  encodeMessage,
  EncTicketPart,
  EncryptionKey,
  KrbError,
  NameType,
  PrincipalName,
  Ticket,
  TransitedEncoding,
} from '../../../src/core/transport/auth/kerberos/asn1';
import { KeyUsage } from '../../../src/core/transport/auth/kerberos/crypto/encryption-type';
import { ENCRYPTION_TYPES, encryptionType } from '../../../src/core/transport/auth/kerberos/crypto/encryption-types';
import { acceptSecurityContext, type AcceptorOptions } from '../../../src/core/transport/auth/kerberos/gss/acceptor';
import { GssFlag } from '../../../src/core/transport/auth/kerberos/gss/authenticator-checksum';
import { decryptedData, encryptedData, newKey } from '../../../src/core/transport/auth/kerberos/gss/encrypted-data';
import { frameToken, TokenId, unframeToken } from '../../../src/core/transport/auth/kerberos/gss/gss-token';
import { KerberosInitiator, type DelegatedTicket, type ServiceCredential } from '../../../src/core/transport/auth/kerberos/gss/initiator';
import { ReplayCache } from '../../../src/core/transport/auth/kerberos/gss/replay-cache';
import { WSManError } from '../../../src/core/errors/wsman-error';

const REALM = 'EXAMPLE.TEST';
const SERVICE = PrincipalName.of(NameType.SRV_INST, 'HTTP', 'host.example.test');
const CLIENT = PrincipalName.of(NameType.PRINCIPAL, 'alice');
const HOUR = 3600_000;

function serviceKey(etype = 18): EncryptionKey {
  const type = encryptionType(etype)!;
  return Object.assign(new EncryptionKey(), { keytype: etype, keyvalue: type.stringToKey('service secret', `${REALM}HTTPhost.example.test`) });
}

interface Issued extends DelegatedTicket {}

/** A ticket as the KDC issues it: the session key and client inside, encrypted in the service key. */
function issue(key: EncryptionKey, options: { sessionEtype?: number; start?: Date; end?: Date; server?: PrincipalName } = {}): Issued {
  const sessionKey = newKey(encryptionType(options.sessionEtype ?? key.keytype)!);
  const authtime = options.start ?? new Date(Date.now() - 60_000);
  const endtime = options.end ?? new Date(Date.now() + 10 * HOUR);
  const part = Object.assign(new EncTicketPart(), {
    flags: 0x40800000,
    key: sessionKey,
    crealm: REALM,
    cname: CLIENT,
    transited: Object.assign(new TransitedEncoding(), { trType: 1, contents: Buffer.alloc(0) }),
    authtime,
    endtime,
  });
  const encPart = encryptedData(key, KeyUsage.TICKET, encodeMessage('EncTicketPart', part));
  encPart.kvno = 2;
  const ticket = Object.assign(new Ticket(), { realm: REALM, sname: options.server ?? SERVICE, encPart });
  return { clientRealm: REALM, clientName: CLIENT, ticket, sessionKey, flags: 0x40800000, authtime, endtime };
}

function acceptorOptions(key: EncryptionKey, extra: Partial<AcceptorOptions> = {}): AcceptorOptions {
  return {
    keys: (sname, realm, etype, kvno) =>
      realm === REALM && sname.nameString.join('/') === 'HTTP/host.example.test' && etype === key.keytype && kvno === 2 ? key : undefined,
    replayCache: new ReplayCache(5 * 60_000),
    ...extra,
  };
}

const message = Buffer.from('<s:Envelope>Get</s:Envelope>');

describe.each(ENCRYPTION_TYPES.filter((type) => type.trailerLength > 0).map((type) => [type.name, type.etype] as const))('%s tickets', (_name, etype) => {
  it('authenticate mutually and seal messages both ways with the acceptor subkey', () => {
    const key = serviceKey(etype);
    const credential: ServiceCredential = issue(key);
    const initiator = new KerberosInitiator({ credential });
    const token = initiator.initialToken();
    expect(unframeToken(token).tokenId).toBe(TokenId.AP_REQ);
    const accepted = acceptSecurityContext(token, acceptorOptions(key));
    expect(accepted.clientName).toEqual(['alice']);
    expect(accepted.clientRealm).toBe(REALM);
    expect(accepted.flags & (GssFlag.MUTUAL | GssFlag.CONF | GssFlag.INTEG | GssFlag.SEQUENCE)).toBe(0x3a);
    expect(accepted.delegation).toBeUndefined();
    initiator.handleReply(accepted.replyToken!);
    expect(initiator.complete).toBe(true);

    for (let i = 0; i < 3; i++) {
      const request = initiator.security.wrap(message);
      expect(request.header[2]).toBe(0x06);
      expect(accepted.security.unwrap(request.header, request.sealed)).toEqual(message);
      const reply = accepted.security.wrap(message);
      expect(initiator.security.unwrap(reply.header, reply.sealed)).toEqual(message);
    }
  });
});

describe('acceptor refusals', () => {
  const key = serviceKey();

  it('a replayed AP-REQ: KRB_AP_ERR_REPEAT as SEC_E_LOGON_DENIED', () => {
    const options = acceptorOptions(key);
    const token = new KerberosInitiator({ credential: issue(key) }).initialToken();
    acceptSecurityContext(token, options);
    expect(() => acceptSecurityContext(token, options)).toThrow(expect.objectContaining({ code: 'SEC_E_LOGON_DENIED', message: expect.stringContaining('KRB_AP_ERR_REPEAT') }));
  });

  it('a client clock more than 5 minutes off: KRB_AP_ERR_SKEW as SEC_E_TIME_SKEW', () => {
    const ahead = new KerberosInitiator({ credential: issue(key), now: () => new Date(Date.now() + 6 * 60_000) }).initialToken();
    expect(() => acceptSecurityContext(ahead, acceptorOptions(key))).toThrow(expect.objectContaining({ code: 'SEC_E_TIME_SKEW', hresult: 0x80090324 }));
    const within = new KerberosInitiator({ credential: issue(key), now: () => new Date(Date.now() - 4 * 60_000) }).initialToken();
    expect(() => acceptSecurityContext(within, acceptorOptions(key))).not.toThrow();
  });

  it('an expired ticket: KRB_AP_ERR_TKT_EXPIRED as SEC_E_CONTEXT_EXPIRED', () => {
    const old = issue(key, { start: new Date(Date.now() - 12 * HOUR), end: new Date(Date.now() - 2 * HOUR) });
    const token = new KerberosInitiator({ credential: old }).initialToken();
    expect(() => acceptSecurityContext(token, acceptorOptions(key))).toThrow(expect.objectContaining({ code: 'SEC_E_CONTEXT_EXPIRED' }));
  });

  it('a ticket for another service key, or for a principal without a key: SEC_E_WRONG_PRINCIPAL', () => {
    const other = Object.assign(new EncryptionKey(), { keytype: 18, keyvalue: randomBytes(32) });
    const forOther = new KerberosInitiator({ credential: issue(other) }).initialToken();
    expect(() => acceptSecurityContext(forOther, acceptorOptions(key))).toThrow(expect.objectContaining({ code: 'SEC_E_WRONG_PRINCIPAL', message: expect.stringContaining('KRB_AP_ERR_MODIFIED') }));
    const unknown = new KerberosInitiator({ credential: issue(key, { server: PrincipalName.of(2, 'HOST', 'host.example.test') }) }).initialToken();
    expect(() => acceptSecurityContext(unknown, acceptorOptions(key))).toThrow(expect.objectContaining({ code: 'SEC_E_WRONG_PRINCIPAL', message: expect.stringContaining('KRB_AP_ERR_NOKEY') }));
  });

  it('an authenticator not under the ticket session key: SEC_E_LOGON_DENIED', () => {
    const issued = issue(key);
    const forged = { ...issued, sessionKey: newKey(encryptionType(18)!) };
    const token = new KerberosInitiator({ credential: forged }).initialToken();
    expect(() => acceptSecurityContext(token, acceptorOptions(key))).toThrow(expect.objectContaining({ code: 'SEC_E_LOGON_DENIED', message: expect.stringContaining('KRB_AP_ERR_BAD_INTEGRITY') }));
  });

  it('no key, password or ticket bytes in the error text', () => {
    const token = new KerberosInitiator({ credential: issue(Object.assign(new EncryptionKey(), { keytype: 18, keyvalue: randomBytes(32) })) }).initialToken();
    try {
      acceptSecurityContext(token, acceptorOptions(key));
    } catch (error) {
      const text = String((error as Error).message);
      expect(text).not.toMatch(/[0-9a-f]{16}/i);
      expect(text).not.toContain('service secret');
    }
    expect.assertions(2);
  });

  it('any corruption of an AP-REQ is refused with an SSPI error, never another exception', () => {
    const token = new KerberosInitiator({ credential: issue(key) }).initialToken();
    const options = acceptorOptions(key);
    let seed = 7;
    const random = (below: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % below;
    };
    for (let round = 0; round < 300; round++) {
      const corrupt = Buffer.from(token);
      for (let flips = 1 + random(3); flips > 0; flips--) corrupt[random(corrupt.length)] = random(256);
      const cut = random(4) === 0 ? corrupt.subarray(0, random(corrupt.length)) : corrupt;
      try {
        acceptSecurityContext(cut, options);
      } catch (error) {
        expect(error).toBeInstanceOf(WSManError);
      }
    }
  });

  it('garbage and non-Kerberos tokens: SEC_E_INVALID_TOKEN', () => {
    expect(() => acceptSecurityContext(Buffer.from('garbage'), acceptorOptions(key))).toThrow(expect.objectContaining({ code: 'SEC_E_INVALID_TOKEN' }));
    expect(() => acceptSecurityContext(frameToken(TokenId.AP_REQ, Buffer.from([0x30, 0x00])), acceptorOptions(key))).toThrow(expect.objectContaining({ code: 'SEC_E_INVALID_TOKEN' }));
  });
});

describe('channel bindings (RFC 4121 §4.1.1.2)', () => {
  const key = serviceKey();
  const bindings = Buffer.concat([Buffer.from('tls-server-end-point:'), randomBytes(32)]);

  it('match the listener certificate, or fail with SEC_E_BAD_BINDINGS', () => {
    const bound = new KerberosInitiator({ credential: issue(key), channelBindings: bindings }).initialToken();
    expect(() => acceptSecurityContext(bound, acceptorOptions(key, { channelBindings: bindings }))).not.toThrow();
    const other = new KerberosInitiator({ credential: issue(key), channelBindings: Buffer.concat([Buffer.from('tls-server-end-point:'), randomBytes(32)]) }).initialToken();
    expect(() => acceptSecurityContext(other, acceptorOptions(key, { channelBindings: bindings }))).toThrow(expect.objectContaining({ code: 'SEC_E_BAD_BINDINGS' }));
  });

  it('may be absent unless hardening is strict', () => {
    const unbound = (): Buffer => new KerberosInitiator({ credential: issue(key) }).initialToken();
    expect(() => acceptSecurityContext(unbound(), acceptorOptions(key, { channelBindings: bindings }))).not.toThrow();
    expect(() => acceptSecurityContext(unbound(), acceptorOptions(key, { channelBindings: bindings, requireChannelBindings: true }))).toThrow(
      expect.objectContaining({ code: 'SEC_E_BAD_BINDINGS' }),
    );
  });
});

describe('delegation', () => {
  it('carries the forwarded TGT as KRB-CRED in the session key, with the DELEG flag', () => {
    const key = serviceKey();
    const credential = issue(key);
    const tgt = issue(Object.assign(new EncryptionKey(), { keytype: 18, keyvalue: randomBytes(32) }), { server: PrincipalName.of(2, 'krbtgt', REALM) });
    const accepted = acceptSecurityContext(new KerberosInitiator({ credential, delegate: tgt }).initialToken(), acceptorOptions(key));
    expect(accepted.flags & GssFlag.DELEG).toBe(GssFlag.DELEG);
    const cred = decodeMessage('KrbCred', accepted.delegation!);
    expect(cred.tickets[0]!.sname.nameString).toEqual(['krbtgt', REALM]);
    const part = decodeMessage('EncKrbCredPart', decryptedData(credential.sessionKey, KeyUsage.KRB_CRED_ENC_PART, cred.encPart));
    expect(part.ticketInfo[0]!.key.keyvalue).toEqual(tgt.sessionKey.keyvalue);
    expect(part.ticketInfo[0]!.pname!.nameString).toEqual(['alice']);
  });
});

describe('initiator checks of the reply', () => {
  const key = serviceKey();

  it('refuses an AP-REP for another authenticator or altered in transit', () => {
    const first = new KerberosInitiator({ credential: issue(key) });
    const firstToken = first.initialToken();
    const second = new KerberosInitiator({ credential: issue(key) });
    const reply = acceptSecurityContext(second.initialToken(), acceptorOptions(key)).replyToken!;
    acceptSecurityContext(firstToken, acceptorOptions(key));
    expect(() => first.handleReply(reply)).toThrow(expect.objectContaining({ code: 'SEC_E_MESSAGE_ALTERED' }));
    const altered = Buffer.from(reply);
    altered[altered.length - 3]! ^= 1;
    expect(() => second.handleReply(altered)).toThrow(expect.objectContaining({ code: 'SEC_E_MESSAGE_ALTERED' }));
    expect(second.complete).toBe(false);
  });

  it('turns a KRB-ERROR from the service into its SSPI code', () => {
    const initiator = new KerberosInitiator({ credential: issue(key) });
    initiator.initialToken();
    const error = Object.assign(new KrbError(), { stime: new Date(), errorCode: 37, realm: REALM, sname: SERVICE });
    expect(() => initiator.handleReply(frameToken(TokenId.KRB_ERROR, encodeMessage('KrbError', error)))).toThrow(expect.objectContaining({ code: 'SEC_E_TIME_SKEW' }));
  });

  it('refuses message protection for rc4-hmac session keys with a clear error', () => {
    const rc4Service = serviceKey(23);
    const token = new KerberosInitiator({ credential: issue(rc4Service) }).initialToken();
    expect(() => acceptSecurityContext(token, acceptorOptions(rc4Service))).toThrow(expect.objectContaining({ code: 'SEC_E_UNSUPPORTED_FUNCTION' }));
  });
});
