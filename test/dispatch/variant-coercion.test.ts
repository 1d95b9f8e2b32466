/** VariantChangeType as the dispatch layer applies it to arguments and return values. */
import { changeType, type VarType } from '../../src/automation/dispatch';
import { formatVbNumber, parseVariantNumber, roundHalfEven } from '../../src/automation/dispatch/variant-number';
import { lateBound } from '../../src/automation/dispatch';
import { createObject } from '../../src/index';

const TYPE_MISMATCH = 0x80020005;
const OVERFLOW = 0x8002000a;

function hresultOf(body: () => unknown): number | undefined {
  try {
    body();
  } catch (error) {
    return (error as { hresult: number }).hresult;
  }
  return undefined;
}

describe('to long (VT_I4)', () => {
  it.each([
    [30000, 30000],
    [-5, -5],
    ['30000', 30000],
    [' 12 ', 12],
    ['-7', -7],
    ['1,000', 1000],
    ['1.5e3', 1500],
    ['&H10', 16],
    ['&h7fffffff', 0x7fffffff],
    ['&HFFFFFFFF', -1],
    ['&H80338000', -2144108544],
    ['&O17', 15],
    [true, -1],
    [false, 0],
    [undefined, 0],
  ])('%p → %p', (value, expected) => {
    expect(changeType(value, 'VT_I4')).toBe(expected);
  });

  it("rounds halves to even (banker's rounding), like VB", () => {
    expect([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 2.4, 2.6, -2.6].map((v) => changeType(v, 'VT_I4'))).toEqual([0, 2, 2, 4, 0, -2, -2, 2, 3, -3]);
    expect(changeType('2.5', 'VT_I4')).toBe(2);
  });

  it('refuses Null, objects and text that is no number with DISP_E_TYPEMISMATCH', () => {
    const locator = createObject('WSMan.Automation').CreateResourceLocator('').value!;
    for (const value of [null, 'abc', '', '12abc', '&H', '&O9', {}, locator]) {
      expect([value, hresultOf(() => changeType(value, 'VT_I4'))]).toEqual([value, TYPE_MISMATCH]);
    }
    expect(hresultOf(() => changeType(lateBound(locator), 'VT_I4'))).toBe(TYPE_MISMATCH);
  });

  it('refuses values outside 32 bits with DISP_E_OVERFLOW', () => {
    for (const value of [2147483648, -2147483649, 2147483647.5, '&H100000000', Infinity, NaN, '1e10']) {
      expect([value, hresultOf(() => changeType(value, 'VT_I4'))]).toEqual([value, OVERFLOW]);
    }
    expect(changeType(2147483647.4, 'VT_I4')).toBe(2147483647);
  });
});

describe('to unsigned long (VT_UI4, DWORD)', () => {
  it('takes 0 … 2^32-1, hex patterns unsigned', () => {
    expect(changeType(0x80338000, 'VT_UI4')).toBe(0x80338000);
    expect(changeType('&H80338000', 'VT_UI4')).toBe(0x80338000);
    expect(changeType('4294967295', 'VT_UI4')).toBe(0xffffffff);
  });

  it('reads a negative long as its bit pattern (winrm.vbs passes CLng("&H…") to GetErrorMessage)', () => {
    expect(changeType(-2144108544, 'VT_UI4')).toBe(0x80338000);
    expect(changeType(true, 'VT_UI4')).toBe(0xffffffff);
  });

  it('refuses what fits neither reading', () => {
    expect(hresultOf(() => changeType(4294967296, 'VT_UI4'))).toBe(OVERFLOW);
    expect(hresultOf(() => changeType(-2147483649, 'VT_UI4'))).toBe(OVERFLOW);
    expect(hresultOf(() => changeType(null, 'VT_UI4'))).toBe(TYPE_MISMATCH);
  });
});

