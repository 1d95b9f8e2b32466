/** Numbers the way OLE Automation converts them (VarParseNumFromStr, VarI4FromR8), en-US locale. */

/** A numeric string: a decimal value, or the 32-bit pattern an `&H` / `&O` literal spells. */
export type ParsedNumber = { readonly kind: 'decimal'; readonly value: number } | { readonly kind: 'bits'; readonly value: number };

const RADIX_LITERAL = /^\s*&([HhOo])([0-9A-Fa-f]+)\s*$/;
// Sign, digits with thousands separators, decimals, exponent; spaces around (" 12 " is 12).
const DECIMAL_LITERAL = /^\s*([+-]?)((?:\d[\d,]*)?(?:\.\d*)?)(?:[eE]([+-]?\d+))?\s*$/;

export function parseVariantNumber(text: string): ParsedNumber | undefined {
  const radix = RADIX_LITERAL.exec(text);
  if (radix) {
    const base = radix[1].toUpperCase() === 'H' ? 16 : 8;
    if (base === 8 && /[89A-Fa-f]/.test(radix[2])) return undefined;
    return { kind: 'bits', value: parseInt(radix[2], base) };
  }
  const decimal = DECIMAL_LITERAL.exec(text);
  if (!decimal || !/\d/.test(decimal[2])) return undefined;
  const value = Number(`${decimal[1]}${decimal[2].replace(/,/g, '')}e${decimal[3] ?? '0'}`);
  return Number.isNaN(value) ? undefined : { kind: 'decimal', value };
}

/** Round half to even ("banker's rounding"), as VB and VariantChangeType round to integers: 2.5 → 2, 3.5 → 4. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * A double as VB writes it (VarBstrFromR8, C's `%.15G`): at most 15 significant digits, plain
 * from 0.0001 up to 15 integer digits, otherwise scientific with a signed two-digit exponent.
 */
export function formatVbNumber(value: number): string {
  if (value === 0) return '0';
  const rounded = Number(value.toPrecision(15));
  const [mantissa, exponentText] = rounded.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 15) return String(rounded);
  const sign = exponent < 0 ? '-' : '+';
  return `${mantissa}E${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}
