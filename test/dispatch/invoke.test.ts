/** IDispatch::Invoke on the objects that need no network: flags, argument counts, defaults, coercion, errors. */
import {
  dispatchOf,
  DISPATCH_METHOD,
  DISPATCH_PROPERTYGET,
  DISPATCH_PROPERTYPUT,
  DISPATCH_PROPERTYPUTREF,
  lateBound,
  MISSING_ARGUMENT,
  type IDispatch,
  type Variant,
} from '../../src/automation/dispatch';
import { ComError, WinRMError, Win32Error } from '../../src/index';
import { ResourceLocator } from '../../src/automation/resource-locator';
import { Session } from '../../src/automation/session';
import {
  DISP_E_BADPARAMCOUNT,
  DISP_E_MEMBERNOTFOUND,
  DISP_E_OVERFLOW,
  DISP_E_PARAMNOTOPTIONAL,
  DISP_E_TYPEMISMATCH,
  hresultRejectedBy,
  modelObjects,
} from './dispatch-helpers';

const GET_OR_CALL = DISPATCH_METHOD | DISPATCH_PROPERTYGET;

function invoke(dispatch: IDispatch, name: string, flags: number, args: readonly Variant[] = []): Promise<Variant> {
  return dispatch.Invoke(dispatch.GetIDsOfNames([name])[0], flags, args);
}

let objects: ReturnType<typeof modelObjects>;
let wsman: IDispatch;
let session: IDispatch;
let options: IDispatch;
let locator: IDispatch;

beforeEach(() => {
  objects = modelObjects();
  wsman = dispatchOf(objects.wsman);
  session = dispatchOf(objects.session);
  options = dispatchOf(objects.connectionOptions);
  locator = dispatchOf(objects.resourceLocator);
});

describe('member kinds and invoke flags', () => {
  it('calls a method with DISPATCH_METHOD, and with METHOD|PROPERTYGET as VBScript sends for `x = obj.Member`', async () => {
    await expect(invoke(wsman, 'SessionFlagUTF8', DISPATCH_METHOD)).resolves.toBe(1);
    await expect(invoke(wsman, 'sessionflagusessl', GET_OR_CALL)).resolves.toBe(0x8000000);
  });

  it('reads a property with PROPERTYGET and with METHOD|PROPERTYGET', async () => {
    await expect(invoke(session, 'BatchItems', DISPATCH_PROPERTYGET)).resolves.toBe(20);
    await expect(invoke(session, 'Timeout', GET_OR_CALL)).resolves.toBe(60000);
    await expect(invoke(session, 'Error', DISPATCH_PROPERTYGET)).resolves.toBe('');
  });

  it('writes a property with PROPERTYPUT and resolves with Empty', async () => {
    await expect(invoke(session, 'Timeout', DISPATCH_PROPERTYPUT, [30000])).resolves.toBeUndefined();
    expect(objects.session.get_Timeout().value).toBe(30000);
  });

  it('writes the write-only Password, which cannot be read (DISP_E_MEMBERNOTFOUND)', async () => {
    await expect(invoke(options, 'Password', DISPATCH_PROPERTYPUT, ['secret'])).resolves.toBeUndefined();
    expect(await hresultRejectedBy(invoke(options, 'Password', DISPATCH_PROPERTYGET))).toBe(DISP_E_MEMBERNOTFOUND);
    expect(await hresultRejectedBy(invoke(options, 'Password', GET_OR_CALL))).toBe(DISP_E_MEMBERNOTFOUND);
  });

  it('refuses flags the member does not answer to with DISP_E_MEMBERNOTFOUND (0x80020003)', async () => {
    const refused: [IDispatch, string, number, Variant[]][] = [
      [session, 'Error', DISPATCH_PROPERTYPUT, ['<x/>']], // read-only
      [wsman, 'CommandLine', DISPATCH_PROPERTYPUT, ['x']], // read-only
      [wsman, 'SessionFlagUTF8', DISPATCH_PROPERTYPUT, [1]], // a method
      [wsman, 'SessionFlagUTF8', DISPATCH_PROPERTYGET, []], // a method read as a property
      [session, 'BatchItems', DISPATCH_METHOD, []], // a property called as a method
      [session, 'Timeout', DISPATCH_PROPERTYPUTREF, [1]], // no property takes an object
      [session, 'Timeout', 0, []],
    ];
    for (const [dispatch, name, flags, args] of refused) {
      const error = await invoke(dispatch, name, flags, args).catch((e: unknown) => e);
      expect([name, flags, error]).toEqual([name, flags, expect.objectContaining({ hresult: DISP_E_MEMBERNOTFOUND, description: 'Member not found.' })]);
      expect(error).toBeInstanceOf(ComError);
    }
  });

  it('refuses an unknown DISPID with DISP_E_MEMBERNOTFOUND', async () => {
    expect(await hresultRejectedBy(session.Invoke(99, DISPATCH_METHOD, []))).toBe(DISP_E_MEMBERNOTFOUND);
  });

  it('always answers with a Promise, even for a member that needs no network', () => {
    expect(invoke(wsman, 'SessionFlagUTF8', DISPATCH_METHOD)).toBeInstanceOf(Promise);
  });
});

