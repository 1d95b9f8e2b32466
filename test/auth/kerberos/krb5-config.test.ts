import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { krb5ConfigFrom, loadKrb5Config, parseProfile } from '../../../src/core/transport/auth/kerberos/krb5-config';
import { parseKdcAddress } from '../../../src/core/transport/auth/kerberos/kdc-transport';

const CONF = `
# MIT profile syntax
[libdefaults]
    default_realm = CONTOSO.COM
    dns_lookup_kdc = false
; another comment
[realms]
    CONTOSO.COM = {
        kdc = dc1.contoso.com
        kdc = dc2.contoso.com:750
        admin_server = dc1.contoso.com
    }
    LAB.TEST = {
        kdc = tcp/[::1]:8888
    }

[domain_realm]
    .contoso.com = CONTOSO.COM
    contoso.com = CONTOSO.COM
    .lab.contoso.com = LAB.TEST
    special.contoso.com = LAB.TEST
`;

describe('krb5.conf', () => {
  const config = krb5ConfigFrom([parseProfile(CONF)]);

  test('default_realm, the realm KDCs in order, libdefaults', () => {
    expect(config.defaultRealm).toBe('CONTOSO.COM');
    expect(config.kdcs('CONTOSO.COM')).toEqual(['dc1.contoso.com', 'dc2.contoso.com:750']);
    expect(config.kdcs('NOWHERE')).toEqual([]);
    expect(config.libdefault('dns_lookup_kdc')).toBe('false');
  });

  test('domain_realm: exact host first, then the longest domain suffix', () => {
    expect(config.realmOfHost('special.contoso.com')).toBe('LAB.TEST');
    expect(config.realmOfHost('web.lab.contoso.com')).toBe('LAB.TEST');
    expect(config.realmOfHost('WEB.Contoso.com')).toBe('CONTOSO.COM');
    expect(config.realmOfHost('contoso.com')).toBe('CONTOSO.COM');
    expect(config.realmOfHost('example.org')).toBeUndefined();
  });

  test('KDC addresses: host, host:port, [v6]:port with a tcp/ prefix', () => {
    expect(parseKdcAddress('dc1.contoso.com')).toEqual({ host: 'dc1.contoso.com', port: 88, transport: 'any' });
    expect(parseKdcAddress('dc2.contoso.com:750')).toEqual({ host: 'dc2.contoso.com', port: 750, transport: 'any' });
    expect(parseKdcAddress(config.kdcs('LAB.TEST')[0]!)).toEqual({ host: '::1', port: 8888, transport: 'tcp' });
    expect(parseKdcAddress('::1')).toEqual({ host: '::1', port: 88, transport: 'any' });
  });

  test('KRB5_CONFIG lists files (colon-separated); the first file wins, missing ones are skipped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'krb5conf-'));
    try {
      writeFileSync(join(dir, 'a.conf'), '[libdefaults]\n default_realm = FIRST.TEST\n');
      writeFileSync(join(dir, 'b.conf'), CONF);
      const loaded = loadKrb5Config({ KRB5_CONFIG: `${join(dir, 'missing.conf')}:${join(dir, 'a.conf')}:${join(dir, 'b.conf')}` });
      expect(loaded.defaultRealm).toBe('FIRST.TEST');
      expect(loaded.kdcs('CONTOSO.COM')).toHaveLength(2);
      expect(loadKrb5Config({ KRB5_CONFIG: join(dir, 'missing.conf') }).defaultRealm).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
