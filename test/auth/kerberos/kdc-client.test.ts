import { createSocket } from 'node:dgram';
import { connect, createServer, type AddressInfo } from 'node:net';
import { applicationTagOf, decodeDer, decodeEncKdcRepPart, decodeMessage, encodeDer, encodeMessage, EtypeInfo2, KdcReq, KdcReqBody, KrbError, MethodData, NameType, PrincipalName } from '../../../src/core/transport/auth/kerberos/asn1';
import { encryptionType } from '../../../src/core/transport/auth/kerberos/crypto/encryption-types';
import { TicketFlag, type Principal } from '../../../src/core/transport/auth/kerberos/credential';
import { KdcClient, passwordKeySource } from '../../../src/core/transport/auth/kerberos/kdc-client';
import { loadKrb5Config } from '../../../src/core/transport/auth/kerberos/krb5-config';
import { locateKdcs, sendToKdc } from '../../../src/core/transport/auth/kerberos/kdc-transport';
import { WSManError } from '../../../src/core/errors/wsman-error';
import { describeWithMitKdc, startMitKdc, type MitKdc } from '../../helpers/mit-kdc';

// A real KDC, endpoint and several round trips per test: generous on a loaded machine.
jest.setTimeout(30_000);

const PASSWORD = 'Correct-Horse-7';

function user(kdc: MitKdc, name: string): Principal {
  return { realm: kdc.realm, nameType: NameType.PRINCIPAL, components: [name] };
}

async function failure(promise: Promise<unknown>): Promise<WSManError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WSManError);
    return error as WSManError;
  }
  throw new Error('expected a failure');
}

