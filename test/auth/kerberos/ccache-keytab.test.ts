import { join } from 'node:path';
import { decodeMessage, NameType } from '../../../src/core/transport/auth/kerberos/asn1';
import { defaultCcacheName, parseCcache, readCcache, serializeCcache, writeCcache } from '../../../src/core/transport/auth/kerberos/ccache';
import { FileFormatError } from '../../../src/core/transport/auth/kerberos/binary';
import { encryptionType } from '../../../src/core/transport/auth/kerberos/crypto/encryption-types';
import { KdcClient } from '../../../src/core/transport/auth/kerberos/kdc-client';
import { keysFor, parseKeytab, readKeytab, serializeKeytab, writeKeytab } from '../../../src/core/transport/auth/kerberos/keytab';
import { loadKrb5Config } from '../../../src/core/transport/auth/kerberos/krb5-config';
import { keytabKeySource } from '../../../src/core/transport/auth/kerberos/kerberos-credentials';
import { describeWithMitKdc, startMitKdc, type MitKdc } from '../../helpers/mit-kdc';

// A real KDC, endpoint and several round trips per test: generous on a loaded machine.
jest.setTimeout(30_000);

const PASSWORD = 'Correct-Horse-7';

describeWithMitKdc('credential caches and keytabs written by MIT tools', () => {
  let kdc: MitKdc;
  beforeAll(async () => {
    kdc = await startMitKdc();
    kdc.addPrincipal('alice', PASSWORD);
    kdc.addService('HOST/localhost');
  });
  afterAll(async () => kdc?.stop());

  test('a kinit cache (format 4): default principal, the TGT with its key, ticket DER, times and flags', async () => {
    const path = join(kdc.dir, 'alice.cc');
    kdc.kinit('alice', PASSWORD, path);
    kdc.run('kvno', ['-c', `FILE:${path}`, 'HOST/localhost']);
    const cache = readCcache(`FILE:${path}`);
    expect(cache.principal).toEqual({ realm: kdc.realm, nameType: NameType.PRINCIPAL, components: ['alice'] });
    const servers = cache.credentials.map((credential) => credential.server.components.join('/'));
    expect(servers).toEqual([`krbtgt/${kdc.realm}`, 'HOST/localhost']);
    const [tgt] = cache.credentials;
    expect(tgt!.key.etype).toBe(18);
    expect(tgt!.key.value).toHaveLength(32);
    expect(tgt!.endtime.getTime()).toBeGreaterThan(Date.now());
    expect(tgt!.renewTill!.getTime()).toBeGreaterThan(tgt!.endtime.getTime());
    expect(decodeMessage('Ticket', tgt!.ticket).realm).toBe(kdc.realm);
    // The key and ticket are right: the real KDC accepts them for a TGS exchange.
    const client = new KdcClient({ config: loadKrb5Config(kdc.env) });
    const service = await client.tgsExchange(tgt!, { realm: kdc.realm, nameType: NameType.SRV_HST, components: ['HOST', 'localhost'] });
    expect(service.server.components).toEqual(['HOST', 'localhost']);
  });

  test('a cache we write is one MIT klist reads, and reads back equal', () => {
    const path = join(kdc.dir, 'ours.cc');
    kdc.kinit('alice', PASSWORD, join(kdc.dir, 'source.cc'));
    const cache = readCcache(join(kdc.dir, 'source.cc'));
    writeCcache(`FILE:${path}`, cache);
    expect(parseCcache(serializeCcache(cache))).toEqual(cache);
    const listed = kdc.run('klist', ['-c', `FILE:${path}`]);
    expect(listed).toContain(`Default principal: alice@${kdc.realm}`);
    expect(listed).toContain(`krbtgt/${kdc.realm}@${kdc.realm}`);
  });

  test('a kadmin ktadd keytab (0x502): kvno, both AES keys, and the keys work against the KDC', async () => {
    const path = join(kdc.dir, 'host.keytab');
    kdc.ktadd('HOST/localhost', path);
    const entries = readKeytab(`FILE:${path}`);
    expect(entries.map((entry) => entry.key.etype).sort()).toEqual([17, 18]);
    expect(entries.every((entry) => entry.kvno === 2 && entry.principal.components.join('/') === 'HOST/localhost')).toBe(true);
    const principal = entries[0]!.principal;
    const client = new KdcClient({ config: loadKrb5Config(kdc.env) });
    const tgt = await client.asExchange(principal, keytabKeySource(keysFor(entries, principal)));
    expect(tgt.client.components).toEqual(['HOST', 'localhost']);
  });

  test('ktutil addent -password writes the string-to-key of the password; a keytab we write is one klist -k reads', () => {
    const path = join(kdc.dir, 'alice.keytab');
    kdc.run('ktutil', [], `addent -password -p alice@${kdc.realm} -k 3 -e aes128-cts-hmac-sha1-96\n${PASSWORD}\nwkt ${path}\nquit\n`);
    const [entry] = readKeytab(path);
    expect(entry!.kvno).toBe(3);
    expect(entry!.key.value).toEqual(encryptionType(17)!.stringToKey(PASSWORD, `${kdc.realm}alice`));
    const ours = join(kdc.dir, 'ours.keytab');
    const rekeyed = [{ ...entry!, kvno: 300 }];
    writeKeytab(ours, rekeyed);
    expect(parseKeytab(serializeKeytab(rekeyed))).toEqual(rekeyed);
    const listed = kdc.run('klist', ['-k', '-e', ours]);
    expect(listed).toMatch(new RegExp(`300 alice@${kdc.realm} \\(aes128-cts-hmac-sha1-96\\)`));
  });
});

