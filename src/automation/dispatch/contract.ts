/**
 * The IDispatch contract: what a late-bound caller (a script engine, a test) sees of an
 * automation object. Member names, DISPIDs and kinds come from the type library only.
 */
import type { ParamInfo } from '../typelib/type-library';

export const DISPATCH_METHOD = 1;
export const DISPATCH_PROPERTYGET = 2;
export const DISPATCH_PROPERTYPUT = 4;
export const DISPATCH_PROPERTYPUTREF = 8;

export const DISPID_UNKNOWN = -1;
/** The default member: `obj(…)` and an object's value. */
export const DISPID_VALUE = 0;
/** `_NewEnum`: Invoke with DISPATCH_METHOD | DISPATCH_PROPERTYGET and no arguments gives a VariantEnumerator. */
export const DISPID_NEWENUM = -4;

/** COM VARIANT values as JavaScript sees them. Empty = undefined, Null = null, VARIANT_BOOL = boolean, objects = automation objects. */
export type Variant = string | number | boolean | null | undefined | object;

/**
 * An argument the caller left out in the middle of a list (VBScript `obj.M(, 5)`): what COM
 * passes as VT_ERROR DISP_E_PARAMNOTFOUND. Optional parameters take their default for it.
 */
export const MISSING_ARGUMENT: object = Object.freeze({ vt: 'VT_ERROR', scode: 0x80020004 });

/**
 * Nothing: an object member's answer of a NULL IDispatch* (VT_DISPATCH without an object —
 * selectSingleNode that found none). `null` stays VBScript's Null (VT_NULL, getAttribute of a
 * missing attribute). A script engine maps it to its own Nothing; JScript sees null.
 */
export const NOTHING: { readonly nothing: true } = Object.freeze({ nothing: true });

export type DispatchMemberKind = 'method' | 'propget' | 'propput' | 'propputref';

/**
 * IEnumVARIANT as a script engine drains it (`For Each`, JScript's `new Enumerator(…)`): what
 * Invoke(DISPID_NEWENUM) returns. One pass over the items as they are when the enumeration
 * started; reset() starts it again.
 */
export interface VariantEnumerator extends IterableIterator<Variant> {
  readonly enumVariant: true;
  reset(): void;
}

export function isVariantEnumerator(value: unknown): value is VariantEnumerator {
  return typeof value === 'object' && value !== null && (value as Partial<VariantEnumerator>).enumVariant === true;
}

export interface DispatchMember {
  readonly name: string;
  readonly dispid: number;
  readonly kinds: ReadonlySet<DispatchMemberKind>;
  /** Of the method or the putter, without the [out, retval] one. */
  readonly params: readonly ParamInfo[];
  readonly minArgs: number;
  readonly maxArgs: number;
}

/** IDispatch over one automation object. */
export interface IDispatch {
  /** The default interface, e.g. "IWSManSession". */
  readonly typeName: string;
  /** Case-insensitive; throws ComError DISP_E_UNKNOWNNAME (0x80020006). */
  GetIDsOfNames(names: readonly string[]): number[];
  /** Throws DISP_E_MEMBERNOTFOUND. */
  describe(dispid: number): DispatchMember;
  members(): readonly DispatchMember[];
  /**
   * args in natural (left-to-right) order, not COM's reversed order. Resolves with the return
   * value (automation objects returned as objects), rejects with a ComError / WSManError
   * carrying hresult, message (description), source and faultXml.
   */
  Invoke(dispid: number, flags: number, args: readonly Variant[]): Promise<Variant>;
}

/** An IDispatch whose Invoke answers at once (a script host's blocking bridge). */
export interface SyncDispatch extends Omit<IDispatch, 'Invoke'> {
  Invoke(dispid: number, flags: number, args: readonly Variant[]): Variant;
}
