/**
 * The client providers with tickets from a real MIT KDC, checked by the Kerberos acceptor with the
 * service key kadmin wrote to a keytab: both header forms, the sealed message round trip, SPN
 * forms, delegation, and Negotiate's fallback to NTLM when no KDC answers (end to end against the
 * embedded endpoint's NTLM).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EncryptionKey, type PrincipalName } from '../../../src/core/transport/auth/kerberos/asn1';
import { acceptSecurityContext, CLOCK_SKEW_MS, type AcceptedContext } from '../../../src/core/transport/auth/kerberos/gss/acceptor';
import { ReplayCache } from '../../../src/core/transport/auth/kerberos/gss/replay-cache';
import { readKeytab } from '../../../src/core/transport/auth/kerberos/keytab';
import { decodeSpnego, encodeNegTokenResp, NegState } from '../../../src/core/transport/auth/spnego';
import { KRB5_OID } from '../../../src/core/transport/auth/kerberos/gss/gss-token';
import { KerberosAuth, NegotiateKerberosAuth, negotiateAuth } from '../../../src/core/transport/kerberos-client-auth';
import { NegotiateAuth, type ClientAuthProvider } from '../../../src/core/transport/client-auth';
import { KERBEROS_ENCRYPTED_PROTOCOL, SPNEGO_ENCRYPTED_PROTOCOL } from '../../../src/core/transport/message-encryption';
import { createObject } from '../../../src/index';
import { WSManSessionFlags as F } from '../../../src/automation/flags';
import { startEndpoint, type RunningEndpoint } from '../../../src/server/endpoint';
import { describeWithMitKdc, startMitKdc, type MitKdc } from '../../helpers/mit-kdc';

// A real KDC, endpoint and several round trips per test: generous on a loaded machine.
jest.setTimeout(30_000);

const PASSWORD = 'Correct-Horse-7';

function acceptorFor(keytab: string) {
  const entries = readKeytab(keytab);
  const keys = (service: PrincipalName, realm: string, etype: number) => {
    const entry = entries.find(
      (e) => e.principal.realm === realm && e.key.etype === etype && e.principal.components.join('/') === service.nameString.join('/'),
    );
    return entry && Object.assign(new EncryptionKey(), { keytype: etype, keyvalue: entry.key.value });
  };
  const replayCache = new ReplayCache(CLOCK_SKEW_MS);
  return (token: Buffer): AcceptedContext => acceptSecurityContext(token, { keys, replayCache });
}

function tokenOf(header: string, scheme: string): Buffer {
  expect(header.startsWith(`${scheme} `)).toBe(true);
  return Buffer.from(header.slice(scheme.length + 1), 'base64');
}

function roundTrip(provider: ClientAuthProvider, accepted: AcceptedContext, protocol: string): void {
  const sealed = provider.wrap!(Buffer.from('<s:Envelope>request</s:Envelope>'), 'UTF-8');
  expect(sealed.contentType).toContain(`protocol="${protocol}"`);
  expect(sealed.body.includes(Buffer.from('request'))).toBe(false);
  // The acceptor opens it and answers; the client opens the answer.
  const match = /Length=(\d+)\r\n--Encrypted Boundary\r\n\tContent-Type: application\/octet-stream\r\n/.exec(sealed.body.toString('latin1'));
  expect(match).not.toBeNull();
  const reply = accepted.security.wrap(Buffer.from('<s:Envelope>reply</s:Envelope>'));
  const header = Buffer.alloc(4);
  header.writeUInt32LE(reply.header.length);
  const body = Buffer.concat([
    Buffer.from(`--Encrypted Boundary\r\n\tContent-Type: ${protocol}\r\n\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=${reply.sealed.length}\r\n--Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\n`, 'latin1'),
    header,
    reply.header,
    reply.sealed,
    Buffer.from('--Encrypted Boundary--\r\n', 'latin1'),
  ]);
  const opened = provider.unwrap!(`multipart/encrypted;protocol="${protocol}";boundary="Encrypted Boundary"`, body);
  expect(opened.payload.toString()).toBe('<s:Envelope>reply</s:Envelope>');
}

describeWithMitKdc('Kerberos client providers with a real KDC and the acceptor', () => {
  let kdc: MitKdc;
  let accept: (token: Buffer) => AcceptedContext;
  let env: Record<string, string>;

  beforeAll(async () => {
    kdc = await startMitKdc();
    kdc.addPrincipal('alice', PASSWORD);
    kdc.addService('HOST/localhost');
    kdc.addService('HOST/localhost:5985');
    const keytab = join(kdc.dir, 'service.keytab');
    kdc.ktadd('HOST/localhost', keytab);
    kdc.ktadd('HOST/localhost:5985', keytab);
    accept = acceptorFor(keytab);
    env = { ...kdc.env, KRB5CCNAME: `FILE:${join(kdc.dir, 'no-cache')}` };
  });
  afterAll(async () => kdc?.stop());

  test('Authorization: Kerberos carries the GSS-framed AP-REQ for HOST/<host>; the AP-REP completes it; Kerberos-session-encrypted both ways', async () => {
    const provider = new KerberosAuth({ userName: 'alice', password: PASSWORD, env, target: { host: 'localhost' } });
    await provider.prepare();
    const header = provider.initialToken();
    const accepted = accept(tokenOf(header, 'Kerberos'));
    expect(accepted.clientName).toEqual(['alice']);
    expect(accepted.clientRealm).toBe(kdc.realm);
    expect(provider.complete).toBe(false);
    provider.handleAccepted([`Kerberos ${accepted.replyToken!.toString('base64')}`]);
    expect(provider.complete).toBe(true);
    roundTrip(provider, accepted, KERBEROS_ENCRYPTED_PROTOCOL);
    expect(header).not.toContain(PASSWORD);
  });

  test('Negotiate: a NegTokenInit offering MS-KRB5, KRB5 and NTLM with the AP-REQ; the final NegTokenResp carries the AP-REP', async () => {
    const provider = new NegotiateKerberosAuth({ userName: 'alice', password: PASSWORD, env, target: { host: 'LOCALHOST' } });
    await provider.prepare();
    expect(provider.mechanism).toBe('kerberos');
    const init = decodeSpnego(tokenOf(provider.initialToken(), 'Negotiate'));
    expect(init.kind).toBe('init');
    if (init.kind !== 'init') return;
    expect(init.mechTypes).toEqual(['1.2.840.48018.1.2.2', KRB5_OID, '1.3.6.1.4.1.311.2.2.10']);
    const accepted = accept(init.mechToken!);
    const final = encodeNegTokenResp({ negState: NegState.ACCEPT_COMPLETED, supportedMech: '1.2.840.48018.1.2.2', responseToken: accepted.replyToken! });
    provider.handleAccepted([`Negotiate ${final.toString('base64')}`]);
    expect(provider.complete).toBe(true);
    roundTrip(provider, accepted, SPNEGO_ENCRYPTED_PROTOCOL);
  });

  test('the SPN port form HOST/<host>:<port>, and delegation forwards a TGT in the authenticator', async () => {
    const provider = new KerberosAuth({ userName: 'alice', password: PASSWORD, env, target: { host: 'localhost', port: 5985 }, delegate: true });
    await provider.prepare();
    const accepted = accept(tokenOf(provider.initialToken(), 'Kerberos'));
    expect(accepted.delegation).toBeDefined();
    expect(accepted.delegation![0]).toBe(0x76); // KRB-CRED [APPLICATION 22]
  });

  test('implicit credentials from a kinit cache; a service refused by the KDC → SEC_E_TARGET_UNKNOWN', async () => {
    const cache = join(kdc.dir, 'alice.cc');
    kdc.kinit('alice', PASSWORD, cache);
    const provider = new KerberosAuth({ env: { ...kdc.env, KRB5CCNAME: cache }, target: { host: 'localhost' } });
    await provider.prepare();
    expect(accept(tokenOf(provider.initialToken(), 'Kerberos')).clientName).toEqual(['alice']);
    const unknown = new KerberosAuth({ env: { ...kdc.env, KRB5CCNAME: cache }, target: { host: 'nowhere.example.test' } });
    await expect(unknown.prepare()).rejects.toMatchObject({ hresult: expect.any(Number), code: 'SEC_E_TARGET_UNKNOWN' });
  });

  test('Negotiate picks Kerberos when [domain_realm] maps the host, NTLM otherwise', () => {
    expect(negotiateAuth({ userName: 'alice', password: PASSWORD, env, target: { host: 'localhost' } })).toBeInstanceOf(NegotiateKerberosAuth);
    expect(negotiateAuth({ userName: 'alice', password: PASSWORD, env, target: { host: 'unmapped.example.org' } })).toBeInstanceOf(NegotiateAuth);
    expect(negotiateAuth({ env, target: { host: 'unmapped.example.org' } })).toBeInstanceOf(NegotiateKerberosAuth);
  });
});

describe('Negotiate falls back to NTLM when no KDC answers (embedded endpoint)', () => {
  let endpoint: RunningEndpoint;
  let dir: string;
  const saved = process.env.KRB5_CONFIG;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wsman-krb-down-'));
    // localhost is in a realm whose only KDC is a closed port.
    writeFileSync(join(dir, 'krb5.conf'), '[libdefaults]\n default_realm = DOWN.TEST\n[realms]\n DOWN.TEST = {\n  kdc = tcp/127.0.0.1:1\n }\n[domain_realm]\n localhost = DOWN.TEST\n');
    process.env.KRB5_CONFIG = join(dir, 'krb5.conf');
    endpoint = await startEndpoint({ port: 0, users: [`alice:${PASSWORD}`], machineName: 'WIN-KRB', dataDir: dir });
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.KRB5_CONFIG;
    else process.env.KRB5_CONFIG = saved;
    await endpoint?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('Session.Get under Negotiate works through NTLM; WSManFlagUseKerberos alone fails with SEC_E_NO_AUTHENTICATING_AUTHORITY', async () => {
    const wsman = createObject('WSMan.Automation');
    const options = wsman.CreateConnectionOptions().value!;
    options.put_UserName('alice');
    options.put_Password(PASSWORD);
    const url = endpoint.url!.replace('127.0.0.1', 'localhost');
    const negotiate = wsman.CreateSession(url, F.WSManFlagCredUsernamePassword | F.WSManFlagUseNegotiate, options).value!;
    const got = await negotiate.Get('wmicimv2/Win32_Service?Name=WinRM');
    expect(got.error).toBeUndefined();
    expect(got.value).toContain('WinRM');
    const kerberos = wsman.CreateSession(url, F.WSManFlagCredUsernamePassword | F.WSManFlagUseKerberos, options).value!;
    const refused = await kerberos.Get('wmicimv2/Win32_Service?Name=WinRM');
    expect(refused.hr).toBe(0x80090311);
    expect(refused.error!.description).not.toContain(PASSWORD);
  });
});

