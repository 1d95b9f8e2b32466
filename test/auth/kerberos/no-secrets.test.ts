/**
 * No key, password or ticket in any error text: every failure of the Kerberos client is provoked
 * with known secrets around (a password, the keys of a keytab, the session key and ticket of a
 * kinit cache) and its message, description and stack are searched for them in every encoding a
 * log could show (text, hex, base64).
 */
import { inspect } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NameType } from '../../../src/core/transport/auth/kerberos/asn1';
import { readCcache } from '../../../src/core/transport/auth/kerberos/ccache';
import { KerberosCredentials } from '../../../src/core/transport/auth/kerberos/kerberos-credentials';
import { readKeytab } from '../../../src/core/transport/auth/kerberos/keytab';
import { KerberosAuth } from '../../../src/core/transport/kerberos-client-auth';
import { describeWithMitKdc, startMitKdc, type MitKdc } from '../../helpers/mit-kdc';

// A real KDC, endpoint and several round trips per test: generous on a loaded machine.
jest.setTimeout(30_000);

const PASSWORD = 'Hunter2-Secret!';

function forms(secret: Buffer): string[] {
  return [secret.toString('hex'), secret.toString('base64'), secret.toString('latin1')].filter((form) => form.length >= 8);
}

async function failureText(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    return `${String(error)}\n${(error as Error).stack}\n${inspect(error, { depth: 5 })}\n${JSON.stringify(error)}`;
  }
  throw new Error('expected a failure');
}

describeWithMitKdc('no key, password or ticket in Kerberos error texts', () => {
  let kdc: MitKdc;
  beforeAll(async () => {
    kdc = await startMitKdc();
    kdc.addPrincipal('alice', PASSWORD);
    kdc.addPrincipal('svc', 'Replaced#1');
    kdc.addService('HOST/localhost');
  });
  afterAll(async () => kdc?.stop());

  test('failures with a password, a keytab and a kinit cache leak none of them', async () => {
    const cache = join(kdc.dir, 'alice.cc');
    kdc.kinit('alice', PASSWORD, cache);
    const cached = readCcache(cache).credentials[0]!;
    const keytab = join(kdc.dir, 'svc.keytab');
    kdc.ktadd('svc', keytab);
    const keys = readKeytab(keytab).map((entry) => entry.key.value);
    const secrets = [PASSWORD, ...forms(Buffer.from(PASSWORD)), ...forms(cached.key.value), ...forms(cached.ticket.subarray(0, 64)), ...keys.flatMap(forms)];

    const texts = [
      // Wrong password (pre-authentication fails) and a password for another principal.
      await failureText(() => new KerberosCredentials({ userName: 'alice', password: `${PASSWORD}x`, env: kdc.env }).ticketGrantingTicket()),
      await failureText(() => new KerberosCredentials({ userName: 'nobody', password: PASSWORD, env: kdc.env }).ticketGrantingTicket()),
      // An unknown service with a good cache and with a keytab.
      await failureText(async () => {
        const auth = new KerberosAuth({ env: { ...kdc.env, KRB5CCNAME: cache }, target: { host: 'unknown.example.test' } });
        await auth.prepare();
      }),
      await failureText(() =>
        new KerberosCredentials({ env: { ...kdc.env, KRB5_CLIENT_KTNAME: keytab } }).serviceTicket({ realm: kdc.realm, nameType: NameType.SRV_HST, components: ['HOST', 'nowhere'] }),
      ),
      // A cache for someone else, a corrupt cache, a corrupt keytab, an expired cache.
      await failureText(() => new KerberosCredentials({ userName: 'svc', env: { ...kdc.env, KRB5CCNAME: cache } })),
      await failureText(() => {
        const broken = join(kdc.dir, 'broken.cc');
        writeFileSync(broken, Buffer.concat([Buffer.from([5, 4, 0, 0]), cached.key.value]));
        return new KerberosCredentials({ env: { ...kdc.env, KRB5CCNAME: broken } });
      }),
      await failureText(() => {
        const broken = join(kdc.dir, 'broken.keytab');
        writeFileSync(broken, Buffer.concat([Buffer.from([5, 2, 0, 0, 0, 200]), keys[0]!]));
        return new KerberosCredentials({ env: { ...kdc.env, KRB5_CLIENT_KTNAME: broken } });
      }),
      await failureText(() => new KerberosCredentials({ env: { ...kdc.env, KRB5CCNAME: cache }, now: () => Date.now() + 30 * 86400_000 }).ticketGrantingTicket()),
      // The KDC down.
      await failureText(() => {
        const down = join(kdc.dir, 'down.conf');
        writeFileSync(down, `[libdefaults]\n default_realm = ${kdc.realm}\n[realms]\n ${kdc.realm} = {\n  kdc = tcp/127.0.0.1:1\n }\n`);
        return new KerberosCredentials({ userName: 'alice', password: PASSWORD, env: { KRB5_CONFIG: down } }).ticketGrantingTicket();
      }),
    ];
    for (const text of texts) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    // Each failure says what went wrong in words.
    expect(texts.every((text) => /0x|SEC_E|Kerberos|KDC|credential|keytab|cache/i.test(text))).toBe(true);
  });
});
