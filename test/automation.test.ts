/** The COM object model: WSMan, ConnectionOptions, ResourceLocator, Session and createObject. */
import 'reflect-metadata';
import { inspect } from 'node:util';
import { Container } from 'inversify';
import { createObject, createContainer, ComError, toSigned } from '../src/index';
import { createObjectIn } from '../src/automation/create-object';
import { WSManSessionFlags as F } from '../src/automation/flags';
import { Session } from '../src/automation/session';
import type { WSMan } from '../src/automation/wsman';
import { DefaultWSManClientApi, WSManClientApi } from '../src/core/capi/client-api';
import { hresultOf } from '../src/core/errors/error-table';

const wsman = createObject('WSMan.Automation');

function options(user = '', password = '', thumbprint = '') {
  const o = wsman.CreateConnectionOptions().value;
  if (user) o.put_UserName(user);
  if (password) o.put_Password(password);
  if (thumbprint) o.put_CertificateThumbprint(thumbprint);
  return o;
}

describe('createObject', () => {
  it.each(['WSMan.Automation', 'WSMan.Automation.1', 'WSMAN.Automation', 'Wsman.Automation'])('creates WSMan for %s', (progId) => {
    expect(createObject(progId).implementedInterfaces).toEqual(['IWSMan', 'IWSManEx', 'IWSManEx2', 'IWSManEx3']);
  });

  it('creates WSManInternal for WSMan.InternalAutomation', () => {
    expect(createObject('WSMan.InternalAutomation').implementedInterfaces).toEqual(['IWSManInternal']);
  });

  it('fails an unknown ProgID with REGDB_E_CLASSNOTREG', () => {
    expect(() => createObject('Scripting.FileSystemObject')).toThrow(ComError);
    try {
      createObject('WSMan.Nothing');
    } catch (error) {
      expect((error as ComError).hresult).toBe(0x80040154);
      expect((error as ComError).number).toBe(toSigned(0x80040154));
    }
  });
});

