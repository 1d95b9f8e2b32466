/**
 * VBScript 5.8's global functions and vb* constants, en-US locale. Errors raised inside a
 * function carry its name for cscript's message (`Invalid procedure call or argument: 'Mid'`).
 */
import { roundHalfEven } from '../../automation/dispatch/variant-number';
import type { Compiler } from './compiler';
import { combine, dateParts, formatGeneralDate, formatLongDate, formatLongTime, formatShortDate, formatShortTime, fromJsDate, MONTH_NAMES, parseDate, serialDay, serialTime, timeOf, WEEKDAY_NAMES } from './dates';
import { E, VbsError, vbsError } from './errors';
import { getObject } from './get-object';
import { MISSING, VbsInstance, type Frame, type Ref } from './runtime';
import {
  checkDate,
  compare,
  dateValue,
  fit,
  isNumericString,
  isObjectValue,
  makeNum,
  NOTHING,
  rawVarType,
  scalar,
  scalarTypeName,
  toBool,
  toDateSerial,
  toIntegerIn,
  toLong,
  toNumber,
  toStr,
  VbArray,
  VNum,
  VT,
  type Value,
} from './values';

export interface Builtin {
  call(args: readonly Ref[], f: Frame): Value;
}

type Impl = (args: Value[]) => Value;

function builtin(name: string, min: number, max: number, impl: Impl): Builtin {
  return {
    call(refs) {
      if (refs.length < min || refs.length > max) throw vbsError(E.WRONG_ARGUMENTS, name);
      const values = refs.map((r) => (r.v === MISSING ? undefined : r.v));
      try {
        return impl(values);
      } catch (error) {
        if (error instanceof VbsError && error.suffix === undefined && error.position === undefined) error.suffix = name;
        throw error;
      }
    },
  };
}

const invalid = (): never => {
  throw vbsError(E.INVALID_CALL);
};

/** A string argument; Null passes through as the `nullResult` (most string functions return Null for Null). */
function str(value: Value): string {
  return toStr(scalar(value));
}

function long(value: Value): number {
  return toLong(scalar(value));
}

function optionalLong(value: Value, fallback: number): number {
  return value === undefined ? fallback : long(value);
}

function num(value: Value): number {
  return toNumber(scalar(value));
}

function textCompare(value: Value): boolean {
  const mode = optionalLong(value, 0);
  if (mode !== 0 && mode !== 1) invalid();
  return mode === 1;
}

function arrayArg(value: Value): VbArray {
  if (!(value instanceof VbArray)) throw vbsError(E.TYPE_MISMATCH);
  return value;
}

function sameType(value: Value, n: number): Value {
  const vt = rawVarType(value);
  if (vt === VT.String || vt === VT.Boolean || vt === VT.Empty) return fit(vt === VT.String ? VT.Double : VT.Integer, n);
  return fit(vt, n);
}

function indexOfText(haystack: string, needle: string, from: number, text: boolean): number {
  return text ? haystack.toLowerCase().indexOf(needle.toLowerCase(), from) : haystack.indexOf(needle, from);
}

function lastIndexOfText(haystack: string, needle: string, from: number, text: boolean): number {
  return text ? haystack.toLowerCase().lastIndexOf(needle.toLowerCase(), from) : haystack.lastIndexOf(needle, from);
}

function typeName(value: Value): string {
  if (value === NOTHING) return 'Nothing';
  // The object's type information names it: "IWSManSession", "IRegExp2", "Dictionary", a class's name.
  if (isObjectValue(value)) return value instanceof VbsInstance ? value.info.text : value.typeName || 'Object';
  return scalarTypeName(value);
}

function varType(value: Value): number {
  if (isObjectValue(value)) {
    try {
      return rawVarType(scalar(value));
    } catch {
      return VT.Object;
    }
  }
  if (value === NOTHING) return VT.Object;
  return rawVarType(value);
}

// -- formatting ----------------------------------------------------------------------------