describe('credential cache and keytab files without a KDC', () => {
  test('malformed or foreign files are a FileFormatError, never a crash', () => {
    expect(() => parseCcache(Buffer.from([5, 4, 0, 0]))).toThrow(FileFormatError);
    expect(() => parseCcache(Buffer.from('not a cache'))).toThrow(FileFormatError);
    expect(() => parseKeytab(Buffer.from([5, 2, 0, 0, 0, 40, 0]))).toThrow(FileFormatError);
    expect(() => readCcache('KEYRING:persistent:0')).toThrow(/KEYRING: is not supported/);
  });

  test('holes (negative sizes) in a keytab are skipped; keysFor takes the newest kvno per encryption type', () => {
    const principal = { realm: 'R', nameType: 1, components: ['svc'] };
    const entry = (kvno: number, etype: number) => ({ principal, timestamp: new Date(1_700_000_000_000), kvno, key: { etype, value: Buffer.alloc(16, kvno) } });
    const file = serializeKeytab([entry(1, 17), entry(2, 17), entry(2, 18)]);
    const hole = Buffer.concat([file.subarray(0, 2), Buffer.from([0xff, 0xff, 0xff, 0xf0]), Buffer.alloc(16), file.subarray(2)]);
    const parsed = parseKeytab(hole);
    expect(parsed).toHaveLength(3);
    expect(keysFor(parsed, principal).map((e) => [e.kvno, e.key.etype])).toEqual([
      [2, 17],
      [2, 18],
    ]);
    expect(keysFor(parsed, { ...principal, components: ['other'] })).toEqual([]);
  });

  test('the cache name: KRB5CCNAME, then default_ccache_name with %{uid}, then FILE:/tmp/krb5cc_<uid>', () => {
    const uid = process.getuid!();
    expect(defaultCcacheName({ KRB5CCNAME: 'FILE:/x' }, 'FILE:/y')).toBe('FILE:/x');
    expect(defaultCcacheName({}, 'FILE:/run/krb5cc_%{uid}')).toBe(`FILE:/run/krb5cc_${uid}`);
    expect(defaultCcacheName({}, undefined)).toBe(`FILE:/tmp/krb5cc_${uid}`);
  });
});