describe('argument counts, defaults and missing arguments', () => {
  it('fills [optional, defaultvalue] parameters: CreateSession() is a session to the local computer', async () => {
    const created = await invoke(wsman, 'CreateSession', DISPATCH_METHOD);
    expect(created).toBeInstanceOf(Session);
    expect((created as Session).implementedInterfaces).toEqual(['IWSManSession']);
  });

  it('fills defaults for trailing arguments left out and for MISSING_ARGUMENT in the middle', async () => {
    await expect(invoke(wsman, 'CreateSession', DISPATCH_METHOD, ['http://server:5985/wsman'])).resolves.toBeInstanceOf(Session);
    await expect(invoke(wsman, 'CreateSession', DISPATCH_METHOD, [MISSING_ARGUMENT, MISSING_ARGUMENT, MISSING_ARGUMENT])).resolves.toBeInstanceOf(Session);
    await expect(invoke(options, 'SetProxy', DISPATCH_METHOD, [MISSING_ARGUMENT, 2])).resolves.toBeUndefined();
    const empty = (await invoke(wsman, 'CreateResourceLocator', DISPATCH_METHOD)) as ResourceLocator;
    expect(empty.get_ResourceURI().value).toBe('');
  });

  it('gives AddOption mustComply its default 0 and passes the VARIANT value as it is (Null = an option without value)', async () => {
    await invoke(locator, 'AddOption', DISPATCH_METHOD, ['WMI_Flag', null]);
    await invoke(locator, 'AddOption', DISPATCH_METHOD, ['Depth', 2, true]);
    expect(objects.resourceLocator.state().options).toEqual([
      { name: 'WMI_Flag', value: null, mustComply: false },
      { name: 'Depth', value: '2', mustComply: true },
    ]);
  });

  it('refuses too many or too few arguments with DISP_E_BADPARAMCOUNT (0x8002000E)', async () => {
    const cases: [IDispatch, string, number, Variant[]][] = [
      [wsman, 'SessionFlagUTF8', DISPATCH_METHOD, [1]],
      [wsman, 'CreateSession', DISPATCH_METHOD, ['', 0, null, 'extra']],
      [wsman, 'GetErrorMessage', DISPATCH_METHOD, []],
      [session, 'Put', DISPATCH_METHOD, ['winrm/config']],
      [session, 'Timeout', DISPATCH_PROPERTYGET, [1]],
      [session, 'Timeout', DISPATCH_PROPERTYPUT, []],
      [session, 'Timeout', DISPATCH_PROPERTYPUT, [1, 2]],
    ];
    for (const [dispatch, name, flags, args] of cases) {
      expect([name, args, await hresultRejectedBy(invoke(dispatch, name, flags, args))]).toEqual([name, args, DISP_E_BADPARAMCOUNT]);
    }
  });

  it('refuses MISSING_ARGUMENT for a parameter that is not optional with DISP_E_PARAMNOTOPTIONAL (0x8002000F)', async () => {
    expect(await hresultRejectedBy(invoke(session, 'Put', DISPATCH_METHOD, ['winrm/config', MISSING_ARGUMENT]))).toBe(DISP_E_PARAMNOTOPTIONAL);
    expect(await hresultRejectedBy(invoke(locator, 'AddOption', DISPATCH_METHOD, ['name', MISSING_ARGUMENT]))).toBe(DISP_E_PARAMNOTOPTIONAL);
    expect(await hresultRejectedBy(invoke(session, 'Timeout', DISPATCH_PROPERTYPUT, [MISSING_ARGUMENT]))).toBe(DISP_E_PARAMNOTOPTIONAL);
  });
});