function formatNumber(value: number, digits: number, leading: number, parens: number, group: number, suffix = ''): string {
  const places = digits === -1 ? 2 : digits;
  const rounded = Math.abs(value).toFixed(places);
  let [whole, fraction] = rounded.split('.');
  if (group !== 0) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  if (whole === '0' && leading === 0 && places > 0) whole = '';
  const body = (fraction ? `${whole}.${fraction}` : whole) + suffix;
  const negative = value < 0 && Number(rounded) !== 0;
  if (!negative) return body;
  return parens === -1 ? `(${body})` : `-${body}`;
}

function formatArgs(args: Value[]): [number, number, number, number] {
  return [optionalLong(args[1], -1), optionalLong(args[2], -2), optionalLong(args[3], -2), optionalLong(args[4], -2)];
}

// -- dates ---------------------------------------------------------------------------------

function dateArg(value: Value): number {
  return toDateSerial(value);
}

function firstDayOfWeek(value: Value): number {
  const day = optionalLong(value, 1);
  if (day < 0 || day > 7) invalid();
  return day === 0 ? 1 : day;
}

/** 1 … 7 counted from the given first day (1 = Sunday). */
function weekday(serial: number, first: number): number {
  return ((dateParts(serial).weekday + 1 - first + 7) % 7) + 1;
}