describe('to BSTR', () => {
  it.each([
    ['text', 'text'],
    [30000, '30000'],
    [-1.5, '-1.5'],
    [0.1, '0.1'],
    [0.0001, '0.0001'],
    [0.00001, '1E-05'],
    [123456789012345, '123456789012345'],
    [1e15, '1E+15'],
    [1.5e20, '1.5E+20'],
    [2150858752, '2150858752'],
    [1 / 3, '0.333333333333333'],
    [-0, '0'],
    [true, 'True'],
    [false, 'False'],
    [undefined, ''],
  ])('%p → %p', (value, expected) => {
    expect(changeType(value, 'VT_BSTR')).toBe(expected);
  });

  it('refuses Null and objects with DISP_E_TYPEMISMATCH', () => {
    expect(hresultOf(() => changeType(null, 'VT_BSTR'))).toBe(TYPE_MISMATCH);
    expect(hresultOf(() => changeType({}, 'VT_BSTR'))).toBe(TYPE_MISMATCH);
  });
});

describe('to VARIANT_BOOL', () => {
  it.each([
    [true, true],
    [false, false],
    [-1, true],
    [2, true],
    [0, false],
    ['True', true],
    [' false ', false],
    ['TRUE', true],
    ['0', false],
    ['-1', true],
    [undefined, false],
  ])('%p → %p', (value, expected) => {
    expect(changeType(value, 'VT_BOOL')).toBe(expected);
  });

  it('refuses Null and words that are no boolean', () => {
    expect(hresultOf(() => changeType(null, 'VT_BOOL'))).toBe(TYPE_MISMATCH);
    expect(hresultOf(() => changeType('yes', 'VT_BOOL'))).toBe(TYPE_MISMATCH);
  });
});

describe('VARIANT and IDispatch*', () => {
  const locator = createObject('WSMan.Automation').CreateResourceLocator('').value!;

  it('passes a VARIANT through, a late-bound proxy as the object behind it', () => {
    for (const value of ['uri', 5, true, null, undefined, locator]) expect(changeType(value, 'VT_VARIANT')).toBe(value);
    expect(changeType(lateBound(locator), 'VT_VARIANT')).toBe(locator);
  });

  it('takes objects (unwrapping proxies) and Null/Empty as a null pointer for IDispatch*', () => {
    expect(changeType(locator, 'VT_DISPATCH')).toBe(locator);
    expect(changeType(lateBound(locator), 'VT_DISPATCH')).toBe(locator);
    expect(changeType(null, 'VT_DISPATCH')).toBeNull();
    expect(changeType(undefined, 'VT_DISPATCH')).toBeNull();
    for (const value of ['x', 1, true] as const) expect(hresultOf(() => changeType(value, 'VT_DISPATCH'))).toBe(TYPE_MISMATCH);
  });

  it('gives Empty for VT_VOID', () => {
    expect(changeType('ignored', 'VT_VOID' as VarType)).toBeUndefined();
  });
});

describe('number helpers', () => {
  it('rounds half to even', () => {
    expect([-3.5, -2.5, 0.49999, 4.5, 5.5].map(roundHalfEven)).toEqual([-4, -2, 0, 4, 6]);
  });

  it('parses what VarParseNumFromStr reads, and nothing else', () => {
    expect(parseVariantNumber(' +1,234.5 ')).toEqual({ kind: 'decimal', value: 1234.5 });
    expect(parseVariantNumber('.5')).toEqual({ kind: 'decimal', value: 0.5 });
    expect(parseVariantNumber('&HFF')).toEqual({ kind: 'bits', value: 255 });
    for (const text of ['', ' ', '.', '-', 'e5', '0x10', '1 2', '&HG']) expect([text, parseVariantNumber(text)]).toEqual([text, undefined]);
  });

  it('formats like VarBstrFromR8', () => {
    expect(formatVbNumber(999999999999999)).toBe('999999999999999');
    expect(formatVbNumber(-1e-7)).toBe('-1E-07');
    expect(formatVbNumber(1.23456789012345678)).toBe('1.23456789012346');
  });
});
