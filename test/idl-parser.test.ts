import { IdlSyntaxError } from '../src/automation/typelib/idl-lexer';
import { parseIdl } from '../src/automation/typelib/idl-parser';

const SAMPLE = `
// a comment
import "oaidl.idl";
/* a block
   comment */
[uuid(11111111-2222-3333-4444-555555555555), version(1.0), helpstring("Sample")]
library Sample
{
    importlib("stdole2.tlb");
    typedef enum _Colors { Red = 0x1, Green, Blue = 8 } Colors;
    interface IThing;
    [object, uuid(aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee), dual, hidden]
    interface IThing : IDispatch
    {
        [id(1), propget] HRESULT Name([out, retval] BSTR* value);
        [id(1), propput] HRESULT Name([in] BSTR value);
        [id(2), helpstring("does \\"it\\"")] HRESULT Do([in, optional, defaultvalue("x")] BSTR a, [in, defaultvalue(-1)] long b, [out, retval] IDispatch** result);
    };
    [uuid(99999999-8888-7777-6666-555555555555), progid("Sample.Thing.1"), vi_progid("Sample.Thing")]
    coclass Thing { [default] interface IThing; };
};
`;

describe('IDL parser', () => {
  const library = parseIdl(SAMPLE);

  it('reads the library, enums with implicit values, and coclasses', () => {
    expect([library.name, library.libid, library.version, library.helpstring]).toEqual(['Sample', '11111111-2222-3333-4444-555555555555', '1.0', 'Sample']);
    expect(library.enums[0].members).toEqual([
      { name: 'Red', value: 1 },
      { name: 'Green', value: 2 },
      { name: 'Blue', value: 8 },
    ]);
    expect(library.coclassByProgId('sample.thing')?.clsid).toBe('99999999-8888-7777-6666-555555555555');
    expect(library.coclassByProgId('Sample.Thing.1')?.defaultInterface).toBe('IThing');
    expect(library.coclassByProgId('Sample.Other')).toBeUndefined();
  });

  it('reads members, kinds, defaults and escaped helpstrings', () => {
    const iface = library.interface('IThing');
    expect([iface.iid, iface.dual, iface.hidden, iface.base]).toEqual(['AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE', true, true, 'IDispatch']);
    expect(iface.members.map((m) => [m.name, m.kind, m.dispid])).toEqual([
      ['Name', 'propget', 1],
      ['Name', 'propput', 1],
      ['Do', 'method', 2],
    ]);
    const doMember = iface.members[2];
    expect(doMember.helpstring).toBe('does "it"');
    expect(doMember.params).toEqual([
      { name: 'a', type: 'BSTR', direction: 'in', optional: true, defaultValue: 'x' },
      { name: 'b', type: 'long', direction: 'in', optional: false, defaultValue: -1 },
      { name: 'result', type: 'IDispatch**', direction: 'retval', optional: false },
    ]);
  });

  it.each([
    ['library X { };', /missing \[uuid/],
    ['[uuid(1-2), version(1.0)] library X { [uuid(3-4)] interface I : IDispatch { HRESULT F(); }; };', /missing \[id/],
    ['[uuid(1-2), version(1.0)] library X { interface I : IDispatch { [id(1)] HRESULT F() }; };', /line 1: expected ';'/],
    ['[uuid(1-2), version(1.0)]\nlibrary X {\n  @ };', /line 3: unexpected '@'/],
    ['[uuid(1-2), version(1.0)] library X { typedef enum E { A = 1 } E;', /unexpected end of file/],
    ['/* open', /unterminated comment/],
    ['import "x.idl";', /no library block/],
  ])('reports %s with a line number', (source, message) => {
    expect(() => parseIdl(source)).toThrow(IdlSyntaxError);
    expect(() => parseIdl(source)).toThrow(message);
  });
});
