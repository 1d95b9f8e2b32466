/** The C API session engine: WSManInitialize … WSManGetErrorMessage and the session option rules. */
import { DefaultWSManClientApi, type WSMAN_SESSION_HANDLE } from '../src/core/capi/client-api';
import {
  dwordData,
  textData,
  WSManAuthenticationFlags as Auth,
  WSManDataType,
  WSManProxyAccessType as Access,
  WSManSessionOption as O,
  type WSMAN_AUTHENTICATION_CREDENTIALS,
  type WSMAN_PROXY_INFO,
} from '../src/core/capi/constants';
import { hresultOf } from '../src/core/errors/error-table';

const api = new DefaultWSManClientApi();
const handle = api.WSManInitialize(0).value!;

function session(connection = 'server', credentials?: WSMAN_AUTHENTICATION_CREDENTIALS, proxy?: WSMAN_PROXY_INFO): WSMAN_SESSION_HANDLE {
  const result = api.WSManCreateSession(handle, connection, 0, credentials, proxy);
  if (result.error) throw new Error(result.error.name);
  return result.value;
}

const createError = (connection: string, credentials?: WSMAN_AUTHENTICATION_CREDENTIALS, proxy?: WSMAN_PROXY_INFO) =>
  api.WSManCreateSession(handle, connection, 0, credentials, proxy).error?.name;
const user = (authenticationMechanism: number, username = 'u', password = 'p') => ({ authenticationMechanism, userAccount: { username, password } });

describe('WSManInitialize / WSManDeinitialize', () => {
  it('accepts the two API versions only', () => {
    expect(api.WSManInitialize(0).hr).toBe(0);
    expect(api.WSManInitialize(1).hr).toBe(0);
    expect(api.WSManInitialize(2).hr).toBe(hresultOf('ERROR_WSMAN_CLIENT_INVALID_INIT_APPLICATION_FLAG'));
  });

  it('closes every session and kills the handle', () => {
    const own = api.WSManInitialize(0).value!;
    const s = api.WSManCreateSession(own, 'server', 0).value!;
    expect(api.WSManDeinitialize(own, 1).hr).toBe(hresultOf('ERROR_WSMAN_CLIENT_INVALID_DEINIT_APPLICATION_FLAG'));
    expect(api.WSManDeinitialize(own, 0).hr).toBe(0);
    expect(api.WSManGetSessionOptionAsDword(s, O.WSMAN_OPTION_USE_SSL).hr).toBe(hresultOf('ERROR_WSMAN_SESSION_ALREADY_CLOSED'));
    expect(api.WSManCreateSession(own, 'server', 0).hr).toBe(hresultOf('ERROR_INVALID_HANDLE'));
    expect(api.WSManDeinitialize(own, 0).hr).toBe(hresultOf('ERROR_INVALID_HANDLE'));
    expect(api.WSManDeinitialize(null, 0).hr).toBe(hresultOf('ERROR_WSMAN_CLIENT_NO_HANDLE'));
  });
});

