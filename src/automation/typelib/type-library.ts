/** The type library as data: what idl-parser.ts makes of idl/wsmandisp.idl. */

export type MemberKind = 'method' | 'propget' | 'propput';
export type ParamDirection = 'in' | 'out' | 'retval';

export interface ParamInfo {
  readonly name: string;
  /** The IDL type as written, e.g. `BSTR`, `long*`, `IDispatch**`, `VARIANT`. */
  readonly type: string;
  readonly direction: ParamDirection;
  readonly optional: boolean;
  /** `[defaultvalue(…)]`: a string for BSTR defaults, a number otherwise. */
  readonly defaultValue?: string | number;
}

export interface MemberInfo {
  readonly name: string;
  readonly dispid: number;
  readonly kind: MemberKind;
  readonly helpstring: string;
  /** Every parameter in declaration order, the [out, retval] one included. */
  readonly params: readonly ParamInfo[];
}

export interface InterfaceInfo {
  readonly name: string;
  readonly iid: string;
  readonly base: string;
  readonly attributes: readonly string[];
  readonly dual: boolean;
  readonly hidden: boolean;
  readonly helpstring: string;
  /** Members declared on this interface (not inherited), in vtable order. */
  readonly members: readonly MemberInfo[];
}

export interface EnumMemberInfo {
  readonly name: string;
  readonly value: number;
}

export interface EnumInfo {
  readonly name: string;
  readonly tag: string;
  readonly members: readonly EnumMemberInfo[];
}

export interface CoclassInfo {
  readonly name: string;
  readonly clsid: string;
  readonly progid: string;
  readonly versionIndependentProgid: string;
  readonly threading: string;
  readonly helpstring: string;
  readonly interfaces: readonly string[];
  readonly defaultInterface: string;
}

export class TypeLibrary {
  constructor(
    readonly name: string,
    readonly libid: string,
    readonly version: string,
    readonly lcid: number,
    readonly helpstring: string,
    readonly enums: readonly EnumInfo[],
    readonly interfaces: readonly InterfaceInfo[],
    readonly coclasses: readonly CoclassInfo[],
  ) {}

  interface(name: string): InterfaceInfo {
    const found = this.interfaces.find((i) => i.name === name);
    if (!found) throw new RangeError(`no interface ${name} in ${this.name}`);
    return found;
  }

  /** The interface followed by its bases, most derived first, up to (not including) IDispatch/IUnknown. */
  chain(name: string): InterfaceInfo[] {
    const chain: InterfaceInfo[] = [];
    for (let current: string | undefined = name; current && current !== 'IDispatch' && current !== 'IUnknown'; ) {
      const info = this.interface(current);
      chain.push(info);
      current = info.base;
    }
    return chain;
  }

  /**
   * Of the interfaces an object claims, the most derived one (the longest chain of bases): an
   * object claiming IWSMan … IWSManEx3 is seen through IWSManEx3.
   */
  mostDerived(names: readonly string[]): InterfaceInfo {
    const chains = names.map((name) => this.chain(name)).sort((a, b) => b.length - a.length);
    if (chains.length === 0) throw new RangeError('an object must implement at least one interface');
    return chains[0][0];
  }

  /** Every member an object implementing `name` exposes, inherited ones included. */
  allMembers(name: string): MemberInfo[] {
    return this.chain(name).reverse().flatMap((i) => i.members);
  }

  /** The coclass registered under a ProgID, versioned or not, compared without case like the registry. */
  coclassByProgId(progid: string): CoclassInfo | undefined {
    const key = progid.toLowerCase();
    return this.coclasses.find((c) => c.progid.toLowerCase() === key || c.versionIndependentProgid.toLowerCase() === key);
  }
}
