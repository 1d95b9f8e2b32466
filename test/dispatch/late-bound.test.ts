/** The late-bound Proxy: reads, writes and calls by name in any case, over our objects and over foreign IDispatch implementations. */
import { inspect } from 'node:util';
import {
  dispatchOf,
  DISPATCH_METHOD,
  DISPATCH_PROPERTYGET,
  DISPATCH_PROPERTYPUT,
  lateBound,
  type DispatchMember,
  type IDispatch,
  type SyncDispatch,
  type Variant,
} from '../../src/automation/dispatch';
import { WinRMError } from '../../src/index';
import { DISP_E_BADPARAMCOUNT, DISP_E_MEMBERNOTFOUND, DISP_E_UNKNOWNNAME, modelObjects, thrownBy } from './dispatch-helpers';

let objects: ReturnType<typeof modelObjects>;
let wsman: any;

beforeEach(() => {
  objects = modelObjects();
  wsman = lateBound(objects.wsman);
});

describe('over this library’s objects', () => {
  it('reads properties and calls methods with plain values where the member needs no network', () => {
    const session = lateBound(objects.session);
    expect(session.BatchItems).toBe(20);
    expect(session.timeout).toBe(60000);
    expect(wsman.SessionFlagUTF8()).toBe(1);
    expect(wsman.sessionflagusebasic()).toBe(0x40000);
    expect(wsman.SessionFlagUTF8.name).toBe('SessionFlagUTF8');
    expect(wsman.sessionflagutf8).toBe(wsman.SessionFlagUTF8);
  });

  it('writes properties, coercing like Invoke', () => {
    const session = lateBound(objects.session);
    session.Timeout = '30000';
    expect(session.Timeout).toBe(30000);
    session.BATCHITEMS = 7.5;
    expect(objects.session.get_BatchItems().value).toBe(8);
  });

  it('wraps returned objects late-bound again, and takes proxies back as arguments', () => {
    const locator = wsman.CreateResourceLocator('wmicimv2/Win32_Service');
    expect(locator.ResourceURI).toBe('http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service');
    locator.AddSelector('Name', 'WinRM');
    expect(lateBound(locator)).toBe(locator);
    const options = wsman.CreateConnectionOptions();
    options.UserName = 'alice';
    options.Password = 'Secret#1';
    const session = wsman.CreateSession('http://server:5985/wsman', wsman.SessionFlagCredUsernamePassword() | wsman.SessionFlagUseBasic(), options);
    expect(session.BatchItems).toBe(20);
  });

  it('gives one proxy per object', () => {
    expect(lateBound(objects.session)).toBe(lateBound(objects.session));
    expect(lateBound(dispatchOf(objects.session))).toBe(lateBound(objects.session));
  });

  it('lets a method read without a call stand for its result in a primitive context (VBScript `x = wsman.SessionFlagUTF8`)', () => {
    expect(wsman.SessionFlagUTF8 | wsman.SessionFlagUseSsl).toBe(0x8000001);
    expect(`${wsman.SessionFlagNoEncryption}`).toBe(String(0x100000));
    expect(thrownBy(() => `${wsman.GetErrorMessage}`).hresult).toBe(DISP_E_BADPARAMCOUNT);
  });

  it('returns a Promise from members that go over the network (here ReadItem), and refuses them in a primitive context', async () => {
    const enumerator = lateBound(objects.enumerator);
    expect(enumerator.AtEndOfStream).toBe(true);
    const read = enumerator.ReadItem();
    expect(read).toBeInstanceOf(Promise);
    await expect(read).rejects.toMatchObject({ code: 'ERROR_WSMAN_ENUMERATION_CLOSED', source: 'Enumerator' });
    expect(() => `${enumerator.ReadItem}`).toThrow(/ReadItem answers asynchronously/);
  });

  it('throws COM errors with number (signed HRESULT), description and message, synchronously', () => {
    const unknown = thrownBy(() => wsman.NoSuchMember);
    expect(unknown).toMatchObject({ hresult: DISP_E_UNKNOWNNAME, number: -2147352570, description: 'Unknown name.', message: 'Unknown name.' });
    expect(thrownBy(() => (wsman.NoSuchMember = 1)).hresult).toBe(DISP_E_UNKNOWNNAME);
    const options = lateBound(objects.connectionOptions);
    options.Password = 'written';
    expect(thrownBy(() => options.Password)).toMatchObject({ hresult: DISP_E_MEMBERNOTFOUND, number: -2147352573 });
    expect(thrownBy(() => (lateBound(objects.session).Error = '<x/>')).hresult).toBe(DISP_E_MEMBERNOTFOUND);
    expect(thrownBy(() => (wsman.CommandLine = 'x')).hresult).toBe(DISP_E_MEMBERNOTFOUND);
    expect(thrownBy(() => (wsman.SessionFlagUTF8 = 1)).hresult).toBe(DISP_E_MEMBERNOTFOUND);
  });

  it("throws a member's own failure with its HRESULT, description and source", () => {
    const error = thrownBy(() => wsman.CreateResourceLocator('wmicimv2/Win32_Service?Name'));
    expect(error).toBeInstanceOf(WinRMError);
    expect(error).toMatchObject({ hresult: 0x8033807a, number: 0x8033807a | 0, source: 'WSMan' });
    expect(error.description).toBe(error.message);
    expect(wsman.Error).toBe(error.faultXml);
  });

  it('answers `in` by the type library, is no thenable, and inspects as its interface', async () => {
    expect('createsession' in wsman).toBe(true);
    expect('NoSuchMember' in wsman).toBe(false);
    expect(wsman.then).toBeUndefined();
    await expect(Promise.resolve(wsman)).resolves.toBe(wsman);
    expect(inspect(wsman)).toBe('[IWSManEx3]');
  });
});

