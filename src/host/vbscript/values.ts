/**
 * VBScript's VARIANTs and their operators.
 *
 * Representation, chosen so that integer arithmetic stays on plain JavaScript numbers:
 *   Empty = undefined, Null = null, Boolean = boolean, String = string;
 *   a plain number has its "natural" subtype: Integer when integral within 16 bits, Long
 *   within 32 bits, Double otherwise;
 *   a VNum carries any other numeric subtype (a Long or Double whose value looks like a
 *   smaller type, Single, Currency, Date, Byte);
 *   VbArray for arrays, NOTHING for Nothing, and any other object is a SyncDispatch.
 * Conversions between strings and numbers are the IDispatch layer's (variant-number.ts).
 */
import { DISPATCH_METHOD, DISPATCH_PROPERTYGET, NOTHING as CONTRACT_NOTHING, type SyncDispatch } from '../../automation/dispatch/contract';
import { formatVbNumber, parseVariantNumber, roundHalfEven } from '../../automation/dispatch/variant-number';
import { formatGeneralDate, MAX_DATE, MIN_DATE, parseDate } from './dates';
import { E, vbsError } from './errors';

export const enum VT {
  Empty = 0,
  Null = 1,
  Integer = 2,
  Long = 3,
  Single = 4,
  Double = 5,
  Currency = 6,
  Date = 7,
  String = 8,
  Object = 9,
  Error = 10,
  Boolean = 11,
  Variant = 12,
  Byte = 17,
  Array = 8192,
}

/** A number whose subtype is not the one its value would suggest. */
export class VNum {
  constructor(
    readonly vt: VT,
    readonly v: number,
  ) {}
}

/** A VBScript array: `bounds` holds each dimension's upper bound (lower bounds are 0), data row-major by the last index. */
export class VbArray {
  constructor(
    public bounds: number[],
    public data: Value[],
    /** `Dim a(3)` cannot be ReDim'd. */
    readonly fixed: boolean,
  ) {}

  static of(items: Value[]): VbArray {
    return new VbArray([items.length - 1], items, false);
  }

  /** Offset of an element; throws 9 outside the bounds or for a wrong number of indices. */
  offset(indices: readonly number[]): number {
    const { bounds } = this;
    if (indices.length !== bounds.length) throw vbsError(E.SUBSCRIPT);
    let offset = 0;
    for (let d = 0; d < bounds.length; d++) {
      const index = indices[d];
      if (index < 0 || index > bounds[d]) throw vbsError(E.SUBSCRIPT);
      offset = offset * (bounds[d] + 1) + index;
    }
    return offset;
  }
}

/** Nothing: an object variable that refers to no object (the contract's, which host objects answer too). */
export const NOTHING = CONTRACT_NOTHING;

/** An error value (VT_ERROR), e.g. an optional argument left out. */
export class VbErrorValue {
  constructor(readonly scode: number) {}
}

export type Value = undefined | null | boolean | number | string | VNum | VbArray | VbErrorValue | typeof NOTHING | SyncDispatch;

export function isObjectValue(value: Value): value is SyncDispatch {
  return typeof value === 'object' && value !== null && !(value instanceof VNum) && !(value instanceof VbArray) && !(value instanceof VbErrorValue) && value !== NOTHING;
}

/** Objects and Nothing: what `Set` accepts. */
export function isObjectOrNothing(value: Value): boolean {
  return value === NOTHING || isObjectValue(value);
}

// ------------------------------------------------------------------------------------------
// Subtypes

export function naturalVt(n: number): VT {
  if (Number.isInteger(n)) {
    if (n >= -32768 && n <= 32767) return VT.Integer;
    if (n >= -2147483648 && n <= 2147483647) return VT.Long;
  }
  return VT.Double;
}

/** A number of the given subtype, plain where its value already says so. */
export function makeNum(vt: VT, n: number): Value {
  if (vt === VT.Integer) return n;
  if (vt === VT.Long || vt === VT.Double) return naturalVt(n) === vt ? n : new VNum(vt, n);
  return new VNum(vt, n);
}

