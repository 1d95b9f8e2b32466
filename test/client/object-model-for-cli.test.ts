/**
 * Object-model behaviour the winrm-style CLI relies on: an enumeration that fails while reading
 * ahead reports the failure on the next ReadItem instead of ending quietly, and
 * WSManInternal.ConfigSDDL takes `default` for the service's RootSDDL (`winrm configsddl default`).
 */
import { createObject } from '../../src/index';
import { associationFilterXml } from '../../src/automation/association-filter';
import { WSManSessionFlags as F } from '../../src/automation/flags';
import type { Session } from '../../src/automation/session';
import { startEndpoint } from '../../src/server/endpoint';

const BASIC_HTTP = F.WSManFlagUseBasic | F.WSManFlagCredUsernamePassword | F.WSManFlagNoEncryption;

function openSession(url: string): Session {
  const wsman = createObject('WSMan.Automation');
  const options = wsman.CreateConnectionOptions().value!;
  options.put_UserName('alice');
  options.put_Password('Secret#1');
  return wsman.CreateSession(url, BASIC_HTTP, options).value!;
}

describe('Enumerator read-ahead failures', () => {
  it('a Pull that fails after an item is reported by the next ReadItem, not taken for the end', async () => {
    const endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1'], allowUnencrypted: true });
    const session = openSession(endpoint.url!);
    session.put_BatchItems(1);
    const enumerator = (await session.Enumerate('wmicimv2/Win32_Service')).value!;
    await endpoint.close();
    const results: number[] = [];
    while (!enumerator.get_AtEndOfStream().value && results.length < 10) results.push((await enumerator.ReadItem()).hr);
    expect(results.some((hr) => hr !== 0)).toBe(true);
    expect(results[results.length - 1]).not.toBe(0);
    // After the failure is reported the stream is over.
    expect(enumerator.get_AtEndOfStream().value).toBe(true);
  });
});

describe('ConfigSDDL', () => {
  it('`default` reads RootSDDL from winrm/config/service', async () => {
    const endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1'], allowUnencrypted: true });
    try {
      const session = openSession(endpoint.url!);
      const internal = createObject('WSMan.InternalAutomation');
      const viaDefault = await internal.ConfigSDDL(session, 'default');
      const viaUri = await internal.ConfigSDDL(session, 'winrm/config/service');
      expect(viaDefault.value).toMatch(/^O:NSG:BAD:P\(/);
      expect(viaDefault.value).toBe(viaUri.value);
      const wsman = createObject('WSMan.Automation');
      expect((await internal.ConfigSDDL(session, wsman.CreateResourceLocator('DEFAULT').value!)).value).toBe(viaUri.value);
    } finally {
      await endpoint.close();
    }
  });
});

describe('the short association filter of winrm (`{Object=…;…}`)', () => {
  it('becomes b:AssociatedInstances with the object EPR relative to the enumerated URI', async () => {
    const xml = associationFilterXml('{Object=Win32_Service?Name=WinRM;AssociationClassName=Win32_DependentService;resultrole=antecedent}', 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/*', false);
    expect(xml).toContain('<w:ResourceURI>http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service</w:ResourceURI><w:SelectorSet><w:Selector Name="Name">WinRM</w:Selector></w:SelectorSet>');
    expect(xml).toMatch(/^<b:AssociatedInstances [^>]*><b:Object>.*<\/b:Object><b:AssociationClassName>Win32_DependentService<\/b:AssociationClassName><b:ResultRole>antecedent<\/b:ResultRole><\/b:AssociatedInstances>$/);
    expect(() => associationFilterXml('{Object=X;ResultClassName=Y}', 'urn:x/*', true)).toThrow();
    expect(() => associationFilterXml('{Frob=1}', 'urn:x/*', false)).toThrow();
  });

  it('Session.Enumerate sends it, whatever the case of the dialect URI', async () => {
    const endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1'], allowUnencrypted: true });
    try {
      const session = openSession(endpoint.url!);
      const enumerator = await session.Enumerate('wmicimv2/*', '{Object=Win32_Service?Name=WinRM;AssociationClassName=Win32_DependentService;ResultRole=antecedent}', 'http://schemas.dmtf.org/wbem/wsman/1/cimbinding/AssociationFilter');
      expect(enumerator.hr).toBe(0);
      expect(enumerator.value!.get_AtEndOfStream().value).toBe(false);
    } finally {
      await endpoint.close();
    }
  });
});
