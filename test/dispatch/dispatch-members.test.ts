/** Names, DISPIDs and member kinds: only what the type library says, case-insensitive. */
import { dispatchOf, DISPID_UNKNOWN } from '../../src/automation/dispatch';
import type { AutomationObject } from '../../src/automation/interfaces';
import * as api from '../../src/index';
import { loadTypeLibrary } from '../../src/automation/typelib/load-type-library';
import { apiSurface, describeWithSharedReference } from '../helpers/shared-reference';
import { DISP_E_MEMBERNOTFOUND, DISP_E_UNKNOWNNAME, hresultThrownBy, modelObjects, thrownBy } from './dispatch-helpers';

const objects = modelObjects();
const library = loadTypeLibrary();

describe('the dispatch view of each object', () => {
  it('is typed by the most derived interface the object claims', () => {
    expect(Object.fromEntries(Object.entries(objects).map(([name, o]) => [name, dispatchOf(o).typeName]))).toEqual({
      wsman: 'IWSManEx3',
      connectionOptions: 'IWSManConnectionOptionsEx2',
      resourceLocator: 'IWSManResourceLocator',
      session: 'IWSManSession',
      enumerator: 'IWSManEnumerator',
      wsmanInternal: 'IWSManInternal',
    });
  });

  it('is made once per object', () => {
    expect(dispatchOf(objects.session)).toBe(dispatchOf(objects.session));
    expect(dispatchOf(objects.session)).not.toBe(dispatchOf(objects.wsman.CreateSession('http://server:5985/wsman').value!));
  });

  it.each(Object.entries(objects))('%s: every member of the interface chain, one entry per DISPID, equal to the type library', (_name, object) => {
    const dispatch = dispatchOf(object as AutomationObject);
    const declared = library.allMembers(dispatch.typeName);
    expect(new Set(dispatch.members().map((m) => m.dispid))).toEqual(new Set(declared.map((m) => m.dispid)));
    for (const member of declared) {
      expect(dispatch.GetIDsOfNames([member.name])).toEqual([member.dispid]);
      expect(dispatch.describe(member.dispid).kinds.has(member.kind)).toBe(true);
    }
  });

  it('finds names without regard to case', () => {
    const wsman = dispatchOf(objects.wsman);
    expect(wsman.GetIDsOfNames(['createsession'])).toEqual([1]);
    expect(wsman.GetIDsOfNames(['CREATERESOURCELOCATOR'])).toEqual([5]);
    expect(dispatchOf(objects.resourceLocator).GetIDsOfNames(['resourceuri'])).toEqual([1]);
  });

  it('gives parameter names their positions after the member', () => {
    expect(dispatchOf(objects.session).GetIDsOfNames(['Enumerate', 'FLAGS', 'resourceUri'])).toEqual([6, 3, 0]);
  });

  it('refuses unknown names with DISP_E_UNKNOWNNAME (0x80020006), also members winrm.vbs uses that the type library lacks', () => {
    const error = thrownBy(() => dispatchOf(objects.wsman).GetIDsOfNames(['NoSuchMember']));
    expect(error).toMatchObject({ hresult: DISP_E_UNKNOWNNAME, number: -2147352570, description: 'Unknown name.', code: 'DISP_E_UNKNOWNNAME' });
    expect(hresultThrownBy(() => dispatchOf(objects.enumerator).GetIDsOfNames(['Timeout']))).toBe(DISP_E_UNKNOWNNAME);
    expect(hresultThrownBy(() => dispatchOf(objects.connectionOptions).GetIDsOfNames(['Error']))).toBe(DISP_E_UNKNOWNNAME);
    expect(hresultThrownBy(() => dispatchOf(objects.session).GetIDsOfNames(['Get', 'nope']))).toBe(DISP_E_UNKNOWNNAME);
    expect(DISPID_UNKNOWN).toBe(-1);
  });

  it('refuses unknown DISPIDs with DISP_E_MEMBERNOTFOUND (0x80020003)', () => {
    expect(hresultThrownBy(() => dispatchOf(objects.enumerator).describe(3))).toBe(DISP_E_MEMBERNOTFOUND);
  });

  it('describes each kind of member with its parameters and argument counts', () => {
    const describe = (object: AutomationObject, name: string) => {
      const dispatch = dispatchOf(object);
      const member = dispatch.describe(dispatch.GetIDsOfNames([name])[0]);
      return { name: member.name, kinds: [...member.kinds].sort(), params: member.params.map((p) => `${p.type} ${p.name}`), minArgs: member.minArgs, maxArgs: member.maxArgs };
    };
    expect(describe(objects.wsman, 'CreateSession')).toEqual({
      name: 'CreateSession',
      kinds: ['method'],
      params: ['BSTR connection', 'long flags', 'IDispatch* connectionOptions'],
      minArgs: 0,
      maxArgs: 3,
    });
    expect(describe(objects.session, 'Timeout')).toEqual({ name: 'Timeout', kinds: ['propget', 'propput'], params: ['long value'], minArgs: 1, maxArgs: 1 });
    expect(describe(objects.session, 'Error')).toEqual({ name: 'Error', kinds: ['propget'], params: [], minArgs: 0, maxArgs: 0 });
    expect(describe(objects.connectionOptions, 'password')).toEqual({ name: 'Password', kinds: ['propput'], params: ['BSTR password'], minArgs: 1, maxArgs: 1 });
    expect(describe(objects.session, 'Put')).toMatchObject({ minArgs: 2, maxArgs: 3 });
  });
});

describeWithSharedReference('DISPIDs against ../shared/reference/api-surface.json', () => {
  const surface: any[] = apiSurface().interfaces;
  const cases = Object.entries(objects).flatMap(([objectName, object]) =>
    library.chain(dispatchOf(object).typeName).flatMap((iface) =>
      surface.find((i) => i.name === iface.name)!.members.map((m: any) => [objectName, `${iface.name}.${m.name} (${m.kind})`, object, m] as const),
    ),
  );

  it('covers every member of every interface with a dispatch view', () => {
    const covered = new Set(cases.map(([, label]) => label.split('.')[0]));
    expect([...covered].sort()).toEqual(surface.filter((i) => i.members.length > 0).map((i) => i.name).sort());
  });

  it.each(cases)('%s: %s', (_objectName, _label, object, member) => {
    const dispatch = dispatchOf(object);
    const [dispid] = dispatch.GetIDsOfNames([member.name]);
    expect(dispid).toBe(member.dispid);
    expect(dispatch.describe(dispid).kinds.has(member.kind)).toBe(true);
  });
});

it('is part of the package API', () => {
  expect([typeof api.dispatchOf, typeof api.lateBound, typeof api.changeType, api.DISPATCH_METHOD, api.DISPATCH_PROPERTYGET, api.DISPATCH_PROPERTYPUT, api.DISPATCH_PROPERTYPUTREF]).toEqual([
    'function',
    'function',
    'function',
    1,
    2,
    4,
    8,
  ]);
  expect(api.MISSING_ARGUMENT).toBeDefined();
});