/** VarType of a value as it is (objects as VT.Object, not their default value). */
export function rawVarType(value: Value): number {
  switch (typeof value) {
    case 'undefined':
      return VT.Empty;
    case 'boolean':
      return VT.Boolean;
    case 'number':
      return naturalVt(value);
    case 'string':
      return VT.String;
    default:
      if (value === null) return VT.Null;
      if (value instanceof VNum) return value.vt;
      if (value instanceof VbArray) return VT.Array | VT.Variant;
      if (value instanceof VbErrorValue) return VT.Error;
      return VT.Object;
  }
}

const TYPE_NAMES: Readonly<Record<number, string>> = {
  [VT.Empty]: 'Empty',
  [VT.Null]: 'Null',
  [VT.Integer]: 'Integer',
  [VT.Long]: 'Long',
  [VT.Single]: 'Single',
  [VT.Double]: 'Double',
  [VT.Currency]: 'Currency',
  [VT.Date]: 'Date',
  [VT.String]: 'String',
  [VT.Error]: 'Error',
  [VT.Boolean]: 'Boolean',
  [VT.Byte]: 'Byte',
  [VT.Array | VT.Variant]: 'Variant()',
};

/** TypeName of a non-object value. */
export function scalarTypeName(value: Value): string {
  return TYPE_NAMES[rawVarType(value)] ?? 'Unknown';
}

// ------------------------------------------------------------------------------------------
// Objects' default values

/** The value of an object's default member (DISPID 0), what VBScript uses where it needs a scalar. */
export function defaultValue(value: Value): Value {
  if (value === NOTHING) throw vbsError(E.OBJECT_NOT_SET);
  if (!isObjectValue(value)) return value;
  let result: Value;
  try {
    result = fromCom(value.Invoke(0, DISPATCH_METHOD | DISPATCH_PROPERTYGET, []));
  } catch (error) {
    throw (error as { number?: number }).number === E.MEMBER_NOT_SUPPORTED ? vbsError(E.MEMBER_NOT_SUPPORTED) : error;
  }
  return isObjectValue(result) ? defaultValue(result) : result;
}

/** A scalar: the default value of an object; arrays are a type mismatch. */
export function scalar(value: Value): Value {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof VNum) return value;
  if (value instanceof VbArray || value instanceof VbErrorValue) throw vbsError(E.TYPE_MISMATCH);
  return defaultValue(value);
}

// ------------------------------------------------------------------------------------------
// The COM boundary

/** A JavaScript value from a COM object, as a VBScript value. */
export function fromCom(value: unknown): Value {
  switch (typeof value) {
    case 'number':
      // Automation integers are VT_I4 (a Long) in the type libraries scripts meet.
      return Number.isInteger(value) && value >= -32768 && value <= 32767 ? new VNum(VT.Long, value) : value;
    case 'string':
    case 'boolean':
    case 'undefined':
      return value;
    case 'bigint':
      return Number(value);
    default:
      if (value === null) return null;
      if (Array.isArray(value)) return VbArray.of(value.map(fromCom));
      if (value instanceof Date) return new VNum(VT.Date, (value.getTime() - value.getTimezoneOffset() * 60_000) / 86_400_000 + 25_569);
      if (typeof value === 'function') return value as unknown as SyncDispatch;
      return value as Value;
  }
}

/** A VBScript value as an argument to a COM object. */
export function toCom(value: Value): unknown {
  // A Date goes as its text: the objects here take no VT_DATE, and WScript.Echo prints it so.
  // A Single goes as the double its 7 digits spell, which prints as VBScript prints the Single.
  if (value instanceof VNum) return value.vt === VT.Date ? formatGeneralDate(value.v) : value.vt === VT.Single ? Number(value.v.toPrecision(7)) : value.v;
  if (value === NOTHING) return null;
  if (value instanceof VbArray) return value.data.map(toCom);
  return value;
}

// ------------------------------------------------------------------------------------------
// Conversions

