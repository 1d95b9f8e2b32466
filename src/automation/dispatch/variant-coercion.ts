/**
 * VariantChangeType for the parameter types of the type library: what a script's VARIANT
 * becomes before the member sees it, and what the member's [out, retval] value becomes.
 */
import { wsmanError } from '../../core/errors/wsman-error';
import type { Variant } from './contract';
import { unwrapLateBound } from './late-bound-registry';
import { formatVbNumber, parseVariantNumber, roundHalfEven } from './variant-number';

export type VarType = 'VT_I4' | 'VT_UI4' | 'VT_BSTR' | 'VT_BOOL' | 'VT_VARIANT' | 'VT_DISPATCH' | 'VT_VOID';

/** IDL type → VARTYPE; Win32 BOOL is a VT_I4 in a type library, VARIANT_BOOL is VT_BOOL. */
const VARTYPE_OF_IDL: Readonly<Record<string, VarType>> = {
  long: 'VT_I4',
  BOOL: 'VT_I4',
  DWORD: 'VT_UI4',
  'unsigned long': 'VT_UI4',
  BSTR: 'VT_BSTR',
  VARIANT_BOOL: 'VT_BOOL',
  VARIANT: 'VT_VARIANT',
  'IDispatch*': 'VT_DISPATCH',
};

export function varTypeOf(idlType: string): VarType {
  const vt = VARTYPE_OF_IDL[idlType];
  if (!vt) throw new RangeError(`no VARTYPE for the IDL type ${idlType}`);
  return vt;
}

/** The VARTYPE an [out, retval] pointer (`BSTR*`, `IDispatch**`) delivers. */
export function retvalVarType(idlType: string): VarType {
  return varTypeOf(idlType.replace(/\*$/, ''));
}

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const UINT32_MAX = 0xffffffff;

function typeMismatch(): never {
  throw wsmanError('DISP_E_TYPEMISMATCH');
}

function overflow(): never {
  throw wsmanError('DISP_E_OVERFLOW');
}

/**
 * A scalar as a number before rounding: Empty is 0, True is -1, strings are parsed; `&H…`
 * literals are 32-bit patterns that `fromBits` reads as signed or unsigned.
 */
function numericValue(value: Variant, fromBits: (bits: number) => number): number {
  switch (typeof value) {
    case 'undefined':
      return 0;
    case 'boolean':
      return value ? -1 : 0;
    case 'number':
      return value;
    case 'string': {
      const parsed = parseVariantNumber(value) ?? typeMismatch();
      if (parsed.kind === 'decimal') return parsed.value;
      return parsed.value > UINT32_MAX ? overflow() : fromBits(parsed.value);
    }
    default:
      return typeMismatch();
  }
}

function integerIn(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) overflow();
  const integer = roundHalfEven(value);
  return integer < min || integer > max ? overflow() : integer + 0;
}

function toLong(value: Variant): number {
  return integerIn(numericValue(value, (bits) => bits | 0), INT32_MIN, INT32_MAX);
}

/**
 * VT_UI4 also takes negative longs as their bit pattern: winrm.vbs passes `CLng("&H80338000")`
 * (a negative Long) to GetErrorMessage, and `winrm helpmsg 0x80338000` works on Windows.
 */
function toUnsignedLong(value: Variant): number {
  return integerIn(numericValue(value, (bits) => bits), INT32_MIN, UINT32_MAX) >>> 0;
}

function toBstr(value: Variant): string {
  switch (typeof value) {
    case 'undefined':
      return '';
    case 'string':
      return value;
    case 'boolean':
      return value ? 'True' : 'False';
    case 'number':
      return Number.isFinite(value) ? formatVbNumber(value) : overflow();
    default:
      return typeMismatch();
  }
}

function toVariantBool(value: Variant): boolean {
  switch (typeof value) {
    case 'undefined':
      return false;
    case 'boolean':
      return value;
    case 'number':
      return value !== 0;
    case 'string': {
      const word = value.trim().toLowerCase();
      if (word === 'true' || word === 'false') return word === 'true';
      const parsed = parseVariantNumber(value) ?? typeMismatch();
      return parsed.value !== 0;
    }
    default:
      return typeMismatch();
  }
}

/** Any object is an IDispatch* (the member checks what it needs); Null, Empty and Nothing are a null pointer. */
function toDispatch(value: Variant): object | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'object' ? value : typeMismatch();
}

/** VariantChangeType(value → vt); a late-bound proxy counts as the object behind it. Null only passes as VARIANT or IDispatch*. */
export function changeType(value: Variant, vt: VarType): Variant {
  const plain = unwrapLateBound(value);
  if (plain === null && vt !== 'VT_VARIANT' && vt !== 'VT_DISPATCH') typeMismatch();
  switch (vt) {
    case 'VT_I4':
      return toLong(plain);
    case 'VT_UI4':
      return toUnsignedLong(plain);
    case 'VT_BSTR':
      return toBstr(plain);
    case 'VT_BOOL':
      return toVariantBool(plain);
    case 'VT_DISPATCH':
      return toDispatch(plain);
    case 'VT_VOID':
      return undefined;
    default:
      return plain;
  }
}