describe('WSManCreateSession', () => {
  it('checks its own arguments', () => {
    expect(api.WSManCreateSession(null, 'server', 0).hr).toBe(hresultOf('ERROR_WSMAN_CLIENT_CREATESESSION_NULL_PARAM'));
    expect(api.WSManCreateSession(handle, 'server', 1).hr).toBe(hresultOf('ERROR_WSMAN_CLIENT_INVALID_FLAG'));
    expect(api.WSManCreateSession(handle, 'gopher://server', 0).hr).toBe(hresultOf('ERROR_WSMAN_TRANSPORT_NOT_SUPPORTED'));
    expect(api.WSManCreateSession({} as never, 'server', 0).hr).toBe(hresultOf('ERROR_INVALID_HANDLE'));
  });

  it('targets the local computer for a null connection and refuses credentials there', () => {
    expect(api.WSManCreateSession(handle, null, 0).hr).toBe(0);
    expect(createError('', user(Auth.WSMAN_FLAG_AUTH_NEGOTIATE))).toBe('ERROR_WSMAN_CLIENT_LOCAL_INVALID_CREDS');
    expect(createError('', undefined, { accessType: Access.WSMAN_OPTION_PROXY_NO_PROXY_SERVER })).toBe('ERROR_WSMAN_CLIENT_LOCAL_INVALID_CONNECTION_OPTIONS');
  });

  it.each([
    ['several mechanisms', { authenticationMechanism: Auth.WSMAN_FLAG_AUTH_BASIC | Auth.WSMAN_FLAG_AUTH_NEGOTIATE }, 'ERROR_WSMAN_CLIENT_MULTIPLE_AUTH_FLAGS'],
    ['an unknown mechanism', { authenticationMechanism: 0x40 }, 'ERROR_WSMAN_CLIENT_INVALID_FLAG'],
    ['credentials with no authentication', user(Auth.WSMAN_FLAG_NO_AUTHENTICATION), 'ERROR_WSMAN_CREDS_PASSED_WITH_NO_AUTH_FLAG'],
    ['Basic without a password', user(Auth.WSMAN_FLAG_AUTH_BASIC, 'u', ''), 'ERROR_WSMAN_CLIENT_USERNAME_PASSWORD_NEEDED'],
    ['Digest without credentials', { authenticationMechanism: Auth.WSMAN_FLAG_AUTH_DIGEST }, 'ERROR_WSMAN_CLIENT_USERNAME_PASSWORD_NEEDED'],
    ['Negotiate with a user but no password', user(Auth.WSMAN_FLAG_AUTH_NEGOTIATE, 'u', ''), 'ERROR_WSMAN_CLIENT_USERNAME_AND_PASSWORD_NEEDED'],
    ['CredSSP without credentials', { authenticationMechanism: Auth.WSMAN_FLAG_AUTH_CREDSSP }, 'ERROR_WSMAN_CLIENT_USERNAME_AND_PASSWORD_NEEDED'],
    ['a certificate without a thumbprint', { authenticationMechanism: Auth.WSMAN_FLAG_AUTH_CLIENT_CERTIFICATE }, 'ERROR_WSMAN_CLIENT_CERT_NEEDED'],
    ['a certificate with a user name', { ...user(Auth.WSMAN_FLAG_AUTH_CLIENT_CERTIFICATE), certificateThumbprint: 'ab' }, 'ERROR_WSMAN_CLIENT_CERT_UNNEEDED_USERNAME'],
    ['a thumbprint with the default mechanism', { authenticationMechanism: 0, certificateThumbprint: 'ab' }, 'ERROR_WSMAN_CLIENT_CREDENTIALS_FOR_DEFAULT_AUTHENTICATION'],
    ['a thumbprint with Negotiate', { authenticationMechanism: Auth.WSMAN_FLAG_AUTH_NEGOTIATE, certificateThumbprint: 'ab' }, 'ERROR_WSMAN_CLIENT_CERT_UNNEEDED_CREDS'],
  ])('refuses %s', (_case, credentials, code) => {
    expect(createError('server', credentials)).toBe(code);
  });

  it('refuses certificates over an explicit http:// and makes certificate sessions HTTPS', () => {
    const cert = { authenticationMechanism: Auth.WSMAN_FLAG_AUTH_CLIENT_CERTIFICATE, certificateThumbprint: 'ab' };
    expect(createError('http://server', cert)).toBe('ERROR_WSMAN_CANNOT_USE_CERTIFICATES_FOR_HTTP');
    const s = session('server', cert);
    expect(api.sessionOf(s).url).toBe('https://server:5986/wsman');
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_UNENCRYPTED_MESSAGES, dwordData(1)).error?.name).toBe('ERROR_WSMAN_CLIENT_UNENCRYPTED_HTTP_ONLY');
  });

  it.each([
    ['an access type of 0', { accessType: 0 }, 'ERROR_WSMAN_PROXY_ACCESS_TYPE'],
    ['two access types', { accessType: 3 }, 'ERROR_WSMAN_PROXY_ACCESS_TYPE'],
    ['a bad mechanism', { accessType: 2, authenticationCredentials: { authenticationMechanism: Auth.WSMAN_FLAG_AUTH_KERBEROS } }, 'ERROR_WSMAN_PROXY_AUTHENTICATION_INVALID_FLAG'],
    ['two mechanisms', { accessType: 2, authenticationCredentials: { authenticationMechanism: 0xc } }, 'ERROR_WSMAN_CLIENT_MULTIPLE_PROXY_AUTH_FLAGS'],
    ['a user without a password', { accessType: 2, authenticationCredentials: user(Auth.WSMAN_FLAG_AUTH_BASIC, 'u', '') }, 'ERROR_WSMAN_CLIENT_CREDENTIALS_FOR_PROXY_AUTHENTICATION'],
    ['credentials with no proxy server', { accessType: 8, authenticationCredentials: user(Auth.WSMAN_FLAG_AUTH_BASIC) }, 'ERROR_WSMAN_INVALID_OPTION_NO_PROXY_SERVER'],
  ])('refuses a proxy with %s', (_case, proxy, code) => {
    expect(createError('https://server', undefined, proxy as WSMAN_PROXY_INFO)).toBe(code);
  });

  it('refuses a proxy on HTTP, with Kerberos or with CredSSP', () => {
    const proxy = { accessType: Access.WSMAN_OPTION_PROXY_AUTO_DETECT };
    expect(createError('http://server', undefined, proxy)).toBe('ERROR_WSMAN_CANNOT_USE_PROXY_SETTINGS_FOR_HTTP');
    expect(createError('https://server', { authenticationMechanism: Auth.WSMAN_FLAG_AUTH_KERBEROS }, proxy)).toBe('ERROR_WSMAN_CANNOT_USE_PROXY_SETTINGS_FOR_KERBEROS');
    expect(createError('https://server', user(Auth.WSMAN_FLAG_AUTH_CREDSSP), proxy)).toBe('ERROR_WSMAN_CANNOT_USE_PROXY_SETTINGS_FOR_CREDSSP');
    expect(createError('https://server', undefined, proxy)).toBeUndefined();
  });

  it('never puts the password into an error or the session object', () => {
    const s = session('server', user(Auth.WSMAN_FLAG_AUTH_BASIC, 'admin', 'S3cret!pw'));
    const state = api.sessionOf(s);
    expect(JSON.stringify(state)).not.toContain('S3cret!pw');
    expect(require('node:util').inspect(state, { depth: 5 })).not.toContain('S3cret!pw');
    expect(state.password()).toBe('S3cret!pw');
    const failed = api.WSManCreateSession(handle, 'ftp://x', 0, user(Auth.WSMAN_FLAG_AUTH_BASIC, 'admin', 'S3cret!pw'));
    expect(JSON.stringify(failed)).not.toContain('S3cret!pw');
  });
});