function parseNumber(text: string): number {
  const parsed = parseVariantNumber(text);
  if (!parsed) throw vbsError(E.TYPE_MISMATCH);
  if (parsed.kind === 'decimal') return parsed.value;
  return parsed.value > 0x7fffffff ? parsed.value | 0 : parsed.value;
}

/** The number a value stands for in arithmetic; Null is "Invalid use of Null". */
export function toNumber(value: Value): number {
  switch (typeof value) {
    case 'number':
      return value;
    case 'undefined':
      return 0;
    case 'boolean':
      return value ? -1 : 0;
    case 'string':
      return parseNumber(value);
    default:
      if (value === null) throw vbsError(E.INVALID_NULL);
      if (value instanceof VNum) return value.v;
      return toNumber(scalar(value));
  }
}

/** Subtype a value takes part in arithmetic as: strings as Double, Boolean and Empty as Integer. */
function arithmeticVt(value: Value): VT {
  switch (typeof value) {
    case 'number':
      return naturalVt(value);
    case 'string':
      return VT.Double;
    case 'boolean':
    case 'undefined':
      return VT.Integer;
    default:
      if (value instanceof VNum) return value.vt;
      return arithmeticVt(scalar(value));
  }
}

export function isNumericString(text: string): boolean {
  return parseVariantNumber(text) !== undefined;
}

function formatSingle(n: number): string {
  if (n === 0) return '0';
  const rounded = Number(n.toPrecision(7));
  const exponent = Math.floor(Math.log10(Math.abs(rounded)));
  if (exponent >= -4 && exponent < 7) return String(rounded);
  return formatVbNumber(rounded);
}

/** CStr's text of a number of the given subtype. */
export function numberText(vt: VT, n: number): string {
  switch (vt) {
    case VT.Single:
      return formatSingle(n);
    case VT.Currency:
      return String(Number(n.toFixed(4)));
    case VT.Date:
      return formatGeneralDate(n);
    case VT.Double:
      return Number.isFinite(n) ? formatVbNumber(n) : n > 0 ? '1.#INF' : n < 0 ? '-1.#INF' : '-1.#IND';
    default:
      return String(n);
  }
}

/** CStr without the Null check: Empty is "", Null has no text (callers decide). */
export function toStr(value: Value): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isInteger(value) && Math.abs(value) < 1e15 ? String(value) : numberText(VT.Double, value);
    case 'undefined':
      return '';
    case 'boolean':
      return value ? 'True' : 'False';
    default:
      if (value === null) throw vbsError(E.INVALID_NULL);
      if (value instanceof VNum) return numberText(value.vt, value.v);
      if (value instanceof VbErrorValue) throw vbsError(E.TYPE_MISMATCH);
      return toStr(scalar(value));
  }
}

export function toBool(value: Value): boolean {
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'number':
      return value !== 0;
    case 'undefined':
      return false;
    case 'string': {
      const word = value.trim().toLowerCase();
      if (word === 'true') return true;
      if (word === 'false') return false;
      return parseNumber(value) !== 0;
    }
    default:
      if (value === null) throw vbsError(E.INVALID_NULL);
      if (value instanceof VNum) return value.v !== 0;
      return toBool(scalar(value));
  }
}

/** The condition of If / Do While: Null counts as False. */
export function truthy(value: Value): boolean {
  if (typeof value === 'boolean') return value;
  if (value === null) return false;
  return toBool(value);
}

export function toIntegerIn(value: Value, min: number, max: number): number {
  const n = toNumber(value);
  if (!Number.isFinite(n)) throw vbsError(E.OVERFLOW);
  const rounded = roundHalfEven(n) + 0;
  if (rounded < min || rounded > max) throw vbsError(E.OVERFLOW);
  return rounded;
}

/** CLng: banker's rounding into 32 bits, error 6 outside. */
export function toLong(value: Value): number {
  return typeof value === 'number' && (value | 0) === value ? value : toIntegerIn(value, -2147483648, 2147483647);
}