describe('over a foreign IDispatch', () => {
  /** A minimal synchronous IDispatch, as a script host's blocking bridge would give. */
  function syncDispatch(typeName: string, values: Record<string, Variant>, child?: SyncDispatch): SyncDispatch {
    const names = Object.keys(values);
    const member = (dispid: number): DispatchMember => ({ name: names[dispid], dispid, kinds: new Set(['propget', 'propput']), params: [], minArgs: 0, maxArgs: 1 });
    const twice: DispatchMember = { name: 'Twice', dispid: 100, kinds: new Set(['method']), params: [], minArgs: 1, maxArgs: 1 };
    const childMember: DispatchMember = { name: 'Child', dispid: 101, kinds: new Set(['propget']), params: [], minArgs: 0, maxArgs: 0 };
    return {
      typeName,
      GetIDsOfNames: ([name]) => {
        const lower = name.toLowerCase();
        if (lower === 'twice') return [100];
        if (lower === 'child') return [101];
        const dispid = names.findIndex((n) => n.toLowerCase() === lower);
        if (dispid < 0) throw Object.assign(new Error('Unknown name.'), { hresult: DISP_E_UNKNOWNNAME });
        return [dispid];
      },
      describe: (dispid) => (dispid === 100 ? twice : dispid === 101 ? childMember : member(dispid)),
      members: () => [...names.map((_, i) => member(i)), twice, childMember],
      Invoke: (dispid, flags, args) => {
        if (dispid === 100) return (args[0] as number) * 2;
        if (dispid === 101) return child;
        if (flags & DISPATCH_PROPERTYPUT) values[names[dispid]] = args[0];
        return flags & DISPATCH_PROPERTYGET ? values[names[dispid]] : undefined;
      },
    };
  }

  it('returns what a synchronous Invoke returns, as it is, and wraps dispatch results', () => {
    const inner = syncDispatch('IInner', { Depth: 2 });
    const view = lateBound(syncDispatch('IFake', { Value: 'a' }, inner));
    expect(view.value).toBe('a');
    view.VALUE = 'b';
    expect(view.Value).toBe('b');
    expect(view.Twice(21)).toBe(42);
    expect(view.Child.Depth).toBe(2);
    expect(view.Child).toBe(lateBound(inner));
  });

  it('over an asynchronous IDispatch every read and call is a Promise; assignments still validate at once', async () => {
    const real = dispatchOf(objects.session);
    const asynchronous: IDispatch = {
      typeName: real.typeName,
      GetIDsOfNames: (names) => real.GetIDsOfNames(names),
      describe: (dispid) => real.describe(dispid),
      members: () => real.members(),
      Invoke: (dispid, flags, args) => real.Invoke(dispid, flags, args),
    };
    const view = lateBound(asynchronous);
    await expect(view.BatchItems).resolves.toBe(20);
    view.Timeout = 1234;
    await expect(view.Timeout).resolves.toBe(1234);
    expect(thrownBy(() => (view.Error = 'x')).hresult).toBe(DISP_E_MEMBERNOTFOUND);
    expect(view.Identify).toBeInstanceOf(Function);
  });

  it('is reached through its own Invoke with the flags of each form', () => {
    const calls: [number, number, readonly Variant[]][] = [];
    const real = dispatchOf(objects.wsman);
    const recording: SyncDispatch = {
      typeName: real.typeName,
      GetIDsOfNames: (names) => real.GetIDsOfNames(names),
      describe: (dispid) => real.describe(dispid),
      members: () => real.members(),
      Invoke: (dispid, flags, args) => {
        calls.push([dispid, flags, args]);
        return 0;
      },
    };
    const view = lateBound(recording);
    view.CommandLine;
    view.GetErrorMessage(5);
    expect(calls).toEqual([
      [3, DISPATCH_PROPERTYGET, []],
      [20, DISPATCH_METHOD, [5]],
    ]);
  });
});