describeWithMitKdc('KDC exchanges against a real MIT KDC', () => {
  let kdc: MitKdc;
  let client: KdcClient;

  beforeAll(async () => {
    kdc = await startMitKdc();
    kdc.addPrincipal('alice', PASSWORD);
    kdc.addPrincipal('bob', PASSWORD, { preauth: false });
    kdc.addService('HOST/localhost');
    client = new KdcClient({ config: loadKrb5Config(kdc.env) });
  });
  afterAll(async () => kdc?.stop());

  test('AS exchange: KDC_ERR_PREAUTH_REQUIRED, then PA-ENC-TIMESTAMP with the ETYPE-INFO2 salt', async () => {
    const tgt = await client.asExchange(user(kdc, 'alice'), passwordKeySource(PASSWORD));
    expect(tgt.server.components).toEqual(['krbtgt', kdc.realm]);
    expect(tgt.client.components).toEqual(['alice']);
    expect(tgt.flags & TicketFlag.PRE_AUTHENT).toBeTruthy();
    expect(tgt.flags & TicketFlag.INITIAL).toBeTruthy();
    expect(tgt.key.etype).toBe(18);
    expect(tgt.endtime.getTime()).toBeGreaterThan(Date.now() + 3600_000);
    // The ticket is the KDC's own DER and decodes to the TGS principal.
    expect(decodeMessage('Ticket', tgt.ticket).sname.nameString).toEqual(['krbtgt', kdc.realm]);
  });

  test('AS exchange without pre-authentication takes the salt from the reply', async () => {
    const tgt = await client.asExchange(user(kdc, 'bob'), passwordKeySource(PASSWORD));
    expect(tgt.client.components).toEqual(['bob']);
    expect(tgt.flags & TicketFlag.PRE_AUTHENT).toBe(0);
  });

  test('TGS exchange gives a service ticket for HOST/localhost, and a renewable TGT renews', async () => {
    const tgt = await client.asExchange(user(kdc, 'alice'), passwordKeySource(PASSWORD));
    const service = await client.tgsExchange(tgt, { realm: kdc.realm, nameType: NameType.SRV_HST, components: ['HOST', 'localhost'] });
    expect(service.server.components).toEqual(['HOST', 'localhost']);
    expect(service.client.components).toEqual(['alice']);
    expect(service.key.value.equals(tgt.key.value)).toBe(false);
    expect(tgt.flags & TicketFlag.RENEWABLE).toBeTruthy();
    const renewed = await client.renew(tgt);
    expect(renewed.server.components).toEqual(['krbtgt', kdc.realm]);
    expect(renewed.key.value.equals(tgt.key.value)).toBe(false);
    expect(renewed.authtime.getTime()).toBe(tgt.authtime.getTime());
  });

  test('wrong password → SEC_E_LOGON_DENIED (KDC_ERR_PREAUTH_FAILED), and the password is in no message', async () => {
    const error = await failure(client.asExchange(user(kdc, 'alice'), passwordKeySource('Wrong-Battery-9')));
    expect(error.hresult >>> 0).toBe(0x8009030c);
    expect(error.message).toContain('KDC_ERR_PREAUTH_FAILED (24)');
    expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain('Wrong-Battery-9');
  });

  test('wrong password without pre-authentication: the reply does not decrypt → SEC_E_LOGON_DENIED', async () => {
    const error = await failure(client.asExchange(user(kdc, 'bob'), passwordKeySource('Wrong-Battery-9')));
    expect(error.hresult >>> 0).toBe(0x8009030c);
  });

  test('unknown client principal → SEC_E_LOGON_DENIED naming KDC_ERR_C_PRINCIPAL_UNKNOWN; unknown service → SEC_E_TARGET_UNKNOWN', async () => {
    const unknown = await failure(client.asExchange(user(kdc, 'mallory'), passwordKeySource(PASSWORD)));
    expect(unknown.hresult >>> 0).toBe(0x8009030c);
    expect(unknown.message).toContain('KDC_ERR_C_PRINCIPAL_UNKNOWN (6)');
    expect(unknown.message).toContain('mallory@EXAMPLE.TEST');
    const tgt = await client.asExchange(user(kdc, 'alice'), passwordKeySource(PASSWORD));
    const noService = await failure(client.tgsExchange(tgt, { realm: kdc.realm, nameType: NameType.SRV_HST, components: ['HOST', 'nowhere'] }));
    expect(noService.hresult >>> 0).toBe(0x80090303);
  });

  test('a pre-authentication timestamp far off the KDC clock → SEC_E_TIME_SKEW (KRB_AP_ERR_SKEW)', async () => {
    const skewed = new KdcClient({ config: loadKrb5Config(kdc.env), now: () => Date.now() - 3600_000 });
    const error = await failure(skewed.asExchange(user(kdc, 'alice'), passwordKeySource(PASSWORD)));
    expect(error.hresult >>> 0).toBe(0x80090324);
  });

  test('DER as the KDC wrote it (KRB-ERROR with METHOD-DATA, AS-REP, Ticket, the decrypted EncASRepPart) re-encodes byte for byte', async () => {
    const kdcs = await locateKdcs(kdc.realm, loadKrb5Config(kdc.env));
    const request = (name: string): Buffer => {
      const asReq = new KdcReq();
      asReq.msgType = 10;
      asReq.reqBody = Object.assign(new KdcReqBody(), {
        kdcOptions: 0x40000000,
        cname: PrincipalName.of(1, name),
        realm: kdc.realm,
        sname: PrincipalName.of(2, 'krbtgt', kdc.realm),
        till: new Date(Date.now() + 3600_000),
        nonce: 0x1abcdef0, // below 2^31: MIT's KDC ignores larger nonces
        etype: [18, 17],
      });
      return encodeMessage('AsReq', asReq);
    };
    const errorDer = await sendToKdc(kdc.realm, kdcs, request('alice'));
    const error = decodeMessage('KrbError', errorDer);
    expect(error.errorCode).toBe(25);
    expect(error.eData!.length).toBeGreaterThan(0);
    expect(encodeMessage('KrbError', error)).toEqual(errorDer);
    const methods = decodeDer(error.eData!, MethodData);
    expect(encodeDer(methods)).toEqual(error.eData);
    const info = methods.find((entry) => entry.padataType === 19)!;
    expect(decodeDer(info.padataValue, EtypeInfo2)[0]!.salt).toBe(`${kdc.realm}alice`);

    const repDer = await sendToKdc(kdc.realm, kdcs, request('bob'));
    const rep = decodeMessage('AsRep', repDer);
    expect(encodeMessage('AsRep', rep)).toEqual(repDer);
    const key = encryptionType(rep.encPart.etype)!.stringToKey(PASSWORD, `${kdc.realm}bob`);
    const partDer = encryptionType(rep.encPart.etype)!.decrypt(key, 3, rep.encPart.cipher);
    const part = decodeEncKdcRepPart(partDer);
    expect(part.nonce).toBe(0x1abcdef0);
    // MIT sends EncTGSRepPart [26] in AS replies too (RFC 4120 §5.4.2); either way it re-encodes exactly.
    const tag = applicationTagOf(partDer) === 26 ? 'EncTgsRepPart' : 'EncAsRepPart';
    // Decryption leaves no padding for AES-CTS, so the plaintext is exactly the DER.
    expect(encodeMessage(tag, part)).toEqual(partDer);
  });

  test('KRB_ERR_RESPONSE_TOO_BIG over UDP: the same request again over TCP', async () => {
    // A KDC front whose UDP side always answers RESPONSE_TOO_BIG and whose TCP side is the real KDC.
    const tooBig = encodeMessage('KrbError', Object.assign(new KrbError(), { stime: new Date(), errorCode: 52, realm: kdc.realm, sname: PrincipalName.of(2, 'krbtgt', kdc.realm) }));
    const tcp = createServer((socket) => socket.pipe(connect(kdc.port, '127.0.0.1')).pipe(socket));
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', () => resolve()));
    const port = (tcp.address() as AddressInfo).port;
    const udp = createSocket('udp4');
    let udpRequests = 0;
    udp.on('message', (_message, peer) => {
      udpRequests++;
      udp.send(tooBig, peer.port, peer.address);
    });
    await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', () => resolve()));
    try {
      const config = { defaultRealm: kdc.realm, kdcs: () => [`127.0.0.1:${port}`], realmOfHost: () => undefined, libdefault: () => undefined };
      const tgt = await new KdcClient({ config }).asExchange(user(kdc, 'alice'), passwordKeySource(PASSWORD));
      expect(tgt.client.components).toEqual(['alice']);
      expect(udpRequests).toBe(2); // the first AS-REQ and the pre-authenticated one, each retried over TCP
    } finally {
      udp.close();
      tcp.close();
    }
  });

  test('a large request goes by TCP, and a KDC answer is read from the 4-byte length framing', async () => {
    const kdcs = await locateKdcs(kdc.realm, loadKrb5Config(kdc.env));
    const request = new KdcReq();
    request.msgType = 10;
    request.reqBody = Object.assign(new KdcReqBody(), {
      cname: PrincipalName.of(1, 'alice'),
      realm: kdc.realm,
      sname: PrincipalName.of(2, 'krbtgt', kdc.realm),
      till: new Date(Date.now() + 3600_000),
      nonce: 7,
      etype: [18],
    });
    const reply = await sendToKdc(kdc.realm, kdcs, encodeMessage('AsReq', request), { udpPreferenceLimit: 0 });
    expect(decodeMessage('KrbError', reply).errorCode).toBe(25);
  });
});

