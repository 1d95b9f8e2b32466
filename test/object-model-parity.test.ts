/** Every member of every interface is implemented by the class that claims it, with the documented values. */
import 'reflect-metadata';
import { createContainer } from '../src/composition-root';
import { createObjectIn } from '../src/automation/create-object';
import { WSManEnumFlags, WSManProxyAccessTypeFlags, WSManProxyAuthenticationFlags, WSManSessionFlags } from '../src/automation/flags';
import type { AutomationObject } from '../src/automation/interfaces';
import { loadTypeLibrary } from '../src/automation/typelib/load-type-library';
import type { MemberInfo } from '../src/automation/typelib/type-library';
import type { WSMan } from '../src/automation/wsman';
import { apiSurface, describeWithSharedReference } from './helpers/shared-reference';

const library = loadTypeLibrary();

function tsMemberName(member: MemberInfo): string {
  return member.kind === 'method' ? member.name : `${member.kind === 'propget' ? 'get' : 'put'}_${member.name}`;
}

function objectsOfTheModel(): AutomationObject[] {
  const container = createContainer();
  const wsman = createObjectIn(container, 'WSMan.Automation') as WSMan;
  const session = wsman.CreateSession('http://server:5985/wsman').value!;
  return [
    wsman,
    wsman.CreateConnectionOptions().value,
    wsman.CreateResourceLocator('').value!,
    session,
    createObjectIn(container, 'WSMan.InternalAutomation'),
  ];
}

describe('object model against the type library', () => {
  const objects = objectsOfTheModel();

  it.each(objects.map((o) => [o.constructor.name, o] as const))('%s implements every member of the interfaces it claims', (_name, object) => {
    for (const iface of object.implementedInterfaces) {
      for (const member of library.allMembers(iface)) {
        expect([iface, tsMemberName(member), typeof (object as any)[tsMemberName(member)]]).toEqual([iface, tsMemberName(member), 'function']);
      }
    }
  });

  it('gives ConnectionOptions no Password getter (write-only in the IDL)', () => {
    const options = objects[1] as any;
    expect(options.get_Password).toBeUndefined();
    expect(typeof options.put_Password).toBe('function');
  });

  it('keeps the TypeScript flag enums equal to the IDL enums', () => {
    const asPairs = (e: object) => Object.entries(e).filter(([, v]) => typeof v === 'number');
    const fromIdl = (name: string) => library.enums.find((e) => e.name === name)!.members.map((m) => [m.name, m.value]);
    expect(asPairs(WSManSessionFlags)).toEqual(fromIdl('WSManSessionFlags'));
    expect(asPairs(WSManEnumFlags)).toEqual(fromIdl('WSManEnumFlags'));
    expect(asPairs(WSManProxyAccessTypeFlags)).toEqual(fromIdl('WSManProxyAccessTypeFlags'));
    expect(asPairs(WSManProxyAuthenticationFlags)).toEqual(fromIdl('WSManProxyAuthenticationFlags'));
  });
});

describeWithSharedReference('flag getters return the documented constants', () => {
  const objects = objectsOfTheModel();
  const byInterface = new Map<string, AutomationObject>();
  for (const o of objects) for (const i of o.implementedInterfaces) byInterface.set(i, o);

  const cases: [string, string, number][] = apiSurface().interfaces.flatMap((i: any) =>
    i.members.filter((m: any) => m.returns_value !== undefined).map((m: any) => [i.name, m.name, Number(m.returns_value)]),
  );

  it('covers all 33 getters (26 on WSMan, 7 on ConnectionOptions)', () => {
    expect(cases).toHaveLength(33);
  });

  it.each(cases)('%s.%s() → { hr: 0, value: %d }', (iface, name, value) => {
    expect((byInterface.get(iface) as any)[name]()).toEqual({ hr: 0, value });
  });
});
