import { errorNamed, findError, formatMessageText, winrmErrorDefinitions } from '../src/core/errors/error-table';
import { buildFaultXml } from '../src/core/errors/fault-xml';
import { ComError, Win32Error, WinRMError, wsmanError, wsmanErrorFromHResult } from '../src/core/errors/wsman-error';
import { FAILED, formatHResult, HRESULT_FROM_WIN32, SUCCEEDED, toSigned, toUnsigned } from '../src/core/hresult';
import { apiSurface, describeWithSharedReference } from './helpers/shared-reference';

describe('HRESULT helpers', () => {
  it('keeps HRESULTs unsigned and shows the signed form scripts see', () => {
    expect(toUnsigned(-2144108526)).toBe(0x80338012);
    expect(toSigned(0x80338012)).toBe(-2144108526);
    expect(formatHResult(-2144108526)).toBe('0x80338012');
  });

  it('tells success from failure by the severity bit only', () => {
    expect(SUCCEEDED(0)).toBe(true);
    expect(SUCCEEDED(1)).toBe(true);
    expect(FAILED(0x80338012)).toBe(true);
    expect(FAILED(-2144108526)).toBe(true);
    expect(SUCCEEDED(0x7fffffff)).toBe(true);
  });

  it('maps Win32 codes into facility 7 and leaves HRESULTs alone', () => {
    expect(HRESULT_FROM_WIN32(5)).toBe(0x80070005);
    expect(HRESULT_FROM_WIN32(1460)).toBe(0x800705b4);
    expect(HRESULT_FROM_WIN32(12002)).toBe(0x80072ee2);
    expect(HRESULT_FROM_WIN32(0)).toBe(0);
    expect(HRESULT_FROM_WIN32(0x80338012)).toBe(0x80338012);
  });
});

describe('error tables', () => {
  it('holds all 511 WinRM codes', () => {
    expect(winrmErrorDefinitions()).toHaveLength(511);
  });

  it.each([
    ['ERROR_WINHTTP_TIMEOUT', 0x80072ee2],
    ['ERROR_WINHTTP_CANNOT_CONNECT', 0x80072efd],
    ['ERROR_WINHTTP_NAME_NOT_RESOLVED', 0x80072ee7],
    ['ERROR_WINHTTP_SECURE_FAILURE', 0x80072f8f],
    ['ERROR_WINHTTP_SECURE_CERT_CN_INVALID', 0x80072f06],
    ['ERROR_WINHTTP_SECURE_INVALID_CA', 0x80072f0d],
    ['E_INVALIDARG', 0x80070057],
    ['E_POINTER', 0x80004003],
    ['E_NOTIMPL', 0x80004001],
    ['E_ACCESSDENIED', 0x80070005],
    ['DISP_E_UNKNOWNNAME', 0x80020006],
    ['DISP_E_MEMBERNOTFOUND', 0x80020003],
    ['DISP_E_BADPARAMCOUNT', 0x8002000e],
    ['DISP_E_TYPEMISMATCH', 0x80020005],
    ['DISP_E_PARAMNOTOPTIONAL', 0x8002000f],
    ['REGDB_E_CLASSNOTREG', 0x80040154],
  ])('%s is 0x%s', (name, hresult) => {
    expect(errorNamed(name).hresult).toBe(hresult);
    expect(findError(hresult)?.name).toBe(name);
  });

  it('formats message-table text: CRLF line breaks, %n hard breaks, a closing CRLF', () => {
    const text = formatMessageText(errorNamed('ERROR_WSMAN_CONFIG_CORRUPTED'));
    expect(text).toBe(
      'The WS-Management configuration is corrupted. Use the following command to restore defaults:\r\n\r\n\r\n' +
        'winrm invoke Restore http://schemas.microsoft.com/wbem/wsman/1/config @{}\r\n\r\n\r\n' +
        'Then add any custom configuration settings.\r\n',
    );
    expect(formatMessageText(errorNamed('E_INVALIDARG'))).toBe('The parameter is incorrect.\r\n');
  });

  it('makes an error of the family its facility says, with a stable code and the signed number', () => {
    const winrm = wsmanError('ERROR_WSMAN_CONNECTIONSTR_INVALID');
    expect(winrm).toBeInstanceOf(WinRMError);
    expect(winrm.code).toBe('ERROR_WSMAN_CONNECTIONSTR_INVALID');
    expect(winrm.hresult).toBe(0x803380d9);
    expect(winrm.number).toBe(toSigned(0x803380d9));
    expect(wsmanError('ERROR_WINHTTP_TIMEOUT')).toBeInstanceOf(Win32Error);
    expect(wsmanError('DISP_E_TYPEMISMATCH')).toBeInstanceOf(ComError);
    // SSPI codes are in the same table, so an HRESULT from an NTLM failure has its text.
    expect(wsmanErrorFromHResult(0x8009030c)).toMatchObject({ code: 'SEC_E_LOGON_DENIED', message: 'The logon attempt failed' });
    const cause = new Error('socket hang up');
    expect(wsmanError('ERROR_WINHTTP_CONNECTION_ERROR', { cause }).cause).toBe(cause);
  });

  it('keeps an unknown code and the fault XML it came with', () => {
    const error = wsmanErrorFromHResult(0x80338fff, { message: 'odd', faultXml: '<f:WSManFault/>' });
    expect(error.hresult).toBe(0x80338fff);
    expect(error.code).toBe('0x80338FFF');
    expect(error.faultXml).toBe('<f:WSManFault/>');
  });

  it('writes WSManFault XML in the documented shape with a decimal Code', () => {
    expect(buildFaultXml({ hresult: 0x803380fa, machine: 'Server1', message: 'a <b> & "c"' })).toBe(
      '<f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" Code="2150859002" Machine="Server1" xml:lang="en-US">' +
        '<f:Message>a &lt;b&gt; &amp; "c"</f:Message></f:WSManFault>',
    );
  });
});

describeWithSharedReference('WinRM error table against wsmerror.h facts', () => {
  const facts = apiSurface().errors;
  it.each(facts.map((e: any) => [e.name, e]) as [string, any][])('%s', (_name, fact) => {
    const definition = findError(fact.unsigned_decimal)!;
    expect(definition.name).toBe(fact.name);
    expect(definition.message).toBe(fact.message);
    expect(toSigned(definition.hresult)).toBe(fact.signed_decimal);
  });
});