describe('WSManSetSessionOption: the seed rule', () => {
  it('fails HTTPS-only options after an HTTP option fixed the transport (the documented example)', () => {
    const s = session();
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_UNENCRYPTED_MESSAGES, dwordData(1)).hr).toBe(0);
    const second = api.WSManSetSessionOption(s, O.WSMAN_OPTION_ALLOW_NEGOTIATE_IMPLICIT_CREDENTIALS, dwordData(1));
    expect(second.hr).toBe(0x803381b0);
    expect(second.error?.description).toMatch(/only valid for HTTPS transport/);
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_USE_SSL, dwordData(1)).hr).toBe(hresultOf('ERROR_WSMAN_INVALID_USESSL_PARAM'));
    expect(api.sessionOf(s).url).toBe('http://server:5985/wsman');
  });

  it('fails the reverse order too', () => {
    const s = session();
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_ALLOW_NEGOTIATE_IMPLICIT_CREDENTIALS, dwordData(1)).hr).toBe(0);
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_UNENCRYPTED_MESSAGES, dwordData(1)).hr).toBe(0x803380d7);
    expect(api.sessionOf(s).url).toBe('https://server:5986/wsman');
    expect(api.WSManGetSessionOptionAsDword(s, O.WSMAN_OPTION_USE_SSL).value).toBe(1);
  });

  it('lets an explicit scheme fix the transport', () => {
    expect(api.WSManSetSessionOption(session('http://server'), O.WSMAN_OPTION_USE_SSL, dwordData(1)).error?.name).toBe('ERROR_WSMAN_INVALID_USESSL_PARAM');
    expect(api.WSManSetSessionOption(session('https://server'), O.WSMAN_OPTION_UNENCRYPTED_MESSAGES, dwordData(1)).error?.name).toBe('ERROR_WSMAN_CLIENT_UNENCRYPTED_HTTP_ONLY');
    expect(api.WSManSetSessionOption(session('https://server'), O.WSMAN_OPTION_USE_SSL, dwordData(0)).error?.name).toBe('ERROR_WSMAN_CLIENT_SETSESSIONOPTION_INVALID_PARAM');
  });

  it('lets USE_SSL fix the transport and move to the HTTPS port', () => {
    const s = session('server');
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_USE_SSL, dwordData(1)).hr).toBe(0);
    expect(api.sessionOf(s).url).toBe('https://server:5986/wsman');
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_UNENCRYPTED_MESSAGES, dwordData(1)).error?.name).toBe('ERROR_WSMAN_CLIENT_UNENCRYPTED_HTTP_ONLY');
  });

  it('does not bind the transport with options that ask for nothing transport-specific', () => {
    const s = session();
    for (const option of [O.WSMAN_OPTION_SKIP_CA_CHECK, O.WSMAN_OPTION_SKIP_CN_CHECK, O.WSMAN_OPTION_SKIP_REVOCATION_CHECK, O.WSMAN_OPTION_UTF16]) {
      expect(api.WSManSetSessionOption(s, option, dwordData(1)).hr).toBe(0);
    }
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_UNENCRYPTED_MESSAGES, dwordData(0)).hr).toBe(0);
    expect(api.sessionOf(s).transportFixed).toBe(false);
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_ALLOW_NEGOTIATE_IMPLICIT_CREDENTIALS, dwordData(1)).hr).toBe(0);
  });
});