describe('WSMan.CreateSession', () => {
  it('creates a session without connecting, with the documented defaults', () => {
    const s = wsman.CreateSession('http://unreachable.invalid:5985/wsman');
    expect(s.hr).toBe(0);
    expect(s.value!.get_Timeout()).toEqual({ hr: 0, value: 60000 });
    expect(s.value!.get_BatchItems()).toEqual({ hr: 0, value: 20 });
  });

  it('takes all arguments as optional: no connection is the local computer', () => {
    expect(wsman.CreateSession().hr).toBe(0);
  });

  it.each([
    ['an unknown flag', 'server', 0x10, null, 'ERROR_WSMAN_CLIENT_INVALID_FLAG'],
    ['UTF8 with UTF16', 'server', F.WSManFlagUTF8 | F.WSManFlagUTF16, null, 'ERROR_WSMAN_CLIENT_INVALID_FLAG'],
    ['two mechanisms', 'server', F.WSManFlagUseBasic | F.WSManFlagUseNegotiate, null, 'ERROR_WSMAN_CLIENT_MULTIPLE_AUTH_FLAGS'],
    ['no-auth with another mechanism', 'server', F.WSManFlagUseNoAuthentication | F.WSManFlagUseKerberos, null, 'ERROR_WSMAN_CLIENT_MULTIPLE_AUTH_FLAGS'],
    ['no-auth with credentials', 'server', F.WSManFlagUseNoAuthentication | F.WSManFlagCredUsernamePassword, ['u', 'p'], 'ERROR_WSMAN_CREDS_PASSED_WITH_NO_AUTH_FLAG'],
    ['the credentials flag without credentials', 'server', F.WSManFlagUseNegotiate | F.WSManFlagCredUsernamePassword, null, 'ERROR_WSMAN_CLIENT_CREDENTIALS_NEEDED'],
    ['credentials without the flag', 'server', F.WSManFlagUseNegotiate, ['u', 'p'], 'ERROR_WSMAN_CLIENT_CREDENTIALS_FLAG_NEEDED'],
    ['Basic without credentials', 'server', F.WSManFlagUseBasic, null, 'ERROR_WSMAN_CLIENT_USERNAME_PASSWORD_NEEDED'],
    ['Basic with a user but no password', 'server', F.WSManFlagUseBasic | F.WSManFlagCredUsernamePassword, ['u', ''], 'ERROR_WSMAN_CLIENT_USERNAME_PASSWORD_NEEDED'],
    ['a certificate without a thumbprint', 'https://server', F.WSManFlagUseClientCertificate, null, 'ERROR_WSMAN_CLIENT_CERT_NEEDED'],
    ['a certificate with a user name', 'https://server', F.WSManFlagUseClientCertificate | F.WSManFlagCredUsernamePassword, ['u', 'p', 'ab12'], 'ERROR_WSMAN_CLIENT_CERT_UNNEEDED_USERNAME'],
    ['a certificate over http://', 'http://server', F.WSManFlagUseClientCertificate, ['', '', 'ab12'], 'ERROR_WSMAN_CANNOT_USE_CERTIFICATES_FOR_HTTP'],
    ['the SPN port with Basic', 'server', F.WSManFlagEnableSPNServerPort | F.WSManFlagUseBasic | F.WSManFlagCredUsernamePassword, ['u', 'p'], 'ERROR_WSMAN_CLIENT_SPN_WRONG_AUTH'],
    ['no encryption over https://', 'https://server', F.WSManFlagNoEncryption, null, 'ERROR_WSMAN_CLIENT_UNENCRYPTED_HTTP_ONLY'],
    ['no encryption with UseSsl', 'server', F.WSManFlagNoEncryption | F.WSManFlagUseSsl, null, 'ERROR_WSMAN_CLIENT_UNENCRYPTED_HTTP_ONLY'],
    ['implicit credentials over http://', 'http://server', F.WSManFlagAllowNegotiateImplicitCredentials, null, 'ERROR_WSMAN_CANNOT_USE_ALLOW_NEGOTIATE_IMPLICIT_CREDENTIALS_FOR_HTTP'],
    ['UseSsl with http://', 'http://server', F.WSManFlagUseSsl, null, 'ERROR_WSMAN_INVALID_USESSL_PARAM'],
    ['credentials for the local computer', '', F.WSManFlagCredUsernamePassword, ['u', 'p'], 'ERROR_WSMAN_CLIENT_LOCAL_INVALID_CREDS'],
    ['connection options for the local computer', '', 0, [], 'ERROR_WSMAN_CLIENT_LOCAL_INVALID_CONNECTION_OPTIONS'],
    ['a bad connection string', 'http://[::1', 0, null, 'ERROR_WSMAN_CONNECTIONSTR_INVALID'],
    ['a bad port', 'server:99999', 0, null, 'ERROR_WSMAN_PORT_INVALID'],
  ] as const)('refuses %s', (_case, connection, flags, creds, code) => {
    const own = createObject('WSMan.Automation');
    const result = own.CreateSession(connection, flags, creds ? options(...(creds as unknown as [string?, string?, string?])) : null);
    expect(result.error?.name).toBe(code);
    expect(result.hr).toBe(hresultOf(code));
    expect(result.value).toBeUndefined();
    const xml = own.get_Error().value;
    expect(xml).toContain(`Code="${hresultOf(code)}"`);
    expect(xml).toMatch(/^<f:WSManFault xmlns:f="http:\/\/schemas\.microsoft\.com\/wbem\/wsman\/1\/wsmanfault" Code="\d+" Machine="[^"]*" xml:lang="en-US"><f:Message>/);
    expect(result.error?.faultXml).toBe(xml);
    expect(result.error?.source).toBe('WSMan');
  });

  it.each([
    ['Negotiate with credentials', 'server', F.WSManFlagUseNegotiate | F.WSManFlagCredUsernamePassword, ['DOMAIN\\u', 'p']],
    ['Basic over HTTP unencrypted', 'server', F.WSManFlagUseBasic | F.WSManFlagCredUsernamePassword | F.WSManFlagNoEncryption, ['u', 'p']],
    ['Kerberos with the SPN port', 'server', F.WSManFlagUseKerberos | F.WSManFlagEnableSPNServerPort, null],
    ['a certificate over HTTPS', 'server', F.WSManFlagUseClientCertificate | F.WSManFlagSkipCACheck | F.WSManFlagSkipCNCheck, ['', '', 'ab12']],
    ['no authentication', 'server', F.WSManFlagUseNoAuthentication, null],
    ['UseSsl with implicit credentials', 'server', F.WSManFlagUseSsl | F.WSManFlagAllowNegotiateImplicitCredentials, null],
    ['UTF16 and the revocation check off', 'https://server', F.WSManFlagUTF16 | F.WSManFlagSkipRevocationCheck, null],
  ] as const)('accepts %s', (_case, connection, flags, creds) => {
    const result = wsman.CreateSession(connection, flags, creds ? options(...(creds as unknown as [string?, string?, string?])) : null);
    expect(result.error).toBeUndefined();
  });

  it('turns flags into session options on the engine', () => {
    const container = createContainer();
    const own = createObjectIn(container, 'WSMan.Automation') as WSMan;
    const session = own.CreateSession('server', F.WSManFlagUseSsl | F.WSManFlagUTF16 | F.WSManFlagSkipCNCheck).value!;
    const api = container.get(WSManClientApi);
    expect(api.sessionOf(session.handle).url).toBe('https://server:5986/wsman');
    expect(api.WSManGetSessionOptionAsDword(session.handle, 21).value).toBe(1);
    expect(api.WSManGetSessionOptionAsDword(session.handle, 19).value).toBe(1);
    expect(api.WSManGetSessionOptionAsDword(session.handle, 18).value).toBe(0);
  });

  it('refuses an object that is not a ConnectionOptions', () => {
    expect(wsman.CreateSession('server', 0, {} as never).hr).toBe(0x80070057);
  });
});

