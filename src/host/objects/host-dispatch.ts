/**
 * The IDispatch of the host's own objects (Scripting.Dictionary, FileSystemObject, WScript.Shell,
 * RegExp, MSXML …), built from a member table: names compare without case, each member has a
 * DISPID, the kinds it answers to (method, propget, propput, propputref) and its argument
 * counts; DISPID_VALUE (0) is the default member and DISPID_NEWENUM (-4) the enumeration a
 * script's For Each drains. IDispatch's own failures are the DISP_E_* codes a script engine words
 * as 438 / 450 / 449; an object's failures are VBScript run-time errors (runtime-errors.ts).
 */
import { wsmanError } from '../../core/errors/wsman-error';
import {
  DISPATCH_METHOD,
  DISPATCH_PROPERTYGET,
  DISPATCH_PROPERTYPUT,
  DISPATCH_PROPERTYPUTREF,
  DISPID_NEWENUM,
  DISPID_VALUE,
  type DispatchMember,
  type DispatchMemberKind,
  MISSING_ARGUMENT,
  type SyncDispatch,
  type Variant,
  type VariantEnumerator,
} from '../../automation/dispatch/contract';
import type { ParamInfo } from '../../automation/typelib/type-library';

export interface HostMember {
  /** A fixed DISPID (DISPID_VALUE for the default member); the others are numbered from 1 in table order. */
  readonly dispid?: number;
  /**
   * The method's parameters, or the property's index parameters (the value a putter takes is
   * not listed): `'name'` required, `'name?'` optional, `'...name'` any number more.
   */
  readonly params?: readonly string[];
  readonly call?: (...args: any[]) => unknown;
  readonly get?: (...args: any[]) => unknown;
  /** Takes the index arguments, then the value (`Item(key) = value` → put(key, value)). */
  readonly put?: (...args: any[]) => void;
  /** `Set obj.Prop = object`; without it a Set assignment goes to put. */
  readonly putRef?: (...args: any[]) => void;
}

export interface HostDispatchSpec {
  /** What TypeName shows: "Dictionary", "IXMLDOMElement", "IWshShell3" … */
  readonly typeName: string;
  /** Keyed by the documented spelling. */
  readonly members: Readonly<Record<string, HostMember>>;
  /** The items For Each walks (DISPID_NEWENUM), read when the enumeration starts. */
  readonly enumerate?: () => Iterable<Variant>;
  /** Runs at every Invoke (the script host stops a script that ignored WScript.Quit here). */
  readonly beforeInvoke?: () => void;
}

interface HostEntry extends DispatchMember {
  readonly member: HostMember;
}

/** IEnumVARIANT over a snapshot taken when the enumeration starts. */
export function variantEnumerator(items: () => Iterable<Variant>): VariantEnumerator {
  let snapshot = [...items()];
  let position = 0;
  const enumerator: VariantEnumerator = {
    enumVariant: true,
    next: () => (position < snapshot.length ? { done: false, value: snapshot[position++] } : { done: true, value: undefined }),
    reset: () => {
      snapshot = [...items()];
      position = 0;
    },
    [Symbol.iterator]: () => enumerator,
  };
  return enumerator;
}

function paramInfo(spelling: string): ParamInfo {
  const rest = spelling.startsWith('...');
  const optional = rest || spelling.endsWith('?');
  const name = spelling.replace(/^\.\.\./, '').replace(/\?$/, '');
  return { name, type: 'VARIANT', direction: 'in', optional };
}

function entryOf(name: string, dispid: number, member: HostMember): HostEntry {
  const spellings = member.params ?? [];
  const kinds = new Set<DispatchMemberKind>();
  if (member.call) kinds.add('method');
  if (member.get) kinds.add('propget');
  if (member.put) kinds.add('propput');
  if (member.putRef) kinds.add('propputref');
  return {
    name,
    dispid,
    kinds,
    params: spellings.map(paramInfo),
    minArgs: spellings.filter((p) => !p.endsWith('?') && !p.startsWith('...')).length,
    maxArgs: spellings.some((p) => p.startsWith('...')) ? Number.POSITIVE_INFINITY : spellings.length,
    member,
  };
}

/** Optional arguments left out in the middle (MISSING_ARGUMENT) arrive as undefined, so JavaScript defaults apply. */
function callArguments(entry: HostEntry, args: readonly Variant[], extra: number): Variant[] {
  const count = args.length - extra;
  if (count < entry.minArgs || count > entry.maxArgs) throw wsmanError('DISP_E_BADPARAMCOUNT');
  return args.map((arg, index) => {
    if (arg !== MISSING_ARGUMENT) return arg;
    if (index < entry.minArgs || index >= count) throw wsmanError('DISP_E_PARAMNOTOPTIONAL');
    return undefined;
  });
}