describe('arguments coerced to the IDL type', () => {
  it('long from numeric text, hex text, fractions (banker’s rounding) and booleans', async () => {
    const timeoutAfter = async (value: Variant) => {
      await invoke(session, 'Timeout', DISPATCH_PROPERTYPUT, [value]);
      return invoke(session, 'Timeout', DISPATCH_PROPERTYGET);
    };
    expect(await timeoutAfter('30000')).toBe(30000);
    expect(await timeoutAfter(' 12 ')).toBe(12);
    expect(await timeoutAfter('&H10')).toBe(16);
    expect(await timeoutAfter(2.5)).toBe(2);
    expect(await timeoutAfter(3.5)).toBe(4);
  });

  it('long refuses Null and objects (DISP_E_TYPEMISMATCH) and values beyond 32 bits (DISP_E_OVERFLOW)', async () => {
    expect(await hresultRejectedBy(invoke(session, 'Timeout', DISPATCH_PROPERTYPUT, [null]))).toBe(DISP_E_TYPEMISMATCH);
    expect(await hresultRejectedBy(invoke(session, 'Timeout', DISPATCH_PROPERTYPUT, [objects.resourceLocator]))).toBe(DISP_E_TYPEMISMATCH);
    expect(await hresultRejectedBy(invoke(session, 'Timeout', DISPATCH_PROPERTYPUT, ['abc']))).toBe(DISP_E_TYPEMISMATCH);
    expect(await hresultRejectedBy(invoke(session, 'Timeout', DISPATCH_PROPERTYPUT, [2 ** 31]))).toBe(DISP_E_OVERFLOW);
  });

  it('BSTR from numbers and booleans, Empty as ""', async () => {
    await invoke(options, 'UserName', DISPATCH_PROPERTYPUT, [1.5]);
    await expect(invoke(options, 'UserName', DISPATCH_PROPERTYGET)).resolves.toBe('1.5');
    await invoke(options, 'UserName', DISPATCH_PROPERTYPUT, [true]);
    await expect(invoke(options, 'UserName', DISPATCH_PROPERTYGET)).resolves.toBe('True');
    await invoke(options, 'UserName', DISPATCH_PROPERTYPUT, [undefined]);
    await expect(invoke(options, 'UserName', DISPATCH_PROPERTYGET)).resolves.toBe('');
    expect(await hresultRejectedBy(invoke(options, 'UserName', DISPATCH_PROPERTYPUT, [null]))).toBe(DISP_E_TYPEMISMATCH);
  });

  it('Win32 BOOL (a long) from True = -1 and Empty = 0, read back as a number', async () => {
    await invoke(locator, 'MustUnderstandOptions', DISPATCH_PROPERTYPUT, [true]);
    await expect(invoke(locator, 'MustUnderstandOptions', DISPATCH_PROPERTYGET)).resolves.toBe(1);
    await invoke(locator, 'MustUnderstandOptions', DISPATCH_PROPERTYPUT, [undefined]);
    await expect(invoke(locator, 'MustUnderstandOptions', DISPATCH_PROPERTYGET)).resolves.toBe(0);
  });

  it('VARIANT_BOOL results are booleans', async () => {
    await expect(invoke(dispatchOf(objects.enumerator), 'AtEndOfStream', DISPATCH_PROPERTYGET)).resolves.toBe(true);
  });

  it('DWORD takes a negative long as its bit pattern: GetErrorMessage(CLng("&H80338000"))', async () => {
    const text = await invoke(wsman, 'GetErrorMessage', DISPATCH_METHOD, [-2144108544]);
    expect(text).toMatch(/^The WS-Management service cannot process the request\. The service cannot find the resource/);
    await expect(invoke(wsman, 'GetErrorMessage', DISPATCH_METHOD, ['&H80338000'])).resolves.toBe(text);
  });

  it('IDispatch* takes an automation object, its late-bound proxy, or Null/Empty as no object', async () => {
    const connectionOptions = objects.wsman.CreateConnectionOptions().value;
    connectionOptions.put_UserName('alice');
    connectionOptions.put_Password('pw');
    const flags = objects.wsman.SessionFlagCredUsernamePassword().value | objects.wsman.SessionFlagUseBasic().value;
    for (const given of [connectionOptions, lateBound(connectionOptions)]) {
      await expect(invoke(wsman, 'CreateSession', DISPATCH_METHOD, ['http://server:5985/wsman', flags, given])).resolves.toBeInstanceOf(Session);
    }
    await expect(invoke(wsman, 'CreateSession', DISPATCH_METHOD, ['http://server:5985/wsman', 0, null])).resolves.toBeInstanceOf(Session);
    expect(await hresultRejectedBy(invoke(wsman, 'CreateSession', DISPATCH_METHOD, ['http://server:5985/wsman', 0, 'options']))).toBe(DISP_E_TYPEMISMATCH);
  });
});

