/** Calling a SyncDispatch the way a script engine does: by name, with VBScript's invoke flags. */
import {
  DISPATCH_METHOD,
  DISPATCH_PROPERTYGET,
  DISPATCH_PROPERTYPUT,
  DISPATCH_PROPERTYPUTREF,
  DISPID_NEWENUM,
  DISPID_VALUE,
  isVariantEnumerator,
  type SyncDispatch,
  type Variant,
} from '../../../src/automation/dispatch/contract';

const READ = DISPATCH_METHOD | DISPATCH_PROPERTYGET;

export function dispidOf(object: SyncDispatch, name: string): number {
  return object.GetIDsOfNames([name])[0];
}

/** `object.Name(args…)` or `x = object.Name`. */
export function call(object: SyncDispatch, name: string, ...args: Variant[]): any {
  return object.Invoke(dispidOf(object, name), READ, args);
}

/** `object.Name(index…) = value`. */
export function put(object: SyncDispatch, name: string, ...argsThenValue: Variant[]): void {
  object.Invoke(dispidOf(object, name), DISPATCH_PROPERTYPUT, argsThenValue);
}

export function putRef(object: SyncDispatch, name: string, value: Variant): void {
  object.Invoke(dispidOf(object, name), DISPATCH_PROPERTYPUTREF, [value]);
}

/** `object(args…)`: the default member. */
export function callDefault(object: SyncDispatch, ...args: Variant[]): any {
  return object.Invoke(DISPID_VALUE, READ, args);
}

/** For Each. */
export function forEach(object: SyncDispatch): any[] {
  const enumerator = object.Invoke(DISPID_NEWENUM, READ, []);
  if (!isVariantEnumerator(enumerator)) throw new Error('no IEnumVARIANT');
  return [...enumerator];
}

/** The VBScript error number of a failure: the low word of a facility-0x0A HRESULT, else the signed HRESULT. */
export function errorNumber(body: () => unknown): number {
  try {
    body();
  } catch (error) {
    const { hresult, number } = error as { hresult?: number; number?: number };
    const code = (hresult ?? number ?? 0) >>> 0;
    return code >>> 16 === 0x800a ? code & 0xffff : code | 0;
  }
  throw new Error('expected a failure');
}
