/**
 * IDispatch over one automation object, driven by the type library: names and DISPIDs, which
 * kinds (method / propget / propput) a DISPID answers to, argument counts, defaults and
 * coercion, and `{ hr, value, error }` turned into a value or a thrown error.
 */
import { type ComResult } from '../../core/hresult';
import { wsmanError, wsmanErrorFromHResult } from '../../core/errors/wsman-error';
import type { AutomationObject } from '../interfaces';
import type { TypeLibrary } from '../typelib/type-library';
import {
  DISPATCH_METHOD,
  DISPATCH_PROPERTYGET,
  DISPATCH_PROPERTYPUT,
  type DispatchMember,
  type DispatchMemberKind,
  type IDispatch,
  MISSING_ARGUMENT,
  type Variant,
} from './contract';
import { type CallPlan, type DispatchEntry, interfaceMembers, type InterfaceMembers, type ParamPlan } from './dispatch-members';
import { changeType, type VarType } from './variant-coercion';

/** The invoke flag each kind answers to; PUT is checked first, since a put is never also a read or a call. */
const KIND_FLAGS: readonly (readonly [DispatchMemberKind, number])[] = [
  ['propput', DISPATCH_PROPERTYPUT],
  ['method', DISPATCH_METHOD],
  ['propget', DISPATCH_PROPERTYGET],
];

function planFor(entry: DispatchEntry, flags: number): CallPlan {
  for (const [kind, flag] of KIND_FLAGS) {
    const plan = entry.calls.get(kind);
    if (plan && (flags & flag) !== 0) return plan;
  }
  throw wsmanError('DISP_E_MEMBERNOTFOUND');
}

/** An optional parameter the caller left out: its [defaultvalue], else Empty; an IDispatch* default of 0 is a null pointer. */
function defaultArgument({ info, vt }: ParamPlan): Variant {
  if (info.defaultValue === undefined) return undefined;
  return vt === 'VT_DISPATCH' ? null : changeType(info.defaultValue, vt);
}

function argumentsFor(plan: CallPlan, args: readonly Variant[]): Variant[] {
  if (args.length > plan.params.length || args.length < plan.requiredCount) throw wsmanError('DISP_E_BADPARAMCOUNT');
  return plan.params.map((param, index) => {
    const arg = index < args.length ? args[index] : MISSING_ARGUMENT;
    if (arg !== MISSING_ARGUMENT) return changeType(arg, param.vt);
    if (!param.info.optional) throw wsmanError('DISP_E_PARAMNOTOPTIONAL');
    return defaultArgument(param);
  });
}

/** The [out, retval] value of a call; a failure becomes the error a caller catches: HRESULT, description, source, WSManFault XML. */
function valueOf(result: ComResult<unknown>, vt: VarType): Variant {
  if (!result.error) return changeType(result.value as Variant, vt);
  const { description, source, faultXml } = result.error;
  throw wsmanErrorFromHResult(result.hr, { message: description, source, faultXml });
}

export class AutomationDispatch implements IDispatch {
  readonly typeName: string;
  readonly #members: InterfaceMembers;
  readonly #memberList: readonly DispatchMember[];

  constructor(
    readonly object: AutomationObject,
    library: TypeLibrary,
  ) {
    this.#members = interfaceMembers(library, library.mostDerived(object.implementedInterfaces));
    this.typeName = this.#members.info.name;
    this.#memberList = [...this.#members.byDispid.values()];
  }

  /** The first name is the member, the others its parameters (their DISPIDs are their positions). */
  GetIDsOfNames(names: readonly string[]): number[] {
    const [memberName, ...paramNames] = names;
    const dispid = typeof memberName === 'string' ? this.#members.dispidByName.get(memberName.toLowerCase()) : undefined;
    if (dispid === undefined) unknownName();
    const params = this.describe(dispid).params.map((p) => p.name.toLowerCase());
    const positionOf = (name: string): number => {
      const position = typeof name === 'string' ? params.indexOf(name.toLowerCase()) : -1;
      return position >= 0 ? position : unknownName();
    };
    return [dispid, ...paramNames.map(positionOf)];
  }

  describe(dispid: number): DispatchMember {
    return this.#entry(dispid);
  }

  members(): readonly DispatchMember[] {
    return this.#memberList;
  }

  async Invoke(dispid: number, flags: number, args: readonly Variant[]): Promise<Variant> {
    return this.invokeNow(dispid, flags, args);
  }

  /**
   * Invoke without the Promise where the member does not need one: argument errors and the
   * failures of synchronous members are thrown at once, and only members that go over the
   * network (Session operations, ReadItem, ConfigSDDL) return a Promise.
   */
  invokeNow(dispid: number, flags: number, args: readonly Variant[]): Variant | Promise<Variant> {
    const plan = planFor(this.#entry(dispid), flags);
    const callArgs = argumentsFor(plan, args);
    const implementation = (this.object as unknown as Record<string, unknown>)[plan.vtableName];
    if (typeof implementation !== 'function') throw wsmanError('DISP_E_MEMBERNOTFOUND');
    const result: unknown = implementation.apply(this.object, callArgs);
    return result instanceof Promise ? result.then((settled) => valueOf(settled as ComResult<unknown>, plan.returns)) : valueOf(result as ComResult<unknown>, plan.returns);
  }

  #entry(dispid: number): DispatchEntry {
    return this.#members.byDispid.get(dispid) ?? unknownMember();
  }
}

function unknownName(): never {
  throw wsmanError('DISP_E_UNKNOWNNAME');
}

function unknownMember(): never {
  throw wsmanError('DISP_E_MEMBERNOTFOUND');
}