/** A Date subtype's serial from any value: numbers as serials, strings as en-US dates. */
export function toDateSerial(value: Value): number {
  const plain = scalar(value);
  if (plain === null) throw vbsError(E.INVALID_NULL);
  if (typeof plain === 'string') {
    const parsed = parseDate(plain);
    if (parsed !== undefined) return parsed;
    const number = parseVariantNumber(plain);
    if (!number) throw vbsError(E.TYPE_MISMATCH);
    return checkDate(number.value);
  }
  return checkDate(toNumber(plain));
}

export function checkDate(serial: number): number {
  if (!(serial >= MIN_DATE && serial <= MAX_DATE + 1)) throw vbsError(E.OVERFLOW);
  return serial;
}

export function dateValue(serial: number): VNum {
  return new VNum(VT.Date, checkDate(serial));
}

// ------------------------------------------------------------------------------------------
// Arithmetic

const INT16_MIN = -32768;
const INT16_MAX = 32767;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const CURRENCY_MAX = 922337203685477.5807;

/** Rank of a numeric subtype in the promotion Byte < Integer < Long < Single < Double. */
function rank(vt: VT): number {
  switch (vt) {
    case VT.Byte:
      return 0;
    case VT.Integer:
      return 1;
    case VT.Long:
      return 2;
    case VT.Single:
      return 3;
    default:
      return 4;
  }
}

const BY_RANK = [VT.Byte, VT.Integer, VT.Long, VT.Single, VT.Double];

/** The subtype of a + - * result before overflow promotion. */
function resultVt(a: VT, b: VT): VT {
  if (a === VT.Date || b === VT.Date) return VT.Date;
  if (a === VT.Currency || b === VT.Currency) {
    const other = a === VT.Currency ? b : a;
    return other === VT.Single || other === VT.Double ? VT.Double : VT.Currency;
  }
  return BY_RANK[Math.max(rank(a), rank(b))];
}

/** A result stored in `vt`, promoted (Byte → Integer → Long → Double, Single → Double) when it does not fit. */
export function fit(vt: VT, n: number): Value {
  switch (vt) {
    case VT.Byte:
      if (n >= 0 && n <= 255) return new VNum(VT.Byte, n);
      return fit(VT.Integer, n);
    case VT.Integer:
      if (n >= INT16_MIN && n <= INT16_MAX) return n;
      return fit(VT.Long, n);
    case VT.Long:
      if (n >= INT32_MIN && n <= INT32_MAX) return n >= INT16_MIN && n <= INT16_MAX ? new VNum(VT.Long, n) : n;
      return fit(VT.Double, n);
    case VT.Single: {
      const single = Math.fround(n);
      return Number.isFinite(single) ? new VNum(VT.Single, single) : fit(VT.Double, n);
    }
    case VT.Currency:
      if (Math.abs(n) > CURRENCY_MAX) throw vbsError(E.OVERFLOW);
      return new VNum(VT.Currency, Math.round(n * 10000) / 10000);
    case VT.Date:
      return dateValue(n);
    default:
      if (!Number.isFinite(n)) throw vbsError(E.OVERFLOW);
      return makeNum(VT.Double, n);
  }
}

function arithmetic(a: Value, b: Value, op: (x: number, y: number) => number): Value {
  const x = scalar(a);
  const y = scalar(b);
  if (x === null || y === null) return null;
  return fit(resultVt(arithmeticVt(x), arithmeticVt(y)), op(toNumber(x), toNumber(y)));
}

const isInt16 = (n: number): boolean => n >= INT16_MIN && n <= INT16_MAX;

/** `+`: the fast path covers two plain integers, the common loop counter case. */
export function add(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isInteger(a) && Number.isInteger(b)) {
      // Two Integers give an Integer (or a Long on overflow); a Long keeps the result a Long.
      if (isInt16(r) && !(isInt16(a) && isInt16(b))) return new VNum(VT.Long, r);
      return r;
    }
    return fit(VT.Double, r);
  }
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  const x = scalar(a);
  const y = scalar(b);
  if (x === null || y === null) return null;
  if (typeof x === 'string' && typeof y === 'string') return x + y;
  if (x === undefined && y !== undefined) return y;
  if (y === undefined && x !== undefined) return x;
  return arithmetic(x, y, (p, q) => p + q);
}

