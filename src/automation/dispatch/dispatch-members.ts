/**
 * The dispatch view of an interface, read from the type library once: one entry per DISPID,
 * joining a property's getter and putter, and for each kind the plan of its call — the vtable
 * member (`Name`, `get_Name`, `put_Name`), the VARTYPE of each parameter and of the result.
 */
import type { InterfaceInfo, MemberInfo, ParamInfo, TypeLibrary } from '../typelib/type-library';
import type { DispatchMember, DispatchMemberKind } from './contract';
import { retvalVarType, type VarType, varTypeOf } from './variant-coercion';

export interface ParamPlan {
  readonly info: ParamInfo;
  readonly vt: VarType;
}

export interface CallPlan {
  /** The JavaScript method that implements this kind of the member. */
  readonly vtableName: string;
  /** The [in] parameters, in order. */
  readonly params: readonly ParamPlan[];
  readonly requiredCount: number;
  /** What the [out, retval] parameter delivers; VT_VOID without one. */
  readonly returns: VarType;
}

export interface DispatchEntry extends DispatchMember {
  readonly calls: ReadonlyMap<DispatchMemberKind, CallPlan>;
}

export interface InterfaceMembers {
  readonly info: InterfaceInfo;
  readonly byDispid: ReadonlyMap<number, DispatchEntry>;
  /** Lower-cased name → DISPID: IDispatch names compare without case. */
  readonly dispidByName: ReadonlyMap<string, number>;
}

const VTABLE_PREFIX: Readonly<Record<DispatchMemberKind, string>> = { method: '', propget: 'get_', propput: 'put_', propputref: 'putref_' };

function planOf(declaration: MemberInfo): CallPlan {
  const inParams = declaration.params.filter((p) => p.direction !== 'retval');
  const retval = declaration.params.find((p) => p.direction === 'retval');
  return {
    vtableName: VTABLE_PREFIX[declaration.kind] + declaration.name,
    params: inParams.map((info) => ({ info, vt: varTypeOf(info.type) })),
    requiredCount: inParams.filter((p) => !p.optional).length,
    returns: retval ? retvalVarType(retval.type) : 'VT_VOID',
  };
}

function entryFor(declarations: readonly MemberInfo[]): DispatchEntry {
  const calls = new Map(declarations.map((d) => [d.kind, planOf(d)] as const));
  // What a caller passes: the method's arguments, or the value a putter takes.
  const callable = calls.get('method') ?? calls.get('propput') ?? calls.get('propget')!;
  return {
    name: declarations[0].name,
    dispid: declarations[0].dispid,
    kinds: new Set(calls.keys()),
    params: callable.params.map((p) => p.info),
    minArgs: callable.requiredCount,
    maxArgs: callable.params.length,
    calls,
  };
}

function buildInterfaceMembers(library: TypeLibrary, info: InterfaceInfo): InterfaceMembers {
  const grouped = new Map<number, MemberInfo[]>();
  for (const member of library.allMembers(info.name)) grouped.set(member.dispid, [...(grouped.get(member.dispid) ?? []), member]);
  const byDispid = new Map([...grouped].map(([dispid, declarations]) => [dispid, entryFor(declarations)] as const));
  const dispidByName = new Map([...byDispid.values()].map((entry) => [entry.name.toLowerCase(), entry.dispid] as const));
  return { info, byDispid, dispidByName };
}

const cache = new WeakMap<TypeLibrary, Map<string, InterfaceMembers>>();

/** Built once per interface and shared by every object seen through it. */
export function interfaceMembers(library: TypeLibrary, info: InterfaceInfo): InterfaceMembers {
  let perLibrary = cache.get(library);
  if (!perLibrary) cache.set(library, (perLibrary = new Map()));
  let members = perLibrary.get(info.name);
  if (!members) perLibrary.set(info.name, (members = buildInterfaceMembers(library, info)));
  return members;
}