describe('KDC transport without a KDC', () => {
  test('KDC unreachable → SEC_E_NO_AUTHENTICATING_AUTHORITY', async () => {
    // A bound UDP port that never answers, and no TCP listener on it.
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', () => resolve()));
    const { port } = silent.address();
    try {
      const config = { defaultRealm: 'DOWN.TEST', kdcs: () => [`127.0.0.1:${port}`], realmOfHost: () => undefined, libdefault: () => undefined };
      const client = new KdcClient({ config, udpTimeoutMs: 200, tcpTimeoutMs: 500 });
      const error = await failure(client.asExchange({ realm: 'DOWN.TEST', nameType: 1, components: ['alice'] }, passwordKeySource(PASSWORD)));
      expect(error.hresult >>> 0).toBe(0x80090311);
      expect(error.message).toContain('DOWN.TEST');
    } finally {
      silent.close();
    }
  });

  test('no KDC configured and no SRV record → SEC_E_NO_AUTHENTICATING_AUTHORITY; SRV records are used in priority order', async () => {
    const config = { kdcs: () => [], realmOfHost: () => undefined, libdefault: () => undefined };
    const none = new KdcClient({ config, resolveSrv: async () => Promise.reject(new Error('ENOTFOUND')) });
    expect((await failure(none.asExchange({ realm: 'NONE.TEST', nameType: 1, components: ['a'] }, passwordKeySource('x')))).hresult >>> 0).toBe(0x80090311);
    const kdcs = await locateKdcs('SRV.TEST', config, {
      resolveSrv: async (name) =>
        name.startsWith('_kerberos._udp.')
          ? [
              { name: 'b.srv.test', port: 88, priority: 10, weight: 0 },
              { name: 'a.srv.test', port: 750, priority: 0, weight: 0 },
            ]
          : [{ name: 'c.srv.test', port: 88, priority: 0, weight: 0 }],
    });
    expect(kdcs).toEqual([
      { host: 'a.srv.test', port: 750, transport: 'udp' },
      { host: 'b.srv.test', port: 88, transport: 'udp' },
      { host: 'c.srv.test', port: 88, transport: 'tcp' },
    ]);
  });
});

describeWithMitKdc('AS exchange with the other encryption types (real MIT KDC)', () => {
  test('a principal with only an rc4-hmac key (no salt) and one with only aes256-cts-hmac-sha384-192 (salt and s2kparams)', async () => {
    const kdc = await startMitKdc({
      libdefaults: ['allow_weak_crypto = true', 'allow_rc4 = true'],
      realmSettings: ['supported_enctypes = aes256-cts-hmac-sha384-192:normal aes256-cts-hmac-sha1-96:normal arcfour-hmac:normal'],
    });
    try {
      kdc.kadmin('addprinc -pw Rc4-Pass#1 -e arcfour-hmac:normal +requires_preauth rc4user');
      kdc.kadmin('addprinc -pw Sha2-Pass#1 -e aes256-cts-hmac-sha384-192:normal +requires_preauth sha2user');
      const client = new KdcClient({ config: loadKrb5Config(kdc.env) });
      // Each client key exists in one encryption type only: pre-authentication and the reply use it.
      const rc4 = await client.asExchange(user(kdc, 'rc4user'), passwordKeySource('Rc4-Pass#1'));
      expect(rc4.client.components).toEqual(['rc4user']);
      const sha2 = await client.asExchange(user(kdc, 'sha2user'), passwordKeySource('Sha2-Pass#1'));
      expect(sha2.client.components).toEqual(['sha2user']);
      const wrong = await failure(client.asExchange(user(kdc, 'rc4user'), passwordKeySource('Sha2-Pass#1')));
      expect(wrong.hresult >>> 0).toBe(0x8009030c);
    } finally {
      await kdc.stop();
    }
  });
});