export function subtract(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    if (Number.isInteger(a) && Number.isInteger(b)) {
      if (isInt16(r) && !(isInt16(a) && isInt16(b))) return new VNum(VT.Long, r);
      return r;
    }
    return fit(VT.Double, r);
  }
  const x = scalar(a);
  const y = scalar(b);
  if (x instanceof VNum && y instanceof VNum && x.vt === VT.Date && y.vt === VT.Date) return fit(VT.Double, x.v - y.v);
  return arithmetic(x, y, (p, q) => p - q);
}

export function multiply(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number' && isInt16(a) && isInt16(b) && Number.isInteger(a) && Number.isInteger(b)) return fit(VT.Integer, a * b);
  return arithmetic(a, b, (p, q) => p * q);
}

/** `/`: always a Double (Single for two Singles). */
export function divide(a: Value, b: Value): Value {
  const x = scalar(a);
  const y = scalar(b);
  if (x === null || y === null) return null;
  const divisor = toNumber(y);
  const dividend = toNumber(x);
  if (divisor === 0) throw vbsError(dividend === 0 ? E.OVERFLOW : E.DIVISION_BY_ZERO);
  const vt = arithmeticVt(x) === VT.Single && arithmeticVt(y) === VT.Single ? VT.Single : VT.Double;
  return fit(vt, dividend / divisor);
}

/** Subtype of `\`, Mod and the logical operators: Integer for Integer-sized operands, Long otherwise. */
function integerVt(x: Value, y: Value): VT {
  const a = arithmeticVt(x);
  const b = arithmeticVt(y);
  if (a === VT.Byte && b === VT.Byte) return VT.Byte;
  return rank(a) <= 1 && rank(b) <= 1 ? VT.Integer : VT.Long;
}

export function integerDivide(a: Value, b: Value): Value {
  const x = scalar(a);
  const y = scalar(b);
  if (x === null || y === null) return null;
  const divisor = toLong(y);
  if (divisor === 0) throw vbsError(E.DIVISION_BY_ZERO);
  return fit(integerVt(x, y), Math.trunc(toLong(x) / divisor));
}

export function modulo(a: Value, b: Value): Value {
  const x = scalar(a);
  const y = scalar(b);
  if (x === null || y === null) return null;
  const divisor = toLong(y);
  if (divisor === 0) throw vbsError(E.DIVISION_BY_ZERO);
  return fit(integerVt(x, y), (toLong(x) % divisor) + 0);
}

export function power(a: Value, b: Value): Value {
  const x = scalar(a);
  const y = scalar(b);
  if (x === null || y === null) return null;
  const base = toNumber(x);
  const exponent = toNumber(y);
  if (base < 0 && !Number.isInteger(exponent)) throw vbsError(E.INVALID_CALL);
  return fit(VT.Double, base ** exponent);
}

export function negate(a: Value): Value {
  if (typeof a === 'number') return a === INT16_MIN ? new VNum(VT.Long, 32768) : a === INT32_MIN ? 2147483648 : -a + 0;
  const x = scalar(a);
  if (x === null) return null;
  if (x === undefined) return 0;
  const vt = arithmeticVt(x);
  const n = toNumber(x);
  if (vt === VT.Byte) return fit(VT.Integer, -n);
  return fit(vt, -n + 0);
}

export function concat(a: Value, b: Value): Value {
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  const x = scalar(a);
  const y = scalar(b);
  if (x === null && y === null) return null;
  return (x === null ? '' : toStr(x)) + (y === null ? '' : toStr(y));
}

// ------------------------------------------------------------------------------------------
// Comparison

/** Where a comparison's operand came from: a literal number or string changes how mixed types compare. */
export const enum Origin {
  Expression = 0,
  NumberLiteral = 1,
  StringLiteral = 2,
}

