/**
 * Conversions of CIM values: from XML text (selectors, Put/Create bodies, method input),
 * from and to the JSON of instance files, to canonical text, and the DMTF datetime forms.
 */
import { isCimReference, type CimParameterDef, type CimReference, type CimScalar, type CimType, type CimValue } from './cim-types';

/** A value that does not fit its CIM type; callers turn it into the right WS-Management fault. */
export class CimValueError extends Error {
  override readonly name: string = 'CimValueError';
}

type IntegerType = 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'sint8' | 'sint16' | 'sint32' | 'sint64';

const INTEGER_RANGES: Readonly<Record<IntegerType, readonly [bigint, bigint]>> = {
  uint8: [0n, 0xffn],
  uint16: [0n, 0xffffn],
  uint32: [0n, 0xffffffffn],
  uint64: [0n, 0xffffffffffffffffn],
  sint8: [-0x80n, 0x7fn],
  sint16: [-0x8000n, 0x7fffn],
  sint32: [-0x80000000n, 0x7fffffffn],
  sint64: [-0x8000000000000000n, 0x7fffffffffffffffn],
};

export function isIntegerType(type: CimType): type is IntegerType {
  return Object.hasOwn(INTEGER_RANGES, type);
}

export function isNumericType(type: CimType): boolean {
  return isIntegerType(type) || type === 'real32' || type === 'real64';
}

/** 64-bit integers are held as bigint so their text stays exact. */
export function isBigIntType(type: CimType): boolean {
  return type === 'uint64' || type === 'sint64';
}

const INTEGER_TEXT = /^[+-]?\d+$/;
const REAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function integerFrom(type: IntegerType, digits: bigint, shown: string): number | bigint {
  const [min, max] = INTEGER_RANGES[type];
  if (digits < min || digits > max) throw new CimValueError(`${shown} is out of range for ${type}`);
  return isBigIntType(type) ? digits : Number(digits);
}

/** Parses one XML text value into the CIM type; throws CimValueError when it does not fit. */
export function parseCimText(type: CimType, text: string): CimScalar {
  const trimmed = type === 'string' || type === 'char16' ? text : text.trim();
  if (isIntegerType(type)) {
    if (!INTEGER_TEXT.test(trimmed)) throw new CimValueError(`cannot convert "${text}" to ${type}`);
    return integerFrom(type, BigInt(trimmed), trimmed);
  }
  switch (type) {
    case 'string':
      return text;
    case 'char16':
      if (text.length !== 1) throw new CimValueError(`"${text}" is not a single char16 character`);
      return text;
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (lower === 'true' || lower === '1') return true;
      if (lower === 'false' || lower === '0') return false;
      throw new CimValueError(`cannot convert "${text}" to boolean`);
    }
    case 'real32':
    case 'real64': {
      if (!REAL_TEXT.test(trimmed)) throw new CimValueError(`cannot convert "${text}" to ${type}`);
      const value = Number(trimmed);
      if (!Number.isFinite(value)) throw new CimValueError(`${trimmed} is out of range for ${type}`);
      return value;
    }
    case 'datetime': {
      const dmtf = toDmtf(trimmed);
      if (dmtf === undefined) throw new CimValueError(`"${text}" is not a CIM datetime`);
      return dmtf;
    }
    case 'reference':
      throw new CimValueError('a reference is an endpoint reference, not text');
    default:
      throw new CimValueError(`unsupported CIM type ${String(type)}`);
  }
}

/** A property or parameter value from XML texts; a lone text is a one-element array for array types. */
export function valueFromTexts(def: CimParameterDef, text: string | null | readonly string[]): CimValue {
  if (text === null) return null;
  if (typeof text === 'string') {
    return def.array ? [parseCimText(def.type, text)] : parseCimText(def.type, text);
  }
  if (!def.array) throw new CimValueError(`${def.name} is not an array but was given ${text.length} values`);
  return text.map((item) => parseCimText(def.type, item));
}