describe('WSMan helpers', () => {
  it('GetErrorMessage accepts the value CLng("&H80338012") gives', () => {
    expect(wsman.GetErrorMessage(-2144108526)).toEqual(wsman.GetErrorMessage(0x80338012));
    expect(wsman.GetErrorMessage(0x80338012).value).toMatch(/^The client cannot connect/);
    expect(wsman.GetErrorMessage(0x800705b4).value).toBe('This operation returned because the timeout period expired.\r\n');
  });

  it('GetErrorMessage fails an unknown number with the documented code, not a crash', () => {
    const result = wsman.GetErrorMessage(0x12345678);
    expect(result.hr).toBe(0x8007013d);
    expect(wsman.get_Error().value).toContain('Code="2147942717"');
  });

  it('CommandLine reports the process command line', () => {
    expect(wsman.get_CommandLine().value).toContain(process.argv[0]);
  });
});

describe('ConnectionOptions', () => {
  it('reads back UserName and CertificateThumbprint, never the password', () => {
    const o = options('admin', 'S3cret!pw', 'AB12');
    expect(o.get_UserName()).toEqual({ hr: 0, value: 'admin' });
    expect(o.get_CertificateThumbprint()).toEqual({ hr: 0, value: 'AB12' });
    expect('get_Password' in o).toBe(false);
    expect(inspect(o, { depth: 5, showHidden: true })).not.toContain('S3cret!pw');
    expect(JSON.stringify(o)).not.toContain('S3cret!pw');
  });

  it('SetProxy validates like the C API and defaults accessType 0 to the WinHTTP configuration', () => {
    const o = options();
    expect(o.SetProxy().hr).toBe(0);
    expect(o.SetProxy(o.ProxyIEConfig().value!, o.ProxyAuthenticationUseBasic().value!, 'pu', 'pp').hr).toBe(0);
    expect(o.SetProxy(3).error?.name).toBe('ERROR_WSMAN_PROXY_ACCESS_TYPE');
    expect(o.SetProxy(2, 8).error?.name).toBe('ERROR_WSMAN_PROXY_AUTHENTICATION_INVALID_FLAG');
    expect(o.SetProxy(2, 3).error?.name).toBe('ERROR_WSMAN_CLIENT_MULTIPLE_PROXY_AUTH_FLAGS');
    expect(o.SetProxy(2, 1, 'pu', '').error?.name).toBe('ERROR_WSMAN_CLIENT_CREDENTIALS_FOR_PROXY_AUTHENTICATION');
    expect(o.SetProxy(8, 1).error?.name).toBe('ERROR_WSMAN_INVALID_OPTION_NO_PROXY_SERVER');
  });

  it('carries its proxy into CreateSession', () => {
    const o = options();
    o.SetProxy(o.ProxyAutoDetect().value!);
    expect(wsman.CreateSession('http://server', 0, o).error?.name).toBe('ERROR_WSMAN_CANNOT_USE_PROXY_SETTINGS_FOR_HTTP');
    expect(wsman.CreateSession('https://server', 0, o).hr).toBe(0);
  });
});