function isNumericLike(value: Value): boolean {
  return typeof value === 'number' || typeof value === 'boolean' || value instanceof VNum;
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function compareStrings(a: string, b: string, textCompare: boolean): number {
  if (textCompare) {
    a = a.toLowerCase();
    b = b.toLowerCase();
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** -1, 0, 1, or null when either side is Null. */
export function compare(a: Value, b: Value, aOrigin: Origin = Origin.Expression, bOrigin: Origin = Origin.Expression, textCompare = false): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const x = scalar(a);
  const y = scalar(b);
  if (x === null || y === null) return null;
  if (typeof x === 'string' && typeof y === 'string') return compareStrings(x, y, textCompare);
  if (x === undefined && y === undefined) return 0;
  if (x === undefined) return typeof y === 'string' ? compareStrings('', y, textCompare) : sign(0 - toNumber(y));
  if (y === undefined) return typeof x === 'string' ? compareStrings(x, '', textCompare) : sign(toNumber(x));
  if (typeof x === 'string' && isNumericLike(y)) {
    if (bOrigin === Origin.NumberLiteral) return sign(toNumber(x) - toNumber(y));
    if (aOrigin === Origin.StringLiteral) return compareStrings(x, toStr(y), textCompare);
    return 1;
  }
  if (typeof y === 'string' && isNumericLike(x)) {
    if (aOrigin === Origin.NumberLiteral) return sign(toNumber(x) - toNumber(y));
    if (bOrigin === Origin.StringLiteral) return compareStrings(toStr(x), y, textCompare);
    return -1;
  }
  const p = toNumber(x);
  const q = toNumber(y);
  return p < q ? -1 : p > q ? 1 : 0;
}

// ------------------------------------------------------------------------------------------
// Logical (bitwise) operators

function logical(a: Value, b: Value, bits: (x: number, y: number) => number, bools: (x: boolean, y: boolean) => boolean, withNull: (other: number) => Value): Value {
  const x = scalar(a);
  const y = scalar(b);
  if (typeof x === 'boolean' && typeof y === 'boolean') return bools(x, y);
  if (x === null && y === null) return null;
  if (x === null || y === null) {
    const other = x === null ? y : x;
    const result = withNull(toLong(other));
    return typeof result === 'number' && (typeof other === 'boolean') ? result !== 0 : result;
  }
  return fit(integerVt(x, y), bits(toLong(x), toLong(y)));
}

export function and(a: Value, b: Value): Value {
  if (typeof a === 'boolean' && typeof b === 'boolean') return a && b;
  return logical(a, b, (x, y) => x & y, (x, y) => x && y, (other) => (other === 0 ? 0 : null));
}

export function or(a: Value, b: Value): Value {
  if (typeof a === 'boolean' && typeof b === 'boolean') return a || b;
  return logical(a, b, (x, y) => x | y, (x, y) => x || y, (other) => (other === -1 ? -1 : null));
}

export function xor(a: Value, b: Value): Value {
  return logical(a, b, (x, y) => x ^ y, (x, y) => x !== y, () => null);
}

export function eqv(a: Value, b: Value): Value {
  return logical(a, b, (x, y) => ~(x ^ y), (x, y) => x === y, () => null);
}

export function imp(a: Value, b: Value): Value {
  const x = scalar(a);
  const y = scalar(b);
  if (x === null && y !== null) return toLong(y) === -1 ? (typeof y === 'boolean' ? true : -1) : null;
  if (y === null && x !== null) return toLong(x) === 0 ? (typeof x === 'boolean' ? true : -1) : null;
  return logical(x, y, (p, q) => ~p | q, (p, q) => !p || q, () => null);
}

export function not(a: Value): Value {
  if (typeof a === 'boolean') return !a;
  const x = scalar(a);
  if (x === null) return null;
  if (typeof x === 'boolean') return !x;
  const vt = arithmeticVt(x);
  if (vt === VT.Byte) return new VNum(VT.Byte, ~toLong(x) & 0xff);
  return fit(rank(vt) <= 1 ? VT.Integer : VT.Long, ~toLong(x));
}