describe('WSManSetSessionOption / WSManGetSessionOption*: values and checks', () => {
  it.each([
    [O.WSMAN_OPTION_DEFAULT_OPERATION_TIMEOUTMS, 60000],
    [O.WSMAN_OPTION_TIMEOUTMS_CREATE_SHELL, 60000],
    [O.WSMAN_OPTION_TIMEOUTMS_CLOSE_SHELL, 60000],
    [O.WSMAN_OPTION_MAX_ENVELOPE_SIZE_KB, 500],
    [O.WSMAN_OPTION_SHELL_MAX_DATA_SIZE_PER_MESSAGE_KB, 500],
    [O.WSMAN_OPTION_SKIP_CA_CHECK, 0],
    [O.WSMAN_OPTION_SKIP_CN_CHECK, 0],
    [O.WSMAN_OPTION_UNENCRYPTED_MESSAGES, 0],
    [O.WSMAN_OPTION_UTF16, 0],
    [O.WSMAN_OPTION_ENABLE_SPN_SERVER_PORT, 0],
    [O.WSMAN_OPTION_MACHINE_ID, 0],
    [O.WSMAN_OPTION_SKIP_REVOCATION_CHECK, 0],
    [O.WSMAN_OPTION_ALLOW_NEGOTIATE_IMPLICIT_CREDENTIALS, 0],
    [O.WSMAN_OPTION_USE_SSL, 0],
    [O.WSMAN_OPTION_USE_INTEARACTIVE_TOKEN, 1],
    [O.WSMAN_OPTION_MAX_RETRY_TIME, 0],
  ])('option %d defaults to %d', (option, value) => {
    expect(api.WSManGetSessionOptionAsDword(session(), option)).toEqual({ hr: 0, value });
  });

  it('lets shell timeouts follow the operation timeout until set themselves', () => {
    const s = session();
    api.WSManSetSessionOption(s, O.WSMAN_OPTION_DEFAULT_OPERATION_TIMEOUTMS, dwordData(30000));
    expect(api.WSManGetSessionOptionAsDword(s, O.WSMAN_OPTION_TIMEOUTMS_RUN_SHELL_COMMAND).value).toBe(30000);
    api.WSManSetSessionOption(s, O.WSMAN_OPTION_TIMEOUTMS_RUN_SHELL_COMMAND, dwordData(5000));
    expect(api.WSManGetSessionOptionAsDword(s, O.WSMAN_OPTION_TIMEOUTMS_RUN_SHELL_COMMAND).value).toBe(5000);
    expect(api.WSManGetSessionOptionAsDword(s, O.WSMAN_OPTION_DEFAULT_OPERATION_TIMEOUTMS).value).toBe(30000);
  });

  it('refuses to set the read-only options 11, 29 and 30', () => {
    const s = session();
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_MAX_RETRY_TIME, dwordData(1)).hr).toBe(0x80338178);
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_SHELL_MAX_DATA_SIZE_PER_MESSAGE_KB, dwordData(1)).hr).toBe(0x80338178);
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_REDIRECT_LOCATION, textData('http://x')).hr).toBe(0x80338178);
    expect(api.WSManGetSessionOptionAsString(s, O.WSMAN_OPTION_REDIRECT_LOCATION).hr).toBe(hresultOf('ERROR_WSMAN_REDIRECT_LOCATION_NOT_AVAILABLE'));
  });

  it('checks data types, values and option numbers', () => {
    const s = session();
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_UTF16, textData('1')).hr).toBe(0x80338178);
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_LOCALE, dwordData(1)).hr).toBe(0x80338178);
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_DEFAULT_OPERATION_TIMEOUTMS, dwordData(0)).hr).toBe(0x80338178);
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_DEFAULT_OPERATION_TIMEOUTMS, dwordData(-5)).hr).toBe(0x80338178);
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_DEFAULT_OPERATION_TIMEOUTMS, { type: WSManDataType.WSMAN_DATA_TYPE_BINARY, binary: new Uint8Array(4) }).hr).toBe(0x80338178);
    expect(api.WSManSetSessionOption(s, 2 as O, dwordData(1)).hr).toBe(0x80338178);
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_UTF16, null).hr).toBe(0x80338177);
    expect(api.WSManSetSessionOption(null, O.WSMAN_OPTION_UTF16, dwordData(1)).hr).toBe(0x80338177);
    expect(api.WSManGetSessionOptionAsDword(null, O.WSMAN_OPTION_UTF16).hr).toBe(0x8033819e);
    expect(api.WSManGetSessionOptionAsDword(s, O.WSMAN_OPTION_LOCALE).hr).toBe(0x8033819f);
    expect(api.WSManGetSessionOptionAsDword(s, 27 as O).hr).toBe(0x8033819f);
    expect(api.WSManGetSessionOptionAsString(s, O.WSMAN_OPTION_UTF16).hr).toBe(0x803381a0);
    expect(api.WSManGetSessionOptionAsString(null, O.WSMAN_OPTION_LOCALE).hr).toBe(0x80338179);
  });

  it('takes RFC 3066 locales and refuses others with their own codes', () => {
    const s = session();
    expect(api.WSManGetSessionOptionAsString(s, O.WSMAN_OPTION_LOCALE)).toEqual({ hr: 0, value: 'en-US' });
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_LOCALE, textData('de-DE')).hr).toBe(0);
    expect(api.WSManGetSessionOptionAsString(s, O.WSMAN_OPTION_LOCALE).value).toBe('de-DE');
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_LOCALE, textData('not a locale')).hr).toBe(0x80338194);
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_UI_LANGUAGE, textData('')).hr).toBe(0x80338195);
  });

  it('keeps a closed session dead', () => {
    const s = session();
    expect(api.WSManCloseSession(s, 1).hr).toBe(hresultOf('ERROR_WSMAN_CLIENT_INVALID_FLAG'));
    expect(api.WSManCloseSession(s, 0).hr).toBe(0);
    expect(api.WSManSetSessionOption(s, O.WSMAN_OPTION_UTF16, dwordData(1)).hr).toBe(0x80338098);
    expect(api.WSManCloseSession(s, 0).hr).toBe(0x80338098);
    expect(api.WSManCloseSession(null, 0).hr).toBe(hresultOf('ERROR_WSMAN_CLIENT_NO_HANDLE'));
  });
});