describe('ResourceLocator', () => {
  it('parses selectors and expands aliases in CreateResourceLocator', () => {
    const locator = wsman.CreateResourceLocator('wmicimv2/Win32_Service?Name=spooler+Other=2').value!;
    expect(locator.get_ResourceURI().value).toBe('http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service');
    expect(locator.state().selectors).toEqual([
      { name: 'Name', value: 'spooler' },
      { name: 'Other', value: '2' },
    ]);
    expect(wsman.CreateResourceLocator('winrm/config').value!.get_ResourceURI().value).toBe('http://schemas.microsoft.com/wbem/wsman/1/config');
    expect(wsman.CreateResourceLocator('wmi/root/cimv2/Win32_Service?Name').error?.name).toBe('ERROR_WSMAN_URI_QUERY_STRING_SYNTAX_ERROR');
  });

  it('refuses a query string in ResourceURI', () => {
    const locator = wsman.CreateResourceLocator().value!;
    const result = locator.put_ResourceURI('http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service?Name=winmgmt');
    expect(result.hr).toBe(0x803380c0);
    expect(locator.get_Error().value).toContain('Code="2150858944"');
    expect(locator.get_ResourceURI().value).toBe('');
  });

  it('has the documented defaults: XPath 1.0 dialect, mustComply false, MustUnderstandOptions false', () => {
    const locator = wsman.CreateResourceLocator().value!;
    expect(locator.get_FragmentDialect().value).toBe('http://www.w3.org/TR/1999/REC-xpath-19991116');
    expect(locator.get_FragmentPath().value).toBe('');
    expect(locator.get_MustUnderstandOptions().value).toBe(0);
    locator.AddOption('WMI_NAMESPACE', null);
    locator.AddOption('Flag', true, -1);
    expect(locator.state().options).toEqual([
      { name: 'WMI_NAMESPACE', value: null, mustComply: false },
      { name: 'Flag', value: 'True', mustComply: true },
    ]);
    locator.put_MustUnderstandOptions(-1);
    expect(locator.get_MustUnderstandOptions().value).toBe(1);
    locator.ClearOptions();
    expect(locator.state().options).toEqual([]);
  });

  it('adds and clears selectors with VARIANT values', () => {
    const locator = wsman.CreateResourceLocator('wmicimv2/Win32_Process').value!;
    locator.AddSelector('Handle', 4);
    expect(locator.state().selectors).toEqual([{ name: 'Handle', value: '4' }]);
    expect(locator.AddSelector('', 'x').hr).toBe(0x80070057);
    expect(locator.AddSelector('Name', null).hr).toBe(0x80020005);
    locator.ClearSelectors();
    expect(locator.state().selectors).toEqual([]);
  });
});

