import { join } from 'node:path';
import { NameType } from '../../../src/core/transport/auth/kerberos/asn1';
import { readCcache } from '../../../src/core/transport/auth/kerberos/ccache';
import type { Principal } from '../../../src/core/transport/auth/kerberos/credential';
import { clientPrincipal, KerberosCredentials } from '../../../src/core/transport/auth/kerberos/kerberos-credentials';
import { krb5ConfigFrom, parseProfile } from '../../../src/core/transport/auth/kerberos/krb5-config';
import { WSManError } from '../../../src/core/errors/wsman-error';
import { describeWithMitKdc, startMitKdc, type MitKdc } from '../../helpers/mit-kdc';

// A real KDC, endpoint and several round trips per test: generous on a loaded machine.
jest.setTimeout(30_000);

const PASSWORD = 'Correct-Horse-7';

async function failure(run: () => unknown): Promise<WSManError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(WSManError);
    return error as WSManError;
  }
  throw new Error('expected a failure');
}

describe('client principal from a user name', () => {
  const config = krb5ConfigFrom([parseProfile('[libdefaults]\n default_realm = CONTOSO.COM\n')]);
  test('DOMAIN\\user, user@domain (a UPN: realm in capitals) and a bare name in the default realm', () => {
    expect(clientPrincipal('CONTOSO\\alice', config)).toEqual({ realm: 'CONTOSO.COM', nameType: 1, components: ['alice'] });
    expect(clientPrincipal('OTHER\\alice', config).realm).toBe('OTHER');
    expect(clientPrincipal('alice@contoso.com', config).realm).toBe('CONTOSO.COM');
    expect(clientPrincipal('alice', config).realm).toBe('CONTOSO.COM');
  });
  test('no realm anywhere → SEC_E_NO_CREDENTIALS', async () => {
    const error = await failure(() => clientPrincipal('alice', krb5ConfigFrom([])));
    expect(error.hresult >>> 0).toBe(0x8009030e);
  });
});

describeWithMitKdc('Kerberos credentials the way users have them (real MIT KDC)', () => {
  let kdc: MitKdc;
  let service: Principal;
  beforeAll(async () => {
    kdc = await startMitKdc();
    kdc.addPrincipal('alice', PASSWORD);
    kdc.addService('HOST/localhost');
    service = { realm: kdc.realm, nameType: NameType.SRV_HST, components: ['HOST', 'localhost'] };
  });
  afterAll(async () => kdc?.stop());

  test('user name and password: AS then TGS, the service ticket kept for the next call', async () => {
    const credentials = new KerberosCredentials({ userName: 'alice', password: PASSWORD, env: kdc.env });
    const first = await credentials.serviceTicket(service);
    expect(first.client.components).toEqual(['alice']);
    expect(await credentials.serviceTicket(service)).toBe(first);
  });

  test('implicit credentials from a kinit cache (KRB5CCNAME): no password in the process', async () => {
    const cache = join(kdc.dir, 'implicit.cc');
    kdc.kinit('alice', PASSWORD, cache);
    const credentials = new KerberosCredentials({ env: { ...kdc.env, KRB5CCNAME: `FILE:${cache}` } });
    expect(credentials.client.components).toEqual(['alice']);
    const ticket = await credentials.serviceTicket(service);
    expect(ticket.server.components).toEqual(['HOST', 'localhost']);
  });

  test('a keytab named by KRB5_CLIENT_KTNAME', async () => {
    kdc.addPrincipal('svc-client', 'Unused-Pass-1');
    const keytab = join(kdc.dir, 'client.keytab');
    kdc.ktadd('svc-client', keytab); // new random keys: the password above no longer works
    const credentials = new KerberosCredentials({ env: { ...kdc.env, KRB5_CLIENT_KTNAME: `FILE:${keytab}`, KRB5CCNAME: 'FILE:/nonexistent' } });
    expect(credentials.client.components).toEqual(['svc-client']);
    expect((await credentials.serviceTicket(service)).client.components).toEqual(['svc-client']);
  });

  test('no cache and no password → SEC_E_NO_CREDENTIALS naming the cache; a user other than the cache holder is refused', async () => {
    const missing = await failure(() => new KerberosCredentials({ env: { ...kdc.env, KRB5CCNAME: `FILE:${join(kdc.dir, 'none.cc')}` } }));
    expect(missing.hresult >>> 0).toBe(0x8009030e);
    expect(missing.message).toContain('none.cc');
    const cache = join(kdc.dir, 'holder.cc');
    kdc.kinit('alice', PASSWORD, cache);
    const other = await failure(() => new KerberosCredentials({ userName: 'bob', env: { ...kdc.env, KRB5CCNAME: cache } }));
    expect(other.hresult >>> 0).toBe(0x8009030e);
  });

  test('a TGT about to expire is renewed; an expired one is obtained again from the password', async () => {
    const cache = join(kdc.dir, 'short.cc');
    kdc.kinit('alice', PASSWORD, cache, ['-l', '90s', '-r', '1h']);
    const tgt = readCcache(cache).credentials[0]!;
    // 45 s on, the 90 s ticket is within the one-minute margin but not yet over: renewed.
    const later = new KerberosCredentials({ env: { ...kdc.env, KRB5CCNAME: cache }, now: () => Date.now() + 45_000 });
    const renewed = await later.ticketGrantingTicket();
    expect(renewed.key.value.equals(tgt.key.value)).toBe(false);
    expect(renewed.authtime.getTime()).toBe(tgt.authtime.getTime());
    // Past its end with no way to renew from a cache: SEC_E_NO_CREDENTIALS, "run kinit again".
    const expired = new KerberosCredentials({ env: { ...kdc.env, KRB5CCNAME: cache }, now: () => Date.now() + 120_000 });
    expect((await failure(() => expired.ticketGrantingTicket())).message).toContain('kinit');
    // With a password, an expired TGT is replaced by a new AS exchange.
    let shift = 0;
    const withPassword = new KerberosCredentials({ userName: 'alice', password: PASSWORD, env: kdc.env, ticketLifetimeMs: 90_000, renewLifetimeMs: 0, now: () => Date.now() + shift });
    const first = await withPassword.ticketGrantingTicket();
    shift = 120_000;
    const second = await withPassword.ticketGrantingTicket();
    expect(second).not.toBe(first);
    expect(second.authtime.getTime()).toBeGreaterThanOrEqual(first.authtime.getTime());
  });
});
