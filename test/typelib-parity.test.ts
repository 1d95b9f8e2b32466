/** The parsed idl/wsmandisp.idl against the facts in ../shared/reference/api-surface.json. */
import 'reflect-metadata';
import { loadTypeLibrary } from '../src/automation/typelib/load-type-library';
import { apiSurface, describeWithSharedReference } from './helpers/shared-reference';

const library = loadTypeLibrary();

function normaliseDefault(value: unknown): unknown {
  return value === undefined || value === null ? undefined : value;
}

describeWithSharedReference('type library parity with api-surface.json', () => {
  const facts = apiSurface();

  it('has the library identity', () => {
    expect(library.name).toBe(facts.typelib.name);
    expect(library.libid).toBe(facts.typelib.libid);
    expect(library.version).toBe(facts.typelib.version);
    expect(library.lcid).toBe(Number(facts.typelib.lcid));
    expect(library.helpstring).toBe(facts.typelib.helpstring);
  });

  it('has exactly the interfaces of the facts, in order', () => {
    expect(library.interfaces.map((i) => i.name)).toEqual(facts.interfaces.map((i: any) => i.name));
  });

  for (const fact of apiSurface().interfaces) {
    describe(fact.name, () => {
      const parsed = library.interface(fact.name);

      it('has the IID, base and attributes', () => {
        expect(parsed.iid).toBe(fact.iid);
        expect(parsed.base).toBe(fact.base);
        expect(parsed.dual).toBe(fact.dual);
        expect(parsed.hidden).toBe(fact.hidden);
        const idlFlags = fact.idl_attributes.filter((a: string) => !a.startsWith('uuid('));
        expect(parsed.attributes.filter((a) => a !== 'uuid' && a !== 'helpstring').sort()).toEqual([...idlFlags].sort());
      });

      it('has every member with its DISPID, kind and parameters', () => {
        const members = parsed.members.map((m) => ({
          name: m.name,
          dispid: m.dispid,
          kind: m.kind,
          params: m.params.map((p) => ({
            name: p.name,
            type: p.type,
            dir: p.direction,
            optional: p.optional,
            default: normaliseDefault(p.defaultValue),
          })),
        }));
        const expected = fact.members.map((m: any) => ({
          name: m.name,
          dispid: m.dispid,
          kind: m.kind,
          params: m.params.map((p: any) => ({
            name: p.name,
            type: p.type,
            dir: p.dir,
            optional: p.optional === true,
            default: normaliseDefault(p.default),
          })),
        }));
        expect(members).toEqual(expected);
      });
    });
  }

  it('has the enumerations with their values', () => {
    const parsed = library.enums.map((e) => ({ name: e.name, tag: e.tag, members: e.members.map((m) => [m.name, m.value]) }));
    const expected = facts.enums.map((e: any) => ({ name: e.name, tag: e.idl_tag, members: e.members.map((m: any) => [m.name, m.decimal]) }));
    expect(parsed).toEqual(expected);
  });

  it('has the coclasses with CLSIDs, ProgIDs and interfaces', () => {
    const parsed = library.coclasses.map((c) => ({
      name: c.name,
      clsid: c.clsid,
      progid: c.versionIndependentProgid,
      versioned: c.progid,
      threading: c.threading,
      interfaces: c.interfaces,
      default: c.defaultInterface,
    }));
    const expected = facts.coclasses.map((c: any) => ({
      name: c.name,
      clsid: c.clsid,
      progid: c.progid,
      versioned: c.progid_versioned,
      threading: c.threading_model.toLowerCase(),
      interfaces: c.interfaces,
      default: c.default_interface,
    }));
    expect(parsed).toEqual(expected);
  });
});