describe('WSManGetErrorMessage', () => {
  it('gives the message-table text for unsigned, signed and plain Win32 numbers', () => {
    const text = api.WSManGetErrorMessage(handle, 0, null, 0x80338012).value!;
    expect(text).toMatch(/^The client cannot connect to the destination specified in the request\.\r\n/);
    expect(api.WSManGetErrorMessage(handle, 0, 'en-US', -2144108526).value).toBe(text);
    expect(api.WSManGetErrorMessage(handle, 0, null, 5).value).toBe('Access is denied.\r\n');
    expect(api.WSManGetErrorMessage(handle, 0, null, 0x80072ee2).value).toBe('The operation timed out\r\n');
  });

  it('fails cleanly for unknown numbers, languages and flags', () => {
    const unknown = api.WSManGetErrorMessage(handle, 0, null, 0x80339999);
    expect(unknown.hr).toBe(0x8007013d);
    expect(unknown.error?.description).toBe('The system cannot find message text for message number 0x80339999 in the message file for System.');
    expect(api.WSManGetErrorMessage(handle, 0, 'fr-FR', 5).hr).toBe(hresultOf('ERROR_RESOURCE_LANG_NOT_FOUND'));
    expect(api.WSManGetErrorMessage(handle, 0, 'no such!', 5).hr).toBe(0x80338197);
    expect(api.WSManGetErrorMessage(handle, 1, null, 5).hr).toBe(0x80338198);
    expect(api.WSManGetErrorMessage(null, 0, null, 5).hr).toBe(0x80338196);
  });
});