class HostDispatch implements SyncDispatch {
  readonly typeName: string;
  readonly #byDispid = new Map<number, HostEntry>();
  readonly #byName = new Map<string, HostEntry>();
  readonly #beforeInvoke: () => void;

  constructor(spec: HostDispatchSpec) {
    this.typeName = spec.typeName;
    this.#beforeInvoke = spec.beforeInvoke ?? (() => undefined);
    let next = 1;
    for (const [name, member] of Object.entries(spec.members)) {
      const dispid = member.dispid ?? next++;
      this.#add(entryOf(name, dispid, member));
    }
    const { enumerate } = spec;
    if (enumerate) {
      const newEnum = () => variantEnumerator(enumerate);
      this.#add(entryOf('_NewEnum', DISPID_NEWENUM, { dispid: DISPID_NEWENUM, call: newEnum, get: newEnum }));
    }
  }

  #add(entry: HostEntry): void {
    if (this.#byDispid.has(entry.dispid)) throw new RangeError(`${this.typeName}: DISPID ${entry.dispid} given twice`);
    this.#byDispid.set(entry.dispid, entry);
    if (entry.name !== '') this.#byName.set(entry.name.toLowerCase(), entry);
  }

  GetIDsOfNames(names: readonly string[]): number[] {
    const [memberName, ...paramNames] = names;
    const entry = typeof memberName === 'string' ? this.#byName.get(memberName.toLowerCase()) : undefined;
    if (!entry) throw wsmanError('DISP_E_UNKNOWNNAME');
    const params = entry.params.map((p) => p.name.toLowerCase());
    return [
      entry.dispid,
      ...paramNames.map((name) => {
        const position = params.indexOf(String(name).toLowerCase());
        if (position < 0) throw wsmanError('DISP_E_UNKNOWNNAME');
        return position;
      }),
    ];
  }

  describe(dispid: number): DispatchMember {
    return this.#entry(dispid);
  }

  members(): readonly DispatchMember[] {
    return [...this.#byDispid.values()];
  }

  Invoke(dispid: number, flags: number, args: readonly Variant[]): Variant {
    this.#beforeInvoke();
    const entry = this.#entry(dispid);
    const { member } = entry;
    if (flags & (DISPATCH_PROPERTYPUT | DISPATCH_PROPERTYPUTREF)) {
      const putter = (flags & DISPATCH_PROPERTYPUTREF && member.putRef) || member.put || member.putRef;
      if (!putter) throw wsmanError('DISP_E_MEMBERNOTFOUND');
      putter(...callArguments(entry, args, 1));
      return undefined;
    }
    // A read of a method (`x = obj.Method`) is its call without arguments, as VBScript makes it.
    const reader = (flags & DISPATCH_METHOD && member.call) || ((flags & (DISPATCH_METHOD | DISPATCH_PROPERTYGET)) !== 0 && (member.get ?? member.call));
    if (!reader) throw wsmanError('DISP_E_MEMBERNOTFOUND');
    if (reader === member.get && args.length > entry.maxArgs) return this.#readThenIndex(entry, args);
    return reader(...callArguments(entry, args, 0)) as Variant;
  }

  /**
   * More arguments than the property takes go to the default member of the object it returns,
   * as ITypeInfo::Invoke does: `m.SubMatches(0)`, `WScript.Arguments.Named("x")`.
   */
  #readThenIndex(entry: HostEntry, args: readonly Variant[]): Variant {
    const own = args.slice(0, entry.maxArgs);
    const value = entry.member.get!(...callArguments(entry, own, 0)) as Variant;
    if (!isSyncDispatch(value)) throw wsmanError('DISP_E_BADPARAMCOUNT');
    return value.Invoke(DISPID_VALUE, DISPATCH_METHOD | DISPATCH_PROPERTYGET, args.slice(entry.maxArgs));
  }

  #entry(dispid: number): HostEntry {
    const entry = this.#byDispid.get(dispid);
    if (!entry) throw wsmanError('DISP_E_MEMBERNOTFOUND');
    return entry;
  }
}

export function hostDispatch(spec: HostDispatchSpec): SyncDispatch {
  return new HostDispatch(spec);
}

export function isSyncDispatch(value: unknown): value is SyncDispatch {
  return typeof value === 'object' && value !== null && typeof (value as SyncDispatch).GetIDsOfNames === 'function' && typeof (value as SyncDispatch).Invoke === 'function';
}