function scalarFromJson(type: CimType, json: unknown): CimScalar {
  if (isIntegerType(type)) {
    if (typeof json === 'number' && Number.isInteger(json)) return integerFrom(type, BigInt(json), String(json));
    if (typeof json === 'bigint') return integerFrom(type, json, String(json));
    // Strings keep 64-bit values exact in JSON.
    if (typeof json === 'string' && INTEGER_TEXT.test(json)) return integerFrom(type, BigInt(json), json);
    throw new CimValueError(`expected an integer (${type}), got ${JSON.stringify(json)}`);
  }
  switch (type) {
    case 'boolean':
      if (typeof json === 'boolean') return json;
      throw new CimValueError(`expected a boolean, got ${JSON.stringify(json)}`);
    case 'real32':
    case 'real64':
      if (typeof json === 'number' && Number.isFinite(json)) return json;
      throw new CimValueError(`expected a number (${type}), got ${JSON.stringify(json)}`);
    case 'string':
    case 'char16':
    case 'datetime':
      if (typeof json !== 'string') throw new CimValueError(`expected a string (${type}), got ${JSON.stringify(json)}`);
      return parseCimText(type, json);
    case 'reference':
      throw new CimValueError('a reference needs the store to resolve the instance it names');
    default:
      throw new CimValueError(`unsupported CIM type ${String(type)}`);
  }
}

/** A value from an instance file (or a machine-fill record). */
export function valueFromJson(def: CimParameterDef, json: unknown): CimValue {
  if (json === null || json === undefined) return null;
  if (def.array) {
    if (!Array.isArray(json)) throw new CimValueError(`expected an array of ${def.type}, got ${JSON.stringify(json)}`);
    return json.map((item: unknown) => scalarFromJson(def.type, item));
  }
  if (Array.isArray(json)) throw new CimValueError(`expected a single ${def.type}, got an array`);
  return scalarFromJson(def.type, json);
}

/**
 * The JSON an instance file holds for a value; 64-bit integers beyond 2^53 become strings, a
 * reference the key values of the instance it names (`{ "Name": "RpcSs" }`, with `__CLASS`).
 */
export function valueToJson(value: CimValue): unknown {
  if (Array.isArray(value)) return value.map((item) => valueToJson(item));
  if (isCimReference(value)) {
    return Object.fromEntries([['__CLASS', value.className], ...value.keys.map((key) => [key.name, valueToJson(key.value)] as const)]);
  }
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  return value;
}

/** Canonical text of a scalar: selector values, LIKE operands, XML content before escaping. */
export function scalarText(value: CimScalar): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/** Equality as WMI keys compare: strings without case, everything else exactly. */
export function sameKeyValue(a: CimValue, b: CimValue): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (isCimReference(a) || isCimReference(b)) return isCimReference(a) && isCimReference(b) && sameReference(a, b);
  return sameValue(a, b);
}

/** Two references name the same instance: one class (without case), equal keys (as keys compare). */
export function sameReference(a: CimReference, b: CimReference): boolean {
  if (a.className.toLowerCase() !== b.className.toLowerCase() || a.keys.length !== b.keys.length) return false;
  return a.keys.every((key) => {
    const other = b.keys.find((k) => k.name.toLowerCase() === key.name.toLowerCase());
    return other !== undefined && sameKeyValue(key.value, other.value);
  });
}

export function sameValue(a: CimValue, b: CimValue): boolean {
  if (isCimReference(a) || isCimReference(b)) return isCimReference(a) && isCimReference(b) && sameReference(a, b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => item === b[index]);
  }
  return a === b;
}

// ---- DMTF datetime ----

const DMTF_DATETIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})([+-])(\d{3})$/;
const DMTF_INTERVAL = /^(\d{8})(\d{2})(\d{2})(\d{2})\.(\d{6}):000$/;
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:\d{2})?$/;
const XS_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d{1,9}))?S)?)?$/;

const pad = (value: number | string, width: number): string => String(value).padStart(width, '0');