describe("a member's own failure passes through", () => {
  it('with its HRESULT, description, source and WSManFault XML: CreateResourceLocator with a bad query string', async () => {
    const error = await invoke(wsman, 'CreateResourceLocator', DISPATCH_METHOD, ['wmicimv2/Win32_Service?Name']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WinRMError);
    expect(error).toMatchObject({ hresult: 0x8033807a, number: 0x8033807a | 0, code: 'ERROR_WSMAN_URI_QUERY_STRING_SYNTAX_ERROR', source: 'WSMan' });
    const { description, message, faultXml } = error as WinRMError;
    expect(description).toBe(message);
    expect(description).toMatch(/query string/i);
    expect(faultXml).toContain(`Code="${0x8033807a}"`);
    expect(objects.wsman.get_Error().value).toBe(faultXml);
  });

  it('for an object of the wrong kind: CreateSession with a ResourceLocator as connection options → E_INVALIDARG', async () => {
    const error = await invoke(wsman, 'CreateSession', DISPATCH_METHOD, ['', 0, objects.resourceLocator]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Win32Error);
    expect(error).toMatchObject({ hresult: 0x80070057, source: 'WSMan' });
  });

  it('for a member that goes over the network: ConfigSDDL without a session', async () => {
    const internal = dispatchOf(objects.wsmanInternal);
    const error = await invoke(internal, 'ConfigSDDL', DISPATCH_METHOD, [null, 'winrm/config']).catch((e: unknown) => e);
    expect(error).toMatchObject({ hresult: 0x80070057, source: 'WSManInternal' });
  });

  it('Session.BatchItems = True (-1) is the member’s own range error, not a coercion error', async () => {
    const error = await invoke(session, 'BatchItems', DISPATCH_PROPERTYPUT, [true]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERROR_WSMAN_CLIENT_BATCH_ITEMS_TOO_SMALL', source: 'Session' });
  });
});