describe('Session', () => {
  const session = () => wsman.CreateSession('http://server:5985/wsman').value!;

  it('keeps Timeout in the engine and checks it', () => {
    const s = session();
    expect(s.put_Timeout(30000).hr).toBe(0);
    expect(s.get_Timeout().value).toBe(30000);
    expect(s.put_Timeout(0).hr).toBe(0x80338178);
    expect(s.put_Timeout(1.5).hr).toBe(0x80020005);
    expect(s.get_Timeout().value).toBe(30000);
  });

  it('checks BatchItems', () => {
    const s = session();
    expect(s.put_BatchItems(100).hr).toBe(0);
    expect(s.get_BatchItems().value).toBe(100);
    expect(s.put_BatchItems(0).hr).toBe(hresultOf('ERROR_WSMAN_CLIENT_BATCH_ITEMS_TOO_SMALL'));
    expect(s.get_Error().value).toContain(`Code="${hresultOf('ERROR_WSMAN_CLIENT_BATCH_ITEMS_TOO_SMALL')}" Machine="server"`);
  });

  it.each([
    ['Get with flags', (s: Session) => s.Get('wmicimv2/Win32_Service', 1), 'ERROR_WSMAN_CLIENT_INVALID_FLAG'],
    ['Get with a blank URI', (s: Session) => s.Get(''), 'ERROR_WSMAN_CLIENT_BLANK_URI'],
    ['Get with a locator without URI', (s: Session) => s.Get(wsman.CreateResourceLocator().value!), 'ERROR_WSMAN_CLIENT_BLANK_URI'],
    ['Get with a number', (s: Session) => s.Get(42 as never), 'ERROR_WSMAN_CLIENT_INVALID_RESOURCE_LOCATOR'],
    ['Put without XML', (s: Session) => s.Put('winrm/config', ''), 'ERROR_WSMAN_CLIENT_BLANK_INPUT_XML'],
    ['Create without XML', (s: Session) => s.Create('wmicimv2/Win32_Environment', '  '), 'ERROR_WSMAN_CLIENT_BLANK_INPUT_XML'],
    ['Invoke without an action', (s: Session) => s.Invoke('', 'wmicimv2/Win32_Service?Name=x', '<p:X/>'), 'ERROR_WSMAN_CLIENT_BLANK_ACTION_URI'],
    ['Invoke without input', (s: Session) => s.Invoke('StopService', 'wmicimv2/Win32_Service?Name=x', ''), 'ERROR_WSMAN_CLIENT_BLANK_INPUT_XML'],
    ['Delete with flags', (s: Session) => s.Delete('wmicimv2/Win32_Environment', 2), 'ERROR_WSMAN_CLIENT_INVALID_FLAG'],
  ])('refuses %s before anything is sent', async (_case, call, code) => {
    const s = session();
    const result = await call(s);
    expect(result.error?.name).toBe(code);
    expect(result.error?.source).toBe('Session');
    expect(s.get_Error().value).toContain(`Code="${hresultOf(code)}"`);
  });

  it('reports a session whose engine handle was closed, naming its host', async () => {
    const container = createContainer();
    const own = createObjectIn(container, 'WSMan.Automation') as WSMan;
    const s = own.CreateSession('closed-host').value!;
    container.get(WSManClientApi).WSManCloseSession(s.handle, 0);
    const result = await s.Identify();
    expect(result.error?.name).toBe('ERROR_WSMAN_SESSION_ALREADY_CLOSED');
    expect(s.get_Error().value).toContain('Machine="closed-host"');
    expect(s.get_Timeout().hr).toBe(0x80338098);
  });
});

describe('dependency injection seam', () => {
  it('lets a test rebind the engine the automation objects use', () => {
    const calls: string[] = [];
    class RecordingApi extends DefaultWSManClientApi {
      override WSManCreateSession(...args: Parameters<DefaultWSManClientApi['WSManCreateSession']>) {
        calls.push(String(args[1]));
        return super.WSManCreateSession(...args);
      }
    }
    const container: Container = createContainer();
    container.rebind(WSManClientApi).to(RecordingApi).inSingletonScope();
    const own = createObjectIn(container, 'WSMan.Automation') as WSMan;
    own.CreateSession('server-a');
    expect(calls).toEqual(['server-a']);
    expect(container.get(WSManClientApi)).toBeInstanceOf(RecordingApi);
  });
});