function validDate(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

function intervalFromParts(days: number, hours: number, minutes: number, seconds: number, micros: string): string | undefined {
  let total = BigInt(days) * 86400n + BigInt(hours) * 3600n + BigInt(minutes) * 60n + BigInt(seconds);
  const d = total / 86400n;
  if (d > 99999999n) return undefined;
  total %= 86400n;
  const h = total / 3600n;
  const m = (total % 3600n) / 60n;
  const s = total % 60n;
  return `${pad(d.toString(), 8)}${pad(h.toString(), 2)}${pad(m.toString(), 2)}${pad(s.toString(), 2)}.${micros}:000`;
}

/**
 * The canonical DMTF form of a datetime written as DMTF, ISO 8601 / xs:dateTime (offset
 * defaults to UTC) or xs:duration (an interval); undefined when it is none of these.
 */
export function toDmtf(text: string): string | undefined {
  const dmtf = DMTF_DATETIME.exec(text);
  if (dmtf) {
    const [y, mo, d, h, mi, s] = dmtf.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    return validDate(y, mo, d, h, mi, s) ? text : undefined;
  }
  const interval = DMTF_INTERVAL.exec(text);
  if (interval) {
    const [h, mi, s] = interval.slice(2, 5).map(Number) as [number, number, number];
    return h <= 23 && mi <= 59 && s <= 59 ? text : undefined;
  }
  const iso = ISO_DATETIME.exec(text);
  if (iso) {
    const [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    const [h, mi, s] = [Number(iso[4] ?? 0), Number(iso[5] ?? 0), Number(iso[6] ?? 0)];
    if (!validDate(y, mo, d, h, mi, s)) return undefined;
    const micros = (iso[7] ?? '').padEnd(6, '0').slice(0, 6);
    let offset = 0;
    const zone = iso[8];
    if (zone !== undefined && zone !== 'Z') {
      const zh = Number(zone.slice(1, 3));
      const zm = Number(zone.slice(4, 6));
      if (zh > 23 || zm > 59) return undefined;
      offset = (zone.startsWith('-') ? -1 : 1) * (zh * 60 + zm);
    }
    const sign = offset < 0 ? '-' : '+';
    return `${pad(y, 4)}${pad(mo, 2)}${pad(d, 2)}${pad(h, 2)}${pad(mi, 2)}${pad(s, 2)}.${micros}${sign}${pad(Math.abs(offset), 3)}`;
  }
  const duration = XS_DURATION.exec(text);
  if (duration && text !== 'P' && !text.endsWith('T')) {
    const micros = (duration[5] ?? '').padEnd(6, '0').slice(0, 6);
    return intervalFromParts(
      Number(duration[1] ?? 0),
      Number(duration[2] ?? 0),
      Number(duration[3] ?? 0),
      Number(duration[4] ?? 0),
      micros,
    );
  }
  return undefined;
}

export function isDmtfInterval(dmtf: string): boolean {
  return DMTF_INTERVAL.test(dmtf);
}

/** xs:dateTime of a DMTF datetime (`2024-01-31T10:00:00.000000+00:00`), or xs:duration of an interval. */
export function dmtfToXsd(dmtf: string): string {
  const interval = DMTF_INTERVAL.exec(dmtf);
  if (interval) {
    const [days, hours, minutes, seconds] = interval.slice(1, 5).map(Number) as [number, number, number, number];
    return `P${days}DT${hours}H${minutes}M${seconds}.${interval[5]}S`;
  }
  const match = DMTF_DATETIME.exec(dmtf);
  if (!match) return dmtf;
  const [, y, mo, d, h, mi, s, micros, sign, offsetText] = match as unknown as string[];
  const offset = Number(offsetText);
  const zone = `${sign}${pad(Math.floor(offset / 60), 2)}:${pad(offset % 60, 2)}`;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}.${micros}${zone}`;
}

/** DMTF datetime of a moment in the server's local time zone, as WMI reports times. */
export function dmtfFromDate(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  return (
    `${pad(date.getFullYear(), 4)}${pad(date.getMonth() + 1, 2)}${pad(date.getDate(), 2)}` +
    `${pad(date.getHours(), 2)}${pad(date.getMinutes(), 2)}${pad(date.getSeconds(), 2)}` +
    `.${pad(date.getMilliseconds(), 3)}000${sign}${pad(Math.abs(offset), 3)}`
  );
}
