/**
 * `-format:json` (beyond winrm): one JSON object per resource or item, for jq. Properties by
 * local name; xsi:nil → null; "true"/"false" → booleans; integers and decimals in canonical form
 * (no leading zeros, within 2^53) → numbers, anything else stays a string; a repeated property →
 * an array; CIM datetimes (`cim:Datetime` wrappers, DMTF `yyyymmddHHMMSS.mmmmmm±UUU`) → ISO 8601
 * strings; selectors → `{ Name: value }`.
 */
import { attribute, childElements, isNil, parseXml, textContent, type XmlElement } from '../../core/protocol/xml';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;
const DECIMAL = /^-?(?:0|[1-9][0-9]*)\.[0-9]+(?:[eE][+-]?[0-9]+)?$/;
const DMTF_DATETIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})([+-])(\d{3})$/;
const CIM_TIME_WRAPPERS = new Set(['Datetime', 'Date', 'Time', 'Interval']);

/** `20240102030405.123456+060` → `2024-01-02T03:04:05.123456+01:00`. */
function dmtfToIso(match: RegExpExecArray): string {
  const [, y, mo, d, h, mi, s, micro, sign, offset] = match;
  const minutes = Number(offset);
  const zone = minutes === 0 ? 'Z' : `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}.${micro}${zone}`;
}

export function scalar(text: string): JsonValue {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (INTEGER.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : text;
  }
  if (DECIMAL.test(text)) return Number(text);
  const dmtf = DMTF_DATETIME.exec(text);
  return dmtf ? dmtfToIso(dmtf) : text;
}

function valueOf(element: XmlElement): JsonValue {
  if (isNil(element)) return null;
  const elements = childElements(element);
  if (elements.length === 0) return scalar(textContent(element));
  if (elements.length === 1 && CIM_TIME_WRAPPERS.has(elements[0].localName) && childElements(elements[0]).length === 0) {
    return textContent(elements[0]);
  }
  const result: { [key: string]: JsonValue } = {};
  const repeated = new Set<string>();
  for (const node of elements) {
    const selector = node.localName === 'Selector' ? attribute(node, 'Name') : undefined;
    const key = selector ?? node.localName;
    const value = selector !== undefined ? textContent(node) : valueOf(node);
    if (!Object.hasOwn(result, key)) result[key] = value;
    else if (repeated.has(key)) (result[key] as JsonValue[]).push(value);
    else {
      result[key] = [result[key], value];
      repeated.add(key);
    }
  }
  return result;
}

/** One line of JSON for one XML document. */
export function formatJson(xml: string): string {
  return JSON.stringify(valueOf(parseXml(xml)));
}
