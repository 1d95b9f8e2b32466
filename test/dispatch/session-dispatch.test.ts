/** Session, Enumerator and WSManInternal through IDispatch and the late-bound view, against the embedded endpoint. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispatchOf, DISPATCH_METHOD, lateBound } from '../../src/automation/dispatch';
import { Win32Error, WinRMError, createObject } from '../../src/index';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';

let endpoint: RunningEndpoint;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wsman-dispatch-'));
  endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1'], allowUnencrypted: true, machineName: 'WIN-TEST', dataDir });
});

afterAll(async () => {
  await endpoint.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The winrm.vbs way: everything late-bound, flags from the WSMan object's flag methods. */
function openSession(url = endpoint.url!): { wsman: any; session: any } {
  const wsman = lateBound(createObject('WSMan.Automation'));
  const options = wsman.CreateConnectionOptions();
  options.UserName = 'alice';
  options.Password = 'Secret#1';
  const flags = wsman.SessionFlagUseBasic | wsman.SessionFlagCredUsernamePassword | wsman.SessionFlagNoEncryption;
  return { wsman, session: wsman.CreateSession(url, flags, options) };
}

describe('Session through the late-bound view', () => {
  it('Get takes a URI string or a ResourceLocator proxy (a VARIANT) and resolves with the XML', async () => {
    const { wsman, session } = openSession();
    expect(await session.Get('wmicimv2/Win32_Service?Name=WinRM')).toContain('<p:Name>WinRM</p:Name>');
    const locator = wsman.CreateResourceLocator('wmicimv2/Win32_Service');
    locator.AddSelector('Name', 'Spooler');
    expect(await session.Get(locator)).toContain('<p:Name>Spooler</p:Name>');
  });

  it('Identify with its default flags, called or read without parentheses as winrm.vbs does', async () => {
    const { session } = openSession();
    const identity = await session.Identify();
    expect(identity).toContain('OS: 10.0.20348');
    expect(() => `${session.Identify}`).toThrow(/asynchronously/);
  });

  it('Enumerate with filter, dialect and flags left out; the enumerator comes back late-bound', async () => {
    const { session } = openSession();
    const enumerator = await session.Enumerate('wmicimv2/Win32_Service');
    expect(enumerator.AtEndOfStream).toBe(false);
    const items: string[] = [];
    while (!enumerator.AtEndOfStream) items.push(await enumerator.ReadItem());
    expect(items.length).toBeGreaterThan(1);
    expect(items[0]).toContain('Win32_Service');
  });

  it('Enumerate with Empty filter and dialect (uninitialised VBScript variables) and a flag from the WSMan object', async () => {
    const { wsman, session } = openSession();
    const enumerator = await session.Enumerate('wmicimv2/Win32_Service', undefined, undefined, wsman.EnumerationFlagReturnEPR());
    expect(await enumerator.ReadItem()).toContain('EndpointReference');
  });

  it("a fault rejects with the service's HRESULT, description, source and the WSManFault XML that Session.Error keeps", async () => {
    const { session } = openSession();
    const error = await session.Get('wmicimv2/Win32_Service?Name=NoSuchService').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WinRMError);
    expect(error).toMatchObject({ hresult: 0x80338000, number: 0x80338000 | 0, source: 'Session' });
    expect(error.description).toMatch(/cannot find the resource identified by the resource URI and selectors/);
    expect(error.faultXml).toContain('WSManFault');
    expect(session.Error).toBe(error.faultXml);
  });

  it('an unreachable port rejects with the WinHTTP code 0x80072EFD and its text', async () => {
    const { session } = openSession('http://127.0.0.1:1/wsman');
    const error = await session.Get('winrm/config').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Win32Error);
    expect(error).toMatchObject({ hresult: 0x80072efd, number: 0x80072efd | 0, source: 'Session' });
    expect(error.description).toMatch(/connection with the server could not be established/i);
  });
});

describe('Session through IDispatch::Invoke', () => {
  it('Get with a ResourceLocator object as the VARIANT resourceUri', async () => {
    const wsman = createObject('WSMan.Automation');
    const options = wsman.CreateConnectionOptions().value;
    options.put_UserName('alice');
    options.put_Password('Secret#1');
    const flags = wsman.SessionFlagUseBasic().value | wsman.SessionFlagCredUsernamePassword().value | wsman.SessionFlagNoEncryption().value;
    const session = dispatchOf(wsman.CreateSession(endpoint.url!, flags, options).value!);
    const [get] = session.GetIDsOfNames(['get']);
    const xml = await session.Invoke(get, DISPATCH_METHOD, [wsman.CreateResourceLocator('winrm/config').value!]);
    expect(xml).toContain('cfg:Config');
  });

  it('ConfigSDDL of WSMan.InternalAutomation takes the session proxy as its IDispatch* argument', async () => {
    const { session } = openSession();
    const internal = lateBound(createObject('WSMan.InternalAutomation'));
    expect(await internal.ConfigSDDL(session, 'winrm/config/service')).toMatch(/^O:NSG:BAD:P\(/);
  });
});