function addMonths(serial: number, months: number): number {
  const p = dateParts(serial);
  const total = p.year * 12 + (p.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(2000, month, 0)).getUTCDate();
  const daysInMonth = month === 2 ? (((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0) ? 29 : 28) : last;
  return combine(serialDay(year, month, Math.min(p.day, daysInMonth)), timeOf(serial));
}

function dateAdd(interval: string, n: number, serial: number): number {
  const count = Math.trunc(n);
  switch (interval.toLowerCase()) {
    case 'yyyy':
      return addMonths(serial, count * 12);
    case 'q':
      return addMonths(serial, count * 3);
    case 'm':
      return addMonths(serial, count);
    case 'y':
    case 'd':
    case 'w':
      return serial + count;
    case 'ww':
      return serial + count * 7;
    case 'h':
      return serial + count / 24;
    case 'n':
      return serial + count / 1440;
    case 's':
      return serial + count / 86400;
    default:
      return invalid();
  }
}

function dateDiff(interval: string, a: number, b: number, first: number): number {
  const pa = dateParts(a);
  const pb = dateParts(b);
  const days = (s: number): number => Math.floor(s);
  const seconds = (s: number): number => Math.round(s * 86400);
  switch (interval.toLowerCase()) {
    case 'yyyy':
      return pb.year - pa.year;
    case 'q':
      return pb.year * 4 + Math.floor((pb.month - 1) / 3) - (pa.year * 4 + Math.floor((pa.month - 1) / 3));
    case 'm':
      return pb.year * 12 + pb.month - (pa.year * 12 + pa.month);
    case 'y':
    case 'd':
      return days(b) - days(a);
    case 'w':
      return Math.trunc((days(b) - days(a)) / 7);
    case 'ww': {
      const start = (s: number): number => days(s) - (weekday(s, first) - 1);
      return Math.round((start(b) - start(a)) / 7);
    }
    case 'h':
      return Math.floor(seconds(b) / 3600) - Math.floor(seconds(a) / 3600);
    case 'n':
      return Math.floor(seconds(b) / 60) - Math.floor(seconds(a) / 60);
    case 's':
      return seconds(b) - seconds(a);
    default:
      return invalid();
  }
}

function datePart(interval: string, serial: number, first: number): number {
  const p = dateParts(serial);
  switch (interval.toLowerCase()) {
    case 'yyyy':
      return p.year;
    case 'q':
      return Math.floor((p.month - 1) / 3) + 1;
    case 'm':
      return p.month;
    case 'y':
      return Math.floor(serial) - serialDay(p.year, 1, 1) + 1;
    case 'd':
      return p.day;
    case 'w':
      return weekday(serial, first);
    case 'ww': {
      const jan1 = serialDay(p.year, 1, 1);
      return Math.floor((Math.floor(serial) - jan1 + (weekday(jan1, first) - 1)) / 7) + 1;
    }
    case 'h':
      return p.hour;
    case 'n':
      return p.minute;
    case 's':
      return p.second;
    default:
      return invalid();
  }
}

function twoDigitYear(year: number): number {
  return year >= 0 && year < 30 ? 2000 + year : year >= 30 && year < 100 ? 1900 + year : year;
}

// -- strings -------------------------------------------------------------------------------

const ESCAPE_KEEP = /[A-Za-z0-9@*_+\-./]/;

function escape(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    if (ESCAPE_KEEP.test(c)) out += c;
    else if (code < 256) out += `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += `%u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

function unescape(text: string): string {
  return text.replace(/%u([0-9a-fA-F]{4})|%([0-9a-fA-F]{2})/g, (_, wide: string | undefined, narrow: string | undefined) => String.fromCharCode(parseInt(wide ?? narrow!, 16)));
}

function replace(expression: string, find: string, replacement: string, start: number, count: number, text: boolean): string {
  if (start < 1) invalid();
  if (count < -1) invalid();
  const subject = expression.slice(start - 1);
  if (find === '' || count === 0) return subject;
  let out = '';
  let from = 0;
  let done = 0;
  for (;;) {
    if (count !== -1 && done >= count) break;
    const at = indexOfText(subject, find, from, text);
    if (at < 0) break;
    out += subject.slice(from, at) + replacement;
    from = at + find.length;
    done++;
  }
  return out + subject.slice(from);
}

function split(expression: string, delimiter: string, limit: number, text: boolean): VbArray {
  if (expression === '') return new VbArray([-1], [], false);
  if (delimiter === '') return VbArray.of([expression]);
  const parts: Value[] = [];
  let from = 0;
  for (;;) {
    if (limit !== -1 && parts.length === limit - 1) break;
    const at = indexOfText(expression, delimiter, from, text);
    if (at < 0) break;
    parts.push(expression.slice(from, at));
    from = at + delimiter.length;
  }
  parts.push(expression.slice(from));
  return VbArray.of(parts);
}

function hexOrOct(value: Value, radix: number): Value {
  const v = scalar(value);
  if (v === null) return null;
  if (v === undefined) return '0';
  const n = toLong(v);
  const vt = rawVarType(v);
  const bits = n < 0 && (vt === VT.Integer || vt === VT.Byte || vt === VT.Boolean) ? n & 0xffff : n >>> 0;
  return bits.toString(radix).toUpperCase();
}

let rndState = 0x50000;
let lastRnd = 0;

function nextRnd(): number {
  rndState = (rndState * 0x43fd43fd + 0xc39ec3) & 0xffffff;
  return rndState / 0x1000000;
}

export function builtinFunctions(compiler: Compiler): ReadonlyMap<string, Builtin> {
  const { machine } = compiler;
  const fns = new Map<string, Builtin>();
  const def = (name: string, min: number, max: number, impl: Impl): void => void fns.set(name.toLowerCase(), builtin(name, min, max, impl));
  const nullable = (name: string, min: number, max: number, impl: Impl): void =>
    def(name, min, max, (args) => {
      const first = scalar(args[0]);
      return first === null ? null : impl([first, ...args.slice(1)]);
    });

  // strings
  nullable('Len', 1, 1, ([s]) => makeNum(VT.Long, str(s).length));
  nullable('LenB', 1, 1, ([s]) => makeNum(VT.Long, str(s).length * 2));
  nullable('Left', 2, 2, ([s, n]) => {
    const count = long(n);
    if (count < 0) invalid();
    return str(s).slice(0, count);
  });
  nullable('Right', 2, 2, ([s, n]) => {
    const count = long(n);
    if (count < 0) invalid();
    const text = str(s);
    return count === 0 ? '' : text.slice(Math.max(0, text.length - count));
  });
  nullable('Mid', 2, 3, ([s, start, length]) => {
    const from = long(start);
    if (from < 1) invalid();
    if (length === undefined) return str(s).slice(from - 1);
    const count = long(length);
    if (count < 0) invalid();
    return str(s).substr(from - 1, count);
  });
  def('InStr', 2, 4, (args) => {
    let [start, s1, s2, mode] = [1 as Value, args[0], args[1], args[2]];
    if (args.length >= 3) [start, s1, s2, mode] = args;
    const a = scalar(s1);
    const b = scalar(s2);
    if (scalar(start) === null) throw vbsError(E.INVALID_NULL);
    const from = long(start);
    if (from < 1) invalid();
    if (a === null || b === null) return null;
    const haystack = toStr(a);
    const needle = toStr(b);
    if (from > haystack.length) return makeNum(VT.Long, needle === '' && from === haystack.length + 1 && haystack !== '' ? 0 : 0);
    if (needle === '') return makeNum(VT.Long, from);
    return makeNum(VT.Long, indexOfText(haystack, needle, from - 1, textCompare(mode)) + 1);
  });
  def('InStrRev', 2, 4, ([s1, s2, start, mode]) => {
    const a = scalar(s1);
    const b = scalar(s2);
    if (a === null || b === null) return null;
    const haystack = toStr(a);
    const needle = toStr(b);
    let from = optionalLong(start, -1);
    if (from === 0 || from < -1) invalid();
    if (from === -1) from = haystack.length;
    if (needle === '') return makeNum(VT.Long, from);
    if (from > haystack.length) return makeNum(VT.Long, 0);
    return makeNum(VT.Long, lastIndexOfText(haystack, needle, from - needle.length, textCompare(mode)) + 1);
  });
  nullable('Replace', 3, 6, ([s, find, repl, start, count, mode]) => replace(str(s), str(find), str(repl), optionalLong(start, 1), optionalLong(count, -1), textCompare(mode)));
  def('Split', 1, 4, ([s, delimiter, limit, mode]) => {
    const v = scalar(s);
    if (v === null) return null;
    return split(toStr(v), delimiter === undefined ? ' ' : str(delimiter), optionalLong(limit, -1), textCompare(mode));
  });
  def('Join', 1, 2, ([list, delimiter]) => {
    const array = arrayArg(list);
    if (array.bounds.length !== 1) throw vbsError(E.TYPE_MISMATCH);
    const separator = delimiter === undefined ? ' ' : str(delimiter);
    return array.data.map((v) => (v === null ? '' : toStr(v))).join(separator);
  });
  def('Filter', 2, 4, ([list, value, include, mode]) => {
    const array = arrayArg(list);
    const wanted = str(value);
    const keep = include === undefined ? true : toBool(scalar(include));
    const text = textCompare(mode);
    const items = array.data.filter((v) => (indexOfText(toStr(v), wanted, 0, text) >= 0) === keep);
    return new VbArray([items.length - 1], items, false);
  });
  nullable('LCase', 1, 1, ([s]) => str(s).toLowerCase());
  nullable('UCase', 1, 1, ([s]) => str(s).toUpperCase());
  nullable('Trim', 1, 1, ([s]) => str(s).replace(/^ +| +$/g, ''));
  nullable('LTrim', 1, 1, ([s]) => str(s).replace(/^ +/, ''));
  nullable('RTrim', 1, 1, ([s]) => str(s).replace(/ +$/, ''));
  def('Space', 1, 1, ([n]) => {
    const count = long(n);
    if (count < 0) invalid();
    return ' '.repeat(count);
  });
  def('String', 2, 2, ([n, c]) => {
    const count = long(n);
    if (count < 0) invalid();
    const ch = scalar(c);
    if (ch === null) return null;
    const char = typeof ch === 'string' ? (ch === '' ? invalid() : ch[0]) : String.fromCharCode(toLong(ch) & 0xff);
    return char.repeat(count);
  });
  def('StrComp', 2, 3, ([a, b, mode]) => {
    const x = scalar(a);
    const y = scalar(b);
    if (x === null || y === null) return null;
    return compare(toStr(x), toStr(y), 0, 0, textCompare(mode));
  });
  def('StrReverse', 1, 1, ([s]) => {
    const v = scalar(s);
    if (v === null) throw vbsError(E.INVALID_NULL);
    return [...toStr(v)].reverse().join('');
  });
  const chr = (n: Value, max: number, min: number): string => {
    const v = scalar(n);
    if (v === null) throw vbsError(E.INVALID_NULL);
    const code = toLong(v);
    if (code < min || code > max) invalid();
    return String.fromCharCode(code & 0xffff);
  };
  def('Chr', 1, 1, ([n]) => chr(n, 255, 0));
  def('ChrB', 1, 1, ([n]) => chr(n, 255, 0));
  def('ChrW', 1, 1, ([n]) => chr(n, 65535, -32768));
  const asc = (s: Value): number => {
    const v = scalar(s);
    if (v === null) throw vbsError(E.INVALID_NULL);
    const text = toStr(v);
    if (text === '') invalid();
    return text.charCodeAt(0);
  };
  def('Asc', 1, 1, ([s]) => asc(s));
  def('AscB', 1, 1, ([s]) => asc(s) & 0xff);
  def('AscW', 1, 1, ([s]) => {
    const code = asc(s);
    return code > 32767 ? code - 65536 : code;
  });
  nullable('Escape', 1, 1, ([s]) => escape(str(s)));
  nullable('Unescape', 1, 1, ([s]) => unescape(str(s)));

  // conversions
  const nullChecked = (value: Value): Value => {
    const v = scalar(value);
    if (v === null) throw vbsError(E.INVALID_NULL);
    return v;
  };
  def('CStr', 1, 1, ([v]) => toStr(nullChecked(v)));
  def('CInt', 1, 1, ([v]) => toIntegerIn(nullChecked(v), -32768, 32767));
  def('CLng', 1, 1, ([v]) => makeNum(VT.Long, toIntegerIn(nullChecked(v), -2147483648, 2147483647)));
  def('CByte', 1, 1, ([v]) => new VNum(VT.Byte, toIntegerIn(nullChecked(v), 0, 255)));
  def('CDbl', 1, 1, ([v]) => fit(VT.Double, toNumber(nullChecked(v))));
  def('CSng', 1, 1, ([v]) => fit(VT.Single, toNumber(nullChecked(v))));
  def('CCur', 1, 1, ([v]) => fit(VT.Currency, toNumber(nullChecked(v))));
  def('CBool', 1, 1, ([v]) => toBool(nullChecked(v)));
  def('CDate', 1, 1, ([v]) => dateValue(toDateSerial(nullChecked(v))));
  def('Hex', 1, 1, ([v]) => hexOrOct(v, 16));
  def('Oct', 1, 1, ([v]) => hexOrOct(v, 8));
  nullable('Fix', 1, 1, ([v]) => sameType(v, Math.trunc(num(v)) + 0));
  nullable('Int', 1, 1, ([v]) => sameType(v, Math.floor(num(v))));
  nullable('Round', 1, 2, ([v, places]) => {
    const digits = optionalLong(places, 0);
    if (digits < 0) invalid();
    const factor = 10 ** digits;
    const n = num(v);
    const scaled = Number((n * factor).toPrecision(15));
    return sameType(v, roundHalfEven(scaled) / factor);
  });
  nullable('FormatNumber', 1, 5, (args) => formatNumber(num(args[0]), ...formatArgs(args)));
  nullable('FormatCurrency', 1, 5, (args) => {
    const [digits, leading, parens, group] = formatArgs(args);
    const n = num(args[0]);
    const body = formatNumber(Math.abs(n), digits, leading, parens, group);
    if (n >= 0 || Number(body.replace(/,/g, '')) === 0) return `$${body}`;
    return parens === 0 ? `-$${body}` : `($${body})`;
  });
  nullable('FormatPercent', 1, 5, (args) => formatNumber(num(args[0]) * 100, ...formatArgs(args), '%'));
  nullable('FormatDateTime', 1, 2, ([v, format]) => {
    const serial = dateArg(v);
    const p = dateParts(serial);
    switch (optionalLong(format, 0)) {
      case 0:
        return formatGeneralDate(serial);
      case 1:
        return formatLongDate(p);
      case 2:
        return formatShortDate(p);
      case 3:
        return formatLongTime(p);
      case 4:
        return formatShortTime(p);
      default:
        return invalid();
    }
  });

  // type tests
  def('IsArray', 1, 1, ([v]) => v instanceof VbArray);
  def('IsDate', 1, 1, ([v]) => {
    const x = isObjectValue(v) ? scalar(v) : v;
    if (x instanceof VNum && x.vt === VT.Date) return true;
    return typeof x === 'string' && parseDate(x) !== undefined;
  });
  def('IsEmpty', 1, 1, ([v]) => v === undefined);
  def('IsNull', 1, 1, ([v]) => v === null);
  def('IsNumeric', 1, 1, ([v]) => {
    const x = isObjectValue(v) ? scalar(v) : v;
    if (typeof x === 'number' || typeof x === 'boolean' || x === undefined) return true;
    if (x instanceof VNum) return x.vt !== VT.Date;
    return typeof x === 'string' && isNumericString(x);
  });
  def('IsObject', 1, 1, ([v]) => v === NOTHING || isObjectValue(v));
  def('TypeName', 1, 1, ([v]) => typeName(v));
  def('VarType', 1, 1, ([v]) => varType(v));

  // arrays
  fns.set('array', { call: (refs) => VbArray.of(refs.map((r) => r.v)) });
  const bound = (list: Value, dimension: Value, upper: boolean): Value => {
    const array = arrayArg(list);
    const d = optionalLong(dimension, 1);
    if (d < 1 || d > array.bounds.length) throw vbsError(E.SUBSCRIPT);
    return makeNum(VT.Long, upper ? array.bounds[d - 1] : 0);
  };
  def('UBound', 1, 2, ([list, d]) => bound(list, d, true));
  def('LBound', 1, 2, ([list, d]) => bound(list, d, false));

  // math
  const math = (name: string, fn: (n: number) => number, domain: (n: number) => boolean = () => true): void =>
    nullable(name, 1, 1, ([v]) => {
      const n = num(v);
      if (!domain(n)) invalid();
      return fit(VT.Double, fn(n));
    });
  math('Atn', Math.atan);
  math('Cos', Math.cos);
  math('Sin', Math.sin);
  math('Tan', Math.tan);
  math('Exp', (n) => {
    if (n > 709.782712893384) throw vbsError(E.OVERFLOW);
    return Math.exp(n);
  });
  math('Log', Math.log, (n) => n > 0);
  math('Sqr', Math.sqrt, (n) => n >= 0);
  nullable('Abs', 1, 1, ([v]) => sameType(v, Math.abs(num(v))));
  nullable('Sgn', 1, 1, ([v]) => Math.sign(num(v)) + 0);
  def('Rnd', 0, 1, ([v]) => {
    if (v !== undefined) {
      const n = num(v);
      if (n === 0) return new VNum(VT.Single, lastRnd);
      // A negative argument reseeds from its value: the same number gives the same sequence.
      if (n < 0) rndState = Math.floor(Math.abs(Math.fround(n)) * 0x1000000) & 0xffffff;
    }
    lastRnd = Math.fround(nextRnd());
    return new VNum(VT.Single, lastRnd);
  });
  def('Randomize', 0, 1, ([v]) => {
    const seed = v === undefined ? Date.now() : num(v);
    rndState = (rndState ^ (Math.floor(Math.abs(seed) * 1000) & 0xffff00)) & 0xffffff;
    return undefined;
  });
  def('RGB', 3, 3, ([r, g, b]) => {
    const part = (v: Value): number => {
      const n = long(v);
      if (n < 0) invalid();
      return Math.min(n, 255);
    };
    return makeNum(VT.Long, part(r) + part(g) * 256 + part(b) * 65536);
  });

  // dates and times
  const now = (): number => fromJsDate(new Date());
  def('Now', 0, 0, () => dateValue(Math.floor(now() * 86400) / 86400));
  def('Date', 0, 0, () => dateValue(Math.floor(now())));
  def('Time', 0, 0, () => dateValue(Math.floor(timeOf(now()) * 86400) / 86400));
  def('Timer', 0, 0, () => {
    const d = new Date();
    return new VNum(VT.Single, Math.fround(d.getHours() * 3600 + d.getMinutes() * 60 + d.getSeconds() + d.getMilliseconds() / 1000));
  });
  def('DateAdd', 3, 3, ([interval, n, d]) => dateValue(checkDate(dateAdd(str(interval), num(n), dateArg(d)))));
  def('DateDiff', 3, 5, ([interval, a, b, first]) => {
    const x = scalar(a);
    const y = scalar(b);
    if (x === null || y === null) return null;
    return makeNum(VT.Long, dateDiff(str(interval), dateArg(x), dateArg(y), firstDayOfWeek(first)));
  });
  def('DatePart', 2, 4, ([interval, d, first]) => {
    const x = scalar(d);
    if (x === null) return null;
    return datePart(str(interval), dateArg(x), firstDayOfWeek(first));
  });
  def('DateSerial', 3, 3, ([y, m, d]) => {
    const year = twoDigitYear(toIntegerIn(scalar(y), -32768, 32767));
    return dateValue(serialDay(year, toIntegerIn(scalar(m), -32768, 32767), toIntegerIn(scalar(d), -32768, 32767)));
  });
  def('TimeSerial', 3, 3, ([h, m, s]) => {
    const total = serialTime(long(h), long(m), long(s));
    return dateValue(total < 0 ? -Math.floor(-total) - (total - Math.floor(total)) : total);
  });
  nullable('DateValue', 1, 1, ([v]) => dateValue(Math.trunc(dateArg(v))));
  nullable('TimeValue', 1, 1, ([v]) => dateValue(timeOf(dateArg(v))));
  const part = (name: string, pick: (p: ReturnType<typeof dateParts>) => number): void => nullable(name, 1, 1, ([v]) => pick(dateParts(dateArg(v))));
  part('Year', (p) => p.year);
  part('Month', (p) => p.month);
  part('Day', (p) => p.day);
  part('Hour', (p) => p.hour);
  part('Minute', (p) => p.minute);
  part('Second', (p) => p.second);
  nullable('Weekday', 1, 2, ([v, first]) => weekday(dateArg(v), firstDayOfWeek(first)));
  def('WeekdayName', 1, 3, ([n, abbreviate, first]) => {
    const day = long(n);
    if (day < 1 || day > 7) invalid();
    const name = WEEKDAY_NAMES[(day - 1 + firstDayOfWeek(first) - 1) % 7];
    return abbreviate !== undefined && toBool(scalar(abbreviate)) ? name.slice(0, 3) : name;
  });
  def('MonthName', 1, 2, ([n, abbreviate]) => {
    const month = long(n);
    if (month < 1 || month > 12) invalid();
    const name = MONTH_NAMES[month - 1];
    return abbreviate !== undefined && toBool(scalar(abbreviate)) ? name.slice(0, 3) : name;
  });

  // the engine and the host
  def('ScriptEngine', 0, 0, () => 'VBScript');
  def('ScriptEngineMajorVersion', 0, 0, () => 5);
  def('ScriptEngineMinorVersion', 0, 0, () => 8);
  def('ScriptEngineBuildVersion', 0, 0, () => 16384);
  def('GetLocale', 0, 0, () => 1033);
  def('SetLocale', 0, 1, () => 1033);
  def('CreateObject', 1, 2, ([progId]) => compiler.host.createObject(str(progId)));
  def('GetObject', 0, 2, ([path, progId]) =>
    getObject(path === undefined ? undefined : str(path), progId === undefined ? undefined : str(progId), (id) => compiler.host.createObject(id)),
  );
  def('Err', 0, 0, () => machine.err);
  return fns;
}

/** The vb* constants (and the Err object's name), read-only globals. */
export function builtinConstants(): ReadonlyMap<string, Value> {
  const long = (n: number): Value => makeNum(VT.Long, n);
  const entries: [string, Value][] = [
    ['vbCr', '\r'],
    ['vbLf', '\n'],
    ['vbCrLf', '\r\n'],
    ['vbNewLine', '\r\n'],
    ['vbTab', '\t'],
    ['vbNullChar', '\0'],
    ['vbNullString', ''],
    ['vbFormFeed', '\f'],
    ['vbVerticalTab', '\v'],
    ['vbBack', '\b'],
    ['vbObjectError', long(-2147221504)],
    ['vbBinaryCompare', 0],
    ['vbTextCompare', 1],
    ['vbDatabaseCompare', 2],
    ['vbUseSystemDayOfWeek', 0],
    ['vbSunday', 1],
    ['vbMonday', 2],
    ['vbTuesday', 3],
    ['vbWednesday', 4],
    ['vbThursday', 5],
    ['vbFriday', 6],
    ['vbSaturday', 7],
    ['vbUseSystem', 0],
    ['vbFirstJan1', 1],
    ['vbFirstFourDays', 2],
    ['vbFirstFullWeek', 3],
    ['vbGeneralDate', 0],
    ['vbLongDate', 1],
    ['vbShortDate', 2],
    ['vbLongTime', 3],
    ['vbShortTime', 4],
    ['vbUseDefault', -2],
    ['vbTrue', -1],
    ['vbFalse', 0],
    ['vbEmpty', 0],
    ['vbNull', 1],
    ['vbInteger', 2],
    ['vbLong', 3],
    ['vbSingle', 4],
    ['vbDouble', 5],
    ['vbCurrency', 6],
    ['vbDate', 7],
    ['vbString', 8],
    ['vbObject', 9],
    ['vbError', 10],
    ['vbBoolean', 11],
    ['vbVariant', 12],
    ['vbDataObject', 13],
    ['vbDecimal', 14],
    ['vbByte', 17],
    ['vbArray', 8192],
    ['vbOKOnly', 0],
    ['vbOKCancel', 1],
    ['vbAbortRetryIgnore', 2],
    ['vbYesNoCancel', 3],
    ['vbYesNo', 4],
    ['vbRetryCancel', 5],
    ['vbCritical', 16],
    ['vbQuestion', 32],
    ['vbExclamation', 48],
    ['vbInformation', 64],
    ['vbDefaultButton1', 0],
    ['vbDefaultButton2', 256],
    ['vbDefaultButton3', 512],
    ['vbDefaultButton4', 768],
    ['vbApplicationModal', 0],
    ['vbSystemModal', 4096],
    ['vbOK', 1],
    ['vbCancel', 2],
    ['vbAbort', 3],
    ['vbRetry', 4],
    ['vbIgnore', 5],
    ['vbYes', 6],
    ['vbNo', 7],
    ['vbBlack', 0],
    ['vbRed', 255],
    ['vbGreen', 65280],
    ['vbYellow', 65535],
    ['vbBlue', long(16711680)],
    ['vbMagenta', long(16711935)],
    ['vbCyan', long(16776960)],
    ['vbWhite', long(16777215)],
  ];
  return new Map(entries.map(([name, value]) => [name.toLowerCase(), value]));
}


/**
 * The Mid statement's new value for its variable: `text` (or its first `length` characters) over
 * the characters from `start`, the variable's length unchanged.
 */
export function midReplace(current: Value, start: Value, length: Value, text: Value): string {
  try {
    if ([current, start, length, text].some((v) => v !== undefined && scalar(v) === null)) throw vbsError(E.INVALID_NULL);
    const target = str(current);
    const from = long(start);
    if (from < 1 || from > target.length) invalid();
    const count = optionalLong(length, Number.MAX_SAFE_INTEGER);
    if (count < 0) invalid();
    const replacement = str(text).slice(0, Math.min(count, target.length - from + 1));
    return target.slice(0, from - 1) + replacement + target.slice(from - 1 + replacement.length);
  } catch (error) {
    if (error instanceof VbsError && error.suffix === undefined) error.suffix = 'Mid';
    throw error;
  }
}
