/**
 * A script's argument as the type a member takes, through the IDispatch layer's
 * VariantChangeType (one coercion for the library); an object stands for its default value, as
 * COM's VariantChangeType reads it.
 */
import { DISPATCH_METHOD, DISPATCH_PROPERTYGET, DISPID_VALUE, type Variant } from '../../automation/dispatch/contract';
import { changeType } from '../../automation/dispatch/variant-coercion';
import { unwrapLateBound } from '../../automation/dispatch/late-bound-registry';
import { isSyncDispatch } from './host-dispatch';

function scalar(value: Variant): Variant {
  const plain = unwrapLateBound(value);
  return isSyncDispatch(plain) ? plain.Invoke(DISPID_VALUE, DISPATCH_METHOD | DISPATCH_PROPERTYGET, []) : plain;
}

export function toStr(value: Variant): string {
  return changeType(scalar(value), 'VT_BSTR') as string;
}

export function toLong(value: Variant): number {
  return changeType(scalar(value), 'VT_I4') as number;
}

export function toBool(value: Variant): boolean {
  return changeType(scalar(value), 'VT_BOOL') as boolean;
}

/** VT_R8: a number as it is (no rounding). */
export function toNumber(value: Variant): number {
  const plain = scalar(value);
  if (typeof plain === 'number') return plain;
  if (typeof plain === 'string' && plain.trim() !== '' && Number.isFinite(Number(plain))) return Number(plain);
  return changeType(plain, 'VT_I4') as number;
}

/** An optional argument: undefined (left out or Empty) gives the fallback. */
export function optional<T>(value: Variant, convert: (value: Variant) => T, fallback: T): T {
  return value === undefined ? fallback : convert(value);
}
